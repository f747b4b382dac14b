"""The order in which a window calls waiting tickets (DESIGN §3 "Queue policy").

The order is stated once, in ``queue_order``. Everything else derives from it: ``choose_next``
is its first entry, the window console lists it, and "people ahead" of a ticket is the ticket's
position in its own service's order. The store only narrows what it reads to ``candidates`` of
this order (see ``call_candidate_kinds``), and a property test checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

from .settings import QueueRules
from .tickets import Status, Ticket


@dataclass(frozen=True)
class WindowView:
    """What the policy needs to know about the calling window."""

    number: int
    services: Sequence[str]  # in order of preference
    kind: str = "business"  # consulting / business / priority
    priority_streak: int = 0  # priority calls in a row so far
    appointment_streak: int = 0  # due-appointment calls in a row so far (priority calls keep it)


def _age(t: Ticket) -> tuple:
    return (t.queue_at, t.number)


def queue_order(
    waiting: Iterable[Ticket], window: WindowView, now: datetime, rules: QueueRules
) -> list[Ticket]:
    """Every waiting ticket the window serves, in the order it would call them from ``now``.

    Priority tickets (绿色通道) first, at most ``max_consecutive_priority`` in a row while others
    wait — a window of kind "priority" has no such bound; then appointments whose slot has come,
    earliest slot first; then the rest, by the window's service preference ("ordered") or by
    queue time ("oldest"). While any of the rest has waited longer than
    ``appointment_walkin_bound_min``, at most ``max_consecutive_appointments`` due appointments
    in a row, then one of the rest, so walk-ins are never starved (``_others``). The order is what
    repeated calls would give if nobody new arrived.
    """
    return list(_ordered(waiting, window, now, rules))


def _ordered(
    waiting: Iterable[Ticket], window: WindowView, now: datetime, rules: QueueRules
) -> Iterator[Ticket]:
    served = list(window.services)
    mine = sorted(
        (t for t in waiting if t.status == Status.WAITING and t.service in served), key=_age
    )
    priority = [t for t in mine if t.is_priority]
    due_at = due_by(now, rules)
    due = sorted(
        (t for t in mine if not t.is_priority and t.appointment_at and t.appointment_at <= due_at),
        key=lambda t: (t.appointment_at, *_age(t)),
    )
    due_ids = {t.id for t in due}
    rest = [t for t in mine if not t.is_priority and t.id not in due_ids]
    if rules.service_preference == "ordered":
        rest.sort(key=lambda t: (served.index(t.service), *_age(t)))
    others = list(_others(due, rest, window.appointment_streak, now, rules))

    streak = window.priority_streak
    unbounded = window.kind == "priority"
    p = o = 0
    while p < len(priority) or o < len(others):
        take_priority = p < len(priority) and (
            unbounded or streak < rules.max_consecutive_priority or o >= len(others)
        )
        if take_priority:
            yield priority[p]
            p += 1
            streak += 1
        else:
            yield others[o]
            o += 1
            streak = 0


def _others(
    due: list[Ticket], rest: list[Ticket], streak: int, now: datetime, rules: QueueRules
) -> Iterator[Ticket]:
    """The non-priority order: due appointments first, but while some of ``rest`` have waited
    past the bound, after ``max_consecutive_appointments`` of them in a row comes the first of
    those long waiters (in ``rest``'s order); otherwise the rest in its order."""
    cutoff = walkin_cutoff(now, rules)
    rest = list(rest)
    over = sum(1 for t in rest if t.queue_at <= cutoff)
    k = rules.max_consecutive_appointments
    d = 0
    while d < len(due) or rest:
        if d < len(due) and (streak < k or over == 0):
            yield due[d]
            d += 1
            streak += 1
            continue
        if d < len(due):  # bounded: the first who waited past the bound
            i = next(i for i, t in enumerate(rest) if t.queue_at <= cutoff)
        else:
            i = 0
        t = rest.pop(i)
        yield t
        streak = 0
        over -= t.queue_at <= cutoff


def walkin_cutoff(now: datetime, rules: QueueRules) -> datetime:
    """Tickets queued at or before this time have waited past the appointments' bound."""
    return now - _minutes(rules.appointment_walkin_bound_min)


def is_due_appointment(t: Ticket, now: datetime, rules: QueueRules) -> bool:
    """A call of this ticket is an appointment's precedence (counts in the appointment streak)."""
    return (
        not t.is_priority
        and t.appointment_at is not None
        and t.appointment_at <= due_by(now, rules)
    )


def choose_next(
    waiting: Iterable[Ticket], window: WindowView, now: datetime, rules: QueueRules
) -> Ticket | None:
    """The ticket the window calls now: the first of ``queue_order``.

    The wait forecast (core.waits) calls this at every step it plays, so it finds that first
    entry in one pass, without sorting: the oldest priority ticket, the earliest due
    appointment, the first of the rest and the first long waiter of the rest, each a minimum
    with ``_ordered``'s own sort key (a strict ``<`` keeps the earliest of equal keys, as the
    stable sorts do); then ``_ordered``'s and ``_others``' first decision on them. A property
    test (tests/core/test_choose_next_fast.py) checks it against ``queue_order``.
    """
    served = window.services
    rank: dict[str, int] = {}
    for i, service in enumerate(served):
        rank.setdefault(service, i)  # served.index: a service listed twice counts first
    ordered = rules.service_preference == "ordered"
    due_at = due_by(now, rules)
    cutoff = walkin_cutoff(now, rules)
    waiting_status = Status.WAITING
    pri = due = rest = over = None
    pri_key = due_key = rest_key = over_key = None
    for t in waiting:
        if t.status != waiting_status:
            continue
        r = rank.get(t.service)
        if r is None:
            continue
        if t.priority_reason:  # Ticket.is_priority
            key = (t.queue_at, t.number)
            if pri is None or key < pri_key:
                pri, pri_key = t, key
        elif t.appointment_at and t.appointment_at <= due_at:
            key = (t.appointment_at, t.queue_at, t.number)
            if due is None or key < due_key:
                due, due_key = t, key
        else:
            key = (r, t.queue_at, t.number) if ordered else (t.queue_at, t.number)
            if rest is None or key < rest_key:
                rest, rest_key = t, key
            if t.queue_at <= cutoff and (over is None or key < over_key):
                over, over_key = t, key
    # _others' first: a due appointment unless the streak is spent while someone waits long
    if due is not None:
        first_other = (
            due
            if window.appointment_streak < rules.max_consecutive_appointments or over is None
            else over
        )
    else:
        first_other = rest
    # _ordered's first: a priority ticket unless the priority streak is spent and others wait
    if pri is not None and (
        window.kind == "priority"
        or window.priority_streak < rules.max_consecutive_priority
        or first_other is None
    ):
        return pri
    return first_other


def service_window(service: str) -> WindowView:
    """The window a ticket's "people ahead" is counted at: one that serves only its service."""
    return WindowView(number=0, services=(service,))


def people_ahead(
    ticket: Ticket, waiting_same_service: Iterable[Ticket], now: datetime, rules: QueueRules
) -> int:
    """How many tickets of the same service will be called before ``ticket``: its position in
    ``queue_order`` at a window serving only that service."""
    for position, t in enumerate(
        _ordered(waiting_same_service, service_window(ticket.service), now, rules)
    ):
        if t.id == ticket.id:
            return position
    return 0


@dataclass(frozen=True)
class PlaceCounts:
    """What the store counts about one waiting ticket in its service's queue, so that
    ``position`` gives ``people_ahead`` without reading the whole queue."""

    priority_total: int  # waiting priority tickets of the service
    priority_before: int  # of them, ahead of this one by age (a priority ticket only)
    others_total: int  # waiting non-priority tickets
    others_before: int  # of them, ahead of this one in ``_others`` (see ``others_before``)


def others_before(
    is_due: bool, before: int, due_total: int, over_total: int, is_over: bool, rules: QueueRules
) -> int:
    """How many non-priority tickets ``_others`` puts ahead of one, at a one-service window with
    no appointment streak, in closed form. ``before``: due appointments ahead of it (it is due)
    or others of the rest ahead of it by age (it is not); ``due_total``: due appointments;
    ``over_total``: the rest waiting past the bound — the oldest of the rest, so ``is_over`` (it
    is one of them) means it comes within the first ``over_total`` of the rest."""
    k = rules.max_consecutive_appointments
    if is_due:  # every k due appointments let one long waiter through
        return before + (over_total if k <= 0 else min(over_total, before // k))
    if is_over:
        return before + (0 if k <= 0 else min(due_total, k * (before + 1)))
    return before + due_total


def position(is_priority: bool, counts: PlaceCounts, rules: QueueRules) -> int:
    """``people_ahead`` from counts: the interleaving of ``queue_order`` at a one-service window
    (at most ``max_consecutive_priority`` priority calls before each other ticket) in closed
    form. A property test checks it against ``queue_order``."""
    m = rules.max_consecutive_priority
    if is_priority:
        p = counts.priority_before
        others = counts.others_total if m <= 0 else min(counts.others_total, p // m)
        return p + others
    k = counts.others_before
    return k + (0 if m <= 0 else min(counts.priority_total, m * (k + 1)))


def due_by(now: datetime, rules: QueueRules) -> datetime:
    """Appointments with a slot up to this time are due (called before walk-ins)."""
    return now + _minutes(rules.appointment_early_min)


@lru_cache(maxsize=64)
def _minutes(n: int) -> timedelta:
    """A timedelta of ``n`` minutes, made once: the forecast asks ``due_by`` and
    ``walkin_cutoff`` at every step it plays, and building it cost as much as the lookup."""
    return timedelta(minutes=n)


def call_candidates(waiting: Iterable[Ticket], services: Sequence[str]) -> list[Ticket]:
    """The only tickets ``choose_next`` can pick for a window serving ``services``.

    The first of ``queue_order`` is a priority ticket, a due appointment, or the oldest
    non-priority ticket of one service — so every priority and appointment ticket plus the oldest
    other ticket of each service is enough. The store reads exactly this set in SQL, so calling
    stays cheap with hundreds waiting; tests check both give the same choice.
    """
    chosen: dict[str, Ticket] = {}
    oldest: dict[str, Ticket] = {}
    for t in waiting:
        if t.status != Status.WAITING or t.service not in services:
            continue
        if t.is_priority or t.appointment_at is not None:
            chosen[t.id] = t
        elif t.service not in oldest or _age(t) < _age(oldest[t.service]):
            oldest[t.service] = t
    return list(chosen.values()) + list(oldest.values())


def reinstate_position(
    waiting_same_service: Iterable[Ticket], now: datetime, rules: QueueRules
) -> datetime:
    """The ``queue_at`` that puts a reinstated ticket behind the next K waiting tickets."""
    ahead = sorted(t.queue_at for t in waiting_same_service if t.status == Status.WAITING)
    k = rules.reinstate_behind
    if k <= 0:
        return ahead[0] - timedelta(microseconds=1) if ahead else now
    if len(ahead) < k:
        return now
    return ahead[k - 1] + timedelta(microseconds=1)
