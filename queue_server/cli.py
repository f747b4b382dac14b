"""``queue-server``: serve, check-config, dump-config, create-user, create-device, unlock-user, demo,
demo-records, ship and city (queue_server/city/cli.py).

Every subcommand takes ``--config FILE`` and ``--db PATH``. A bad configuration prints the file,
the key and the problem and exits 1 — never a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .configfile import check_config, load_settings
from .core.settings import SettingsError, consulting_windows_required
from . import journal
from .errors import HallError
from .i18n import bilingual


FILE_PROBLEM = (
    "{path} cannot be written or read ({reason}). Check that it exists, belongs to the "
    "server's user and the disk has space."
)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, help="hall TOML file, e.g. config/hall.example.toml")
    p.add_argument("--db", help="database file (default: <hall.data_dir>/hall.db)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="queue-server", description="社保经办大厅排队叫号服务 / hall queue server"
    )
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run the HTTP server (uvicorn)")
    _common(p)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p = sub.add_parser(
        "check-config",
        help="validate the config and its FAQ file, the §4.2 consulting-window check, and warn about "
        "settings unsafe for a real hall; exit 0 (warnings too), 1 invalid, 3 §4.2 not met",
    )
    _common(p)
    p = sub.add_parser(
        "dump-config", help="print the effective configuration (defaults + file + env)"
    )
    _common(p)
    p = sub.add_parser("create-user", help="create or reset a staff account")
    _common(p)
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=["window", "guide", "supervisor", "admin"])
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (never from the command line)",
    )
    p.add_argument("--display-name", default="")
    p = sub.add_parser(
        "create-device",
        help="register a kiosk/display/evaluator, or the province's "
        "booking platform; prints its token once",
    )
    _common(p)
    p.add_argument("device_id")
    p.add_argument("--kind", required=True, choices=["kiosk", "display", "evaluator", "platform"])
    p.add_argument("--window", type=int, help="for an evaluator: the window it stands at")
    p = sub.add_parser("unlock-user", help="lift the hard lock of a user name after failed logins")
    _common(p)
    p.add_argument("username")
    p = sub.add_parser(
        "demo-records",
        help="generate a records database of fictitious people for "
        "the sqlite records provider; prints a few of them and an e-SSC code",
    )
    _common(p)
    p.add_argument("--people", type=int, default=1000, help="how many people (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="same seed, same people (default 1)")
    p.add_argument("--out", help="records database file (default: records.db of the config)")
    p = sub.add_parser(
        "plan",
        help="staffing planner (§9): the fewest open windows per hour that "
        "keep the 90th percentile wait under the target, from the history of a range",
    )
    _common(p)
    p.add_argument(
        "--from", dest="day_from", required=True, help="first day of history, YYYY-MM-DD"
    )
    p.add_argument("--to", dest="day_to", required=True, help="last day of history, YYYY-MM-DD")
    p.add_argument(
        "--target-p90",
        default=None,
        help="e.g. 20m, 1200s, 0.5h (default: [reports] target_p90_min)",
    )
    p.add_argument("--days", type=int, default=None, help="simulated days per trial (default 6)")
    p = sub.add_parser(
        "demo", help="the demo hall: server + kiosk + display with a virtual printer"
    )
    _common(p)
    p.add_argument("--kiosk-config", default="config/kiosk.example.toml")
    p.add_argument("--no-kiosk", action="store_true")
    p.add_argument("--no-display", action="store_true")
    _ops_commands(sub)
    from .city.cli import add_commands as city_commands  # ship, city (docs/city.md)

    city_commands(sub, _common)
    return ap


def _ops_commands(sub) -> None:
    """Keeping a hall running: backup, restore, doctor, install (docs/install.md)."""
    from .install import add_arguments

    p = sub.add_parser(
        "backup",
        help="take a checked online backup now ([backup] folder, "
        "keep_days); the nightly hallqueue-backup.timer runs this",
    )
    _common(p)
    p.add_argument("--list", action="store_true", help="list the backups instead")
    p = sub.add_parser(
        "restore",
        help="put a backup back: the server must be stopped, the files "
        "it replaces are kept in <data_dir>/before-restore-<time>/",
    )
    _common(p)
    p.add_argument("backup", help="a backup folder (or its hall.db)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p = sub.add_parser(
        "doctor",
        help="check this hall's server and say what to do (Chinese and "
        "English); exit 0 all well, 1 warnings, 2 failures",
    )
    _common(p)
    p = sub.add_parser("install", help="set up this PC for one role, as root (docs/install.md)")
    add_arguments(p)


def section_4_2(settings) -> tuple[bool, str]:
    h = settings.hall
    have = sum(1 for w in settings.windows if w.kind == "consulting")
    need = consulting_windows_required(h.city_tier, h.insured_population)
    ok = have >= need
    tier = {
        "large": "城区常住人口100万以上",
        "small": "城区常住人口100万及以下",
        "county": "县级经办服务大厅",
    }[h.city_tier]
    text = (
        f"§4.2 咨询服务窗口：{tier}，参保人 {h.insured_population:,} 人，最低需要 {need} 个，已设置 {have} 个 — "
        f"{'符合' if ok else '不足'}\n"
        f"§4.2 consulting windows: need {need}, have {have} — {'OK' if ok else 'NOT ENOUGH'}"
    )
    return ok, text


def data_file_warnings(settings, db_path: str | None) -> list[str]:
    """check-config: the hall's files must be private to the service user (store/files.py)."""
    from .hall import default_db_path
    from .store import files

    lines = []
    for p in files.problems(settings.hall.data_dir, db_path or default_db_path(settings)):
        owner = "，且不属于当前用户 / and not owned by this user" if not p["owner_ok"] else ""
        lines.append(
            f"警告 / warning: {p['path']} 权限 / mode {p['mode']}，应为 / should be "
            f"{p['expected']}{owner}"
        )
    return lines


def reload_on_sighup(hall) -> None:
    """SIGHUP (``systemctl reload hallqueue-server``) re-reads the config file (§8.1.4). The
    reload runs in its own thread: the signal arrives on the server's loop, which must not wait."""

    def handler(signum, frame):
        threading.Thread(target=hall.reload, name="config-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, handler)


def serve(app, host: str, port: int) -> None:
    """uvicorn: the event stream on its loop, the API on a bounded worker pool
    (queue_server/asgi.py). SIGTERM/SIGINT: streams end (clients reconnect with
    Last-Event-ID), running requests finish, exit 0."""
    from .asgi import serve as serve_asgi

    serve_asgi(app, host, port)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "install":
        from .install import main as install

        return install(args)
    # Logs go to the journal under systemd, named after the unit; else to stderr.
    unit = {"serve": "hallqueue-server", "backup": "hallqueue-backup", "ship": "hallqueue-ship"}
    journal.setup(unit.get(args.command) or "queue-server")
    if args.command == "city":  # the city's database: no hall config
        from .city.cli import city

        return city(args)
    try:
        if args.command == "check-config":
            return check(args.config, args.db)
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 1
    try:
        return _run(args, settings)
    except HallError as exc:
        print(bilingual(exc.message, **exc.params), file=sys.stderr)
        return 1
    except OSError as exc:  # the data folder (secret key, voice cache, fonts) cannot be written
        reason = exc.strerror or exc
        print(bilingual(FILE_PROBLEM, path=exc.filename or "-", reason=reason), file=sys.stderr)
        return 1


def check(path: str, db: str | None = None) -> int:
    """check-config: invalid → SettingsError (exit 1); §4.2 short → 3; hazards are printed as
    warnings and leave the exit code alone (the demo hall has some on purpose)."""
    checked = check_config(path)
    ok, text = section_4_2(checked.settings)
    print(f"配置有效 / configuration valid: {path}")
    print(text)
    for hazard in checked.hazards:
        print(f"警告 / warning: {hazard.key}: {hazard.zh}\n    {hazard.en}")
    for line in data_file_warnings(checked.settings, db):
        print(line)
    if checked.hazards:
        print(
            f"{len(checked.hazards)} 条警告，正式开放前请处理（不影响退出码）/ "
            f"{len(checked.hazards)} warning(s): fix them before opening (exit code unchanged)"
        )
    return 0 if ok else 3


def _run(args, settings) -> int:
    if args.command == "ship":  # before importing the hall's services: a shipper needs none
        from .city.cli import ship

        return ship(args, settings)
    from .hall import Hall, default_db_path

    if args.command == "dump-config":
        import json

        from .core.settings import redacted

        # Keys, credentials and passwords in URLs are shown only as set (they end up in tickets
        # to the vendor and in screenshots).
        print(json.dumps(redacted(settings), ensure_ascii=False, indent=2))
        return 0
    if args.command == "create-user":
        password = sys.stdin.readline().rstrip("\n")
        hall = Hall.open(settings, args.db)
        hall.accounts.create_user(args.username, args.role, password, args.display_name)
        print(f"已创建账号 / user created: {args.username} ({args.role})")
        return 0
    if args.command == "create-device":
        hall = Hall.open(settings, args.db)
        token = hall.accounts.create_device(args.device_id, args.kind, window=args.window)
        print(token)
        print(
            f"已登记设备 {args.device_id}（{args.kind}）。令牌只显示这一次。/ token shown once.",
            file=sys.stderr,
        )
        return 0
    if args.command == "unlock-user":
        hall = Hall.open(settings, args.db)
        was = hall.accounts.logins.unlock(args.username)
        print(
            f"已解锁 / unlocked: {args.username}"
            if was
            else f"未锁定，已清除失败记录 / was not locked; failed tries forgotten: {args.username}"
        )
        return 0
    if args.command == "serve":
        from .web import create_app

        os.umask(0o077)  # everything the server writes (db, voice cache, logs) is private (§8.6)
        from .backup import hold_serving_lock

        lock = hold_serving_lock(args.db or default_db_path(settings))  # restore waits for us
        app = create_app(settings, db_path=args.db, config_path=args.config)
        reload_on_sighup(app.extensions["hall"])
        serve(app, args.host or settings.server.host, args.port or settings.server.port)
        lock.close()
        return 0
    if args.command in ("backup", "restore"):
        from . import backup
        from .hall import system_clock

        run = backup.backup_command if args.command == "backup" else backup.restore_command
        return run(args, settings, system_clock())
    if args.command == "doctor":
        from .doctor import main as doctor

        return doctor(args, settings)
    if args.command == "demo-records":
        from .demo import print_demo_people
        from .records import records_db_path
        from .records.demo_people import generate

        if not 1 <= args.people <= 10_000_000:
            print("--people 须为 1–10000000 / --people must be 1–10,000,000", file=sys.stderr)
            return 2
        out = args.out or records_db_path(settings)
        people = generate(out, args.people, seed=args.seed)
        print(
            f"已生成 {args.people} 名虚构人员的个人权益记录 / records of {args.people} fictitious "
            f"people written: {out}"
        )
        print_demo_people(out, people)
        return 0
    if args.command == "plan":
        from datetime import date

        from .services.planner import format_plan, parse_target

        try:
            day_from, day_to = date.fromisoformat(args.day_from), date.fromisoformat(args.day_to)
        except ValueError:
            print("日期应为 YYYY-MM-DD / dates must be YYYY-MM-DD", file=sys.stderr)
            return 2
        hall = Hall.open(settings, args.db)
        target = parse_target(args.target_p90, settings.reports.target_p90_min)
        seeds = tuple(range(1, args.days + 1)) if args.days else None
        print(format_plan(hall.planner.plan(day_from, day_to, target, seeds=seeds), settings))
        return 0
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(settings, args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
