"""Ticket numbers: prefix + zero-padded daily sequence (``B012``), and the hall-local day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

HALL_TZ = ZoneInfo("Asia/Shanghai")


def format_number(prefix: str, seq: int, width: int = 3) -> str:
    if seq < 1:
        raise ValueError("sequence starts at 1")
    return f"{prefix}{seq:0{width}d}"


def hall_day(now: datetime, tz: ZoneInfo = HALL_TZ) -> date:
    """The hall-local date: numbering restarts at local midnight, not UTC midnight."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(tz).date()
