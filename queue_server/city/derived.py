"""The per-hall, per-day derived tables (migrations/0002_derived.sql), kept up to date.

The shipper marks each (hall, day) it stored events for in ``dirty_days``; ``refresh``
recomputes those pairs with the SQL function ``city_refresh`` and removes a mark only if no
shipment marked it again meanwhile (its version is unchanged), so nothing is left stale.
"""

from __future__ import annotations

import psycopg


def refresh(conn: psycopg.Connection, limit: int = 1000) -> int:
    """Recompute up to ``limit`` dirty (hall, day) pairs; return how many were done."""
    pairs = conn.execute(
        "SELECT hall_id, day FROM dirty_days ORDER BY day, hall_id LIMIT %s", [limit]
    ).fetchall()
    done = 0
    for hall_id, day in pairs:
        with conn.transaction():
            # Lock the mark first: a shipper marking it again waits for this transaction, so
            # its events are either seen here or leave a new version behind.
            row = conn.execute(
                "SELECT version FROM dirty_days WHERE hall_id = %s AND day = %s"
                " FOR UPDATE SKIP LOCKED",
                [hall_id, day],
            ).fetchone()
            if row is None:  # another refresher has it
                continue
            conn.execute("SELECT city_refresh(%s, %s)", [hall_id, day])
            conn.execute(
                "DELETE FROM dirty_days WHERE hall_id = %s AND day = %s AND version = %s",
                [hall_id, day, row[0]],
            )
            done += 1
    return done


def refresh_all(conn: psycopg.Connection) -> int:
    total = 0
    while n := refresh(conn):
        total += n
    return total
