"""Working-day arithmetic for reply deadlines (standard §8.2), independent of any calendar.

Counting rule (DOMAIN.md): the start day does not count; the deadline is the n-th working day
after it, so it always lands on a working day. For n = 0 (immediate reply) the deadline is the
start day itself, or the next working day when the start day is a holiday.
The calendar is passed in as ``is_workday(date) -> bool`` (see queue_server/calendar_cn.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

IsWorkday = Callable[[date], bool]

# Longer than any official holiday run (the longest is 9 days); a calendar that never yields a
# working day within it is broken (e.g. an override list marking a whole month as holidays).
MAX_SCAN_DAYS = 60


class CalendarGap(ValueError):
    """No working day found within MAX_SCAN_DAYS: the calendar data is wrong."""


def next_working_day(day: date, is_workday: IsWorkday, include_start: bool = True) -> date:
    """``day`` itself if it is a working day (when ``include_start``), else the next one."""
    current = day if include_start else day + timedelta(days=1)
    for _ in range(MAX_SCAN_DAYS):
        if is_workday(current):
            return current
        current += timedelta(days=1)
    raise CalendarGap(f"no working day within {MAX_SCAN_DAYS} days after {day.isoformat()}")


def add_working_days(start: date, n: int, is_workday: IsWorkday) -> date:
    """The deadline ``n`` working days after ``start`` (``start`` itself does not count)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return next_working_day(start, is_workday)
    current = start
    for _ in range(n):
        current = next_working_day(current, is_workday, include_start=False)
    return current


def working_days_between(start: date, end: date, is_workday: IsWorkday) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start, is_workday)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_workday(current):
            count += 1
    return count


def is_mon_to_fri(day: date) -> bool:
    """The fallback rule for years without a published schedule."""
    return day.weekday() < 5
