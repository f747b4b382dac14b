"""One place that turns every error into JSON for API clients (and HTML for pages)."""

from __future__ import annotations

import logging

from flask import jsonify, render_template_string, request
from werkzeug.exceptions import HTTPException

from ..errors import HallError, InvalidField
from ..i18n import translate
from .context import language
from .headers import csp_nonce

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: "The request could not be understood.",
    401: "Please log in first.",
    403: "You are not allowed to do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    415: "Send the request as application/json.",
    500: "Internal error; the hall IT staff have been notified in the log.",
}

_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{{ status }}</title>
<style nonce="{{ nonce }}">body{font-family:sans-serif;padding:2em}</style>
<body><h1>{{ status }}</h1><p>{{ message }}</p>
<p><a href="/">返回 / Back</a></p></body></html>"""


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def respond(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers=None,
    extra: dict | None = None,
):
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if field:
            body["error"]["field"] = field
        body["error"].update(extra or {})  # e.g. tries_left of a wrong query password
        return jsonify(body), status, headers or {}
    page = render_template_string(_PAGE, status=status, message=message, nonce=csp_nonce())
    return page, status, headers or {}


def register(app) -> None:
    @app.errorhandler(HallError)
    def hall_error(exc: HallError):
        field = exc.field if isinstance(exc, InvalidField) else None  # shown beside the input
        retry_after = getattr(exc, "retry_after", None)  # storage busy, full or unwritable
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        message = translate(exc.message, language(), **exc.params)
        return respond(exc.status, exc.code, message, field, headers, getattr(exc, "extra", None))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        msg = _HTTP_MESSAGES.get(exc.code, exc.name)
        # Keep the exception's own headers (Allow on a 405, RFC 9110 §15.5.6), not its body's type.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return respond(
            exc.code,
            exc.name.lower().replace(" ", "_"),
            translate(msg, language()),
            headers=headers,
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, "internal_error", translate(_HTTP_MESSAGES[500], language()))
