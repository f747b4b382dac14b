"""差评 follow-up (国办发〔2019〕51号, §9.3): an item for every 差评 that left a contact, its
回访, finding and 整改 with working-day deadlines on the hall calendar; overdue items for the
guide and admin consoles; on-time rates for the report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from ..calendar_cn import HallCalendar
from ..core import followups as rules
from ..core.idnumber import mask_phone
from ..core.numbering import hall_day
from ..core.settings import Settings
from ..errors import Conflict, InvalidField, NotFound
from ..store import Store
from ..store import accounts as accounts_repo
from ..store import audit
from ..store import followups as repo
from .common import iso

LIST_STATUSES = ("open", "overdue", "closed", "all")


class FollowupService:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        calendar: HallCalendar,
        clock: Callable[[], datetime],
    ):
        self._settings = settings
        self.store = store
        self.calendar = calendar
        self.clock = clock

    @property
    def settings(self) -> Settings:
        return self._settings()

    def today(self) -> date:
        return hall_day(self.clock())

    # --- from a rating -------------------------------------------------------------------------

    @staticmethod
    def contact(data: dict, level: int) -> str | None:
        """The contact a 差评 left (validated before the rating is saved)."""
        return rules.parse_contact(data, level)

    def open_item(self, db, rating: dict, contact: str, now: datetime) -> int:
        """A follow-up item for a 差评 with a contact, in the rating's own transaction."""
        day = date.fromisoformat(rating["day"])
        due = rules.call_due(
            day, self.settings.reports.followup_call_days, self.calendar.view(db).is_workday
        )
        return repo.insert(
            db,
            {
                "evaluation_id": rating["id"],
                "ticket_number": rating["ticket_number"],
                "service": rating["service"],
                "window": rating["window"],
                "staff": rating["staff"],
                "level": rating["level"],
                "reasons": rating["reasons"],
                "comment": rating["comment"],
                "contact": contact,
                "day": rating["day"],
                "created_at": iso(now),
                "status": rules.CALL,
                "call_due": due.isoformat(),
                "updated_at": iso(now),
            },
        )

    # --- views ---------------------------------------------------------------------------------

    def view(self, item: dict, today: date, names: dict) -> dict:
        due = rules.due(item)
        return {
            "id": item["id"],
            "ticket_number": item["ticket_number"],
            "service": item["service"],
            "window": item["window"],
            "staff": item["staff"],
            "staff_name": names.get(item["staff"], item["staff"]),
            "level": item["level"],
            "reasons": item["reasons"],
            "comment": item["comment"],
            "contact_masked": mask_phone(item["contact"]),
            "day": item["day"],
            "status": item["status"],
            "call_due": item["call_due"],
            "called_at": item["called_at"],
            "called_by": item["called_by"],
            "call_summary": item["call_summary"],
            "rectify_due": item["rectify_due"],
            "finding": item["finding"],
            "finding_reason": item["finding_reason"],
            "finding_at": item["finding_at"],
            "rectified_at": item["rectified_at"],
            "rectified_by": item["rectified_by"],
            "measures": item["measures"],
            "due": due.isoformat() if due else None,
            "overdue": rules.overdue(item, today),
        }

    def list(self, status: str = "open") -> dict:
        if status not in LIST_STATUSES:
            raise InvalidField("Status must be one of open, overdue, closed, all.", field="status")
        today = self.today()
        db = self.store.db
        rows = repo.select(db, open_only=status in ("open", "overdue"))
        names = accounts_repo.display_names(db)
        items = [self.view(r, today, names) for r in rows]
        if status == "overdue":
            items = [i for i in items if i["overdue"]]
        elif status == "closed":
            items = [i for i in items if i["status"] == rules.CLOSED]
        return {"status": status, "today": today.isoformat(), "items": items}

    def _item(self, db, item_id) -> dict:
        item = repo.get(db, item_id) if isinstance(item_id, int) else None
        if item is None:
            raise NotFound("No such follow-up item.")
        return item

    def get_full(self, item_id: int, actor: str, role: str | None) -> dict:
        """The item with the full phone number, to make the call; the access is audited."""
        with self.store.write() as db:
            item = self._item(db, item_id)
            audit.record(
                db,
                iso(self.clock()),
                actor,
                role,
                "followup.view_contact",
                f"followup:{item['id']}",
                "contact",
            )
            names = accounts_repo.display_names(db)
        return self.view(item, self.today(), names) | {"contact": item["contact"]}

    # --- the steps -----------------------------------------------------------------------------

    def _step(self, item_id: int, expected: tuple[str, ...], parse) -> dict:
        now = self.clock()
        with self.store.write() as db:
            item = self._item(db, item_id)
            if item["status"] not in expected:
                raise Conflict("This follow-up step is already done or not due yet.")
            changes = parse(item, now, db)
            changes["updated_at"] = iso(now)
            repo.update(db, item["id"], changes)
            item.update(changes)
            names = accounts_repo.display_names(db)
        return self.view(item, self.today(), names)

    def record_call(self, item_id: int, data: dict, by: str) -> dict:
        def parse(item, now, db):
            call = rules.parse_call(data, now, datetime.fromisoformat(item["created_at"]))
            due = rules.rectify_due(
                hall_day(call["called_at"]),
                self.settings.reports.followup_rectify_days,
                self.calendar.view(db).is_workday,
            )
            return {
                "called_at": iso(call["called_at"]),
                "call_summary": call["call_summary"],
                "called_by": by,
                "status": rules.FINDING,
                "rectify_due": due.isoformat(),
            }

        return self._step(item_id, (rules.CALL,), parse)

    def record_finding(self, item_id: int, data: dict, by: str) -> dict:
        def parse(item, now, db):
            found = rules.parse_finding(data)
            status = rules.RECTIFY if found["finding"] == "valid" else rules.CLOSED
            return {**found, "finding_at": iso(now), "finding_by": by, "status": status}

        return self._step(item_id, (rules.FINDING,), parse)

    def record_rectification(self, item_id: int, data: dict, by: str) -> dict:
        def parse(item, now, db):
            done = rules.parse_rectification(data, now, datetime.fromisoformat(item["called_at"]))
            return {
                "rectified_at": iso(done["rectified_at"]),
                "measures": done["measures"],
                "rectified_by": by,
                "status": rules.CLOSED,
            }

        return self._step(item_id, (rules.RECTIFY,), parse)

    # --- the report ----------------------------------------------------------------------------

    def report(self, day_from: date, day_to: date) -> dict:
        """On-time rates of the calls and of the rectifications of the range's 差评."""
        items = repo.select(
            self.store.db,
            open_only=False,
            day_from=day_from.isoformat(),
            day_to=day_to.isoformat(),
            limit=1_000_000,
        )
        return rules.report(items, self.today())
