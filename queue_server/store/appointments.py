"""Bookings (预约) and the windows' appointment streak. Functions take the ``db`` of an open
transaction. The ID number is never stored: ``id_hmac`` (core.citizen.id_digest with the
hall's secret) finds a person's bookings, ``id_masked`` is what pages show."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from .sql import first, rows

migrations = Migrations("hallqueue.appointments")


@migrations()
def m001_appointments(db):
    db.execute(
        "CREATE TABLE appointments (id TEXT PRIMARY KEY, code TEXT NOT NULL, service TEXT NOT NULL,"
        " day TEXT NOT NULL, slot_start TEXT NOT NULL, slot_end TEXT NOT NULL,"
        " status TEXT NOT NULL, source TEXT NOT NULL, external_id TEXT,"
        " id_hmac TEXT NOT NULL, id_masked TEXT NOT NULL, name_masked TEXT NOT NULL DEFAULT '',"
        " phone TEXT NOT NULL, phone_masked TEXT NOT NULL, phone_last4 TEXT NOT NULL,"
        " created_at TEXT NOT NULL, created_by TEXT, ticket_id TEXT, checked_in_at TEXT,"
        " cancelled_at TEXT, cancelled_by TEXT, no_show_at TEXT)"
    )
    db.execute("CREATE UNIQUE INDEX appointments_code ON appointments (day, code)")
    db.execute(
        "CREATE UNIQUE INDEX appointments_external ON appointments (external_id)"
        " WHERE external_id IS NOT NULL"
    )
    db.execute("CREATE INDEX appointments_person ON appointments (id_hmac, day)")
    db.execute("CREATE INDEX appointments_slot ON appointments (day, service, slot_start, status)")
    db.execute("CREATE INDEX appointments_open ON appointments (status, slot_end)")
    # The policy's walk-in bound counts a window's due-appointment calls in a row.
    db.execute("ALTER TABLE windows ADD COLUMN appointment_streak INTEGER DEFAULT 0")


@migrations()
def m002_checkin_request(db):
    # The kiosk's request id of the check-in that took the ticket: its retry after a lost answer
    # gets the same ticket back to print, while a second check-in is still refused.
    db.execute("ALTER TABLE appointments ADD COLUMN checkin_request_id TEXT")


COLUMNS = (
    "id",
    "code",
    "service",
    "day",
    "slot_start",
    "slot_end",
    "status",
    "source",
    "external_id",
    "id_hmac",
    "id_masked",
    "name_masked",
    "phone",
    "phone_masked",
    "phone_last4",
    "created_at",
    "created_by",
    "ticket_id",
    "checked_in_at",
    "cancelled_at",
    "cancelled_by",
    "no_show_at",
    "checkin_request_id",
)


def insert(db: sqlite_utils.Database, row: dict) -> None:
    db.execute(
        f"INSERT INTO appointments ({', '.join(COLUMNS)})"
        f" VALUES ({', '.join(':' + c for c in COLUMNS)})",
        {c: row.get(c) for c in COLUMNS},
    )


def update(db: sqlite_utils.Database, appointment_id: str, changes: dict) -> None:
    cols = [c for c in changes if c in COLUMNS]  # names from our code, never from requests
    db.execute(
        f"UPDATE appointments SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
        [changes[c] for c in cols] + [appointment_id],
    )


def get(db: sqlite_utils.Database, appointment_id: str) -> dict | None:
    return first(db, "SELECT * FROM appointments WHERE id = ?", [appointment_id])


def by_external_id(db: sqlite_utils.Database, external_id: str) -> dict | None:
    return first(db, "SELECT * FROM appointments WHERE external_id = ?", [external_id])


def code_taken(db: sqlite_utils.Database, day: str, code: str) -> bool:
    return (
        first(db, "SELECT 1 AS x FROM appointments WHERE day = ? AND code = ?", [day, code])
        is not None
    )


def by_code(db: sqlite_utils.Database, day: str, code: str) -> dict | None:
    return first(db, "SELECT * FROM appointments WHERE day = ? AND code = ?", [day, code])


def of_person(db: sqlite_utils.Database, id_hmac: str, day: str) -> list[dict]:
    return rows(
        db,
        "SELECT * FROM appointments WHERE id_hmac = ? AND day = ? ORDER BY slot_start",
        [id_hmac, day],
    )


def held_on(db: sqlite_utils.Database, id_hmac: str, day: str) -> int:
    return db.execute(
        "SELECT count(*) FROM appointments WHERE id_hmac = ? AND day = ?"
        " AND status IN ('booked', 'checked_in', 'late')",
        [id_hmac, day],
    ).fetchone()[0]


def no_show_days(db: sqlite_utils.Database, id_hmac: str, since: str) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT day FROM appointments WHERE id_hmac = ? AND status = 'no_show' AND day >= ?"
            " ORDER BY day",
            [id_hmac, since],
        ).fetchall()
    ]


def booked_in_slot(db: sqlite_utils.Database, service: str, slot_start: str) -> int:
    return db.execute(
        "SELECT count(*) FROM appointments WHERE service = ? AND slot_start = ?"
        " AND status IN ('booked', 'checked_in', 'late')",
        [service, slot_start],
    ).fetchone()[0]


def counts_by_slot(db: sqlite_utils.Database, day: str) -> dict[tuple[str, str], dict[str, int]]:
    """(service, slot_start) → {status: count} of one day."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for service, start, status, n in db.execute(
        "SELECT service, slot_start, status, count(*) FROM appointments WHERE day = ?"
        " GROUP BY service, slot_start, status",
        [day],
    ).fetchall():
        out.setdefault((service, start), {})[status] = n
    return out


def holding_by_day(db: sqlite_utils.Database, first_day: str, last_day: str) -> dict:
    """(day, service) → bookings holding a place, for the capacity overview."""
    return {
        (d, s): n
        for d, s, n in db.execute(
            "SELECT day, service, count(*) FROM appointments WHERE day BETWEEN ? AND ?"
            " AND status IN ('booked', 'checked_in', 'late') GROUP BY day, service",
            [first_day, last_day],
        ).fetchall()
    }


def of_day(db: sqlite_utils.Database, day: str) -> list[dict]:
    return rows(
        db, "SELECT * FROM appointments WHERE day = ? ORDER BY slot_start, service, code", [day]
    )


def awaited(db: sqlite_utils.Database, day: str, since: str) -> list[tuple[str, str, str]]:
    """(id, service, slot_start) of the day's bookings not checked in yet whose slot starts
    after ``since`` (ISO, one zone): the citizens the wait forecast still expects."""
    return db.execute(
        "SELECT id, service, slot_start FROM appointments WHERE day = ? AND status = 'booked'"
        " AND slot_start > ? ORDER BY slot_start, id",
        [day, since],
    ).fetchall()


def outcomes(db: sqlite_utils.Database, first_day: str, last_day: str) -> list[tuple]:
    """(service, checked in on time, seconds from the slot's start to the check-in) of each
    booking of the days from ``first_day`` to ``last_day`` that was kept, kept late or missed:
    how a booking's citizen comes (core.waits.show_history). Cancelled bookings and those
    still booked are left out."""
    return db.execute(
        "SELECT service, status = 'checked_in',"
        " (julianday(checked_in_at) - julianday(slot_start)) * 86400"
        " FROM appointments WHERE day BETWEEN ? AND ?"
        " AND status IN ('checked_in', 'late', 'no_show')",
        [first_day, last_day],
    ).fetchall()


def overdue(db: sqlite_utils.Database, now: str) -> list[dict]:
    """Bookings still only booked whose slot has ended by ``now`` (ISO, one zone)."""
    return rows(
        db,
        "SELECT * FROM appointments WHERE status = 'booked' AND slot_end <= ? ORDER BY slot_end",
        [now],
    )
