"""Opening hours (营业时间) and the end of a hall day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Sequence

from .numbering import HALL_TZ


def _span(period: str) -> tuple[time, time]:
    return time.fromisoformat(period[:5]), time.fromisoformat(period[6:])


def in_periods(periods: list[str], now: datetime) -> bool:
    """Whether ``now`` (any zone) falls in one of the "HH:MM-HH:MM" periods, hall time."""
    local = now.astimezone(HALL_TZ).time()
    return any(start <= local < end for start, end in map(_span, periods))


def day_closes_at(day: date, periods: list[str], after_close_min: int) -> datetime:
    """When the tickets of ``day`` that are still open expire: ``after_close_min`` minutes after
    the last opening period ends, and at the latest at the day change (hall time)."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), HALL_TZ)
    if not periods:
        return midnight
    last_end = max(end for _, end in map(_span, periods))
    closes = datetime.combine(day, last_end, HALL_TZ) + timedelta(minutes=after_close_min)
    return min(closes, midnight)


def periods_on(day: date, periods: Sequence[str]) -> list[tuple[datetime, datetime]]:
    """The "HH:MM-HH:MM" periods of ``day`` as hall-time datetimes, in order."""
    return sorted(
        (datetime.combine(day, start, HALL_TZ), datetime.combine(day, end, HALL_TZ))
        for start, end in map(_span, periods)
    )
