"""Simulated halls for the shipper's process tests and tests/bench/bench_city.py: a hall
database (the real schema, through Store) filled with a day's events shaped as the hall's
services write them (ticket.* with the public ticket, window and waiting counts; window
states; ratings; ledger changes; the day's close), appended through store.events.append.

The expected figures of each day are counted here as the events are made, so a test can
compare them with what the city derives.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from queue_server.core.numbering import HALL_TZ
from queue_server.store import Store
from queue_server.store import events as event_log

SERVICES = {"consult": "A", "pension": "B", "medical": "C", "unemployment": "D", "card": "E"}
WINDOWS = {n: ("综合咨询窗口", "A区", f"10{n}") for n in range(1, 11)}


@dataclass
class DayFigures:
    issued: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    expired: int = 0
    ratings: int = 0
    bad_ratings: int = 0
    events: int = 0
    waits: list[float] = field(default_factory=list)


def _window(n: int | None) -> dict | None:
    if n is None:
        return None
    name, zone, room = WINDOWS[n]
    return {"number": n, "name": name, "zone": zone, "room": room}


def day_events(day: date, tickets: int, rng: random.Random) -> tuple[list, DayFigures]:
    """(type, at, data) of one day in time order, and its figures."""
    fig = DayFigures()
    start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=HALL_TZ)
    span = 8 * 3600
    out: list[tuple[datetime, int, str, dict]] = []
    waiting: Counter = Counter()
    for n in range(1, 11):
        out.append((start, 0, "window.changed", {"window": _window(n) | {"state": "open"}}))
    seq: Counter = Counter()
    for i in range(tickets):
        service = rng.choice(list(SERVICES))
        seq[service] += 1
        number = f"{SERVICES[service]}{seq[service]:03d}"
        issued = start + timedelta(seconds=span * i / tickets)
        ticket = {
            "number": number,
            "service": service,
            "status": "waiting",
            "window": None,
            "priority": rng.random() < 0.05,
            "appointment": rng.random() < 0.1,
            "issued_at": issued.isoformat(),
            "called_at": None,
        }
        fig.issued += 1
        out.append((issued, 1, "ticket.issued", {"ticket": dict(ticket), "window": None}))
        if i >= tickets - max(1, tickets // 50):  # the last few are never called: expired
            fig.expired += 1
            continue
        wait = rng.uniform(60, 1800)
        called = issued + timedelta(seconds=wait)
        window = rng.randint(1, 10)
        ticket.update(status="called", window=window, called_at=called.isoformat())
        fig.called += 1
        fig.waits.append(wait)
        out.append(
            (called, 2, "ticket.called", {"ticket": dict(ticket), "window": _window(window)})
        )
        if rng.random() < 0.1:
            t = called + timedelta(seconds=30)
            out.append(
                (t, 3, "ticket.recalled", {"ticket": dict(ticket), "window": _window(window)})
            )
        if rng.random() < 0.05:
            fig.no_show += 1
            ticket.update(status="no_show")
            t = called + timedelta(seconds=90)
            out.append(
                (t, 4, "ticket.no_show", {"ticket": dict(ticket), "window": _window(window)})
            )
            continue
        fig.served += 1
        ticket.update(status="done")
        done = called + timedelta(seconds=rng.uniform(60, 900))
        out.append(
            (done, 5, "ticket.finished", {"ticket": dict(ticket), "window": _window(window)})
        )
        if rng.random() < 0.3:
            level = rng.choice([5, 5, 5, 4, 4, 3, 2, 1])
            fig.ratings += 1
            fig.bad_ratings += level <= 2
            rating = {"level": level, "bad": level <= 2, "window": window, "service": service}
            out.append(
                (done + timedelta(seconds=20), 6, "evaluation.recorded", {"evaluation": rating})
            )
    out.sort(key=lambda e: (e[0], e[1]))
    events = []
    for at, _, type_, data in out:
        if type_ == "ticket.issued":
            waiting[data["ticket"]["service"]] += 1
        elif type_ == "ticket.called":
            waiting[data["ticket"]["service"]] -= 1
        if type_.startswith("ticket."):
            data["waiting"] = {k: v for k, v in waiting.items() if v}
        events.append((type_, at.isoformat(), data))
    close = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=HALL_TZ)
    called = {d["ticket"]["number"] for t, _, d in events if t == "ticket.called"}
    expired = sorted(
        d["ticket"]["number"]
        for t, _, d in events
        if t == "ticket.issued" and d["ticket"]["number"] not in called
    )
    events.append(
        (
            "day.closed",
            close.isoformat(),
            {
                "day": day.isoformat(),
                "expired": expired,
                "expired_count": len(expired),
                "waiting": {},
            },
        )
    )
    fig.events = len(events)
    return events, fig


def fill(store: Store, events: list) -> None:
    """Append the events in transactions of a few thousand, as a busy hall would."""
    for i in range(0, len(events), 5000):
        with store.write() as db:
            for type_, at, data in events[i : i + 5000]:
                event_log.append(db, type_, at, data)


def make_hall(path: Path, first_day: date, days: int, tickets: int, seed: int = 1):
    """A hall database with ``days`` days of ``tickets`` tickets each; its figures per day."""
    rng = random.Random(seed)
    store = Store(path)
    figures = {}
    try:
        for d in range(days):
            day = first_day + timedelta(days=d)
            events, figures[day] = day_events(day, tickets, rng)
            fill(store, events)
    finally:
        store.close()
    return figures
