"""The throwaway cluster itself: it runs, answers on its port, stops and starts with its data,
and its folder is gone afterwards."""

from __future__ import annotations

import psycopg
import pytest


def test_the_cluster_answers_on_its_port_as_postgresql_15(city_dsn):
    with psycopg.connect(city_dsn) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
    assert 150000 <= int(version) < 160000


def test_a_stopped_cluster_refuses_connections_and_keeps_its_data_when_started(own_pg):
    dsn = own_pg.create_database("keep")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (42)")
    own_pg.stop()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=2)
    own_pg.start()
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT x FROM t").fetchone()[0] == 42


def test_destroy_removes_the_folder(own_pg):
    folder = own_pg.folder
    own_pg.destroy()
    assert not folder.exists()
