"""One base error for the city: messages for people (the operator reading a log or a CLI)."""

from __future__ import annotations


class CityError(Exception):
    """Something the operator must fix (a bad DSN, an edited migration, a wrong hall id)."""
