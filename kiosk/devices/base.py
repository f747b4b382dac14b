"""What the kiosk sees of a device, and the events it hands over.

A device works on its own thread; the UI thread calls ``poll()`` (never blocks) each frame or
on a Clock interval, or passes ``callback`` (called on the device thread: hand over with
``Clock.schedule_once``). Card and code events are only produced while the device is armed —
the verify screen arms it, leaving the screen or ending the session disarms it, which also
drops anything not yet taken. Nothing personal is kept anywhere else.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Callable

from .errors import DeviceError

log = logging.getLogger(__name__)


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRead:
    """A card was placed and read. `seconds`: from the poll that found it to decoded."""

    card: object  # idcard.IdCard (its repr is masked)
    seconds: float


@dataclass(frozen=True)
class CardRemoved:
    """The card that was on the reader (read or not) is gone."""


@dataclass(frozen=True)
class CardUnreadable:
    """A card is there but could not be read; `error.word` says why. Tried again while it
    stays, a few times."""

    error: DeviceError


@dataclass(frozen=True, repr=False)
class CodeScanned:
    code: str

    def __repr__(self) -> str:  # the 电子社保卡 code is a credential
        return f"CodeScanned(<{len(self.code)} characters>)"


@dataclass(frozen=True)
class DeviceDown:
    """The device stopped answering or went away; `error.word` is its status word."""

    error: DeviceError


@dataclass(frozen=True)
class DeviceUp:
    """The device answers again (or for the first time after a DeviceDown)."""


PERSONAL = (CardRead, CardUnreadable, CardRemoved, CodeScanned)


class Device:
    """Base of readers and scanners: arm/disarm, poll, start/stop, status word."""

    name = "device"

    def __init__(self, callback: Callable[[object], None] | None = None):
        self._events: queue.Queue = queue.Queue(maxsize=64)
        self._callback = callback
        self._lock = threading.RLock()  # a callback may disarm from inside _emit
        self._armed = False
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.status = "unknown"  # ok | no_answer | offline | reader_fault | off | unknown

    # -- used by the kiosk -------------------------------------------------------------------
    @property
    def armed(self) -> bool:
        return self._armed

    def arm(self) -> None:
        """Start producing card/code events (the verify screen is up)."""
        with self._lock:
            self._armed = True
            self._on_arm()
        self._wake.set()

    def disarm(self) -> None:
        """Stop producing card/code events and drop those not yet taken."""
        with self._lock:
            self._armed = False
            self._on_disarm()
            self._drain()

    def poll(self) -> list:
        """Every event since the last call, oldest first; never blocks."""
        out = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    def start(self) -> "Device":
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.disarm()
        self._close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- for subclasses ----------------------------------------------------------------------
    def _run(self) -> None:
        """The device thread (none for a device fed by the UI thread)."""

    def _close(self) -> None:
        pass

    def _on_arm(self) -> None:
        pass

    def _on_disarm(self) -> None:
        pass

    def _sleep(self, seconds: float) -> None:
        """Wait, woken early by arm() or stop()."""
        self._wake.wait(seconds)
        self._wake.clear()

    def _emit(self, event) -> None:
        with self._lock:
            if isinstance(event, PERSONAL) and not self._armed:
                return  # read while being disarmed: dropped, never queued
            if self._callback is not None:
                self._callback(event)
                return
            try:
                self._events.put_nowait(event)
            except queue.Full:  # nobody polls: drop, a kiosk must not grow without bound
                log.warning("%s: event queue full, dropped %r", self.name, event)

    def _drain(self) -> None:
        while True:
            try:
                self._events.get_nowait()
            except queue.Empty:
                return

    def _set_status(self, word: str, error: DeviceError | None = None) -> None:
        """Record the status word; emit DeviceDown/DeviceUp on a change only."""
        if word == self.status:
            return
        was, self.status = self.status, word
        if error is not None:
            log.warning("%s: %s (%s)", self.name, error.message_en, error.detail)
            self._emit(DeviceDown(error))
        elif was != "unknown":
            log.info("%s: answering again", self.name)
            self._emit(DeviceUp())
