"""A fake province records system on loopback, speaking the JSON contract of docs/records.md.

It answers from a real SqliteProvider over the demo records database, so the http provider can
be checked against the sqlite one on the same people. ``mode`` makes it misbehave the ways a
real upstream does: ``slow`` (answers after ``delay`` seconds), ``drip`` (headers at once, the
body a byte at a time), ``500``, ``garbage`` (not JSON), ``bad_shape`` (JSON without the fields),
``other_person`` (an answer about somebody else), ``unauthorized`` (401), ``flaky`` (the first
``flaky`` requests get a dropped connection). ``down()`` closes the port.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from queue_server.core.insurance import money, rate_text
from queue_server.core.numbering import HALL_TZ
from queue_server.records.errors import NotVerified
from queue_server.records.provider import EsscCode, IdCard, Person, QueryPassword

TOKEN = "Bearer upstream-test-token"


def _date(d):
    return d.isoformat() if d else None


def serialize(what: str, value) -> dict:
    if what == "profile":
        return {
            "ref": value.ref,
            "id_number": value.id_number,
            "name": value.name,
            "sex": value.sex,
            "birth_date": value.birth_date.isoformat(),
            "first_month": value.first_month,
            "employer": value.employer,
            "statuses": [
                {
                    "insurance": s.insurance,
                    "status": s.status,
                    "first_month": s.first_month,
                    "months_paid": s.months_paid,
                }
                for s in value.statuses
            ],
        }
    if what == "contributions":
        return {
            "months": [
                {
                    "month": m.month,
                    "insurance": m.insurance,
                    "base": money(m.base),
                    "unit": money(m.unit),
                    "personal": money(m.personal),
                    "payer": m.payer,
                    "state": m.state,
                }
                for m in value
            ]
        }
    if what == "account":
        return {
            "balance": money(value.balance),
            "years": [
                {
                    "year": y.year,
                    "opening": money(y.opening),
                    "credits": money(y.credits),
                    "rate": rate_text(y.rate_bp).rstrip("%") or None,
                    "interest": money(y.interest),
                    "closing": money(y.closing),
                }
                for y in value.years
            ],
        }
    if what == "benefits":
        return {
            "payments": [
                {"month": b.month, "kind": b.kind, "amount": money(b.amount)} for b in value
            ]
        }
    if what == "cases":
        return {
            "cases": [
                {
                    "case_number": c.case_number,
                    "item": c.item,
                    "received_on": c.received_on.isoformat(),
                    "stage": c.stage,
                    "next_stage": c.next_stage,
                    "next_expected": _date(c.next_expected),
                    "window": c.window,
                }
                for c in value
            ]
        }
    raise ValueError(what)


class FakeUpstream:
    def __init__(self, provider, today):
        self.provider = provider
        self.today = today
        self.mode = "ok"
        self.delay = 5.0
        self.flaky = 0
        self.requests: list[tuple[str, str]] = []
        self.auth_seen: list[str | None] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # close() waits for requests still being answered: none outlives the test's database
        self.server.daemon_threads = False
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/records/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def close(self) -> None:
        try:
            self.down()
        except OSError:
            pass

    # --- answering -------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict, body: dict | None):
        """(status, JSON-able) for a request, as a correct upstream would answer it."""
        parts = [unquote(p) for p in path.split("/") if p]
        if parts[:2] != ["records", "v1"]:
            return 404, {"error": "not found"}
        parts = parts[2:]
        p = self.provider
        if method == "POST" and parts == ["verify"]:
            now = datetime.now(HALL_TZ)
            try:
                if body["method"] == "id_card":
                    person = p.verify(IdCard(body["id_number"], body["name"]), now)
                elif body["method"] == "password":
                    person = p.verify(QueryPassword(body["id_number"], body["password"]), now)
                else:
                    person = p.verify(EsscCode(body["code"]), now)
            except NotVerified as exc:
                return 200, {"verified": False, "reason": exc.reason}
            return 200, {
                "verified": True,
                "person": {"ref": person.ref, "id_number": person.id_number, "name": person.name},
            }
        if method == "GET" and len(parts) == 3 and parts[0] == "persons":
            person = Person(parts[1], "", "")
            what = parts[2]
            first, last = query.get("from", [None])[0], query.get("to", [None])[0]
            if what == "profile":
                value = p.profile(person, self.today)
            elif what in ("contributions", "benefits"):
                value = getattr(p, what)(person, first, last)
            elif what == "account":
                value = p.account(person, self.today)
            elif what == "cases":
                value = p.cases(person)
            else:
                return 404, {"error": "not found"}
            return 200, {"ref": person.ref, **serialize(what, value)}
        if method == "GET" and len(parts) == 2 and parts[0] == "cases":
            found = p.case_progress(parts[1], query.get("check", [""])[0])
            if found is None:
                return 404, {"error": "not found"}
            return 200, {
                "case_number": found.case_number,
                "item": found.item,
                "stage": found.stage,
                "next_stage": found.next_stage,
                "next_expected": _date(found.next_expected),
            }
        return 404, {"error": "not found"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the test's log is checked for personal data
                pass

            def _serve(self, method: str):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append((method, url.path))
                    fake.auth_seen.append(self.headers.get("Authorization"))
                    count = len(fake.requests)
                mode = fake.mode
                if mode == "flaky" and count <= fake.flaky:
                    self.connection.shutdown(socket.SHUT_RDWR)  # dropped mid-request
                    self.close_connection = True
                    return
                if mode == "slow":
                    time.sleep(fake.delay)
                if mode == "unauthorized" or self.headers.get("Authorization") != TOKEN:
                    return self._send(401, b'{"error":"unauthorized"}')
                if mode == "500":
                    return self._send(500, b'{"error":"internal"}')
                if mode == "garbage":
                    return self._send(200, b"<html>Service Unavailable</html>")
                status, data = fake.answer(
                    method, url.path, parse_qs(url.query), json.loads(raw) if raw else None
                )
                if mode == "bad_shape" and status == 200:
                    data = {"ref": data.get("ref"), "unexpected": True}
                if mode == "other_person" and status == 200:
                    data = fake.other_person(data)
                body = json.dumps(data, ensure_ascii=False).encode()
                if mode == "drip":
                    return self._drip(status, body)
                self._send(status, body)

            def _send(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _drip(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.05)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler

    def other_person(self, data: dict) -> dict:
        """The same answer about somebody else: another ref and ID number."""
        out = dict(data)
        if "ref" in out:
            out["ref"] = str(int(out["ref"]) + 1)
        if "person" in out:
            out["person"] = {**out["person"], "ref": "999", "id_number": "11010519491231002X"}
        if "id_number" in out:
            out["id_number"] = "11010519491231002X"
        return out
