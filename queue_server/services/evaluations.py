"""Satisfaction ratings at the window (好差评, §7.1, §9.2): one per finished ticket."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from typing import Callable

from ..core.evaluation import BAD_LEVELS, LEVELS, parse_rating
from ..core.numbering import hall_day
from ..core.reports.summary import check_period
from ..core.settings import Settings
from ..errors import Conflict, Forbidden, InvalidField, NotFound
from ..eventbus import EventBus
from ..i18n import translate
from ..store import Store
from ..store import accounts as accounts_repo
from ..store import evaluations as repo
from ..store import events as event_log
from ..store import tickets as tickets_repo
from .common import iso

PENDING_MINUTES = 10  # the evaluator offers a finished ticket for rating this long
MAX_RANGE_DAYS = 366


class EvaluationService:
    def __init__(
        self,
        settings: Settings | Callable[[], Settings],
        store: Store,
        bus: EventBus,
        clock: Callable[[], datetime],
    ):
        # A getter (the hall's current Settings) so a reload (§8.1.4) reaches every call.
        self._settings = settings if callable(settings) else (lambda: settings)
        self.store = store
        self.bus = bus
        self.clock = clock
        self.followups = None  # services.followups: a 差评 with a contact opens an item (§9.3)

    @property
    def settings(self) -> Settings:
        return self._settings()

    @staticmethod
    def _check_window(only_window: int | None, window: int | None) -> None:
        """An evaluator tied to a window rates and offers that window's visits only, so a
        tablet never shows or takes a rating for the next window's citizen."""
        if only_window is not None and window != only_window:
            raise Forbidden("This evaluator belongs to window {number}.", number=only_window)

    def record(self, data: dict, source: str, only_window: int | None = None) -> dict:
        """Record a rating; ``only_window`` is the window of an evaluator tied to one."""
        rating = parse_rating(data)
        ticket_id = data.get("ticket_id")
        if not isinstance(ticket_id, str) or not ticket_id or len(ticket_id) > 64:
            raise InvalidField("{field} is required.", field="ticket_id")
        contact = self.followups.contact(data, rating["level"]) if self.followups else None
        now = self.clock()
        today = hall_day(now).isoformat()
        with self.store.write() as db:
            ticket = tickets_repo.get(db, ticket_id)
            if ticket is None:
                raise NotFound("No such ticket.")
            if ticket["status"] != "done" or ticket["day"] != today:
                raise Conflict("Only a ticket finished today can be rated.")
            self._check_window(only_window, ticket["window"])
            if repo.for_ticket(db, ticket_id) is not None:
                raise Conflict("This visit has already been rated (one rating per visit).")
            row = {
                "ticket_id": ticket_id,
                "ticket_number": ticket["number"],
                "service": ticket["service"],
                "day": today,
                "window": ticket["window"],
                "staff": ticket["staff"],
                "level": rating["level"],
                "reasons": rating["reasons"],
                "comment": rating["comment"],
                "source": source,
                "created_at": iso(now),
            }
            try:
                row["id"] = repo.insert(db, row)
            except sqlite3.IntegrityError:  # a second device won the race
                raise Conflict(
                    "This visit has already been rated (one rating per visit)."
                ) from None
            if contact:
                self.followups.open_item(db, row, contact, now)
            # Public event: no ticket id, no comment, no staff — displays may show it.
            event_id = event_log.append(
                db,
                "evaluation.recorded",
                iso(now),
                {
                    "evaluation": {
                        "level": row["level"],
                        "bad": row["level"] in BAD_LEVELS,
                        "window": row["window"],
                        "service": row["service"],
                    },
                },
            )
        self.bus.published(event_id)
        return {
            "id": row["id"],
            "ticket_number": row["ticket_number"],
            "level": row["level"],
            "window": row["window"],
            "reasons": row["reasons"],
        }

    def pending(self, window: int, only_window: int | None = None) -> dict | None:
        """The visit just finished at ``window`` and not rated yet (None: nothing to offer)."""
        self._check_window(only_window, window)
        if self.settings.window(window) is None:
            raise NotFound("There is no window {number}.", number=str(window)[:12])
        since = iso(self.clock() - timedelta(minutes=PENDING_MINUTES))
        row = repo.unrated_finished_at_window(self.store.db, window, since)
        if row is None:
            return None
        return {
            "ticket_id": row["id"],
            "number": row["number"],
            "service": row["service"],
            "finished_at": row["finished_at"],
        }

    def summary(self, day_from: date, day_to: date) -> dict:
        check_period(day_from, day_to, MAX_RANGE_DAYS)
        db = self.store.db
        rows = repo.between(db, day_from.isoformat(), day_to.isoformat())
        names = accounts_repo.display_names(db)

        def tally(items: list[dict]) -> dict:
            counts = {str(level): 0 for level in sorted(LEVELS, reverse=True)}
            for r in items:
                counts[str(r["level"])] += 1
            total = len(items)
            bad = sum(counts[str(level)] for level in BAD_LEVELS)
            return {
                "total": total,
                "counts": counts,
                "bad": bad,
                "bad_rate": round(bad / total, 4) if total else None,
                "mean_level": round(sum(r["level"] for r in items) / total, 2) if total else None,
            }

        def group(key: str) -> list[dict]:
            groups: dict = {}
            for r in rows:
                groups.setdefault(r[key], []).append(r)
            out = []
            for k in sorted(groups, key=lambda v: (v is None, str(v))):
                entry = {key: k} | tally(groups[k])
                if key == "staff":
                    entry["display_name"] = names.get(k, k)
                out.append(entry)
            return out

        return {
            "from": day_from.isoformat(),
            "to": day_to.isoformat(),
            "levels": {str(k): translate(v, "zh_CN") for k, v in LEVELS.items()},
            **tally(rows),
            "bad_list": [
                {
                    "id": r["id"],
                    "ticket_number": r["ticket_number"],
                    "service": r["service"],
                    "day": r["day"],
                    "window": r["window"],
                    "staff": r["staff"],
                    "staff_name": names.get(r["staff"], r["staff"]),
                    "level": r["level"],
                    "reasons": r["reasons"],
                    "comment": r["comment"],
                    "at": r["created_at"],
                }
                for r in rows
                if r["level"] in BAD_LEVELS
            ],
            "by_window": group("window"),
            "by_staff": group("staff"),
        }
