"""The city's tests run against a real PostgreSQL 15 (tests/support/postgres.py): one cluster
for the session, a fresh database per test; tests that stop the server get their own cluster."""

from __future__ import annotations

import itertools

import pytest

from tests.support import postgres

_names = itertools.count(1)


def _cluster() -> postgres.PostgresCluster:
    if not postgres.available():
        pytest.skip(postgres.MISSING.format(bin=postgres.PG_BIN))
    cluster = postgres.PostgresCluster.create()
    cluster.start()
    return cluster


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = _cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def city_dsn(pg_cluster) -> str:
    """An empty database of its own for each test."""
    return pg_cluster.create_database(f"city_{next(_names)}")


@pytest.fixture
def own_pg():
    """A cluster only this test uses (it stops and starts it)."""
    cluster = _cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def hall(settings, db_path, clock):
    """The hall's services over its database, without the web layer."""
    from queue_server.hall import Hall

    hall = Hall.open(settings, db_path, clock=clock)
    yield hall
    hall.close()


@pytest.fixture
def morning(hall, clock):
    """A morning at the demo hall (tests/city/test_shipper.py: a_morning)."""
    from tests.city.test_shipper import a_morning

    a_morning(hall, clock)
    return hall
