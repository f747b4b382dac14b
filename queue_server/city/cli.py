"""The city's subcommands of ``queue-server``: ``ship`` (a hall's shipper, hallqueue-ship.service)
and ``city migrate|refresh|create-user|serve`` (the bureau's side). queue_server/cli.py declares them
through ``add_commands`` and hands them the parsed arguments."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import datetime

from ..core.numbering import HALL_TZ
from .errors import CityError

NOT_SET = (
    "未配置市级汇总：请在配置文件 [city] 中填写 dsn 与 hall_id（见 docs/city.md）\n"
    "the city is not configured: set dsn and hall_id in [city] of the config (docs/city.md)"
)


def add_commands(sub, common) -> None:
    p = sub.add_parser(
        "ship",
        help="send this hall's events (masked) to the city's PostgreSQL ([city] dsn, hall_id); "
        "runs until stopped, backs off while the city is down (hallqueue-ship.service)",
    )
    common(p)
    p.add_argument("--once", action="store_true", help="stop when caught up")
    city = sub.add_parser(
        "city",
        help="the city's side: migrate, refresh, create-user, serve (the bureau's dashboard)",
    )
    actions = city.add_subparsers(dest="action", required=True)
    p = actions.add_parser("migrate", help="create or upgrade the city's schema")
    p.add_argument("--pg", required=True, help="the city's PostgreSQL, postgresql://…")
    p = actions.add_parser("refresh", help="recompute the derived tables of new events")
    p.add_argument("--pg", required=True, help="the city's PostgreSQL, postgresql://…")
    p.add_argument("--every", type=float, default=0, help="again every this many seconds")
    p = actions.add_parser("create-user", help="create or reset a dashboard account (bureau)")
    p.add_argument("--pg", required=True, help="the city's PostgreSQL, postgresql://…")
    p.add_argument("username")
    p.add_argument("--role", default="bureau", choices=["bureau"])
    p.add_argument("--display-name", default="")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (never from the command line)",
    )
    p = actions.add_parser("serve", help="the bureau's dashboard (Flask), docs/city.md")
    p.add_argument("--pg", required=True, help="the city's PostgreSQL, postgresql://…")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8090)
    p.add_argument(
        "--refresh-every",
        type=float,
        default=30,
        help="recompute the derived tables every this many seconds (0 = never)",
    )


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def ship(args, settings) -> int:
    from pathlib import Path

    from ..store import Store
    from .shipper import Shipper

    if not settings.city.dsn or not settings.city.hall_id:
        print(NOT_SET, file=sys.stderr)
        return 1
    # hall.default_db_path's rule, said again: importing queue_server.hall loads every service
    # (pypinyin's dictionaries alone take a second), which a shipper started per hall and
    # restarted by systemd should not pay.
    store = Store(
        args.db or Path(settings.hall.data_dir) / "hall.db",
        busy_timeout_ms=int(settings.server.db_busy_timeout_s * 1000),
    )
    try:
        return Shipper(settings, store).run(_stop_on_signals(), once=args.once)
    finally:
        store.close()


def city(args: argparse.Namespace) -> int:
    import psycopg

    from . import derived, migrate
    from .db import connect

    try:
        if args.action == "serve":
            return _serve(args)
        with connect(args.pg) as conn:
            if args.action == "migrate":
                applied = migrate.migrate(conn, datetime.now(HALL_TZ).date())
                for name in applied:
                    print(f"已应用 / applied: {name}")
                if not applied:
                    print("数据库结构已是最新 / the city schema is up to date")
                return 0
            if args.action == "create-user":
                from .accounts import save_user

                migrate.migrate(conn, datetime.now(HALL_TZ).date())
                password = sys.stdin.readline().rstrip("\n")
                save_user(conn, args.username, password, args.role, args.display_name)
                print(f"已创建账号 / user created: {args.username} ({args.role})")
                return 0
            stop = _stop_on_signals()
            while True:
                n = derived.refresh_all(conn)
                print(f"已重算 {n} 个（大厅, 日）/ recomputed {n} (hall, day) pairs", flush=True)
                if not args.every or stop.wait(args.every):
                    return 0
    except CityError as exc:
        print(f"市级数据库 / city database: {exc}", file=sys.stderr)
        return 1
    except psycopg.OperationalError as exc:
        print(
            f"无法连接市级数据库 / cannot reach the city's database: {exc}".strip(),
            file=sys.stderr,
        )
        return 1


def _serve(args) -> int:
    """werkzeug's threaded server: a few bureau users, behind the bureau's own proxy."""
    from werkzeug.serving import make_server

    from . import migrate
    from .dashboard import create_city_app, start_refresher
    from .db import connect

    with connect(args.pg) as conn:
        migrate.migrate(conn, datetime.now(HALL_TZ).date())
    stop = threading.Event()
    if args.refresh_every > 0:
        start_refresher(args.pg, args.refresh_every, stop)
    server = make_server(args.host, args.port, create_city_app(args.pg), threaded=True)
    print(f"市局看板 / the bureau's dashboard: http://{args.host}:{server.port}/", flush=True)

    def shut_down(*_):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, shut_down)
    server.serve_forever()
    return 0
