"""A hall day replayed from its event log: each ticket's visit in legs, each window's states,
each device's troubles.

The events table is the record of what happened (DESIGN §4 event types); the tickets table
keeps only a ticket's latest call, so waits, recalls, transfers and reinstatements are read
from events. A visit is split into legs, one per time the ticket joined a queue: at issue,
after a transfer (一票到底: same number, new service) and after a reinstatement (过号重排).
``Replayer`` is incremental: feed it a day's events in id order, in as many batches as they come.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable

DONE, NO_SHOW, TRANSFERRED, CANCELLED, EXPIRED = (
    "done",
    "no_show",
    "transferred",
    "cancelled",
    "expired",
)
_US = timedelta(microseconds=1)


@dataclass
class Leg:
    service: str
    kind: str  # issue / transfer / reinstate: how the ticket joined this queue
    queued_at: datetime
    called_at: datetime | None = None  # the first call of the leg (recalls do not move it)
    window: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None  # done / no_show / transferred / cancelled / expired; None: open
    recalls: int = 0

    @property
    def wait_s(self) -> float | None:
        """From joining the queue to the first call of this leg."""
        return (self.called_at - self.queued_at).total_seconds() if self.called_at else None

    @property
    def wait_us(self) -> int | None:
        """``wait_s`` in whole microseconds: sums of them are exact in any order."""
        return (self.called_at - self.queued_at) // _US if self.called_at else None

    @property
    def service_s(self) -> float | None:
        """Start (or call, when the window skipped "start") to finish or transfer."""
        us = self.service_us
        return None if us is None else us / 1e6

    @property
    def service_us(self) -> int | None:
        begin = self.started_at or self.called_at
        if begin is None or self.ended_at is None or self.outcome not in (DONE, TRANSFERRED):
            return None
        return (self.ended_at - begin) // _US


@dataclass
class Visit:
    number: str
    service: str  # where it was issued
    issued_at: datetime
    priority: bool = False
    legs: list[Leg] = field(default_factory=list)
    cancel_reason: str | None = None

    @property
    def leg(self) -> Leg:
        return self.legs[-1]

    @property
    def outcome(self) -> str | None:
        return self.leg.outcome

    @property
    def wait_s(self) -> float | None:
        """The visit's wait (DESIGN/DOMAIN: call − issue): issue to its first call."""
        return self.legs[0].wait_s

    @property
    def waiting(self) -> bool:
        return self.leg.outcome is None and self.leg.called_at is None


@dataclass
class Change:
    at: datetime
    state: str


class Replayer:
    """Visits, window state changes and device troubles of one hall day, from its events."""

    def __init__(self, day: date | None = None) -> None:
        self.day = day  # the hall day replayed: only its own ``day.closed`` closes it
        self.visits: dict[str, Visit] = {}
        self.windows: dict[int, list[Change]] = {}
        self.devices: dict[str, list[dict]] = {}
        self.last_id = 0
        self.closed = False

    def feed(self, events: Iterable[dict]) -> None:
        """Events as ``{id, type, at: datetime, data: dict}``, in id order."""
        for ev in events:
            self.last_id = max(self.last_id, ev.get("id") or 0)
            kind = ev["type"]
            if kind.startswith("ticket."):
                self._ticket(kind, ev["at"], ev["data"])
            elif kind == "window.changed":
                w = ev["data"].get("window") or {}
                if w.get("number") is not None and w.get("state"):
                    self.windows.setdefault(w["number"], []).append(Change(ev["at"], w["state"]))
            elif kind in ("device.alert", "device.recovered"):
                d = ev["data"]
                if d.get("device"):
                    self.devices.setdefault(d["device"], []).append(dict(d, type=kind, at=ev["at"]))
            elif kind == "day.closed":
                closed = ev["data"].get("day")
                if self.day is None or closed == self.day.isoformat():
                    self.close(ev["at"])

    def close(self, at: datetime) -> None:
        """The day ended: whatever is still open expired (the day keeper's ``day.closed``)."""
        if self.closed:
            return
        self.closed = True
        for v in self.visits.values():
            if v.leg.outcome is None:
                v.leg.outcome, v.leg.ended_at = EXPIRED, at
        for number, changes in self.windows.items():
            if changes[-1].state != "closed":
                changes.append(Change(at, "closed"))

    def _ticket(self, kind: str, at: datetime, data: dict) -> None:
        t = data.get("ticket") or {}
        number = t.get("number")
        if not number:
            return
        window = (data.get("window") or {}).get("number")
        if kind == "ticket.issued":
            self.visits[number] = Visit(
                number,
                t.get("service", ""),
                at,
                bool(t.get("priority")),
                [Leg(t.get("service", ""), "issue", at)],
            )
            return
        visit = self.visits.get(number)
        if visit is None:
            return  # a ticket of another day (never in one day's events)
        leg = visit.leg
        if kind == "ticket.called":
            if leg.outcome is not None:  # called again after an outcome: a fresh leg
                leg = Leg(t.get("service", leg.service), "reinstate", at)
                visit.legs.append(leg)
            if leg.called_at is None:
                leg.called_at, leg.window = at, window
        elif kind == "ticket.recalled":
            leg.recalls += 1
        elif kind == "ticket.started":
            leg.started_at = leg.started_at or at
        elif kind in ("ticket.finished", "ticket.no_show", "ticket.cancelled"):
            leg.outcome = {"ticket.finished": DONE, "ticket.no_show": NO_SHOW}.get(kind, CANCELLED)
            leg.ended_at = at
            leg.window = leg.window or window
            if kind == "ticket.cancelled":
                visit.cancel_reason = data.get("reason")
        elif kind == "ticket.transferred":
            leg.outcome, leg.ended_at = TRANSFERRED, at
            leg.window = leg.window or window
            visit.legs.append(Leg(data.get("to_service") or t.get("service", ""), "transfer", at))
        elif kind == "ticket.reinstated":
            visit.legs.append(Leg(t.get("service", leg.service), "reinstate", at))
