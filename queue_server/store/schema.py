"""Tables of the queue itself. Other features add their own Migrations set (see __init__)."""

from sqlite_utils import Migrations

migrations = Migrations("hallqueue.queue")


@migrations()
def m001_queue(db):
    db["counters"].create(
        {"service": str, "day": str, "seq": int}, pk=("service", "day"), not_null={"seq"}
    )
    db["tickets"].create(
        {
            "id": str,
            "number": str,
            "service": str,
            "original_service": str,
            "day": str,
            "seq": int,
            "status": str,
            "channel": str,
            "priority_reason": str,
            "appointment_code": str,
            "appointment_at": str,
            "request_id": str,
            "issued_at": str,
            "queue_at": str,
            "called_at": str,
            "started_at": str,
            "finished_at": str,
            "window": int,
            "staff": str,
            "recalls": int,
            "transfers": int,
        },
        pk="id",
        not_null={"number", "service", "day", "seq", "status", "issued_at", "queue_at"},
        defaults={"recalls": 0, "transfers": 0, "channel": "kiosk"},
    )
    db["tickets"].create_index(["request_id"], unique=True)
    db["tickets"].create_index(["day", "original_service", "seq"], unique=True)
    db["tickets"].create_index(["status", "service", "queue_at"])
    db["windows"].create(
        {
            "number": int,
            "state": str,
            "current_ticket": str,
            "staff": str,
            "priority_streak": int,
            "updated_at": str,
        },
        pk="number",
        defaults={"state": "closed", "priority_streak": 0},
    )
    db.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL,"
        " at TEXT NOT NULL, data TEXT NOT NULL)"
    )
    # Append-only: the log displays resume from must never change under them.
    db.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
        " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
        " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )
    db["users"].create(
        {
            "username": str,
            "password_hash": str,
            "role": str,
            "display_name": str,
            "failed_logins": int,
            "locked_until": str,
            "created_at": str,
        },
        pk="username",
        defaults={"failed_logins": 0},
    )
    db["devices"].create(
        {
            "id": str,
            "kind": str,
            "token_hash": str,
            "name": str,
            "last_seen": str,
            "status": str,
            "created_at": str,
        },
        pk="id",
    )
    db["devices"].create_index(["token_hash"], unique=True)


@migrations()
def m002_hall_state(db):
    # Small mutable hall-wide values, e.g. the display's notice line.
    db["hall_state"].create({"key": str, "value": str, "updated_at": str}, pk="key")


@migrations()
def m003_waiting_index(db):
    # Waiting counts and positions are read on every issue and call: index the day's queue.
    db["tickets"].create_index(["day", "status", "service", "queue_at"])


@migrations()
def m004_service_time_index(db):
    # The wait estimate reads the last finished tickets of a service on every issue.
    db["tickets"].create_index(["service", "status", "finished_at"])


@migrations()
def m005_device_window(db):
    # An evaluator belongs to one window: it may rate only that window's visits.
    db["devices"].add_column("window", int)
