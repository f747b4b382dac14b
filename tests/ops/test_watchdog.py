"""Issue 17 #2: the server tells systemd when it is ready (READY=1) and pings the watchdog
(WATCHDOG=1) from an API worker that has just run GET /healthz through the Flask app."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest

from queue_server import notify
from queue_server.asgi import HEALTH_SCOPE, HallApp, _environ

from ..support.live_server import start_server
from .notify_socket import NotifySocket


def test_notify_reaches_the_socket_and_is_a_no_op_without_systemd(tmp_path):
    sock = NotifySocket(tmp_path)
    try:
        assert notify.notify("READY=1", {"NOTIFY_SOCKET": sock.path})
        assert sock.read(time.monotonic() + 0.2)[-1][1] == "READY=1"
        assert not notify.notify("READY=1", {})
        assert not notify.notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    finally:
        sock.close()


def test_watchdog_period_is_a_third_of_watchdog_usec_for_this_process_only():
    assert notify.watchdog_period({"WATCHDOG_USEC": "30000000"}) == pytest.approx(10.0)
    assert notify.watchdog_period({}) is None
    assert notify.watchdog_period({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None


def test_pings_come_from_an_api_worker_and_stop_while_every_worker_is_stuck(
    app, tmp_path, monkeypatch
):
    sock = NotifySocket(tmp_path)
    monkeypatch.setenv("NOTIFY_SOCKET", sock.path)
    pool = HallApp(app).api
    senders: list[str] = []

    def send(state: str) -> bool:
        senders.append(threading.current_thread().name)
        return notify.notify(state)

    statuses = []

    def probe() -> int:
        statuses.append(pool._run(_environ(HEALTH_SCOPE, b""))[0])
        return statuses[-1]

    release = threading.Event()
    stuck = [pool.executor.submit(release.wait) for _ in range(pool.workers)]

    async def run(seconds: float) -> None:
        watchdog = notify.Watchdog(0.05, probe, pool.executor, send)
        watchdog.start(asyncio.get_running_loop())
        await asyncio.sleep(seconds)
        watchdog.stop()

    try:
        asyncio.run(run(0.5))
        assert [m for _, m in sock.read(time.monotonic() + 0.1)] == []  # a hung pool: no ping
        release.set()
        asyncio.run(run(0.5))
        pings = [m for _, m in sock.read(time.monotonic() + 0.2) if m == "WATCHDOG=1"]
        assert len(pings) >= 3
        assert senders and all(name.startswith("api") for name in senders), senders
        assert set(statuses) == {200}
    finally:
        release.set()
        for f in stuck:
            f.result()
        pool.close()
        sock.close()


@pytest.mark.e2e
def test_a_live_server_is_ready_when_it_answers_and_pings_only_while_the_database_answers(tmp_path):
    sock = NotifySocket(tmp_path)
    srv = start_server(
        tmp_path / "hall",
        env={
            "NOTIFY_SOCKET": sock.path,
            "WATCHDOG_USEC": "300000",  # a ping every 0.1 s
            "HALLQUEUE_SERVER_DB_BUSY_TIMEOUT_S": "1.5",
        },
    )
    try:
        sock.wait_for("READY=1", 5)
        sock.wait_for("STATUS=GET /healthz answered 200", 5)
        # Another program holds the database: the health check (and so the ping) waits for it.
        other = sqlite3.connect(srv.db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        time.sleep(0.3)  # a probe in flight may still finish and ping
        held = time.monotonic()
        time.sleep(1.0)
        other.execute("ROLLBACK")
        other.close()
        received = sock.read(time.monotonic() + 2.0)
        pings = [at for at, m in received if m == "WATCHDOG=1"]
        assert not [at for at in pings if held < at < held + 1.0], "pinged with a stuck database"
        assert len([at for at in pings if at > held + 1.0]) >= 3  # and again once it answers
        srv.stop()
        assert sock.wait_for("STOPPING=1", 2)
    finally:
        srv.stop()
        sock.close()
