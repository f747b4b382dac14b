"""A hall day, simulated: a small discrete-event simulation in pure Python, seeded.

Citizens arrive per service by hour (from the hall's own history, or typed in), each window
calls by the hall's own queue policy (``core.policy.choose_next``) when it is open and free, and
service times are drawn from the durations the hall recorded. At each issue the simulator asks
the wait estimator what the kiosk would have promised, so the promise can be compared with the
wait that followed (``tests/bench/bench_estimates.py``), and the staffing planner
(``core.planner``) tries window schedules on it.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_right
from itertools import takewhile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import mean, median
from typing import Callable, Iterator, Sequence

from .numbering import HALL_TZ
from .policy import WindowView, choose_next, is_due_appointment, people_ahead
from .settings import QueueRules
from .tickets import Status, Ticket
from .waits import (
    RECENT_VISITS,
    REMAINING_FLOOR,
    HallSnapshot,
    Shows,
    WindowLoad,
    WindowState,
    arrival_rates,
    booked_ticket,
    estimate_wait,
    forecast,
    mean_service_seconds,
    open_by_hour,
    promised_wait,
)

Spans = Sequence[tuple[float, float]]  # seconds after midnight, [start, end)
Draw = Callable[[random.Random], float]
RECENT = 20  # as the server: a window's last 20 calls (the capacity estimate's shares)


def periods_to_spans(periods: Sequence[str]) -> list[tuple[float, float]]:
    def s(hhmm: str) -> float:
        t = time.fromisoformat(hhmm)
        return t.hour * 3600 + t.minute * 60

    return sorted((s(p[:5]), s(p[6:])) for p in periods)


@dataclass(frozen=True)
class SimWindow:
    number: int
    services: tuple[str, ...]
    kind: str = "business"
    spans: Spans | None = None  # when it is open; None: the hall's opening periods


@dataclass(frozen=True)
class Profile:
    """A day's demand: mean tickets per clock hour (index 0–23) per service, and what a visit
    of each service takes (recorded durations to draw from, or a function of the generator)."""

    arrivals: dict[str, Sequence[float]]
    service_s: dict[str, Sequence[float] | Draw]
    periods: Sequence[str] = ("08:30-12:00", "13:30-17:30")  # issuing and opening hours
    priority_share: float = 0.0
    booked: dict[str, Sequence[float]] = field(default_factory=dict)
    """Bookings (预约) per service by the clock hour of their slot, besides the walk-ins of
    ``arrivals``: each citizen comes from 20 minutes before the slot to 5 after it."""
    slot_min: int = 30
    no_show: float = 0.0
    """The share of bookings whose citizen never comes."""

    def draw(self, service: str, rng: random.Random) -> float:
        source = self.service_s[service]
        return source(rng) if callable(source) else rng.choice(source)

    def mean_s(self, service: str) -> float:
        source = self.service_s[service]
        return mean(source) if not callable(source) else 600.0


@dataclass
class SimTicket:
    number: int
    service: str
    issued: float  # seconds after midnight
    priority: bool = False
    estimate: int | None = None  # what the estimator promised at issue; None: no estimate
    called: float | None = None
    window: int | None = None
    service_s: float = 0.0
    booked: bool = False  # a booking's citizen (预约), called before walk-ins when due

    @property
    def wait(self) -> float | None:
        return None if self.called is None else self.called - self.issued


@dataclass
class Issue:
    """What the hall knows when it issues a ticket: what an estimator may use."""

    ticket: Ticket
    ahead: int  # people ahead in its service's queue (core.policy.people_ahead)
    mean_s: float  # its service's recent mean (core.waits.mean_service_seconds)
    loads: list[WindowLoad]
    snapshot: HallSnapshot


Estimator = Callable[[Issue], int | None]


def capacity_estimate(issue: Issue) -> int | None:
    """The first estimator: people ahead × mean ÷ the windows' shares (core.waits.estimate_wait)."""
    return estimate_wait(issue.ahead, issue.mean_s, issue.ticket.service, issue.loads).seconds


def production_estimate(issue: Issue) -> int | None:
    """What the server promises at issue (services/queue.py makes the same call)."""
    return promised_wait(issue.snapshot, issue.ticket).seconds


class ProfileDraws:
    """One way the rest of the day may go, drawn from the profile the day itself is drawn from
    (core.waits.Draws): visits from the recorded durations — a visit in progress from those
    longer than it has run —, citizens still to come as the profile's Poisson arrivals."""

    def __init__(self, profile: Profile, rng: random.Random):
        self.profile, self.rng = profile, rng
        self.sorted = {s: sorted(v) for s, v in profile.service_s.items() if not callable(v) and v}

    def visit_s(self, service: str) -> float:
        return self.profile.draw(service, self.rng)

    def booked_visit_s(self, service: str, chance: float) -> float:
        """A booking's visit: none if its citizen does not come (``chance``: that they do, as
        the hall's history tells, ``HallSnapshot.shows``)."""
        if chance < 1.0 and self.rng.random() >= chance:
            return 0.0
        return self.visit_s(service)

    def remaining_s(self, service: str, elapsed_s: float) -> float:
        durations = self.sorted.get(service)
        if durations is None:  # a function to draw from: try it a while
            for _ in range(100):
                d = self.profile.draw(service, self.rng)
                if d > elapsed_s:
                    return d - elapsed_s
            return REMAINING_FLOOR * self.profile.mean_s(service)
        i = bisect_right(durations, elapsed_s)
        if i == len(durations):  # longer than any recorded visit
            return REMAINING_FLOOR * self.profile.mean_s(service)
        return durations[self.rng.randrange(i, len(durations))] - elapsed_s

    def arrivals(self, snap: HallSnapshot) -> Iterator[Ticket]:
        out = []
        open_s = open_by_hour(snap.spans)  # a clock hour's arrivals come in its open part
        for a, b in sorted(snap.spans):
            a = max(a, snap.now)
            for service, hours in sorted(self.profile.arrivals.items()):
                t = a
                while t < b:
                    start = t.replace(minute=0, second=0, microsecond=0)
                    edge = min(b, start + timedelta(hours=1))
                    count = hours[t.hour] if t.hour < len(hours) else 0.0
                    rate = count / open_s[start]
                    step = self.rng.expovariate(rate) if rate > 0 else None
                    if step is not None and t + timedelta(seconds=step) < edge:
                        t += timedelta(seconds=step)
                        out.append((t, service, self.rng.random() < self.profile.priority_share))
                    else:
                        t = edge  # memoryless: start the next hour afresh
        out.sort()
        for n, (at, service, priority) in enumerate(out, 1):
            reason = "other" if priority else None
            yield Ticket(f"~{n}", f"~{n:06d}", service, Status.WAITING, at, at, reason)


def floor_estimator(profile: Profile, replays: int = 30, seed: int = 0) -> Estimator:
    """The median of ``replays`` drawn ways the rest of the day may go (``ProfileDraws``): the
    best any estimator can do on average with what the hall knows at issue, when the day
    follows its profile (the median minimises the mean absolute error). Slow; the bench's
    yardstick, never the server's estimator."""
    rng = random.Random(seed)

    def estimate(issue: Issue) -> int | None:
        draws = ProfileDraws(profile, rng)
        found = [
            forecast(issue.snapshot, {issue.ticket.id}, draws=draws)[issue.ticket.id]
            for _ in range(replays)
        ]
        found = [s for s in found if s is not None]
        return int(round(median(found))) if found else None

    return estimate


@dataclass
class _Window:
    spec: SimWindow
    open: bool = False
    closing: bool = False  # the hall has closed: it calls those still waiting, then stops
    busy_until: float | None = None
    busy_since: float | None = None
    current: SimTicket | None = None
    streak: int = 0
    appointment_streak: int = 0  # kept as call-next keeps it
    recent: list[str] = field(default_factory=list)  # services of its calls, newest first


def _poisson(per_hour: Sequence[float], spans: Spans, rng: random.Random) -> Iterator[tuple]:
    """(time, start of its opening period) of a Poisson process at each clock hour's expected
    count over the part of the hour the hall is open. Lazy: what the caller draws for one
    time comes before the next time's draw, so a seed gives the same day as ever."""
    for hour, expected in enumerate(per_hour):
        parts = [(max(a, hour * 3600.0), min(b, hour * 3600.0 + 3600), a) for a, b in spans]
        parts = [p for p in parts if p[1] > p[0]]
        length = sum(b - a for a, b, _ in parts)
        if expected <= 0 or not length:
            continue
        rate = expected / length
        for a, b, opened in parts:
            t = a + rng.expovariate(rate)
            while t < b:
                yield t, opened
                t += rng.expovariate(rate)


def arrivals(profile: Profile, rng: random.Random) -> list[tuple[float, str, bool]]:
    """(time, service, priority) of every arrival: a Poisson process per service and clock
    hour, at the hour's rate over the part of it the hall issues tickets."""
    spans = periods_to_spans(profile.periods)
    out = []
    for service in sorted(profile.arrivals):
        for t, _ in _poisson(profile.arrivals[service], spans, rng):
            out.append((t, service, rng.random() < profile.priority_share))
    return sorted(out)


BOOKED_EARLY_S, BOOKED_LATE_S = 20 * 60, 5 * 60
"""A booked citizen comes this much before to this much after the slot's start."""


def bookings(profile: Profile, rng: random.Random) -> list[tuple[float | None, str, float, str]]:
    """(arrival, service, slot start, booking id) of the day's bookings: a Poisson process per
    service and clock hour over the hall's open part of it, each booking in the slot it falls in
    (slots of ``slot_min`` from the period's start), its citizen coming around the slot — or,
    for a ``no_show`` share of them, not at all (arrival None)."""
    spans = periods_to_spans(profile.periods)
    slot_s = profile.slot_min * 60
    out = []
    for service in sorted(profile.booked):
        for t, opened in _poisson(profile.booked[service], spans, rng):
            slot = opened + (t - opened) // slot_s * slot_s
            come = max(slot + rng.uniform(-BOOKED_EARLY_S, BOOKED_LATE_S), opened)
            if profile.no_show and rng.random() < profile.no_show:
                come = None
            out.append((come, service, slot, f"b{len(out) + 1}"))
    return sorted(out, key=lambda b: (b[0] is None, b[0] or 0.0, *b[1:]))


def simulate(
    profile: Profile,
    windows: Sequence[SimWindow],
    rules: QueueRules,
    seed: int,
    day: date = date(2026, 11, 24),
    estimator: Estimator | None = production_estimate,
    bookings_known: bool = True,
    no_shows_known: bool = True,
    checkin_late_min: int = 15,
) -> list[SimTicket]:
    """One simulated day; every ticket with its promised and actual wait. ``bookings_known``
    False: the estimator is not told the day's bookings and counts them among the usual
    walk-ins, as the server did before it read them (tests/bench/bench_estimates.py).
    ``no_shows_known`` False: it is not told the share of bookings that do not come
    (``HallSnapshot.shows``), as the server did before it read them from its history. A
    booking is awaited until ``checkin_late_min`` after its slot begins, as the server's."""
    rng = random.Random(seed)
    midnight = datetime.combine(day, time(0), HALL_TZ)
    hall_spans = periods_to_spans(profile.periods)
    last_end = hall_spans[-1][1] if hall_spans else 86400.0
    serve_until = last_end + rules.expire_after_close_min * 60  # then tickets expire
    day_spans = [
        (midnight + timedelta(seconds=a), midnight + timedelta(seconds=b)) for a, b in hall_spans
    ]
    state = {w.number: _Window(w) for w in windows}
    events: list = []  # (time, order, kind, payload): kind 0 close, 1 finish, 2 open, 3 arrive
    seq = 0

    def push(t: float, kind: int, payload) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, kind, seq, payload))

    for w in windows:
        for a, b in w.spans if w.spans is not None else hall_spans:
            push(a, 2, w.number)
            push(b, 0, w.number)
    for t, service, priority in arrivals(profile, rng):
        push(t, 3, (service, priority, None, None))
    expected: dict[str, tuple[str, float]] = {}  # bookings whose citizen has not come yet
    for t, service, slot, booking in bookings(profile, rng):
        if t is not None:
            push(t, 3, (service, False, slot, booking))
        expected[booking] = (service, slot)
    grace_s = checkin_late_min * 60
    shows = {}
    if no_shows_known and profile.no_show > 0:  # what the hall's history of such days says
        offsets = tuple(
            -BOOKED_EARLY_S + (BOOKED_EARLY_S + BOOKED_LATE_S) * (i + 0.5) / 100 for i in range(100)
        )
        shows = {s: Shows(1 - profile.no_show, offsets) for s in profile.booked}

    tickets: list[SimTicket] = []
    waiting: dict[str, Ticket] = {}
    by_service: dict[str, dict[str, Ticket]] = {}  # the same tickets per service: a window reads
    # only its own services' queues
    by_id: dict[str, SimTicket] = {}
    finished: dict[str, list[float]] = {s: [] for s in profile.service_s}
    # The hall's usual arrivals by hour (its history: the profile the day is drawn from).
    share = profile.priority_share
    usual = {
        s: [(n * (1 - share), n * share) for n in hours] for s, hours in profile.arrivals.items()
    }
    if not bookings_known:
        for s, hours in profile.booked.items():
            walk_ins = usual.get(s, [(0.0, 0.0)] * 24)
            usual[s] = [
                (w + (hours[h] if h < len(hours) else 0.0), p) for h, (w, p) in enumerate(walk_ins)
            ]
    dt_cache: dict[float, datetime] = {}

    def at(t: float) -> datetime:
        found = dt_cache.get(t)
        if found is None:
            found = dt_cache[t] = midnight + timedelta(seconds=t)
        return found

    def loads() -> list[WindowLoad]:
        return [
            WindowLoad(
                services=w.spec.services,
                kind=w.spec.kind,
                is_open=w.open,
                busy=w.current is not None,
                recent_services=tuple(w.recent),
            )
            for w in state.values()
        ]

    def means() -> dict[str, float]:
        return {
            s: mean_service_seconds(finished[s][-RECENT_VISITS:][::-1], profile.mean_s(s))
            for s in profile.service_s
        }

    def issue(ticket: Ticket, now: float) -> Issue:
        same = list(by_service.get(ticket.service, {}).values())  # the new ticket among them
        states = [
            WindowState(
                w.spec.number,
                w.spec.services,
                w.spec.kind,
                w.open,
                at(w.busy_since) if w.current else None,
                w.current.service if w.current else None,
                w.streak,
                w.appointment_streak,
            )
            for w in state.values()
        ]
        m = means()
        recent = [
            (at(t.issued), t.service, t.priority)
            for t in takewhile(lambda t: t.issued >= now - 3600, reversed(tickets))
        ]
        snap = HallSnapshot(
            at(now),
            list(waiting.values()),
            states,
            m,
            day_spans,
            rules,
            arrival_rates(recent, at(now), day_spans),
            usual,
            [
                booked_ticket(booking, service, at(slot), at(now), rules)
                for booking, (service, slot) in expected.items()
                if slot > now - grace_s  # store.appointments.awaited
            ]
            if bookings_known
            else (),
            shows,
        )
        return Issue(
            ticket, people_ahead(ticket, same, at(now), rules), m[ticket.service], loads(), snap
        )

    def call(w: _Window, now: float) -> None:
        if not w.open or w.current is not None:
            return
        if w.closing and now > serve_until:
            w.open = False
            return
        view = WindowView(
            w.spec.number, w.spec.services, w.spec.kind, w.streak, w.appointment_streak
        )
        mine = [t for s in w.spec.services for t in by_service.get(s, {}).values()]
        pick = choose_next(mine, view, at(now), rules) if mine else None
        if pick is None:
            if w.closing:
                w.open = False
            return
        del waiting[pick.id]
        del by_service[pick.service][pick.id]
        sim = by_id[pick.id]
        sim.called, sim.window = now, w.spec.number
        sim.service_s = profile.draw(sim.service, rng)
        w.current, w.busy_until, w.busy_since = sim, now + sim.service_s, now
        w.streak = w.streak + 1 if sim.priority else 0
        if not sim.priority:  # priority calls keep the appointment streak, as in call-next
            due = is_due_appointment(pick, at(now), rules)
            w.appointment_streak = w.appointment_streak + 1 if due else 0
        w.recent.insert(0, sim.service)
        del w.recent[RECENT:]
        push(w.busy_until, 1, w.spec.number)

    while events:
        now, kind, _, payload = heapq.heappop(events)
        if kind == 3:
            service, priority, slot, booking = payload
            sim = SimTicket(len(tickets) + 1, service, now, priority, booked=slot is not None)
            tickets.append(sim)
            tid = str(sim.number)
            expected.pop(booking, None)
            ticket = Ticket(
                tid,
                f"{sim.number:06d}",
                service,
                Status.WAITING,
                at(now),
                at(now),
                "elderly" if priority else None,
                at(slot) if slot is not None else None,
            )
            waiting[tid] = ticket
            by_service.setdefault(service, {})[tid] = ticket
            if estimator is not None:
                sim.estimate = estimator(issue(ticket, now))
            by_id[tid] = sim
            for w in sorted(state.values(), key=lambda w: w.spec.number):
                if w.current is None and w.open:
                    call(w, now)
                    if tid not in waiting:
                        break
        elif kind == 1:
            w = state[payload]
            if w.current is not None and w.busy_until == now:
                finished[w.current.service].append(w.current.service_s)
                w.current = w.busy_until = None
                call(w, now)
        elif kind == 2:
            w = state[payload]
            w.open = True
            call(w, now)
        elif now >= last_end:  # the hall closes: who holds a ticket is still served
            w = state[payload]
            w.closing = True
            call(w, now)
        else:
            state[payload].open = False  # the visit in progress still ends
    return tickets
