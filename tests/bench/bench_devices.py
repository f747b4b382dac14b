"""Device figures on the pty fakes, bytes paced at the real line speed (10 bits a byte):
card placed → decoded card seen by a UI thread polling at 60 Hz, with the reader at 115200 baud,
and QR code sent → code seen. Goal context: card placed → records on screen ≤ 1.5 s overall, of
which the device part should be well under 0.5 s.

    .venv/bin/python tests/bench/bench_devices.py [--placements 20] [--card-ms 0]

--card-ms adds the SAM module's own radio time per base read (the fake has none; vendors quote
their readers' read times, we have not measured a real module).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.devices.base import CardRead, CardRemoved, CodeScanned  # noqa: E402
from kiosk.devices.fakes import FakeIdCardReader, FakeQrScanner  # noqa: E402
from kiosk.devices.idcard import IdCardReader  # noqa: E402
from kiosk.devices.qrscanner import SerialQrScanner  # noqa: E402
from tests.bench.figures import pct  # noqa: E402

UI_FRAME_S = 1 / 60


def wait_event(device, kind, timeout: float = 10.0):
    """(event, monotonic time the UI saw it), polling once a frame like the kiosk's Clock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in device.poll():
            if isinstance(event, kind):
                return event, time.monotonic()
        time.sleep(UI_FRAME_S)
    raise SystemExit(f"no {kind.__name__} within {timeout} s")


def figures(values: list[float]) -> str:
    return (
        f"min {min(values) * 1000:5.0f}  median {statistics.median(values) * 1000:5.0f}  "
        f"p95 {pct(values, 95) * 1000:5.0f}  max {max(values) * 1000:5.0f} ms"
    )


def bench_reader(poll_ms: int, placements: int, card_ms: float) -> None:
    seen, inside = [], []
    with FakeIdCardReader(115200, card_ms=card_ms) as fake:
        reader = IdCardReader(fake.path, 115200, poll_s=poll_ms / 1000).start()
        reader.arm()
        try:
            for _ in range(placements):
                time.sleep(random.uniform(0, poll_ms / 1000))  # any phase of the poll
                placed = fake.insert("uyghur")
                event, at = wait_event(reader, CardRead)
                seen.append(at - placed)
                inside.append(event.seconds)
                fake.remove()
                wait_event(reader, CardRemoved)
            reads = fake.reads
        finally:
            reader.stop()
    print(f"poll {poll_ms:4d} ms  placed → on the UI thread: {figures(seen)}")
    print(
        f"{'':14s}寻卡 found → decoded:    {figures(inside)}  ({reads} reads, "
        f"{placements} placements)"
    )


def bench_scanner(codes: int) -> None:
    seen = []
    code = "ESSC1." + "7" * 58  # 64 characters
    with FakeQrScanner(9600) as fake:
        scanner = SerialQrScanner(fake.path, 9600).start()
        scanner.arm()
        try:
            time.sleep(0.3)
            for _ in range(codes):
                sent = time.monotonic()
                fake.send(code)
                _event, at = wait_event(scanner, CodeScanned)
                seen.append(at - sent)
        finally:
            scanner.stop()
    print(
        f"QR code of {len(code)} characters at 9600 baud, sent → on the UI thread: {figures(seen)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=20)
    parser.add_argument("--card-ms", type=float, default=0.0)
    args = parser.parse_args()
    wire = (7 + 1288) * 10 / 115200  # header + length + SW1..checksum of the base reply
    print(
        f"ID card reader at 115200 baud (base reply 1295 bytes = {wire * 1000:.0f} ms on the "
        f"wire; SAM radio time modelled: {args.card_ms:.0f} ms)"
    )
    for poll_ms in (300, 100):
        bench_reader(poll_ms, args.placements, args.card_ms)
    bench_scanner(10)


if __name__ == "__main__":
    main()
