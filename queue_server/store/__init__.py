"""The only code that touches SQLite (through sqlite-utils). One database file per hall.

``Store`` hands each thread its own connection (WAL, busy timeout, foreign keys) and runs every
multi-row change in one ``BEGIN IMMEDIATE`` transaction via ``store.write()``. Feature modules
keep their own ``sqlite_utils.Migrations`` set and list it in ``MIGRATION_SETS``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterator

import sqlite_utils

from ..errors import StorageUnavailable
from . import audit, calendar, evaluations, faq, files, ledger, schema
from . import citizen, followups, records_audit, reports, statements
from . import appointments
from .connection import Connection, busy, connect

MIGRATION_SETS = [
    schema.migrations,
    faq.migrations,
    ledger.migrations,
    evaluations.migrations,
    calendar.migrations,
    audit.migrations,
    citizen.migrations,
    statements.migrations,
    records_audit.migrations,
    reports.migrations,
    followups.migrations,
    appointments.migrations,
]


class Store:
    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000):
        self.path = str(path)
        self._busy_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Writers of this process queue on a lock instead of SQLite's sleeping busy handler,
        # which backs off in steps of up to 100 ms under contention.
        self._write_lock = threading.Lock()
        try:
            if self.path != ":memory:":
                files.secure(self.path)  # folder 0700, database (and so its WAL/SHM) 0600
            with _opening(self.path):
                db = self.db
                db.enable_wal()
                for migrations in MIGRATION_SETS:
                    migrations.apply(db)
            self._check_writable()
        except (OSError, StorageUnavailable) as exc:
            # At start: say which file, so the operator can fix it (the server exits 1).
            reason = exc.strerror if isinstance(exc, OSError) else str(exc.__cause__ or exc)
            raise StorageUnavailable(
                "The database {path} cannot be opened for writing ({reason}). Check that the "
                "file and its folder exist, are writable by the server's user and the disk has "
                "space.",
                path=self.path,
                reason=reason,
            ) from exc

    def _check_writable(self) -> None:
        """A database opened read-only answers reads and fails every write: refuse at start.
        Writing user_version unchanged and rolling back needs write access and changes nothing."""
        conn = self.db.conn
        with self._writer():
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                conn.execute(f"PRAGMA user_version = {int(version)}")
            finally:
                _rollback(conn)

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (sqlite3 connections must not be shared across threads)."""
        db = getattr(self._local, "db", None)
        if db is not None and db.conn.broken:
            self._drop(db.conn)  # e.g. opened while the file was read-only: open it again
            db = None
        if db is None:
            conn = connect(self.path)
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(
                "PRAGMA synchronous = NORMAL"
            )  # safe with WAL; a power cut loses ≤ last txn
            db = sqlite_utils.Database(conn)
            self._local.db = db
            with self._lock:
                self._all.append(conn)
        return db

    def _drop(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        with contextlib.suppress(Exception):
            conn.close()
        self._local.db = None

    @contextlib.contextmanager
    def _writer(self) -> Iterator[None]:
        """This process's writers queue here, as long as SQLite's busy timeout at most."""
        if not self._write_lock.acquire(timeout=self._busy_ms / 1000):
            raise busy()
        try:
            yield
        finally:
            self._write_lock.release()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken up front so two writers queue instead of deadlocking.
        A failed COMMIT (a full disk) is rolled back too, so the connection stays usable."""
        db = self.db
        with self._writer():
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                _rollback(db.conn)
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """One consistent snapshot across several reads (WAL readers never block writers)."""
        db = self.db
        db.conn.execute("BEGIN")
        try:
            yield db
        finally:
            if db.conn.in_transaction:
                db.conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        self._local = threading.local()


@contextlib.contextmanager
def _opening(path: str) -> Iterator[None]:
    """One process at a time turns WAL on and applies the migrations. The server, the shipper
    and a backup started together on a new hall would otherwise all find the same migrations
    pending and collide ("table already exists", or SQLITE_BUSY, which SQLite returns without
    waiting while the journal mode changes). The lock is on the database's folder: a lock on
    the database file itself would need a second descriptor of it, and closing that drops
    every POSIX lock SQLite holds on the file in this process."""
    if path == ":memory:":
        yield
        return
    fd = os.open(Path(path).parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd closes, also if the process dies
        yield
    finally:
        os.close(fd)


def _rollback(conn: Connection) -> None:
    """Roll back if SQLite has not already (it does itself after some errors, e.g. a full disk);
    a connection that cannot even roll back is replaced on its next use."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except Exception:
        conn.broken = True
