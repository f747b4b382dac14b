"""Small hall-wide values that staff change at run time (e.g. the display's notice line)."""

from __future__ import annotations

import sqlite_utils


def get(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM hall_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def put(db: sqlite_utils.Database, key: str, value: str, at: str) -> None:
    db["hall_state"].upsert({"key": key, "value": value, "updated_at": at}, pk="key")
