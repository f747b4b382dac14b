"""The per-hall, per-day derived tables (migrations/0002_derived.sql), kept up to date.

The shipper marks each (hall, day) it stored events for in ``dirty_days``; ``refresh``
recomputes those pairs with the SQL function ``city_refresh`` and removes a mark only if no
shipment marked it again meanwhile (its version is unchanged), so nothing is left stale.
"""

from __future__ import annotations

from datetime import date

import psycopg

from ..core.reports import histogram


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
                "SELECT city_refresh_buckets(%s, %s, %s)", [hall_id, day, list(histogram.EDGES)]
            )
            p90 = wait_p90(conn, hall_id, day, day).get(hall_id)
            conn.execute(
                "UPDATE city_daily SET wait_p90_s = %s WHERE hall_id = %s AND day = %s",
                [p90, hall_id, day],
            )
            conn.execute(
                "DELETE FROM dirty_days WHERE hall_id = %s AND day = %s AND version = %s",
                [hall_id, day, row[0]],
            )
            done += 1
    return done


def wait_p90(
    conn: psycopg.Connection, hall_id: str | None, start: date, end: date
) -> dict[str, float | None]:
    """Each hall's 90th percentile wait over the days start…end, by core's definition (its
    histogram buckets, nearest rank, capped by the longest wait); one hall or all (None)."""
    rows = conn.execute(
        "SELECT hall_id, bucket, sum(n) FROM city_wait_buckets"
        " WHERE day BETWEEN %s AND %s AND (%s::text IS NULL OR hall_id = %s)"
        " GROUP BY hall_id, bucket",
        [start, end, hall_id, hall_id],
    ).fetchall()
    longest = dict(
        conn.execute(
            "SELECT hall_id, max(wait_max_s) FROM city_daily"
            " WHERE day BETWEEN %s AND %s AND (%s::text IS NULL OR hall_id = %s)"
            " GROUP BY hall_id",
            [start, end, hall_id, hall_id],
        ).fetchall()
    )
    hists: dict[str, int] = {}
    for hall, bucket, n in rows:
        hists[hall] = hists.get(hall, 0) + (int(n) << (32 * bucket))
    return {hall: histogram.percentile(h, 0.9, longest.get(hall)) for hall, h in hists.items()}


def refresh_all(conn: psycopg.Connection) -> int:
    total = 0
    while n := refresh(conn):
        total += n
    return total
