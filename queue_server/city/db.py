"""Connections to the city's PostgreSQL: autocommit, so every ``conn.transaction()`` is a
real BEGIN … COMMIT and nothing stays open between batches."""

from __future__ import annotations

import psycopg

from .errors import CityError


def connect(dsn: str, timeout_s: float = 5.0, name: str = "hallqueue") -> psycopg.Connection:
    """A bad DSN is the operator's to fix (CityError); an unreachable server is
    psycopg.OperationalError, which the shipper waits out."""
    try:
        return psycopg.connect(
            dsn,
            autocommit=True,
            connect_timeout=max(1, int(timeout_s)),
            application_name=name,
        )
    except psycopg.ProgrammingError as exc:  # a malformed DSN
        raise CityError(f"the city's database address (city.dsn) is not valid: {exc}") from None
