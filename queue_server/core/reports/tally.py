"""A day's counts and sums per dimension — the pre-aggregate a year's report is merged from.

Dimensions (``dim``, ``key``): ``total`` (""), ``service``, ``channel``, ``hour`` ("09"),
``priority`` ("priority" / "normal"), ``window`` ("3"), ``staff`` (user name), ``device`` (id).

What each counts, said once:
- issued, cancelled, expired, abandoned, priority, appointment, the visit's wait (issue → first
  call), later waits (after a transfer or reinstatement) and the estimate's error count per
  visit, under the service it was issued for, its channel, its issue hour and priority;
- called, served, no-shows, transfers and service times count per leg (each time a ticket was
  called), under the leg's service and, for windows and staff, where it was called. A window's
  wait samples are the waits of the legs it called, from when they joined its queue;
- staff: the tickets table keeps who called a ticket last, so a leg before a transfer or a
  no-show counts for its window but for nobody by name;
- abandoned: a visit never served that ended as a no-show, expired at the day's close, or was
  cancelled because the citizen left (not a duplicate or wrong-service cancellation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Sequence

from ..evaluation import BAD_LEVELS, REASONS
from ..hours import periods_on
from ..numbering import HALL_TZ
from . import histogram
from .replay import CANCELLED, DONE, EXPIRED, NO_SHOW, TRANSFERRED, Replayer, Visit
from .timelines import (
    Absence,
    absences,
    day_bounds,
    device_down_intervals,
    device_state,
    overlap_s,
    state_intervals,
    window_time,
)

COUNTS = (
    "issued",
    "called",
    "served",
    "waiting",
    "no_show",
    "reinstated",
    "transferred",
    "cancelled",
    "expired",
    "abandoned",
    "priority",
    "appointment",
    "wait_n",
    "wait_sum",
    "rewait_n",
    "rewait_sum",
    "service_n",
    "service_sum",
    "est_n",
    "est_abs",
    "est_err",
    "est_wait",
    "open_s",
    "paused_s",
    "closed_s",
    "absences",
    "down_s",
    "alerts",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
    *(f"bad_{code}" for code in REASONS),
)
MAXIMA = ("wait_max", "service_max")
HISTS = ("wait_hist", "service_hist")
DURATIONS = frozenset(
    (
        "wait_sum",
        "rewait_sum",
        "service_sum",
        "est_abs",
        "est_err",
        "est_wait",
        "open_s",
        "paused_s",
        "closed_s",
        "down_s",
        "wait_max",
        "service_max",
    )
)
FIELDS = COUNTS + MAXIMA + HISTS
# Sums of a visit's durations, kept in whole microseconds while a day is tallied so that they
# come out the same whatever order the visits were added (and taken away) in — the live day's
# incremental tally equals its full replay — and turned into seconds when the day is done.
US_SUMS = ("wait_sum", "rewait_sum", "service_sum", "est_abs", "est_err", "est_wait")
ABANDON_CANCEL_REASONS = ("left",)
VISIT_FIELDS = (
    "issued",
    "waiting",
    "cancelled",
    "expired",
    "abandoned",
    "priority",
    "appointment",
    "reinstated",
    "est_n",
    "est_abs",
    "est_err",
    "est_wait",
    "rewait_n",
    "rewait_sum",
)
LEG_FIELDS = ("called", "served", "no_show", "transferred")


class Tally:
    """Counts of one (day, dimension, key). Durations are gathered as samples (microseconds)
    while a day is tallied and ``settle`` folds them into count, sum, maximum and histogram;
    ``in_seconds`` ends the day's tally."""

    __slots__ = FIELDS + ("_waits", "_services")

    def __init__(self) -> None:
        for name in FIELDS:
            setattr(self, name, 0)
        self._waits: list[float] = []
        self._services: list[float] = []

    def add_wait(self, us: int) -> None:
        self._waits.append(us)

    def add_service(self, us: int) -> None:
        self._services.append(us)

    def settle(self) -> "Tally":
        if self._waits:
            w, self._waits = self._waits, []
            self.wait_n += len(w)
            self.wait_sum += sum(w)
            self.wait_max = max(self.wait_max, max(w) / 1e6)
            self.wait_hist += histogram.of_us(w)
        if self._services:
            v, self._services = self._services, []
            self.service_n += len(v)
            self.service_sum += sum(v)
            self.service_max = max(self.service_max, max(v) / 1e6)
            self.service_hist += histogram.of_us(v)
        return self

    def in_seconds(self) -> "Tally":
        """The microsecond sums of a day's tally as seconds (what is stored and shown)."""
        for name in US_SUMS:
            setattr(self, name, getattr(self, name) / 1e6)
        return self

    def subtract(self, other: "Tally") -> "Tally":
        """Take away counts, sums and histograms added before (maxima stay: see live.py)."""
        for name in COUNTS + HISTS:
            setattr(self, name, getattr(self, name) - getattr(other, name))
        return self

    def empty(self) -> bool:
        return not any(getattr(self, name) for name in COUNTS)

    def add(
        self, other: "Tally", names: Sequence[str], waits: bool = False, services: bool = False
    ) -> None:
        """Only ``names`` (and the settled durations asked for) of ``other``: the quick merge of
        a day's combinations into its dimensions."""
        for name in names:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if waits and other.wait_n:
            self.wait_n += other.wait_n
            self.wait_sum += other.wait_sum
            self.wait_hist += other.wait_hist
            self.wait_max = max(self.wait_max, other.wait_max)
        if services and other.service_n:
            self.service_n += other.service_n
            self.service_sum += other.service_sum
            self.service_hist += other.service_hist
            self.service_max = max(self.service_max, other.service_max)

    def merge(self, other: "Tally") -> "Tally":
        for name in COUNTS + HISTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in MAXIMA:
            setattr(self, name, max(getattr(self, name), getattr(other, name)))
        self._waits += other._waits
        self._services += other._services
        return self

    def row(self) -> tuple:
        """Counts and maxima as numbers, histograms as bytes: one stored row."""
        return tuple(getattr(self, n) for n in COUNTS + MAXIMA) + tuple(
            histogram.encode(getattr(self, n)) for n in HISTS
        )

    @classmethod
    def from_row(cls, row: Sequence) -> "Tally":
        t = cls()
        k = len(COUNTS) + len(MAXIMA)
        for name, value in zip(COUNTS + MAXIMA, row[:k]):
            setattr(t, name, (value or 0) if name in DURATIONS else int(value or 0))
        for name, blob in zip(HISTS, row[k:]):
            setattr(t, name, histogram.decode(blob))
        return t

    def __eq__(self, other) -> bool:
        return isinstance(other, Tally) and all(
            getattr(self, n) == getattr(other, n) for n in FIELDS
        )

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        shown = {n: getattr(self, n) for n in COUNTS + MAXIMA if getattr(self, n)}
        return f"Tally({shown})"


Key = tuple[str, str]


@dataclass
class DayInput:
    """Everything one day's tally needs besides its events (fed by the store)."""

    day: date
    periods: Sequence[str]  # the hall's opening hours
    windows: dict[int, Sequence[str]]  # window number → services it serves
    tickets: dict[str, dict] = field(default_factory=dict)  # number → channel, staff, …
    ratings: Sequence[dict] = ()  # level, reasons, window, staff, service
    window_start: dict[int, str] = field(default_factory=dict)  # state when the day began
    device_start: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # (silent, printer)
    absence_min: float = 15.0


@dataclass
class DayTally:
    tallies: dict[Key, Tally]
    absences: list[Absence]


def hour_key(at: datetime) -> str:
    return f"{at.astimezone(HALL_TZ).hour:02d}"


def _getter(out: dict[Key, Tally]):
    def t(dim: str, key) -> Tally:
        k = (dim, "" if key is None else str(key))
        found = out.get(k)
        if found is None:
            found = out[k] = Tally()
        return found

    return t


def tally_day(rep: Replayer, inp: DayInput, until: datetime | None = None) -> DayTally:
    """The day's tallies from its replayed events; ``until``: now, for a day still running."""
    return finish_day(visit_tallies(rep.visits.values(), inp.tickets, inp.ratings), rep, inp, until)


def visit_tallies(
    visits: Iterable[Visit], tickets: dict[str, dict], ratings: Iterable[dict] = ()
) -> dict[Key, Tally]:
    """What the visits (with their tickets' rows) and the ratings add to each dimension,
    settled, sums in microseconds: a live day adds and takes away such parts as events come."""
    out: dict[Key, Tally] = {("total", ""): Tally()}
    t = _getter(out)
    combos = _Combos()
    for visit in visits:
        combos.visit(visit, tickets.get(visit.number, {}))
    combos.spread(t)
    for r in ratings:
        _rating(r, t)
    return out


def finish_day(
    out: dict[Key, Tally], rep: Replayer, inp: DayInput, until: datetime | None = None
) -> DayTally:
    """The visits' tallies (``visit_tallies``, taken over) with the windows' and devices' time
    until ``until`` added, in seconds."""
    out.setdefault(("total", ""), Tally())
    t = _getter(out)
    start, end = day_bounds(inp.day)
    end = min(end, until) if until else end
    spans = [(a, min(b, end)) for a, b in periods_on(inp.day, inp.periods) if a < end]
    found_absences = []
    visits = list(rep.visits.values())
    for number, services in inp.windows.items():
        intervals = state_intervals(
            inp.window_start.get(number, "closed"), rep.windows.get(number, []), start, end
        )
        w = t("window", number)
        for state, seconds in window_time(intervals, spans).items():
            setattr(w, f"{state}_s", getattr(w, f"{state}_s") + seconds)
        if any(state == "open" for state, _, _ in intervals):  # staffed today: on post (§8.6)
            gone = absences(number, services, intervals, spans, visits, inp.absence_min)
            w.absences += len(gone)
            found_absences += gone
    for device in set(rep.devices) | set(inp.device_start):
        events = rep.devices.get(device, [])
        down = device_down_intervals(
            inp.device_start.get(device, (False, False)), events, start, end
        )
        d = t("device", device)
        d.down_s += sum(overlap_s(a, b, spans) for a, b in down)
        d.alerts += sum(1 for e in events if e["type"] == "device.alert")
    total = out[("total", "")]
    # In key order: float sums come out the same however the keys were gathered (live.py).
    for key in sorted(k for k in out if k[0] in ("window", "device")):
        tally = out[key]
        for name in ("open_s", "paused_s", "closed_s", "absences", "down_s", "alerts"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    for tally in out.values():
        tally.settle().in_seconds()
    found_absences.sort(key=lambda a: (a.start, a.window))
    return DayTally(out, found_absences)


class _Combos:
    """A day's visits gathered per full combination of their keys, then spread to every
    dimension once: a large hall's day has some 14,000 visits but a few hundred combinations."""

    def __init__(self) -> None:
        self.visits: dict[tuple, Tally] = {}  # (service, channel, hour, priority)
        self.legs: dict[tuple, Tally] = {}  # (leg service, channel, hour, priority, window, staff)
        self.service: dict[tuple, Tally] = {}  # the same with the hour the leg started

    @staticmethod
    def _get(table: dict, key: tuple) -> Tally:
        found = table.get(key)
        if found is None:
            found = table[key] = Tally()
        return found

    def visit(self, v: Visit, ticket: dict) -> None:
        channel = ticket.get("channel") or "kiosk"
        prio = "priority" if v.priority else "normal"
        hour = hour_key(v.issued_at)
        d = self._get(self.visits, (v.service, channel, hour, prio))
        outcome = v.outcome
        served = any(leg.outcome == DONE for leg in v.legs)
        d.issued += 1
        d.waiting += v.waiting
        d.cancelled += outcome == CANCELLED
        d.expired += outcome == EXPIRED
        d.abandoned += not served and (
            outcome in (NO_SHOW, EXPIRED)
            or (outcome == CANCELLED and v.cancel_reason in ABANDON_CANCEL_REASONS)
        )
        d.priority += v.priority
        d.appointment += bool(ticket.get("appointment_at"))
        d.reinstated += sum(1 for leg in v.legs if leg.kind == "reinstate")
        wait = v.legs[0].wait_us
        if wait is not None:
            d.add_wait(wait)
            estimate = ticket.get("estimated_wait_s")
            if estimate is not None:
                error = int(estimate * 1_000_000) - wait
                d.est_n += 1
                d.est_abs += abs(error)
                d.est_err += error
                d.est_wait += wait
        for leg in v.legs[1:]:
            if leg.called_at is not None:
                d.rewait_n += 1
                d.rewait_sum += leg.wait_us
        last_called = max((i for i, leg in enumerate(v.legs) if leg.called_at), default=None)
        for i, leg in enumerate(v.legs):
            if leg.called_at is None:
                continue
            staff = ticket.get("staff") if i == last_called else None
            g = self._get(self.legs, (leg.service, channel, hour, prio, leg.window, staff or None))
            g.called += 1
            g.served += leg.outcome == DONE
            g.no_show += leg.outcome == NO_SHOW
            g.transferred += leg.outcome == TRANSFERRED
            g.add_wait(leg.wait_us)  # counted for the window and staff dimensions only
            service_us = leg.service_us
            if service_us is not None:
                started = hour_key(leg.started_at or leg.called_at)
                self._get(
                    self.service, (leg.service, channel, started, prio, leg.window, staff or None)
                ).add_service(service_us)

    def spread(self, t) -> None:
        for table in (self.visits, self.legs, self.service):
            for tally in table.values():
                tally.settle()  # each duration into its bucket once, not once per dimension
        for key, tally in self.visits.items():
            for d in _queue_dims(t, *key):
                d.add(tally, VISIT_FIELDS, waits=True)
        for (*key, window, staff), tally in self.legs.items():
            for d in _queue_dims(t, *key):
                d.add(tally, LEG_FIELDS)
            for d in _leg_dims(t, window, staff):
                d.add(tally, LEG_FIELDS, waits=True)
        for (*key, window, staff), tally in self.service.items():
            for d in (*_queue_dims(t, *key), *_leg_dims(t, window, staff)):
                d.add(tally, (), services=True)


def _queue_dims(t, service, channel, hour, prio) -> tuple[Tally, ...]:
    """The dimensions every visit and leg counts in: the total and its queue's keys."""
    return (
        t("total", ""),
        t("service", service),
        t("channel", channel),
        t("hour", hour),
        t("priority", prio),
    )


def _leg_dims(t, window, staff) -> list[Tally]:
    return ([t("window", window)] if window is not None else []) + (
        [t("staff", staff)] if staff else []
    )


def _rating(r: dict, t) -> None:
    dims = [t("total", ""), t("service", r.get("service"))]
    if r.get("window") is not None:
        dims.append(t("window", r["window"]))
    if r.get("staff"):
        dims.append(t("staff", r["staff"]))
    level = r["level"]
    for d in dims:
        setattr(d, f"r{level}", getattr(d, f"r{level}") + 1)
        if level in BAD_LEVELS:
            for code in r.get("reasons") or ():
                if code in REASONS:
                    setattr(d, f"bad_{code}", getattr(d, f"bad_{code}") + 1)


def merge(tallies: Iterable[tuple[Key, Tally]]) -> dict[Key, Tally]:
    out: dict[Key, Tally] = {}
    for key, tally in tallies:
        if key in out:
            out[key].merge(tally)
        else:
            out[key] = Tally().merge(tally)
    return out


def end_states(rep: Replayer, inp: DayInput) -> tuple[dict[int, str], dict[str, tuple[bool, bool]]]:
    """Window states and device troubles when the day ended: the next day begins with them."""
    windows = dict(inp.window_start)
    for number, changes in rep.windows.items():
        windows[number] = max(changes, key=lambda c: c.at).state
    devices = dict(inp.device_start)
    for device, events in rep.devices.items():
        state = devices.get(device, (False, False))
        for ev in sorted(events, key=lambda e: e["at"]):
            state = device_state(state, ev)
        devices[device] = state
    return (
        {n: s for n, s in windows.items() if s != "closed"},
        {d: s for d, s in devices.items() if any(s)},
    )
