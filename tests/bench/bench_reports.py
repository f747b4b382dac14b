"""Report speed on a year of a large hall (issue 15 item 7).

Run: .venv/bin/python tests/bench/bench_reports.py [--days 250] [--per-day 14400] [--db PATH]
(prints figures; asserts nothing)
Goals: a year's summary ≤ 1 s and a day's ≤ 50 ms on this 2-core machine.

The hall: 20 services, 40 windows, 250 working days of 14,400 tickets (3.6 million tickets) with
the events the server logs for them — issued, called, started, finished; no-shows (some
reinstated), transfers, cancellations, recalls; windows opening, pausing at noon and closing;
ratings for a third of the visits — written with executemany in one transaction. Event data
has the server's shape (ticket, window, the waiting counts of every service). Then: the closed
days replayed into report_days (ReportService.catch_up), and the summaries of a year, a month,
a past day and a live day (today, 14,400 tickets) timed through ReportService.summary — the
call the API and the pages make. ``--db`` keeps the generated database for the next run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from queue_server.configfile import load_settings  # noqa: E402
from queue_server.core.numbering import HALL_TZ  # noqa: E402
from queue_server.core.settings import ServiceSpec, WindowSpec  # noqa: E402
from queue_server.core.waits import usual_arrivals  # noqa: E402
from queue_server.hall import Hall  # noqa: E402
from queue_server.services.queue import USUAL_DAYS  # noqa: E402
from queue_server.store import reports as history  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2025
TODAY = date(2026, 1, 5)  # a Monday: every day of 2025 has closed
SERVICES = [f"s{i:02d}" for i in range(20)]
WINDOWS = 40
OPEN = [(8 * 3600 + 1800, 12 * 3600), (13 * 3600 + 1800, 17 * 3600 + 1800)]


def settings_for(tmp: Path):
    s = load_settings(ROOT / "config" / "hall.example.toml", environ={})
    services = [
        ServiceSpec(
            code=code,
            prefix=chr(ord("A") + i),
            name={"zh_CN": f"业务{i + 1}"},
            default_service_min=8.0,
        )
        for i, code in enumerate(SERVICES)
    ]
    windows = [
        WindowSpec(number=n, name=f"{n}号窗口", services=[SERVICES[(n - 1) % 20], SERVICES[n % 20]])
        for n in range(1, WINDOWS + 1)
    ]
    hall = dataclasses.replace(s.hall, data_dir=str(tmp / "data"), issue_outside_hours=True)
    return dataclasses.replace(s, services=services, windows=windows, items=[], hall=hall)


def iso(day: date, seconds: float) -> str:
    s = int(seconds)
    return (
        f"{day.isoformat()}T{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}."
        f"{int((seconds - s) * 1e6):06d}+08:00"
    )


def working_days(n: int) -> list[date]:
    out, d = [], date(YEAR, 1, 1)
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def day_rows(day: date, per_day: int, rng: random.Random):
    """Tickets, events and ratings of one day, events in time order."""
    tickets, events, ratings = [], [], []
    seqs = dict.fromkeys(SERVICES, 0)
    waiting = {s: rng.randint(0, 30) for s in SERVICES}

    def ev(t: float, type_: str, data: dict) -> None:
        events.append((t, type_, data))

    for n in range(1, WINDOWS + 1):
        for (a, b), state in zip(OPEN, ("paused", "closed")):
            w = {"number": n, "name": f"{n}号窗口", "zone": "", "room": ""}
            ev(a, "window.changed", {"window": w | {"state": "open"}, "waiting": waiting})
            ev(b, "window.changed", {"window": w | {"state": state}, "waiting": waiting})
    for _ in range(per_day):
        service = rng.choice(SERVICES)
        seqs[service] += 1
        number = f"{chr(ord('A') + SERVICES.index(service))}{seqs[service]:03d}"
        a, b = rng.choice(OPEN)
        issued = rng.uniform(a, b - 600)
        wait = min(rng.expovariate(1 / 720), 5400)
        called = issued + wait
        window = (SERVICES.index(service) + 1) + 20 * rng.randint(0, 1)
        staff = f"staff{window:02d}"
        svc_s = rng.lognormvariate(6.1, 0.6)
        priority = rng.random() < 0.04
        estimate = max(0, int(wait * rng.uniform(0.6, 1.4)))
        public = {
            "number": number,
            "service": service,
            "status": "waiting",
            "window": None,
            "priority": priority,
            "appointment": False,
            "issued_at": iso(day, issued),
            "called_at": None,
        }
        win = {"number": window, "name": f"{window}号窗口", "zone": "", "room": ""}
        ev(issued, "ticket.issued", {"ticket": public, "window": None, "waiting": waiting})
        roll = rng.random()
        status, finished, started = "done", None, None
        if roll < 0.01:
            ev(
                issued + wait / 2,
                "ticket.cancelled",
                {
                    "ticket": public | {"status": "cancelled"},
                    "window": None,
                    "waiting": waiting,
                    "reason": "left",
                    "by": "guide1",
                },
            )
            status, called = "cancelled", None
        else:
            called_pub = public | {
                "status": "called",
                "window": window,
                "called_at": iso(day, called),
            }
            ev(called, "ticket.called", {"ticket": called_pub, "window": win, "waiting": waiting})
            if rng.random() < 0.03:
                ev(
                    called + 60,
                    "ticket.recalled",
                    {"ticket": called_pub, "window": win, "waiting": waiting},
                )
            if roll < 0.06:  # no-show; half of them reinstated and served later
                ev(
                    called + 120,
                    "ticket.no_show",
                    {
                        "ticket": called_pub | {"status": "no_show"},
                        "window": win,
                        "waiting": waiting,
                    },
                )
                status = "no_show"
                if rng.random() < 0.5:
                    back = called + 600
                    ev(
                        back,
                        "ticket.reinstated",
                        {"ticket": public, "window": None, "waiting": waiting},
                    )
                    called = back + 300
                    ev(
                        called,
                        "ticket.called",
                        {"ticket": called_pub, "window": win, "waiting": waiting},
                    )
                    status = "done"
            elif roll < 0.08:  # transferred, then served at the next service
                ev(
                    called + 200,
                    "ticket.transferred",
                    {
                        "ticket": public
                        | {"service": SERVICES[(SERVICES.index(service) + 1) % 20]},
                        "window": win,
                        "waiting": waiting,
                        "from_service": service,
                        "to_service": SERVICES[(SERVICES.index(service) + 1) % 20],
                    },
                )
                called += 900
                ev(
                    called,
                    "ticket.called",
                    {"ticket": called_pub, "window": win, "waiting": waiting},
                )
            if status == "done":
                started = called + 30
                finished = started + svc_s
                ev(
                    started,
                    "ticket.started",
                    {
                        "ticket": called_pub | {"status": "serving"},
                        "window": win,
                        "waiting": waiting,
                    },
                )
                ev(
                    finished,
                    "ticket.finished",
                    {"ticket": called_pub | {"status": "done"}, "window": win, "waiting": waiting},
                )
        tid = f"{day:%Y%m%d}-{number}"
        tickets.append(
            (
                tid,
                number,
                service,
                service,
                day.isoformat(),
                seqs[service],
                status,
                "kiosk",
                "elderly" if priority else None,
                None,
                None,
                tid,
                iso(day, issued),
                iso(day, issued),
                iso(day, called) if called else None,
                iso(day, started) if started else None,
                iso(day, finished) if finished else None,
                window if called else None,
                staff if called else None,
                0,
                0,
                estimate,
            )
        )
        if finished and rng.random() < 0.33:
            level = rng.choices((5, 4, 3, 2, 1), (80, 14, 4, 1, 1))[0]
            ratings.append(
                (
                    tid,
                    number,
                    service,
                    day.isoformat(),
                    window,
                    staff,
                    level,
                    json.dumps(["attitude"] if level <= 2 else []),
                    None,
                    "eval",
                    iso(day, finished + 30),
                )
            )
            ev(
                finished + 30,
                "evaluation.recorded",
                {
                    "evaluation": {
                        "level": level,
                        "bad": level <= 2,
                        "window": window,
                        "service": service,
                    }
                },
            )
    events.sort(key=lambda e: e[0])
    return (
        tickets,
        [
            (iso(day, t), type_, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            for t, type_, data in events
        ],
        ratings,
    )


TICKET_COLS = (
    "id, number, service, original_service, day, seq, status, channel, "
    "priority_reason, appointment_code, appointment_at, request_id, issued_at, "
    "queue_at, called_at, started_at, finished_at, window, staff, recalls, transfers, "
    "estimated_wait_s"
)


def generate(path: Path, settings, days: list[date], per_day: int) -> None:
    Hall.open(settings, path).close()  # the schema, through the migrations
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # bulk load; the server reopens it in WAL
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    rng = random.Random(15)
    n_events = 0
    for i, day in enumerate(days):
        tickets, events, ratings = day_rows(day, per_day, rng)
        conn.executemany(
            f"INSERT INTO tickets ({TICKET_COLS}) VALUES ({','.join('?' * 22)})", tickets
        )
        conn.executemany("INSERT INTO events (at, type, data) VALUES (?, ?, ?)", events)
        conn.executemany(
            "INSERT INTO evaluations (ticket_id, ticket_number, service, day, window, staff,"
            " level, reasons, comment, source, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ratings,
        )
        n_events += len(events)
        if (i + 1) % 25 == 0:
            print(f"  … {i + 1} days, {n_events:,} events", flush=True)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=250, help="working days of the year")
    ap.add_argument("--per-day", type=int, default=14_400, help="tickets per day")
    ap.add_argument("--db", help="keep (or reuse) the generated database here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    settings = settings_for(tmp)
    path = Path(args.db) if args.db else tmp / "hall.db"
    days = working_days(args.days)
    if not path.exists():
        started = time.perf_counter()
        generate(path, settings, days, args.per_day)
        took = time.perf_counter() - started
        print(
            f"generated {args.days} days × {args.per_day:,} tickets = "
            f"{args.days * args.per_day:,} tickets in {took:.0f} s "
            f"({args.days * args.per_day / took:,.0f} tickets/s); "
            f"{path.stat().st_size / 1e9:.2f} GB"
        )
    db = sqlite3.connect(path)
    n_tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    n_events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    # The live day: TODAY, or in a kept database (whose events cannot be deleted) the first
    # weekday after the live days of earlier runs.
    today = TODAY
    while db.execute("SELECT 1 FROM tickets WHERE day = ?", [today.isoformat()]).fetchone():
        today += timedelta(days=3 if today.weekday() == 4 else 1)
    db.close()
    print(
        f"database: {n_tickets:,} tickets, {n_events:,} events, "
        f"{os.path.getsize(path) / 1e9:.2f} GB"
    )

    clock_at = [datetime.combine(today, datetime.min.time(), HALL_TZ) + timedelta(hours=10)]
    hall = Hall.open(settings, path, clock=lambda: clock_at[0])
    reports = hall.reports
    started = time.perf_counter()
    stored = reports.catch_up()
    took = time.perf_counter() - started
    if stored:
        print(
            f"pre-aggregate: {stored} days replayed into report_days in {took:.0f} s "
            f"({took / max(stored, 1) * 1000:.0f} ms a day, done once per day at its close)"
        )
    sample = days[50:55] or days[-5:]  # a short --days run replays its last days
    started = time.perf_counter()
    for d in sample:
        reports.store_day(d)
    print(
        f"pre-aggregate of one working day ({args.per_day:,} tickets), replayed again: "
        f"{(time.perf_counter() - started) / len(sample) * 1000:.0f} ms"
    )
    first, last = days[0], days[-1]
    year_s, year = timed(lambda: reports.summary(date(YEAR, 1, 1), date(YEAR, 12, 31)))
    month_s, _ = timed(lambda: reports.summary(date(YEAR, 6, 1), date(YEAR, 6, 30)))
    one = days[min(100, len(days) - 1)]
    day_s, _ = timed(lambda: reports.summary(one, one), repeat=7)
    print(
        f"summary of the year ({first} … {last}, {year['totals']['issued']:,} tickets): "
        f"{year_s * 1000:.0f} ms   [goal ≤ 1000 ms]"
    )
    print(f"summary of a month (June): {month_s * 1000:.0f} ms")
    print(f"summary of a past day ({one}): {day_s * 1000:.1f} ms   [goal ≤ 50 ms]")

    # The forecast's usual arrivals (services/queue.py _usual_now): read in the write
    # transaction of a day's first forecast, once a day and after a reload.
    after = last + timedelta(days=1)
    codes = [svc.code for svc in settings.services]
    usual_s, _ = timed(
        lambda: usual_arrivals(
            history.arrivals_by_hour(hall.store.db, after - timedelta(days=USUAL_DAYS), last),
            codes,
        )
    )
    print(f"usual arrivals of the {USUAL_DAYS} days before {after}: {usual_s * 1000:.0f} ms")

    # A live day: today with a full day's tickets, the report asked at 16:55 (after the day
    # keeper's round has replayed the day so far), then after each of the next five minutes'
    # events, as the report page polls it, and once more with nothing new.
    conn = sqlite3.connect(path, isolation_level=None)
    tickets, events, ratings = day_rows(today, args.per_day, random.Random(99))
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO tickets ({TICKET_COLS}) VALUES ({','.join('?' * 22)})", tickets)
    conn.execute("COMMIT")
    first_look = iso(today, 16 * 3600 + 55 * 60)
    minutes = [iso(today, 16 * 3600 + (56 + i) * 60) for i in range(5)]

    def add_events(upto: str) -> int:
        batch = [e for e in events if e[0] < upto]
        del events[: len(batch)]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events (at, type, data) VALUES (?, ?, ?)", batch)
        conn.execute("COMMIT")
        return len(batch)

    n_first = add_events(first_look)
    clock_at[0] = datetime.fromisoformat(first_look)
    keeper, _ = timed(reports.catch_up, repeat=1)  # the day keeper's round, every 30 s
    cold, live = timed(lambda: reports.summary(today, today), repeat=1)
    print(
        f"today live at 16:55 ({live['totals']['issued']:,} tickets, {n_first:,} events): the "
        f"day keeper's round replays the day so far in the background in {keeper * 1000:.0f} ms;"
        f" then the report's first look: {cold * 1000:.0f} ms"
    )
    news = []
    for upto in minutes:
        n = add_events(upto)
        clock_at[0] = datetime.fromisoformat(upto)
        cpu = time.thread_time()  # beside the wall time: other work on the machine inflates it
        took, _ = timed(lambda: reports.summary(today, today), repeat=1)
        news.append((took, time.thread_time() - cpu, n))
    idle, _ = timed(lambda: reports.summary(today, today), repeat=5)
    print(
        "summary of today, live, after each next minute's events (wall / CPU): "
        + ", ".join(f"{t * 1000:.0f} / {c * 1000:.0f} ms ({n} events)" for t, c, n in news)
        + f"; nothing new: {idle * 1000:.0f} ms   [goal ≤ 50 ms]"
    )
    conn.close()
    hall.close()
    if not args.db:
        path.unlink()
        for extra in ("-wal", "-shm"):
            Path(str(path) + extra).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
