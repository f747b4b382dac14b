"""Appointments' precedence with the walk-in bound (core.policy), on random hall days: windows
call through ``choose_next`` and keep their streaks as the queue service does.

- No walk-in waits past the bound because of appointments: while one of the rest has waited
  longer than ``appointment_walkin_bound_min``, a window calls at most
  ``max_consecutive_appointments`` due appointments in a row.
- An appointment checked in on time is called before walk-ins who came after its slot began,
  unless that bound gave the call to one who had waited past it.
- "People ahead" (the closed form the store counts) is the position in ``queue_order``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.configfile import load_settings
from queue_server.core.numbering import HALL_TZ
from queue_server.core.policy import (
    PlaceCounts,
    WindowView,
    choose_next,
    is_due_appointment,
    others_before,
    people_ahead,
    position,
    service_window,
    walkin_cutoff,
)
from queue_server.core.tickets import Status, Ticket

from ..conftest import EXAMPLE_CONFIG

BASE = load_settings(EXAMPLE_CONFIG, environ={}).rules
T0 = datetime(2026, 11, 25, 8, 30, tzinfo=HALL_TZ)
SERVICES = ("pension", "medical")

# One minute of a day: who arrives (walk-in, priority, or a booking checked in some minutes
# before or after its slot) and which windows call.
minute = st.tuples(
    st.lists(
        st.tuples(
            st.sampled_from(["walk-in", "walk-in", "priority", "appointment"]),
            st.sampled_from(SERVICES),
            st.integers(-30, 15),
        ),
        max_size=2,
    ),
    st.lists(st.integers(0, 2), max_size=2, unique=True),
)


@dataclasses.dataclass
class Window:
    view: WindowView


def _rest_over(waiting, window: WindowView, now, rules) -> list[Ticket]:
    """The window's non-priority, not-yet-due tickets that waited past the bound."""
    cutoff = walkin_cutoff(now, rules)
    return [
        t
        for t in waiting
        if t.service in window.services
        and not t.is_priority
        and not is_due_appointment(t, now, rules)
        and t.queue_at <= cutoff
    ]


@hsettings(max_examples=120, deadline=None, derandomize=True)
@given(
    day=st.lists(minute, min_size=30, max_size=150),
    k=st.integers(0, 3),
    bound=st.sampled_from([0, 5, 15, 30]),
    early=st.sampled_from([0, 10]),
    windows=st.lists(
        st.lists(st.sampled_from(SERVICES), min_size=1, max_size=2, unique=True),
        min_size=1,
        max_size=3,
    ),
)
def test_appointments_go_first_but_never_starve_walk_ins(day, k, bound, early, windows):
    rules = dataclasses.replace(
        BASE,
        max_consecutive_appointments=k,
        appointment_walkin_bound_min=bound,
        appointment_early_min=early,
    )
    wins = [WindowView(i + 1, tuple(s)) for i, s in enumerate(windows)]
    waiting: list[Ticket] = []
    n = 0
    for m, (arrivals, calls) in enumerate(day):
        now = T0 + timedelta(minutes=m)
        for kind, service, offset in arrivals:
            n += 1
            # A booking checks in ``offset`` minutes after its half-hour slot began (early < 0).
            slot = None
            if kind == "appointment":
                slot = now - timedelta(minutes=offset)
                slot = slot.replace(minute=slot.minute // 30 * 30)
            waiting.append(
                Ticket(
                    id=str(n),
                    number=f"X{n:03d}",
                    service=service,
                    status=Status.WAITING,
                    issued_at=now,
                    queue_at=now,
                    appointment_at=slot,
                    priority_reason="elderly" if kind == "priority" else None,
                )
            )
        for w in calls:
            if w >= len(wins):
                continue
            view = wins[w]
            chosen = choose_next(waiting, view, now, rules)
            if chosen is None:
                continue
            over = _rest_over(waiting, view, now, rules)
            if is_due_appointment(chosen, now, rules):
                # The bound: no walk-in past it waits behind more than k appointments in a row.
                assert not over or view.appointment_streak < k, (view, chosen, over)
            elif not chosen.is_priority:
                # A due appointment checked in before the walk-in arrived, after its slot began,
                # is passed over only when the bound gave this call to a long waiter.
                passed = [
                    a
                    for a in waiting
                    if a.service in view.services
                    and not a.is_priority
                    and a.appointment_at is not None
                    and a.appointment_at <= now
                    and chosen.queue_at >= a.appointment_at
                ]
                if passed:
                    assert over and view.appointment_streak >= k and chosen in over, (
                        view,
                        chosen,
                        passed,
                        over,
                    )
            waiting.remove(chosen)
            due = is_due_appointment(chosen, now, rules)
            wins[w] = dataclasses.replace(
                view,
                priority_streak=view.priority_streak + 1 if chosen.is_priority else 0,
                appointment_streak=view.appointment_streak
                if chosen.is_priority
                else view.appointment_streak + 1
                if due
                else 0,
            )
        if m % 10 == 0:
            _ahead_matches_the_closed_form(waiting, now, rules)


def _ahead_matches_the_closed_form(waiting: list[Ticket], now: datetime, rules) -> None:
    """What the store counts (PlaceCounts + others_before) gives the queue_order position."""
    cutoff = walkin_cutoff(now, rules)
    for service in SERVICES:
        mine = [t for t in waiting if t.service == service]
        for x in mine:
            others = [t for t in mine if t.id != x.id]
            prio = [t for t in others if t.is_priority]
            non = [t for t in others if not t.is_priority]
            due = [t for t in non if is_due_appointment(t, now, rules)]
            rest = [t for t in non if t not in due]
            key = lambda t: (t.queue_at, t.number)  # noqa: E731
            x_due = is_due_appointment(x, now, rules)
            x_over = not x.is_priority and not x_due and x.queue_at <= cutoff
            if x_due:
                before = sum((t.appointment_at, *key(t)) < (x.appointment_at, *key(x)) for t in due)
            else:
                before = sum(key(t) < key(x) for t in rest)
            counts = PlaceCounts(
                len(prio),
                sum(key(t) < key(x) for t in prio),
                len(non),
                others_before(
                    x_due,
                    before,
                    len(due),
                    sum(t.queue_at <= cutoff for t in rest) + x_over,
                    x_over,
                    rules,
                ),
            )
            assert position(x.is_priority, counts, rules) == people_ahead(x, mine, now, rules), (
                x,
                service_window(service),
            )
