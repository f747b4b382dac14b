"""Keeping a hall's databases: online copies (SQLite's backup API), integrity checks, and the few
reads the health checks make. SQL stays in the store; queue_server/backup.py decides what to
copy where, queue_server/web/health.py what the answers mean.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from urllib.parse import quote

from .connection import Connection, storage_error


def _uri(path: str | Path, mode: str) -> str:
    return f"file:{quote(str(Path(path).absolute()))}?mode={mode}"


def copy_database(source: str | Path, target: str | Path, busy_timeout_ms: int = 10_000) -> None:
    """A consistent copy of ``source`` while other processes keep writing it.

    One backup step (``pages=-1``) copies every page inside one read transaction: in WAL mode
    writers go on meanwhile and the copy is the database as of the step's start. The copy is
    made a plain single-file database (journal_mode DELETE), so it needs no -wal beside it.
    """
    src = sqlite3.connect(_uri(source, "ro"), uri=True)
    try:
        src.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def integrity_problems(path: str | Path) -> list[str]:
    """``PRAGMA integrity_check`` of a database file opened read-only: [] when it is sound."""
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open: {exc}"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def summary(path: str | Path) -> dict:
    """What a backup's manifest says about a hall database: applied migrations, the last event
    and how many tickets — enough to tell two copies apart without opening them."""
    conn = sqlite3.connect(_uri(path, "ro"), uri=True)
    try:
        out: dict = {}
        with contextlib.suppress(sqlite3.Error):
            out["migrations"] = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[
                0
            ]
        with contextlib.suppress(sqlite3.Error):
            row = conn.execute("SELECT id, at FROM events ORDER BY id DESC LIMIT 1").fetchone()
            out["last_event_id"], out["last_event_at"] = row if row else (0, None)
        with contextlib.suppress(sqlite3.Error):
            out["tickets"] = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        return out
    finally:
        conn.close()


def open_existing(path: str | Path, busy_timeout_ms: int) -> Connection:
    """A connection to a database that must already exist (a health check never creates one)."""
    try:
        conn = sqlite3.connect(
            _uri(path, "rw"),
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            factory=Connection,
        )
    except sqlite3.Error as exc:
        raise (storage_error(exc) or exc) from exc
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def write_unchanged(conn: sqlite3.Connection) -> None:
    """Inside a write transaction: write ``user_version`` unchanged — fails on a read-only file
    (the same test as the store's at start); the caller rolls back, so nothing changes."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute(f"PRAGMA user_version = {int(version)}")


def check_writable(conn: sqlite3.Connection) -> None:
    """Raises unless a write transaction can be taken and written; changes nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        write_unchanged(conn)
    finally:
        with contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.execute("ROLLBACK")


def last_event_at(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT at FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None
