"""Data at rest: the hall database holds citizens' ID numbers and phones (§8.6), so its folder is
private to the service user (0700) and the database, WAL and shared-memory files are 0600.

``secure(db_path)`` runs when the store opens; ``problems(...)`` is what ``check-config`` and
``/healthz`` report. SQLite gives the -wal and -shm files the database file's own mode, so
creating the database 0600 (and tightening an existing one) covers all three.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SUFFIXES = ("", "-wal", "-shm", "-journal")


def db_files(db_path: str | Path) -> list[Path]:
    return [Path(f"{db_path}{suffix}") for suffix in SUFFIXES]


def secure(db_path: str | Path) -> None:
    """Create the folder 0700 if missing, the database file 0600, and tighten existing files.

    An existing folder is left as it is (``--db /tmp/x.db`` must not close /tmp); it is
    reported by :func:`problems` instead."""
    path = Path(db_path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)
        path.parent.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for file in db_files(path):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(FILE_MODE)


def problems(data_dir: str | Path, db_path: str | Path) -> list[dict]:
    """Files of the hall that others could read, or that the service user does not own:
    ``[{"path", "mode", "expected", "owner_ok"}]``; empty when all is well."""
    found = []
    uid = os.getuid()
    checks = [(Path(data_dir), DIR_MODE)] + [(f, FILE_MODE) for f in db_files(db_path)]
    for path, expected in checks:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077 or st.st_uid != uid:
            found.append(
                {
                    "path": str(path),
                    "mode": f"{mode:04o}",
                    "expected": f"{expected:04o}",
                    "owner_ok": st.st_uid == uid,
                }
            )
    return found
