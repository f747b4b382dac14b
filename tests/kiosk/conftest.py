"""Kiosk fixtures: one real queue server per module (loopback), a device token, a virtual
printer directory, and a controller with a hand-moved clock and a synchronous runner."""

from __future__ import annotations

import time
import uuid

import pytest

from kiosk.config import KioskConfig
from kiosk.controller import Controller, SyncRunner
from kiosk.voice import Voice
from printer import open_printer
from tests.support.live_server import start_server


class Tick:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def until(c, cond, timeout=6.0) -> bool:
    """Polls the controller's devices (card reader, scanner) until ``cond()`` or the timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        c.poll_devices()
        if cond():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("kiosk-server"))
    srv.token = srv.create_device("kiosk-1", "kiosk")
    yield srv
    srv.stop()


@pytest.fixture
def make_controller(live, tmp_path):
    def make(server_url=None, printer=None, **cfg):
        config = KioskConfig(
            server_url=server_url or live.url,
            token=live.token,
            device_id="kiosk-1",
            printer_url=f"virtual://{tmp_path}/printer",
            http_timeout_s=2.0,
            http_retries=1,
            **cfg,
        )
        return controller(config, printer)

    return make


def controller(config, printer=None, printer_mode="raster", reader=None, scanner=None):
    """A Controller as the tests drive it: tasks run at once, no voice, a hand-moved clock
    (``c.tick_clock``), no pause between retries; not started."""
    c = Controller(
        config,
        runner=SyncRunner(),
        voice=Voice(enabled=False),
        clock=Tick(),
        printer=printer or open_printer(config.printer_url, mode=printer_mode),
        reader=reader,
        scanner=scanner,
    )
    c.client.retry_pause_s = 0.01
    c.tick_clock = c.clock
    return c


@pytest.fixture
def kiosk(hall, tmp_path):
    """For a module whose ``hall`` fixture is a live server: make(reader=…, scanner=…,
    printer=…, printer_mode=…, token=…, **config) → a started Controller on a kiosk device of
    its own (or with the ``token`` given, e.g. a wrong one)
    (each test's failures count against its own kiosk only); its printer writes to
    ``c.printer_dir``, ``c.tick_clock`` moves its clock, ``c.device_token`` is its token."""
    made = []

    def make(reader=None, scanner=None, printer=None, printer_mode="raster", token=None, **cfg):
        device = f"kiosk-{uuid.uuid4().hex[:8]}"
        token = token or hall.create_device(device, "kiosk")
        config = KioskConfig(
            server_url=hall.url,
            token=token,
            device_id=device,
            printer_url=f"virtual://{tmp_path}/printer",
            http_timeout_s=3.0,
            http_retries=1,
            **cfg,
        )
        c = controller(config, printer, printer_mode, reader, scanner)
        c.device_token = token
        c.printer_dir = tmp_path / "printer"
        made.append(c)
        c.start()
        return c

    yield make
    for c in made:
        c.stop_devices()
