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


@migrations()
def m006_staff_access(db):
    # Server-side staff sessions: the cookie holds a random id, only its SHA-256 is stored, so a
    # copy of the database cannot be replayed as cookies; deleting the row ends the session.
    db["staff_sessions"].create(
        {
            "id_hash": str,
            "username": str,
            "created_at": str,
            "last_seen_at": str,
            "address": str,
            "user_agent": str,
        },
        pk="id_hash",
        not_null={"username", "created_at", "last_seen_at"},
    )
    db["staff_sessions"].create_index(["username"])
    # Login throttling per (name as typed, client address); names that do not exist count too,
    # so the replies cannot tell real accounts apart.
    db["login_failures"].create(
        {"username": str, "address": str, "failures": int, "first_at": str, "last_at": str},
        pk=("username", "address"),
        not_null={"failures", "last_at"},
    )
    db["login_failures"].create_index(["last_at"])
    db["login_locks"].create(
        {"username": str, "locked_at": str, "locked_until": str, "addresses": int},
        pk="username",
    )
    # users.failed_logins / locked_until (the old per-account lock) are no longer used.
    db["users"].add_column("disabled", int, not_null_default=0)
    db["users"].add_column("last_login_at", str)
    db["users"].add_column("last_login_address", str)
    db["users"].add_column("password_changed_at", str)
    # Devices: a revoked token stays on record (who, when) but matches nothing.
    db["devices"].add_column("revoked_at", str)


@migrations()
def m007_device_silence(db):
    # When a device fell silent (no heartbeat past server.device_silent_s): one device.alert
    # per silence, cleared with device.recovered by the next heartbeat, kept across restarts.
    db["devices"].add_column("silent_since", str)


@migrations()
def m008_city_shipping(db):
    # queue-server ship: the highest event id the city's PostgreSQL acknowledged, per city hall
    # id (docs/city.md). The city's own watermark decides what is stored; this row is where
    # the next shipment starts and what the hall's doctor reads as the shipping lag.
    db["city_shipping"].create(
        {"hall_id": str, "acked_id": int, "acked_at": str}, pk="hall_id", not_null={"acked_id"}
    )


@migrations()
def m009_place_counts_index(db):
    # A waiting ticket's place (store.tickets.place_counts) is counted from index ranges:
    # (queue_at, number) makes the count index-only even when tickets share a queue_at, and
    # the few priority and appointment tickets are read through their own partial index.
    db.execute("DROP INDEX IF EXISTS idx_tickets_day_status_service_queue_at")
    db.execute(
        "CREATE INDEX tickets_waiting_order ON tickets (day, status, service, queue_at, number)"
    )
    db.execute(
        "CREATE INDEX tickets_waiting_special ON tickets (day, status, service)"
        " WHERE priority_reason IS NOT NULL OR appointment_at IS NOT NULL"
    )
