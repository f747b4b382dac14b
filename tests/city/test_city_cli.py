"""The city's commands as an operator runs them: ship without a [city] section, city migrate
twice, city create-user with a short password — words, exit codes, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg

from tests.city.halls import make_hall
from tests.conftest import EXAMPLE_CONFIG

BIN = Path(sys.executable).with_name("queue-server")


def run(*args: str, stdin: str = "", **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_ship_without_a_city_says_what_to_set(tmp_path):
    done = run("ship", "--config", str(EXAMPLE_CONFIG), HALLQUEUE_HALL_DATA_DIR=str(tmp_path))
    assert done.returncode == 1
    assert "[city]" in done.stderr and "dsn" in done.stderr and "Traceback" not in done.stderr


def test_ship_with_a_dsn_but_no_hall_id_is_a_configuration_error(tmp_path):
    done = run(
        "ship",
        "--config",
        str(EXAMPLE_CONFIG),
        HALLQUEUE_HALL_DATA_DIR=str(tmp_path),
        HALLQUEUE_CITY_DSN="postgresql://hall@city-db/city",
    )
    assert done.returncode == 1
    assert "city.hall_id" in done.stderr and "Traceback" not in done.stderr


def test_city_migrate_applies_once_then_says_up_to_date(city_dsn):
    first = run("city", "migrate", "--pg", city_dsn)
    assert first.returncode == 0 and "0001_events" in first.stdout
    again = run("city", "migrate", "--pg", city_dsn)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_city_create_user_refuses_a_short_password_in_words(city_dsn):
    done = run("city", "create-user", "w1", "--pg", city_dsn, "--password-stdin", stdin="short\n")
    assert done.returncode == 1 and "at least 10" in done.stderr
    done = run(
        "city", "create-user", "w1", "--pg", city_dsn, "--password-stdin", stdin="long-enough-1\n"
    )
    assert done.returncode == 0
    with psycopg.connect(city_dsn) as conn:
        assert conn.execute("SELECT role FROM bureau_users").fetchall() == [("bureau",)]


def test_an_unreachable_city_database_is_said_in_words():
    done = run("city", "migrate", "--pg", "postgresql://nobody@127.0.0.1:1/none")
    assert done.returncode == 1
    assert "cannot reach the city's database" in done.stderr and "Traceback" not in done.stderr


def test_ship_starts_without_loading_the_hall_s_services(city_dsn, tmp_path):
    """A shipper (one per hall, restarted by systemd) reads the log only: the services and their
    dictionaries (pypinyin: most of a second of CPU) stay unloaded."""
    db = tmp_path / "hall.db"
    make_hall(db, date(2026, 11, 2), 1, 20)
    code = (
        "import sys; from queue_server.cli import main; rc = main(sys.argv[1:]); "
        "print(rc, sorted(m for m in sys.modules if m.startswith(('queue_server.hall', "
        "'queue_server.services', 'pypinyin'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "ship", "--once", "--config", str(EXAMPLE_CONFIG)]
        + ["--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "HALLQUEUE_HALL_DATA_DIR": str(tmp_path / "data"),
            "HALLQUEUE_CITY_DSN": city_dsn,
            "HALLQUEUE_CITY_HALL_ID": "h1",
        },
    )
    assert done.stdout.split("\n")[-2] == "0 []", done.stdout + done.stderr
    with psycopg.connect(city_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] > 20
