"""The JSON API of DESIGN §4: hall, services, items, tickets, windows, devices."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core.guide import find_items
from ..errors import Forbidden, HallError, InvalidField
from .auth import principal, require, staff_name
from ..i18n import translate
from .context import hall, json_body, language, optional_str

bp = Blueprint("api", __name__, url_prefix="/api/v1")

WINDOW_ACTIONS = {"recall": "recall", "start": "start", "no-show": "no_show", "finish": "finish"}


@bp.get("/hall")
def hall_info():
    s = hall().settings
    return jsonify(
        {
            "name": s.hall.name,
            "address": s.hall.address,
            "hotline": s.hall.hotline,
            "languages": s.hall.languages,
            "opening_hours": s.hall.opening_hours,
            "notice": hall().queue.notice(),
            "public_url": s.hall.public_url,
        }
    )


@bp.get("/services")
def services():
    # nearby: other halls' shorter queues, from the city's last answer (never awaited here)
    return jsonify({"services": hall().nearby.annotate(hall().queue.services())})


@bp.get("/items")
def items():
    found = find_items(hall().settings, request.args.get("service"), request.args.get("q") or "")
    return jsonify({"items": found})


@bp.post("/tickets")
@require("guide", "window", devices=("kiosk",))
def issue_ticket():
    data = json_body()
    who = principal()
    channel = data.get("channel") or ("kiosk" if who["type"] == "device" else "guide")
    if data.get("appointment_code") is not None or channel == "appointment":
        # A booking's ticket comes only from its check-in, which looks the booking up.
        raise InvalidField(
            "Check a booking in with POST /api/v1/appointments/check-in.", field="appointment_code"
        )
    view, created = hall().queue.issue(
        data.get("service"),
        data.get("request_id"),
        channel=channel,
        priority_reason=data.get("priority_reason"),
    )
    if data.get("print") is True and who["type"] != "device":
        # The guide desk prints what it issues; the ticket is already committed, so a printer
        # fault only adds the reason to the answer and the guide reads the number out instead.
        try:
            view = view | {"printer": hall().desk_printer.print_ticket(view)}
        except HallError as exc:
            view = view | {"print_error": translate(exc.message, language(), **exc.params)}
    return jsonify(view), 201 if created else 200


@bp.get("/tickets/<ticket_id>")
def get_ticket(ticket_id):
    return jsonify(hall().queue.get_ticket(ticket_id))


@bp.post("/tickets/<ticket_id>/reinstate")
@require("guide")
def reinstate(ticket_id):
    json_body()
    return jsonify(hall().queue.reinstate(ticket_id))


@bp.get("/windows")
def windows():
    return jsonify({"windows": hall().queue.windows()})


@bp.get("/windows/<sqlint:number>/queue")
@require("window", "guide")
def window_queue(number):
    return jsonify(
        {
            "current": hall().queue.window_current(number),
            "waiting": hall().queue.window_queue(number),
        }
    )


@bp.post("/windows/<sqlint:number>/<any(open, pause, close):state>")
@require("window")
def window_state(number, state):
    json_body()
    target = {"open": "open", "pause": "paused", "close": "closed"}[state]
    return jsonify(hall().queue.set_window_state(number, target, staff_name()))


@bp.post("/windows/<sqlint:number>/call-next")
@require("window")
def call_next(number):
    data = json_body()
    ticket = hall().queue.call_next(
        number, staff_name(), ticket_id=optional_str(data, "ticket_id", 64)
    )
    if ticket is None:
        return Response(status=204)
    return jsonify(ticket)


@bp.post("/windows/<sqlint:number>/<any(recall, start, 'no-show', finish):action>")
@require("window")
def window_action(number, action):
    json_body()
    return jsonify(hall().queue.act(number, WINDOW_ACTIONS[action], staff_name()))


@bp.post("/windows/<sqlint:number>/transfer")
@require("window")
def transfer(number):
    data = json_body()
    return jsonify(hall().queue.act(number, "transfer", staff_name(), service=data.get("service")))


@bp.post("/devices/<device_id>/heartbeat")
@require(devices=("kiosk", "display", "evaluator"))
def heartbeat(device_id):
    who = principal()
    if who["type"] != "device" or who["id"] != device_id:
        raise Forbidden("A device may only report for itself.")
    data = json_body()
    return jsonify(hall().devices.heartbeat(who, data.get("status", {})))


@bp.get("/devices")
@require("guide")
def devices():
    return jsonify({"devices": hall().devices.list()})
