"""Which ticket a window calls next (DESIGN §3 "Queue policy")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from .settings import QueueRules
from .tickets import Status, Ticket


@dataclass(frozen=True)
class WindowView:
    """What the policy needs to know about the calling window."""

    number: int
    services: Sequence[str]  # in order of preference
    kind: str = "business"  # consulting / business / priority
    priority_streak: int = 0  # priority calls in a row so far


def choose_next(
    waiting: Iterable[Ticket], window: WindowView, now: datetime, rules: QueueRules
) -> Ticket | None:
    """Priority first (bounded streak), then a due appointment, then the oldest.

    A window of kind "priority" always takes priority tickets first, without the streak limit.
    """
    mine = [t for t in waiting if t.status == Status.WAITING and t.service in window.services]
    if not mine:
        return None
    by_age = sorted(mine, key=lambda t: (t.queue_at, t.number))

    priority = [t for t in by_age if t.is_priority]
    others = [t for t in by_age if not t.is_priority]
    streak_ok = window.kind == "priority" or window.priority_streak < rules.max_consecutive_priority
    if priority and (streak_ok or not others):
        return priority[0]

    due_by = now + timedelta(minutes=rules.appointment_early_min)
    due = [t for t in others if t.appointment_at is not None and t.appointment_at <= due_by]
    if due:
        return min(due, key=lambda t: (t.appointment_at, t.queue_at))

    if rules.service_preference == "ordered":
        for service in window.services:
            for t in others:
                if t.service == service:
                    return t
    return others[0]


def reinstate_position(
    waiting_same_service: Iterable[Ticket], now: datetime, rules: QueueRules
) -> datetime:
    """The ``queue_at`` that puts a reinstated ticket behind the next K waiting tickets."""
    ahead = sorted(t.queue_at for t in waiting_same_service if t.status == Status.WAITING)
    k = rules.reinstate_behind
    if k <= 0:
        return ahead[0] - timedelta(microseconds=1) if ahead else now
    if len(ahead) < k:
        return now
    return ahead[k - 1] + timedelta(microseconds=1)
