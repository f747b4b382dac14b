"""The SQL behind the reports (§9): a day's events, tickets and ratings for its replay, and the
per-day pre-aggregate (``report_days``) a range is merged from.

A closed hall day is replayed once and stored: one row per (day, dimension, key) with the
tally's counts and its two histograms, beside the day's §8.6 absences and the window and
device states it ended with (the next day starts from them). Today is replayed live.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Collection

import sqlite_utils
from sqlite_utils import Migrations

from ..core.numbering import HALL_TZ
from ..core.reports.tally import COUNTS, HISTS, MAXIMA, Tally
from ..core.reports.timelines import Absence
from .sql import rows

migrations = Migrations("hallqueue.reports")

# The tally's columns as they were when the table was made (core.reports.tally.FIELDS);
# tests/store/test_report_days.py checks that the two agree.
_TALLY_COLUMNS = (
    "issued",
    "called",
    "served",
    "waiting",
    "no_show",
    "reinstated",
    "transferred",
    "cancelled",
    "expired",
    "abandoned",
    "priority",
    "appointment",
    "wait_n",
    "wait_sum",
    "rewait_n",
    "rewait_sum",
    "service_n",
    "service_sum",
    "est_n",
    "est_abs",
    "est_err",
    "est_wait",
    "open_s",
    "paused_s",
    "closed_s",
    "absences",
    "down_s",
    "alerts",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
    "bad_attitude",
    "bad_time_limit",
    "bad_language",
    "bad_image",
    "bad_discipline",
    "bad_other",
    "wait_max",
    "service_max",
)
COLUMNS = COUNTS + MAXIMA + HISTS


@migrations()
def m001_reports(db):
    # The estimate a ticket was given when it was issued, measured against its actual wait.
    db["tickets"].add_column("estimated_wait_s", int)
    # A day's events are read by time: replaying a day, and its live report every few seconds.
    db.execute("CREATE INDEX IF NOT EXISTS events_at ON events (at)")
    cols = ", ".join(f"{c} REAL NOT NULL DEFAULT 0" for c in _TALLY_COLUMNS)
    db.execute(
        f"CREATE TABLE report_days (day TEXT NOT NULL, dim TEXT NOT NULL,"
        f" key TEXT NOT NULL, {cols}, wait_hist BLOB, service_hist BLOB,"
        f" PRIMARY KEY (day, dim, key)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE report_absences (day TEXT NOT NULL, window INTEGER NOT NULL,"
        " state TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,"
        " waiting INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX report_absences_day ON report_absences (day)")
    # One row per stored day: when, from which events, and the states the day ended with.
    db.execute(
        "CREATE TABLE report_day_state (day TEXT PRIMARY KEY, version INTEGER NOT NULL,"
        " last_event_id INTEGER NOT NULL, computed_at TEXT NOT NULL,"
        " end_windows TEXT NOT NULL, end_devices TEXT NOT NULL)"
    )


@migrations()
def m002_live_ticket_rows(db):
    # The live report reads the rows of the tickets its new events touch, by day and number.
    db.execute("CREATE INDEX IF NOT EXISTS tickets_day_number ON tickets (day, number)")


def _bound(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), HALL_TZ).isoformat()


def day_events(db: sqlite_utils.Database, day: date, after_id: int = 0) -> list[dict]:
    """The day's events (by hall time) after ``after_id``, oldest first, data decoded.

    The day's first and last ids come from the time index; the rows are then read as one range
    of ids. (Asked for "at in the day and id > n" with a small n, SQLite walks the ids from n
    through the whole log: 8 s on a year of a large hall instead of 0.1 s.) After ``after_id``,
    the live day's last seen event, the few newer ids are read at once ("+at": not by the time
    index, which would walk the whole day to find them)."""
    start, end = _bound(day), _bound(day + timedelta(days=1))
    if after_id:
        cur = db.execute(
            "SELECT id, type, at, data FROM events WHERE id > ? AND +at >= ? AND +at < ?"
            " ORDER BY id",
            [after_id, start, end],
        )
    else:
        lo, hi = db.execute(
            "SELECT min(id), max(id) FROM events WHERE at >= ? AND at < ?", [start, end]
        ).fetchone()
        if lo is None:
            return []
        cur = db.execute(
            "SELECT id, type, at, data FROM events WHERE id >= ? AND id <= ? ORDER BY id",
            [lo, hi],
        )
    out = []
    for id_, type_, at, data in cur:
        if start <= at < end:  # a clock set back could interleave another day's events
            out.append(
                {
                    "id": id_,
                    "type": type_,
                    "at": datetime.fromisoformat(at),
                    "data": json.loads(data),
                }
            )
    return out


def first_event_day(db: sqlite_utils.Database) -> date | None:
    row = db.execute("SELECT min(at) FROM events").fetchone()
    return datetime.fromisoformat(row[0]).astimezone(HALL_TZ).date() if row and row[0] else None


def day_tickets(
    db: sqlite_utils.Database, day: date, numbers: Collection[str] | None = None
) -> dict[str, dict]:
    """number → what the events do not say: channel, who called it last, appointment, estimate;
    of the day's tickets, or of ``numbers`` only (the live report's new events)."""
    sql = (
        "SELECT number, channel, staff, appointment_at, estimated_wait_s FROM tickets WHERE day = ?"
    )
    args: list = [day.isoformat()]
    if numbers is not None:
        if not numbers:
            return {}
        sql += f" AND number IN ({','.join('?' * len(numbers))})"
        args += list(numbers)
    return {r["number"]: r for r in rows(db, sql, args)}


def day_ratings(db: sqlite_utils.Database, day: date, after_id: int = 0) -> list[dict]:
    """The day's ratings (after the one with ``after_id``), oldest first."""
    return [
        dict(r, reasons=json.loads(r["reasons"] or "[]"))
        for r in rows(
            db,
            "SELECT id, level, reasons, window, staff, service FROM evaluations"
            " WHERE day = ? AND id > ? ORDER BY id",
            [day.isoformat(), after_id],
        )
    ]


# --- the stored days ---------------------------------------------------------------------


def stored_days(db: sqlite_utils.Database, version: int) -> dict[date, int]:
    """Days stored with this version → the last event id they were computed from."""
    return {
        date.fromisoformat(d): last
        for d, last in db.execute(
            "SELECT day, last_event_id FROM report_day_state WHERE version = ?", [version]
        )
    }


def last_state_before(db: sqlite_utils.Database, day: date) -> tuple[dict, dict]:
    """The window and device states the latest stored day before ``day`` ended with."""
    row = db.execute(
        "SELECT end_windows, end_devices FROM report_day_state WHERE day < ?"
        " ORDER BY day DESC LIMIT 1",
        [day.isoformat()],
    ).fetchone()
    if row is None:
        return {}, {}
    windows = {int(k): v for k, v in json.loads(row[0]).items()}
    devices = {k: tuple(v) for k, v in json.loads(row[1]).items()}
    return windows, devices


def save_day(
    db: sqlite_utils.Database,
    day: date,
    tallies: dict,
    found: list[Absence],
    end_windows: dict,
    end_devices: dict,
    version: int,
    last_event_id: int,
    computed_at: str,
) -> None:
    """Replace the stored tally of ``day`` (one transaction: the caller's)."""
    d = day.isoformat()
    db.execute("DELETE FROM report_days WHERE day = ?", [d])
    db.execute("DELETE FROM report_absences WHERE day = ?", [d])
    marks = ", ".join("?" * (len(COLUMNS) + 3))
    db.conn.executemany(
        f"INSERT INTO report_days (day, dim, key, {', '.join(COLUMNS)}) VALUES ({marks})",
        [(d, dim, key, *tally.row()) for (dim, key), tally in tallies.items()],
    )
    db.conn.executemany(
        "INSERT INTO report_absences (day, window, state, start, end, waiting)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(d, a.window, a.state, a.start.isoformat(), a.end.isoformat(), a.waiting) for a in found],
    )
    db.execute(
        "INSERT OR REPLACE INTO report_day_state (day, version, last_event_id, computed_at,"
        " end_windows, end_devices) VALUES (?, ?, ?, ?, ?, ?)",
        [
            d,
            version,
            last_event_id,
            computed_at,
            json.dumps({str(k): v for k, v in end_windows.items()}),
            json.dumps({k: list(v) for k, v in end_devices.items()}),
        ],
    )


def tallies_between(
    db: sqlite_utils.Database, day_from: date, day_to: date, dims: tuple[str, ...] | None = None
):
    """(day, dim, key, Tally) of every stored day in the range (of ``dims`` only, if given)."""
    where = f" AND dim IN ({','.join('?' * len(dims))})" if dims else ""
    cur = db.execute(
        f"SELECT day, dim, key, {', '.join(COLUMNS)} FROM report_days"
        f" WHERE day >= ? AND day <= ?{where}",
        [day_from.isoformat(), day_to.isoformat(), *(dims or ())],
    )
    parse = date.fromisoformat
    days: dict[str, date] = {}
    for row in cur:
        day = days.get(row[0]) or days.setdefault(row[0], parse(row[0]))
        yield day, row[1], row[2], Tally.from_row(row[3:])


def merged_between(db: sqlite_utils.Database, day_from: date, day_to: date):
    """(dim, key, Tally) of the range, each the sum of its stored days: SQLite adds the counts
    (a year of a large hall is some 30,000 rows), Python adds the histograms."""
    bounds = [day_from.isoformat(), day_to.isoformat()]
    sums = ", ".join([f"total({c})" for c in COUNTS] + [f"max({c})" for c in MAXIMA])
    hists: dict[tuple[str, str], list[int]] = {}
    for dim, key, wait, service in db.execute(
        "SELECT dim, key, wait_hist, service_hist FROM report_days WHERE day >= ? AND day <= ?",
        bounds,
    ):
        h = hists.setdefault((dim, key), [0, 0])
        h[0] += int.from_bytes(wait, "little") if wait else 0
        h[1] += int.from_bytes(service, "little") if service else 0
    for row in db.execute(
        f"SELECT dim, key, {sums} FROM report_days WHERE day >= ? AND day <= ? GROUP BY dim, key",
        bounds,
    ):
        tally = Tally.from_row(row[2:] + (b"", b""))
        tally.wait_hist, tally.service_hist = hists.get((row[0], row[1]), (0, 0))
        yield row[0], row[1], tally


def absences_between(
    db: sqlite_utils.Database, day_from: date, day_to: date, limit: int = 100_000
) -> list[Absence]:
    return [
        Absence(r[0], r[1], datetime.fromisoformat(r[2]), datetime.fromisoformat(r[3]), r[4])
        for r in db.execute(
            "SELECT window, state, start, end, waiting FROM report_absences"
            " WHERE day >= ? AND day <= ? ORDER BY start, window LIMIT ?",
            [day_from.isoformat(), day_to.isoformat(), limit],
        )
    ]


def bad_ratings_between(
    db: sqlite_utils.Database, day_from: date, day_to: date, limit: int = 10_000
) -> list[dict]:
    """The 差评 (levels 1–2) of the range, newest first."""
    return [
        dict(r, reasons=json.loads(r["reasons"] or "[]"))
        for r in rows(
            db,
            "SELECT id, ticket_number, service, day, window, staff, level, reasons, comment,"
            " created_at FROM evaluations WHERE day >= ? AND day <= ? AND level <= 2"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            [day_from.isoformat(), day_to.isoformat(), limit],
        )
    ]


def ledger_deadlines(db: sqlite_utils.Database, day_from: date, day_to: date) -> list[dict]:
    """Ledger records received in the range: their reply class, due day and reply time."""
    return rows(
        db,
        "SELECT reply_class, due_date, replied_at, status FROM ledger"
        " WHERE received_day >= ? AND received_day <= ?",
        [day_from.isoformat(), day_to.isoformat()],
    )


def bookings_between(
    db: sqlite_utils.Database, day_from: date, day_to: date, now: str
) -> list[tuple[str, str, bool]]:
    """(service, status, slot over by ``now``) of the range's appointments (预约)."""
    return [
        (service, status, bool(over))
        for service, status, over in db.execute(
            "SELECT service, status, slot_end <= ? FROM appointments WHERE day >= ? AND day <= ?",
            [now, day_from.isoformat(), day_to.isoformat()],
        ).fetchall()
    ]


# --- the planner's history ------------------------------------------------------------------


def arrivals_by_hour(db: sqlite_utils.Database, day_from: date, day_to: date) -> list[tuple]:
    """(day, original service, hour, tickets issued, of them priority, of them booked)."""
    return db.execute(
        "SELECT day, original_service, substr(issued_at, 12, 2), count(*),"
        " total(priority_reason IS NOT NULL), total(appointment_at IS NOT NULL)"
        " FROM tickets WHERE day >= ? AND day <= ?"
        " GROUP BY 1, 2, 3",
        [day_from.isoformat(), day_to.isoformat()],
    ).fetchall()


def service_seconds(
    db: sqlite_utils.Database, day_from: date, day_to: date, per_service: int = 2000
) -> dict[str, list[float]]:
    """Recorded service durations (start or call → finish) per service, at most
    ``per_service`` of each, spread over the range."""
    out: dict[str, list[float]] = {}
    for service, n in db.execute(
        "SELECT service, count(*) FROM tickets WHERE day >= ? AND day <= ? AND status = 'done'"
        " GROUP BY service",
        [day_from.isoformat(), day_to.isoformat()],
    ).fetchall():
        step = max(1, n // per_service)
        out[service] = [
            r[0]
            for r in db.execute(
                "SELECT (julianday(finished_at) - julianday(coalesce(started_at, called_at))) * 86400"
                " AS s FROM tickets WHERE day >= ? AND day <= ? AND status = 'done' AND service = ?"
                " AND rowid % ? = 0 AND transfers = 0",
                [day_from.isoformat(), day_to.isoformat(), service, step],
            ).fetchall()
            if r[0] is not None and r[0] > 0
        ]
    return out
