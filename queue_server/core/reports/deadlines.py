"""On time or late: the ledger's replies (§8.2) and the 差评 follow-up's calls and
rectifications, counted the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .figures import ratio


@dataclass(frozen=True)
class Deadline:
    due: date | None  # None: no deadline (e.g. no rectification needed)
    done: date | None  # the day it was done; None: not yet


def deadline_figures(items: Iterable[Deadline], today: date) -> dict:
    """on_time: done by the due day; late: done after it, or still open past it (overdue);
    pending: open and not yet due. on_time_rate counts only items whose deadline has come."""
    on_time = late = overdue = pending = 0
    for d in items:
        if d.due is None:
            continue
        if d.done is not None:
            if d.done <= d.due:
                on_time += 1
            else:
                late += 1
        elif d.due < today:
            overdue += 1
        else:
            pending += 1
    return {
        "items": on_time + late + overdue + pending,
        "on_time": on_time,
        "late": late,
        "overdue": overdue,
        "pending": pending,
        "on_time_rate": ratio(on_time, on_time + late + overdue),
    }
