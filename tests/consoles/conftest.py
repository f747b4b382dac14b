"""One real ``queue-server serve`` and one headless Chromium per module for the console tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from tests.support.browser import chromium
from tests.support.live_server import PASSWORD, start_server

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "tests" / "output")) / "consoles"
START = "2026-11-24T09:00:00+08:00"  # a Tuesday morning


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("consoles"))
    srv.set_clock(START)
    for name, role in (
        ("win1", "window"),
        ("guide1", "guide"),
        ("admin1", "admin"),
        ("locky", "window"),
    ):
        srv.create_user(name, role)
    srv.kiosk_token = srv.create_device("kiosk-1", "kiosk")
    srv.evaluator_token = srv.create_device("eval-3", "evaluator")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def shots() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def new_page(browser):
    """A fresh browser context (its own cookies) per call, closed after the test."""
    contexts = []

    def make(**kw):
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}, **kw)
        ctx.set_default_timeout(30000)  # the first page of a fresh server builds the display font
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def login_page(page, server, user: str, next_path: str):
    page.goto(f"{server.url}/login?next={next_path}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{server.url}{next_path}")
    return page


def issue(server, service: str, request_id: str, **extra) -> dict:
    r = requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": service, "request_id": request_id, **extra},
        headers={"Authorization": f"Bearer {server.kiosk_token}"},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r.json()
