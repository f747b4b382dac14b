"""Issue 17 #3: ``queue-server backup`` while tickets are being issued (SQLite's backup API),
each copy checked; ``restore`` refuses while the server runs, keeps the old files, and the
restored hall goes on numbering where the backup left it. Retention keeps the newest."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from queue_server import backup
from queue_server.cli import main
from queue_server.records.demo_people import generate
from queue_server.errors import HallError
from queue_server.store import Store, maintenance

from ..support.live_server import start_server

TIMEOUT = 10


def cli(capsys, srv, *args: str) -> tuple[int, str, str]:
    """The real command line, in this process (a second process of the same program would
    only cost the start-up time)."""
    code = main([*args, "--config", str(srv.config), "--db", str(srv.db)])
    out = capsys.readouterr()
    return code, out.out, out.err


def issue(srv, headers: dict, service: str = "pension") -> dict:
    r = requests.post(
        f"{srv.url}/api/v1/tickets",
        headers=headers,
        timeout=TIMEOUT,
        json={"service": service, "request_id": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    return r.json()


def max_seq(db: Path, service: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT coalesce(max(seq), 0) FROM tickets WHERE service = ?", [service]
        ).fetchone()[0]


@pytest.mark.e2e
def test_backup_while_issuing_then_restore_continues_the_numbering(tmp_path, capsys):
    data = tmp_path / "hall" / "data"
    generate(data / "records.db", 5, seed=1)  # the sqlite records provider's database
    srv = start_server(tmp_path / "hall")
    srv.set_clock("2026-11-24T10:00:00+08:00")
    try:
        kiosk = {"Authorization": f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"}
        stop = threading.Event()
        issued: list[dict] = []

        def kiosk_loop():
            while not stop.is_set():
                issued.append(issue(srv, kiosk))

        workers = [threading.Thread(target=kiosk_loop) for _ in range(2)]
        for w in workers:
            w.start()
        while len(issued) < 20:
            stop.wait(0.01)
        code, out, err = cli(capsys, srv, "backup")  # while both kiosks keep issuing
        while_running = len(issued)
        stop.set()
        for w in workers:
            w.join()
        assert code == 0, out + err
        assert len(issued) > 20
        folder = Path(re.search(r"backup made and checked: (\S+)", out).group(1))
        manifest = json.loads((folder / "manifest.json").read_text())
        names = {e["name"]: e for e in manifest["files"]}
        assert {"hall.db", "records.db", "state/secret_key"} <= set(names)
        assert names["hall.db"]["integrity_check"] == "ok"
        assert maintenance.integrity_problems(folder / "hall.db") == []
        in_backup = max_seq(folder / "hall.db", "pension")
        assert 20 <= in_backup <= while_running + 2
        after = issue(srv, kiosk)  # after the backup: lost by the restore, kept aside
        assert int(after["number"][1:]) > in_backup

        code, _, err = cli(capsys, srv, "restore", str(folder), "--yes")
        assert code == 1
        assert "服务器正在运行" in err and "The server is running" in err

        srv.stop()
        code, out, err = cli(capsys, srv, "restore", str(folder / "hall.db"), "--yes")
        assert code == 0, err
        kept = Path(re.search(r"kept in: (\S+)", out).group(1))
        assert kept.parent == data  # the hall as it was before the restore, ticket `after` too
        assert max_seq(kept / "hall.db", "pension") == int(after["number"][1:])
        assert (data / "records.db").read_bytes() == (folder / "records.db").read_bytes()
        assert maintenance.integrity_problems(srv.db) == []

        srv.start()
        again = issue(srv, kiosk)
        assert again["number"] == f"B{in_backup + 1:03d}"  # where the backup left off
    finally:
        srv.stop()


def test_retention_deletes_old_backups_but_always_keeps_the_newest(settings, db_path, clock):
    Store(db_path).close()
    settings = dataclasses.replace(
        settings, backup=dataclasses.replace(settings.backup, keep_days=2)
    )
    start = clock()
    for day in range(4):
        backup.take(settings, db_path, start + timedelta(days=day))
        backup.prune(settings, start + timedelta(days=day))
    left = [b.created_at for b in backup.listing(settings)]
    assert left == [start + timedelta(days=d) for d in (1, 2, 3)]  # 2 days back from day 3
    backup.prune(settings, start + timedelta(days=30))
    assert [b.created_at for b in backup.listing(settings)] == [start + timedelta(days=3)]


def test_a_backup_that_changed_since_it_was_made_is_not_restored(settings, db_path, clock):
    Store(db_path).close()
    made = backup.take(settings, db_path, clock())
    copy = made.path / "hall.db"
    data = bytearray(copy.read_bytes())
    data[-1] ^= 0xFF
    copy.write_bytes(bytes(data))
    before = db_path.read_bytes()
    with pytest.raises(HallError, match="has changed"):
        backup.restore(settings, db_path, made.path, clock())
    assert db_path.read_bytes() == before


def test_a_server_holding_the_database_blocks_a_restore_and_a_restore_blocks_a_start(
    settings, db_path, clock
):
    Store(db_path).close()
    made = backup.take(settings, db_path, clock())
    lock = backup.hold_serving_lock(db_path)
    with pytest.raises(HallError, match="The server is running"):
        backup.restore(settings, db_path, made.path, clock())
    lock.close()
    with backup._no_server(db_path):
        with pytest.raises(HallError, match="A restore of"):
            backup.hold_serving_lock(db_path)


def test_backup_run_by_root_leaves_files_the_service_user_owns(settings, db_path, clock):
    """``queue-server backup`` typed in a root shell: the files must still be the service
    user's, or the next backup (run by the timer as that user) could not prune them."""
    if os.geteuid() != 0:
        pytest.skip("needs root to hand the data folder to another user")
    base = Path(tempfile.mkdtemp(prefix="hallqueue-owner-"))  # not under root's 0700 folders
    base.chmod(0o711)
    data = base / "data"
    settings = dataclasses.replace(
        settings, hall=dataclasses.replace(settings.hall, data_dir=str(data))
    )
    db_path = data / "hall.db"
    Store(db_path).close()
    backup.take(settings, db_path, clock())  # as root: every module the backup needs is loaded
    shutil.rmtree(data / "backups")
    nobody = 65534
    for path in [data, *data.iterdir()]:
        os.chown(path, nobody, nobody)
    pid = os.fork()
    if pid == 0:  # the child drops root for good, as the command does
        code = 1
        try:
            if backup.become_data_owner(settings) == "nobody" and os.geteuid() == nobody:
                backup.take(settings, db_path, clock())
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    try:
        assert os.waitstatus_to_exitcode(status) == 0
        made = list((data / "backups").rglob("*"))
        assert made and all(p.stat().st_uid == nobody for p in made), made
    finally:
        shutil.rmtree(base)
