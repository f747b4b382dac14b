"""A real ``queue-server serve`` process on a free loopback port, for end-to-end and browser tests.

srv = start_server(tmp_path)            # demo config copied with data_dir in tmp_path
token = srv.create_device("kiosk-1", "kiosk"); srv.create_user("win1", "window")
srv.set_clock("2026-11-24T09:00:00+08:00")   # moves the server's clock (no sleeping)
srv.restart()                           # same db, same port
srv.stop()
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "hall.example.toml"
BIN = Path(sys.executable).with_name("queue-server")
PASSWORD = "correct-horse-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, workdir: Path, config: Path, port: int, env: dict):
        self.workdir, self.config, self.port = workdir, config, port
        self.db = workdir / "hall.db"
        self.clock_file = workdir / "clock.txt"
        self.env = {**os.environ, "HALLQUEUE_CLOCK_FILE": str(self.clock_file), **env}
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "server.log"

    def _cli(self, *args: str, stdin: str | None = None) -> str:
        out = subprocess.run(
            [str(BIN), *args, "--config", str(self.config), "--db", str(self.db)],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            check=True,
        )
        return out.stdout.strip()

    def create_user(self, name: str, role: str, password: str = PASSWORD) -> None:
        self._cli("create-user", name, "--role", role, "--password-stdin", stdin=password + "\n")

    def create_device(self, device_id: str, kind: str) -> str:
        return self._cli("create-device", device_id, "--kind", kind).splitlines()[-1]

    def set_clock(self, iso: str | None) -> None:
        if iso is None:
            self.clock_file.unlink(missing_ok=True)
        else:
            self.clock_file.write_text(iso)

    def login(self, name: str, password: str = PASSWORD) -> requests.Session:
        s = requests.Session()
        r = s.post(
            f"{self.url}/api/v1/auth/login",
            json={"username": name, "password": password},
            timeout=5,
        )
        r.raise_for_status()
        return s

    def start(self, timeout: float = 15.0) -> "LiveServer":
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [
                    str(BIN),
                    "serve",
                    "--config",
                    str(self.config),
                    "--db",
                    str(self.db),
                    "--port",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/api/v1/hall", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


def start_server(
    workdir: Path,
    config: Path = EXAMPLE,
    env: dict | None = None,
    port: int | None = None,
    outside_hours: bool = True,
) -> LiveServer:
    """Copy ``config`` with its data_dir moved into ``workdir`` and start a server on it."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^data_dir = .*$", f'data_dir = "{(workdir / "data").as_posix()}"', text)
    text = re.sub(
        r"(?m)^issue_outside_hours = .*$",
        f"issue_outside_hours = {str(outside_hours).lower()}",
        text,
    )
    copy = workdir / "hall.toml"
    copy.write_text(text, encoding="utf-8")
    faq = config.parent / "faq.toml"
    if faq.exists() and not (workdir / "faq.toml").exists():
        shutil.copy(faq, workdir / "faq.toml")
    srv = LiveServer(workdir, copy, port or free_port(), env or {})
    return srv.start()
