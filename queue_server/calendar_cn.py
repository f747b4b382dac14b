"""The hall's working-day calendar: the official Chinese schedule with make-up working days
(调休) from ``chinesecalendar``, and an admin override list on top.

``chinesecalendar`` raises NotImplementedError for years whose schedule the State Council has
not published yet (usually announced in November for the next year). For those years the
calendar still knows the statutory holidays (《全国年节及纪念日放假办法》: 元旦, 春节 with its eve,
清明, 劳动节, 端午, 中秋, 国庆; lunar dates from ``lunardate``, 清明 from chinesecalendar's solar
terms) and weekends; it guesses no 调休, and the deadline is reported as ``provisional``.
Overrides win over every source, so a hall can also enter local holidays (e.g. 古尔邦节 in
Xinjiang) or the new year's schedule before the library is updated; an admin who has entered
a year's whole schedule confirms the year, and its deadlines stop being provisional.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

import chinese_calendar
from lunardate import LunarDate

from .core.numbering import HALL_TZ
from .core.errors import InvalidField
from .core.ledger import REPLY_LIMITS
from .core.workdays import (
    add_working_days,
    provisional_workday,
    statutory_holidays,
    working_days_between,
)
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


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


@functools.cache
def statutory_holidays_of(year: int) -> dict[date, str]:
    """The statutory holidays of ``year`` (empty outside 1900–2099, where the lunar tables end:
    weekends only there)."""
    try:
        qingming = next(
            day
            for day, term in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
            if term == "清明"
        )
        return statutory_holidays(year, _lunar_to_solar, qingming)
    except (ValueError, NotImplementedError, StopIteration):
        return {}


@dataclass(frozen=True)
class Deadline:
    due_date: date
    provisional: bool  # some day counted lies in a year without a published schedule
    working_days: int


class CalendarView:
    """One consistent reading of the calendar (overrides and confirmed years loaded once)."""

    def __init__(
        self, overrides: dict[str, str], confirmed: frozenset[int] | set[int] = frozenset()
    ):
        self.overrides = overrides
        self.confirmed = frozenset(confirmed)

    def known(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is in: the library's, or an admin's."""
        return published(year) or year in self.confirmed

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day.isoformat())
        if kind is not None:
            return kind == "workday"
        official = official_workday(day)
        if official is None:
            return provisional_workday(day, statutory_holidays_of(day.year))
        return official

    def deadline(self, start: date, n: int) -> Deadline:
        due = add_working_days(start, n, self.is_workday)
        provisional = any(not self.known(y) for y in range(start.year, due.year + 1))
        return Deadline(due, provisional, n)

    def working_days_left(self, today: date, due: date) -> int:
        return working_days_between(today, due, self.is_workday)


class HallCalendar:
    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store = store
        self.clock = clock

    def view(self, db=None) -> CalendarView:
        db = db or self.store.db
        rows = repo.overrides(db)
        return CalendarView({day: r["kind"] for day, r in rows.items()}, repo.confirmed_years(db))

    def is_workday(self, day: date) -> bool:
        return self.view().is_workday(day)

    def deadline(self, start: date, reply_class: str) -> Deadline:
        if reply_class not in REPLY_LIMITS:
            raise InvalidField(
                "Reply class must be one of immediate, agreed, escalated, letter.", field="class"
            )
        return self.view().deadline(start, REPLY_LIMITS[reply_class])

    # --- overrides (admin) -----------------------------------------------------------------

    def overrides(self) -> list[dict]:
        return [
            dict(r, official=self._official_label(r["day"]))
            for r in repo.overrides(self.store.db).values()
        ]

    @staticmethod
    def _official_label(day: str) -> str:
        answer = official_workday(date.fromisoformat(day))
        return "unpublished" if answer is None else ("workday" if answer else "holiday")

    def set_override(self, day: date, kind: str, note: str | None, by: str | None) -> dict:
        if kind not in OVERRIDE_KINDS:
            raise InvalidField("Kind must be holiday or workday.", field="kind")
        today = self.clock().astimezone(HALL_TZ).date()
        if not (today - timedelta(days=366) <= day <= today + timedelta(days=3 * 366)):
            raise InvalidField(
                "The date must lie within a year back and three years ahead.", field="date"
            )
        row = {
            "day": day.isoformat(),
            "kind": kind,
            "note": note,
            "created_by": by,
            "created_at": self.clock().astimezone(HALL_TZ).isoformat(timespec="seconds"),
        }
        with self.store.write() as db:
            repo.save(db, row)
        return dict(row, official=self._official_label(row["day"]))

    def delete_override(self, day: date) -> bool:
        with self.store.write() as db:
            return repo.delete(db, day.isoformat())

    @staticmethod
    def published_years() -> list[int]:
        return [y for y in range(2004, 2100) if published(y)]

    # --- years (admin) ---------------------------------------------------------------------

    def year(self, year: int) -> dict:
        """How ``year`` is counted: ``official`` (chinesecalendar), ``confirmed`` (an admin entered
        the schedule as overrides) or ``provisional`` (statutory holidays and weekends only)."""
        view = self.view()
        status = (
            "official"
            if published(year)
            else "confirmed"
            if year in view.confirmed
            else "provisional"
        )
        return {
            "year": year,
            "status": status,
            "statutory_holidays": [
                {"date": d.isoformat(), "name": n}
                for d, n in sorted(statutory_holidays_of(year).items())
            ],
        }

    def confirm_year(self, year: int, confirmed: bool, note: str | None, by: str | None) -> dict:
        """Mark ``year``'s overrides as its official schedule (or take that back)."""
        today = self.clock().astimezone(HALL_TZ).date()
        if not today.year - 1 <= year <= today.year + 3:
            raise InvalidField(
                "The year must lie within a year back and three years ahead.", field="year"
            )
        if published(year):
            raise InvalidField(
                "The official schedule of {year} is already built in; nothing to confirm.",
                field="year",
                year=year,
            )
        with self.store.write() as db:
            if confirmed:
                repo.confirm_year(
                    db,
                    {
                        "year": year,
                        "confirmed_by": by,
                        "note": note,
                        "confirmed_at": self.clock()
                        .astimezone(HALL_TZ)
                        .isoformat(timespec="seconds"),
                    },
                )
            else:
                repo.unconfirm_year(db, year)
        return self.year(year)
