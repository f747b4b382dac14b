"""Printer URLs → a validated PrinterURL.

tcp://host[:port]                       network printer, port 9100 by default
serial:///dev/ttyUSB0?baud=115200&flow=rtscts   flow: none | rtscts | xonxoff | dsrdtr
usb://04b8:0202[?in_ep=0x82&out_ep=0x01]        vendor:product in hex
file:///dev/usb/lp0                      write bytes to a file or spooler device
virtual:///var/demo/printer              PNG + .bin per job (virtual://relative/dir also works)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .errors import BadPrinterURL

SCHEMES = ("tcp", "serial", "usb", "file", "virtual")
FLOWS = ("none", "rtscts", "xonxoff", "dsrdtr")
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)
_EXAMPLES = "tcp://192.168.1.50:9100, serial:///dev/ttyUSB0?baud=115200, usb://04b8:0202, file:///dev/usb/lp0, virtual:///var/demo/printer"


@dataclass(frozen=True)
class PrinterURL:
    scheme: str
    host: str = ""
    port: int = 9100
    path: str = ""
    baud: int = 9600
    flow: str = "none"
    vendor_id: int = 0
    product_id: int = 0
    in_ep: int = 0x82
    out_ep: int = 0x01
    text: str = ""


def _bad(url: str, zh: str, en: str) -> BadPrinterURL:
    return BadPrinterURL(
        f"打印机地址无效：{url!r}，{zh}",
        f"Invalid printer URL {url!r}: {en}",
        detail=f"examples: {_EXAMPLES}",
    )


def _int(url: str, value: str, name: str, base: int = 10) -> int:
    try:
        return int(value, base)
    except ValueError:
        raise _bad(url, f"{name} 必须是数字", f"{name} must be a number") from None


def parse_url(url: str) -> PrinterURL:
    if not isinstance(url, str) or "://" not in url:
        raise _bad(str(url), "应形如 tcp://主机:端口", "expected something like tcp://host:port")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _bad(url, "端口必须是 1–65535 的数字", "the port must be a number 1–65535") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _bad(
            url,
            f"不支持的类型 {scheme!r}，可用：{'、'.join(SCHEMES)}",
            f"unsupported scheme {scheme!r}, use one of {', '.join(SCHEMES)}",
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    allowed = {"serial": {"baud", "flow"}, "usb": {"in_ep", "out_ep"}}.get(scheme, set())
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise _bad(
            url, f"不认识的参数 {', '.join(unknown)}", f"unknown parameter(s) {', '.join(unknown)}"
        )

    if scheme == "tcp":
        if not parts.hostname:
            raise _bad(url, "缺少主机名或 IP", "the host name or IP address is missing")
        if parts.path not in ("", "/"):
            raise _bad(url, "网络地址不应包含路径", "a network URL has no path")
        return PrinterURL("tcp", host=parts.hostname, port=port or 9100, text=url)

    if scheme == "usb":
        ids = parts.netloc.split(":")
        if len(ids) != 2 or not all(len(i) == 4 for i in ids):
            raise _bad(
                url,
                "应为 usb://厂商ID:产品ID（十六进制，如 04b8:0202）",
                "expected usb://vendor:product in hex, e.g. 04b8:0202",
            )
        return PrinterURL(
            "usb",
            vendor_id=_int(url, ids[0], "vendor", 16),
            product_id=_int(url, ids[1], "product", 16),
            in_ep=_int(url, query.get("in_ep", "0x82"), "in_ep", 0),
            out_ep=_int(url, query.get("out_ep", "0x01"), "out_ep", 0),
            text=url,
        )

    # serial, file, virtual: a filesystem path; "scheme://rel/dir" is taken as a relative path.
    path = parts.netloc + parts.path
    if not path:
        raise _bad(url, "缺少设备或目录路径", "the device or directory path is missing")
    if scheme == "serial":
        baud = _int(url, query.get("baud", "9600"), "baud")
        if baud not in BAUDS:
            raise _bad(
                url,
                f"波特率 {baud} 不支持",
                f"baud rate {baud} is not supported ({', '.join(map(str, BAUDS))})",
            )
        flow = query.get("flow", "none").lower()
        if flow not in FLOWS:
            raise _bad(
                url, f"流控应为 {'/'.join(FLOWS)}", f"flow must be one of {', '.join(FLOWS)}"
            )
        return PrinterURL("serial", path=path, baud=baud, flow=flow, text=url)
    return PrinterURL(scheme, path=path, text=url)
