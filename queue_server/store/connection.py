"""The store's sqlite3 connection: failures of the storage itself become typed errors.

Every statement of the server (sqlite-utils' included) goes through ``Connection.execute``, so
this is the one place where SQLite's "database is locked", "database or disk is full",
"attempt to write a readonly database", "unable to open database file" … become
StorageBusy, StorageFull or StorageUnavailable: the web layer answers them with a 503 and a
message for people instead of a 500. Errors of a statement itself (a constraint, bad SQL)
stay sqlite3 errors: they are bugs or races the caller handles.
"""

from __future__ import annotations

import logging
import sqlite3

from ..errors import StorageBusy, StorageFull, StorageUnavailable

log = logging.getLogger(__name__)

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# After these the connection itself may be unusable (a database opened while its file was
# read-only stays read-only): it is replaced on the next use, so fixing the cause is enough.
_BROKEN = {
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_PROTOCOL,
}


def busy() -> StorageBusy:
    return StorageBusy("The system is busy; please try again in a moment.")


def storage_error(exc: BaseException) -> StorageUnavailable | None:
    """The typed error for a failure of the storage, or None for any other error."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = (exc.sqlite_errorcode or 0) & 0xFF  # the primary code of an extended one
    if code in _BUSY:
        return busy()
    if code == sqlite3.SQLITE_FULL:
        return StorageFull(
            "The server's disk is full, so nothing was saved. Please tell the hall's IT staff."
        )
    if code in _BROKEN:
        return StorageUnavailable(
            "The database cannot be written at the moment (read-only or no permission), "
            "so nothing was saved. Please tell the hall's IT staff."
        )
    return None


def _typed(method):
    def wrapped(self, *args):
        try:
            return method(self, *args)
        except sqlite3.Error as exc:
            typed = self._fail(exc)
            if typed is None:
                raise
            raise typed from exc

    return wrapped


class Connection(sqlite3.Connection):
    """``broken`` is set after a failure that calls for a new connection."""

    broken = False

    def _fail(self, exc: sqlite3.Error) -> StorageUnavailable | None:
        typed = storage_error(exc)
        if typed is None:
            return None
        if type(typed) is StorageUnavailable:
            self.broken = True
        log.error("storage: %s (%s)", exc, exc.sqlite_errorname)
        return typed

    execute = _typed(sqlite3.Connection.execute)
    executemany = _typed(sqlite3.Connection.executemany)
    executescript = _typed(sqlite3.Connection.executescript)


def connect(path: str) -> Connection:
    try:
        return sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, factory=Connection
        )
    except sqlite3.Error as exc:
        typed = storage_error(exc)
        if typed is None:
            raise
        log.error("storage: cannot open %s: %s", path, exc)
        raise typed from exc
