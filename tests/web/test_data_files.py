"""Data at rest (issue 11 item 4): the data folder is 0700, hall.db and its WAL/SHM 0600, also
after a real ``queue-server serve``; ``check-config`` and ``/healthz`` warn when they are not."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import requests

from queue_server.store import Store
from tests.conftest import EXAMPLE_CONFIG
from tests.support.live_server import start_server

QS = [str(Path(sys.executable).with_name("queue-server"))]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_creates_a_private_folder_and_private_files(tmp_path):
    store = Store(tmp_path / "data" / "hall.db")
    store.db.execute("SELECT count(*) FROM tickets").fetchone()
    assert mode(tmp_path / "data") == 0o700
    for name in ("hall.db", "hall.db-wal", "hall.db-shm"):
        assert mode(tmp_path / "data" / name) == 0o600, name
    store.close()


def test_opening_the_store_tightens_files_left_readable(tmp_path):
    Store(tmp_path / "hall.db").close()
    for name in ("hall.db", "hall.db-wal", "hall.db-shm"):
        if (tmp_path / name).exists():
            (tmp_path / name).chmod(0o644)
    store = Store(tmp_path / "hall.db")
    for name in ("hall.db", "hall.db-wal", "hall.db-shm"):
        if (tmp_path / name).exists():
            assert mode(tmp_path / name) == 0o600, name
    store.close()


def write_config(tmp_path: Path, data_dir: Path) -> Path:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^data_dir = .*$", f'data_dir = "{data_dir.as_posix()}"', text)
    text = re.sub(r"(?m)^faq_file = .*$", 'faq_file = ""', text)
    config = tmp_path / "hall.toml"
    config.write_text(text, encoding="utf-8")
    return config


def check_config(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*QS, "check-config", "--config", str(config)], capture_output=True, text=True, timeout=60
    )


def test_check_config_warns_about_readable_data_files(tmp_path):
    data = tmp_path / "data"
    config = write_config(tmp_path, data)
    Store(data / "hall.db").close()
    out = check_config(config)
    assert out.returncode == 0, out.stderr
    assert "hall.db" not in out.stdout  # private: no warning
    data.chmod(0o755)
    (data / "hall.db").chmod(0o644)
    out = check_config(config)
    assert out.returncode == 0, out.stderr
    assert re.search(
        r"警告 / warning: .*hall\.db 权限 / mode 0644，应为 / should be 0600", out.stdout
    )
    assert re.search(r"警告 / warning: .*data 权限 / mode 0755，应为 / should be 0700", out.stdout)


def test_healthz_warns_about_a_readable_data_folder(app, client, settings):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok", body
    assert {c["name"] for c in body["checks"]} >= {"database", "data_files"}
    Path(settings.hall.data_dir).chmod(0o755)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "warn"
    (check,) = [c for c in r.get_json()["checks"] if c["name"] == "data_files"]
    assert check["problems"] == [
        {"path": "data", "mode": "0755", "expected": "0700", "owner_ok": True}
    ]
    assert "其他用户" in check["message"]


def test_serve_keeps_the_hall_files_private(tmp_path):
    before = os.umask(0o022)  # the usual login umask: the server must not rely on a stricter one
    try:
        srv = start_server(tmp_path / "live")
    finally:
        os.umask(before)
    try:
        srv.create_user("win1", "window")
        assert srv.login("win1").get(f"{srv.url}/api/v1/auth/me", timeout=5).status_code == 200
        data = tmp_path / "live" / "data"
        assert mode(data) == 0o700
        assert mode(data / "secret_key") == 0o600
        for name in ("hall.db", "hall.db-wal", "hall.db-shm"):
            assert mode(srv.db.parent / name) == 0o600, name
        others = [p for p in data.rglob("*") if mode(p) & 0o077]
        assert not others, others
        health = requests.get(f"{srv.url}/healthz", timeout=5).json()
        assert health["status"] == "ok", health
    finally:
        srv.stop()
