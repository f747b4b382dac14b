"""GET /api/v1/faq?q=&topic= — policy Q&A (政策问答, standard §6.1) for the kiosk and consoles.

The FAQ file is loaded into the store once, when the hall opens to serve (``Hall.open``).
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint, jsonify, request

from ..errors import InvalidField
from .context import hall

bp = Blueprint("faq", __name__, url_prefix="/api/v1")


def query_text(name: str) -> str:
    """A search word as typed: control characters (NUL, ESC …) are refused, not searched for
    (a NUL cut the full-text query short and matched every entry)."""
    value = request.args.get(name, "")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        raise InvalidField("{field} contains control characters.", field=name)
    return value


@bp.get("/faq")
def faq():
    return jsonify(hall().faq.search(query_text("q"), query_text("topic")))
