"""Command line for hall IT staff.

    python -m printer status    --printer URL
    python -m printer test-page --printer URL [--width 58|80] [--mode raster|native] [--font PATH]

Exit codes: 0 ok; 1 the printer cannot print (reason printed in Chinese, then English);
2 bad command line or configuration (e.g. a bad URL); 3 test page printed but paper near end.
"""

from __future__ import annotations

import argparse
import sys

from .device import open_printer
from .errors import PrinterError, PrinterNotReady
from .layouts import sample_ticket


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m printer", description="热敏打印机工具 / thermal printer tool"
    )
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (
        ("status", "读取打印机状态 / read the printer status"),
        ("test-page", "打印测试票 A001 / print a sample ticket A001"),
    ):
        s = sub.add_parser(name, help=text, description=text)
        s.add_argument(
            "--printer",
            required=True,
            metavar="URL",
            help="tcp://host:9100, serial:///dev/ttyUSB0?baud=115200, usb://04b8:0202, "
            "file:///dev/usb/lp0, virtual:///dir",
        )
        s.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")
        if name == "test-page":
            s.add_argument(
                "--width", type=int, choices=(58, 80), default=80, help="paper width in mm"
            )
            s.add_argument("--mode", choices=("raster", "native"), default="raster")
            s.add_argument(
                "--font", default=None, help="Simplified-Chinese font file (raster mode)"
            )
    return p


def _say(zh: str, en: str, detail: str = "", stream=sys.stderr) -> None:
    print(zh, file=stream)
    print(en, file=stream)
    if detail:
        print(f"({detail})", file=stream)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "status":
            printer = open_printer(args.printer, mode="native", timeout=args.timeout)
            status = printer.status()
            print(status.word)
            if not status.ok:
                _say(status.message_zh, status.message_en, status.detail)
            return 0 if status.ok else 1
        printer = open_printer(
            args.printer,
            width_mm=args.width,
            mode=args.mode,
            font_path=args.font,
            timeout=args.timeout,
        )
        after = printer.print_ticket(sample_ticket())
    except PrinterNotReady as exc:
        print(exc.word)
        _say(exc.message_zh, exc.message_en, exc.detail)
        return 1
    except PrinterError as exc:  # configuration: URL, width, font, missing pyusb
        _say(exc.message_zh, exc.message_en, exc.detail)
        return 2
    print(after.word)
    if after.word == "paper_near_end":
        _say("测试页已打印，但" + after.message_zh, "Test page printed, but: " + after.message_en)
        return 3
    print("测试页已打印 / Test page printed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
