"""The hall notice line the guide publishes (its rule: core.phrases.parse_notice, §8.4), and the
service phrases of annex A.1 with the §7.1 prompts for the window console."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.phrases import (
    FORBIDDEN,
    FORBIDDEN_CLASS_MSGIDS,
    POLITE,
    window_prompts,
)
from ..i18n import translate
from .auth import principal, require
from .context import hall, json_body, language

bp = Blueprint("notice", __name__, url_prefix="/api/v1")


@bp.post("/notice")
@require("guide")
def set_notice():
    return jsonify(hall().queue.set_notice(json_body().get("text")))


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
