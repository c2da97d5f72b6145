"""One error body for the whole API, so clients can rely on it.

Every 4xx and 5xx answer under /api/ is JSON of the same shape:
`{"detail": "<sentence in the requester's language>", "code": "<machine code>",
"errors": {"<field>": ["<message>", ...]}}` (`errors` is empty unless input fields were wrong).
State conflicts (acting on an item whose state does not allow it) are 409, missing or bad
credentials 401 with `WWW-Authenticate`, throttled requests 429 with `Retry-After`. The schema
hook at the end documents these answers for every operation.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state.")
    default_code = "conflict"


class ActionRefused(exceptions.APIException):
    """An action said no for a reason in the request itself (a bad choice, a missing text)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = gettext_lazy("The request is not valid.")
    default_code = "invalid"


def action_failed(error) -> exceptions.APIException:
    """The API's answer to an action's refusal: 409 when the current state does not allow the
    step (the action marked it a conflict), else 400."""
    if isinstance(error, DjangoValidationError):
        message = " ".join(error.messages)
        conflict = getattr(error, "code", None) == "conflict"
    else:
        message = str(error)
        conflict = getattr(error, "conflict", False)
    # An error may name its own machine code (e.g. "not_supported": the platform has no such
    # action for the object); else the status's default.
    code = getattr(error, "code", None) if isinstance(getattr(error, "code", None), str) else None
    if conflict:
        return Conflict(message, code=code)
    field = getattr(error, "field", None)
    if field:  # about one input (e.g. a personal ID number in `text`): reported on it
        return exceptions.ValidationError({field: [message]})
    return ActionRefused(message, code=code)


def _flatten(detail):
    """Field errors as {field: [message, ...]}, nested serializers joined with dots."""
    if isinstance(detail, dict):
        errors = {}
        for field, value in detail.items():
            inner = _flatten(value)
            if isinstance(inner, dict):
                errors.update({f"{field}.{key}": messages for key, messages in inner.items()})
            else:
                errors[str(field)] = inner
        return errors
    if isinstance(detail, list):
        if any(isinstance(value, dict) for value in detail):
            errors = {}
            for index, value in enumerate(detail):
                inner = _flatten(value)
                if isinstance(inner, dict):
                    errors.update({f"{index}.{key}": msgs for key, msgs in inner.items()})
                elif inner:
                    errors[str(index)] = inner
            return errors
        return [str(value) for value in detail]
    return [str(detail)]


def error_body(exc) -> dict:
    detail = exc.detail
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict) and set(detail) == {"detail"}:
            # A view's one-sentence refusal given as {"detail": ...}.
            messages = _flatten(detail["detail"])
            return {"detail": " ".join(messages), "code": code, "errors": {}}
        errors = _flatten(detail)
        if isinstance(errors, list):
            errors = {"non_field_errors": errors}
        return {"detail": _("Some of the input is not valid."), "code": code, "errors": errors}
    if isinstance(detail, dict | list):
        errors = _flatten(detail)
        errors = errors if isinstance(errors, dict) else {"non_field_errors": errors}
        return {"detail": str(exc.default_detail), "code": code, "errors": errors}
    return {"detail": str(detail), "code": getattr(detail, "code", None) or code, "errors": {}}


def exception_handler(exc, context):
    """DRF's handler (which sets WWW-Authenticate and Retry-After), with our body."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    elif response.status_code == status.HTTP_404_NOT_FOUND:  # Django's Http404
        response.data = {"detail": _("Not found."), "code": "not_found", "errors": {}}
    elif response.status_code == status.HTTP_403_FORBIDDEN:  # Django's PermissionDenied
        response.data = {
            "detail": _("You do not have permission to perform this action."),
            "code": "permission_denied",
            "errors": {},
        }
    return response


def _json_error(detail, code, status_code):
    return JsonResponse({"detail": str(detail), "code": code, "errors": {}}, status=status_code)


def page_not_found(request, exception, template_name="404.html"):
    """handler404: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _json_error(_("Not found."), "not_found", 404)
    from django.views.defaults import page_not_found as html_page_not_found

    return html_page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    """handler500: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _json_error(_("A server error occurred."), "server_error", 500)
    from django.views.defaults import server_error as html_server_error

    return html_server_error(request, template_name)


# --- The schema: every operation documents the error answers it can give.


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {
            "type": "string",
            "description": "What went wrong, for a program: e.g. invalid, not_authenticated, "
            "authentication_failed, permission_denied, not_found, method_not_allowed, "
            "conflict, not_supported (the platform has no such action for the item), throttled, "
            "token_expired and token_revoked (401), read_only_token (a read-only API token "
            "asked to write), session_required (API tokens are made from a session).",
        },
        "errors": {
            "type": "object",
            "description": "Messages per input field; empty when no field is wrong.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code", "errors"],
}
ERROR_COMPONENT = "Error"
_ERRORS_FOR_EVERY_OPERATION = {
    "400": "The input is not valid.",
    "401": "Credentials are missing or wrong.",
    "403": "The user may not do this.",
    "404": "No such object, or not one the user may see.",
    "405": "The method is not offered here.",
    "406": "The requested format cannot be given.",
    "429": "Too many requests; retry after the seconds in Retry-After.",
}
_ERRORS_FOR_WRITES = {
    "409": "The object's current state does not allow this.",
    "415": "The body's media type is not accepted.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Error component and each operation's 4xx."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            errors = dict(_ERRORS_FOR_EVERY_OPERATION)
            if method != "get":
                errors.update(_ERRORS_FOR_WRITES)
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "uri"}, {"maxLength": 0}],
        "description": "An address, or empty when none is known.",
    }
)
class BlankableURLField(serializers.CharField):
    """A URL that may be empty: the schema says so, instead of promising a uri. (Validated
    here rather than by a validator, from which drf-spectacular would infer format: uri.)"""

    default_error_messages = {"invalid": serializers.URLField.default_error_messages["invalid"]}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError:
                self.fail("invalid")
        return value
