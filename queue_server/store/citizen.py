"""Citizen sessions at the kiosks and the throttling of verification (core/citizen.py).

A session row holds the SHA-256 of its token (the kiosk holds the token), the kiosk it is bound
to, and the provider's reference to the person sealed with a key only the token opens — a copy
of the hall db tells no one whose session it was. No ID number or name is ever stored here.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from .sql import first

migrations = Migrations("hallqueue.citizen")


@migrations()
def m001_citizen(db):
    db["citizen_sessions"].create(
        {
            "id_hash": str,
            "kiosk": str,
            "method": str,
            "id_hmac": str,
            "sealed": str,
            "created_at": str,
            "last_seen_at": str,
        },
        pk="id_hash",
        not_null={"kiosk", "method", "id_hmac", "sealed", "created_at", "last_seen_at"},
    )
    db["citizen_sessions"].create_index(["kiosk"])
    # Wrong query passwords per ID number (and wrong checks per case number), per hall day;
    # the subject is an HMAC, never the number.
    db["citizen_locks"].create(
        {"subject": str, "day": str, "failures": int, "last_at": str},
        pk="subject",
        not_null={"day", "failures", "last_at"},
    )
    db["citizen_kiosk_failures"].create(
        {"kiosk": str, "failures": int, "last_at": str},
        pk="kiosk",
        not_null={"failures", "last_at"},
    )


@migrations()
def m002_used_codes(db):
    # e-SSC codes already accepted (SHA-256 of the scanned text): a photographed code cannot be
    # shown again at another kiosk within its minute of life.
    db["citizen_used_codes"].create(
        {"digest": str, "used_at": str}, pk="digest", not_null={"used_at"}
    )
    db["citizen_used_codes"].create_index(["used_at"])


def code_used(db: sqlite_utils.Database, digest: str) -> bool:
    return first(db, "SELECT 1 AS x FROM citizen_used_codes WHERE digest = ?", [digest]) is not None


def use_code(db: sqlite_utils.Database, digest: str, at: str, forget_before: str) -> None:
    db.execute("DELETE FROM citizen_used_codes WHERE used_at < ?", [forget_before])
    db.execute(
        "INSERT OR IGNORE INTO citizen_used_codes (digest, used_at) VALUES (?, ?)", [digest, at]
    )


def insert_session(db: sqlite_utils.Database, row: dict) -> None:
    db.execute(
        "INSERT INTO citizen_sessions (id_hash, kiosk, method, id_hmac, sealed, created_at,"
        " last_seen_at) VALUES (:id_hash, :kiosk, :method, :id_hmac, :sealed, :created_at,"
        " :last_seen_at)",
        row,
    )


def get_session(db: sqlite_utils.Database, id_hash: str) -> dict | None:
    return first(db, "SELECT * FROM citizen_sessions WHERE id_hash = ?", [id_hash])


def touch_session(db: sqlite_utils.Database, id_hash: str, at: str) -> None:
    db.execute("UPDATE citizen_sessions SET last_seen_at = ? WHERE id_hash = ?", [at, id_hash])


def delete_session(db: sqlite_utils.Database, id_hash: str) -> int:
    return db.execute("DELETE FROM citizen_sessions WHERE id_hash = ?", [id_hash]).rowcount


def delete_kiosk_sessions(db: sqlite_utils.Database, kiosk: str) -> list[dict]:
    """End every session of ``kiosk``; returns the rows ended (for the audit)."""
    rows = list(
        db.execute(
            "SELECT id_hash, id_hmac, method FROM citizen_sessions WHERE kiosk = ?", [kiosk]
        ).fetchall()
    )
    db.execute("DELETE FROM citizen_sessions WHERE kiosk = ?", [kiosk])
    return [{"id_hash": r[0], "id_hmac": r[1], "method": r[2]} for r in rows]


def delete_stale_sessions(db: sqlite_utils.Database, created_before: str, seen_before: str) -> int:
    return db.execute(
        "DELETE FROM citizen_sessions WHERE created_at < ? OR last_seen_at < ?",
        [created_before, seen_before],
    ).rowcount


def get_lock(db: sqlite_utils.Database, subject: str) -> dict | None:
    return first(db, "SELECT * FROM citizen_locks WHERE subject = ?", [subject])


def save_lock(db: sqlite_utils.Database, subject: str, day: str, failures: int, at: str) -> None:
    db.execute(
        "INSERT INTO citizen_locks (subject, day, failures, last_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(subject) DO UPDATE SET day = excluded.day,"
        " failures = excluded.failures, last_at = excluded.last_at",
        [subject, day, failures, at],
    )


def clear_lock(db: sqlite_utils.Database, subject: str) -> None:
    db.execute("DELETE FROM citizen_locks WHERE subject = ?", [subject])


def forget_locks_before(db: sqlite_utils.Database, day: str) -> None:
    db.execute("DELETE FROM citizen_locks WHERE day < ?", [day])


def get_kiosk_failures(db: sqlite_utils.Database, kiosk: str) -> dict | None:
    return first(db, "SELECT * FROM citizen_kiosk_failures WHERE kiosk = ?", [kiosk])


def save_kiosk_failures(db: sqlite_utils.Database, kiosk: str, failures: int, at: str) -> None:
    db.execute(
        "INSERT INTO citizen_kiosk_failures (kiosk, failures, last_at) VALUES (?, ?, ?) "
        "ON CONFLICT(kiosk) DO UPDATE SET failures = excluded.failures, "
        "last_at = excluded.last_at",
        [kiosk, failures, at],
    )
