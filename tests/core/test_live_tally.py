"""Today's live tally, kept up to date batch by batch (core.reports.live), against the whole
day tallied at once (core.reports.tally.tally_day): for random event sequences split at random
points the two agree to the bit, after every batch."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.core.reports.live import LiveDay, ticket_numbers
from queue_server.core.reports.replay import Replayer
from queue_server.core.reports.tally import DayInput, tally_day

from .daybook import DAY, PERIODS, at

WINDOWS = {1: ("consult",), 2: ("pension", "consult"), 3: ("pension",), 4: ("medical",)}
SERVICES = ("consult", "pension", "medical")
TICKET_KINDS = (
    "issued",
    "issued",
    "called",
    "called",
    "recalled",
    "started",
    "finished",
    "finished",
    "no_show",
    "cancelled",
    "transferred",
    "reinstated",
)


def random_day(seed: int, n_events: int, close: bool):
    """Events of a random day (any order of ticket events, odd ones included), with each
    ticket's row as it stood after each event, and ratings between them."""
    rng = random.Random(seed)
    t = at("08:00")
    numbers = [f"A{i:03d}" for i in range(1, 3 + n_events // 4)]
    rows: dict[str, dict] = {}
    events, row_after, ratings = [], [], []
    for i in range(n_events):
        # Microseconds apart, so that float sums in seconds would depend on their order.
        t += timedelta(seconds=rng.randint(0, 400), microseconds=rng.randint(0, 999_999))
        roll = rng.random()
        if roll < 0.08:
            ev = {
                "type": "window.changed",
                "data": {
                    "window": {
                        "number": rng.choice(list(WINDOWS)),
                        "state": rng.choice(("open", "open", "paused", "closed")),
                    }
                },
            }
        elif roll < 0.11:
            ev = {
                "type": f"device.{rng.choice(('alert', 'recovered'))}",
                "data": {
                    "device": rng.choice(("kiosk-1", "kiosk-2")),
                    "problem": rng.choice(("silent", "printer")),
                    "printer": rng.choice(("paper_out", "ok")),
                },
            }
        else:
            kind = rng.choice(TICKET_KINDS)
            number = rng.choice(numbers)
            window = rng.choice(list(WINDOWS))
            service = rng.choice(SERVICES)
            data = {
                "ticket": {"number": number, "service": service, "priority": rng.random() < 0.2},
                "window": {"number": window},
                "waiting": {},
            }
            if kind == "transferred":
                data |= {"from_service": service, "to_service": rng.choice(SERVICES)}
            if kind == "cancelled":
                data["reason"] = rng.choice(("left", "duplicate"))
            ev = {"type": f"ticket.{kind}", "data": data}
            row = dict(rows.get(number) or {})
            if kind == "issued":
                row = {
                    "channel": rng.choice(("kiosk", "wechat", None)),
                    "staff": None,
                    "appointment_at": rng.choice((None, "x")),
                    "estimated_wait_s": rng.choice((None, rng.randint(0, 3600))),
                }
            elif kind == "called":
                row["staff"] = rng.choice(("wang", "li", None))
            rows[number] = row
            if rng.random() < 0.1:
                ratings.append(
                    {
                        "id": len(ratings) + 1,
                        "after": i + 1,  # recorded after this many events
                        "level": rng.randint(1, 5),
                        "reasons": rng.choice(([], ["attitude"], ["time_limit", "other"])),
                        "window": window,
                        "staff": row.get("staff"),
                        "service": service,
                    }
                )
        ev |= {"id": i + 1, "at": t}
        events.append(ev)
        row_after.append({n: dict(r) for n, r in rows.items()})
    if close:
        events.append(
            {"id": len(events) + 1, "type": "day.closed", "at": t, "data": {"day": DAY.isoformat()}}
        )
        row_after.append(row_after[-1] if row_after else {})
    return events, row_after, ratings


def day_input(tickets=None, ratings=()) -> DayInput:
    return DayInput(
        DAY,
        PERIODS,
        WINDOWS,
        tickets or {},
        ratings,
        window_start={2: "open"},
        device_start={"kiosk-2": (True, False)},
    )


def full(events, tickets, ratings, until):
    rep = Replayer(DAY)
    rep.feed(events)
    return tally_day(rep, day_input(tickets, ratings), until)


@hsettings(max_examples=150, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10**6),
    n_events=st.integers(0, 120),
    cuts=st.lists(st.integers(0, 130), max_size=8),
    close=st.booleans(),
)
def test_the_live_tally_equals_the_whole_day_after_every_batch(seed, n_events, cuts, close):
    events, row_after, ratings = random_day(seed, n_events, close)
    live = LiveDay(DAY)
    bounds = sorted({min(c, len(events)) for c in cuts} | {len(events)})
    done = 0
    for end in bounds:
        batch = events[done:end]
        rows = row_after[end - 1] if end else {}
        rated = [r for r in ratings if done < r["after"] <= end]
        touched = {n: rows[n] for n in ticket_numbers(batch) if n in rows}
        live.feed(batch, touched, rated)
        until = events[end - 1]["at"] + timedelta(minutes=5) if end else at("09:00")
        got = live.tally(day_input(), until)
        seen = [r for r in ratings if r["after"] <= end]
        want = full(events[:end], rows, seen, until)
        assert got.tallies == want.tallies
        assert got.absences == want.absences
        done = end


def test_a_day_of_tickets_in_small_batches_is_tallied_once_in_full():
    """The live tally folds each batch into what it kept: the whole day is never tallied
    again while nothing forces it (no closing, no longest wait taken away)."""
    live = LiveDay(DAY)
    t = at("08:30")
    events, rows = [], {}
    for i in range(200):
        n = f"A{i:03d}"
        t += timedelta(seconds=61)
        for kind, dt in (("issued", 0), ("called", 600 + i), ("finished", 900 + i)):
            events.append(
                {
                    "id": len(events) + 1,
                    "type": f"ticket.{kind}",
                    "at": t + timedelta(seconds=dt),
                    "data": {
                        "ticket": {"number": n, "service": "consult"},
                        "window": {"number": 1},
                    },
                }
            )
        rows[n] = {"channel": "kiosk", "staff": "wang", "estimated_wait_s": 500}
    events.sort(key=lambda e: (e["at"], e["id"]))
    for i, ev in enumerate(events):
        ev["id"] = i + 1
    for i in range(0, len(events), 7):
        batch = events[i : i + 7]
        live.feed(batch, {n: rows[n] for n in ticket_numbers(batch)})
    until = events[-1]["at"]
    assert live.full_tallies == 1
    assert live.tally(day_input(), until).tallies == full(events, rows, (), until).tallies
    assert live.tally(day_input(), until).tallies[("total", "")].served == 200
