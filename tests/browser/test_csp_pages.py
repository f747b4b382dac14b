"""Every page in Chromium under the server's Content-Security-Policy: no violation, no console
error (issue 11 item 5). The pages' scripts must run as usual with the policy on."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import watched
from tests.support.live_server import PASSWORD


def logged_in(new_page, server, user: str):
    page = new_page()
    errors = watched(page)
    page.goto(f"{server.url}/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)
    return page, errors


def settle(page, ready: str) -> list[str]:
    """Wait until the page's script drew ``ready``, let timers and streams run, then report."""
    expect(page.locator(ready).first).to_be_attached()
    page.wait_for_timeout(1500)
    return page.evaluate("window.__csp")


@pytest.fixture(scope="module")
def ticket(server) -> dict:
    r = requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": "consult", "request_id": "csp-0001"},
        headers={"Authorization": f"Bearer {server.kiosk_token}"},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def evaluator_token(server) -> str:
    admin = server.login("admin1")  # a script client (no Origin header): no CSRF header needed
    r = admin.post(
        f"{server.url}/api/v1/admin/devices",
        json={"id": "eval-3", "kind": "evaluator", "window": 3},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r.json()["token"]


PUBLIC = [
    ("/login", "#login-submit"),
    ("/display", "body"),
    ("/display/window/3", "body"),
]
STAFF = [
    ("/admin", "#users tbody tr"),
    ("/account", "#password-form"),
    ("/window", "main"),
    ("/window/3", "#phrases-body details"),
    ("/guide", "#queues tbody tr"),
]


@pytest.mark.parametrize("path, ready", PUBLIC)
def test_public_pages_meet_the_csp(server, new_page, path, ready):
    page = new_page()
    errors = watched(page)
    page.goto(server.url + path)
    assert settle(page, ready) == []
    assert errors == []


def test_the_ticket_status_page_meets_the_csp(server, new_page, ticket):
    page = new_page(viewport={"width": 390, "height": 844})
    errors = watched(page)
    page.goto(f"{server.url}/t/{ticket['id']}")
    expect(page.locator("body")).to_contain_text(ticket["number"])
    assert settle(page, "body") == []
    assert errors == []


def test_the_evaluator_meets_the_csp(server, new_page, evaluator_token):
    page = new_page(viewport={"width": 1024, "height": 768})
    errors = watched(page)
    page.goto(f"{server.url}/evaluate/3?token={evaluator_token}")
    expect(page).to_have_url(f"{server.url}/evaluate/3")  # the token left the address bar
    assert settle(page, "body") == []
    assert errors == []


@pytest.mark.parametrize("path, ready", STAFF)
def test_staff_pages_meet_the_csp(server, new_page, path, ready):
    page, errors = logged_in(new_page, server, "admin1")
    page.goto(server.url + path)
    assert settle(page, ready) == []
    assert errors == []


def test_the_watch_does_see_a_violation(server, new_page):
    """The check above can fail: an inline script and a style attribute are refused and seen."""
    page = new_page()
    errors = watched(page)
    page.goto(server.url + "/login")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.append(s);
        document.body.insertAdjacentHTML("beforeend", '<p style="color:red">x</p>');
    }""")
    page.wait_for_timeout(300)
    seen = page.evaluate("window.__csp")
    assert any(v.startswith("script-src") for v in seen), seen
    assert any(v.startswith("style-src") for v in seen), seen
    assert page.evaluate("window.__ran") is None
    assert any("Content Security Policy" in e for e in errors), errors
