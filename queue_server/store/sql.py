"""Plain reads as dicts. sqlite-utils' ``query()`` wraps every statement in a savepoint
(three statements per read), which the per-request hot paths cannot afford."""

from __future__ import annotations

import sqlite_utils


def rows(db: sqlite_utils.Database, sql: str, params=()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def first(db: sqlite_utils.Database, sql: str, params=()) -> dict | None:
    found = rows(db, sql, params)
    return found[0] if found else None
