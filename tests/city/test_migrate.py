"""The city schema's runner: numbered SQL files applied once each and recorded, an edited file
refused, monthly partitions created ahead, events unique per (hall, event id)."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from queue_server.city import migrate
from queue_server.city.db import connect
from queue_server.city.errors import CityError

TODAY = date(2026, 11, 24)


def _partitions(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'events'::regclass ORDER BY 1"
        )
    ]


def test_migrations_are_applied_in_order_recorded_and_not_applied_twice(city_dsn):
    with connect(city_dsn) as conn:
        applied = migrate.migrate(conn, TODAY)
        assert applied == [f"{v:04d}_{n}" for v, n, _ in migrate.files()]
        assert applied[:2] == ["0001_events", "0002_derived"] and len(applied) >= 6
        versions = [v for v, _, _ in migrate.files()]
        assert [r["version"] for r in migrate.status(conn)] == versions
        assert migrate.migrate(conn, TODAY) == []
        assert [r["version"] for r in migrate.status(conn)] == versions


def test_this_month_and_the_next_two_have_partitions_after_migrating(city_dsn):
    with connect(city_dsn) as conn:
        migrate.migrate(conn, date(2026, 12, 5))
        assert _partitions(conn) == ["events_y2026m12", "events_y2027m01", "events_y2027m02"]


def test_an_event_of_a_month_without_partition_is_refused_until_it_is_created(city_dsn):
    with connect(city_dsn) as conn:
        migrate.migrate(conn, TODAY)
        row = ["h1", 1, date(2027, 6, 1), "2027-06-01T09:00:00+08:00", "ticket.issued", "{}"]
        sql = "INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s)"
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(sql, row)
        migrate.ensure_partitions(conn, [date(2027, 6, 1)])
        conn.execute(sql, row)
        assert "events_y2027m06" in _partitions(conn)


def test_one_event_of_a_hall_is_stored_once(city_dsn):
    with connect(city_dsn) as conn:
        migrate.migrate(conn, TODAY)
        row = ["h1", 7, TODAY, "2026-11-24T09:00:00+08:00", "ticket.issued", "{}"]
        conn.execute("INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s)", row)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s)", row)
        conn.execute("INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s)", ["h2", *row[1:]])
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_a_migration_changed_after_it_was_applied_is_refused(city_dsn, tmp_path):
    (tmp_path / "0001_events.sql").write_text(
        (migrate.FOLDER / "0001_events.sql").read_text(encoding="utf-8")
    )
    with connect(city_dsn) as conn:
        migrate.migrate(conn, TODAY, folder=tmp_path)
        (tmp_path / "0001_events.sql").write_text("-- edited\nSELECT 1;")
        with pytest.raises(CityError, match="changed after it was applied"):
            migrate.migrate(conn, TODAY, folder=tmp_path)


def test_a_failing_migration_leaves_nothing_behind(city_dsn, tmp_path):
    (tmp_path / "0001_ok.sql").write_text("CREATE TABLE a (x int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE b (x int); SELECT no_such_column;")
    with connect(city_dsn) as conn:
        with pytest.raises(psycopg.errors.UndefinedColumn):
            migrate.migrate(conn, TODAY, folder=tmp_path)
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        assert "b" not in tables and "a" not in tables


def test_a_badly_named_migration_file_is_an_error(tmp_path):
    (tmp_path / "1_first.sql").write_text("SELECT 1;")
    with pytest.raises(CityError, match="NNNN_name.sql"):
        migrate.files(tmp_path)


def test_the_citys_wait_buckets_are_cores_at_every_edge(city_dsn):
    from collections import Counter

    from queue_server.core.reports import histogram

    waits = [0.0, -3.0, 1e-6, 14.999999, 15.0, 15.000001, 899.0, 900.0, 1800.0, 1800.5]
    waits += [10800.0, 43199.999999, 43200.0, 43200.1, 99999.0]
    with connect(city_dsn) as conn:
        migrate.migrate(conn, TODAY)
        for i, wait in enumerate(waits):
            conn.execute(
                "INSERT INTO city_tickets (hall_id, day, number, status, wait_s)"
                " VALUES ('h1', %s, %s, 'done', %s)",
                [TODAY, f"A{i:03d}", wait],
            )
        conn.execute("SELECT city_refresh_buckets('h1', %s, %s)", [TODAY, list(histogram.EDGES)])
        city = dict(conn.execute("SELECT bucket, n FROM city_wait_buckets").fetchall())
    assert city == dict(Counter(histogram.bucket(w) for w in waits))
