"""The audit of personal-data access (§8.6, DESIGN §5): every verification attempt and every
read of a person's records, one row each, append-only. The ID number appears only as an HMAC
with the hall's secret; an admin finds a person's rows by typing the number (matched through
the same HMAC). Reading this table is itself a row."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from .sql import rows

migrations = Migrations("hallqueue.records_audit")

COLUMNS = (
    "id",
    "at",
    "day",
    "actor",
    "actor_kind",
    "action",
    "method",
    "result",
    "reason",
    "id_hmac",
    "detail",
)


@migrations()
def m001_records_audit(db):
    db.execute(
        "CREATE TABLE records_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
        " day TEXT NOT NULL, actor TEXT NOT NULL, actor_kind TEXT NOT NULL, action TEXT NOT NULL,"
        " method TEXT, result TEXT NOT NULL, reason TEXT, id_hmac TEXT, detail TEXT)"
    )
    # An audit trail that can be edited proves nothing.
    db.execute(
        "CREATE TRIGGER records_audit_no_update BEFORE UPDATE ON records_audit"
        " BEGIN SELECT RAISE(ABORT, 'records_audit is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER records_audit_no_delete BEFORE DELETE ON records_audit"
        " BEGIN SELECT RAISE(ABORT, 'records_audit is append-only'); END"
    )
    for cols in (["day"], ["actor", "day"], ["id_hmac"], ["result", "day"]):
        db["records_audit"].create_index(cols)


def append(db: sqlite_utils.Database, row: dict) -> int:
    values = {k: row.get(k) for k in COLUMNS if k != "id"}
    return db.execute(
        "INSERT INTO records_audit (at, day, actor, actor_kind, action, method, result, reason,"
        " id_hmac, detail) VALUES (:at, :day, :actor, :actor_kind, :action, :method, :result,"
        " :reason, :id_hmac, :detail)",
        values,
    ).lastrowid


def select(
    db: sqlite_utils.Database,
    *,
    day: str | None = None,
    actor: str | None = None,
    result: str | None = None,
    id_hmac: str | None = None,
    before: int | None = None,
    limit: int = 200,
) -> list[dict]:
    """Newest first; every filter optional."""
    where, params = [], []
    for column, value in (("day", day), ("actor", actor), ("result", result), ("id_hmac", id_hmac)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if before is not None:
        where.append("id < ?")
        params.append(before)
    sql = "SELECT * FROM records_audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return rows(db, sql + " ORDER BY id DESC LIMIT ?", params + [limit])
