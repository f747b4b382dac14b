"""The bureau's dashboard accounts (``bureau_users``): scrypt hashes, as the hall's staff."""

from __future__ import annotations

import psycopg
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import CityError

ROLES = ("bureau",)
# Checked against when the name is unknown, so both answers take the same time.
_DUMMY = generate_password_hash("not-a-password", method="scrypt")


def save_user(
    conn: psycopg.Connection, username: str, password: str, role: str, display_name: str = ""
) -> None:
    if role not in ROLES:
        raise CityError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    if not 1 <= len(username) <= 64 or not username.strip():
        raise CityError("a user name has 1–64 characters")
    if len(password) < 10:
        raise CityError("a password has at least 10 characters")
    conn.execute(
        "INSERT INTO bureau_users (username, password_hash, role, display_name)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (username) DO UPDATE SET"
        " password_hash = excluded.password_hash, role = excluded.role,"
        " display_name = excluded.display_name",
        [username, generate_password_hash(password, method="scrypt"), role, display_name],
    )


def check(conn: psycopg.Connection, username: str, password: str) -> dict | None:
    """The user, if the password is theirs; else None."""
    row = conn.execute(
        "SELECT username, password_hash, role, display_name FROM bureau_users WHERE username = %s",
        [username],
    ).fetchone()
    if row is None:
        check_password_hash(_DUMMY, password)
        return None
    if not check_password_hash(row[1], password):
        return None
    conn.execute("UPDATE bureau_users SET last_login_at = now() WHERE username = %s", [username])
    return {"username": row[0], "role": row[2], "display_name": row[3]}
