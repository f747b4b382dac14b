"""No unmasked ID number or name (§8.6, DOMAIN "Identity at a kiosk") in any citizen response, any
page, any log line, or anywhere in the hall database: every route of the feature is walked for
the demo people — successes, refusals, locks, statements, checks, the audit — with the sqlite
provider and with the http provider against a misbehaving upstream."""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3

import pytest

from queue_server.records.demo_people import essc_code
from queue_server.records.sqlite_provider import SqliteProvider
from queue_server.web import create_app

from ..conftest import login
from .conftest import TODAY, kiosk
from .test_citizen_session import card, wrong
from .upstream import TOKEN, FakeUpstream

SESSION = "/api/v1/citizen/session"


class Recorder:
    """Everything the server said: bodies, headers; and the log, from the caplog fixture."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, response):
        self.seen.append(json.dumps(dict(response.headers), ensure_ascii=False))
        body = response.get_data()
        try:  # JSON bodies as the characters they carry (no \\u escapes to hide in)
            self.seen.append(json.dumps(json.loads(body), ensure_ascii=False))
        except ValueError:
            self.seen.append(body.decode("utf-8-sig", "replace"))
        return response


def secrets_of(person) -> list[str]:
    number = person.id_number
    birth = number[6:14]
    return [
        number,
        number.lower(),
        number[:14],
        person.name,
        f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
    ]


def walk(client, admin, token, people, records_path, clock, record) -> None:
    """Every route of the feature, for each person, with the answers recorded."""

    def call(method, url, **kw):
        return record(getattr(client, method)(url, **kw))

    for i, p in enumerate(people):
        h = kiosk(client, token)
        call("post", SESSION, headers=h, json=card(p, name=people[i - 1].name))  # wrong holder
        call("post", SESSION, headers=h, json=card(p, valid_to="2020-01-01"))  # out of date
        call(
            "post",
            SESSION,
            headers=h,
            json={"password": {"id_number": p.id_number, "password": wrong(p.password)}},
        )
        stale = essc_code(records_path, p.person_id, clock(), lifetime_s=1)
        clock.advance(seconds=2)
        call("post", SESSION, headers=h, json={"essc_qr": stale})
        for body in (
            card(p),
            {"essc_qr": essc_code(records_path, p.person_id, clock(), 60)},
            {"password": {"id_number": p.id_number, "password": p.password}},
        ):
            started = call("post", SESSION, headers=h, json=body).get_json()
            s = kiosk(client, token, started["token"])
            for what in ("profile", "account", "cases"):
                call("get", f"/api/v1/citizen/{what}", headers=s)
            for what in ("contributions", "benefits"):
                call("get", f"/api/v1/citizen/{what}?from=1990-01&to=2026-11", headers=s)
            made = call(
                "post",
                "/api/v1/citizen/statements",
                headers=s,
                json={"kind": "contribution_certificate", "from": "1990-01", "to": "2026-11"},
            ).get_json()
            call("get", f"/v/{made['verification_code']}")
            made = call(
                "post",
                "/api/v1/citizen/statements",
                headers=s,
                json={"kind": "annual_record", "year": 2025},
            ).get_json()
            call("get", f"/v/{made['verification_code']}")
            cases = client.get("/api/v1/citizen/cases", headers=s).get_json()["cases"]
            for c in cases:
                call("get", f"/api/v1/cases/{c['case_number']}?check={p.id_number[-4:]}", headers=h)
                call("get", f"/api/v1/cases/{c['case_number']}?check=0000", headers=h)
            call("delete", SESSION, headers=s, json={})
            call("get", "/api/v1/citizen/profile", headers=s)  # ended
        for _ in range(6):  # up to the lock
            call(
                "post",
                SESSION,
                headers=h,
                json={"password": {"id_number": p.id_number, "password": wrong(p.password)}},
            )
        clock.advance(minutes=31)  # the kiosk's failures are forgotten after its window
    call("get", "/api/v1/audit?limit=1000")
    for p in people:
        call("post", "/api/v1/audit/search", json={"id_number": p.id_number})
        call("post", "/api/v1/audit/export.csv", json={"id_number": p.id_number})
    record(admin.get("/admin/audit"))
    call("get", "/api/v1/audit/export.csv")


def hall_db_text(path) -> str:
    """Every value of every table of the hall database, as text."""
    conn = sqlite3.connect(path)
    try:
        out = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM [{table}]"):
                out.append(" ".join(str(v) for v in row))
        return "\n".join(out)
    finally:
        conn.close()


def assert_clean(texts: list[str], people, where: str) -> None:
    for person in people:
        for secret in secrets_of(person):
            hits = [t for t in texts if secret in t]
            assert not hits, f"{where}: {secret!r} of a person appears in {hits[0][:300]!r}"


def test_no_response_or_log_line_or_stored_row_holds_a_personal_field(
    app, client, kiosk_token, people, records_db, clock, caplog, db_path
):
    caplog.set_level(logging.DEBUG)
    record = Recorder()
    admin = app.test_client()
    login(admin, "admin1")
    client.application = app
    walk(_AsAdminToo(client, admin), admin, kiosk_token, people[:6], records_db[0], clock, record)
    assert len(record.seen) > 500
    assert_clean(record.seen, people[:6], "response")
    logs = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert_clean(logs, people[:6], "log line")
    assert_clean([hall_db_text(db_path)], people[:6], "hall database")


class _AsAdminToo:
    """The kiosk's client for kiosk routes, the admin's for /api/v1/audit."""

    def __init__(self, kiosk_client, admin_client):
        self.kiosk, self.admin = kiosk_client, admin_client

    def _pick(self, url: str):
        return self.admin if url.startswith("/api/v1/audit") else self.kiosk

    def get(self, url, **kw):
        return self._pick(url).get(url, **kw)

    def post(self, url, **kw):
        return self._pick(url).post(url, **kw)

    def delete(self, url, **kw):
        return self._pick(url).delete(url, **kw)


@pytest.mark.parametrize("mode", ["ok", "other_person", "garbage", "500", "slow"])
def test_the_http_provider_keeps_quiet_too(
    settings, records_db, people, clock, caplog, mode, tmp_path
):
    """The hall reading a province system that misbehaves: the log says what failed, never who."""
    backing = SqliteProvider(records_db[0])
    upstream = FakeUpstream(backing, TODAY)
    upstream.mode, upstream.delay = mode, 1.0
    records = dataclasses.replace(
        settings.records, provider="http", base_url=upstream.url, auth_value=TOKEN, timeout_s=0.5
    )
    app = create_app(
        dataclasses.replace(settings, records=records),
        db_path=tmp_path / "h.db",
        clock=clock,
        test_config={"TESTING": True},
    )
    caplog.set_level(logging.DEBUG)
    record = Recorder()
    try:
        token = app.extensions["hall"].accounts.create_device("kiosk-1", "kiosk")
        client = app.test_client()
        for p in people[:3]:
            started = record(
                client.post(
                    SESSION,
                    headers=kiosk(client, token),
                    json={"password": {"id_number": p.id_number, "password": p.password}},
                )
            )
            assert started.status_code == (201 if mode in ("ok",) else 503)
            if started.status_code == 201:
                s = kiosk(client, token, started.get_json()["token"])
                for what in ("profile", "account", "cases", "contributions", "benefits"):
                    assert (
                        record(client.get(f"/api/v1/citizen/{what}", headers=s)).status_code == 200
                    )
        logs = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
        if mode != "ok":
            assert any("records upstream" in line for line in logs)
        assert_clean(record.seen, people[:3], "response")
        assert_clean(logs, people[:3], "log line")
    finally:
        app.extensions["hall"].close()
        upstream.close()
        backing.close()
