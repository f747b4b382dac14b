"""Appointments' precedence on simulated busy days (issue 16 #3): walk-in and appointment waits
with 30 % (and 60 %) of the visits booked, under the walk-in bound and without it; and the
import's speed.

Run: .venv/bin/python tests/bench/bench_appointments.py [--days 20] [--booked 0.3 0.6] [--load 0.85]
(prints figures; asserts nothing)

One pension queue served by 3 windows over the demo hall's hours (08:30-12:00, 13:30-17:30),
log-normal service times around 8 minutes (CV 0.6). Walk-ins arrive as a Poisson stream with a
morning peak; booked citizens hold 30-minute slots and check in 20 minutes before to 10 after
their slot's start. Windows call with core.policy.choose_next and keep their streaks as
services/queue.py does (core.simulator has no bookings, so this is a small event loop of its
own). An appointment's wait counts from its slot's start (or its check-in, if later).
"""

from __future__ import annotations

import argparse
import base64
import csv
import dataclasses
import io
import math
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from statistics import mean, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from queue_server.configfile import load_settings  # noqa: E402
from queue_server.core.numbering import HALL_TZ  # noqa: E402
from queue_server.core.policy import WindowView, choose_next, is_due_appointment  # noqa: E402
from queue_server.core.tickets import Status, Ticket  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BASE = load_settings(ROOT / "config" / "hall.example.toml", environ={})
DAY = datetime(2026, 11, 25, tzinfo=HALL_TZ)
PERIODS = [(8.5, 12.0), (13.5, 17.5)]
WINDOWS = 3
MEAN_S = 480.0


def lognormal(rng: random.Random, m: float, cv: float = 0.6) -> float:
    s = math.sqrt(math.log(1 + cv * cv))
    return rng.lognormvariate(math.log(m) - s * s / 2, s)


def day_visits(rng: random.Random, booked: float, load: float) -> list[Ticket]:
    """Walk-ins (peak at 9–11) and bookings spread over the slots, ~load × capacity in all."""
    hours = sum(b - a for a, b in PERIODS)
    total = load * WINDOWS * 3600 / MEAN_S * hours
    out: list[Ticket] = []
    n = 0
    slots = [
        DAY + timedelta(hours=a) + timedelta(minutes=30 * i)
        for a, b in PERIODS
        for i in range(int((b - a) * 2))
    ]
    for _ in range(round(total * booked)):
        slot = rng.choice(slots)
        at = slot + timedelta(minutes=rng.uniform(-20, 10))
        n += 1
        out.append(Ticket(str(n), f"A{n:03d}", "pension", Status.WAITING, at, at, None, slot))
    for a, b in PERIODS:
        t = a
        while True:
            peak = 1.5 if 9 <= t < 11 else 0.85
            rate = total * (1 - booked) / hours * peak  # per hour
            t += rng.expovariate(rate)
            if t >= b:
                break
            at = DAY + timedelta(hours=t)
            n += 1
            out.append(Ticket(str(n), f"W{n:03d}", "pension", Status.WAITING, at, at))
    return sorted(out, key=lambda x: x.queue_at)


def run_day(visits: list[Ticket], rules, rng: random.Random) -> dict[str, list[float]]:
    """Event loop: arrivals join the queue; a free window calls choose_next; waits by kind."""
    free = [DAY + timedelta(hours=PERIODS[0][0])] * WINDOWS
    views = [WindowView(i + 1, ("pension",)) for i in range(WINDOWS)]
    pending, waiting = list(visits), []
    waits: dict[str, list[float]] = {"walk-in": [], "appointment": []}
    while pending or waiting:
        w = min(range(WINDOWS), key=free.__getitem__)
        now = free[w]
        hour = (now - DAY).total_seconds() / 3600
        if PERIODS[0][1] <= hour < PERIODS[1][0]:  # lunch: the windows reopen at 13:30
            free[w] = DAY + timedelta(hours=PERIODS[1][0])
            continue
        while pending and pending[0].queue_at <= now:
            waiting.append(pending.pop(0))
        chosen = choose_next(waiting, views[w], now, rules)
        if chosen is None:
            free[w] = pending[0].queue_at if pending else now + timedelta(minutes=1)
            continue
        waiting.remove(chosen)
        due = is_due_appointment(chosen, now, rules)
        views[w] = dataclasses.replace(
            views[w], appointment_streak=views[w].appointment_streak + 1 if due else 0
        )
        start = max(chosen.queue_at, chosen.appointment_at or chosen.queue_at)
        kind = "appointment" if chosen.appointment_at else "walk-in"
        waits[kind].append(max((now - start).total_seconds(), 0) / 60)
        free[w] = now + timedelta(seconds=lognormal(rng, MEAN_S))
    return waits


def figures(values: list[float]) -> str:
    if len(values) < 2:
        return "—"
    q = quantiles(values, n=10)
    return f"mean {mean(values):5.1f}  p90 {q[-1]:5.1f}  max {max(values):5.1f} min"


def precedence(days: int, booked: float, load: float) -> None:
    print(f"{days} simulated days, {WINDOWS} windows, {booked:.0%} booked, load {load:.2f}")
    for label, k, bound in (
        ("bound: 2 in a row after 20 min (the example)", 2, 20),
        ("no bound (appointments always first)", 10_000, 20),
        ("no precedence over long waiters (k = 0)", 0, 20),
    ):
        rules = dataclasses.replace(
            BASE.rules,
            max_consecutive_appointments=k,
            appointment_walkin_bound_min=bound,
            appointment_early_min=0,
        )
        walk, appt = [], []
        for seed in range(days):
            rng = random.Random(seed)
            waits = run_day(day_visits(rng, booked, load), rules, rng)
            walk += waits["walk-in"]
            appt += waits["appointment"]
        print(f"  {label}")
        print(f"    walk-ins     ({len(walk):5d}): {figures(walk)}")
        print(f"    appointments ({len(appt):5d}): {figures(appt)}")


def import_speed(rows: int) -> None:
    """POST /api/v1/appointments/import of ``rows`` good rows through the Flask app."""
    from queue_server.core.idnumber import check_digit
    from queue_server.store.accounts import save_user
    from queue_server.web import create_app
    from werkzeug.security import generate_password_hash

    class Clock:
        now = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)

        def __call__(self):
            return self.now

    with tempfile.TemporaryDirectory() as tmp:
        hall_s = dataclasses.replace(BASE.hall, data_dir=tmp)
        appts = dataclasses.replace(BASE.appointments, capacity=999)
        app = create_app(
            dataclasses.replace(BASE, hall=hall_s, appointments=appts),
            db_path=Path(tmp) / "hall.db",
            clock=Clock(),
        )
        hall = app.extensions["hall"]
        with hall.store.write() as db:
            save_user(
                db,
                {
                    "username": "admin1",
                    "role": "admin",
                    "display_name": "a",
                    "password_hash": generate_password_hash("pw-12345678"),
                    "failed_logins": 0,
                    "locked_until": None,
                    "created_at": Clock.now.isoformat(),
                },
            )
        client = app.test_client()
        client.post("/api/v1/auth/login", json={"username": "admin1", "password": "pw-12345678"})
        buf = io.StringIO()
        out = csv.writer(buf)
        out.writerow(
            ["预约编号", "业务类别", "预约日期", "预约时段", "身份证号码", "姓名", "手机号码"]
        )
        for i in range(rows):
            first17 = f"110105{19600101 + i % 28 + 100 * (i // 28 % 12):08d}{i % 1000:03d}"
            day = ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"][i % 5]
            out.writerow(
                [
                    f"P-{i}",
                    "养老保险",
                    day,
                    "09:00",
                    first17 + check_digit(first17),
                    "张三",
                    "13812345678",
                ]
            )
        body = {"file_name": "x.csv", "content": base64.b64encode(buf.getvalue().encode()).decode()}
        t0 = time.perf_counter()
        r = client.post("/api/v1/appointments/import", json=body)
        dt = time.perf_counter() - t0
        report = r.get_json()
        print(
            f"import of {rows} rows: {dt:.2f} s ({rows / dt:.0f} rows/s); imported "
            f"{report['imported']}, errors {len(report['errors'])}"
        )
        hall.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--booked", type=float, nargs="+", default=[0.3, 0.6])
    ap.add_argument("--load", type=float, default=0.85)
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()
    for booked in args.booked:
        precedence(args.days, booked, args.load)
    import_speed(args.rows)


if __name__ == "__main__":
    main()
