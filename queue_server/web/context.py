"""Request helpers shared by the blueprints: the hall, the caller's language, the JSON body."""

from __future__ import annotations

from flask import current_app, request

from ..errors import BadRequest, UnsupportedMediaType, ValidationFailed
from ..hall import Hall
from ..i18n import best_language

MAX_STRING = 2000


def hall() -> Hall:
    return current_app.extensions["hall"]


def language() -> str:
    lang = request.args.get("lang")
    if lang in hall().settings.hall.languages:
        return lang
    return best_language(request.headers.get("Accept-Language"), hall().settings.hall.languages)


def json_body() -> dict:
    """The request's JSON object, or a clear 400 (never a 500) for anything else."""
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("The request body must be valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    for key, value in data.items():
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise ValidationFailed("{field} is too long.", field=str(key)[:40])
    return data


def optional_str(data: dict, key: str, max_len: int = 200) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed("{field} must be text.", field=key)
    if len(value) > max_len:
        raise ValidationFailed("{field} is too long.", field=key)
    return value


def require_json_for_changes():
    """before_request: API changes only as application/json (a cross-site form cannot send it)."""
    if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if not request.is_json:
            raise UnsupportedMediaType("Send the request as application/json.")
