"""One real ``queue-server serve`` and one headless Chromium per module for the console tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.browser import browser, new_page, shots_dir  # noqa: F401 (fixtures)
from tests.support.live_server import start_server

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


@pytest.fixture
def shots() -> Path:
    return shots_dir("consoles")


def issue(server, service: str, request_id: str, **extra) -> dict:
    r = requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": service, "request_id": request_id, **extra},
        headers={"Authorization": f"Bearer {server.kiosk_token}"},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r.json()
