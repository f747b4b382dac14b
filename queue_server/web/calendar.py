"""Working-day calendar API: deadline preview for the console form, admin overrides for
years without a published official schedule (§8.2 deadlines)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core.ledger import parse_date
from ..core.numbering import hall_day
from ..errors import InvalidField, NotFound
from .auth import require, staff_name
from .context import json_body, optional_str
from .ledger import calendar, ledger, query_date

bp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar")


@bp.get("/due-date")
@require("window", "guide")
def due_date():
    start = query_date("from") or hall_day(calendar().clock())
    reply_class = request.args.get("class", "agreed")
    deadline = calendar().deadline(start, reply_class)
    return jsonify(
        {
            "from": start.isoformat(),
            "class": reply_class,
            "working_days": deadline.working_days,
            "due_date": deadline.due_date.isoformat(),
            "provisional": deadline.provisional,
        }
    )


@bp.get("/overrides")
@require()
def overrides():
    return jsonify(
        {"overrides": calendar().overrides(), "published_years": calendar().published_years()}
    )


@bp.post("/overrides")
@require()
def set_override():
    data = json_body()
    day = parse_date(data.get("date"), "date")
    row = calendar().set_override(
        day, data.get("kind"), optional_str(data, "note", 100), staff_name()
    )
    ledger().recompute_provisional()  # provisional due dates follow the calendar (§8.2)
    return jsonify(row), 201


@bp.delete("/overrides/<day>")
@require()
def delete_override(day):
    if not calendar().delete_override(parse_date(day, "date")):
        raise NotFound("Not found.")
    ledger().recompute_provisional()
    return Response(status=204)


@bp.get("/years/<int:year>")
@require()
def year_status(year):
    """How a year is counted: official, confirmed (by an admin) or provisional, with the
    statutory holidays a provisional year assumes."""
    if not 1900 <= year <= 2099:
        raise NotFound("Not found.")
    return jsonify(calendar().year(year))


@bp.post("/years/<int:year>")
@require()
def confirm_year(year):
    """An admin who has entered the State Council's schedule of ``year`` as overrides confirms
    it: deadlines in that year stop being provisional, and stored ones are recounted."""
    data = json_body()
    confirmed = data.get("confirmed")
    if not isinstance(confirmed, bool):
        raise InvalidField(
            "Say true to confirm the year, false to take the confirmation back.", field="confirmed"
        )
    result = calendar().confirm_year(year, confirmed, optional_str(data, "note", 100), staff_name())
    return jsonify(result | {"recomputed": ledger().recompute_provisional()})
