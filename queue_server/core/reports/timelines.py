"""Time in states during opening hours: windows open / paused / closed, devices down, and the
§8.6 list — a window closed or paused in opening hours while tickets it serves were waiting
(工作时间不得擅自离岗). Only windows that were open at some time of the day are listed: a window
nobody staffed that day is the hall's staffing, shown by its hours open, not an absence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Sequence

from ..numbering import HALL_TZ
from ..vocabulary import PRINTER_DOWN
from .replay import Change, Visit

Span = tuple[datetime, datetime]
WINDOW_STATES = ("open", "paused", "closed")
# PRINTER_DOWN (core.vocabulary): a printer in these states cannot print, the kiosk or desk is
# down; "paper_near_end" warns only.


def overlap_s(a: datetime, b: datetime, spans: Iterable[Span]) -> float:
    """Seconds of [a, b) that fall in ``spans``."""
    total = 0.0
    for s, e in spans:
        lo, hi = max(a, s), min(b, e)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


def state_intervals(
    initial: str, changes: Sequence[Change], start: datetime, end: datetime
) -> list[tuple[str, datetime, datetime]]:
    """[(state, from, to)] covering [start, end): ``initial`` until the first change."""
    out = []
    state, since = initial, start
    for c in sorted(changes, key=lambda c: c.at):
        at = min(max(c.at, start), end)
        if at > since:
            out.append((state, since, at))
        since = max(since, at)
        state = c.state
    if end > since:
        out.append((state, since, end))
    return out


@dataclass(frozen=True)
class Absence:
    """A window closed or paused in opening hours while tickets it serves waited (§8.6)."""

    window: int
    state: str
    start: datetime
    end: datetime
    waiting: int  # tickets of its services that waited at some moment of it

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def window_time(
    intervals: Sequence[tuple[str, datetime, datetime]], spans: Sequence[Span]
) -> dict[str, float]:
    """Seconds open / paused / closed within the opening spans."""
    out = {s: 0.0 for s in WINDOW_STATES}
    for state, a, b in intervals:
        out[state if state in out else "closed"] += overlap_s(a, b, spans)
    return out


def waited_during(
    visits: Iterable[Visit], services: Sequence[str], a: datetime, b: datetime
) -> int:
    """How many tickets of ``services`` were waiting (in a queue, not yet called) at some moment
    of [a, b)."""
    n = 0
    for v in visits:
        for leg in v.legs:
            if leg.service not in services:
                continue
            left = leg.called_at or leg.ended_at or b  # still waiting: until the end
            if leg.queued_at < b and left > a:
                n += 1
                break
    return n


def absences(
    window: int,
    services: Sequence[str],
    intervals,
    spans: Sequence[Span],
    visits: Sequence[Visit],
    min_minutes: float,
) -> list[Absence]:
    """Stretches of at least ``min_minutes`` inside opening hours when the window was closed or
    paused and tickets it serves were waiting."""
    out = []
    for state, a, b in intervals:
        if state == "open":
            continue
        for s, e in spans:
            lo, hi = max(a, s), min(b, e)
            if (hi - lo).total_seconds() < min_minutes * 60:
                continue
            waiting = waited_during(visits, services, lo, hi)
            if waiting:
                out.append(Absence(window, state, lo, hi, waiting))
    return out


def device_state(state: tuple[bool, bool], ev: dict) -> tuple[bool, bool]:
    """(silent, printer down) after one ``device.alert`` / ``device.recovered``."""
    silent, printer_down = state
    alert = ev["type"] == "device.alert"
    if ev.get("problem") == "silent":
        silent = alert
    elif ev.get("problem") == "printer":
        printer_down = alert and ev.get("printer") in PRINTER_DOWN
    return silent, printer_down


def device_down_intervals(
    initial: tuple[bool, bool], events: Sequence[dict], start: datetime, end: datetime
) -> list[Span]:
    """When a device was down in [start, end): silent (no heartbeat), or its printer unable to
    print. ``initial``: (silent, printer down) when ``start`` came; ``events``: its
    ``device.alert`` / ``device.recovered`` data with ``type`` and ``at``."""
    state = initial
    down_since = start if any(state) else None
    out = []
    for ev in sorted(events, key=lambda e: e["at"]):
        at = min(max(ev["at"], start), end)
        state = device_state(state, ev)
        if any(state) and down_since is None:
            down_since = at
        elif not any(state) and down_since is not None:
            if at > down_since:
                out.append((down_since, at))
            down_since = None
    if down_since is not None and end > down_since:
        out.append((down_since, end))
    return out


def day_bounds(day: date) -> Span:
    start = datetime.combine(day, time(0), HALL_TZ)
    return start, start + timedelta(days=1)
