"""Settings for the gunicorn of benchmarks/scale.py: the project's, with DEBUG off as in
production (no query log, no template debug information), but plain HTTP on loopback and the
static files served without a collected manifest."""

from config.settings import *  # noqa: F403

DEBUG = False
for _template in TEMPLATES:  # noqa: F405
    _template.setdefault("OPTIONS", {})["debug"] = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
