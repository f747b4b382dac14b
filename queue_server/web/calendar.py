"""Working-day calendar API: deadline preview for the console form, admin overrides for
years without a published official schedule (§8.2 deadlines)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core.errors import InvalidField
from ..core.ledger import parse_date
from ..core.numbering import hall_day
from ..errors import NotFound
from ..services.ledger import as_validation
from .auth import require, staff_name
from .context import json_body, optional_str
from .ledger import calendar, query_date

bp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar")


@bp.get("/due-date")
@require("window", "guide")
def due_date():
    start = query_date("from") or hall_day(calendar().clock())
    reply_class = request.args.get("class", "agreed")
    try:
        deadline = calendar().deadline(start, reply_class)
    except InvalidField as exc:
        raise as_validation(exc) from None
    return jsonify({"from": start.isoformat(), "class": reply_class, "working_days": deadline.working_days,
                    "due_date": deadline.due_date.isoformat(), "provisional": deadline.provisional})


@bp.get("/overrides")
@require()
def overrides():
    return jsonify({"overrides": calendar().overrides(), "published_years": calendar().published_years()})


@bp.post("/overrides")
@require()
def set_override():
    data = json_body()
    try:
        day = parse_date(data.get("date"), "date")
        row = calendar().set_override(day, data.get("kind"), optional_str(data, "note", 100), staff_name())
    except InvalidField as exc:
        raise as_validation(exc) from None
    return jsonify(row), 201


@bp.delete("/overrides/<day>")
@require()
def delete_override(day):
    try:
        parsed = parse_date(day, "date")
    except InvalidField as exc:
        raise as_validation(exc) from None
    if not calendar().delete_override(parsed):
        raise NotFound("Not found.")
    return Response(status=204)
