"""Benchmark of the wait forecast that every ticket issue runs (issue 10 item 3, "a lean hot
path"): ``core.waits.promises`` for the whole queue plus one new ticket per service — what
services/queue.py computes inside the hall's write transaction — and ``forecast`` of the newest
ticket alone, with 100 / 300 / 1,000 waiting and 10 open windows (windows 1–9 and the 绿色通道
window of config/hall.example.toml), 5 % priority tickets and 10 % appointments
(also 50 %: the forecast looks at every appointment ticket at each step).

Run: .venv/bin/python tests/bench/bench_forecast.py [--before /root/forecast_before.py]
(prints figures; asserts nothing). ``--before FILE``: play the forecast with the ``choose_next``
of another copy of core/policy.py (e.g. ``git show HEAD~1:queue_server/core/policy.py`` with its
relative imports made absolute), to compare with the current one in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from queue_server.core import waits  # noqa: E402
from queue_server.core.numbering import HALL_TZ  # noqa: E402
from queue_server.core.settings import QueueRules  # noqa: E402
from queue_server.core.tickets import Status, Ticket  # noqa: E402
from queue_server.core.waits import HallSnapshot, WindowState, forecast, promises  # noqa: E402

SERVICES = {"consult": 23, "pension": 15, "medical": 11.5, "unemployment": 4, "card": 17}
MEAN_S = {"consult": 300.0, "pension": 720.0, "medical": 600.0, "unemployment": 900.0}
MEAN_S["card"] = 420.0
WINDOWS = [  # config/hall.example.toml, window 10 closed
    (1, ("consult",), "consulting"),
    (2, ("consult",), "consulting"),
    (3, ("pension", "consult"), "business"),
    (4, ("pension",), "business"),
    (5, ("pension",), "business"),
    (6, ("medical",), "business"),
    (7, ("medical", "consult"), "business"),
    (8, ("unemployment",), "business"),
    (9, ("card",), "business"),
    (11, tuple(SERVICES), "priority"),
]
RULES = QueueRules(appointment_early_min=10)  # the example hall's [rules]


def snapshot(n: int, seed: int = 1, appointments: float = 0.1) -> tuple[HallSnapshot, list]:
    """A hall at 10:00 with ``n`` waiting, queued over the last two hours (``appointments``:
    the share with a slot from 30 min ago to 2 h ahead), and the new tickets (one per
    service) the kiosk asks a promise for."""
    rnd = random.Random(seed)
    now = datetime(2026, 3, 2, 10, 0, tzinfo=HALL_TZ)
    names, weights = list(SERVICES), list(SERVICES.values())
    waiting = []
    for i in range(n):
        at = now - timedelta(seconds=7200 * (n - i) / n)
        service = rnd.choices(names, weights)[0]
        kind = rnd.random()
        reason = "elderly" if kind < 0.05 else None
        slot = None
        if 0.05 <= kind < 0.05 + appointments:
            slot = now + timedelta(minutes=rnd.randrange(-30, 120, 15))
        waiting.append(Ticket(f"t{i}", f"A{i:03d}", service, Status.WAITING, at, at, reason, slot))
    windows = [
        WindowState(
            number,
            services,
            kind,
            is_open=True,
            busy_since=now - timedelta(seconds=rnd.randrange(0, 600)),
            current_service=services[0],
        )
        for number, services, kind in WINDOWS
    ]
    day = now.date()
    spans = [
        (
            datetime.combine(day, datetime.min.time().replace(hour=h1, minute=m1), HALL_TZ),
            datetime.combine(day, datetime.min.time().replace(hour=h2, minute=m2), HALL_TZ),
        )
        for h1, m1, h2, m2 in ((8, 30, 12, 0), (13, 30, 17, 0))
    ]
    rates = {s: (r, r * 0.05) for s, r in SERVICES.items()}
    snap = HallSnapshot(now, waiting, windows, MEAN_S, spans, RULES, rates)
    new = [Ticket(f"~new-{s}", "~new", s, Status.WAITING, now, now) for s in SERVICES]
    return snap, new


def timed(fn, repeat: int) -> float:
    """The best of ``repeat`` runs, in ms (the least disturbed by other work on the cores)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best * 1000


def run(label: str) -> None:
    for n, share in ((100, 0.1), (300, 0.1), (1000, 0.1), (1000, 0.5)):
        snap, new = snapshot(n, appointments=share)
        newest = snap.waiting[-1].id
        repeat = 20 if n < 1000 else 7
        p = timed(lambda: promises(snap, new), repeat)
        f = timed(lambda: forecast(snap, {newest}), repeat)
        print(
            f"{label:<8} waiting {n:>5} ({share:4.0%} appointments): promises {p:8.2f} ms   forecast(newest) {f:8.2f} ms"
            f"   ({p * 1000 / n:5.1f} µs per waiting ticket)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", help="a copy of core/policy.py to compare with")
    args = ap.parse_args()
    if args.before:
        spec = importlib.util.spec_from_file_location("policy_before", args.before)
        before = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = before  # its dataclasses look their module up there
        spec.loader.exec_module(before)
        current = waits.choose_next
        waits.choose_next = before.choose_next  # the forecast calls the policy by this name
        try:
            run("before")
            snaps = [
                snapshot(n, seed, share)
                for n in (100, 300, 1000)
                for seed in (1, 2, 3)
                for share in (0.1, 0.5)
            ]
            old = [promises(snap, new) for snap, new in snaps]
        finally:
            waits.choose_next = current
        same = old == [promises(snap, new) for snap, new in snaps]
        print(f"same promises before and now on {len(snaps)} halls: {same}")
    run("current")


if __name__ == "__main__":
    main()
