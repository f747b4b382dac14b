"""GET /api/v1/faq?q=&topic= — policy Q&A (政策问答, standard §6.1) for the kiosk and consoles.

The FAQ file is loaded into the store once, when the blueprint is registered (app start).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .context import hall

bp = Blueprint("faq", __name__, url_prefix="/api/v1")


@bp.record_once
def _load(state):
    state.app.extensions["hall"].faq.load()


@bp.get("/faq")
def faq():
    return jsonify(hall().faq.search(request.args.get("q", ""), request.args.get("topic", "")))
