"""Failed logins are counted in the shared cache, per address and per account at an address, so
a flood of wrong passwords is stopped on every worker without locking the real user out from
where they sign in; and production warns when the cache is kept per process."""

import contextlib

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.checks import Warning

from core.checks import shared_cache
from core.testing import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts. Try again later."
ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"


@pytest.fixture(autouse=True)
def _empty_cache(request):
    if "client" not in request.fixturenames:  # the system check's tests use no cache
        yield
        return
    request.getfixturevalue("client").cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    cache.clear()
    yield
    cache.clear()


def new_cache_client():
    """Forget this thread's cache client: the next use opens a new one, as another worker
    process would."""
    with contextlib.suppress(AttributeError):
        del caches["default"]


def sign_in(client, username, password, address):
    return client.post(
        "/auth/login/", {"login": username, "password": password}, REMOTE_ADDR=address
    )


def refused(response):
    return response.status_code == 200 and TOO_MANY in response.content.decode()


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_a_flood_from_one_address_is_stopped_after_five_guesses(client, org):
    answers = [sign_in(client, "editor", f"guess-{n}", ATTACKER) for n in range(6)]
    assert [refused(r) for r in answers] == [False] * 5 + [True]
    # Even the right password is refused at that address now.
    assert refused(sign_in(client, "editor", PASSWORD, ATTACKER))


def test_the_flood_does_not_lock_the_real_user_out_elsewhere(client, org):
    for n in range(10):
        sign_in(client, "editor", f"guess-{n}", ATTACKER)
    assert refused(sign_in(client, "editor", PASSWORD, ATTACKER))
    # The colleague signs in from their own address.
    assert signed_in(sign_in(client, "editor", PASSWORD, COLLEAGUE))


def test_a_flood_from_many_addresses_against_one_account_is_slowed(client, org):
    # Four guesses from each of eight addresses: each address stays under its own limit, but
    # the account takes 30 failures an hour from all addresses together.
    answers = [
        sign_in(client, "editor", f"guess-{a}-{n}", f"192.0.2.{a}")
        for a in range(1, 9)
        for n in range(4)
    ]
    assert [refused(r) for r in answers] == [False] * 30 + [True] * 2
    # Other accounts are not affected.
    assert signed_in(sign_in(client, "comms", PASSWORD, "192.0.2.1"))


def test_one_address_is_stopped_across_accounts(client, org):
    answers = [sign_in(client, persona, "wrong", ATTACKER) for persona in ["editor", "comms"] * 6]
    assert [refused(r) for r in answers] == [False] * 10 + [True] * 2


def test_a_right_password_does_not_count(client, org):
    for _n in range(8):
        assert signed_in(sign_in(client, "editor", PASSWORD, COLLEAGUE))
        client.logout()


def test_the_count_lives_in_the_shared_cache_not_in_the_process(client, org, settings, tmp_path):
    # Given a cache every process can open (a directory here, Redis in production)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    new_cache_client()
    # When one worker counts three failures
    for n in range(3):
        assert not refused(sign_in(client, "editor", f"guess-{n}", ATTACKER))
    # and another worker, with its own cache client, two more
    new_cache_client()
    for n in range(3, 5):
        assert not refused(sign_in(client, "editor", f"guess-{n}", ATTACKER))
    # Then a third worker refuses the next guess: the count was shared.
    new_cache_client()
    assert refused(sign_in(client, "editor", "guess-5", ATTACKER))
    # And the count is nowhere but the cache: emptied, the account opens again.
    cache.clear()
    assert signed_in(sign_in(client, "editor", PASSWORD, ATTACKER))
    new_cache_client()


def test_production_warns_when_the_cache_is_kept_per_process(settings):
    settings.DEBUG = False
    for backend in (
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ):
        settings.CACHES = {"default": {"BACKEND": backend}}
        assert shared_cache(None) == [
            Warning(
                "The default cache is kept per process, so failed logins are counted per worker.",
                hint="Set CACHE_URL to a cache every process shares, e.g. redis://host:6379/2.",
                obj=backend,
                id="governance.W001",
            )
        ]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert shared_cache(None) == []


def test_development_does_not_warn_about_the_local_cache(settings):
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert shared_cache(None) == []
