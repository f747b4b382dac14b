"""The plain-route baseline of bench_server.py (issue 10): a bare Flask route under waitress
doing the same SQLite transaction as issuing a ticket — BEGIN IMMEDIATE, the request_id looked up
(a retry gets its ticket back), the day's counter, the insert, COMMIT, in WAL mode — and nothing
else (no auth, no events, no estimate).

Run by bench_server.py as a subprocess: ``python baseline_server.py PORT DB_PATH``.
"""

from __future__ import annotations

import secrets
import sqlite3
import sys
import threading

from flask import Flask, jsonify, request
from waitress import serve

local = threading.local()


def db(path: str) -> sqlite3.Connection:
    if not hasattr(local, "conn"):
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        local.conn = conn
    return local.conn


def create(path: str) -> Flask:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS counters (service TEXT, day TEXT, seq INTEGER,"
            " PRIMARY KEY (service, day))"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, service TEXT,"
            " day TEXT, seq INTEGER, request_id TEXT UNIQUE)"
        )
    app = Flask(__name__)

    @app.post("/api/v1/tickets")
    def issue():
        body = request.get_json()
        conn = db(path)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # A retried request gets the ticket it already has, as on the real server: the
            # kiosk's request_id makes issuing idempotent (issue 10 item 4).
            found = conn.execute(
                "SELECT id, seq FROM tickets WHERE request_id = ?", [body["request_id"]]
            ).fetchone()
            if found is not None:
                conn.execute("COMMIT")
                return jsonify({"id": found[0], "number": f"X{found[1]:03d}"}), 200
            seq = conn.execute(
                "INSERT INTO counters VALUES (?, '2026-11-24', 1) ON CONFLICT (service, day)"
                " DO UPDATE SET seq = seq + 1 RETURNING seq",
                [body["service"]],
            ).fetchone()[0]
            tid = secrets.token_urlsafe(12)
            conn.execute(
                "INSERT INTO tickets VALUES (?, ?, '2026-11-24', ?, ?)",
                [tid, body["service"], seq, body["request_id"]],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return jsonify({"id": tid, "number": f"X{seq:03d}"}), 201

    return app


if __name__ == "__main__":
    port, path = int(sys.argv[1]), sys.argv[2]
    serve(create(path), host="127.0.0.1", port=port, threads=8, _quiet=True)
