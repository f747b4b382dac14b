"""A live queue server whose social security card service (E) has a daily cap of CAP, for the
kiosk's sold-out tests; ``sell_out`` takes the rest of today's card tickets."""

from __future__ import annotations

import shutil
import uuid

import pytest
import requests

from tests.support.live_server import EXAMPLE, start_server

CAP = 2


def capped_config(folder):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "daily_cap = 300" in text
    text = text.replace("daily_cap = 300", f"daily_cap = {CAP}")
    (folder / "hall.toml").write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLE.parent / "faq.toml", folder / "faq.toml")
    return folder / "hall.toml"


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    config = capped_config(tmp_path_factory.mktemp("capped-config"))
    srv = start_server(tmp_path_factory.mktemp("capped-server"), config=config)
    srv.token = srv.create_device("kiosk-1", "kiosk")
    yield srv
    srv.stop()


def sell_out(srv, service="card"):
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {srv.token}"
    while True:
        body = {"service": service, "request_id": uuid.uuid4().hex}
        r = s.post(f"{srv.url}/api/v1/tickets", json=body)
        if r.status_code == 409:
            assert r.json()["error"]["code"] == "sold_out"
            return
        assert r.status_code == 201
