"""Printed statements (制式清单) as they were printed, for /v/<code>. Append-only: a paper can
be checked only against what the hall stored when it printed it."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from .sql import first

migrations = Migrations("hallqueue.statements")


@migrations()
def m001_statements(db):
    # code_hash: SHA-256 of the verification code (the code itself is only on the paper);
    # content: the canonical JSON printed; seal: its HMAC with the hall's secret.
    db.execute(
        "CREATE TABLE statements (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " code_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, printed_at TEXT NOT NULL,"
        " expires_on TEXT NOT NULL, kiosk TEXT NOT NULL, id_hmac TEXT NOT NULL,"
        " content TEXT NOT NULL, seal TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TRIGGER statements_no_update BEFORE UPDATE ON statements"
        " BEGIN SELECT RAISE(ABORT, 'statements are append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER statements_no_delete BEFORE DELETE ON statements"
        " BEGIN SELECT RAISE(ABORT, 'statements are append-only'); END"
    )


def insert(db: sqlite_utils.Database, row: dict) -> int:
    return db.execute(
        "INSERT INTO statements (code_hash, kind, printed_at, expires_on, kiosk, id_hmac, content,"
        " seal) VALUES (:code_hash, :kind, :printed_at, :expires_on, :kiosk, :id_hmac, :content,"
        " :seal)",
        row,
    ).lastrowid


def by_code_hash(db: sqlite_utils.Database, code_hash: str) -> dict | None:
    return first(db, "SELECT * FROM statements WHERE code_hash = ?", [code_hash])
