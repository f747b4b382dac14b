"""The append-only event log that displays and consoles follow (SSE ids are its row ids)."""

from __future__ import annotations

import json

import sqlite_utils


def append(db: sqlite_utils.Database, type_: str, at: str, data: dict) -> int:
    cur = db.execute(
        "INSERT INTO events (type, at, data) VALUES (?, ?, ?)",
        [type_, at, json.dumps(data, ensure_ascii=False, separators=(",", ":"))],
    )
    return cur.lastrowid


def after(db: sqlite_utils.Database, last_id: int, limit: int = 500) -> list[dict]:
    rows = db.execute(
        "SELECT id, type, at, data FROM events WHERE id > ? ORDER BY id LIMIT ?", [last_id, limit]
    ).fetchall()
    return [{"id": r[0], "type": r[1], "at": r[2], "data": json.loads(r[3])} for r in rows]


def get(db: sqlite_utils.Database, event_id: int) -> dict | None:
    r = db.execute("SELECT id, type, at, data FROM events WHERE id = ?", [event_id]).fetchone()
    return {"id": r[0], "type": r[1], "at": r[2], "data": json.loads(r[3])} if r else None


def last_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
