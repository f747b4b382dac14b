"""Bookings (预约, DESIGN §5a): the JSON API the province's platform, the kiosk and the consoles
use, and the pages /guide/appointments (today's bookings per slot, a booking by phone) and
/admin/appointments (the same, the import and the capacity of the days ahead)."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from flask import Blueprint, jsonify, render_template, request

from ..core.appointments import STATUSES, capacity_of
from ..core.numbering import hall_day
from ..errors import Forbidden, InvalidField
from ..i18n import translate
from ..services.appointment_import import import_file
from ..services.appointments import AppointmentService
from .auth import principal, require, staff_name
from .context import hall, json_body, language, page_services
from .ledger import query_date
from .staff import JS_TEXT, _template_globals, page

bp = Blueprint("appointments", __name__)
bp.context_processor(_template_globals)  # the staff pages' texts, user, CSRF token, language

# Texts of static/staff/appointments.js and the window console's 预约 mark (one JS_TEXT).
JS_TEXT.update(
    {
        "ap_booked": "Not checked in",
        "ap_checked_in": "Checked in",
        "ap_late": "Late",
        "ap_no_show": "Missed (no-show)",
        "ap_cancelled": "Cancelled",
        "src_platform": "Platform",
        "src_import": "Import",
        "src_desk": "Guide desk",
        "ap_cancel": "Cancel booking",
        "ap_confirm_cancel": "Cancel the booking {code} at {time}?",
        "ap_cancelled_ok": "Booking {code} cancelled.",
        "ap_booked_ok": "Booked {day} {time}: booking code {code}. Tell the caller the code.",
        "ap_no_slots": "No bookable slots on this day.",
        "ap_left": "{left} left",
        "ap_full": "full",
        "ap_nothing": "No bookings.",
        "ap_day": "Day",
        "ap_not_working_day": "The hall does not open on this day.",
        "ap_imported": "{imported} imported, {duplicates} already there, {errors} rows not imported.",
        "ap_choose_file": "Choose the file first.",
        "appt_at": "Booked {time}",
    }
)

IMPORT_PATH = "/api/v1/appointments/import"
IMPORT_MAX_BYTES = 1 << 20  # a platform's export of several days; asgi.py reads this much here
IMPORT_MAX_FILE = 700_000  # the file itself, before base64


def appointments() -> AppointmentService:
    return hall().appointments


def _is_platform() -> bool:
    who = principal() or {}
    return who.get("type") == "device" and who.get("kind") == "platform"


def _day(required: bool = False) -> date:
    day = query_date("day")
    if day is None:
        if required:
            raise InvalidField("{field} is required.", field="day")
        return hall_day(hall().clock())
    return day


# --- API -------------------------------------------------------------------------------------


@bp.get("/api/v1/appointments/slots")
def slots():
    """A service's slots of a day with the places left: public, no personal data."""
    day = _day(required=True)
    service = request.args.get("service")
    found = appointments().slots(service, day)
    return jsonify(
        {
            "service": service,
            "day": day.isoformat(),
            "bookable": day in appointments().bookable_days(),
            "slots": found,
        }
    )


@bp.get("/api/v1/appointments/days")
def days():
    return jsonify({"days": [d.isoformat() for d in appointments().bookable_days()]})


@bp.post("/api/v1/appointments")
@require("guide", devices=("platform",))
def book():
    """The platform (idempotent by its external_id) or the guide desk (a booking by phone)."""
    source = "platform" if _is_platform() else "desk"
    view, created = appointments().book(json_body(), source, staff_name())
    return jsonify(view), 201 if created else 200


@bp.get("/api/v1/appointments")
@require("guide")
def day_view():
    return jsonify(appointments().day_view(_day()))


@bp.get("/api/v1/appointments/capacity")
@require("guide")
def capacity():
    return jsonify(appointments().capacity())


@bp.get("/api/v1/appointments/<appointment_id>")
@require("guide", devices=("platform",))
def get(appointment_id):
    view = appointments().get(appointment_id)
    if _is_platform() and view["source"] != "platform":
        raise Forbidden("You are not allowed to do this.")
    return jsonify(view)


@bp.post("/api/v1/appointments/<appointment_id>/cancel")
@require("guide", devices=("platform",))
def cancel(appointment_id):
    data = json_body()
    return jsonify(
        appointments().cancel(
            appointment_id, data.get("by", "citizen"), staff_name(), platform=_is_platform()
        )
    )


@bp.post("/api/v1/appointments/check-in")
@require("guide", devices=("kiosk",))
def check_in():
    """At the kiosk: ID card, booking code, or phone's last 4 + code → the booking's ticket."""
    channel = "kiosk" if (principal() or {}).get("type") == "device" else "guide"
    found = appointments().check_in(json_body(), staff_name(), channel)
    return jsonify(found), 200 if found["state"] == "replayed" else 201


@bp.post(IMPORT_PATH)
@require()
def import_bookings():
    """A CSV or XLSX exported by the platform, base64 in JSON (the API takes JSON only)."""
    request.max_content_length = IMPORT_MAX_BYTES
    data = json_body(max_string=IMPORT_MAX_BYTES)  # the file is one long base64 text
    name, content = data.get("file_name"), data.get("content")
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        raise InvalidField("{field} is required.", field="file_name")
    if not isinstance(content, str):
        raise InvalidField("{field} is required.", field="file")
    try:
        raw = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidField("{field} must be base64.", field="file") from None
    if not raw:
        raise InvalidField("The file is empty.", field="file")
    if len(raw) > IMPORT_MAX_FILE:
        raise InvalidField(
            "The file is larger than {size} KB.", field="file", size=IMPORT_MAX_FILE // 1000
        )
    lang = language()
    return jsonify(
        import_file(
            appointments(), name, raw, staff_name(), lambda msgid, **p: translate(msgid, lang, **p)
        )
    )


# --- pages -----------------------------------------------------------------------------------


def _page(admin: bool):
    services = page_services(language())
    day = _day()
    taking = [
        s
        for s in services  # the phone booking offers the services that take bookings
        if capacity_of(hall().settings.appointments, s["code"]) > 0
    ]
    return render_template(
        "staff/appointments.html",
        admin=admin,
        services=taking,
        day=day,
        page_data={
            "services": services,
            "day": day.isoformat(),
            "today": hall_day(hall().clock()).isoformat(),
            "admin": admin,
            "statuses": list(STATUSES),
        },
    )


@bp.get("/guide/appointments")
@page("guide")
def guide_page():
    return _page(admin=False)


@bp.get("/admin/appointments")
@page()
def admin_page():
    return _page(admin=True)
