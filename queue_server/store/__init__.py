"""The only code that touches SQLite (through sqlite-utils). One database file per hall.

``Store`` hands each thread its own connection (WAL, busy timeout, foreign keys) and runs every
multi-row change in one ``BEGIN IMMEDIATE`` transaction via ``store.write()``. Feature modules
keep their own ``sqlite_utils.Migrations`` set and list it in ``MIGRATION_SETS``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Iterator

import sqlite_utils

from . import audit, calendar, evaluations, faq, ledger, schema

MIGRATION_SETS = [schema.migrations, faq.migrations, ledger.migrations, evaluations.migrations,
                  calendar.migrations, audit.migrations]


class Store:
    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._busy_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Writers of this process queue on a lock instead of SQLite's sleeping busy handler,
        # which backs off in steps of up to 100 ms under contention.
        self._write_lock = threading.Lock()
        db = self.db
        db.enable_wal()
        for migrations in MIGRATION_SETS:
            migrations.apply(db)

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (sqlite3 connections must not be shared across threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a power cut loses ≤ last txn
            db = sqlite_utils.Database(conn)
            self._local.db = db
            with self._lock:
                self._all.append(conn)
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken up front so two writers queue instead of deadlocking."""
        db = self.db
        with self._write_lock:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
            else:
                db.conn.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """One consistent snapshot across several reads (WAL readers never block writers)."""
        db = self.db
        db.conn.execute("BEGIN")
        try:
            yield db
        finally:
            db.conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
