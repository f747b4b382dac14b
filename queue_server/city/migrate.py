"""The city schema's migrations: numbered plain SQL files applied in order, each recorded.

``migrations/NNNN_name.sql`` files run once each, in one transaction with their row in
``schema_migrations`` (version, name, checksum). A file changed after it was applied is an
error, not a silent drift. Why not alembic: the project has no ORM and its city schema is
plain SQL (partitioned tables, a SQL function); numbered files read as what they are, and the
runner is forty lines (docs/city.md).

Runners of several halls may start at once: a transaction-level advisory lock lets one apply
while the others wait and then find nothing left to do.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import psycopg

from .errors import CityError

FOLDER = Path(__file__).with_name("migrations")
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# pg_advisory_xact_lock keys of the city schema (any constant of our own).
MIGRATE_LOCK = 0x6851_0001
PARTITION_LOCK = 0x6851_0002
MONTHS_AHEAD = 2  # partitions exist for this month and the next two before any event needs them


def files(folder: Path = FOLDER) -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration file, in order."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        m = _FILE.match(path.name)
        if not m:
            raise CityError(f"{path}: a migration file is named NNNN_name.sql")
        found.append((int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise CityError(f"{folder}: two migration files share a number")
    return found


def _checksum(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def migrate(conn: psycopg.Connection, today: date, folder: Path = FOLDER) -> list[str]:
    """Apply what is pending; return the names applied. Then make the months ahead exist."""
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATE_LOCK])
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            v: (name, checksum)
            for v, name, checksum in conn.execute(
                "SELECT version, name, checksum FROM schema_migrations"
            )
        }
        for version, name, sql in files(folder):
            if version in done:
                if done[version][1] != _checksum(sql):
                    raise CityError(
                        f"migration {version:04d}_{name}.sql was changed after it was applied; "
                        "add a new numbered file instead"
                    )
                continue
            with conn.transaction():
                conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    [version, name, _checksum(sql)],
                )
            applied.append(f"{version:04d}_{name}")
    ensure_partitions(conn, [today] + [_add_months(today, n) for n in range(1, MONTHS_AHEAD + 1)])
    return applied


def _add_months(day: date, n: int) -> date:
    months = day.year * 12 + day.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def partition_name(day: date) -> str:
    return f"events_y{day.year:04d}m{day.month:02d}"


def ensure_partitions(conn: psycopg.Connection, days, known: set[str] | None = None) -> set[str]:
    """The monthly partitions of ``events`` that hold these days exist afterwards. ``known``
    (names already seen to exist) saves the shipper a round trip per batch."""
    known = set() if known is None else known
    months = {date(d.year, d.month, 1) for d in days}
    wanted = {partition_name(m): m for m in months if partition_name(m) not in known}
    if not wanted:
        return known
    with conn.transaction():
        existing = {
            r[0]
            for r in conn.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'events'::regclass"
            )
        }
        missing = {n: m for n, m in wanted.items() if n not in existing}
        if missing:
            # Two shippers adding one month at once: the second waits, then skips it.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [PARTITION_LOCK])
            for name, month in sorted(missing.items()):
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF events"
                    f" FOR VALUES FROM ('{month}') TO ('{_add_months(month, 1)}')"
                )
    return known | set(wanted)


def status(conn: psycopg.Connection) -> list[dict]:
    """Applied migrations, for ``queue-server city migrate`` and the docs' checks."""
    rows = conn.execute(
        "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
    ).fetchall()
    return [{"version": v, "name": n, "applied_at": a} for v, n, a in rows]
