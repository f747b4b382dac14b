"""Make tests/fixtures/hall-<commit>.sql: a hall database with the schema of an earlier commit.

    .venv/bin/python tests/ops/make_old_hall.py 83eccc2

The commit's own ``queue_server`` and ``config`` are unpacked into a temporary folder
(``git archive``) and run there: its migrations make the database, and its own HTTP API (Flask
test client) fills it as a hall would — staff, a kiosk, tickets issued, called, finished and
missed, ledger entries with ID numbers and phones, an answer, a rating. The result is written
as SQL text (small and reviewable); tests/ops/test_upgrade.py loads it and opens the current
Store on it. No FAQ is loaded (the server re-reads faq.toml at every start anyway).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

FILL = r"""
import json, sys
from datetime import datetime, timedelta
from pathlib import Path
import queue_server
assert Path(queue_server.__file__).is_relative_to(Path.cwd()), queue_server.__file__
from queue_server.core.numbering import HALL_TZ
from queue_server.web import create_app

class Clock:
    def __init__(self): self.now = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)
    def __call__(self): return self.now

clock = Clock()
db = sys.argv[1]
app = create_app("config/hall.example.toml", db_path=db, clock=clock,
                 test_config={"TESTING": True})
hall = app.extensions["hall"]
hall.accounts.create_user("win1", "window", "correct-horse-42", "窗口一")
token = hall.accounts.create_device("kiosk-1", "kiosk")
kiosk = {"Authorization": f"Bearer {token}"}
staff = app.test_client()
r = staff.post("/api/v1/auth/login", json={"username": "win1", "password": "correct-horse-42"})
assert r.status_code == 200, r.get_json()
assert staff.post("/api/v1/windows/3/open", json={}).status_code == 200
c = app.test_client()
for i, service in enumerate(["pension", "pension", "consult", "pension", "medical"]):
    r = c.post("/api/v1/tickets", json={"service": service, "request_id": f"old-ticket-{i:04d}"},
               headers=kiosk)
    assert r.status_code == 201, r.get_json()
    clock.now += timedelta(minutes=2)
for action in ("call-next", "finish", "call-next", "no-show", "call-next"):
    r = staff.post(f"/api/v1/windows/3/{action}", json={})
    assert r.status_code == 200, (action, r.get_json())
    clock.now += timedelta(minutes=3)
for name, number, phone in (("张三", "11010519491231002X", "13812345678"),
                            ("李四", "110105197605175298", "010-62345678")):
    r = staff.post("/api/v1/ledger", json={
        "name": name, "id_number": number, "phone": phone, "form": "window",
        "summary": "咨询养老保险关系转移接续", "reply_class": "agreed"})
    assert r.status_code == 201, r.get_json()
    rid = r.get_json()["id"]
r = staff.patch(f"/api/v1/ledger/{rid}", json={"reply_method": "phone",
                                                 "reply_content": "已电话告知"})
assert r.status_code == 200, r.get_json()
hall.close()
"""


def main(commit: str) -> Path:
    short = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.Popen(
            ["git", "-C", str(ROOT), "archive", short, "queue_server", "config"],
            stdout=subprocess.PIPE,
        )
        subprocess.run(["tar", "-x", "-C", tmp], stdin=archive.stdout, check=True)
        archive.wait()
        db = Path(tmp) / "hall.db"
        env = {
            "PYTHONPATH": tmp,
            "HALLQUEUE_HALL_DATA_DIR": str(Path(tmp) / "data"),
            "HALLQUEUE_HALL_FAQ_FILE": "",
            "PATH": "/usr/bin:/bin",
        }
        subprocess.run([sys.executable, "-c", FILL, str(db)], cwd=tmp, env=env, check=True)
        import sqlite3

        conn = sqlite3.connect(db)
        try:
            lines = list(conn.iterdump())
        finally:
            conn.close()
    out = FIXTURES / f"hall-{short}.sql"
    out.write_text(
        f"-- hall.db made by the migrations and API of commit {short} "
        "(tests/ops/make_old_hall.py)\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return out


if __name__ == "__main__":
    for commit in sys.argv[1:]:
        print(main(commit))
