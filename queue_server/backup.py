"""``queue-server backup`` and ``queue-server restore``: a hall's data kept safe and put back.

A backup is one folder ``<[backup] folder>/hall-YYYYMMDD-HHMMSS/`` holding

- ``hall.db``: an online copy made with SQLite's backup API while the hall runs (consistent: one
  read transaction; tickets keep being issued meanwhile);
- ``records.db``: the records database of the ``sqlite`` records provider, the same way;
- ``state/``: the data folder's other files (the session key, ``records_secret`` that links the
  audit rows, …); caches (voice, fonts) are made again and are left out;
- ``config/``: the config file and its FAQ file, for a new PC;
- ``manifest.json``: what is in it, each file's SHA-256, and the result of the check.

Each copied database is opened and checked (``PRAGMA integrity_check``) before the folder gets
its final name, so a folder without ``.partial`` in its name is a checked backup. Backups older
than ``keep_days`` are deleted after a good new one; the newest is always kept.

``restore`` refuses while a server runs on the database (the server holds a shared lock on
``<db>.lock``; restore needs it exclusively), checks the backup again, moves the current files
into ``<data_dir>/before-restore-<time>/`` and puts the backup's in their place.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import IO

from .core.numbering import HALL_TZ
from .errors import HallError
from .store import files, maintenance

PREFIX = "hall-"
STAMP = "%Y%m%d-%H%M%S"
PARTIAL = ".partial"
MANIFEST = "manifest.json"
FORMAT = 1
CACHE_DIRS = ("voice", "fonts")


class BackupError(HallError):
    """A backup or restore that could not be done; nothing was changed."""


def backup_folder(settings) -> Path:
    return Path(settings.backup.folder or Path(settings.hall.data_dir) / "backups")


def records_db(settings) -> Path | None:
    """The records database to keep, when the hall has its own (sqlite provider)."""
    from .records import records_db_path

    return records_db_path(settings) if settings.records.provider == "sqlite" else None


def _is_database_file(path: Path, databases: list[Path]) -> bool:
    return any(path == f for db in databases for f in files.db_files(db)) or path.name.endswith(
        ".lock"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- who runs it --------------------------------------------------------------------------------


def become_data_owner(settings) -> str | None:
    """Run by root (an operator's shell): become the owner of the data folder, the service user,
    so every file made belongs to it and the server can open it. Returns that user's name."""
    if os.geteuid() != 0:
        return None
    try:
        st = Path(settings.hall.data_dir).stat()
    except OSError:
        return None
    if st.st_uid == 0:
        return None
    try:
        name = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        name = str(st.st_uid)
    os.setgroups([])
    os.setgid(st.st_gid)
    os.setuid(st.st_uid)
    return name


# --- the server's lock --------------------------------------------------------------------------


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


def _open_lock(db_path: str | Path) -> IO:
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, files.FILE_MODE)
    return os.fdopen(fd, "r+")


def hold_serving_lock(db_path: str | Path) -> IO:
    """Taken by ``serve`` for its whole life (the kernel drops it when the process ends, even on
    SIGKILL). Several servers may share it; a restore in progress refuses them."""
    folder = Path(db_path).parent
    if not folder.exists():  # the first start: made private, as the store would (files.py)
        folder.mkdir(parents=True, mode=files.DIR_MODE)
        folder.chmod(files.DIR_MODE)
    fh = _open_lock(db_path)
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise BackupError(
            "A restore of {path} is in progress; the server starts after it.", path=str(db_path)
        ) from None
    return fh


@contextlib.contextmanager
def _no_server(db_path: str | Path):
    fh = _open_lock(db_path)
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                "The server is running on {path}. Stop it first: systemctl stop hallqueue-server",
                path=str(db_path),
            ) from None
        yield
    finally:
        fh.close()


# --- backup -------------------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    created_at: datetime
    manifest: dict


def _copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(source, target)
    target.chmod(files.FILE_MODE)


def take(
    settings, db_path: str | Path, now: datetime, config_path: str | Path | None = None
) -> Backup:
    """One checked backup of the hall while it runs; raises BackupError if a copy is unsound."""
    folder = backup_folder(settings)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{PREFIX}{now.strftime(STAMP)}"
    for stale in folder.glob(f".{PREFIX}*{PARTIAL}"):  # a backup cut short (power, disk full)
        shutil.rmtree(stale, ignore_errors=True)
    work = folder / f".{name}{PARTIAL}"
    work.mkdir(mode=0o700)
    try:
        manifest = _fill(work, settings, Path(db_path), config_path, now)
        for entry in manifest["files"]:
            _fsync(work / entry["name"])
        final = folder / name
        if final.exists():  # two backups within a second: keep both
            final = folder / f"{name}-{os.getpid()}"
        work.rename(final)
        _fsync(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Backup(final, now, manifest)


def _fill(work: Path, settings, db_path: Path, config_path, now: datetime) -> dict:
    entries = []
    databases = [db_path]
    if not db_path.exists():
        raise BackupError("The database {path} does not exist.", path=str(db_path))
    maintenance.copy_database(db_path, work / "hall.db")
    entries.append({"name": "hall.db", "role": "hall_db", "source": str(db_path)})
    records = records_db(settings)
    if records is not None and records.exists():
        databases.append(records)
        maintenance.copy_database(records, work / "records.db")
        entries.append({"name": "records.db", "role": "records_db", "source": str(records)})
    data_dir = Path(settings.hall.data_dir)
    for path in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
        if path.is_file() and not _is_database_file(path, databases):
            _copy_file(path, work / "state" / path.name)
            entries.append({"name": f"state/{path.name}", "role": "state", "source": str(path)})
    if config_path:
        sources = [Path(config_path)]
        if settings.hall.faq_file and Path(settings.hall.faq_file).is_file():
            sources.append(Path(settings.hall.faq_file))
        for path in sources:
            _copy_file(path, work / "config" / path.name)
            entries.append({"name": f"config/{path.name}", "role": "config", "source": str(path)})
    for entry in entries:
        target = work / entry["name"]
        target.chmod(files.FILE_MODE)
        entry["bytes"] = target.stat().st_size
        entry["sha256"] = _sha256(target)
        if entry["role"].endswith("_db"):
            problems = maintenance.integrity_problems(target)
            if problems:
                raise BackupError(
                    "The copy of {path} failed its integrity check: {problems}",
                    path=entry["source"],
                    problems="; ".join(problems[:5]),
                )
            entry["integrity_check"] = "ok"
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "hall": settings.hall.name,
        "version": _version(),
        "files": entries,
        "hall_db": maintenance.summary(work / "hall.db"),
    }
    (work / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (work / MANIFEST).chmod(files.FILE_MODE)
    return manifest


def _version() -> str:
    try:
        return metadata.version("hallqueue")
    except metadata.PackageNotFoundError:
        return "unknown"


def listing(settings) -> list[Backup]:
    """The finished backups, oldest first."""
    out = []
    folder = backup_folder(settings)
    for path in sorted(folder.glob(f"{PREFIX}*")) if folder.is_dir() else []:
        try:
            created = datetime.strptime(path.name[len(PREFIX) :][:15], STAMP)
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        when = (
            datetime.fromisoformat(manifest["created_at"])
            if manifest.get("created_at")
            else created.replace(tzinfo=HALL_TZ)
        )
        out.append(Backup(path, when, manifest))
    return sorted(out, key=lambda b: b.created_at)


def prune(settings, now: datetime) -> list[Path]:
    """Delete backups older than keep_days; the newest stays whatever its age."""
    backups = listing(settings)
    cutoff = now - timedelta(days=settings.backup.keep_days)
    gone = []
    for b in backups[:-1]:
        if b.created_at < cutoff:
            shutil.rmtree(b.path, ignore_errors=True)
            gone.append(b.path)
    return gone


# --- restore ------------------------------------------------------------------------------------


def _backup_dir(source: Path) -> Path:
    if source.is_dir():
        return source
    if source.is_file() and (source.parent / MANIFEST).is_file():
        return source.parent  # hall.db or manifest.json of a backup: the whole backup
    raise BackupError("{path} is not a backup folder (no manifest.json in it).", path=str(source))


def verify(folder: Path) -> dict:
    """The manifest of a sound backup; raises BackupError naming what is wrong."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(
            "{path} is not a readable backup ({reason}).", path=str(folder), reason=str(exc)
        ) from None
    for entry in entries:
        path = folder / entry["name"]
        try:
            same = _sha256(path) == entry["sha256"]
        except OSError as exc:
            raise BackupError(
                "{path} cannot be read ({reason}).", path=str(path), reason=exc.strerror or str(exc)
            ) from None
        if not same:
            raise BackupError("{path} has changed since the backup was made.", path=str(path))
        if entry["role"].endswith("_db") and maintenance.integrity_problems(path):
            raise BackupError("{path} failed its integrity check.", path=str(path))
    if not any(e["role"] == "hall_db" for e in entries):
        raise BackupError("{path} holds no hall database.", path=str(folder))
    return manifest


def _targets(settings, db_path: Path, manifest: dict) -> list[tuple[str, Path, bool]]:
    """(file in the backup, where it goes, is a database) — to this hall's current paths."""
    out = []
    data_dir = Path(settings.hall.data_dir)
    for entry in manifest["files"]:
        role, name = entry["role"], entry["name"]
        if role == "hall_db":
            out.append((name, db_path, True))
        elif role == "records_db":
            target = records_db(settings)
            if target is not None:
                out.append((name, target, True))
        elif role == "state":
            out.append((name, data_dir / Path(name).name, False))
    return out


@dataclass
class Restored:
    backup: Path
    kept: Path
    manifest: dict
    restored: list[Path]


def restore(settings, db_path: str | Path, source: str | Path, now: datetime) -> Restored:
    folder = _backup_dir(Path(source))
    manifest = verify(folder)
    db_path = Path(db_path)
    data_dir = Path(settings.hall.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=files.DIR_MODE)
    targets = _targets(settings, db_path, manifest)
    with _no_server(db_path):
        kept = data_dir / f"before-restore-{now.strftime(STAMP)}"
        kept.mkdir(mode=files.DIR_MODE, exist_ok=True)
        for _, target, database in targets:  # a database with its -wal: all the server wrote
            for old in files.db_files(target) if database else [target]:
                if old.exists():
                    shutil.move(old, kept / old.name)
        for name, target, _ in targets:
            part = target.with_name(f".{target.name}.restoring")
            _copy_file(folder / name, part)
            os.replace(part, target)
        problems = maintenance.integrity_problems(db_path)
        if problems:  # the disk failed us while copying: say so loudly
            raise BackupError(
                "The restored {path} failed its integrity check: {problems}; the "
                "files from before are in {kept}.",
                path=str(db_path),
                problems="; ".join(problems[:5]),
                kept=str(kept),
            )
    return Restored(folder, kept, manifest, [t for _, t, _ in targets])


# --- the commands -------------------------------------------------------------------------------


def _say(exc: HallError) -> str:
    from .i18n import bilingual

    return bilingual(exc.message, **exc.params)


def backup_command(args, settings, now: datetime) -> int:
    """``queue-server backup [--list]``: 0 done, 1 failed (the timer's unit shows as failed)."""
    import logging

    log = logging.getLogger("hallqueue.backup")
    user = become_data_owner(settings)
    if args.list:
        for b in listing(settings):
            db = b.manifest.get("hall_db", {})
            print(
                f"{b.path}  {b.created_at:%Y-%m-%d %H:%M}  tickets={db.get('tickets', '?')}  "
                f"last_event={db.get('last_event_id', '?')}"
            )
        return 0
    from .hall import default_db_path

    db_path = Path(args.db or default_db_path(settings))
    try:
        made = take(settings, db_path, now, args.config)
    except (BackupError, OSError) as exc:
        text = _say(exc) if isinstance(exc, BackupError) else f"{exc.filename or ''}: {exc}"
        log.error("backup failed: %s", text)
        print(f"备份失败 / backup failed: {text}")
        return 1
    gone = prune(settings, now)
    size = sum(e["bytes"] for e in made.manifest["files"])
    log.info(
        "backup %s: %d files, %d bytes, integrity ok; %d old backups deleted%s",
        made.path.name,
        len(made.manifest["files"]),
        size,
        len(gone),
        f" (as {user})" if user else "",
    )
    print(f"已备份并检查通过 / backup made and checked: {made.path}")
    for path in gone:
        print(f"已删除过期备份 / deleted (older than {settings.backup.keep_days} days): {path}")
    return 0


def restore_command(args, settings, now: datetime) -> int:
    import sys

    from .hall import default_db_path

    become_data_owner(settings)
    db_path = Path(args.db or default_db_path(settings))
    if not args.yes:
        if not sys.stdin.isatty():
            print("请加 --yes 确认恢复 / add --yes to confirm the restore", file=sys.stderr)
            return 2
        answer = input(
            f"用备份 {args.backup} 替换 {db_path}？旧文件会保留。输入 yes 继续 / "
            f"replace {db_path} with this backup (old files kept)? type yes: "
        )
        if answer.strip().lower() != "yes":
            print("未恢复 / nothing restored")
            return 2
    try:
        done = restore(settings, db_path, args.backup, now)
    except BackupError as exc:
        print(f"未恢复 / not restored: {_say(exc)}", file=sys.stderr)
        return 1
    db = done.manifest.get("hall_db", {})
    print(
        f"已恢复备份 / restored: {done.backup} (made {done.manifest.get('created_at')}, "
        f"{db.get('tickets', '?')} tickets, last event {db.get('last_event_id', '?')})"
    )
    for path in done.restored:
        print(f"  {path}")
    print(f"原来的文件保留在 / the files from before are kept in: {done.kept}")
    print("现在启动服务器 / now start the server: systemctl start hallqueue-server")
    return 0
