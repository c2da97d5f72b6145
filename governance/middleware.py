"""Use the municipality's language unless the person picked one with the language switch.

The API (under /api/) answers programs, which say what they read in Accept-Language: that comes
first there, then the person's own choice (the language switch's cookie), then the
municipality's language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from .languages import municipality_language

SET_LANGUAGE_PATH = "/i18n/setlang/"


class MunicipalityLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = accepted_language(request) or chosen_language(request)
            language = language or municipality_language()
            translation.activate(language)
            request.LANGUAGE_CODE = language
        elif settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = municipality_language()
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if (
            request.method == "POST"
            and request.path == SET_LANGUAGE_PATH
            and response.status_code in (200, 204, 302)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            # The language switch is also the person's choice for e-mails and notices.
            from .languages import remember_language

            remember_language(request.user, request.POST.get("language", ""))
        return response


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


def accepted_language(request):
    """The first language of the Accept-Language header that the product speaks, or None."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def chosen_language(request):
    """The language the person picked with the language switch, or None."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None
