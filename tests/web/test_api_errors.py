"""Bad input gets a clear 4xx message and writes nothing; roles are enforced; OpenAPI is complete."""

from __future__ import annotations

import re

import pytest

from ..conftest import PASSWORD


def counts(hall):
    db = hall.store.db
    return db["tickets"].count, db["events"].count


BAD_TICKET_BODIES = [
    ({"service": "pension"}, 422, "request_id"),
    ({"service": "nope", "request_id": "abcdefgh123"}, 422, "service"),
    ({"service": 7, "request_id": "abcdefgh123"}, 422, "service"),
    ({"service": ["pension"], "request_id": "abcdefgh123"}, 422, "service"),
    ({"service": "pension", "request_id": 12345678}, 422, "request_id"),
    (
        {"service": "pension", "request_id": "abcdefgh123", "priority_reason": "vip"},
        422,
        "priority_reason",
    ),
    ({"service": "pension", "request_id": "abcdefgh123", "channel": "fax"}, 422, "channel"),
    ({"service": "pension", "request_id": "x" * 10_000}, 422, "request_id"),
    ({"service": "养" * 10_000, "request_id": "abcdefgh123"}, 422, "service"),
]


@pytest.mark.parametrize("body, status, field", BAD_TICKET_BODIES)
def test_bad_ticket_requests_are_refused_and_nothing_written(
    client, kiosk_headers, hall, body, status, field
):
    before = counts(hall)
    r = client.post("/api/v1/tickets", json=body, headers=kiosk_headers)
    assert r.status_code == status
    err = r.get_json()["error"]
    assert (
        err["field"] == field and err["message"] and re.search(r"[\u4e00-\u9fff]", err["message"])
    )
    assert counts(hall) == before


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("service=pension", "application/x-www-form-urlencoded", 415),
        ("", "application/json", 400),
    ],
)
def test_malformed_bodies(client, kiosk_headers, hall, data, content_type, status):
    before = counts(hall)
    r = client.post("/api/v1/tickets", data=data, content_type=content_type, headers=kiosk_headers)
    assert r.status_code == status and r.get_json()["error"]["message"]
    assert counts(hall) == before


def test_oversized_body_is_413_json(client, kiosk_headers):
    r = client.post(
        "/api/v1/tickets",
        data='{"a": "' + "x" * 100_000 + '"}',
        content_type="application/json",
        headers=kiosk_headers,
    )
    assert r.status_code == 413 and r.get_json()["error"]["code"]


def test_english_message_when_asked(client, kiosk_headers):
    r = client.post(
        "/api/v1/tickets",
        json={"service": "nope", "request_id": "abcdefgh123"},
        headers=kiosk_headers | {"Accept-Language": "en-US,en;q=0.9"},
    )
    assert r.get_json()["error"]["message"] == "Unknown service nope."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/windows/99/open",
        "/api/v1/windows/0/call-next",
        "/api/v1/windows/99/finish",
        "/api/v1/windows/99/transfer",
    ],
)
def test_unknown_windows_are_404(window_client, path, hall):
    before = counts(hall)
    r = window_client.post(path, json={"service": "card"})
    assert r.status_code == 404 and "窗口" in r.get_json()["error"]["message"]
    assert counts(hall) == before


def test_actions_without_current_ticket_are_409(window_client, hall):
    window_client.post("/api/v1/windows/4/open", json={})
    before = counts(hall)
    for action in ("recall", "start", "no-show", "finish"):
        r = window_client.post(f"/api/v1/windows/4/{action}", json={})
        assert r.status_code == 409, action
    r = window_client.post("/api/v1/windows/4/transfer", json={"service": "card"})
    assert r.status_code == 409
    assert counts(hall) == before


def test_transfer_to_unknown_service_is_422(window_client, client, kiosk_headers, hall):
    client.post(
        "/api/v1/tickets",
        json={"service": "pension", "request_id": "abcdefgh123"},
        headers=kiosk_headers,
    )
    window_client.post("/api/v1/windows/4/open", json={})
    window_client.post("/api/v1/windows/4/call-next", json={})
    before = counts(hall)
    r = window_client.post("/api/v1/windows/4/transfer", json={"service": "x" * 5000})
    assert r.status_code == 422 and counts(hall) == before


def test_unknown_ticket_404_and_bad_last_event_id_400(client):
    assert client.get("/api/v1/tickets/nope").status_code == 404
    assert client.get("/api/v1/tickets/" + "x" * 5000).status_code == 404
    r = client.get("/api/v1/events", headers={"Last-Event-ID": "abc"})
    assert r.status_code == 400


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/v1/tickets"),
        ("post", "/api/v1/windows/4/open"),
        ("post", "/api/v1/windows/4/call-next"),
        ("post", "/api/v1/tickets/abc/reinstate"),
        ("get", "/api/v1/devices"),
        ("get", "/api/v1/windows/4/queue"),
        ("post", "/api/v1/devices/kiosk-1/heartbeat"),
    ],
)
def test_anonymous_is_401(client, method, path):
    r = getattr(client, method)(path, json={})
    assert r.status_code == 401


def test_wrong_role_is_403(guide_client, window_client, kiosk_headers, client):
    assert guide_client.post("/api/v1/windows/4/open", json={}).status_code == 403
    assert window_client.post("/api/v1/tickets/abc/reinstate", json={}).status_code == 403
    assert client.post("/api/v1/windows/4/open", json={}, headers=kiosk_headers).status_code == 403
    assert client.get("/api/v1/devices", headers=kiosk_headers).status_code == 403


def test_admin_may_do_everything(admin_client):
    assert admin_client.post("/api/v1/windows/4/open", json={}).status_code == 200
    assert admin_client.get("/api/v1/devices").status_code == 200


def test_bad_device_token_is_401(client):
    r = client.post("/api/v1/tickets", json={}, headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401


def test_login_cookie_flags_and_throttle(app, clock):
    c = app.test_client()
    r = c.post("/api/v1/auth/login", json={"username": "win1", "password": PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    bad = app.test_client()
    for _ in range(3):  # auth.login_free_failures
        assert (
            bad.post(
                "/api/v1/auth/login", json={"username": "guide1", "password": "wrong"}
            ).status_code
            == 401
        )
    r = bad.post("/api/v1/auth/login", json={"username": "guide1", "password": PASSWORD})
    assert r.status_code == 429 and "秒后再试" in r.get_json()["error"]["message"]
    clock.advance(seconds=5)  # auth.login_first_delay_s
    assert (
        bad.post(
            "/api/v1/auth/login", json={"username": "guide1", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_device_heartbeat_and_alert(client, kiosk_headers, guide_client, hall):
    r = client.post(
        "/api/v1/devices/kiosk-1/heartbeat",
        json={"status": {"printer": "paper_out"}},
        headers=kiosk_headers,
    )
    assert r.status_code == 200
    devices = guide_client.get("/api/v1/devices").get_json()["devices"]
    assert devices[0]["status"]["printer"] == "paper_out" and devices[0]["alert"] is True
    types = [r["type"] for r in hall.store.db.query("SELECT type FROM events")]
    assert types == ["device.alert"]
    assert (
        client.post("/api/v1/devices/other/heartbeat", json={}, headers=kiosk_headers).status_code
        == 403
    )
    r = client.post(
        "/api/v1/devices/kiosk-1/heartbeat",
        json={"status": {"printer": "on fire"}},
        headers=kiosk_headers,
    )
    assert r.status_code == 422


def test_openapi_describes_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if "{state}" in path or "{action}" in path:
                continue  # expanded below
            routes.add((path, method.lower()))
        if "<any(" in rule.rule:
            choices = re.search(r"<any\(([^)]*)\):(\w+)>", rule.rule)
            for choice in choices.group(1).replace("'", "").split(","):
                routes.add((re.sub(r"\{(state|action)\}", choice.strip(), path), "post"))
    missing = routes - documented
    extra = documented - routes
    assert not missing, f"routes missing from openapi.py: {sorted(missing)}"
    assert not extra, f"documented but not routed: {sorted(extra)}"
