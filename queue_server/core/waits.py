"""Wait estimates shown on the kiosk, the ticket and the status page (DESIGN §3).

What the server promises is ``forecast``: the queue played forward by the hall's own policy
(below). ``estimate_wait`` is the first estimator — people ahead × recent mean service time ÷
the window capacity the service really gets — kept as the baseline the forecast is measured
against (core.simulator.capacity_estimate, tests/bench/bench_estimates.py). In it, a window
that serves several services gives each the share of its recent calls that went to it, and the
绿色通道 (priority) window is left out, since it calls priority tickets first.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Iterable, Iterator, Mapping, Protocol, Sequence

from .policy import WindowView, choose_next, is_due_appointment
from .settings import QueueRules
from .tickets import Status, Ticket

PRIOR_CALLS = 2.0
"""How many calls' worth of weight the even split gets before a window has much history."""
PRIOR_VISITS = 30.0
"""How many visits' worth of weight a service's configured duration keeps in its mean."""


@dataclass(frozen=True)
class WindowLoad:
    """One window as the estimate sees it."""

    services: Sequence[str]
    kind: str = "business"
    is_open: bool = False
    busy: bool = False  # a ticket is at the window now
    recent_services: Sequence[str] = ()  # services of its latest calls, newest first


@dataclass(frozen=True)
class WaitEstimate:
    seconds: int | None  # None: no window serves the service now
    no_wait: bool = False  # nobody ahead and a window is free: "无需等候"


def mean_service_seconds(recent: Sequence[float], default_s: float) -> float:
    """Mean of the recent service durations of a service, shrunk toward its configured default
    (worth ``PRIOR_VISITS`` visits): the first visits a day finishes are its short ones, and
    with durations varying by about 60 % even 60 visits leave their mean some 8 % off — an
    error every promise of that queue then carries (tests/bench/bench_estimates.py)."""
    usable = [d for d in recent if d > 0]
    return (sum(usable) + PRIOR_VISITS * default_s) / (len(usable) + PRIOR_VISITS)


def service_share(window: WindowLoad, service: str) -> float:
    """The part of the window's time that goes to ``service`` (0–1), from its recent calls.

    An even split over its services is the prior, worth ``PRIOR_CALLS`` calls, so one call does
    not swing it to 0 or 1.
    """
    if service not in window.services:
        return 0.0
    prior = 1.0 / len(window.services)
    seen = sum(1 for s in window.recent_services if s == service)
    return (seen + prior * PRIOR_CALLS) / (len(window.recent_services) + PRIOR_CALLS)


def serving_capacity(service: str, windows: Sequence[WindowLoad]) -> float:
    """Open windows serving ``service``, each weighted by its share; priority windows left out."""
    return sum(service_share(w, service) for w in windows if w.is_open and w.kind != "priority")


def estimate_wait(
    ahead: int, mean_service_s: float, service: str, windows: Sequence[WindowLoad]
) -> WaitEstimate:
    """The wait of someone with ``ahead`` people of the same service before them."""
    capacity = serving_capacity(service, windows)
    if capacity <= 0:
        return WaitEstimate(None)
    serving = [w for w in windows if w.is_open and w.kind != "priority" and service in w.services]
    free = any(not w.busy for w in serving)
    if ahead == 0 and free:
        return WaitEstimate(0, no_wait=True)
    # With every window busy, the person also waits for the current visit to end (on average
    # half a visit).
    in_progress = 0.0 if free else 0.5
    return WaitEstimate(int(round((ahead + in_progress) * mean_service_s / capacity)))


# --- the forecast: the queue played forward ----------------------------------------------------
#
# ``estimate_wait`` divides people ahead by a capacity. Measured on simulated busy days
# (tests/bench/bench_estimates.py) its error was about 41 % of the mean wait: it cannot see the
# lunch break, the 绿色通道 window that also calls ordinary tickets when no priority ticket
# waits, a shared window that takes its first service first, how far the visits in progress
# have got, nor the priority tickets that will still arrive and go first. ``forecast`` plays the
# queue forward instead: every open window, from when its current visit is expected to end,
# calls by the policy itself (core.policy.choose_next over the call_candidates set), each
# visit taking its service's recent mean; windows stop at the end of an opening period and
# resume at the next; citizens keep arriving at each service's recent rate.

REMAINING_FLOOR = 0.25
"""A visit running past its service's mean is expected to need at least this share of a mean
more (long visits tend to run on)."""
ARRIVAL_WINDOW_MIN = 30
"""Arrival rates are read from the tickets issued in this many minutes before ``now``."""
RECENT_VISITS = 60
"""A service's mean visit is the mean of its last this many finished visits: 20 left the mean
itself off by about 13 % (service times vary by about 60 %), which the forecast multiplies."""


@dataclass(frozen=True)
class WindowState:
    """One window as the forecast sees it."""

    number: int
    services: Sequence[str]
    kind: str = "business"
    is_open: bool = False
    busy_since: datetime | None = None  # the current visit's call or start
    current_service: str | None = None
    priority_streak: int = 0
    appointment_streak: int = 0  # as call-next keeps it (core.policy.WindowView)


@dataclass(frozen=True)
class HallSnapshot:
    now: datetime
    waiting: Sequence[Ticket]  # every waiting ticket of the day
    windows: Sequence[WindowState]
    mean_service_s: Mapping[str, float]  # recent mean per service (mean_service_seconds)
    spans: Sequence[tuple[datetime, datetime]]  # today's opening periods
    rules: QueueRules
    arrivals_per_hour: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Recent arrivals per service and hour: (ordinary, priority)."""
    usual_arrivals: Mapping[str, Sequence[tuple[float, float]]] = field(default_factory=dict)
    """The hall's usual arrivals per service and clock hour (index 0–23: (ordinary,
    priority)), from its history. When given, the citizens still to come follow them — the
    morning's rise, the lull before lunch — instead of the last half hour's pace held all day
    (tests/bench/bench_estimates.py: error 27.6 % → 26.4 % of the mean wait). From the
    history: ``usual_arrivals``."""
    booked: Sequence[Ticket] = ()
    """Today's bookings (预约) not checked in yet, as the tickets their check-in will make:
    ``appointment_at`` their slot, queued when that makes them due (``booked_ticket``). Due
    bookings go before walk-ins, so a walk-in's promise counts those still to come."""
    shows: Mapping[str, "Shows"] = field(default_factory=dict)
    """Per service, how its bookings are kept, from the hall's history (``show_history``;
    none where it has too few): a booking still to come is played as a visit of the mean times
    the chance its citizen still comes — what it takes a window on average, since a window
    passes over a no-show at once."""


@dataclass(frozen=True)
class Shows:
    """How a service's bookings were kept over the hall's recent days (``show_history``)."""

    rate: float
    """The share whose citizen checked in on time (late ones take a walk-in's place)."""
    offsets_s: tuple[float, ...] = ()
    """When they checked in, seconds from the start of their slot, sorted."""

    def still_coming(self, since_slot_s: float) -> float:
        """The chance that a booking not checked in ``since_slot_s`` after its slot began
        (negative: before it) still will be: fewer of the kept bookings come that late, while
        every no-show is still among those not come yet."""
        if not self.offsets_s:
            return self.rate
        later = len(self.offsets_s) - bisect_right(self.offsets_s, since_slot_s)
        kept = self.rate * later / len(self.offsets_s)
        return kept / (kept + 1 - self.rate) if kept > 0 else 0.0


USUAL_MIN_DAYS = 5
"""Fewer days with tickets than this are too few to call usual (``usual_arrivals``)."""
SHOW_MIN_BOOKINGS = 20
"""Fewer past bookings of a service than this tell too little of its no-shows."""


def usual_arrivals(
    rows: Iterable[tuple], services: Iterable[str]
) -> dict[str, list[tuple[float, float]]]:
    """``HallSnapshot.usual_arrivals`` from the hall's history: ``rows`` as
    store.reports.arrivals_by_hour gives them (day, service, hour "HH", tickets, of them
    priority, of them booked), averaged over the days that had tickets; {} (the recent pace
    instead) with fewer than ``USUAL_MIN_DAYS`` such days. Booked tickets are left out: the
    day's own bookings stand for them (``HallSnapshot.booked``)."""
    rows = list(rows)
    days = {r[0] for r in rows}
    if len(days) < USUAL_MIN_DAYS:
        return {}
    out = {code: [[0.0, 0.0] for _ in range(24)] for code in services}
    for _, service, hour, n, priority, booked in rows:
        if service in out and str(hour).isdigit() and int(hour) < 24:
            cell = out[service][int(hour)]
            cell[0] += (n - priority - booked) / len(days)
            cell[1] += priority / len(days)
    return {code: [(a, b) for a, b in hours] for code, hours in out.items()}


def show_history(rows: Iterable[tuple[str, bool, float | None]]) -> dict[str, Shows]:
    """``HallSnapshot.shows`` from the hall's history: ``rows`` as store.appointments.outcomes
    gives them, one per booking that was kept or missed (service, checked in on time, seconds
    from its slot's start to its check-in), for the services with at least
    ``SHOW_MIN_BOOKINGS`` of them."""
    total: dict[str, list] = {}  # service: [bookings, kept on time, their check-in offsets]
    for service, on_time, offset_s in rows:
        tally = total.setdefault(service, [0, 0, []])
        tally[0] += 1
        if on_time:
            tally[1] += 1
            if offset_s is not None:
                tally[2].append(float(offset_s))
    return {
        service: Shows(kept / n, tuple(sorted(offsets)))
        for service, (n, kept, offsets) in total.items()
        if n >= SHOW_MIN_BOOKINGS
    }


MAX_IMAGINED_ARRIVALS = 300
MAX_FORECAST_STEPS = 20_000


def arrival_rates(
    issued: Iterable[tuple[datetime, str, bool]],
    now: datetime,
    spans: Sequence[tuple[datetime, datetime]],
) -> dict[str, tuple[float, float]]:
    """Arrivals per hour per service, (ordinary, priority), from the tickets issued in the last
    ``ARRIVAL_WINDOW_MIN`` minutes of opening time (at least 10 minutes of it, so the first
    ticket of the morning does not read as a flood)."""
    since = now - timedelta(minutes=ARRIVAL_WINDOW_MIN)
    open_s = sum(max((min(b, now) - max(a, since)).total_seconds(), 0) for a, b in spans)
    hours = max(open_s, 600) / 3600
    counts: dict[str, list[int]] = {}
    for at, service, priority in issued:
        if since <= at <= now:
            c = counts.setdefault(service, [0, 0])
            c[1 if priority else 0] += 1
    return {s: (c[0] / hours, c[1] / hours) for s, c in counts.items()}


def booked_ticket(
    booking_id: str, service: str, slot_start: datetime, now: datetime, rules: QueueRules
) -> Ticket:
    """The ticket a booking not checked in yet is expected to take (``HallSnapshot.booked``):
    queued as soon as it would be due (``appointment_early_min`` before its slot), or now if
    that has passed."""
    queue_at = max(now, slot_start - timedelta(minutes=rules.appointment_early_min))
    return Ticket(
        f"~booked-{booking_id}",
        "~booked",
        service,
        Status.WAITING,
        queue_at,
        queue_at,
        None,
        slot_start,
    )


def _open_at(t: datetime, spans: Sequence[tuple[datetime, datetime]]) -> datetime:
    """``t`` if the hall is open then, else its next opening. After the last period the windows
    that are open keep calling those who hold tickets (the hall serves them before it closes)."""
    for start, end in spans:
        if t < end:
            return max(t, start)
    return t


def _expected_arrivals(snap: HallSnapshot, limit: int) -> Iterator[Ticket]:
    """Citizens still to come, evenly spaced at each service's recent rate, inside the opening
    periods after ``now``, in time order; at most ``limit`` of them (a burst of tickets must not
    turn into hours of imagined arrivals to play through)."""
    opening = [(max(a, snap.now), b) for a, b in sorted(snap.spans) if b > snap.now]
    if not opening:
        return
    if snap.usual_arrivals:
        yield from _usual_arrivals(snap.usual_arrivals, opening, open_by_hour(snap.spans), limit)
        return
    ends, total = [], 0.0  # open seconds after now at the end of each period
    for a, b in opening:
        total += (b - a).total_seconds()
        ends.append(total)
    heap = []
    for service, (ordinary, priority) in sorted(snap.arrivals_per_hour.items()):
        for rate, reason in ((ordinary, None), (priority, "other")):
            if rate > 0:
                gap = 3600.0 / rate
                heap.append((gap, len(heap), gap, service, reason))
    heapq.heapify(heap)
    n = 0
    while heap and n < limit:
        offset, order, gap, service, reason = heapq.heappop(heap)
        if offset >= total:
            continue  # past closing: this stream is done
        i = bisect_right(ends, offset)
        at = opening[i][0] + timedelta(seconds=offset - (ends[i - 1] if i else 0.0))
        n += 1
        yield Ticket(f"~{n}", f"~{n:06d}", service, Status.WAITING, at, at, reason)
        heapq.heappush(heap, (offset + gap, order, gap, service, reason))


def open_by_hour(spans: Iterable[tuple[datetime, datetime]]) -> dict[datetime, float]:
    """Seconds the hall is open (issues tickets) in each clock hour, by the hour's start."""
    out: dict[datetime, float] = {}
    for a, b in spans:
        t = a
        while t < b:
            start = t.replace(minute=0, second=0, microsecond=0)
            edge = min(b, start + _HOUR)
            out[start] = out.get(start, 0.0) + (edge - t).total_seconds()
            t = edge
    return out


def _usual_arrivals(
    usual: Mapping[str, Sequence[tuple[float, float]]],
    opening: Sequence[tuple[datetime, datetime]],
    open_s: Mapping[datetime, float],
    limit: int,
) -> Iterator[Ticket]:
    """Citizens still to come at each service's usual rate of each clock hour: one whenever
    another whole citizen is expected (the first at half of one), in time order. A clock
    hour's usual tickets come in the part of it the hall is open (``open_s``): the 8 o'clock
    hour's all between 08:30 and 09:00 (spread over the whole hour, half of them were
    forecast to come after 09:00, mixed into the next hour's)."""
    out = []
    for service, hours in sorted(usual.items()):
        for k, reason in ((0, None), (1, "other")):
            expected, due = 0.0, 0.5
            for a, b in opening:
                t = a
                while t < b:
                    start = t.replace(minute=0, second=0, microsecond=0)
                    edge = min(b, start + _HOUR)
                    count = hours[t.hour][k] if t.hour < len(hours) else 0.0
                    rate = count * 3600 / open_s[start]  # per hour of open time
                    more = rate * (edge - t).total_seconds() / 3600
                    while rate > 0 and expected + more >= due:
                        out.append((t + timedelta(hours=(due - expected) / rate), service, k))
                        due += 1
                    expected += more
                    t = edge
    out.sort()
    for n, (at, service, k) in enumerate(out[:limit], 1):
        yield Ticket(f"~{n}", f"~{n:06d}", service, Status.WAITING, at, at, "other" if k else None)


_HOUR = timedelta(hours=1)


class _Queue:
    """The waiting tickets as ``core.policy.call_candidates`` reads them: every priority and
    appointment ticket, and each service's others oldest first — so each call looks at a
    handful of tickets, however long the queue."""

    def __init__(self, waiting: Iterable[Ticket]):
        # Per service: a window looks only at its services' priority and appointment tickets
        # (scanning all of them at every step cost 2/3 of a forecast with many bookings).
        self.specials: dict[str, dict[str, Ticket]] = {}
        self.others: dict[str, list[Ticket]] = {}
        self.head: dict[str, int] = {}
        for t in sorted(waiting, key=lambda t: (t.queue_at, t.number)):
            self.add(t)

    def add(self, t: Ticket) -> None:
        """A ticket joins (arrivals come in time order, so each list stays oldest first)."""
        if t.is_priority or t.appointment_at is not None:
            self.specials.setdefault(t.service, {})[t.id] = t
        else:
            self.others.setdefault(t.service, []).append(t)

    def candidates(self, services: Sequence[str]) -> list[Ticket]:
        """In no particular order: choose_next's keys (a ticket number among them) decide."""
        out: list[Ticket] = []
        for service in services:
            special = self.specials.get(service)
            if special:
                out.extend(special.values())
            line = self.others.get(service)
            i = self.head.get(service, 0)
            if line and i < len(line):
                out.append(line[i])
        return out

    def take(self, t: Ticket) -> None:
        special = self.specials.get(t.service)
        if special is None or special.pop(t.id, None) is None:
            self.head[t.service] = self.head.get(t.service, 0) + 1


def remaining_s(mean_s: float, elapsed_s: float) -> float:
    """How much longer a visit that has run ``elapsed_s`` is expected to take."""
    return max(mean_s - elapsed_s, REMAINING_FLOOR * mean_s)


class Draws(Protocol):
    """A day's chance, for playing the queue forward as one of the ways it may go (the bench's
    floor of the error, tests/bench/bench_estimates.py) instead of the expected way."""

    def visit_s(self, service: str) -> float: ...

    def remaining_s(self, service: str, elapsed_s: float) -> float: ...

    def arrivals(self, snap: HallSnapshot) -> Iterator[Ticket]: ...

    def booked_visit_s(self, service: str, chance: float) -> float: ...


def forecast(
    snap: HallSnapshot,
    targets: set[str] | None = None,
    ghosts: frozenset[str] = frozenset(),
    draws: Draws | None = None,
) -> dict[str, float | None]:
    """Seconds from ``now`` until each waiting ticket (or only ``targets``) is called; None
    for a ticket no open window reaches. ``ghosts``: waiting tickets that are only asked
    about (the kiosk's "if you took a ticket now"): a window that reaches one notes the time
    and calls again at once, as if it were not there, so it delays no one and every other
    answer is the forecast without it. ``draws``: play one drawn way instead of the
    expected one."""
    spans = sorted(snap.spans)
    mean_of = snap.mean_service_s
    waiting = [t for t in snap.waiting if t.status == Status.WAITING]
    queue = _Queue(waiting)
    want = set(targets) if targets is not None else {t.id for t in waiting}
    heap, streak, a_streak, served = [], {}, {}, {}
    views: dict[tuple[int, int, int], WindowView] = {}
    for w in snap.windows:
        if not w.is_open or not w.services:
            continue
        free = snap.now
        if w.busy_since is not None and w.current_service is not None:
            mean_s = mean_of.get(w.current_service, 600.0)
            elapsed = (snap.now - w.busy_since).total_seconds()
            left = (
                remaining_s(mean_s, elapsed)
                if draws is None
                else draws.remaining_s(w.current_service, elapsed)
            )
            free = snap.now + timedelta(seconds=left)
        heapq.heappush(heap, (free, w.number))
        streak[w.number] = w.priority_streak
        a_streak[w.number] = w.appointment_streak
        served[w.number] = w
    if draws is None:
        coming = _expected_arrivals(snap, limit=MAX_IMAGINED_ARRIVALS + len(waiting))
    else:
        coming = draws.arrivals(snap)
    chance: dict[str, float] = {}  # a booking still to come: the chance its citizen comes
    if snap.booked:
        booked = sorted(snap.booked, key=lambda t: (t.queue_at, t.id))
        for t in booked:
            shows = snap.shows.get(t.service)
            since_slot = (snap.now - t.appointment_at).total_seconds()  # booked_ticket's slot
            chance[t.id] = 1.0 if shows is None else shows.still_coming(since_slot)
        coming = heapq.merge(coming, booked, key=lambda t: t.queue_at)
    next_in = next(coming, None)
    out: dict[str, float | None] = {}
    steps = 0
    while heap and not want <= out.keys() and steps < MAX_FORECAST_STEPS:
        steps += 1  # a safety bound: past it the rest get no estimate rather than a late answer
        free, number = heapq.heappop(heap)
        at = _open_at(free, spans)
        while next_in is not None and next_in.queue_at <= at:
            queue.add(next_in)
            next_in = next(coming, None)
        key = (number, streak[number], a_streak[number])
        view = views.get(key)
        if view is None:  # a frozen dataclass costs more to build than the step's other work
            w = served[number]
            view = views[key] = WindowView(number, w.services, w.kind, key[1], key[2])
        pick = choose_next(queue.candidates(view.services), view, at, snap.rules)
        if pick is None:
            if next_in is not None:
                heapq.heappush(heap, (next_in.queue_at, number))  # idle until someone comes
            continue
        queue.take(pick)
        if pick.id in ghosts:
            out[pick.id] = (at - snap.now).total_seconds()
            heapq.heappush(heap, (at, number))
            continue
        streak[number] = streak[number] + 1 if pick.is_priority else 0
        if not pick.is_priority:  # as call-next: priority calls keep the appointment streak
            due = is_due_appointment(pick, at, snap.rules)
            a_streak[number] = a_streak[number] + 1 if due else 0
        if pick.id in want:
            out[pick.id] = (at - snap.now).total_seconds()
        # A booking may not come (``chance``): a window passes over a no-show at once.
        if draws is None:
            visit = chance.get(pick.id, 1.0) * mean_of.get(pick.service, 600.0)
        elif pick.id in chance:
            visit = draws.booked_visit_s(pick.service, chance[pick.id])
        else:
            visit = draws.visit_s(pick.service)
        done = at + timedelta(seconds=visit)
        heapq.heappush(heap, (done, number))
    for tid in want:
        out.setdefault(tid, None)
    return out


def promised_wait(snap: HallSnapshot, ticket: Ticket) -> WaitEstimate:
    """The wait promised to a waiting ticket (the kiosk, the printed ticket, the status page):
    its forecast call; "no wait" when a window calls it at once; None when no open window
    serves its service."""
    return _promise(forecast(snap, {ticket.id}).get(ticket.id))


def promises(snap: HallSnapshot, extra: Sequence[Ticket] = ()) -> dict[str, WaitEstimate]:
    """``promised_wait`` of every waiting ticket, and of ``extra`` tickets joining now (one per
    service: what the kiosk shows before a ticket is taken), from one forecast. The extras are
    ghosts: none of them delays a real ticket or another extra (an imagined pension ticket
    taken at a window that serves pension first made every consult ticket behind it wait one
    visit more in the promise recorded at issue)."""
    if not extra:
        return {tid: _promise(seconds) for tid, seconds in forecast(snap).items()}
    snap = replace(snap, waiting=[*snap.waiting, *extra])
    ghosts = frozenset(t.id for t in extra)
    return {tid: _promise(seconds) for tid, seconds in forecast(snap, None, ghosts).items()}


def _promise(seconds: float | None) -> WaitEstimate:
    if seconds is None:
        return WaitEstimate(None)
    if seconds <= 0:
        return WaitEstimate(0, no_wait=True)
    return WaitEstimate(int(round(seconds)))
