"""A stand-in for systemd's end of the notify socket: a real AF_UNIX datagram socket whose path
goes into NOTIFY_SOCKET, and a reader of what the server sends."""

from __future__ import annotations

import socket
import time
from pathlib import Path


class NotifySocket:
    def __init__(self, folder: Path):
        self.path = str(folder / "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.received: list[tuple[float, str]] = []

    def read(self, until: float) -> list[tuple[float, str]]:
        """Messages (arrival time, text) until the monotonic time ``until``."""
        while (left := until - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                break
            self.received.append((time.monotonic(), data.decode()))
        return self.received

    def wait_for(self, text: str, timeout: float) -> float:
        """Arrival time of the first message ``text`` (already read or coming)."""
        deadline = time.monotonic() + timeout
        while True:
            for at, message in self.received:
                if message == text:
                    return at
            if time.monotonic() >= deadline:
                raise AssertionError(f"no {text!r} within {timeout} s: {self.received[-5:]}")
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self.received.append((time.monotonic(), self.sock.recv(4096).decode()))
            except TimeoutError:
                pass

    def close(self) -> None:
        self.sock.close()
