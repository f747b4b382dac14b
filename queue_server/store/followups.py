"""The 差评 follow-up table (回访, finding, 整改). Functions take the ``db`` of an open
transaction."""

from __future__ import annotations

import json

import sqlite_utils
from sqlite_utils import Migrations

from .sql import first, rows

migrations = Migrations("hallqueue.followups")


@migrations()
def m001_followups(db):
    db["followups"].create(
        {
            "id": int,
            "evaluation_id": int,
            "ticket_number": str,
            "service": str,
            "window": int,
            "staff": str,
            "level": int,
            "reasons": str,  # JSON list of §9.2 reason codes
            "comment": str,
            "contact": str,  # the phone the citizen left: shown masked, in full only audited
            "day": str,  # the rating's hall day
            "created_at": str,
            "status": str,  # call / finding / rectify / closed (core.followups)
            "call_due": str,
            "called_at": str,
            "called_by": str,
            "call_summary": str,
            "rectify_due": str,
            "finding": str,
            "finding_reason": str,
            "finding_at": str,
            "finding_by": str,
            "rectified_at": str,
            "rectified_by": str,
            "measures": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"evaluation_id", "level", "contact", "day", "created_at", "status", "call_due"},
    )
    db["followups"].create_index(["evaluation_id"], unique=True)  # one item per rating
    db["followups"].create_index(["status", "call_due"])
    db["followups"].create_index(["day"])


def insert(db: sqlite_utils.Database, row: dict) -> int:
    row = dict(row, reasons=json.dumps(row["reasons"]))
    cols = list(row)
    return db.execute(
        f"INSERT INTO followups ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    ).lastrowid


def update(db: sqlite_utils.Database, item_id: int, changes: dict) -> None:
    cols = list(changes)  # column names come from our code, never from requests
    db.execute(
        f"UPDATE followups SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
        [changes[c] for c in cols] + [item_id],
    )


def get(db: sqlite_utils.Database, item_id: int) -> dict | None:
    found = first(db, "SELECT * FROM followups WHERE id = ?", [item_id])
    return _decode(found) if found else None


def select(
    db: sqlite_utils.Database,
    open_only: bool,
    day_from: str | None = None,
    day_to: str | None = None,
    limit: int = 1000,
) -> list[dict]:
    sql, params = "SELECT * FROM followups WHERE 1 = 1", []
    if open_only:
        sql += " AND status != 'closed'"
    if day_from:
        sql += " AND day >= ?"
        params.append(day_from)
    if day_to:
        sql += " AND day <= ?"
        params.append(day_to)
    return [_decode(r) for r in rows(db, sql + " ORDER BY call_due, id LIMIT ?", [*params, limit])]


def _decode(row: dict) -> dict:
    return dict(row, reasons=json.loads(row["reasons"] or "[]"))
