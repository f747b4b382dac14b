"""Satisfaction ratings (好差评): one per ticket, linked to window and staff."""

from __future__ import annotations

import json

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("hallqueue.evaluations")


@migrations()
def m001_evaluations(db):
    db["evaluations"].create(
        {
            "id": int,
            "ticket_id": str,
            "ticket_number": str,
            "service": str,
            "day": str,
            "window": int,
            "staff": str,
            "level": int,
            "reasons": str,  # JSON list of reason codes
            "comment": str,
            "source": str,  # evaluator device id or staff user that entered it
            "created_at": str,
        },
        pk="id",
        not_null={"ticket_id", "day", "level", "created_at"},
    )
    # 一次一评: the database itself refuses a second rating of the same ticket.
    db["evaluations"].create_index(["ticket_id"], unique=True)
    db["evaluations"].create_index(["day"])


def insert(db: sqlite_utils.Database, row: dict) -> int:
    return db["evaluations"].insert(dict(row, reasons=json.dumps(row["reasons"]))).last_pk


def for_ticket(db: sqlite_utils.Database, ticket_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM evaluations WHERE ticket_id = ?", [ticket_id]))
    return _decode(rows[0]) if rows else None


def between(db: sqlite_utils.Database, day_from: str, day_to: str) -> list[dict]:
    return [
        _decode(r)
        for r in db.query(
            "SELECT * FROM evaluations WHERE day >= ? AND day <= ? ORDER BY created_at, id",
            [day_from, day_to],
        )
    ]


def unrated_finished_at_window(db: sqlite_utils.Database, window: int, since: str) -> dict | None:
    """The latest ticket finished at ``window`` since ``since`` that has no rating yet."""
    rows = list(
        db.query(
            "SELECT t.* FROM tickets t LEFT JOIN evaluations e ON e.ticket_id = t.id"
            " WHERE t.window = ? AND t.status = 'done' AND t.finished_at >= ? AND e.id IS NULL"
            " ORDER BY t.finished_at DESC LIMIT 1",
            [window, since],
        )
    )
    return rows[0] if rows else None


def _decode(row: dict) -> dict:
    return dict(row, reasons=json.loads(row["reasons"] or "[]"))
