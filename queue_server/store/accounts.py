"""Staff users and device tokens (both stored hashed)."""

from __future__ import annotations

import sqlite_utils

from .sql import first


def get_user(db: sqlite_utils.Database, username: str) -> dict | None:
    return first(db, "SELECT * FROM users WHERE username = ?", [username])


def save_user(db: sqlite_utils.Database, row: dict) -> None:
    db["users"].upsert(row, pk="username")


def device_by_token_hash(db: sqlite_utils.Database, token_hash: str) -> dict | None:
    return first(db, "SELECT * FROM devices WHERE token_hash = ?", [token_hash])


def get_device(db: sqlite_utils.Database, device_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM devices WHERE id = ?", [device_id]))
    return rows[0] if rows else None


def save_device(db: sqlite_utils.Database, row: dict) -> None:
    db["devices"].upsert(row, pk="id")


def devices(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT * FROM devices ORDER BY kind, id"))


def display_names(db: sqlite_utils.Database) -> dict[str, str]:
    return {r["username"]: r["display_name"] for r in db.query("SELECT username, display_name FROM users")}
