"""What queue-server ship reads from and writes to the hall's database (queue_server/city/):
the event log as stored (the raw UTF-8 of its JSON, so clean events are not parsed), the city's
acknowledgement, and the open ledger records as counts per due date."""

from __future__ import annotations

import sqlite_utils


def raw_after(db: sqlite_utils.Database, last_id: int, limit: int) -> list[tuple]:
    """(id, type, at, data as the UTF-8 of its JSON text) of the events after ``last_id``,
    oldest first. Bytes: the shipper sends clean texts on as they are, never decoded."""
    return db.execute(
        "SELECT id, type, at, CAST(data AS BLOB) FROM events WHERE id > ? ORDER BY id LIMIT ?",
        [last_id, limit],
    ).fetchall()


def acked(db: sqlite_utils.Database, hall_id: str) -> int:
    row = db.execute("SELECT acked_id FROM city_shipping WHERE hall_id = ?", [hall_id]).fetchone()
    return row[0] if row else 0


def position(db, hall_id: str) -> tuple[int, int, str | None]:
    """(newest event id, acknowledged id, when acknowledged) — the doctor's shipping lag."""
    newest = db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    row = db.execute(
        "SELECT acked_id, acked_at FROM city_shipping WHERE hall_id = ?", [hall_id]
    ).fetchone()
    return (newest, row[0], row[1]) if row else (newest, 0, None)


def acknowledge(db: sqlite_utils.Database, hall_id: str, event_id: int, at: str) -> None:
    db.execute(
        "INSERT INTO city_shipping (hall_id, acked_id, acked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (hall_id) DO UPDATE SET acked_id = excluded.acked_id,"
        " acked_at = excluded.acked_at",
        [hall_id, event_id, at],
    )


def ledger_due(db: sqlite_utils.Database) -> list[tuple]:
    """(due_date, open records, of them provisional) — counts only, no record leaves."""
    return db.execute(
        "SELECT due_date, count(*), sum(due_provisional) FROM ledger WHERE status = 'open'"
        " GROUP BY due_date ORDER BY due_date"
    ).fetchall()
