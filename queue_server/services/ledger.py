"""Use cases of the consultation ledger (annex B, §7.1, §8.2): record, list, answer, export,
and the audited full view for admins."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Callable

from ..calendar_cn import CalendarView, HallCalendar
from ..core.documents import DOCUMENT_TYPES, mask_document
from ..core.idnumber import mask_phone
from ..core.ledger import (
    FORMS,
    REPLY_LIMITS,
    REPLY_METHODS,
    check_agreed_date,
    parse_new_record,
    parse_remarks,
    parse_reply,
)
from ..core.numbering import HALL_TZ, hall_day
from ..core.workdays import CalendarGap
from ..errors import Conflict, InvalidField, NotFound
from ..eventbus import EventBus
from ..i18n import translate
from ..store import Store
from ..store import audit
from ..store import events as event_log
from ..store import ledger as repo
from .common import iso, spreadsheet_safe

LIST_STATUSES = ("open", "due_today", "overdue", "answered", "all")

# Annex B layout, in its order; the export's header row.
EXPORT_COLUMNS = [
    "咨询人姓名",
    "证件号",
    "联系电话",
    "E-mail",
    "现通讯地址",
    "接待人",
    "接待时间",
    "预约答复日期",
    "咨询形式",
    "咨询内容要点",
    "答复方式",
    "答复内容要点",
    "答复时间",
    "答复人",
    "备注",
]


def _local_minute(value: str | None) -> str:
    return (
        datetime.fromisoformat(value).astimezone(HALL_TZ).strftime("%Y-%m-%d %H:%M")
        if value
        else ""
    )


def changed_event(db, now: datetime, record_id: int | None, status: str | None, action: str) -> int:
    """``ledger.changed`` tells open consoles to reload their list. The event stream is
    public, so it carries the record's id and status only, never a name or a number."""
    return event_log.append(
        db,
        "ledger.changed",
        iso(now),
        {"ledger": {"id": record_id, "status": status, "action": action}},
    )


def _document_cell(row: dict) -> str:
    """Annex B has one 证件号 column: other documents than the resident ID card are named."""
    masked = mask_document(row["id_number"], row["document_type"])
    if row["document_type"] in (None, "resident_id"):
        return masked
    country = f"（{row['document_country']}）" if row["document_country"] else ""
    return f"{DOCUMENT_TYPES.get(row['document_type'], row['document_type'])}{country} {masked}"


class LedgerService:
    def __init__(
        self, store: Store, calendar: HallCalendar, bus: EventBus, clock: Callable[[], datetime]
    ):
        self.store = store
        self.calendar = calendar
        self.bus = bus
        self.clock = clock

    def today(self) -> date:
        return hall_day(self.clock())

    # --- views -------------------------------------------------------------------------------

    def masked(
        self, row: dict, today: date | None = None, view: CalendarView | None = None
    ) -> dict:
        """The record as staff see it: ID number and phone masked, name in full."""
        today = today or self.today()
        due = date.fromisoformat(row["due_date"])
        is_open = row["status"] == "open"
        # Working days left (0 = due today, negative = overdue): lets consoles flag "due soon".
        left = (view or self.calendar.view()).working_days_left(today, due) if is_open else None
        return {
            "id": row["id"],
            "name": row["name"],
            "document_type": row["document_type"],
            "document_country": row["document_country"],
            "id_number_masked": mask_document(row["id_number"], row["document_type"]),
            "phone_masked": mask_phone(row["phone"]) or None,
            "email": row["email"],
            "address": row["address"],
            "received_at": row["received_at"],
            "form": row["form"],
            "summary": row["summary"],
            "reply_class": row["reply_class"],
            "agreed_reply_date": row["agreed_reply_date"],
            "due_date": row["due_date"],
            "due_provisional": bool(row["due_provisional"]),
            "receptionist": row["receptionist"],
            "remarks": row["remarks"],
            "status": row["status"],
            "due_today": is_open and due == today,
            "overdue": is_open and due < today,
            "working_days_left": left,
            "reply_method": row["reply_method"],
            "reply_content": row["reply_content"],
            "replied_at": row["replied_at"],
            "replied_by": row["replied_by"],
            "answered_late": bool(row["replied_at"])
            and hall_day(datetime.fromisoformat(row["replied_at"])) > due,
            "created_by": row["created_by"],
            "created_at": row["created_at"],
        }

    # --- use cases ---------------------------------------------------------------------------

    def create(self, data: dict, receptionist: str | None, created_by: str) -> dict:
        now = self.clock()
        rec = parse_new_record(data, now, receptionist)
        view = self.calendar.view()
        received_day = hall_day(rec["received_at"])
        limit = view.deadline(received_day, REPLY_LIMITS[rec["reply_class"]])
        due, provisional = limit.due_date, limit.provisional
        if rec["agreed_reply_date"] is not None:
            check_agreed_date(
                rec["agreed_reply_date"], hall_day(now), limit.due_date, view.is_workday
            )
            due = rec["agreed_reply_date"]
        row = {
            **{
                k: rec[k]
                for k in (
                    "name",
                    "document_type",
                    "id_number",
                    "document_country",
                    "phone",
                    "email",
                    "address",
                    "form",
                    "summary",
                    "reply_class",
                    "receptionist",
                    "remarks",
                )
            },
            "received_at": iso(rec["received_at"]),
            "received_day": received_day.isoformat(),
            "agreed_reply_date": rec["agreed_reply_date"].isoformat()
            if rec["agreed_reply_date"]
            else None,
            "due_date": due.isoformat(),
            "due_provisional": int(provisional),
            "created_by": created_by,
            "status": "open",
            "reply_method": None,
            "reply_content": None,
            "replied_at": None,
            "replied_by": None,
            "answered_by": None,
            "created_at": iso(now),
            "updated_at": iso(now),
        }
        with self.store.write() as db:
            row["id"] = repo.insert(db, row)
            event_id = changed_event(db, now, row["id"], "open", "created")
        self.bus.published(event_id)
        return self.masked(row)

    def recompute_provisional(self) -> int:
        """Due dates counted while a year's schedule was not known, counted again on the
        calendar as it stands now (§8.2); records whose years are all known stop being
        provisional. Called at start-up (a new chinesecalendar brings a new year) and after
        every calendar change. An agreed reply date stays: the person was told that day.
        Returns how many records changed."""
        if not repo.provisional(self.store.db):
            return 0
        now = self.clock()
        changed, event_id = 0, None
        with self.store.write() as db:
            view = self.calendar.view(db)
            for row in repo.provisional(db):
                start = (
                    date.fromisoformat(row["received_day"])
                    if row["received_day"]
                    else hall_day(datetime.fromisoformat(row["received_at"]))
                )
                try:
                    limit = view.deadline(start, REPLY_LIMITS[row["reply_class"]])
                except (CalendarGap, KeyError):
                    continue  # broken overrides or an unknown class: keep what was stored
                target = {
                    "due_date": row["agreed_reply_date"] or limit.due_date.isoformat(),
                    "due_provisional": int(limit.provisional),
                }
                changes = {k: v for k, v in target.items() if row[k] != v}
                if changes:
                    repo.update(db, row["id"], changes | {"updated_at": iso(now)})
                    changed += 1
            if changed:
                event_id = changed_event(db, now, None, None, "recomputed")
        if event_id:
            self.bus.published(event_id)
        return changed

    def list(
        self, status: str = "open", day_from: date | None = None, day_to: date | None = None
    ) -> list[dict]:
        if status not in LIST_STATUSES:
            raise InvalidField(
                "Status must be one of open, due_today, overdue, answered, all.", field="status"
            )
        today = self.today()
        rows = repo.select(
            self.store.db,
            status,
            today.isoformat(),
            day_from.isoformat() if day_from else None,
            day_to.isoformat() if day_to else None,
        )
        view = self.calendar.view()
        return [self.masked(r, today, view) for r in rows]

    def _row(self, db, record_id) -> dict:
        row = repo.get(db, record_id) if isinstance(record_id, int) else None
        if row is None:
            raise NotFound("No such ledger record.")
        return row

    def get(self, record_id: int) -> dict:
        return self.masked(self._row(self.store.db, record_id))

    def get_full(self, record_id: int, actor: str, role: str | None) -> dict:
        """The record with the full ID number and phone, for an admin; the access is audited."""
        with self.store.write() as db:
            row = self._row(db, record_id)
            audit.record(
                db,
                iso(self.clock()),
                actor,
                role,
                "ledger.view_full",
                f"ledger:{row['id']}",
                "id_number,phone",
            )
        return self.masked(row) | {"id_number": row["id_number"], "phone": row["phone"]}

    def answer(self, record_id: int, data: dict, replier: str | None, by: str) -> dict:
        """Record the reply (closes the record) and/or update the remarks."""
        now = self.clock()
        with self.store.write() as db:
            row = self._row(db, record_id)
            changes: dict = {}
            reply_keys = ("reply_method", "reply_content", "replied_at", "replied_by")
            if any(data.get(k) not in (None, "") for k in reply_keys):
                if row["status"] != "open":
                    raise Conflict("This consultation has already been answered.")
                reply = parse_reply(data, now, datetime.fromisoformat(row["received_at"]), replier)
                changes = {
                    **reply,
                    "replied_at": iso(reply["replied_at"]),
                    "status": "answered",
                    "answered_by": by,
                }
            elif "remarks" not in data:
                raise InvalidField(
                    "Reply method must be one of phone, letter, email, window, sms.",
                    field="reply_method",
                )
            if "remarks" in data:
                changes["remarks"] = parse_remarks(data)
            changes["updated_at"] = iso(now)
            repo.update(db, row["id"], changes)
            row.update(changes)
            action = "answered" if "reply_method" in changes else "remarks"
            event_id = changed_event(db, now, row["id"], row["status"], action)
        self.bus.published(event_id)
        return self.masked(row)

    # --- export ------------------------------------------------------------------------------

    def export_rows(
        self,
        status: str,
        day_from: date | None,
        day_to: date | None,
        actor: str,
        role: str | None,
        fmt: str,
    ) -> list[list[str]]:
        if status not in LIST_STATUSES:
            raise InvalidField(
                "Status must be one of open, due_today, overdue, answered, all.", field="status"
            )
        with self.store.write() as db:
            rows = repo.select(
                db,
                status,
                self.today().isoformat(),
                day_from.isoformat() if day_from else None,
                day_to.isoformat() if day_to else None,
                limit=100_000,
            )
            # Exports are masked, but who took a copy of the ledger still matters.
            audit.record(
                db,
                iso(self.clock()),
                actor,
                role,
                f"ledger.export.{fmt}",
                "ledger",
                f"status={status};rows={len(rows)}",
            )
        out = []
        for r in rows:
            agreed = r["agreed_reply_date"] or r["due_date"]
            out.append(
                [
                    spreadsheet_safe(v)
                    for v in [
                        r["name"],
                        _document_cell(r),
                        mask_phone(r["phone"]),
                        r["email"] or "",
                        r["address"] or "",
                        r["receptionist"] or "",
                        _local_minute(r["received_at"]),
                        agreed,
                        translate(FORMS[r["form"]], "zh_CN") if r["form"] in FORMS else r["form"],
                        r["summary"],
                        translate(REPLY_METHODS[r["reply_method"]], "zh_CN")
                        if r["reply_method"] in REPLY_METHODS
                        else "",
                        r["reply_content"] or "",
                        _local_minute(r["replied_at"]),
                        r["replied_by"] or "",
                        r["remarks"] or "",
                    ]
                ]
            )
        return out

    @staticmethod
    def to_csv(rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
        # UTF-8 with BOM: Excel on Windows otherwise opens Chinese CSV as GBK mojibake.
        return buf.getvalue().encode("utf-8-sig")

    @staticmethod
    def to_xlsx(rows: list[list[str]]) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        wb = Workbook()
        ws = wb.active
        ws.title = "咨询服务台账"
        ws.append(EXPORT_COLUMNS)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append(r)
        widths = [10, 20, 14, 20, 24, 10, 17, 13, 9, 40, 9, 40, 17, 10, 20]
        for i, w in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = w
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def audit_log(self, limit: int = 200) -> list[dict]:
        return audit.recent(self.store.db, limit)
