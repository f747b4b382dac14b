"""A new hall's server, shipper and backup start together (systemd, ``make city``): each opens
the same fresh database at once, and each must find it ready, migrated exactly once."""

from __future__ import annotations

import multiprocessing
import sqlite3

from queue_server.store import MIGRATION_SETS


def _open(path: str, barrier, results) -> None:
    from queue_server.store import Store

    barrier.wait()  # all processes have imported; now they race for the new file
    try:
        Store(path).close()
        results.put("ok")
    except Exception as exc:  # the failure is the finding: report it, don't die silently
        results.put(f"{type(exc).__name__}: {exc.__cause__ or exc}")


def test_processes_opening_a_new_database_at_once_all_find_it_migrated(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    processes = 3
    for round_ in range(4):
        path = str(tmp_path / f"hall{round_}" / "hall.db")
        barrier, results = ctx.Barrier(processes), ctx.Queue()
        procs = [ctx.Process(target=_open, args=(path, barrier, results)) for _ in range(processes)]
        for p in procs:
            p.start()
        got = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        assert got == ["ok"] * processes, got
        with sqlite3.connect(path) as conn:
            applied = conn.execute(
                "SELECT migration_set, name, count(*) FROM _sqlite_migrations"
                " GROUP BY migration_set, name"
            ).fetchall()
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert {n for _, _, n in applied} == {1}
        assert {s for s, _, _ in applied} == {m.name for m in MIGRATION_SETS}
        assert mode == "wal"
