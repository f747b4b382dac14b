"""Printer benchmark: render time, bytes per ticket, and send time to a fake TCP printer.

    .venv/bin/python tests/bench/bench_printer.py

Goal: rendering an 80 mm raster ticket takes ≤ 30 ms (median, font already loaded). Prints
figures; asserts nothing about time.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from printer import TicketLayout, open_printer, raster, render_statement, render_ticket  # noqa: E402
from tests.printer.conftest import b012, long_statement  # noqa: E402
from tests.support.fake_printer import FakePrinter  # noqa: E402

TICKET = b012()
RUNS = 50
_serial = itertools.count(13)


def next_ticket() -> TicketLayout:
    n = next(_serial)
    return replace(
        TICKET,
        number=f"B{n % 1000:03d}",
        people_ahead=n % 40,
        estimated_wait_min=n % 90,
        issued_at=TICKET.issued_at + timedelta(seconds=n),
        qr_payload=f"{TICKET.qr_payload}{n:06x}",
    )


def timed(fn, runs=RUNS) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    t0 = time.perf_counter()
    render_ticket(TICKET, 576, "raster")
    print(f"first raster render (loads the font): {(time.perf_counter() - t0) * 1000:.1f} ms")
    print(f"\n{'ticket':<18}{'median ms':>10}{'max ms':>9}{'bytes':>9}{'9600 baud s':>13}")
    for mode in ("raster", "native"):
        for mm, dots in ((58, 384), (80, 576)):
            median, worst = timed(lambda: render_ticket(next_ticket(), dots, mode))
            size = len(render_ticket(TICKET, dots, mode))
            print(
                f"{mode + f' {mm} mm':<18}{median:>10.1f}{worst:>9.1f}{size:>9}{size * 10 / 9600:>13.1f}"
            )
    print("(each render is a new ticket: number, people ahead, wait, time and QR change)")

    def cold():
        raster._line_image.cache_clear()  # worst case: no line drawn before
        render_ticket(next_ticket(), 576, "raster")

    cold_median, _ = timed(cold)
    goal, _ = timed(lambda: render_ticket(next_ticket(), 576, "raster"))
    print(f"80 mm raster with the line cache cleared each time: {cold_median:.1f} ms")
    print(
        f"\ngoal: 80 mm raster render ≤ 30 ms — measured median {goal:.1f} ms "
        f"(cold {cold_median:.1f} ms): {'met' if max(goal, cold_median) <= 30 else 'NOT met'}"
    )

    statement = long_statement(rows=120, rows_per_part=40)
    for mode in ("raster", "native"):
        median, _ = timed(lambda: render_statement(statement, 576, mode), runs=5)
        size = len(render_statement(statement, 576, mode))
        print(f"statement 120 rows, 3 parts, {mode} 80 mm: {median:.1f} ms, {size} bytes")

    print("\nsend to the fake TCP printer on loopback (status before + job + status after):")
    with FakePrinter() as fake:
        fake.serve_tcp()
        for mode in ("raster", "native"):
            printer = open_printer(fake.tcp_url, width_mm=80, mode=mode, timeout=2)
            job = printer.render_ticket(TICKET)
            send, worst = timed(lambda: printer.print_bytes(job), runs=20)
            whole, _ = timed(lambda: printer.print_ticket(next_ticket()), runs=20)
            print(
                f"  {mode} 80 mm: send {send:.1f} ms (max {worst:.1f}), render+send {whole:.1f} ms"
            )
            stat, _ = timed(printer.status, runs=20)
        print(f"  status() alone: {stat:.1f} ms")


if __name__ == "__main__":
    main()
