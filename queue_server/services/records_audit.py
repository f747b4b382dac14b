"""Reading the audit of personal-data access (§8.6): /admin/audit and /api/v1/audit, filtered by
day, kiosk, result or an ID number typed by the admin (matched through the HMAC; the number is
neither stored nor logged). Every reading and every export is itself an audit row, carrying the
HMAC of the number looked for: a person can learn who searched for them."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Callable

from ..core import citizen as rules
from ..core.idnumber import validate_id_number
from ..errors import InvalidField
from ..store import Store
from ..store import records_audit as repo
from .citizen import CitizenService
from .common import audit, spreadsheet_safe

MAX_LIMIT = 1000
EXPORT_LIMIT = 100_000
CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "actor_kind",
    "action",
    "method",
    "result",
    "reason",
    "person",
    "detail",
)


def _text(value) -> str:
    return "" if value is None else str(value)


class AuditView:
    def __init__(self, store: Store, citizen: CitizenService, clock: Callable[[], datetime]):
        self.store = store
        self.citizen = citizen
        self.clock = clock

    def filters(self, raw: dict) -> dict:
        """Checked filters from a query string or a JSON body; 422 names the field."""
        out: dict = {}
        day = raw.get("day")
        if day not in (None, ""):
            if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                raise InvalidField("{field} must be a date as YYYY-MM-DD.", field="day")
            out["day"] = day
        kiosk = raw.get("kiosk")
        if kiosk not in (None, ""):
            if not isinstance(kiosk, str) or len(kiosk) > 64:
                raise InvalidField("{field} must be text.", field="kiosk")
            out["actor"] = kiosk
        result = raw.get("result")
        if result not in (None, ""):
            if result not in rules.RESULTS:
                raise InvalidField(
                    "result must be one of {choices}.",
                    field="result",
                    choices=", ".join(rules.RESULTS),
                )
            out["result"] = result
        number = raw.get("id_number")
        if number not in (None, ""):
            if not isinstance(number, str):
                raise InvalidField("{field} must be text.", field="id_number")
            out["id_hmac"] = self.citizen.id_hmac(validate_id_number(number))
        for key, high in (("limit", MAX_LIMIT), ("before", 2**62)):
            value = raw.get(key)
            if value in (None, ""):
                continue
            try:
                number_value = int(value)
            except (TypeError, ValueError):
                raise InvalidField("{field} must be a whole number.", field=key) from None
            if isinstance(value, bool) or not 1 <= number_value <= high:
                raise InvalidField("{field} must be a whole number.", field=key)
            out[key] = number_value
        return out

    def _select(self, actor: str, filters: dict, action: str) -> list[dict]:
        """The rows the filters select; reading the audit is itself an audit row (§8.6)."""
        with self.store.write() as db:
            found = repo.select(db, **filters)
            audit(
                db,
                self.clock(),
                actor,
                "staff",
                action,
                "ok",
                id_hmac=filters.get("id_hmac"),
                detail=_describe(filters, len(found)),
            )
        return found

    def read(self, actor: str, filters: dict) -> list[dict]:
        return [_view(r) for r in self._select(actor, filters, "audit.read")]

    def export_csv(self, actor: str, filters: dict) -> bytes:
        found = self._select(actor, {**filters, "limit": EXPORT_LIMIT}, "audit.export")
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        for r in found:
            v = _view(r)
            writer.writerow([spreadsheet_safe(_text(v[c])) for c in CSV_COLUMNS])
        return buf.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 Chinese CSV with a BOM


def _view(row: dict) -> dict:
    """A row as shown: the HMAC shortened to a tag that groups one person's rows."""
    out = {
        k: row[k]
        for k in (
            "id",
            "at",
            "day",
            "actor",
            "actor_kind",
            "action",
            "method",
            "result",
            "reason",
            "detail",
        )
    }
    out["person"] = row["id_hmac"][:12] if row["id_hmac"] else None
    return out


def _describe(filters: dict, count: int) -> str:
    parts = [f"{k}={v}" for k, v in filters.items() if k in ("day", "actor", "result", "before")]
    if "id_hmac" in filters:
        parts.append("id_number=(given)")
    return ";".join(parts + [f"rows={count}"])
