"""The guide and window consoles' ticket desk: find today's ticket by number, cancel it (the
citizen left) or print it again at the guide desk (paper jam) — each with a reason and an event."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..services.desk_printer import PrintFailed
from .auth import require, staff_name
from .context import hall, json_body

bp = Blueprint("ticket_desk", __name__, url_prefix="/api/v1")


@bp.get("/tickets")
@require("guide", "window")
def find_ticket():
    return jsonify({"tickets": [hall().queue.find_today(request.args.get("number"))]})


@bp.post("/tickets/<ticket_id>/cancel")
@require("guide", "window")
def cancel(ticket_id):
    data = json_body()
    return jsonify(hall().queue.cancel(ticket_id, data.get("reason"), staff_name()))


@bp.post("/tickets/<ticket_id>/reprint")
@require("guide", "window")
def reprint(ticket_id):
    data = json_body()
    queue = hall().queue
    reason = data.get("reason")
    ticket = queue.reprintable(ticket_id, reason)
    try:
        word = hall().desk_printer.print_ticket(ticket)
    except PrintFailed:
        queue.record_reprint(ticket_id, reason, printed=False, staff=staff_name())
        raise
    view = queue.record_reprint(ticket_id, reason, printed=True, staff=staff_name())
    return jsonify({"ticket": view, "printer": word})
