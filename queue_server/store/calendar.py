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
        pk="day",
        not_null={"kind"},
    )


@migrations()
def m002_confirmed_years(db):
    # Years whose official schedule an admin has entered as overrides before chinesecalendar
    # knows it: their deadlines are no longer provisional.
    db["calendar_years"].create(
        {"year": int, "confirmed_by": str, "confirmed_at": str, "note": str},
        pk="year",
    )


def confirmed_years(db: sqlite_utils.Database) -> set[int]:
    return {r["year"] for r in db.query("SELECT year FROM calendar_years")}


def confirm_year(db: sqlite_utils.Database, row: dict) -> None:
    db["calendar_years"].upsert(row, pk="year")


def unconfirm_year(db: sqlite_utils.Database, year: int) -> bool:
    return db.execute("DELETE FROM calendar_years WHERE year = ?", [year]).rowcount > 0


def overrides(db: sqlite_utils.Database) -> dict[str, dict]:
    return {r["day"]: r for r in db.query("SELECT * FROM calendar_overrides ORDER BY day")}


def save(db: sqlite_utils.Database, row: dict) -> None:
    db["calendar_overrides"].upsert(row, pk="day")


def delete(db: sqlite_utils.Database, day: str) -> bool:
    return db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day]).rowcount > 0
