"""``choose_next`` finds the first of ``queue_order`` in one pass, without sorting (the wait
forecast calls it at every step it plays; issue 10 item 3). On random queues — priority tickets,
appointments due or not, long waiters, tickets of other states and services, ties of queue time
and number, windows of each kind with streaks, every rule — it picks exactly the ticket the
sorted order puts first (the code it replaced was ``next(_ordered(...))``), and calling it
repeatedly, keeping the streaks as a window does, calls the queue in ``queue_order``."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.core.numbering import HALL_TZ
from queue_server.core.policy import WindowView, choose_next, queue_order
from queue_server.core.settings import QueueRules
from queue_server.core.tickets import Status, Ticket

SERVICES = ["consult", "pension", "medical", "card"]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=HALL_TZ)


@st.composite
def tickets(draw, n: int) -> Ticket:
    # Few distinct times and numbers, so that ties of every sort key occur.
    queue_at = NOW - timedelta(minutes=draw(st.sampled_from([0, 5, 19, 20, 21, 45, 90])))
    slot = draw(st.one_of(st.none(), st.integers(-40, 60)))
    return Ticket(
        id=f"t{n}",
        number=draw(st.sampled_from(["A001", "A002", "B001"])),
        service=draw(st.sampled_from(SERVICES)),
        status=draw(st.sampled_from([Status.WAITING] * 6 + [Status.CALLED, Status.NO_SHOW])),
        issued_at=queue_at,
        queue_at=queue_at,
        priority_reason=draw(st.sampled_from([None, None, None, "elderly", "other"])),
        appointment_at=None if slot is None else NOW + timedelta(minutes=slot),
    )


queues = st.integers(0, 14).flatmap(lambda n: st.tuples(*(tickets(i) for i in range(n))).map(list))
windows = st.builds(
    WindowView,
    number=st.just(1),
    services=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4),  # repeats too
    kind=st.sampled_from(["consulting", "business", "priority"]),
    priority_streak=st.integers(0, 4),
    appointment_streak=st.integers(0, 4),
)
rules = st.builds(
    QueueRules,
    max_consecutive_priority=st.integers(0, 3),
    service_preference=st.sampled_from(["ordered", "oldest"]),
    appointment_early_min=st.sampled_from([0, 10, 30]),
    max_consecutive_appointments=st.integers(0, 3),
    appointment_walkin_bound_min=st.sampled_from([0, 20, 60]),
)


@hsettings(max_examples=1500, deadline=None)
@given(queues, windows, rules, st.integers(-30, 30))
def test_choose_next_is_first_of_queue_order(waiting, window, rules, minutes):
    now = NOW + timedelta(minutes=minutes)
    order = queue_order(waiting, window, now, rules)
    expected = order[0] if order else None
    assert choose_next(waiting, window, now, rules) is expected
    # the forecast passes the candidates as a list in no particular order: same pick
    assert (
        choose_next(list(reversed(waiting)), window, now, rules)
        is ((queue_order(list(reversed(waiting)), window, now, rules) or [None])[0])
    )


@hsettings(max_examples=500, deadline=None)
@given(queues, windows, rules)
def test_repeated_calls_give_queue_order(waiting, window, rules):
    """What the forecast does at one window with nobody arriving: call, drop the ticket, keep
    the streaks as the window's state does (a priority call keeps the appointment streak)."""
    due_at = NOW + timedelta(minutes=rules.appointment_early_min)
    expected = [t.id for t in queue_order(waiting, window, NOW, rules)]
    left, called = list(waiting), []
    while (pick := choose_next(left, window, NOW, rules)) is not None:
        called.append(pick.id)
        left.remove(pick)
        if pick.is_priority:
            p, a = window.priority_streak + 1, window.appointment_streak
        else:
            due = pick.appointment_at is not None and pick.appointment_at <= due_at
            p, a = 0, window.appointment_streak + 1 if due else 0
        window = WindowView(window.number, window.services, window.kind, p, a)
    assert called == expected
