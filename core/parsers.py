"""The API's JSON parser: a body nested deeper than Python reads, or holding a NUL character
anywhere (PostgreSQL stores neither in text nor in JSON), is a 400 before any view sees it."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if _holds_nul(data):
            raise ParseError(_("The JSON body holds a NUL character; remove it and try again."))
        return data


def _holds_nul(value) -> bool:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            if "\x00" in current:
                return True
        elif isinstance(current, dict):
            stack.extend(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False
