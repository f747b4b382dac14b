"""The kiosk's settings: one TOML file (config/kiosk.example.toml), flags override a few keys.

Every key has a default and a help line; ``load_config`` checks types once with the server's
settings builder (queue_server.core.settings.build) and raises ConfigError naming the file and
key, so a typo stops the kiosk at start with a plain message.

Paths (declared ``path`` in a field's metadata: token_file, log_file, the folder of a file:// or
virtual:// printer_url) are made absolute here, once, by core.paths as the server's are:
relative ones in the file are relative to the file's folder, relative ones given as flags are
relative to the working directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from queue_server.core.languages import LANGUAGES
from queue_server.core.paths import resolve, resolve_paths
from queue_server.core.settings import SettingsError, build

from .devices.errors import DeviceError
from .devices.urls import parse_device_url


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class KioskConfig:
    server_url: str = field(
        default="http://127.0.0.1:8080", metadata={"help": "Queue server base URL"}
    )
    device_id: str = field(
        default="kiosk-1", metadata={"help": "Device id given to queue-server create-device"}
    )
    token: str = field(
        default="", metadata={"help": "Device token (prefer token_file or --token-file)"}
    )
    token_file: str = field(
        default="", metadata={"help": "File holding the device token (first line)", "path": True}
    )
    printer_url: str = field(
        default="virtual:///tmp/kiosk-printer",
        metadata={
            "help": "printer/ URL: tcp://, serial://, usb://, file://, virtual://",
            "path": "printer_url",
        },
    )
    printer_width_mm: int = field(default=80, metadata={"help": "Paper width, 58 or 80"})
    printer_mode: str = field(
        default="raster", metadata={"help": "raster (any printer) or native (GB18030 text)"}
    )
    idcard_reader: str = field(
        default="none",
        metadata={"help": "ID card (SAM) reader: none or serial:///dev/ttyUSB0?baudrate=115200"},
    )
    qr_scanner: str = field(
        default="none",
        metadata={
            "help": "e-SSC QR scanner: none, keyboard (wedge) or serial:///dev/ttyACM0?baudrate=9600"
        },
    )
    languages: list = field(
        default_factory=lambda: list(LANGUAGES),
        metadata={"help": "Languages offered; the first is the default"},
    )
    idle_timeout_s: float = field(
        default=60.0,
        metadata={"help": "Seconds without a touch before going home and clearing input"},
    )
    refresh_s: float = field(
        default=5.0, metadata={"help": "Seconds between refreshes of waiting counts"}
    )
    heartbeat_s: float = field(
        default=5.0, metadata={"help": "Seconds between heartbeats to the server"}
    )
    ticket_screen_s: float = field(
        default=12.0, metadata={"help": "Seconds the printed-ticket screen stays up"}
    )
    http_timeout_s: float = field(default=3.0, metadata={"help": "Timeout of one HTTP request"})
    http_retries: int = field(
        default=2, metadata={"help": "Retries of a ticket request (same request_id)"}
    )
    staff_pin_hash: str = field(
        default="",
        metadata={"help": "scrypt hash of the guide staff PIN: python -m kiosk --hash-pin"},
    )
    voice: bool = field(default=True, metadata={"help": "Spoken prompts in elder mode (espeak-ng)"})
    fullscreen: bool = field(default=True, metadata={"help": "Full screen, borderless, no cursor"})
    window_size: list = field(
        default_factory=lambda: [1080, 1920],
        metadata={"help": "Window size when not full screen (portrait)"},
    )
    log_file: str = field(
        default="", metadata={"help": "Log file; empty = stderr only", "path": True}
    )

    def device_token(self) -> str:
        if self.token:
            return self.token.strip()
        if self.token_file:
            try:
                return Path(self.token_file).read_text().strip().splitlines()[0].strip()
            except (OSError, IndexError):
                raise ConfigError(f"token_file {self.token_file}: cannot read a token") from None
        return ""


def load_config(path: str | Path | None, **overrides) -> KioskConfig:
    """The file's [kiosk] table read and type-checked by core's settings builder (the server's),
    its paths resolved against its folder; then the flags, their paths against the working
    folder."""
    data: dict = {}
    source = str(path) if path else "(defaults)"
    if path:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh).get("kiosk", {})
        except FileNotFoundError:
            raise ConfigError(f"{source}: file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML ({exc})") from None
    try:
        cfg = build(KioskConfig, data, source, "kiosk")
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    if path:
        cfg = resolve_paths(cfg, Path(path).absolute().parent)
    declared = {f.name: f for f in fields(KioskConfig)}
    flags = {
        k: resolve(declared[k], v, Path.cwd()) if declared[k].metadata.get("path") and v else v
        for k, v in overrides.items()
        if v is not None
    }
    cfg = replace(cfg, **flags)  # flags win over the file
    bad = [lang for lang in cfg.languages if lang not in LANGUAGES]
    if bad or not cfg.languages:
        raise ConfigError(f"{source}: kiosk.languages: choose from {', '.join(LANGUAGES)}")
    for key, kind in (("idcard_reader", "idcard"), ("qr_scanner", "scanner")):
        try:
            parse_device_url(getattr(cfg, key), kind)
        except DeviceError as exc:
            raise ConfigError(
                f"{source}: kiosk.{key}: {exc.message_zh} / {exc.message_en}"
            ) from None
    return cfg
