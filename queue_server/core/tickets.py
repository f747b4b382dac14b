"""Ticket states and the transitions between them (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import InvalidTransition
from . import vocabulary


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # still open when the hall day closed (see core.hours.day_closes_at)


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    REINSTATE = "reinstate"
    CANCEL = "cancel"
    EXPIRE = "expire"


# Finishing straight from "called" is allowed: short consultations often skip "start"
# (the service time is then counted from the call).
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.WAITING, Action.CALL): Status.CALLED,
    (Status.CALLED, Action.RECALL): Status.CALLED,
    (Status.CALLED, Action.START): Status.SERVING,
    (Status.CALLED, Action.FINISH): Status.DONE,
    (Status.SERVING, Action.FINISH): Status.DONE,
    (Status.CALLED, Action.NO_SHOW): Status.NO_SHOW,
    (Status.CALLED, Action.TRANSFER): Status.WAITING,
    (Status.SERVING, Action.TRANSFER): Status.WAITING,
    (Status.NO_SHOW, Action.REINSTATE): Status.WAITING,
    (Status.WAITING, Action.CANCEL): Status.CANCELLED,
    (Status.CALLED, Action.CANCEL): Status.CANCELLED,
    (Status.WAITING, Action.EXPIRE): Status.EXPIRED,
    (Status.CALLED, Action.EXPIRE): Status.EXPIRED,
    (Status.SERVING, Action.EXPIRE): Status.EXPIRED,
}

OPEN = (Status.WAITING, Status.CALLED, Status.SERVING)
"""States a ticket can still leave; whatever is in them when the day closes expires."""

ACTIVE = (Status.CALLED, Status.SERVING)

# core.vocabulary's codes (§8.1.5 priority; cancel and reprint at the desk) as tuples: `x in` then
# takes any JSON value a request may carry, where a dict would raise on a list.
PRIORITY_REASONS = tuple(vocabulary.PRIORITY_REASONS)
CANCEL_REASONS = tuple(vocabulary.CANCEL_REASONS)
REPRINT_REASONS = tuple(vocabulary.REPRINT_REASONS)


def next_status(current: Status | str, action: Action | str) -> Status:
    """The state after ``action``, or InvalidTransition naming both."""
    key = (Status(current), Action(action))
    try:
        return TRANSITIONS[key]
    except KeyError:
        raise InvalidTransition(
            "Ticket in state {status} cannot be {action}.", status=key[0].value, action=key[1].value
        ) from None


@dataclass(frozen=True)
class Ticket:
    """What the policy and estimates need to know about a ticket."""

    id: str
    number: str
    service: str
    status: Status
    issued_at: datetime  # when the citizen took it; kept across transfers (一票到底)
    queue_at: datetime  # ordering key in the current queue (reinstate/transfer move it)
    priority_reason: str | None = None
    appointment_at: datetime | None = None

    @property
    def is_priority(self) -> bool:
        return bool(self.priority_reason)
