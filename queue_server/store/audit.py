"""Audit log of access to full personal data (§8.6): who, what, when. Append-only."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("hallqueue.audit")


@migrations()
def m001_audit(db):
    db.execute(
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
        " actor TEXT NOT NULL, actor_role TEXT, action TEXT NOT NULL, subject TEXT NOT NULL,"
        " detail TEXT)"
    )
    # An audit trail that can be edited proves nothing.
    db.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


def record(
    db: sqlite_utils.Database,
    at: str,
    actor: str,
    actor_role: str | None,
    action: str,
    subject: str,
    detail: str | None = None,
) -> int:
    cur = db.execute(
        "INSERT INTO audit_log (at, actor, actor_role, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [at, actor, actor_role, action, subject, detail],
    )
    return cur.lastrowid


def recent(db: sqlite_utils.Database, limit: int = 200, subject: str | None = None) -> list[dict]:
    if subject:
        return list(
            db.query(
                "SELECT * FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT ?",
                [subject, limit],
            )
        )
    return list(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit]))
