"""Request helpers shared by the blueprints: the hall, the caller's language, the JSON body."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.routing import BaseConverter

from ..errors import BadRequest, InvalidField, UnsupportedMediaType
from ..hall import Hall
from ..i18n import best_language, local_name

MAX_STRING = 2000


def hall() -> Hall:
    return current_app.extensions["hall"]


def language() -> str:
    lang = request.args.get("lang")
    if lang in hall().settings.hall.languages:
        return lang
    return best_language(request.headers.get("Accept-Language"), hall().settings.hall.languages)


def page_services(lang: str) -> list[dict]:
    """The hall's services for a page's script, in the configured order: code, prefix, name."""
    return [
        {"code": s.code, "prefix": s.prefix, "name": local_name(s.name, lang)}
        for s in hall().settings.services
    ]


def json_body(max_string: int = MAX_STRING) -> dict:
    """The request's JSON object, or a clear 400 (never a 500) for anything else; a text value
    longer than ``max_string`` is a 422."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "silent" covers ValueError only; [[[[… 1,000 deep gets here
        raise BadRequest("The request body is nested too deeply.") from None
    if data is None:
        raise BadRequest("The request body must be valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    for key, value in data.items():
        if isinstance(value, str) and len(value) > max_string:
            raise InvalidField("{field} is too long.", field=str(key)[:40])
    return data


def optional_str(data: dict, key: str, max_len: int = 200) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField("{field} must be text.", field=key)
    if len(value) > max_len:
        raise InvalidField("{field} is too long.", field=key)
    return value


def at_most(limit: int) -> str:
    """A regex for the decimal numbers 0 … ``limit``."""
    digits = str(limit)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    below = [
        f"{digits[:i]}[0-{int(d) - 1}]" + rf"\d{{{len(digits) - i - 1}}}"
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return "(?:" + "|".join(shorter + below + [digits]) + ")"


class SqlIntConverter(BaseConverter):
    """``<sqlint:name>``: a whole number that fits an SQLite INTEGER (0 … 2⁶³−1). The limit is in
    the regex, so a bigger number matches no route and is a 404: SQLite would overflow (a 500),
    and werkzeug answers a converter's refusal with a 405 when another method shares the path."""

    regex = at_most(2**63 - 1)
    weight = 50  # as werkzeug's int

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def require_json_for_changes():
    """before_request: API changes only as application/json (a cross-site form cannot send it)."""
    if request.routing_exception is not None:
        return  # a 404 or 405 says more than a 415
    if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if not request.is_json:
            raise UnsupportedMediaType("Send the request as application/json.")
