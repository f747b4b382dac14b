"""Consultation ledger API (annex B, §8.2): record, list by deadline, answer, export, audit."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request

from ..calendar_cn import HallCalendar
from ..core.documents import DOCUMENT_LABEL_MSGIDS
from ..core.ledger import parse_date
from ..errors import InvalidField
from ..services.ledger import LedgerService
from .auth import principal, require, staff_name
from .context import hall, json_body

bp = Blueprint("ledger", __name__, url_prefix="/api/v1")


@bp.app_context_processor
def _ledger_form_choices() -> dict:
    # The consoles' ledger form (templates/staff/_ledger.html) offers these documents.
    return {"document_types": list(DOCUMENT_LABEL_MSGIDS.items())}


def calendar() -> HallCalendar:
    return hall().calendar


def ledger() -> LedgerService:
    return hall().ledger


def query_date(name: str) -> date | None:
    value = request.args.get(name)
    if value is None:
        return None  # absent; an empty value is not a date and is refused (422) like any other
    return parse_date(value, name)


def display_name() -> str | None:
    who = principal() or {}
    return who.get("display_name") or who.get("name") or staff_name()


def caller_role() -> str | None:
    """The caller's role, or a device's kind, as the audit of exports and full reads records it."""
    who = principal() or {}
    return who.get("role") or who.get("kind")


@bp.post("/ledger")
@require("window", "guide")
def create():
    return jsonify(ledger().create(json_body(), display_name(), staff_name())), 201


@bp.get("/ledger")
@require("window", "guide")
def list_records():
    status = request.args.get("status", "open")
    records = ledger().list(status, query_date("from"), query_date("to"))
    return jsonify({"status": status, "today": ledger().today().isoformat(), "records": records})


@bp.get("/ledger/<sqlint:record_id>")
@require("window", "guide")
def get_record(record_id):
    who = principal()
    if who["type"] == "user" and who["role"] == "admin":
        return jsonify(ledger().get_full(record_id, staff_name(), "admin"))
    return jsonify(ledger().get(record_id))


@bp.patch("/ledger/<sqlint:record_id>")
@require("window", "guide")
def answer(record_id):
    return jsonify(ledger().answer(record_id, json_body(), display_name(), staff_name()))


@bp.get("/ledger/export.csv")
@require("guide")
def export_csv():
    return _export("csv")


@bp.get("/ledger/export.xlsx")
@require("guide")
def export_xlsx():
    return _export("xlsx")


def _export(fmt: str) -> Response:
    status = request.args.get("status", "all")
    rows = ledger().export_rows(
        status, query_date("from"), query_date("to"), staff_name(), caller_role(), fmt
    )
    stamp = ledger().today().strftime("%Y%m%d")
    if fmt == "csv":
        body, mime = LedgerService.to_csv(rows), "text/csv; charset=utf-8"
    else:
        body, mime = (
            LedgerService.to_xlsx(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return Response(
        body,
        mimetype=mime,
        headers={
            "Content-Disposition": f"attachment; filename=ledger-{stamp}.{fmt}",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/ledger/audit")
@require()
def audit_log():
    try:
        limit = min(max(int(request.args.get("limit", 200)), 1), 1000)
    except ValueError:
        raise InvalidField("{field} must be a whole number.", field="limit") from None
    return jsonify({"entries": ledger().audit_log(limit)})
