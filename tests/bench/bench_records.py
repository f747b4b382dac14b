"""Benchmark of personal records (issue 13) with 100,000 demo people.

Run: .venv/bin/python tests/bench/bench_records.py [--people N] [--db PATH]
(prints figures; asserts nothing)
Goals: verify + profile p95 ≤ 50 ms; a 30-year 参保缴费证明 p95 ≤ 100 ms.

Measured through the real app (Flask test client, no network): the kiosk's POST
/citizen/session with a query password then GET /citizen/profile — session row, sealing, audit
rows and the records database included — and POST /citizen/statements over 30 years for people
whose records go back that far. The provider alone is timed too. ``--db`` keeps the generated
database for the next run (generation is measured when it has to run).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from queue_server.configfile import load_settings  # noqa: E402
from queue_server.core.insurance import month_index  # noqa: E402
from queue_server.core.numbering import HALL_TZ  # noqa: E402
from queue_server.records.demo_people import demo_password, generate  # noqa: E402
from queue_server.records.provider import QueryPassword  # noqa: E402
from queue_server.records.sqlite_provider import SqliteProvider  # noqa: E402
from queue_server.web import create_app  # noqa: E402
from tests.bench.figures import pct  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = 400


def show(name, values, goal=None):
    values = [v * 1000 for v in values]
    line = (
        f"{name:<46} p50 {pct(values, 50):7.2f} ms   p95 {pct(values, 95):7.2f} ms   "
        f"p99 {pct(values, 99):7.2f} ms   n={len(values)}"
    )
    print(line + (f"   (goal p95 ≤ {goal} ms)" if goal else ""))


def people_of(path: Path, today: date) -> tuple[list[tuple], list[tuple]]:
    """(every (index, id number) sampled, those with ≥ 30 years of records)."""
    conn = sqlite3.connect(path)
    seed = int(conn.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()[0])
    rows = conn.execute("SELECT id, id_number FROM people").fetchall()
    since = month_index(today.year - 30, today.month)
    long = {
        r[0]
        for r in conn.execute(
            "SELECT person_id FROM spells GROUP BY person_id HAVING min(first) <= ?", [since]
        )
    }
    conn.close()
    everyone = [(pid, number, demo_password(seed, pid - 1)) for pid, number in rows]
    return everyone, [p for p in everyone if p[0] in long]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--db", help="keep the records database here (reused when it exists)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-records-"))
    path = Path(args.db) if args.db else work / "records.db"
    today = date.today()
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.people, seed=1, today=today, show=0)
        print(
            f"generated {args.people:,} people in {time.perf_counter() - started:.1f} s, "
            f"{path.stat().st_size / 1e6:.0f} MB ({path})"
        )
    everyone, long = people_of(path, today)
    print(f"{len(everyone):,} people, {len(long):,} with 30 years of records or more")
    rng = random.Random(7)
    sample = rng.sample(everyone, min(SAMPLES, len(everyone)))

    provider = SqliteProvider(path)
    now = datetime.now(HALL_TZ)
    timings = []
    for _, number, password in sample:
        t = time.perf_counter()
        person = provider.verify(QueryPassword(number, password), now)
        provider.profile(person, today)
        timings.append(time.perf_counter() - t)
    show("provider: verify + profile", timings)
    timings = []
    for _, number, password in rng.sample(long, min(SAMPLES, len(long))):
        person = provider.verify(QueryPassword(number, password), now)
        t = time.perf_counter()
        provider.contributions(
            person, f"{today.year - 30}-{today.month:02d}", f"{today.year}-{today.month:02d}"
        )
        timings.append(time.perf_counter() - t)
    show("provider: 30 years of contributions", timings)
    provider.close()

    settings = load_settings(ROOT / "config" / "hall.example.toml", environ={})
    settings = dataclasses.replace(
        settings,
        hall=dataclasses.replace(settings.hall, data_dir=str(work / "hall")),
        records=dataclasses.replace(settings.records, db=str(path)),
    )
    app = create_app(settings, db_path=work / "hall" / "hall.db")
    hall = app.extensions["hall"]
    token = hall.accounts.create_device("bench-kiosk", "kiosk")
    client = app.test_client()
    device = {"Authorization": f"Bearer {token}"}

    def login(number, password):
        r = client.post(
            "/api/v1/citizen/session",
            headers=device,
            json={"password": {"id_number": number, "password": password}},
        )
        assert r.status_code == 201, r.get_json()
        return {**device, "X-Citizen-Session": r.get_json()["token"]}

    timings = []
    for _, number, password in sample:
        t = time.perf_counter()
        headers = login(number, password)
        r = client.get("/api/v1/citizen/profile", headers=headers)
        timings.append(time.perf_counter() - t)
        assert r.status_code == 200
    show("app: POST /citizen/session + GET /profile", timings, goal=50)
    timings = []
    body = {
        "kind": "contribution_certificate",
        "from": f"{today.year - 30}-{today.month:02d}",
        "to": f"{today.year}-{today.month:02d}",
    }
    rows = []
    for _, number, password in rng.sample(long, min(SAMPLES, len(long))):
        headers = login(number, password)
        t = time.perf_counter()
        r = client.post("/api/v1/citizen/statements", headers=headers, json=body)
        timings.append(time.perf_counter() - t)
        assert r.status_code == 201, r.get_json()
        rows.append(len(r.get_json()["rows"]))
    show("app: 30-year 参保缴费证明 (POST /statements)", timings, goal=100)
    print(f"    statement rows: median {sorted(rows)[len(rows) // 2]}, max {max(rows)}")
    hall.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
