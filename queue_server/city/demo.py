"""``make city``: a throwaway PostgreSQL, two demo halls shipping to it, the bureau's dashboard.

Each demo hall is a hall database (var/city/<hall id>/hall.db) on which simulated citizens
take tickets and windows call, finish and get rated — through the hall's own services, so the
events are the real ones — and a real ``queue-server ship`` process sends them to the city.
The dashboard (``queue-server city serve``) shows them; Ctrl-C stops everything and removes
the cluster. Run: ``python -m queue_server.city.demo --config config/hall.example.toml``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

from ..configfile import load_settings
from ..errors import HallError
from . import migrate
from .accounts import save_user
from .db import connect
from .localpg import PostgresCluster

BIN = Path(sys.executable).with_name("queue-server")
HALLS = (
    ("demo-1", "示范市社会保险事业管理中心 第一经办服务大厅", 4),
    ("demo-2", "示范市 第二经办服务大厅", 2),
)
USER, PASSWORD = "bureau", "bureau-demo-2026"


HINTS_EVERY_S = 10.0


def hall_env(
    folder: Path, hall_id: str, name: str, dsn: str, url: str, min_waiting: int
) -> dict[str, str]:
    """A demo hall: its own folder, shipping to the city and asking the dashboard (``url``)
    for the other hall's waits (the example config's [city] nearby names both)."""
    return {
        "HALLQUEUE_HALL_DATA_DIR": str(folder / hall_id),
        "HALLQUEUE_HALL_NAME": name,
        "HALLQUEUE_HALL_ISSUE_OUTSIDE_HOURS": "true",
        "HALLQUEUE_CITY_DSN": dsn,
        "HALLQUEUE_CITY_HALL_ID": hall_id,
        "HALLQUEUE_CITY_POLL_S": "1",
        "HALLQUEUE_CITY_URL": url,
        "HALLQUEUE_CITY_NEARBY_REFRESH_S": "5",
        "HALLQUEUE_CITY_NEARBY_MIN_WAITING": str(min_waiting),
    }


def nearby_hints(hall) -> list[str]:
    """What the kiosk's service list would add now: the nearby halls where fewer wait."""
    from ..core.nearby import NEARBY_MSGID, km_text
    from ..i18n import translate

    return [
        f"{s['name']['zh_CN']}："
        + translate(NEARBY_MSGID, "zh_CN", name=h["name"], waiting=h["waiting"],
                    km=km_text(h["distance_km"]))
        for s in hall.nearby.annotate(hall.queue.services(estimates=False))
        for h in s["nearby"]
    ]  # fmt: skip


def traffic(config: str, env: dict, windows: int, stop: threading.Event, seed: int) -> None:
    """Citizens arrive every few seconds; ``windows`` windows call, finish, and get rated.
    The hall's nearby hints are printed as they change (the demo runs no kiosk)."""
    from ..hall import Hall

    settings = load_settings(config, environ=env)
    hall = Hall.open(settings)
    asking = hall.nearby.run(stop)  # a serving hall starts it; this one serves no requests
    rng = random.Random(seed)
    services = [s.code for s in settings.services]
    numbers = [w.number for w in settings.windows][:windows]
    shown: list[str] = []
    looked = 0.0
    try:
        for n in numbers:
            hall.queue.set_window_state(n, "open", staff="demo")
        while not stop.wait(rng.uniform(0.3, 1.5)):
            if time.monotonic() - looked >= HINTS_EVERY_S:
                looked, hints = time.monotonic(), nearby_hints(hall)
                if hints != shown:
                    shown = hints
                    print(
                        f"[{settings.city.hall_id}] 取号机附近大厅提示 / kiosk's nearby hints: "
                        + ("；".join(hints) or "无 / none"),
                        flush=True,
                    )
            try:
                if rng.random() < 0.55:
                    hall.queue.issue(rng.choice(services), uuid.uuid4().hex)
                    continue
                window = rng.choice(numbers)
                current = hall.queue.window_current(window)
                if current and rng.random() < 0.6:
                    done = hall.queue.act(window, "finish", staff="demo")
                    if rng.random() < 0.5:
                        level = rng.choice([5, 5, 4, 4, 3, 2, 1])
                        reasons = ["time_limit"] if level <= 2 else []
                        rating = {"ticket_id": done["id"], "level": level, "reasons": reasons}
                        if level <= 2 and rng.random() < 0.5:  # a 差评 left with a phone number:
                            rating["contact"] = f"1380013{rng.randrange(10000):04d}"  # 回访
                        hall.evaluations.record(rating, source="evaluator")
                elif not current:
                    hall.queue.call_next(window, staff="demo")
            except HallError:
                pass  # nobody waiting for this window's services, and the like
    finally:
        asking.join(10)
        hall.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default="config/hall.example.toml")
    ap.add_argument("--folder", default="var/city")
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument(
        "--nearby-min-waiting",
        type=int,
        default=3,
        help="name the other hall when this many wait here (a real hall's default: 10; the "
        "demo's queues reach 3 within a minute or two)",
    )
    args = ap.parse_args(argv)
    folder = Path(args.folder).resolve()
    cluster = PostgresCluster.create(fast=True)
    cluster.start()
    stop = threading.Event()
    procs: list[subprocess.Popen] = []
    try:
        dsn = cluster.create_database("city")
        with connect(dsn) as conn:
            migrate.migrate(conn, date.today())
            save_user(conn, USER, PASSWORD, "bureau", "市局演示")
        workers = []
        for i, (hall_id, name, windows) in enumerate(HALLS):
            url = f"http://127.0.0.1:{args.port}/"
            env = hall_env(folder, hall_id, name, dsn, url, args.nearby_min_waiting)
            worker = threading.Thread(
                target=traffic, args=(args.config, env, windows, stop, i), daemon=True
            )
            worker.start()
            workers.append(worker)
            procs.append(
                subprocess.Popen(
                    [str(BIN), "ship", "--config", args.config], env={**os.environ, **env}
                )
            )
        procs.append(
            subprocess.Popen(
                [str(BIN), "city", "serve", "--pg", dsn, "--port", str(args.port)]
                + ["--refresh-every", "10"]
            )
        )
        print(
            f"\n市局看板 / the bureau's dashboard: http://127.0.0.1:{args.port}/  "
            f"用户 / user: {USER}  密码 / password: {PASSWORD}\n"
            f"市级数据库 / the city's database: {dsn}\n按 Ctrl-C 停止 / Ctrl-C stops\n",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        stop.set()
        for worker in workers:
            worker.join(10)
        return 0
    finally:
        stop.set()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        cluster.destroy()


if __name__ == "__main__":
    sys.exit(main())
