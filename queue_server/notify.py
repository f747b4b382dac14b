"""systemd's notify protocol (sd_notify) with the standard library: READY=1 once the server
answers, WATCHDOG=1 while it keeps answering.

The unit says ``Type=notify`` and ``WatchdogSec=``; systemd then sets ``NOTIFY_SOCKET`` and
``WATCHDOG_USEC`` for the process. Without them (a terminal, a test) every call is a no-op.

The watchdog ping is sent by an API worker after it has run a real request (GET /healthz)
through the Flask app: a server whose loop or whose worker pool is stuck stops pinging, and
systemd kills and restarts it. A slow answer still pings; only no answer does not.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Callable

log = logging.getLogger(__name__)

PINGS_PER_PERIOD = 3
"""systemd's advice: ping at least every half of WatchdogSec; a third leaves room for a slow
health check (the database may be busy for up to server.db_busy_timeout_s)."""


def notify(state: str, environ=None) -> bool:
    """Send ``state`` (``"READY=1"``, ``"WATCHDOG=1"``, ``"STOPPING=1"`` …) to systemd; False when
    not run by systemd or when the message could not be sent (never raises)."""
    environ = os.environ if environ is None else environ
    address = environ.get("NOTIFY_SOCKET", "")
    if not address or address[0] not in "@/":
        return False
    if address[0] == "@":  # an abstract socket: a leading NUL byte instead of the '@'
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
        return True
    except OSError as exc:
        log.warning("sd_notify %s failed: %s", state.split("=")[0], exc)
        return False


def watchdog_period(environ=None) -> float | None:
    """Seconds between pings, or None when systemd watches nothing (``WATCHDOG_USEC`` unset, or
    meant for another process: ``WATCHDOG_PID``)."""
    environ = os.environ if environ is None else environ
    pid = environ.get("WATCHDOG_PID")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", "0"))
    except ValueError:
        return None
    return usec / 1e6 / PINGS_PER_PERIOD if usec > 0 else None


class Watchdog:
    """Every ``period`` seconds the loop hands ``probe`` to ``executor`` (the API worker pool);
    the worker that ran it sends WATCHDOG=1. A probe still waiting for a worker is not doubled."""

    def __init__(
        self,
        period: float,
        probe: Callable[[], int],
        executor,
        send: Callable[[str], bool] = notify,
    ) -> None:
        self.period = period
        self.probe = probe
        self.executor = executor
        self.send = send
        self.pending = None
        self.task: asyncio.Task | None = None
        self.last_status: int | None = None

    def _probe_and_ping(self) -> None:
        status = self.probe()
        self.send("WATCHDOG=1")
        if status != self.last_status:  # systemctl status shows the health answer
            self.send(f"STATUS=GET /healthz answered {status}")
            self.last_status = status

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self.pending is None or self.pending.done():
                self.pending = loop.run_in_executor(self.executor, self._probe_and_ping)
                self.pending.add_done_callback(self._done)
            await asyncio.sleep(self.period)

    @staticmethod
    def _done(future) -> None:
        if not future.cancelled() and future.exception() is not None:
            log.error("watchdog probe failed: %s", future.exception())

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.task = loop.create_task(self._run())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()


def serving(executor, probe: Callable[[], int], loop: asyncio.AbstractEventLoop) -> Watchdog | None:
    """The server answers: READY=1, and the watchdog's pings when the unit asked for them."""
    notify("READY=1")
    period = watchdog_period()
    if period is None:
        return None
    watchdog = Watchdog(period, probe, executor)
    watchdog.start(loop)
    log.info("systemd watchdog: a health check through the API workers every %.1f s", period)
    return watchdog


def stopping(watchdog: Watchdog | None) -> None:
    notify("STOPPING=1")
    if watchdog is not None:
        watchdog.stop()
