"""The forecast's queue (core.waits._Queue, kept per service) offers a window exactly the
tickets ``core.policy.call_candidates`` names for its services, after any joins and calls —
so the forecast's choice at every step is call-next's."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.core.numbering import HALL_TZ
from queue_server.core.policy import call_candidates
from queue_server.core.tickets import Status, Ticket
from queue_server.core.waits import _Queue

SERVICES = ["consult", "pension", "medical"]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=HALL_TZ)

ticket = st.tuples(
    st.sampled_from(SERVICES),
    st.sampled_from([None, None, "elderly"]),
    st.one_of(st.none(), st.integers(-30, 60)),
)
service_sets = st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3)


@hsettings(max_examples=200, deadline=None)
@given(
    st.lists(ticket, max_size=25),
    st.lists(st.tuples(service_sets, st.booleans()), max_size=30),
)
def test_a_window_is_offered_call_candidates(drawn, steps):
    tickets = [
        Ticket(
            f"t{n}",
            f"A{n:03d}",
            service,
            Status.WAITING,
            NOW + timedelta(minutes=n),
            NOW + timedelta(minutes=n),
            reason,
            None if slot is None else NOW + timedelta(minutes=slot),
        )
        for n, (service, reason, slot) in enumerate(drawn)
    ]
    half = len(tickets) // 2
    queue, waiting = _Queue(tickets[:half]), list(tickets[:half])
    joining = iter(tickets[half:])
    for services, join in steps:
        if join and (t := next(joining, None)) is not None:
            queue.add(t)  # arrivals come in time order, as the forecast adds them
            waiting.append(t)
        offered = queue.candidates(services)
        expected = call_candidates(waiting, services)
        assert {t.id for t in offered} == {t.id for t in expected}
        if offered:
            taken = min(offered, key=lambda t: t.number)  # any of them: a window's call
            queue.take(taken)
            waiting.remove(taken)
