"""Issue 17 #4: a hall database made by an earlier commit's migrations and API (kept as SQL in
tests/fixtures/, made by tests/ops/make_old_hall.py) opens with today's Store: the migrations
run, every old row is still there, the schema equals a fresh database's, and the hall goes on
(numbering, logins, the ledger)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from queue_server.store import Store
from queue_server.web import create_app

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures").glob("hall-*.sql"))
KEPT = ("tickets", "counters", "events", "users", "devices", "ledger", "windows")


def load(fixture: Path, db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.executescript(fixture.read_text(encoding="utf-8"))
    finally:
        conn.close()


def rows(db: Path) -> dict[str, list[dict]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in KEPT
        }
    finally:
        conn.close()


def schema(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {
            t: sorted(tuple(c[1:6]) for c in conn.execute(f"PRAGMA table_info('{t}')"))
            for t in tables
        }
        out["_indexes"] = sorted(
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        )
        out["_migrations"] = sorted(
            conn.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
        )
        return out
    finally:
        conn.close()


def test_fixtures_of_earlier_schemas_are_there():
    assert len(FIXTURES) >= 2
    for fixture in FIXTURES:
        assert 'INSERT INTO "ledger"' in fixture.read_text(encoding="utf-8"), fixture.name


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_an_old_hall_database_upgrades_with_its_data_intact(tmp_path, fixture, settings, clock):
    db = tmp_path / "hall.db"
    load(fixture, db)
    before = rows(db)
    old = schema(db)
    assert before["tickets"] and before["ledger"] and before["events"]

    Store(db).close()  # today's migrations run on the old file
    fresh = tmp_path / "fresh.db"
    Store(fresh).close()
    upgraded = schema(db)
    assert upgraded["_migrations"] != old["_migrations"]  # there was something to do
    assert upgraded == schema(fresh)
    after = rows(db)
    for table, old_rows in before.items():
        assert len(after[table]) == len(old_rows), table
        for was, now in zip(old_rows, after[table]):
            assert {k: now[k] for k in was} == was, table  # old columns keep their values

    app = create_app(settings, db_path=db, clock=clock, test_config={"TESTING": True})
    hall = app.extensions["hall"]
    try:
        kiosk = {"Authorization": f"Bearer {hall.accounts.create_device('kiosk-9', 'kiosk')}"}
        client = app.test_client()
        r = client.post(
            "/api/v1/tickets",
            headers=kiosk,
            json={"service": "pension", "request_id": "after-upgrade-1"},
        )
        assert r.status_code == 201, r.get_json()
        last = max(t["seq"] for t in before["tickets"] if t["service"] == "pension")
        assert r.get_json()["number"] == f"B{last + 1:03d}"  # the day's numbering goes on
        staff = app.test_client()
        r = staff.post(
            "/api/v1/auth/login", json={"username": "win1", "password": "correct-horse-42"}
        )
        assert r.status_code == 200, r.get_json()
        listed = staff.get("/api/v1/ledger?status=all").get_json()["records"]
        assert {rec["id"] for rec in listed} == {rec["id"] for rec in before["ledger"]}
        assert all("11010519491231002X" not in str(rec) for rec in listed)  # shown masked
    finally:
        hall.close()
