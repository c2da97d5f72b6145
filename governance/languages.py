"""The language a person reads the product in: their own choice, else the municipality's.

Pages follow the language switch (a cookie, see the middleware); what the product sends a person
on its own (e-mails, notices written by tasks) follows the choice stored with the person, which
the language switch keeps up to date."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .models import Language, PersonPreference
from .signals import MUNICIPALITY_LANGUAGE_CACHE_KEY


def language_for(user) -> str:
    """The person's chosen language, else the municipality's, else the site's default."""
    chosen = ""
    if user is not None and getattr(user, "pk", None):
        chosen = (
            PersonPreference.objects.filter(user_id=user.pk)
            .values_list("language", flat=True)
            .first()
            or ""
        )
    return chosen or municipality_language() or settings.LANGUAGE_CODE


def languages_for(users) -> dict:
    """`{user id: language}` for many people, in one query."""
    ids = [user.pk for user in users if user is not None and user.pk]
    chosen = dict(
        PersonPreference.objects.filter(user_id__in=ids)
        .exclude(language="")
        .values_list("user_id", "language")
    )
    default = municipality_language() or settings.LANGUAGE_CODE
    return {pk: chosen.get(pk) or default for pk in ids}


def remember_language(user, code) -> None:
    """Store the language a signed-in person picked with the language switch."""
    try:
        code = translation.get_supported_language_variant(code)
    except LookupError:
        return
    if code not in Language.values:
        return
    PersonPreference.objects.update_or_create(user=user, defaults={"language": code})


def municipality_language():
    language = cache.get(MUNICIPALITY_LANGUAGE_CACHE_KEY)
    if language is None:
        from .models import Municipality

        municipality = Municipality.objects.current()
        language = municipality.default_language if municipality else settings.LANGUAGE_CODE
        cache.set(MUNICIPALITY_LANGUAGE_CACHE_KEY, language, 300)
    return language


def choose_language(user, code) -> None:
    """Store the language a person picked on their profile; empty: the municipality's."""
    if code and code not in Language.values:
        raise ValueError(code)
    PersonPreference.objects.update_or_create(user=user, defaults={"language": code or ""})
