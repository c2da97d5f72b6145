"""Error answers two platform modules and the listening endpoints share: Graph's error body
(https://developers.facebook.com/docs/graph-api/guides/error-handling) and X's invalid-request
problem (https://docs.x.com/x-api/fundamentals/response-codes-and-errors). Kept apart so the
listening module can use them without importing the platform modules that import it."""

from __future__ import annotations

import secrets
from typing import Any

from ..wire import Response, json_response

INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"


def graph_error(
    status: int,
    message: str,
    code: int,
    subcode: int | None = None,
    *,
    error_type: str = "OAuthException",
    transient: bool | None = None,
    user_title: str | None = None,
    user_msg: str | None = None,
) -> Response:
    error: dict[str, Any] = {"message": message, "type": error_type, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)[:21]
    return json_response(status, {"error": error})


def invalid_request(message: str, parameter: str | None = None, value: Any = None) -> Response:
    error: dict[str, Any] = {"message": message}
    if parameter is not None:
        error = {"parameters": {parameter: [str(value)]}, "message": message}
    return json_response(
        400,
        {
            "errors": [error],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": INVALID_REQUEST,
        },
    )
