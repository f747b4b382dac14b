"""Benchmark of the online backup (issue 17 #3): how long ``queue-server backup``'s copy and
check of a year-sized hall database take, and what kiosks feel meanwhile — ticket issue
latency against a real server, without a backup and while backups run back to back.

Run: .venv/bin/python tests/bench/bench_backup.py [TICKETS]   (prints figures; asserts nothing)
The database is filled with TICKETS past tickets (default 250,000, about a year of a large
hall) and two events each, written straight into the tables before the server starts.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from queue_server.store import Store, maintenance  # noqa: E402
from tests.bench.figures import pct  # noqa: E402
from tests.support.live_server import start_server  # noqa: E402

ISSUES = 200


def fill(db: Path, tickets: int) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    with conn:
        rows, events = [], []
        for i in range(tickets):
            day = f"2025-{1 + i // 25000 % 12:02d}-{1 + i // 1000 % 28:02d}"
            at = f"{day}T09:{i % 60:02d}:00+08:00"
            rows.append(
                (
                    f"past-{i}",
                    f"B{i % 1000:03d}",
                    "pension",
                    "pension",
                    day,
                    i % 1000 + 1,
                    "done",
                    "kiosk",
                    f"req-past-{i:08d}",
                    at,
                    at,
                    3,
                )
            )
            data = json.dumps({"ticket": {"number": f"B{i % 1000:03d}", "service": "pension"}})
            events += [("ticket.issued", at, data), ("ticket.finished", at, data)]
        conn.executemany(
            "INSERT OR IGNORE INTO tickets (id, number, service, original_service, day, seq, "
            "status, channel, request_id, issued_at, queue_at, window) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.executemany("INSERT INTO events (type, at, data) VALUES (?,?,?)", events)
    conn.close()


def issue_latencies(srv, kiosk: dict, n: int) -> list[float]:
    http, out = requests.Session(), []
    for _ in range(n):
        start = time.perf_counter()
        r = http.post(
            f"{srv.url}/api/v1/tickets",
            headers=kiosk,
            timeout=30,
            json={"service": "consult", "request_id": uuid.uuid4().hex},
        )
        out.append(time.perf_counter() - start)
        assert r.status_code == 201, r.text
    return out


def figures(label: str, xs: list[float]) -> None:
    print(
        f"{label:<34} median {statistics.median(xs) * 1000:6.1f} ms   "
        f"p95 {pct(xs, 95) * 1000:6.1f} ms   max {max(xs) * 1000:6.1f} ms"
    )


def main() -> None:
    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    fill(work / "hall.db", tickets)
    srv = start_server(work)
    try:
        kiosk = {"Authorization": f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"}
        size = sum(p.stat().st_size for p in work.glob("hall.db*"))
        print(f"database: {tickets:,} tickets, {size / 1e6:.0f} MB")
        figures("issue, no backup", issue_latencies(srv, kiosk, ISSUES))
        copies, stop = [], threading.Event()

        def back_to_back():
            while not stop.is_set():
                target = work / f"copy-{len(copies)}.db"
                start = time.perf_counter()
                maintenance.copy_database(srv.db, target)
                copied = time.perf_counter() - start
                start = time.perf_counter()
                assert maintenance.integrity_problems(target) == []
                copies.append((copied, time.perf_counter() - start))
                target.unlink()

        worker = threading.Thread(target=back_to_back)
        worker.start()
        during = issue_latencies(srv, kiosk, ISSUES)
        stop.set()
        worker.join()
        figures("issue, backups running", during)
        for copied, checked in copies:
            print(
                f"backup copy {copied:6.2f} s ({size / 1e6 / copied:5.0f} MB/s), "
                f"integrity_check {checked:6.2f} s"
            )
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
