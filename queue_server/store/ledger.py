"""The consultation ledger table (annex B). Functions take the ``db`` of an open transaction."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("hallqueue.ledger")


@migrations()
def m001_ledger(db):
    db["ledger"].create(
        {
            "id": int,
            "name": str,
            "id_number": str,
            "phone": str,
            "email": str,
            "address": str,
            "received_at": str,
            "received_day": str,
            "form": str,
            "summary": str,
            "reply_class": str,
            "agreed_reply_date": str,
            "due_date": str,
            "due_provisional": int,
            "receptionist": str,
            "created_by": str,
            "remarks": str,
            "status": str,
            "reply_method": str,
            "reply_content": str,
            "replied_at": str,
            "replied_by": str,
            "answered_by": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={
            "name",
            "id_number",
            "phone",
            "received_at",
            "form",
            "summary",
            "reply_class",
            "due_date",
            "status",
            "created_at",
        },
        defaults={"status": "open", "due_provisional": 0},
    )
    db["ledger"].create_index(["status", "due_date"])
    db["ledger"].create_index(["received_day"])


@migrations()
def m002_documents(db):
    # Issue 9: passports, permits and foreign residents' cards beside the resident ID card;
    # the existing rows are resident ID numbers (the only kind accepted before).
    db["ledger"].add_column("document_type", str, not_null_default="resident_id")
    db["ledger"].add_column("document_country", str)
    # §7.3: letters and online consultations may come without a phone number.
    db["ledger"].transform(not_null={"phone": False})


def insert(db: sqlite_utils.Database, row: dict) -> int:
    return db["ledger"].insert(row).last_pk


def get(db: sqlite_utils.Database, record_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM ledger WHERE id = ?", [record_id]))
    return rows[0] if rows else None


def update(db: sqlite_utils.Database, record_id: int, changes: dict) -> None:
    db["ledger"].update(record_id, changes)


def select(
    db: sqlite_utils.Database,
    status: str,
    today: str,
    day_from: str | None = None,
    day_to: str | None = None,
    limit: int = 1000,
) -> list[dict]:
    """Records by status: open, due_today, overdue, answered or all (newest deadline last)."""
    where, params = [], []
    if status == "open":
        where.append("status = 'open'")
    elif status == "due_today":
        where.append("status = 'open' AND due_date = ?")
        params.append(today)
    elif status == "overdue":
        where.append("status = 'open' AND due_date < ?")
        params.append(today)
    elif status == "answered":
        where.append("status = 'answered'")
    if day_from:
        where.append("received_day >= ?")
        params.append(day_from)
    if day_to:
        where.append("received_day <= ?")
        params.append(day_to)
    sql = "SELECT * FROM ledger" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY due_date, received_at, id LIMIT ?"
    return list(db.query(sql, params + [limit]))


def provisional(db: sqlite_utils.Database) -> list[dict]:
    """Records whose due date was counted on a provisional calendar (§8.2)."""
    return list(db.query("SELECT * FROM ledger WHERE due_provisional = 1 ORDER BY id"))
