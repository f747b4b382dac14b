"""``make run`` (queue-server demo) gives the kiosk a fake ID card reader and e-SSC scanner on
ptys, driven from the demo's terminal: ``i`` places the first demo person's card, ``s`` scans a
fresh e-SSC code for them, ``r`` lifts the card, ``x`` places an expired one."""

from __future__ import annotations

import time
from datetime import datetime

from kiosk.__main__ import parse_args
from kiosk.config import load_config
from kiosk.devices import CardRead, CardRemoved, CodeScanned, open_idcard_reader, open_qr_scanner
from queue_server.core.numbering import HALL_TZ
from queue_server.demo import DemoDevices
from queue_server.records.demo_people import generate
from queue_server.records.provider import EsscCode
from queue_server.records.sqlite_provider import SqliteProvider


def wait(device, kind, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for event in device.poll():
            if isinstance(event, kind):
                return event
        time.sleep(0.02)
    raise AssertionError(f"no {kind.__name__}")


def test_the_demo_terminal_places_the_demo_persons_card_and_scans_their_code(tmp_path):
    db = tmp_path / "records.db"
    person = generate(db, 5, seed=1, show=1)[0]
    devices = DemoDevices(db, person)
    try:
        assert devices.reader_url.startswith("serial:///dev/")  # absolute paths
        args = parse_args(
            [
                "--idcard-reader",
                devices.reader_url + "&poll_ms=100",
                "--qr-scanner",
                devices.scanner_url,
            ]
        )
        cfg = load_config(None, idcard_reader=args.idcard_reader, qr_scanner=args.qr_scanner)
        reader = open_idcard_reader(cfg.idcard_reader).start()
        scanner = open_qr_scanner(cfg.qr_scanner).start()
        reader.arm()
        scanner.arm()
        try:
            assert "i" in devices.banner() and person.name in devices.command("i")
            card = wait(reader, CardRead).card
            assert (card.name, card.id_number) == (person.name, person.id_number)
            assert card.valid_to is None or card.valid_to.year >= datetime.now().year
            devices.command("r")
            wait(reader, CardRemoved)
            devices.command("s")
            code = wait(scanner, CodeScanned).code
            provider = SqliteProvider(db)
            try:
                found = provider.verify(EsscCode(code), datetime.now(HALL_TZ))
            finally:
                provider.close()
            assert found.id_number == person.id_number
            devices.command("x")
            assert wait(reader, CardRead).card.valid_to.year == 2020
            assert devices.command("help") is None
        finally:
            reader.stop()
            scanner.stop()
    finally:
        devices.close()
    assert devices.reader.poll() is not None and devices.scanner.poll() is not None
