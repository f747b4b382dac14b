"""One queue order (core.policy.queue_order): the window console's list, "call next" and
"people ahead" all come from it — checked on random halls through the real service and SQLite.
(Defect: window 3 listed A001 first while "Next" called B001.)"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from datetime import datetime

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.configfile import load_settings
from queue_server.core.numbering import HALL_TZ
from queue_server.core.policy import WindowView, call_candidates, choose_next, queue_order
from queue_server.core.settings import WindowSpec
from queue_server.core.tickets import Status, Ticket
from queue_server.hall import Hall
from queue_server.store import tickets as repo

from ..conftest import EXAMPLE_CONFIG, Clock

SERVICES = ["consult", "pension", "medical"]
BASE = load_settings(EXAMPLE_CONFIG, environ={})

window_specs = st.lists(
    st.tuples(
        st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3, unique=True),
        st.sampled_from(["consulting", "business", "priority"]),
    ),
    min_size=1,
    max_size=3,
)
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("issue"),
            st.sampled_from(SERVICES),
            st.sampled_from(["walk-in", "priority", "appointment"]),
            st.integers(-30, 60),
        ),
        st.tuples(st.just("call"), st.integers(0, 2), st.just(""), st.just(0)),
    ),
    min_size=1,
    max_size=25,
)


def make_hall(
    tmp: Path,
    windows,
    max_priority: int,
    preference: str,
    clock,
    max_appointments: int = 2,
    bound_min: int = 20,
) -> Hall:
    specs = [
        WindowSpec(number=i + 1, services=svcs, kind=kind) for i, (svcs, kind) in enumerate(windows)
    ]
    rules = dataclasses.replace(
        BASE.rules,
        max_consecutive_priority=max_priority,
        service_preference=preference,
        max_consecutive_appointments=max_appointments,
        appointment_walkin_bound_min=bound_min,
    )
    hall_s = dataclasses.replace(BASE.hall, data_dir=str(tmp), issue_outside_hours=True)
    s = dataclasses.replace(BASE, hall=hall_s, rules=rules, windows=specs, items=[])
    return Hall.open(s, tmp / "hall.db", clock=clock)


@hsettings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    windows=window_specs,
    ops=steps,
    max_priority=st.integers(0, 3),
    preference=st.sampled_from(["ordered", "oldest"]),
    max_appointments=st.integers(0, 3),
    bound_min=st.sampled_from([0, 2, 20]),
)
def test_next_calls_the_first_of_the_window_list_and_ahead_is_the_position(
    windows, ops, max_priority, preference, max_appointments, bound_min
):
    """With the appointments' walk-in bound too: the window's appointment streak (kept in the
    windows table) and the store's closed-form count agree with queue_order."""
    clock = Clock(datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ))
    with tempfile.TemporaryDirectory() as tmp:
        hall = make_hall(
            Path(tmp), windows, max_priority, preference, clock, max_appointments, bound_min
        )
        try:
            for w in range(1, len(windows) + 1):
                hall.queue.set_window_state(w, "open")
            for op, arg, kind, slot_min in ops:
                clock.advance(seconds=30)
                if op == "issue":
                    hall.queue.issue(
                        arg,
                        uuid.uuid4().hex,
                        channel="guide" if kind == "priority" else "kiosk",
                        priority_reason="elderly" if kind == "priority" else None,
                        appointment_at=clock() + timedelta(minutes=slot_min)
                        if kind == "appointment"
                        else None,
                    )
                    continue
                number = arg % len(windows) + 1
                listed = hall.queue.window_queue(number)
                called = hall.queue.call_next(number)
                assert (called["id"] if called else None) == (listed[0]["id"] if listed else None)
            # "ahead" is the position in the list of a window serving only that service.
            for service in SERVICES:
                clock.advance(seconds=1)
                lone = WindowView(0, (service,))
                db = hall.store.db
                rows = repo.waiting(db, clock().date().isoformat(), [service])
                order = queue_order(
                    [repo.to_domain(r) for r in rows], lone, clock(), hall.settings.rules
                )
                for position, t in enumerate(order):
                    assert hall.queue.get_ticket(t.id)["ahead"] == position
        finally:
            hall.close()


@hsettings(max_examples=200, deadline=None, derandomize=True)
@given(
    tickets=st.lists(
        st.tuples(st.sampled_from(SERVICES), st.booleans(), st.booleans(), st.integers(0, 120)),
        max_size=30,
    ),
    services=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3, unique=True),
    streak=st.integers(0, 4),
    preference=st.sampled_from(["ordered", "oldest"]),
    a_streak=st.integers(0, 3),
    max_appointments=st.integers(0, 3),
    bound_min=st.sampled_from([0, 30, 90]),
)
def test_the_call_candidates_give_the_same_choice_as_the_whole_queue(
    tickets, services, streak, preference, a_streak, max_appointments, bound_min
):
    t0 = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)
    waiting = [
        Ticket(
            id=str(i),
            number=f"X{i:03d}",
            service=svc,
            status=Status.WAITING,
            issued_at=t0 + timedelta(minutes=i),
            queue_at=t0 + timedelta(minutes=i),
            priority_reason="ill" if prio else None,
            appointment_at=t0 + timedelta(minutes=slot) if appt else None,
        )
        for i, (svc, prio, appt, slot) in enumerate(tickets)
    ]
    rules = dataclasses.replace(
        BASE.rules,
        service_preference=preference,
        max_consecutive_appointments=max_appointments,
        appointment_walkin_bound_min=bound_min,
    )
    view = WindowView(1, services, "business", streak, a_streak)
    now = t0 + timedelta(minutes=60)
    assert choose_next(call_candidates(waiting, services), view, now, rules) == choose_next(
        waiting, view, now, rules
    )
