"""The staffing planner: the fewest open windows per hour of each kind that keep the 90th
percentile wait under the hall's target (§4.2 sets a minimum of consulting windows; this sizes
the hall for its demand).

Windows of the hall are grouped by what they serve (same services in the same order, same
kind); the plan says, per clock hour, how many windows of each group to open. It is found by
simulation (core.simulator, the hall's own queue policy): start from one window for each service
that has citizens, enough to keep each hour's work under 80 % of the windows' time, and the §4.2
minimum; add a window where the 90th percentile wait is worst
until every hour and every service meets the target, then take back windows that are not
needed, and finally simulate the plan on other days and add windows until it meets the target
there too. The same seeds are used for every trial (common random numbers), so two plans are
compared on the same days.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .settings import QueueRules
from .simulator import Profile, SimTicket, SimWindow, periods_to_spans, simulate

KIND_ORDER = {"consulting": 0, "business": 0, "priority": 1}
UTILISATION_MAX = 0.8
"""A plan never keeps windows busier than this in an hour: near 100 % the queue's length swings
so much from day to day that a few simulated days cannot vouch for the plan."""


@dataclass(frozen=True)
class Group:
    key: str
    services: tuple[str, ...]
    kind: str
    windows: tuple[int, ...]  # the hall's windows of this group, by number


def groups(windows: Sequence[SimWindow]) -> list[Group]:
    found: dict[tuple, list[int]] = {}
    for w in windows:
        found.setdefault((tuple(w.services), w.kind), []).append(w.number)
    return [
        Group(
            "+".join(services) + ("" if kind == "business" else f"/{kind}"),
            services,
            kind,
            tuple(sorted(numbers)),
        )
        for (services, kind), numbers in sorted(found.items(), key=lambda kv: min(kv[1]))
    ]


def open_hours(periods: Sequence[str]) -> list[int]:
    """Clock hours that overlap the opening periods."""
    return sorted(
        {
            h
            for a, b in periods_to_spans(periods)
            for h in range(int(a // 3600), math.ceil(b / 3600))
        }
    )


Counts = dict[int, dict[str, int]]  # hour → group key → windows open


def schedule(counts: Counts, gs: Sequence[Group], periods: Sequence[str]) -> list[SimWindow]:
    """The windows with the hours they are open: the first ``n`` windows of a group in an hour
    where the plan opens ``n``, within the opening periods."""
    spans = periods_to_spans(periods)
    out = []
    for g in gs:
        for i, number in enumerate(g.windows):
            mine = []
            for hour in sorted(counts):
                if counts[hour].get(g.key, 0) > i:
                    for a, b in spans:
                        lo, hi = max(a, hour * 3600.0), min(b, hour * 3600.0 + 3600)
                        if hi > lo:
                            if mine and mine[-1][1] == lo:
                                mine[-1] = (mine[-1][0], hi)
                            else:
                                mine.append((lo, hi))
            out.append(SimWindow(number, g.services, g.kind, tuple(mine)))
    return out


def p90(values: Sequence[float]) -> float | None:
    """Nearest-rank 90th percentile; a ticket never called counts as waiting forever."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


@dataclass
class Outcome:
    by_hour: dict[int, float | None]  # p90 wait of the tickets issued in each hour
    by_service: dict[str, float | None]  # p90 wait of each service over the day
    by_hour_service: dict[int, dict[str, float | None]]
    tickets: int
    not_called: int

    def worst(self, target_s: float, skip: frozenset = frozenset()) -> tuple[int, str] | None:
        """The (hour, service) to help first, or None when everything meets the target: the
        earliest hour over the target (a backlog grows from there) and its worst service; then
        a service over the target over the whole day, at its first hour over it. ``skip``:
        cells that no window can help any more."""
        for hour in sorted(self.by_hour_service):
            if (self.by_hour.get(hour) or 0) <= target_s:
                continue
            cells = [
                (v, s)
                for s, v in self.by_hour_service[hour].items()
                if v is not None and v > target_s and (hour, s) not in skip
            ]
            if cells:
                return hour, max(cells)[1]
        for _, service in sorted(
            ((v, s) for s, v in self.by_service.items() if v is not None and v > target_s),
            reverse=True,
        ):
            for hour in sorted(self.by_hour_service):
                v = self.by_hour_service[hour].get(service)
                if v is not None and v > target_s and (hour, service) not in skip:
                    return hour, service
        return None


def outcome(days: Sequence[Sequence[SimTicket]]) -> Outcome:
    by_hour: dict[int, list[float]] = {}
    by_service: dict[str, list[float]] = {}
    cells: dict[int, dict[str, list[float]]] = {}
    n = missed = 0
    for tickets in days:
        for t in tickets:
            wait = t.wait if t.wait is not None else math.inf
            hour = int(t.issued // 3600)
            by_hour.setdefault(hour, []).append(wait)
            by_service.setdefault(t.service, []).append(wait)
            cells.setdefault(hour, {}).setdefault(t.service, []).append(wait)
            n += 1
            missed += t.wait is None
    return Outcome(
        {h: p90(v) for h, v in by_hour.items()},
        {s: p90(v) for s, v in by_service.items()},
        {h: {s: p90(v) for s, v in c.items()} for h, c in cells.items()},
        n,
        missed,
    )


@dataclass
class Plan:
    counts: Counts
    groups: list[Group]
    outcome: Outcome
    target_s: float
    met: bool
    short: list[tuple[int, str]] = field(default_factory=list)  # even all windows are not enough
    trials: int = 0

    @property
    def window_hours(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


def _load(profile: Profile, service: str, hour: int) -> float:
    """Offered work of ``service`` in ``hour``, in windows kept busy (Erlang)."""
    per_hour = profile.arrivals[service]
    return per_hour[hour] * profile.mean_s(service) / 3600 if hour < len(per_hour) else 0.0


def _serving(gs: Sequence[Group], service: str) -> list[Group]:
    """Groups that serve ``service``, the most dedicated first (fewest services, not priority)."""
    return sorted(
        (g for g in gs if service in g.services),
        key=lambda g: (
            KIND_ORDER.get(g.kind, 0),
            len(g.services),
            g.services.index(service),
            g.windows[0],
        ),
    )


SEEDS = tuple(range(1, 11))
CONFIRM_SEEDS = tuple(range(1001, 1031))
"""The finished plan is simulated again on 30 other days and must meet the target on them."""
MARGIN = 0.85
"""Windows are added until every hour is under this share of the target…"""
KEEP_MARGIN = 0.75
"""…and taken back only while it stays under this share: a handful of simulated days is a
sample, and a plan cut to fit exactly those days misses on others."""


def make_plan(
    profile: Profile,
    windows: Sequence[SimWindow],
    rules: QueueRules,
    target_s: float,
    seeds: Sequence[int] = SEEDS,
    confirm: Sequence[int] = CONFIRM_SEEDS,
    min_open: dict[str, int] | None = None,
    max_trials: int = 100,
    on_trial: Callable[[int], None] | None = None,
) -> Plan:
    """The plan for ``profile``; ``min_open``: group key → windows always open (§4.2)."""
    aim = target_s * MARGIN
    gs = groups(windows)
    hours = open_hours(profile.periods)
    counts: Counts = {h: {g.key: 0 for g in gs} for h in hours}
    floor: Counts = {h: {g.key: 0 for g in gs} for h in hours}
    for g in gs:
        for h in hours:
            floor[h][g.key] = min((min_open or {}).get(g.key, 0), len(g.windows))
    for h in hours:  # enough windows for each hour's work at UTILISATION_MAX, the busiest first
        spare = dict(floor[h])  # windows already open (§4.2) that no service has counted on yet
        loads = sorted(
            ((_load(profile, service, h), service) for service in profile.arrivals), reverse=True
        )
        for load, service in loads:
            per_hour = profile.arrivals[service]
            busy = any(per_hour[x] > 0 for x in (h - 1, h) if 0 <= x < len(per_hour))
            need = max(math.ceil(load / UTILISATION_MAX), 1 if busy else 0)
            for g in _serving(gs, service):
                used = min(need, spare[g.key])
                spare[g.key] -= used
                need -= used
                extra = min(need, len(g.windows) - floor[h][g.key])
                floor[h][g.key] += extra
                need -= extra
                if need <= 0:
                    break
    for h in hours:
        counts[h] = dict(floor[h])
    trials = 0

    def run(c: Counts, days: Sequence[int] = seeds) -> Outcome:
        nonlocal trials
        trials += 1
        if on_trial:
            on_trial(trials)
        plan_windows = schedule(c, gs, profile.periods)
        return outcome(
            [simulate(profile, plan_windows, rules, seed, estimator=None) for seed in days]
        )

    short: list[tuple[int, str]] = []

    def add(result: Outcome, aim_s: float) -> bool:
        """One more window where ``result`` misses ``aim_s`` first; False when none is left."""
        worst = result.worst(aim_s, frozenset(short))
        if worst is None:
            return False
        hour, service = worst
        for h in (hour, hour + 1, hour - 1):  # the hour itself, else the next or the one before
            for g in _serving(gs, service) if h in counts else ():
                if counts[h][g.key] < len(g.windows):
                    counts[h][g.key] += 1
                    return True
        short.append(worst)  # every window that serves it is already open: report it
        return True

    result = run(counts)
    while trials < max_trials and add(result, aim):
        result = run(counts)
    skip = frozenset(short)
    if result.worst(aim, skip) is None:  # take back windows not needed, latest hours first
        for h in sorted(hours, reverse=True):
            for g in gs:
                while counts[h][g.key] > floor[h][g.key] and trials < max_trials:
                    counts[h][g.key] -= 1
                    trial = run(counts)
                    if trial.worst(target_s * KEEP_MARGIN, skip) is None:
                        result = trial
                    else:
                        counts[h][g.key] += 1
                        break
    # The plan, simulated again on other days, must meet the target itself.
    result = run(counts, confirm)
    while trials < max_trials + 20 and add(result, target_s):
        result = run(counts, confirm)
    return Plan(counts, gs, result, target_s, result.worst(target_s) is None, short, trials)


# --- the day profile ---------------------------------------------------------------------------


def profile_from_history(
    arrivals: Sequence[tuple],
    samples: dict[str, list[float]],
    services: dict[str, float],
    periods: Sequence[str],
) -> Profile:
    """A day profile from the hall's own history: ``arrivals`` rows (day, service, hour "HH",
    tickets, priority tickets[, booked tickets]) averaged over the days that had tickets (booked
    ones counted with the rest: they are demand the windows serve); service times drawn from
    the recorded ``samples``, or — for a service without history — spread around its configured
    default minutes (``services``: code → default seconds)."""
    days = {r[0] for r in arrivals}
    per: dict[str, list[float]] = {code: [0.0] * 24 for code in services}
    total = priority = 0
    for _, service, hour, n, prio, *_ in arrivals:
        if service in per and str(hour).isdigit():
            per[service][int(hour)] += n / max(len(days), 1)
        total += n
        priority += prio
    draws: dict = {}
    for code, default_s in services.items():
        recorded = [s for s in samples.get(code, []) if s > 0]
        draws[code] = recorded if len(recorded) >= 20 else spread(default_s)
    return Profile(per, draws, tuple(periods), priority_share=priority / total if total else 0.0)


def spread(mean_s: float, cv: float = 0.6, n: int = 500) -> list[float]:
    """Log-normal service times around ``mean_s`` (a fixed sample, the same for every run)."""
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean_s) - sigma * sigma / 2
    rng = random.Random(int(mean_s))
    return [rng.lognormvariate(mu, sigma) for _ in range(n)]
