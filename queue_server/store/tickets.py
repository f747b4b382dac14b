"""Tickets, counters and window state. Functions take the ``db`` of an open transaction."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from ..core.policy import PlaceCounts, others_before
from ..core.settings import QueueRules
from ..core.tickets import Status, Ticket
from .sql import first, rows


def next_seq(db: sqlite_utils.Database, service: str, day: str) -> int:
    """The next number of the day, from a counter row — never max()+1 (DESIGN §3)."""
    return db.execute(
        "INSERT INTO counters (service, day, seq) VALUES (?, ?, 1)"
        " ON CONFLICT (service, day) DO UPDATE SET seq = seq + 1 RETURNING seq",
        [service, day],
    ).fetchone()[0]


def issued_today(db: sqlite_utils.Database, service: str, day: str) -> int:
    row = db.execute(
        "SELECT seq FROM counters WHERE service = ? AND day = ?", [service, day]
    ).fetchone()
    return row[0] if row else 0


def get(db: sqlite_utils.Database, ticket_id: str) -> dict | None:
    return first(db, "SELECT * FROM tickets WHERE id = ?", [ticket_id])


def by_number(db: sqlite_utils.Database, day: str, number: str) -> dict | None:
    return first(db, "SELECT * FROM tickets WHERE day = ? AND number = ?", [day, number])


def by_request_id(db: sqlite_utils.Database, request_id: str) -> dict | None:
    return first(db, "SELECT * FROM tickets WHERE request_id = ?", [request_id])


def insert(db: sqlite_utils.Database, row: dict) -> None:
    cols = list(row)
    db.execute(
        f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def update(db: sqlite_utils.Database, ticket_id: str, changes: dict) -> None:
    cols = list(changes)  # column names come from our code, never from requests
    db.execute(
        f"UPDATE tickets SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
        [changes[c] for c in cols] + [ticket_id],
    )


def waiting(db: sqlite_utils.Database, day: str, services: list[str] | None = None) -> list[dict]:
    sql = "SELECT * FROM tickets WHERE day = ? AND status = 'waiting'"
    params: list = [day]
    if services is not None:
        sql += f" AND service IN ({','.join('?' * len(services))})"
        params += services
    return rows(db, sql + " ORDER BY queue_at, number", params)


def call_candidates(db: sqlite_utils.Database, day: str, services: list[str]) -> list[dict]:
    """The rows of ``core.policy.call_candidates`` in SQL: every priority or appointment ticket,
    and the oldest other ticket of each service — so calling stays cheap with hundreds waiting."""
    marks = ",".join("?" * len(services))
    found = rows(
        db,
        f"SELECT * FROM tickets WHERE day = ? AND status = 'waiting' AND service IN ({marks})"
        " AND (priority_reason IS NOT NULL OR appointment_at IS NOT NULL)",
        [day, *services],
    )
    for service in services:
        found += rows(
            db,
            "SELECT * FROM tickets WHERE day = ? AND status = 'waiting' AND service = ?"
            " AND priority_reason IS NULL AND appointment_at IS NULL"
            " ORDER BY queue_at, number LIMIT 1",
            [day, service],
        )
    return found


_SPECIAL = "(priority_reason IS NOT NULL OR appointment_at IS NOT NULL)"
_QUEUE = "day = :day AND status = 'waiting' AND service = :service"


def place_counts(
    db: sqlite_utils.Database,
    row: dict,
    due_by: str,
    cutoff: str,
    rules: QueueRules,
    in_queue: int | None = None,
) -> PlaceCounts:
    """``core.policy.PlaceCounts`` of a waiting ticket (ISO times of one zone compare as text).
    ``cutoff``: others queued at or before it have waited past the appointments' bound.
    ``in_queue``: how many wait for its service, itself included, when the caller knows.

    Two statements, neither evaluating an expression per waiting ticket (that cost 0.8 µs a
    ticket: 0.4 ms an issue with 500 waiting): the few priority and appointment tickets are
    read (partial index ``tickets_waiting_special``) and sorted here; the plain walk-ins are
    index range counts over (queue_at, number), less the special ones the same ranges hold.
    A range count steps through its entries, so the ones before are the queue less the ones
    after: with ``in_queue`` known, a ticket just issued (none after it) costs the same with 10
    or 1,000 waiting."""
    params = {
        "day": row["day"],
        "service": row["service"],
        "qa": row["queue_at"],
        "num": row["number"],
        "cut": cutoff,
        "id": row["id"],
    }
    special = db.execute(
        f"SELECT id, priority_reason IS NOT NULL, appointment_at, queue_at, number FROM tickets"
        f" WHERE {_QUEUE} AND {_SPECIAL}",
        params,
    ).fetchall()
    # The ones before = all waiting less itself and the ones after (counting those after is
    # what costs nothing for a ticket just issued); all waiting counted here unless known.
    counted = f"(SELECT count(*) FROM tickets WHERE {_QUEUE})" if in_queue is None else ":n"
    in_queue, after_all, over_all, itself = db.execute(
        f"SELECT {counted},"
        f" (SELECT count(*) FROM tickets WHERE {_QUEUE} AND queue_at > :qa)"
        f" + (SELECT count(*) FROM tickets WHERE {_QUEUE} AND queue_at = :qa AND number > :num),"
        f" (SELECT count(*) FROM tickets WHERE {_QUEUE} AND queue_at <= :cut),"
        f" (SELECT count(*) FROM tickets WHERE id = :id AND {_QUEUE})",
        params | {"n": in_queue},
    ).fetchone()
    before_all = in_queue - itself - after_all
    mine = (row["queue_at"], row["number"])
    my_slot = row["appointment_at"] or ""
    p_total = p_before = due_total = due_before = 0
    special_before = special_over = rest_before = over = 0
    for sid, prio, slot, qa, num in special:
        if sid == row["id"]:
            continue
        before = (qa, num) < mine
        special_before += before
        special_over += qa <= cutoff
        if prio:
            p_total += 1
            p_before += before
        elif slot <= due_by:  # a due appointment (appointment_at is set: not priority)
            due_total += 1
            due_before += slot < my_slot or (slot == my_slot and before)
        else:  # booked for later: waits with the rest
            rest_before += before
            over += qa <= cutoff
    rest_before += before_all - special_before  # the ticket itself is not before itself
    over += over_all - special_over - (itself and row["queue_at"] <= cutoff)
    o_total = in_queue - itself - p_total
    x_due = bool(row["appointment_at"]) and row["appointment_at"] <= due_by
    x_over = not x_due and row["queue_at"] <= cutoff
    ahead = others_before(
        x_due, due_before if x_due else rest_before, due_total, over + x_over, x_over, rules
    )
    return PlaceCounts(p_total, p_before, o_total, ahead)


def open_until(db: sqlite_utils.Database, last_day: str) -> list[dict]:
    """Tickets of ``last_day`` or earlier still waiting, called or being served."""
    return rows(
        db,
        "SELECT * FROM tickets WHERE day <= ? AND status IN ('waiting', 'called', 'serving')"
        " ORDER BY day, queue_at",
        [last_day],
    )


def waiting_counts(db: sqlite_utils.Database, day: str) -> dict[str, int]:
    return dict(
        db.execute(
            "SELECT service, count(*) FROM tickets WHERE day = ? AND status = 'waiting' GROUP BY service",
            [day],
        ).fetchall()
    )


def recent_service_seconds(db: sqlite_utils.Database, service: str, limit: int = 20) -> list[float]:
    """Durations (start or call → finish) of the last finished tickets of a service."""
    rows = db.execute(
        "SELECT (julianday(finished_at) - julianday(coalesce(started_at, called_at))) * 86400"
        " FROM tickets WHERE service = ? AND status = 'done' AND finished_at IS NOT NULL"
        " ORDER BY finished_at DESC LIMIT ?",
        [service, limit],
    ).fetchall()
    return [r[0] for r in rows if r[0] is not None]


def oldest_waiting_by_service(db: sqlite_utils.Database, day: str) -> dict[str, str]:
    return dict(
        db.execute(
            "SELECT service, min(issued_at) FROM tickets WHERE day = ? AND status = 'waiting'"
            " GROUP BY service",
            [day],
        ).fetchall()
    )


def no_shows(db: sqlite_utils.Database, day: str, limit: int = 50) -> list[dict]:
    return rows(
        db,
        "SELECT id, number, service, window, called_at FROM tickets WHERE day = ? AND status = 'no_show'"
        " ORDER BY called_at DESC LIMIT ?",
        [day, limit],
    )


def recent_calls(db: sqlite_utils.Database, day: str, limit: int = 8) -> list[dict]:
    return rows(
        db,
        "SELECT * FROM tickets WHERE day = ? AND called_at IS NOT NULL"
        " ORDER BY called_at DESC LIMIT ?",
        [day, limit],
    )


def to_domain(row: dict) -> Ticket:
    return Ticket(
        id=row["id"],
        number=row["number"],
        service=row["service"],
        status=Status(row["status"]),
        issued_at=datetime.fromisoformat(row["issued_at"]),
        queue_at=datetime.fromisoformat(row["queue_at"]),
        priority_reason=row["priority_reason"],
        appointment_at=datetime.fromisoformat(row["appointment_at"])
        if row["appointment_at"]
        else None,
    )


# --- windows ---------------------------------------------------------------------------------


def window(db: sqlite_utils.Database, number: int) -> dict:
    found = first(db, "SELECT * FROM windows WHERE number = ?", [number])
    if found:
        return found
    return {
        "number": number,
        "state": "closed",
        "current_ticket": None,
        "staff": None,
        "priority_streak": 0,
        "appointment_streak": 0,
        "updated_at": None,
    }


def queue_version(db: sqlite_utils.Database) -> tuple[int, str | None]:
    """(last event id, latest change of a window row): together they move with every change of
    the tickets, the windows, the notice and the counters (each comes with an event, except a
    window's own bookkeeping, which its updated_at shows)."""
    return db.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM events), (SELECT max(updated_at) FROM windows)"
    ).fetchone()


def all_windows(db: sqlite_utils.Database) -> dict[int, dict]:
    return {r["number"]: r for r in rows(db, "SELECT * FROM windows")}


def save_window(db: sqlite_utils.Database, row: dict) -> None:
    cols = [
        "number",
        "state",
        "current_ticket",
        "staff",
        "priority_streak",
        "appointment_streak",
        "updated_at",
    ]
    db.execute(
        f"INSERT OR REPLACE INTO windows ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row.get(c) for c in cols],
    )


def issued_since(
    db: sqlite_utils.Database, day: str, since: str
) -> list[tuple[datetime, str, bool]]:
    """(issued at, service, priority) of the day's tickets issued since ``since``, in time order
    (arrival rates for the wait forecast)."""
    return [
        (datetime.fromisoformat(at), service, bool(priority))
        for at, service, priority in db.execute(
            "SELECT issued_at, original_service, priority_reason IS NOT NULL FROM tickets"
            " WHERE day = ? AND issued_at >= ? ORDER BY issued_at",
            [day, since],
        ).fetchall()
    ]
