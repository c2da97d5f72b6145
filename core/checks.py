"""System checks for settings that work on one developer's machine but not in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, Tags.security)
def shared_cache(app_configs, **kwargs):
    """Failed logins are counted in the default cache, and a changed opening hour reaches the
    deadline calendars through it: with a cache per process each web worker counts on its own
    (three workers let three times the guesses through) and keeps its own calendar."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is kept per process, so failed logins are counted per worker.",
            hint="Set CACHE_URL to a cache every process shares, e.g. redis://host:6379/2.",
            obj=backend,
            id="governance.W001",
        )
    ]
