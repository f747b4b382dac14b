"""``make city`` (queue_server/city/demo.py) as a real process: its dashboard answers, both demo
halls' simulated traffic reaches it through their shippers, each hall learns the other's waits
from it (the nearby hint), and SIGTERM stops everything with status 0, the cluster included."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import psycopg
import pytest
import requests

from queue_server.city.demo import PASSWORD, USER
from tests.support import postgres
from tests.support.live_server import free_port


def test_the_city_demo_shows_two_shipping_halls_and_stops_cleanly(tmp_path):
    if not postgres.available():
        pytest.skip(postgres.MISSING.format(bin=postgres.PG_BIN))
    port = free_port()
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "queue_server.city.demo", "--folder", str(tmp_path / "city"),
             "--port", str(port), "--nearby-min-waiting", "1"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    session = requests.Session()
    try:
        end = time.monotonic() + 60
        halls = []
        while time.monotonic() < end:
            time.sleep(0.5)
            try:
                if session.post(f"{url}/api/login", json={"username": USER, "password": PASSWORD}):
                    halls = session.get(f"{url}/api/figures").json()["halls"]
            except requests.ConnectionError:
                continue
            if len(halls) == 2 and all(h["issued"] > 0 for h in halls):
                break
        assert [h["hall_id"] for h in halls] == ["demo-1", "demo-2"], log.read_text()
        assert all(h["issued"] > 0 for h in halls), (halls, log.read_text())
        dsn = re.search(r"postgresql://\S+", log.read_text()).group(0)
        # Each hall asks the dashboard for the other's waits: a hint names the other hall.
        hint = re.compile(
            r"\[(demo-[12])\] 取号机附近大厅提示.*：示范市第([一二])经办服务大厅 同类业务等候"
        )
        end = time.monotonic() + 120
        while not (found := hint.search(log.read_text())) and time.monotonic() < end:
            time.sleep(1)
        assert found, log.read_text()
        assert found.group(1) != {"一": "demo-1", "二": "demo-2"}[found.group(2)]
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(60)
    assert rc == 0, log.read_text()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=2)
    assert "Traceback" not in log.read_text()
