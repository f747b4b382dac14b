"""Bad environments (issue 10, item 6): a clear message for the kiosk and the consoles (Chinese
first), nothing acknowledged is lost, and the hall recovers by itself once the cause is gone.

Faults are real where the machine allows (tests/web/faults.py): a full tmpfs, a read-only
mount, another process holding the database's write lock. The full database is also simulated
with SQLite's ``PRAGMA max_page_count`` so that case runs everywhere.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from queue_server import cli
from queue_server.configfile import load_settings
from queue_server.core.settings import SettingsError
from queue_server.store import Store
from queue_server.web import create_app

from ..conftest import EXAMPLE_CONFIG, ROOT
from .faults import (
    fill,
    read_only_file,
    read_only_folder,
    remount,
    remount_read_only_once_closed,
    tmpfs,
)

BUSY_ZH = "系统繁忙，请稍后再试。"


@pytest.fixture
def open_app(settings, clock):
    """create_app on a database path of the test's choosing; closed after the test."""
    apps = []

    def make(db_path, **server):
        s = dataclasses.replace(settings, server=dataclasses.replace(settings.server, **server))
        app = create_app(s, db_path=db_path, clock=clock, test_config={"TESTING": True})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["hall"].close()


def kiosk(app):
    token = app.extensions["hall"].accounts.create_device("kiosk-9", "kiosk")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def issue(client, n: int, service: str = "pension"):
    return client.post("/api/v1/tickets", json={"service": service, "request_id": f"req-{n:08d}"})


def assert_unavailable(r, code: str, chinese: str | None = None):
    assert r.status_code == 503, (r.status_code, r.get_data(as_text=True)[:300])
    err = r.get_json()["error"]
    assert err["code"] == code
    assert "请" in err["message"] and (chinese is None or err["message"] == chinese)
    assert int(r.headers["Retry-After"]) > 0


def run_server(config, *extra, env=None):
    """``queue-server serve`` as a process; it must stop by itself (exit 1), not serve."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "queue_server",
            "serve",
            "--config",
            str(config),
            "--port",
            "0",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


# --- configuration ---------------------------------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_a_clear_error(tmp_path, capsys):
    config = tmp_path / "hall.toml"
    config.write_bytes(EXAMPLE_CONFIG.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(config, environ={})
    assert cli.main(["check-config", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "配置错误" in err and str(config) in err and "UTF-8" in err and "Traceback" not in err


def test_a_config_path_that_is_a_folder_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["check-config", "--config", str(tmp_path)]) == 1
    assert "配置错误" in capsys.readouterr().err


# --- start-up --------------------------------------------------------------------------------


def test_start_on_a_read_only_database_file_exits_with_a_clear_message(tmp_path):
    db = tmp_path / "hall.db"
    Store(db).close()
    with read_only_file(db):
        r = run_server(
            EXAMPLE_CONFIG, "--db", str(db), env={"HALLQUEUE_HALL_DATA_DIR": str(tmp_path / "data")}
        )
    assert r.returncode == 1, r.stderr[-2000:]
    assert "无法以写入方式打开数据库" in r.stderr and str(db) in r.stderr
    assert "Traceback" not in r.stderr


def test_start_in_a_read_only_data_folder_exits_with_a_clear_message(tmp_path):
    data = tmp_path / "data"
    with read_only_folder(data):
        r = run_server(EXAMPLE_CONFIG, env={"HALLQUEUE_HALL_DATA_DIR": str(data)})
    assert r.returncode == 1, r.stderr[-2000:]
    assert str(data) in r.stderr and "无法" in r.stderr and "Traceback" not in r.stderr


def test_start_with_a_writable_database_but_read_only_data_folder_exits_clearly(tmp_path):
    data = tmp_path / "data"
    with read_only_folder(data):  # the session key cannot be created there
        r = run_server(
            EXAMPLE_CONFIG,
            "--db",
            str(tmp_path / "hall.db"),
            env={"HALLQUEUE_HALL_DATA_DIR": str(data)},
        )
    assert r.returncode == 1, r.stderr[-2000:]
    assert "无法读写" in r.stderr and str(data) in r.stderr and "Traceback" not in r.stderr


# --- another writer --------------------------------------------------------------------------


def test_another_program_holding_the_database_gets_busy_503_then_recovers(open_app, tmp_path):
    db = tmp_path / "hall.db"
    app = open_app(db, db_busy_timeout_s=0.3)
    client = kiosk(app)
    assert issue(client, 1).status_code == 201
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a backup script or the sqlite3 shell
    try:
        assert_unavailable(issue(client, 2), "busy", BUSY_ZH)
        en = client.post(
            "/api/v1/tickets",
            headers={"Accept-Language": "en"},
            json={"service": "pension", "request_id": "req-00000002"},
        )
        message = en.get_json()["error"]["message"]
        assert message == "The system is busy; please try again in a moment."
    finally:
        other.execute("ROLLBACK")
        other.close()
    r = issue(client, 2)  # the kiosk's retry with the same request_id
    assert r.status_code == 201 and r.get_json()["number"] == "B002"
    assert issue(client, 1).get_json()["number"] == "B001"  # the acknowledged one is still there


def test_a_console_waiting_behind_a_long_writer_in_the_server_gets_busy_503(
    open_app, tmp_path, password_hash
):
    app = open_app(tmp_path / "hall.db", db_busy_timeout_s=0.3)
    hall = app.extensions["hall"]
    assert issue(kiosk(app), 1).status_code == 201
    hall.accounts.create_user("win9", "window", "correct-horse-42", "win9")
    console = app.test_client()
    login = {"username": "win9", "password": "correct-horse-42"}
    assert console.post("/api/v1/auth/login", json=login).status_code == 200
    assert console.post("/api/v1/windows/4/open", json={}).status_code == 200
    holding, release = threading.Event(), threading.Event()

    def long_writer():
        with hall.store.write():
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=long_writer)
    worker.start()
    try:
        assert holding.wait(5)
        assert_unavailable(console.post("/api/v1/windows/4/call-next", json={}), "busy", BUSY_ZH)
    finally:
        release.set()
        worker.join()
    r = console.post("/api/v1/windows/4/call-next", json={})
    assert r.status_code == 200 and r.get_json()["number"] == "B001"


# --- full disk -------------------------------------------------------------------------------


def test_a_full_disk_gives_503_keeps_what_was_acknowledged_and_recovers(open_app, tmp_path):
    """For real: the database on a 2 MB tmpfs filled to the last byte by another file."""
    with tmpfs(tmp_path / "disk") as disk:
        db = disk / "hall.db"
        app = open_app(db)
        client = kiosk(app)
        acknowledged = {}
        for n in range(1, 6):
            r = issue(client, n)
            assert r.status_code == 201
            acknowledged[n] = r.get_json()["number"]
        filler = fill(disk)
        failures = []
        for n in range(6, 400):  # the WAL's free room runs out after a few more
            r = issue(client, n, service=("pension", "medical", "card")[n % 3])
            if r.status_code == 201:
                acknowledged[n] = r.get_json()["number"]
            else:
                failures.append(n)
                assert_unavailable(r, "storage_full")
                assert "磁盘已满" in r.get_json()["error"]["message"]
                if len(failures) == 3:
                    break
        assert failures, "the disk never filled"
        filler.unlink()
        r = issue(client, failures[0], service=("pension", "medical", "card")[failures[0] % 3])
        assert r.status_code == 201  # recovered by itself, same connection, same request_id
        acknowledged[failures[0]] = r.get_json()["number"]
        app.extensions["hall"].close()
        reopened = open_app(db)  # a restart finds every acknowledged ticket
        again = kiosk(reopened)
        for n, number in acknowledged.items():
            service = "pension" if n < 6 else ("pension", "medical", "card")[n % 3]
            r = issue(again, n, service=service)
            assert r.status_code == 200 and r.get_json()["number"] == number


def test_a_full_database_gives_503_and_recovers(open_app, tmp_path):
    """Simulated with SQLite's max_page_count: SQLite reports it exactly as a full disk."""
    app = open_app(tmp_path / "hall.db")
    hall = app.extensions["hall"]
    client = kiosk(app)
    assert issue(client, 1).status_code == 201
    pages = hall.store.db.execute("PRAGMA page_count").fetchone()[0]
    hall.store.db.execute(f"PRAGMA max_page_count = {pages}")  # this thread's connection
    statuses = []
    for n in range(2, 300):
        r = issue(client, n, service=("pension", "medical", "card")[n % 3])
        statuses.append(r.status_code)
        if r.status_code != 201:
            assert_unavailable(r, "storage_full")
            break
    assert statuses[-1] == 503
    hall.store.db.execute(f"PRAGMA max_page_count = {pages * 10}")
    assert issue(client, n, service=("pension", "medical", "card")[n % 3]).status_code == 201
    assert client.get("/api/v1/services").status_code == 200


# --- read-only at run time -------------------------------------------------------------------


def test_a_database_made_read_only_while_serving_gives_503_then_recovers(open_app, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        app = open_app(disk / "hall.db")
        hall = app.extensions["hall"]
        client = kiosk(app)
        first = issue(client, 1)
        assert first.status_code == 201
        # nothing open for writing, so the mount can turn read-only
        remount_read_only_once_closed(disk, hall.store.close)
        try:
            assert_unavailable(issue(client, 2), "storage_unavailable")
            r = client.get(f"/api/v1/tickets/{first.get_json()['id']}")
            assert r.status_code in (200, 503)
            if r.status_code == 503:
                assert_unavailable(r, "storage_unavailable")
        finally:
            remount(disk, "rw")
        r = issue(client, 2)  # a fresh connection: no restart needed
        assert r.status_code == 201 and r.get_json()["number"] == "B002"
        assert client.get(f"/api/v1/tickets/{first.get_json()['id']}").status_code == 200
