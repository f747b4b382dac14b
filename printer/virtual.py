"""The virtual printer for demos and tests: each job becomes `<dir>/<timestamp>-<n>.png` (what
would be printed, drawn from the bytes it was sent) and the raw bytes beside it (`.bin`).

Its status is `ok` unless told otherwise, either by setting `transport.state`
(`printer.transport.state = "paper_out"`) or by writing a status word into `<dir>/status`
(`echo paper_out > var/demo/printer/status`); the file wins while it exists.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from . import preview
from .status import WORDS, replies_for
from .transports import LinkDown, Transport

_counter = itertools.count(1)


class VirtualTransport(Transport):
    def __init__(self, directory: str, *, width_dots: int = 576, font: str | None = None):
        super().__init__(timeout=0)
        self.directory = Path(directory)
        self.width_dots, self.font = width_dots, font
        self.state = "ok"
        self.jobs: list[Path] = []  # PNG paths written, oldest first
        self._reply: int | None = None

    def describe(self) -> str:
        return f"virtual {self.directory}"

    def current_state(self) -> str:
        try:
            word = (self.directory / "status").read_text().strip()
        except OSError:
            word = self.state
        word = {"near_end": "paper_near_end"}.get(word, word)
        return word if word in WORDS else "error"

    def open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LinkDown(f"cannot create {self.directory}: {exc}") from None

    def write(self, data: bytes) -> None:
        if len(data) == 3 and data[:2] == b"\x10\x04":
            self._reply = replies_for(self.current_state()).get(data[2])
            return
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_counter):04d}"
        try:
            (self.directory / f"{stem}.bin").write_bytes(data)
            png = self.directory / f"{stem}.png"
            preview.render(data, self.width_dots, self.font).save(png)
        except OSError as exc:
            raise LinkDown(f"cannot write the job into {self.directory}: {exc}") from None
        self.jobs.append(png)

    def read_byte(self, timeout: float) -> int | None:
        reply, self._reply = self._reply, None
        return reply

    def discard_input(self) -> None:
        self._reply = None
