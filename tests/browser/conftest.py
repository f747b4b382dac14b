"""A real ``queue-server serve`` (behind a pretend proxy, so tests can speak from several client
addresses) and one headless Chromium per module, for the access and CSP browser tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import chromium
from tests.support.live_server import start_server

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "tests" / "output")) / "access"
START = "2026-11-24T09:00:00+08:00"  # a Tuesday morning
# One trusted proxy hop: X-Forwarded-For names the client, as behind the README's nginx/caddy.
# A small hard-lock threshold keeps the lock test quick.
ENV = {
    "HALLQUEUE_SERVER_PROXY_HOPS": "1",
    "HALLQUEUE_AUTH_LOCK_FAILURES": "6",
    "HALLQUEUE_AUTH_LOCK_ADDRESSES": "2",
    "HALLQUEUE_AUTH_LOCK_MINUTES": "0",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("access"), env=ENV)
    srv.set_clock(START)
    for name, role in (("win1", "window"), ("guide1", "guide"), ("admin1", "admin")):
        srv.create_user(name, role)
    srv.kiosk_token = srv.create_device("kiosk-1", "kiosk")
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
        ctx = browser.new_context(
            **({"locale": "zh-CN", "viewport": {"width": 1400, "height": 1000}} | kw)
        )
        ctx.set_default_timeout(8000)
        ctx.set_default_navigation_timeout(30000)  # a fresh server builds its font subset first
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()
