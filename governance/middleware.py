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


class NullCharacterQueryMiddleware:
    """Answer 400 to a query string with a NUL character in a name or value.

    PostgreSQL cannot store or compare text holding NUL, so such a filter value would fail deep
    in a query; forms and serializers refuse it in submitted data, and this does the same for
    the filters every page and endpoint reads from the address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
            return self.refusal(request)
        return self.get_response(request)

    @staticmethod
    def refusal(request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("The address holds a NUL character; remove it and try again.")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "code": "null_character", "errors": {}}, status=400
            )
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _pairs(query):
    for key, values in query.lists():
        for value in values:
            yield key, value
