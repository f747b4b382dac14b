"""Staff users, their server-side sessions, login throttling, device tokens (secrets hashed)."""

from __future__ import annotations

import sqlite_utils

from .sql import first, rows

# --- users ---------------------------------------------------------------------------------


def get_user(db: sqlite_utils.Database, username: str) -> dict | None:
    return first(db, "SELECT * FROM users WHERE username = ?", [username])


def save_user(db: sqlite_utils.Database, row: dict) -> None:
    db["users"].upsert(row, pk="username")


def users(db: sqlite_utils.Database) -> list[dict]:
    return rows(db, "SELECT * FROM users ORDER BY username")


def enabled_admins(db: sqlite_utils.Database) -> list[str]:
    return [
        r["username"]
        for r in rows(
            db, "SELECT username FROM users WHERE role = 'admin' AND NOT disabled ORDER BY username"
        )
    ]


def display_names(db: sqlite_utils.Database) -> dict[str, str]:
    return {
        r["username"]: r["display_name"]
        for r in rows(db, "SELECT username, display_name FROM users")
    }


# --- sessions ------------------------------------------------------------------------------


def insert_session(db: sqlite_utils.Database, row: dict) -> None:
    db["staff_sessions"].insert(row)


def get_session(db: sqlite_utils.Database, id_hash: str) -> dict | None:
    return first(db, "SELECT * FROM staff_sessions WHERE id_hash = ?", [id_hash])


def touch_session(db: sqlite_utils.Database, id_hash: str, at: str) -> None:
    db.execute("UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?", [at, id_hash])


def delete_session(db: sqlite_utils.Database, id_hash: str) -> None:
    db.execute("DELETE FROM staff_sessions WHERE id_hash = ?", [id_hash])


def delete_sessions_of(db: sqlite_utils.Database, username: str, keep: str | None = None) -> int:
    cur = db.execute(
        "DELETE FROM staff_sessions WHERE username = ? AND id_hash IS NOT ?", [username, keep]
    )
    return cur.rowcount


def delete_sessions_before(
    db: sqlite_utils.Database, created_before: str, seen_before: str
) -> None:
    """Drop sessions past their absolute or idle lifetime (housekeeping at each login)."""
    db.execute(
        "DELETE FROM staff_sessions WHERE created_at < ? OR last_seen_at < ?",
        [created_before, seen_before],
    )


def session_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {
        r["username"]: r["n"]
        for r in rows(db, "SELECT username, count(*) AS n FROM staff_sessions GROUP BY username")
    }


# --- login throttling ----------------------------------------------------------------------


def get_failures(db: sqlite_utils.Database, username: str, address: str) -> dict | None:
    return first(
        db, "SELECT * FROM login_failures WHERE username = ? AND address = ?", [username, address]
    )


def save_failures(db: sqlite_utils.Database, row: dict) -> None:
    db["login_failures"].upsert(row, pk=("username", "address"))


def clear_failures(db: sqlite_utils.Database, username: str, address: str | None = None) -> None:
    if address is None:
        db.execute("DELETE FROM login_failures WHERE username = ?", [username])
    else:
        db.execute(
            "DELETE FROM login_failures WHERE username = ? AND address = ?", [username, address]
        )


def recent_failures(db: sqlite_utils.Database, username: str, since: str) -> tuple[int, int]:
    """(failures, distinct addresses) for ``username`` with a last failure at or after ``since``."""
    row = first(
        db,
        "SELECT coalesce(sum(failures), 0) AS n, count(*) AS a FROM login_failures"
        " WHERE username = ? AND last_at >= ?",
        [username, since],
    )
    return row["n"], row["a"]


def forget_failures_before(db: sqlite_utils.Database, before: str) -> None:
    db.execute("DELETE FROM login_failures WHERE last_at < ?", [before])


def get_lock(db: sqlite_utils.Database, username: str) -> dict | None:
    return first(db, "SELECT * FROM login_locks WHERE username = ?", [username])


def save_lock(db: sqlite_utils.Database, row: dict) -> None:
    db["login_locks"].upsert(row, pk="username")


def delete_lock(db: sqlite_utils.Database, username: str) -> bool:
    return db.execute("DELETE FROM login_locks WHERE username = ?", [username]).rowcount > 0


def locks(db: sqlite_utils.Database) -> dict[str, dict]:
    return {r["username"]: r for r in rows(db, "SELECT * FROM login_locks")}


# --- devices -------------------------------------------------------------------------------


def device_by_token_hash(db: sqlite_utils.Database, token_hash: str) -> dict | None:
    return first(
        db, "SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL", [token_hash]
    )


def get_device(db: sqlite_utils.Database, device_id: str) -> dict | None:
    return first(db, "SELECT * FROM devices WHERE id = ?", [device_id])


def save_device(db: sqlite_utils.Database, row: dict) -> None:
    db["devices"].upsert(row, pk="id")


def devices(db: sqlite_utils.Database, include_revoked: bool = False) -> list[dict]:
    where = "" if include_revoked else " WHERE revoked_at IS NULL"
    return rows(db, f"SELECT * FROM devices{where} ORDER BY kind, id")
