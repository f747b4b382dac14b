"""Personal records (§6.3, DESIGN §5): the provider interface, its ``sqlite`` and ``http``
implementations, the demo people and the demo e-SSC code. ``open_provider(settings)`` builds the
one the hall's ``[records]`` settings name."""

from __future__ import annotations

from pathlib import Path

from .errors import NotVerified, RecordsError, RecordsUnavailable
from .provider import RecordsProvider

__all__ = [
    "open_provider",
    "records_db_path",
    "RecordsProvider",
    "RecordsError",
    "RecordsUnavailable",
    "NotVerified",
]


def records_db_path(settings) -> Path:
    """``records.db``, or ``<hall.data_dir>/records.db`` when it is empty."""
    return Path(settings.records.db or Path(settings.hall.data_dir) / "records.db")


def open_provider(settings) -> RecordsProvider:
    r = settings.records
    if r.provider == "http":
        from .http_provider import HttpProvider

        return HttpProvider(
            r.base_url,
            auth_header=r.auth_header,
            auth_value=r.auth_value,
            timeout_s=r.timeout_s,
            retries=r.retries,
            breaker_failures=r.breaker_failures,
            breaker_reset_s=r.breaker_reset_s,
            ca_file=r.ca_file,
        )
    from .sqlite_provider import SqliteProvider

    return SqliteProvider(records_db_path(settings))
