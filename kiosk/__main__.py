"""``python -m kiosk --config config/kiosk.example.toml [--server URL] [--token T | --token-file F]
[--printer URL] [--windowed] [--demo-pin]``; ``python -m kiosk --hash-pin`` reads a PIN on stdin
and prints the hash for ``staff_pin_hash``.

Installer commands (kiosk/commands.py): ``python -m kiosk set-pin --config FILE [--pin-stdin]``
and ``python -m kiosk check-config --config FILE``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from .config import ConfigError, load_config


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m kiosk", description="社保大厅自助终端 / hall self-service kiosk"
    )
    p.add_argument("--config", help="kiosk TOML file (config/kiosk.example.toml)")
    p.add_argument("--server", help="queue server URL (overrides server_url)")
    p.add_argument("--token", help="device token (overrides token)")
    p.add_argument("--token-file", help="file holding the device token (overrides token_file)")
    p.add_argument(
        "--printer", help="printer URL, e.g. virtual:///var/demo/printer (overrides printer_url)"
    )
    p.add_argument(
        "--idcard-reader",
        help="ID card reader URL, e.g. serial:///dev/ttyUSB0?baudrate=115200 "
        "(overrides idcard_reader)",
    )
    p.add_argument(
        "--qr-scanner", help="QR scanner URL: keyboard or serial://… (overrides qr_scanner)"
    )
    p.add_argument(
        "--windowed", action="store_true", help="a 540×960 window instead of full screen"
    )
    p.add_argument(
        "--hash-pin", action="store_true", help="read a staff PIN on stdin, print its hash"
    )
    p.add_argument(
        "--demo-pin",
        action="store_true",
        help="the demo hall's well-known staff PIN 2468 (queue-server demo only)",
    )
    return p.parse_args(argv)


def configure_kivy(fullscreen: bool, size) -> None:
    """Before the Window exists: full screen, borderless, no cursor, no multitouch emulation dots."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "exit_on_escape", "0")
    if fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
    else:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("set-pin", "check-config"):
        from .commands import COMMANDS

        return COMMANDS[argv[0]](argv[1:])
    args = parse_args(argv)
    if args.hash_pin:
        from .staffpin import hash_pin, valid_pin

        pin = sys.stdin.readline().strip()
        if not valid_pin(pin):
            print("PIN 须为 4–8 位数字 / the PIN must be 4–8 digits", file=sys.stderr)
            return 2
        print(hash_pin(pin))
        return 0
    try:
        cfg = load_config(
            args.config,
            server_url=args.server,
            token=args.token,
            token_file=args.token_file,
            printer_url=args.printer,
            idcard_reader=args.idcard_reader,
            qr_scanner=args.qr_scanner,
        )
        from dataclasses import replace

        if args.token_file and not args.token:
            cfg = replace(cfg, token="")
        if args.demo_pin:
            from .staffpin import DEMO_PIN, hash_pin

            cfg = replace(cfg, staff_pin_hash=hash_pin(DEMO_PIN))
        cfg.device_token()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO,
        filename=cfg.log_file or None,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    if args.demo_pin:
        logging.warning("demo staff PIN in use: anyone who read the README can enter staff mode")
    fullscreen = cfg.fullscreen and not args.windowed
    configure_kivy(fullscreen, (540, 960) if args.windowed else cfg.window_size)
    from printer import PrinterError

    from .app import KioskApp

    # A crash outside Kivy's handler is logged and the app starts again from home.
    for attempt in range(1000):
        try:
            KioskApp(cfg).run()
            return 0
        except PrinterError as exc:
            logging.error("printer configuration: %s", exc)
            print(f"打印机配置错误 / printer configuration error: {exc}", file=sys.stderr)
            return 2
        except Exception:
            logging.exception("kiosk crashed; restarting into home")
            time.sleep(1)
            from kivy.core.window import Window

            for child in list(Window.children):
                Window.remove_widget(child)
    return 1


if __name__ == "__main__":
    sys.exit(main())
