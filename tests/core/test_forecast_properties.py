"""Properties of the wait forecast (core.waits, issue 15 item 5) on random halls: windows that
share services, visits in progress, priority tickets and appointments, the lunch break."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.core.numbering import HALL_TZ
from queue_server.core.settings import QueueRules
from queue_server.core.tickets import Status, Ticket
from queue_server.core.waits import HallSnapshot, WindowState, forecast, promises

SERVICES = ["a", "b", "c"]
NOW = datetime(2026, 11, 24, 11, 20, tzinfo=HALL_TZ)
SPANS = [
    (NOW.replace(hour=8, minute=30), NOW.replace(hour=12, minute=0)),
    (NOW.replace(hour=13, minute=30), NOW.replace(hour=17, minute=30)),
]
MEANS = {"a": 300.0, "b": 720.0, "c": 540.0}


@st.composite
def tickets(draw, n: int) -> Ticket:
    at = NOW - timedelta(minutes=draw(st.integers(0, 90)))
    slot = draw(st.one_of(st.none(), st.none(), st.integers(-20, 60)))
    return Ticket(
        f"t{n}",
        f"A{n:03d}",
        draw(st.sampled_from(SERVICES)),
        Status.WAITING,
        at,
        at,
        draw(st.sampled_from([None] * 5 + ["elderly"])),
        None if slot is None else NOW + timedelta(minutes=slot),
    )


@st.composite
def windows(draw, number: int) -> WindowState:
    services = tuple(draw(st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3, unique=True)))
    busy = draw(st.one_of(st.none(), st.integers(0, 30)))
    return WindowState(
        number,
        services,
        draw(st.sampled_from(["business", "business", "priority"])),
        is_open=draw(st.sampled_from([True, True, True, False])),
        busy_since=None if busy is None else NOW - timedelta(minutes=busy),
        current_service=None if busy is None else services[0],
        priority_streak=draw(st.integers(0, 3)),
        appointment_streak=draw(st.integers(0, 2)),
    )


queues = st.integers(0, 25).flatmap(lambda n: st.tuples(*(tickets(i) for i in range(n))).map(list))
halls = st.integers(1, 5).flatmap(
    lambda n: st.tuples(*(windows(i) for i in range(1, n + 1))).map(list)
)
rates = st.dictionaries(
    st.sampled_from(SERVICES),
    st.tuples(st.sampled_from([0.0, 4.0, 12.0]), st.sampled_from([0.0, 2.0])),
)
rules = st.builds(
    QueueRules,
    service_preference=st.sampled_from(["ordered", "oldest"]),
    appointment_early_min=st.sampled_from([0, 10]),
)


def hall(waiting, wins, arrivals, rule) -> HallSnapshot:
    return HallSnapshot(NOW, waiting, wins, MEANS, SPANS, rule, arrivals)


def kiosk_tickets() -> list[Ticket]:
    return [Ticket(f"~new-{s}", "~new", s, Status.WAITING, NOW, NOW) for s in SERVICES]


@hsettings(max_examples=400, deadline=None)
@given(queues, halls, rates, rules)
def test_the_kiosks_imagined_tickets_delay_no_one(waiting, wins, arrivals, rule):
    """What the kiosk shows for each service ("if you took a ticket now") is computed in the same
    forecast as every real ticket's promise, which the server records at issue: each imagined
    ticket gets what it would get alone, and no real ticket's promise changes because of them."""
    snap = hall(waiting, wins, arrivals, rule)
    new = kiosk_tickets()
    together = promises(snap, new)
    assert {t.id: together[t.id] for t in waiting} == promises(snap)
    for extra in new:
        alone = promises(snap, [extra])[extra.id]
        assert together[extra.id] == alone


def test_an_imagined_pension_ticket_does_not_push_back_a_consult_ticket():
    """The case that was wrong: window 1 serves pension first, then consult. The kiosk's
    imagined pension ticket took window 1's next visit in the forecast that also gave the
    consult ticket just issued its promise — 12 minutes too long."""
    day = replace(QueueRules(), service_preference="ordered")
    consult = Ticket("t1", "A001", "a", Status.WAITING, NOW, NOW)
    wins = [WindowState(1, ("b", "a"), is_open=True)]
    snap = HallSnapshot(NOW, [consult], wins, MEANS, SPANS, day, {})
    new = [Ticket(f"~new-{s}", "~new", s, Status.WAITING, NOW, NOW) for s in ("a", "b")]
    out = promises(snap, new)
    assert out["t1"].no_wait  # window 1 is free and nobody of pension waits
    assert out["~new-b"].no_wait  # a pension ticket taken now would be called at once too
    assert out["~new-a"].seconds == 300  # behind t1
    assert forecast(snap) == {"t1": 0}


def one_service(w: WindowState) -> WindowState:
    service = w.services[0]
    return replace(
        w, services=(service,), kind="business", current_service=w.current_service and service
    )


@hsettings(max_examples=400, deadline=None)
@given(queues, halls, windows(9), rates, rules)
def test_one_more_open_window_never_gives_a_longer_promise(waiting, wins, extra, arrivals, rule):
    """In a hall whose windows each serve one service, opening one more window never makes
    anyone's promise longer nor leaves anyone without one. (Where windows share services in
    an order of preference, it can: the extra window takes a short visit, the shared window
    then starts a long one of its other service and the next short-visit ticket waits for it —
    the policy's real behaviour, which the forecast plays as it is.)"""
    wins = [one_service(w) for w in wins]
    before = forecast(hall(waiting, wins, arrivals, rule))
    after = forecast(
        hall(waiting, [*wins, replace(one_service(extra), is_open=True)], arrivals, rule)
    )
    for tid, seconds in before.items():
        if seconds is not None:
            assert after[tid] is not None and after[tid] <= seconds
