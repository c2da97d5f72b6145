"""Use the municipality's language unless the person picked one with the language switch."""

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .signals import MUNICIPALITY_LANGUAGE_CACHE_KEY


def municipality_language():
    language = cache.get(MUNICIPALITY_LANGUAGE_CACHE_KEY)
    if language is None:
        from .models import Municipality

        municipality = Municipality.objects.current()
        language = municipality.default_language if municipality else settings.LANGUAGE_CODE
        cache.set(MUNICIPALITY_LANGUAGE_CACHE_KEY, language, 300)
    return language


class MunicipalityLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = municipality_language()
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
