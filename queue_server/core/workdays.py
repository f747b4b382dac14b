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
    """Weekends off: the base of every calendar (the official one moves some days, 调休)."""
    return day.weekday() < 5


# 《全国年节及纪念日放假办法》 art. 2 (as amended by State Council decree No. 795 of 2024, in force
# 2025-01-01): the holidays of all citizens, 13 days a year. The State Council's yearly schedule
# adds bridge days and make-up working days (调休) around them; those cannot be known before it is
# published, so a provisional calendar has these days and weekends off, and nothing else.
LunarToSolar = Callable[[int, int, int], date]  # (lunar year, month, day) -> Gregorian date


def statutory_holidays(year: int, lunar: LunarToSolar, qingming: date) -> dict[date, str]:
    """The statutory holidays of ``year`` by name. ``lunar`` converts lunar dates (the Spring
    Festival, Dragon Boat and Mid-Autumn festivals); ``qingming`` is that year's 清明 solar term."""
    spring = lunar(year, 1, 1)
    days: list[tuple[date, str]] = [
        (date(year, 1, 1), "元旦"),
        (spring - timedelta(days=1), "春节（除夕）"),
        *[(spring + timedelta(days=i), "春节") for i in range(3)],  # 初一至初三
        (qingming, "清明节"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
        (lunar(year, 5, 5), "端午节"),
        (lunar(year, 8, 15), "中秋节"),
        *[(date(year, 10, d), "国庆节") for d in (1, 2, 3)],
    ]
    out: dict[date, str] = {}
    for day, name in days:  # 中秋 may fall on 10-1..10-3: one day, both names
        out[day] = f"{out[day]}、{name}" if day in out else name
    return out


def provisional_workday(day: date, holidays: dict[date, str]) -> bool:
    """A working day as far as the law alone says: Monday–Friday and not a statutory holiday."""
    return is_mon_to_fri(day) and day not in holidays
