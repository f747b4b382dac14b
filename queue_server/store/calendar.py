"""Admin-maintained calendar overrides: extra holidays and make-up working days (调休) for
years whose official schedule is not published yet, and local holidays."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("hallqueue.calendar")


@migrations()
def m001_calendar_overrides(db):
    db["calendar_overrides"].create(
        {"day": str, "kind": str, "note": str, "created_by": str, "created_at": str},
        pk="day", not_null={"kind"},
    )


def overrides(db: sqlite_utils.Database) -> dict[str, dict]:
    return {r["day"]: r for r in db.query("SELECT * FROM calendar_overrides ORDER BY day")}


def save(db: sqlite_utils.Database, row: dict) -> None:
    db["calendar_overrides"].upsert(row, pk="day")


def delete(db: sqlite_utils.Database, day: str) -> bool:
    return db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day]).rowcount > 0
