"""Personal records through a real ``queue-server serve`` process: the demo records made by the
CLI, a kiosk's session, a statement checked at /v/<code>; and the same server reading a fake
province system (``HALLQUEUE_RECORDS_*``) that falls silent — a clear 503, never a hang."""

from __future__ import annotations

import subprocess
import time
from datetime import date

import pytest
import requests

from queue_server.records.sqlite_provider import SqliteProvider

from ..support.live_server import BIN, start_server
from tests.records.upstream import TOKEN, FakeUpstream

pytestmark = pytest.mark.e2e


def test_a_kiosk_reads_demo_records_through_the_real_server(tmp_path):
    srv = start_server(tmp_path / "hall")
    try:
        out = subprocess.run(
            [str(BIN), "demo-records", "--config", str(srv.config), "--people", "30"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        number, password = out.splitlines()[3].split()[1:3]
        token = srv.create_device("kiosk-1", "kiosk")
        kiosk = {"Authorization": f"Bearer {token}"}
        r = requests.post(
            f"{srv.url}/api/v1/citizen/session",
            headers=kiosk,
            timeout=5,
            json={"password": {"id_number": number, "password": password}},
        )
        assert r.status_code == 201, r.text
        session = {**kiosk, "X-Citizen-Session": r.json()["token"]}
        assert (
            requests.get(f"{srv.url}/api/v1/citizen/profile", headers=session, timeout=5)
            .json()["id_number_masked"]
            .endswith(number[-4:])
        )
        made = requests.post(
            f"{srv.url}/api/v1/citizen/statements",
            headers=session,
            timeout=5,
            json={"kind": "contribution_certificate"},
        ).json()
        page = requests.get(f"{srv.url}/v/{made['verification_code']}", timeout=5)
        assert page.status_code == 200 and 'data-status="genuine"' in page.text
        assert number not in (tmp_path / "hall" / "server.log").read_text()
    finally:
        srv.stop()


def test_a_silent_province_system_is_a_503_within_the_deadline(tmp_path, records_db, people):
    backing = SqliteProvider(records_db[0])
    upstream = FakeUpstream(backing, date.today())
    upstream.mode, upstream.delay = "slow", 3.0
    srv = start_server(
        tmp_path / "hall",
        env={
            "HALLQUEUE_RECORDS_PROVIDER": "http",
            "HALLQUEUE_RECORDS_BASE_URL": upstream.url,
            "HALLQUEUE_RECORDS_AUTH_VALUE": TOKEN,
            "HALLQUEUE_RECORDS_TIMEOUT_S": "0.5",
        },
    )
    try:
        token = srv.create_device("kiosk-1", "kiosk")
        p = people[0]
        started = time.monotonic()
        r = requests.post(
            f"{srv.url}/api/v1/citizen/session",
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
            json={"password": {"id_number": p.id_number, "password": p.password}},
        )
        assert time.monotonic() - started < 2.5  # cut at 0.5 s, long before the upstream answers
        assert r.status_code == 503
        assert r.json()["error"]["message"] == "个人信息查询暂不可用，请到窗口办理"
        upstream.mode = "ok"
        r = requests.post(
            f"{srv.url}/api/v1/citizen/session",
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
            json={"password": {"id_number": p.id_number, "password": p.password}},
        )
        assert r.status_code == 201
        log = (tmp_path / "hall" / "server.log").read_text()
        assert "records upstream: verify failed" in log and p.id_number not in log
    finally:
        srv.stop()
        upstream.close()
        backing.close()
