"""The kiosk's settings: one TOML file (config/kiosk.example.toml), flags override a few keys.

Every key has a default and a help line (KEYS); ``load_config`` checks types once and raises
ConfigError naming the file and key, so a typo stops the kiosk at start with a plain message.

Paths (token_file, log_file, the folder of a file:// or virtual:// printer_url) are made absolute
here, once: relative ones in the file are relative to the file's folder, relative ones given as
flags are relative to the working directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .devices.errors import DeviceError
from .devices.urls import parse_device_url

LANGUAGES = ("zh_CN", "en", "ug")


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
        default="", metadata={"help": "File holding the device token (first line)"}
    )
    printer_url: str = field(
        default="virtual:///tmp/kiosk-printer",
        metadata={"help": "printer/ URL: tcp://, serial://, usb://, file://, virtual://"},
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
    log_file: str = field(default="", metadata={"help": "Log file; empty = stderr only"})

    def device_token(self) -> str:
        if self.token:
            return self.token.strip()
        if self.token_file:
            try:
                return Path(self.token_file).read_text().strip().splitlines()[0].strip()
            except (OSError, IndexError):
                raise ConfigError(f"token_file {self.token_file}: cannot read a token") from None
        return ""


PATH_KEYS = ("token_file", "log_file")
_PATH_SCHEMES = ("file://", "virtual://")  # printer URLs that name a file or folder


def absolute(value: str, base: Path) -> str:
    return os.path.normpath(Path(base, os.path.expanduser(value))) if value else value


def absolute_printer_url(url: str, base: Path) -> str:
    """``virtual://var/demo/printer`` (relative) → ``virtual:///abs/var/demo/printer``."""
    for scheme in _PATH_SCHEMES:
        if url.startswith(scheme) and not url[len(scheme) :].startswith("/"):
            rest, sep, query = url[len(scheme) :].partition("?")
            return scheme + absolute(rest, base) + sep + query
    return url


def _absolute_paths(values: dict, base: Path) -> dict:
    out = dict(values)
    for key in PATH_KEYS:
        if isinstance(out.get(key), str):
            out[key] = absolute(out[key], base)
    if isinstance(out.get("printer_url"), str):
        out["printer_url"] = absolute_printer_url(out["printer_url"], base)
    return out


def load_config(path: str | Path | None, **overrides) -> KioskConfig:
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
    known = {f.name: f for f in fields(KioskConfig)}
    defaults = KioskConfig()
    values = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{source}: kiosk.{key}: unknown key")
        want = type(getattr(defaults, key))
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ConfigError(f"{source}: kiosk.{key}: expected {want.__name__}, got {value!r}")
        values[key] = value
    if path:
        values = _absolute_paths(values, Path(path).absolute().parent)
    flags = _absolute_paths({k: v for k, v in overrides.items() if v is not None}, Path.cwd())
    values.update(flags)  # flags win over the file
    cfg = replace(defaults, **values)
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
