"""差评 follow-up (国办发〔2019〕51号; DOMAIN.md 好差评; §9.3 整改): every 差评 that left a
contact is called back (回访) within a set number of working days; the supervisor records the
call, the finding — valid, mistaken or malicious, with a reason (the review path for wrong
ratings) — and, for a valid one, the rectification (整改) within a further number of working
days. Pure validation and deadlines: callers pass ``now`` and the calendar's working days.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from .errors import InvalidField
from .evaluation import BAD_LEVELS
from .ledger import normalise_phone, parse_datetime
from .reports.deadlines import Deadline, deadline_figures
from .workdays import add_working_days

CALL, FINDING, RECTIFY, CLOSED = "call", "finding", "rectify", "closed"
STATUSES = (CALL, FINDING, RECTIFY, CLOSED)
FINDINGS = {"valid": "属实", "mistaken": "误评", "malicious": "恶意差评"}
MAX_TEXT = 500


def parse_contact(data: dict, level: int) -> str | None:
    """The optional phone number a citizen leaves with a 差评 (only with one), normalised."""
    raw = data.get("contact")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if level not in BAD_LEVELS:
        raise InvalidField(
            "A contact is asked for only with a dissatisfied rating.", field="contact"
        )
    try:
        return normalise_phone(raw)
    except InvalidField as exc:
        raise InvalidField(
            exc.message, field="contact", **{k: v for k, v in exc.params.items() if k != "field"}
        ) from None


def _text(data: dict, key: str, missing: str) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidField(missing, field=key)
    if not isinstance(value, str):
        raise InvalidField("{field} must be text.", field=key)
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidField(
            "{field} is too long (at most {max} characters).", field=key, max=MAX_TEXT
        )
    return value


def _when(data: dict, key: str, now: datetime, not_before: datetime) -> datetime:
    at = parse_datetime(data.get(key), key, now, default=now)
    if at < not_before:
        raise InvalidField("{field} cannot be before the previous step.", field=key)
    return at


def parse_call(data: dict, now: datetime, since: datetime) -> dict:
    """回访: when and what the citizen said."""
    return {
        "called_at": _when(data, "called_at", now, since),
        "call_summary": _text(
            data, "call_summary", "Please write what the citizen said on the call."
        ),
    }


def parse_finding(data: dict) -> dict:
    finding = data.get("finding")
    if not isinstance(finding, str) or finding not in FINDINGS:
        raise InvalidField("Finding must be one of valid, mistaken, malicious.", field="finding")
    return {
        "finding": finding,
        "finding_reason": _text(data, "finding_reason", "Please give the reason for the finding."),
    }


def parse_rectification(data: dict, now: datetime, since: datetime) -> dict:
    return {
        "rectified_at": _when(data, "rectified_at", now, since),
        "measures": _text(data, "measures", "Please describe the rectification measures."),
    }


def call_due(rated: date, days: int, is_workday: Callable[[date], bool]) -> date:
    """回访 due: ``days`` working days after the rating (the rating day does not count)."""
    return add_working_days(rated, days, is_workday)


def rectify_due(called: date, days: int, is_workday: Callable[[date], bool]) -> date:
    return add_working_days(called, days, is_workday)


def due(item: dict) -> date | None:
    """The deadline of the item's current step."""
    if item["status"] == CALL:
        return date.fromisoformat(item["call_due"])
    if item["status"] in (FINDING, RECTIFY) and item["rectify_due"]:
        return date.fromisoformat(item["rectify_due"])
    return None


def overdue(item: dict, today: date) -> bool:
    d = due(item)
    return d is not None and d < today


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def report(items: list[dict], today: date) -> dict:
    """On-time rates of the calls and of the rectifications of the given items (a range's
    差评), counted as the ledger's replies are (core.reports.deadlines). Counts only: the
    city gets this as it is (queue_server/city/followups.py)."""
    calls = [Deadline(_day(i["call_due"]), _day(i["called_at"])) for i in items]
    rectify = [
        Deadline(_day(i["rectify_due"]), _day(i["rectified_at"]))
        for i in items
        if i["finding"] in (None, "valid") and i["rectify_due"]
    ]
    return {
        "items": len(items),
        "calls": deadline_figures(calls, today),
        "rectifications": deadline_figures(rectify, today),
        "findings": {k: sum(1 for i in items if i["finding"] == k) for k in FINDINGS},
        "open": sum(1 for i in items if i["status"] != CLOSED),
    }
