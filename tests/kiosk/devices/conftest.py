"""Device fixtures: pty fakes (kiosk.devices.fakes) and readers on them with short polls."""

from __future__ import annotations

import time

import pytest

from kiosk.devices.fakes import FakeIdCardReader, FakeQrScanner
from kiosk.devices.idcard import IdCardReader
from kiosk.devices.qrscanner import SerialQrScanner


def collect(device, until, timeout: float = 5.0) -> list:
    """Poll like the UI thread does until `until(events)` holds or `timeout` passes."""
    events: list = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += device.poll()
        if until(events):
            return events
        time.sleep(0.01)
    return events


def kinds(events) -> list[str]:
    return [type(e).__name__ for e in events]


def has(name: str, count: int = 1):
    return lambda events: kinds(events).count(name) >= count


@pytest.fixture
def fake_reader():
    with FakeIdCardReader() as fake:
        yield fake


@pytest.fixture
def reader(fake_reader):
    """An armed reader on the fake, polling every 50 ms; removal after 2 empty polls."""
    r = IdCardReader(fake_reader.path, poll_s=0.05, timeout_s=0.3)
    r.start()
    r.arm()
    yield r
    r.stop()


@pytest.fixture
def fake_scanner():
    with FakeQrScanner() as fake:
        yield fake


@pytest.fixture
def scanner(fake_scanner):
    s = SerialQrScanner(fake_scanner.path, 9600)
    s.start()
    s.arm()
    collect(s, lambda e: s.status == "ok", timeout=2)
    yield s
    s.stop()
