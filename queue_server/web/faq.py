"""GET /api/v1/faq?q=&topic= — policy Q&A (政策问答, standard §6.1) for the kiosk and consoles.

The FAQ file is loaded into the store once, when the blueprint is registered (app start).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..services.faq import FaqService, resolve_faq_path

bp = Blueprint("faq", __name__, url_prefix="/api/v1")


@bp.record_once
def _load(state):
    hall = state.app.extensions["hall"]
    service = FaqService(hall.store, resolve_faq_path(hall.settings.hall.faq_file))
    service.load()
    state.app.extensions["faq"] = service


@bp.get("/faq")
def faq():
    return jsonify(current_app.extensions["faq"].search(request.args.get("q", ""), request.args.get("topic", "")))
