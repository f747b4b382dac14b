"""Security headers on every page and API answer (issue 11 item 5)."""

from __future__ import annotations

import re

import pytest

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
CSP_MUST = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]

# Routes with parameters get a real ticket id, window 3, or a plain stand-in value (a 404 is fine:
# it must carry the headers too).
STAND_IN = {"ticket_id": "{ticket}", "filename": "staff.css", "year": "2026", "day": "2026-11-24"}


def check(r, where: str) -> None:
    for name, value in EXPECTED.items():
        assert r.headers.get(name) == value, (where, name, r.headers.get(name))
    csp = r.headers.get("Content-Security-Policy", "")
    for part in CSP_MUST:
        assert part in csp, (where, part, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where


def get_urls(app, ticket: str) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule == "/api/v1/events":
            continue  # the event stream is checked on its own below
        url = rule.rule
        for converter, name in re.findall(r"<(?:([^:>]+):)?([^>]+)>", rule.rule):
            value = "3" if converter in ("int", "sqlint") else STAND_IN.get(name, "x")
            if name == "filename" and "display" in rule.rule:
                value = "display.css"
            url = re.sub(r"<[^>]*\b" + re.escape(name) + ">", value, url)
        urls.append(url.replace("{ticket}", ticket))
    return urls


@pytest.fixture
def ticket(client, kiosk_headers, clock):
    clock.now = clock.now.replace(hour=9)
    r = client.post(
        "/api/v1/tickets",
        json={"service": "consult", "request_id": "headers-1"},
        headers=kiosk_headers,
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_every_page_and_api_answer_has_the_security_headers(app, admin_client, client, ticket):
    urls = get_urls(app, ticket)
    assert {"/admin", "/login", "/display", "/api/v1/hall", "/healthz"} <= set(urls)
    for url in urls:
        for who in (admin_client, client):
            r = who.get(url)
            r.close()  # static files are streamed from disk
            assert r.status_code < 500, (url, r.status_code)
            check(r, f"GET {url} → {r.status_code}")


def test_errors_posts_and_the_event_stream_have_them_too(admin_client, client):
    check(client.get("/no/such/page"), "404 page")
    check(client.get("/api/v1/nothing-here"), "404 api")
    check(client.post("/api/v1/tickets", data="x", content_type="text/plain"), "415")
    check(client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}), "401 login")
    check(admin_client.post("/api/v1/notice", json={"text": "欢迎"}), "POST notice")
    stream = client.get("/api/v1/events", buffered=False)
    try:
        check(stream, "SSE")
    finally:
        stream.close()


def test_staff_answers_are_not_cached_but_public_ones_may_be(admin_client, client):
    assert admin_client.get("/api/v1/ledger").headers["Cache-Control"] == "no-store"
    assert admin_client.get("/admin").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/hall").headers.get("Cache-Control") != "no-store"


def test_the_display_inline_style_carries_the_nonce_of_its_own_response(client):
    r = client.get("/display")
    nonce = re.search(r"<style nonce=\"([^\"]+)\">", r.get_data(as_text=True)).group(1)
    assert f"style-src 'self' 'nonce-{nonce}'" in r.headers["Content-Security-Policy"]
    assert nonce not in client.get("/display").headers["Content-Security-Policy"]  # fresh each time


def test_no_page_has_inline_script_handlers_or_style_attributes(app, admin_client, ticket):
    """What the CSP forbids must not be in the markup (the browser run checks it live too)."""
    for url in (
        "/login",
        "/admin",
        "/account",
        "/guide",
        "/window",
        "/window/3",
        "/evaluate/3",
        "/display",
        "/display/window/3",
        f"/t/{ticket}",
    ):
        html = admin_client.get(url).get_data(as_text=True)
        for script in re.findall(r"<script\b([^>]*)>", html):
            assert "src=" in script or 'type="application/json"' in script, (url, script)
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert not re.search(r"javascript:", html, re.I), url
