"""Device URLs (config keys idcard_reader and qr_scanner) → a validated DeviceURL.

    none                                          no device (the verify screen hides that way)
    serial:///dev/ttyUSB0?baudrate=115200         ID card reader: poll_ms (100–5000, default 300),
                                                  timeout_ms (100–10000, default 1000 per command)
    serial:///dev/ttyACM0?baud=9600               QR scanner sending CR/LF-terminated lines
    keyboard[?gap_ms=500]                         QR scanner as a keyboard wedge (keys fed by the
                                                  kiosk window, ending in Enter)

`baud` (as in printer URLs) and `baudrate` are the same parameter. A path without a leading
slash (`serial://var/demo/idcard`) is taken as relative, like printer URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from printer.urls import BAUDS  # the serial port rates the printer takes too

from .errors import BadDeviceURL

KINDS = {"idcard": ("none", "serial"), "scanner": ("none", "serial", "keyboard")}
DEFAULT_BAUD = {"idcard": 115200, "scanner": 9600}  # SAM modules ship at 115200 8N1
_PARAMS = {
    ("idcard", "serial"): {"baud", "baudrate", "poll_ms", "timeout_ms"},
    ("scanner", "serial"): {"baud", "baudrate"},
    ("scanner", "keyboard"): {"gap_ms"},
}
_RANGES = {"poll_ms": (100, 5000, 300), "timeout_ms": (100, 10000, 1000), "gap_ms": (20, 5000, 500)}
_EXAMPLES = {
    "idcard": "none, serial:///dev/ttyUSB0?baudrate=115200",
    "scanner": "none, keyboard, serial:///dev/ttyACM0?baudrate=9600",
}
_WHAT = {"idcard": ("身份证阅读器", "ID card reader"), "scanner": ("扫码器", "QR scanner")}


@dataclass(frozen=True)
class DeviceURL:
    kind: str  # idcard | scanner
    scheme: str  # none | serial | keyboard
    path: str = ""
    baud: int = 0
    poll_ms: int = 300
    timeout_ms: int = 1000
    gap_ms: int = 500
    text: str = ""


def _bad(kind: str, url: str, zh: str, en: str) -> BadDeviceURL:
    what_zh, what_en = _WHAT[kind]
    return BadDeviceURL(
        f"{what_zh}地址无效：{url!r}，{zh}",
        f"Invalid {what_en} URL {url!r}: {en}",
        detail=f"examples: {_EXAMPLES[kind]}",
    )


def parse_device_url(url: str, kind: str) -> DeviceURL:
    """The DeviceURL of an idcard_reader (kind "idcard") or qr_scanner ("scanner") setting."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    text = url.strip() if isinstance(url, str) else url
    if not isinstance(text, str):
        raise _bad(kind, str(url), "应为文本", "expected text")
    if text.lower() in ("", "none"):
        return DeviceURL(kind, "none", text=text)
    parts = urlsplit(
        text if "://" in text else text.replace("?", ":///?", 1) if "?" in text else text + ":///"
    )
    scheme = parts.scheme.lower()
    if scheme not in KINDS[kind]:
        raise _bad(
            kind,
            text,
            f"不支持的类型 {scheme!r}，可用：{'、'.join(KINDS[kind])}",
            f"unsupported kind {scheme!r}, use one of {', '.join(KINDS[kind])}",
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(set(query) - _PARAMS.get((kind, scheme), set()))
    if unknown:
        raise _bad(
            kind,
            text,
            f"不认识的参数 {', '.join(unknown)}",
            f"unknown parameter(s) {', '.join(unknown)}",
        )
    numbers = {}
    for name, (low, high, default) in _RANGES.items():
        raw = query.get(name)
        if raw is None:
            numbers[name] = default
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise _bad(
                kind,
                text,
                f"{name} 应为 {low}–{high} 的整数",
                f"{name} must be a whole number {low}–{high}",
            )
        numbers[name] = int(raw)
    if scheme == "keyboard":
        if parts.netloc or parts.path.strip("/"):
            raise _bad(kind, text, "键盘扫码器没有路径", "a keyboard scanner has no path")
        return DeviceURL(kind, "keyboard", text=text, **numbers)
    path = parts.netloc + parts.path
    if not path.strip("/"):
        raise _bad(kind, text, "缺少串口路径，如 /dev/ttyUSB0", "the serial port path is missing")
    if "baud" in query and "baudrate" in query and query["baud"] != query["baudrate"]:
        raise _bad(kind, text, "baud 与 baudrate 不一致", "baud and baudrate disagree")
    raw_baud = query.get("baudrate", query.get("baud", str(DEFAULT_BAUD[kind])))
    if not raw_baud.isdigit() or int(raw_baud) not in BAUDS:
        raise _bad(
            kind,
            text,
            f"波特率 {raw_baud} 不支持",
            f"baud rate {raw_baud} is not supported ({', '.join(map(str, BAUDS))})",
        )
    return DeviceURL(kind, "serial", path=path, baud=int(raw_baud), text=text, **numbers)
