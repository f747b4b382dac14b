"""The hall's working-day calendar: the official Chinese schedule with make-up working days
(调休) from ``chinesecalendar``, and an admin override list on top.

``chinesecalendar`` raises NotImplementedError for years whose schedule the State Council has
not published yet (usually announced in November for the next year). For those years the
calendar falls back to Monday–Friday and the deadline is reported as ``provisional``.
Overrides win over both sources, so a hall can also enter local holidays (e.g. 古尔邦节 in
Xinjiang) or the new year's schedule before the library is updated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

import chinese_calendar

from .core.numbering import HALL_TZ
from .core.errors import InvalidField
from .core.ledger import REPLY_LIMITS
from .core.workdays import add_working_days, is_mon_to_fri, working_days_between
from .store import Store
from .store import calendar as repo

OVERRIDE_KINDS = ("holiday", "workday")


@functools.cache
def published(year: int) -> bool:
    """Whether ``chinesecalendar`` knows the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def official_workday(day: date) -> bool | None:
    """The official answer, or None when the year is not published."""
    if not published(day.year):
        return None
    return chinese_calendar.is_workday(day)


@dataclass(frozen=True)
class Deadline:
    due_date: date
    provisional: bool  # some day counted lies in a year without a published schedule
    working_days: int


class CalendarView:
    """One consistent reading of the calendar (overrides loaded once)."""

    def __init__(self, overrides: dict[str, str]):
        self.overrides = overrides

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day.isoformat())
        if kind is not None:
            return kind == "workday"
        official = official_workday(day)
        return is_mon_to_fri(day) if official is None else official

    def deadline(self, start: date, n: int) -> Deadline:
        due = add_working_days(start, n, self.is_workday)
        provisional = any(not published(y) for y in range(start.year, due.year + 1))
        return Deadline(due, provisional, n)

    def working_days_left(self, today: date, due: date) -> int:
        return working_days_between(today, due, self.is_workday)


class HallCalendar:
    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store = store
        self.clock = clock

    def view(self, db=None) -> CalendarView:
        rows = repo.overrides(db or self.store.db)
        return CalendarView({day: r["kind"] for day, r in rows.items()})

    def is_workday(self, day: date) -> bool:
        return self.view().is_workday(day)

    def deadline(self, start: date, reply_class: str) -> Deadline:
        if reply_class not in REPLY_LIMITS:
            raise InvalidField("Reply class must be one of immediate, agreed, escalated, letter.", field="class")
        return self.view().deadline(start, REPLY_LIMITS[reply_class])

    # --- overrides (admin) -----------------------------------------------------------------

    def overrides(self) -> list[dict]:
        return [dict(r, official=self._official_label(r["day"])) for r in repo.overrides(self.store.db).values()]

    @staticmethod
    def _official_label(day: str) -> str:
        answer = official_workday(date.fromisoformat(day))
        return "unpublished" if answer is None else ("workday" if answer else "holiday")

    def set_override(self, day: date, kind: str, note: str | None, by: str | None) -> dict:
        if kind not in OVERRIDE_KINDS:
            raise InvalidField("Kind must be holiday or workday.", field="kind")
        today = self.clock().astimezone(HALL_TZ).date()
        if not (today - timedelta(days=366) <= day <= today + timedelta(days=3 * 366)):
            raise InvalidField("The date must lie within a year back and three years ahead.", field="date")
        row = {"day": day.isoformat(), "kind": kind, "note": note, "created_by": by,
               "created_at": self.clock().astimezone(HALL_TZ).isoformat(timespec="seconds")}
        with self.store.write() as db:
            repo.save(db, row)
        return dict(row, official=self._official_label(row["day"]))

    def delete_override(self, day: date) -> bool:
        with self.store.write() as db:
            return repo.delete(db, day.isoformat())

    @staticmethod
    def published_years() -> list[int]:
        return [y for y in range(2004, 2100) if published(y)]
