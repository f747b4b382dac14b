"""QR scanner for the 电子社保卡 / 医保电子凭证 code: a serial scanner sending CR, LF or CRLF
terminated lines, or a keyboard wedge whose keystrokes the kiosk window passes to ``feed``.

A code is printable ASCII, MIN_LEN..MAX_LEN characters after stripping spaces. Anything else
(power-up garbage, a lone Enter, an endless line) is ignored, and so is a half line left over
for longer than the gap between a scanner's characters (a burst is far shorter) — so noise can
never glue itself to the front of the next real code. The code is passed on as scanned: only
the platform can tell whether it is genuine and in date.
"""

from __future__ import annotations

import logging
import time

from .base import CodeScanned, Device
from .errors import DeviceUnavailable
from .port import open_serial

log = logging.getLogger(__name__)

MIN_LEN, MAX_LEN = 6, 1024
SERIAL_GAP_S = 0.5


def clean_code(raw: str) -> str | None:
    """The code in a raw line, or None for noise."""
    code = raw.strip()
    if not MIN_LEN <= len(code) <= MAX_LEN:
        return None
    if not all(" " <= ch <= "~" for ch in code):
        return None
    return code


class LineAssembler:
    """Characters → complete lines; a partial line older than `gap_s` is dropped."""

    def __init__(self, gap_s: float, max_len: int = MAX_LEN):
        self.gap_s, self.max_len = gap_s, max_len
        self._chars: list[str] = []
        self._last: float | None = None
        self._overflow = False

    def add(self, text: str, now: float) -> list[str]:
        if self._last is not None and now - self._last > self.gap_s:
            self.reset()
        self._last = now
        lines = []
        for ch in text:
            if ch in "\r\n":
                if self._chars and not self._overflow:
                    lines.append("".join(self._chars))
                self.reset()
            elif len(self._chars) >= self.max_len:
                self._overflow = True  # the rest of this line is dropped up to its end
            else:
                self._chars.append(ch)
        return lines

    def reset(self) -> None:
        self._chars.clear()
        self._overflow = False


class _Scanner(Device):
    def _lines(self, lines: list[str]) -> None:
        for line in lines:
            code = clean_code(line)
            if code is None:
                log.info("%s: ignored a line of %d characters", self.name, len(line))
            else:
                self._emit(CodeScanned(code))


class SerialQrScanner(_Scanner):
    name = "qr-scanner"

    def __init__(self, path: str, baud: int = 9600, *, callback=None, opener=open_serial):
        super().__init__(callback)
        self.path, self.baud, self._opener = path, baud, opener
        self._port = None
        self._assembler = LineAssembler(SERIAL_GAP_S)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._port is None:
                    self._port = self._opener(self.path, self.baud)
                    self._assembler.reset()
                    self._set_status("ok")
                self._port.timeout = 0.1
                data = self._port.read(4096)
            except (DeviceUnavailable, OSError) as exc:
                error = (
                    exc
                    if isinstance(exc, DeviceUnavailable)
                    else DeviceUnavailable(self.path, repr(exc))
                )
                self._close()
                self._set_status("offline", error)
                self._sleep(1.0)
                continue
            if data:  # latin-1 maps each byte to one character; clean_code refuses non-ASCII
                self._lines(self._assembler.add(data.decode("latin-1"), time.monotonic()))

    def _on_disarm(self) -> None:
        self._assembler.reset()

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass


class KeyboardQrScanner(_Scanner):
    """A keyboard-wedge scanner: the kiosk window passes each typed character to ``feed`` (Enter
    as "\\r" or "\\n"), or a whole line to ``feed_line``. No thread, no Kivy here."""

    name = "qr-keyboard"

    def __init__(self, gap_s: float = 0.5, *, callback=None, clock=time.monotonic):
        super().__init__(callback)
        self._assembler = LineAssembler(gap_s)
        self._clock = clock
        self.status = "ok"

    def feed(self, char: str) -> None:
        self._lines(self._assembler.add(char, self._clock()))

    def feed_line(self, text: str) -> None:
        self._assembler.reset()
        self._lines([text])

    def _on_disarm(self) -> None:
        self._assembler.reset()


class NoQrScanner(Device):
    """qr_scanner = "none"."""

    name = "no-qr-scanner"

    def __init__(self, callback=None):
        super().__init__(callback)
        self.status = "off"
