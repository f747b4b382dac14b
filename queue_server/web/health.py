"""GET /healthz: is this server fit to run? ``{"status": "ok"|"warn"|"fail", "checks": [...]}``.

Used by the systemd watchdog (every ping runs it through the API workers), by the city's
monitoring and, worded in Chinese and English with what to do, by ``queue-server doctor``.

Two steps, so that ``doctor`` can word one look in two languages: ``gather`` looks once
(database writable, disk space, voice engine, last event, file modes) and returns plain facts;
``judge`` turns facts into checks ``{"name", "status", "message", "advice"?, ...details}`` in one
language. "warn" still answers 200 (the hall works, but something needs an operator); "fail"
answers 503.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from flask import Blueprint, jsonify

from ..core.hours import in_periods
from ..errors import StorageBusy, StorageFull, StorageUnavailable
from ..i18n import translate
from ..store import files, maintenance
from .context import hall, language

bp = Blueprint("health", __name__)

RANK = {"ok": 0, "warn": 1, "fail": 2}
MiB = 1024 * 1024
DISK_FAIL_BYTES = 100 * MiB
"""Below this a day's tickets, a WAL checkpoint or tonight's backup may not fit: writes are
about to fail."""
DISK_WARN_BYTES = 1024 * MiB
"""Below this (or three times the database, if more) an operator should make room soon."""
QUIET_WARN_MIN = 60
"""No event at all for this long while the hall is open: kiosks or windows may be down."""


@dataclass
class Facts:
    """One look at the hall, independent of language."""

    now: datetime
    database: str  # ok | busy | full | unavailable | missing
    database_size: int = 0
    disk_free: int | None = None
    disk_total: int | None = None
    voice_engine: str = ""
    voice_ready: bool = True
    voice_problem: str = ""
    voice_faults: dict = field(default_factory=dict)
    last_event_at: str | None = None
    open_now: bool = False
    file_problems: list = field(default_factory=list)


def _database(probe: Callable[[], str | None]) -> tuple[str, str | None]:
    try:
        return "ok", probe()
    except StorageBusy:
        return "busy", None
    except StorageFull:
        return "full", None
    except (StorageUnavailable, OSError):
        return "unavailable", None
    except Exception:  # noqa: BLE001 — a broken file (not a database) is unavailable too
        return "unavailable", None


def _voice(settings) -> tuple[bool, str]:
    v = settings.voice
    if v.engine == "espeak":
        found = shutil.which("espeak-ng")
        return found is not None, "" if found else "espeak-ng"
    folder = Path(v.segment_dir) if v.segment_dir else None
    ok = folder is not None and all((folder / lang).is_dir() for lang in v.languages)
    return ok, "" if ok else str(v.segment_dir or "voice.segment_dir")


def gather(
    settings,
    db_path: str | Path,
    database: Callable[[], str | None],
    now: datetime,
    workday: Callable[[date], bool] | None = None,
    voice_faults: dict | None = None,
) -> Facts:
    """``database()``: proves the hall database writable (changing nothing) and returns the
    time of its last event; raises the store's errors otherwise."""
    data_dir = Path(settings.hall.data_dir)
    state, last = (
        _database(database)
        if Path(db_path).exists() or str(db_path) == ":memory:"
        else ("missing", None)
    )
    facts = Facts(now=now, database=state, last_event_at=last)
    try:
        facts.database_size = sum(f.stat().st_size for f in files.db_files(db_path) if f.exists())
        st = os.statvfs(data_dir if data_dir.exists() else data_dir.parent)
        facts.disk_free, facts.disk_total = st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize
    except OSError:
        pass
    facts.voice_engine = settings.voice.engine
    facts.voice_ready, facts.voice_problem = _voice(settings)
    facts.voice_faults = dict(voice_faults or {})
    try:
        is_workday = (workday or (lambda day: day.weekday() < 5))(now.date())
    except Exception:  # noqa: BLE001 — the calendar reads the database, which may be down
        is_workday = now.weekday() < 5
    facts.open_now = is_workday and in_periods(settings.hall.opening_hours, now)
    found = files.problems(data_dir, db_path)
    for p in found:  # a public page: the file's name, not the server's directory layout
        p["path"] = Path(p["path"]).name
    facts.file_problems = found
    return facts


def _check(name: str, status: str, message: str, advice: str | None = None, **details) -> dict:
    out = {"name": name, "status": status, "message": message, **details}
    if advice:
        out["advice"] = advice
    return out


def database_check(f: Facts, lang: str) -> dict:
    if f.database == "ok":
        return _check("database", "ok", translate("The database answers and can be written.", lang))
    if f.database == "busy":
        return _check(
            "database",
            "warn",
            translate("The database is busy: another program is writing it.", lang),
            translate(
                "If this lasts, find the program holding the database (fuser hall.db) and stop it.",
                lang,
            ),
        )
    if f.database == "missing":
        return _check(
            "database",
            "fail",
            translate("The database file does not exist.", lang),
            translate(
                "Start the server once (it creates the database) or restore a "
                "backup: queue-server restore.",
                lang,
            ),
        )
    if f.database == "full":
        return _check(
            "database",
            "fail",
            translate("The database cannot be written: the disk is full.", lang),
            translate("Free disk space (old backups, logs: journalctl --vacuum-size=200M).", lang),
        )
    return _check(
        "database",
        "fail",
        translate("The database cannot be read or written.", lang),
        translate(
            "Check that the data folder and hall.db belong to the server's user and are writable; "
            "see journalctl -u hallqueue-server.",
            lang,
        ),
    )


def data_files_check(f: Facts, lang: str) -> dict:
    """§8.6: the database holds ID numbers and phones — only the service user may read it."""
    if not f.file_problems:
        return _check(
            "data_files",
            "ok",
            translate("Data files are private to the service user.", lang),
            problems=[],
        )
    return _check(
        "data_files",
        "warn",
        translate(
            "Data files can be read by other users or belong to another user; see problems.", lang
        ),
        translate(
            "Give the data folder and its files to the server's user (chown -R hallqueue: "
            "the folder); the server makes them 0700/0600 at its next start.",
            lang,
        ),
        problems=f.file_problems,
    )


def disk_space_check(f: Facts, lang: str) -> dict:
    if f.disk_free is None:
        return _check("disk_space", "warn", translate("The free disk space is unknown.", lang))
    free_mb = f.disk_free // MiB
    details = {"free_mb": free_mb, "total_mb": (f.disk_total or 0) // MiB}
    if f.disk_free < DISK_FAIL_BYTES:
        status = "fail"
    elif f.disk_free < max(DISK_WARN_BYTES, 3 * f.database_size):
        status = "warn"
    else:
        return _check(
            "disk_space",
            "ok",
            translate("{free_mb} MB free on the data disk.", lang, free_mb=free_mb),
            **details,
        )
    return _check(
        "disk_space",
        status,
        translate("Only {free_mb} MB free on the data disk.", lang, free_mb=free_mb),
        translate(
            "Free disk space: delete old backups or move [backup] folder to another disk; "
            "journalctl --vacuum-size=200M.",
            lang,
        ),
        **details,
    )


def voice_check(f: Facts, lang: str) -> dict:
    details = {"engine": f.voice_engine}
    if not f.voice_ready:
        if f.voice_engine == "espeak":
            return _check(
                "voice",
                "warn",
                translate(
                    "The voice engine espeak-ng is not installed: calls are shown but not spoken.",
                    lang,
                ),
                translate("Install it: apt-get install espeak-ng", lang),
                **details,
            )
        return _check(
            "voice",
            "warn",
            translate(
                "The recorded voice clips are missing: calls are shown but not spoken.", lang
            ),
            translate(
                "Check [voice] segment_dir and its folder per language "
                "(queue_server/voice/README.md).",
                lang,
            ),
            **details,
        )
    if f.voice_faults:
        return _check(
            "voice",
            "warn",
            translate(
                "The voice had trouble: {trouble}.", lang, trouble="; ".join(sorted(f.voice_faults))
            ),
            translate("See journalctl -u hallqueue-server for the voice's messages.", lang),
            **details,
        )
    return _check("voice", "ok", translate("The voice engine is ready.", lang), **details)


def last_event_check(f: Facts, lang: str) -> dict:
    if f.last_event_at is None:
        return _check("last_event", "ok", translate("No event yet.", lang), age_s=None)
    try:
        age_s = max(0, int((f.now - datetime.fromisoformat(f.last_event_at)).total_seconds()))
    except (TypeError, ValueError):
        age_s = None
    details = {"age_s": age_s, "last_event_at": f.last_event_at}
    minutes = (age_s or 0) // 60
    if f.open_now and age_s is not None and age_s > QUIET_WARN_MIN * 60:
        return _check(
            "last_event",
            "warn",
            translate(
                "No ticket, call or other event for {minutes} minutes although the hall is open.",
                lang,
                minutes=minutes,
            ),
            translate(
                "Check that the kiosks and window consoles reach the server (/guide shows devices).",
                lang,
            ),
            **details,
        )
    return _check(
        "last_event",
        "ok",
        translate("The last event was {minutes} minutes ago.", lang, minutes=minutes),
        **details,
    )


CHECKS = [database_check, data_files_check, disk_space_check, voice_check, last_event_check]


def judge(facts: Facts, lang: str) -> tuple[str, list[dict]]:
    checks = [check(facts, lang) for check in CHECKS]
    return max((c["status"] for c in checks), key=RANK.__getitem__, default="ok"), checks


class _Unchanged(Exception):
    """Ends the probe's write transaction with a rollback."""


def _store_probe(store) -> Callable[[], str | None]:
    def probe() -> str | None:
        # Through the store's own writer queue: the probe never makes a request's write wait
        # on SQLite's sleeping busy handler.
        try:
            with store.write() as db:
                maintenance.write_unchanged(db.conn)
                last = maintenance.last_event_at(db.conn)
                raise _Unchanged
        except _Unchanged:
            return last

    return probe


def server_facts() -> Facts:
    h = hall()
    faults = h.announcer.faults.active() if h.announcer is not None else {}
    return gather(
        h.settings, h.store.path, _store_probe(h.store), h.clock(), h.calendar.is_workday, faults
    )


@bp.get("/healthz")
def healthz():
    status, checks = judge(server_facts(), language())
    return jsonify({"status": status, "checks": checks}), 503 if status == "fail" else 200
