"""Benchmark of the city (issue 18): simulated halls' events shipped to one PostgreSQL by real
``queue-server ship --once`` processes, then the derived tables refreshed and the bureau's
questions asked. Prints figures; asserts nothing.

Run: .venv/bin/python tests/bench/bench_city.py [--halls 4] [--days 2] [--tickets 7200]
     [--parallel N] [--fast]
The issue's figure is --halls 50 --days 5 (about 6 million events; a few minutes to make the
halls first). A day of 7,200 tickets is about 24,000 events (issue, call, recall, finish,
rating, windows, the day's close). Goals: shipping ≥ 20,000 events/s into one PostgreSQL on
this machine; the live view and a month's per-hall table ≤ 200 ms each. The cluster keeps
fsync on unless --fast.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from queue_server.city import derived, migrate, queries  # noqa: E402
from queue_server.city.db import connect  # noqa: E402
from queue_server.core.numbering import HALL_TZ  # noqa: E402
from tests.city.halls import make_hall  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).with_name("queue-server")
FIRST_DAY = date(2026, 11, 2)


def ship(dsn: str, db: Path, hall_id: str, folder: Path, batch: int) -> float:
    env = {
        **os.environ,
        "HALLQUEUE_HALL_DATA_DIR": str(folder / "data"),
        "HALLQUEUE_CITY_DSN": dsn,
        "HALLQUEUE_CITY_HALL_ID": hall_id,
        "HALLQUEUE_CITY_BATCH_SIZE": str(batch),
    }
    started = time.perf_counter()
    subprocess.run(
        [str(BIN), "ship", "--once", "--config", str(ROOT / "config/hall.example.toml"),
         "--db", str(db)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def cpu_seconds(cluster: PostgresCluster) -> tuple[float, float]:
    """CPU time of our finished children (the shippers) and of the cluster's finished
    children (its backends, one per shipper connection, reaped by the postmaster)."""
    mine = resource.getrusage(resource.RUSAGE_CHILDREN)
    pid = (cluster.data / "postmaster.pid").read_text().split()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return mine.ru_utime + mine.ru_stime, (int(fields[13]) + int(fields[14])) / tick


def timed(query, runs: int = 7) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(query())
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), rows


def month_table_at_scale(conn, halls: int) -> None:
    """A month of ``halls`` halls without shipping 36 million events: the derived rows the
    shipped days produced (city_daily, city_wait_buckets) copied to every (hall, day) of
    December, then the dashboard's month query timed on them."""
    for table in ("city_daily", "city_wait_buckets"):
        cols = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " ORDER BY ordinal_position",
                [table],
            )
        ]
        rest = ", ".join(f"s.{c}" for c in cols if c not in ("hall_id", "day"))
        conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)})"
            f" SELECT 'm-' || h, date '2026-12-01' + d, {rest}"
            f" FROM generate_series(1, %s) h, generate_series(0, 29) d,"
            f" LATERAL (SELECT * FROM {table} x WHERE x.hall_id = (SELECT min(hall_id)"
            f" FROM city_daily) AND x.day = (SELECT min(day) FROM city_daily)) s",
            [halls],
        )
    conn.execute(
        "INSERT INTO halls (hall_id, name) SELECT 'm-' || h, 'm-' || h"
        " FROM generate_series(1, %s) h",
        [halls],
    )
    conn.execute("ANALYZE")
    month = (date(2026, 12, 1), date(2026, 12, 31))
    table, n = timed(lambda: queries.figures(conn, *month))
    print(
        f"a month's per-hall table at scale ({halls} halls × 30 days of derived rows, "
        f"{n} rows shown): {table:.1f} ms median (goal ≤ 200 ms)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--halls", type=int, default=4)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--tickets", type=int, default=7200, help="tickets per hall and day")
    ap.add_argument("--parallel", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--fast", action="store_true", help="fsync off in the cluster")
    ap.add_argument(
        "--month-of",
        type=int,
        default=50,
        help="then time the month's table with the derived rows of the shipped days copied "
        "to this many halls × 30 days (0 = skip)",
    )
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-city-"))
    cluster = PostgresCluster.create(fast=args.fast)
    cluster.start()
    try:
        dsn = cluster.create_database("city")
        with connect(dsn) as conn:
            migrate.migrate(conn, FIRST_DAY)
        t = time.perf_counter()
        halls = {}
        for i in range(args.halls):
            path = work / f"hall{i:03d}.db"
            figures = make_hall(path, FIRST_DAY, args.days, args.tickets, seed=i)
            halls[f"hall-{i:03d}"] = (path, sum(f.events for f in figures.values()))
        total = sum(n for _, n in halls.values())
        print(
            f"halls: {args.halls} × {args.days} days × {args.tickets} tickets = {total:,} events "
            f"(made in {time.perf_counter() - t:.0f} s)"
        )

        empty = work / "empty.db"
        make_hall(empty, FIRST_DAY, 0, 0)
        before = cpu_seconds(cluster)[0]
        ship(dsn, empty, "empty", work, args.batch)
        start_cpu = cpu_seconds(cluster)[0] - before  # one process's start, nothing to ship
        with connect(dsn) as conn:
            conn.execute("DELETE FROM halls WHERE hall_id = 'empty'")
        cpu_before = cpu_seconds(cluster)
        t = time.perf_counter()
        with ThreadPoolExecutor(args.parallel) as pool:
            per_hall = list(
                pool.map(
                    lambda item: ship(dsn, item[1][0], item[0], work, args.batch), halls.items()
                )
            )
        wall = time.perf_counter() - t
        print(
            f"shipping: {total:,} events in {wall:.1f} s with {args.parallel} shippers at a "
            f"time = {total / wall:,.0f} events/s (goal ≥ 20,000); one hall's process "
            f"{statistics.median(per_hall):.1f} s median incl. start "
            f"(fsync {'off' if args.fast else 'on'}, batch {args.batch})"
        )
        shippers, backends = (a - b for a, b in zip(cpu_seconds(cluster), cpu_before))
        per_cpu = total / (shippers + backends)
        steady = total / max(1e-9, shippers - len(halls) * start_cpu + backends)
        print(
            f"  CPU: shippers {shippers:.1f} s + PostgreSQL backends {backends:.1f} s = "
            f"{1e6 / per_cpu:.0f} µs per event, {per_cpu:,.0f} events per CPU-second; "
            f"{os.cpu_count()} cores busy with nothing else ≈ {per_cpu * os.cpu_count():,.0f} "
            f"events/s (load average now {os.getloadavg()[0]:.1f}: other work shares them)"
        )
        print(
            f"  of which starting {len(halls)} processes ({start_cpu:.2f} s CPU each, measured "
            f"on an empty hall); a running shipper: {1e6 / steady:.0f} µs per event, "
            f"{os.cpu_count()} idle cores ≈ {steady * os.cpu_count():,.0f} events/s"
        )
        with connect(dsn) as conn:
            stored = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            assert stored == total, (stored, total)  # the bench's own sanity, not a goal
            t = time.perf_counter()
            pairs = derived.refresh_all(conn)
            refresh = time.perf_counter() - t
            print(
                f"derived tables: {pairs} (hall, day) pairs recomputed in {refresh:.1f} s "
                f"= {total / refresh:,.0f} events/s"
            )
            conn.execute("ANALYZE")
            last = FIRST_DAY.toordinal() + args.days - 1
            # The dashboard's own queries (queue_server/city/queries.py), on its last day at 17:00.
            now = datetime.combine(date.fromordinal(last), dtime(17), tzinfo=HALL_TZ)
            live, n = timed(lambda: queries.live(conn, now))
            print(f"live view of {n} halls: {live:.1f} ms median (goal ≤ 200 ms)")
            month = (date(2026, 11, 1), date(2026, 11, 30))
            table, n = timed(lambda: queries.figures(conn, *month))
            print(f"a month's per-hall table ({n} halls): {table:.1f} ms median (goal ≤ 200 ms)")
            if args.month_of:
                month_table_at_scale(conn, args.month_of)
            size = conn.execute("SELECT pg_size_pretty(pg_database_size('city'))").fetchone()[0]
            print(f"city database: {size}")
    finally:
        cluster.destroy()
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
