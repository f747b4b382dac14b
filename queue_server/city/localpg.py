"""A throwaway PostgreSQL 15 cluster: the city's tests and benchmark, and ``make city``.

pg = PostgresCluster.create()        # initdb in a fresh temporary folder, not started
pg.start()                           # pg_ctl on a free loopback port, socket in that folder
dsn = pg.create_database("city_1")   # postgresql://postgres@127.0.0.1:<port>/city_1
pg.stop(); pg.start()                # same data, same port (PostgreSQL "down" and back)
pg.destroy()                         # stop and remove the folder

PostgreSQL refuses to run as root, so when the tests run as root the cluster runs as the
``postgres`` user (``runuser``) and the folder belongs to it. The binaries are Debian's
postgresql-15 (``make test`` and ``make city`` install it). ``fast=True`` turns fsync off: a test cluster that
dies with the machine needs no durability, and tests start faster; the benchmark keeps fsync.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("HALLQUEUE_PG_BIN", "/usr/lib/postgresql/15/bin"))
MISSING = (
    "PostgreSQL 15 is not installed ({bin}); `make test` installs the Debian package "
    "postgresql-15, or: apt-get install postgresql-15"
)


def available() -> bool:
    return (PG_BIN / "pg_ctl").exists() and (PG_BIN / "initdb").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner() -> list[str]:
    """Root runs the server through runuser as ``postgres``; anyone else as themselves."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


class PostgresCluster:
    def __init__(self, folder: Path, port: int, fast: bool):
        self.folder, self.port, self.fast = folder, port, fast
        self.data = folder / "data"
        self.log = folder / "postgres.log"

    @classmethod
    def create(cls, fast: bool = True) -> PostgresCluster:
        if not available():
            raise RuntimeError(MISSING.format(bin=PG_BIN))
        # Not under pytest's tmp_path: its folders are 0700 root, which postgres cannot enter.
        folder = Path(tempfile.mkdtemp(prefix="hallqueue-pg-"))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        cluster = cls(folder, free_port(), fast)
        cluster._run(
            "initdb",
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        return cluster

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*_as_owner(), str(PG_BIN / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.folder,
        )
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}\n{log}")
        return done

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self) -> None:
        options = [
            f"-p {self.port}",
            f"-k {self.folder}",  # the Unix socket stays in our folder, not /run/postgresql
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=60",
        ]
        if self.fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            " ".join(options),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: sessions are cut off (what the shipper sees when the city's server goes
        down); ``immediate``: no shutdown checkpoint, as on a crash."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def wait_ready(self, timeout: float = 30) -> None:
        import psycopg

        end = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.dsn(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)
