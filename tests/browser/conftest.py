"""A real ``queue-server serve`` (behind a pretend proxy, so tests can speak from several client
addresses) and one headless Chromium per module, for the access and CSP browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import browser, new_page, shots_dir  # noqa: F401 (fixtures)
from tests.support.live_server import start_server

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


@pytest.fixture
def shots() -> Path:
    return shots_dir("access")
