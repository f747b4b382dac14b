"""Shared fixtures: the demo hall's settings on a temporary data dir, a real SQLite file,
the real Flask app, a movable clock, staff sessions and device tokens."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from queue_server.configfile import load_settings
from queue_server.core.numbering import HALL_TZ
from queue_server.store.accounts import save_user
from queue_server.web import create_app
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "config" / "hall.example.toml"
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "tests" / "output"))
PASSWORD = "correct-horse-42"


class Clock:
    """A clock the test moves by hand (the domain never reads the real one)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> datetime:
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def clock() -> Clock:
    # A Tuesday morning inside opening hours.
    return Clock(datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ))


@pytest.fixture
def settings(tmp_path):
    s = load_settings(EXAMPLE_CONFIG, environ={})
    hall = dataclasses.replace(s.hall, data_dir=str(tmp_path / "data"), issue_outside_hours=False)
    return dataclasses.replace(s, hall=hall)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "hall.db"


@pytest.fixture(scope="session")
def password_hash() -> str:
    # scrypt is slow on purpose; hash the shared test password once per run.
    return generate_password_hash(PASSWORD, method="scrypt")


@pytest.fixture
def app(settings, db_path, clock, password_hash):
    app = create_app(settings, db_path=db_path, clock=clock, test_config={"TESTING": True})
    hall = app.extensions["hall"]
    add_staff(
        hall, clock, password_hash, ("win1", "window"), ("guide1", "guide"), ("admin1", "admin")
    )
    yield app
    hall.close()


def add_staff(hall, clock, password_hash: str, *users: tuple[str, str]) -> None:
    """(user name, role) accounts with PASSWORD, straight into the hall's store."""
    with hall.store.write() as db:
        for username, role in users:
            save_user(
                db,
                {
                    "username": username,
                    "role": role,
                    "display_name": username,
                    "password_hash": password_hash,
                    "failed_logins": 0,
                    "locked_until": None,
                    "created_at": clock().isoformat(),
                },
            )


@pytest.fixture
def hall(app):
    return app.extensions["hall"]


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, username: str) -> None:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.get_json()


@pytest.fixture
def window_client(app):
    c = app.test_client()
    login(c, "win1")
    return c


@pytest.fixture
def guide_client(app):
    c = app.test_client()
    login(c, "guide1")
    return c


@pytest.fixture
def admin_client(app):
    c = app.test_client()
    login(c, "admin1")
    return c


@pytest.fixture
def kiosk_token(hall) -> str:
    return hall.accounts.create_device("kiosk-1", "kiosk")


@pytest.fixture
def kiosk_headers(kiosk_token) -> dict:
    return {"Authorization": f"Bearer {kiosk_token}"}
