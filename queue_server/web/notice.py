"""The hall notice line (guide) checked against the forbidden phrases of annex A.2 (§8.4), and
the service phrases of annex A.1 with the §7.1 prompts for the window console."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.phrases import (
    FORBIDDEN,
    FORBIDDEN_CLASS_MSGIDS,
    POLITE,
    check_service_language,
    window_prompts,
)
from ..errors import InvalidField
from ..i18n import translate
from .auth import principal, require
from .context import hall, json_body, language

bp = Blueprint("notice", __name__, url_prefix="/api/v1")

MAX_NOTICE = 200


@bp.post("/notice")
@require("guide")
def set_notice():
    data = json_body()
    text = data.get("text")
    if not isinstance(text, str):
        raise InvalidField("{field} must be text.", field="text")
    text = " ".join(text.split())  # one line on the display
    if len(text) > MAX_NOTICE:
        raise InvalidField(
            "The notice may have at most {max} characters.", field="text", max=MAX_NOTICE
        )
    check_service_language(text, "text")
    event_id = hall().queue.set_notice(text)
    return jsonify({"notice": text, "event_id": event_id})


@bp.get("/phrases")
def phrases():
    who = principal() or {}
    staff = who.get("display_name") or ""
    return jsonify(
        {
            "polite": [
                {"situation": code, "name": name, "phrases": list(items)}
                for code, (name, items) in POLITE.items()
            ],
            "forbidden": [
                {
                    "class": cls,
                    "name": translate(FORBIDDEN_CLASS_MSGIDS[cls], language()),
                    "examples": [example for example, _ in examples],
                }
                for cls, examples in FORBIDDEN.items()
            ],
            "prompts": window_prompts(hall().settings.hall.name, staff),
        }
    )
