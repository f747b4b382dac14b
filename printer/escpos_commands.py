"""ESC/POS command bytes we emit. Pure encoding; no I/O (transports live in printer.transports)."""

from __future__ import annotations

INIT = b"\x1b@"  # ESC @
CHINESE_ON = b"\x1c&"  # FS &  (2-byte GB18030 characters)
CHINESE_OFF = b"\x1c."  # FS .
LF = b"\n"
CUT = b"\x1dV\x42\x00"  # GS V 66 0: feed to the cutter, then partial cut

_ALIGN = {"left": 0, "center": 1, "right": 2}
_QR_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}


def align(where: str) -> bytes:
    return b"\x1ba" + bytes([_ALIGN[where]])  # ESC a n


def bold(on: bool) -> bytes:
    return b"\x1bE" + bytes([1 if on else 0])  # ESC E n


def size(width: int, height: int | None = None) -> bytes:
    height = width if height is None else height
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character size multipliers are 1–8")
    return b"\x1d!" + bytes([(width - 1) << 4 | (height - 1)])  # GS ! n


def feed(lines: int) -> bytes:
    return b"\x1bd" + bytes([max(0, min(lines, 255))])  # ESC d n


def _gs_k(fn: int, data: bytes) -> bytes:
    body = b"\x31" + bytes([fn]) + data  # cn=49: QR code
    return b"\x1d(k" + len(body).to_bytes(2, "little") + body


def qr(payload: str, module_dots: int, ec: str = "M") -> bytes:
    """GS ( k: model 2, module size, error level, store the data, print it."""
    data = payload.encode("utf-8")
    if len(data) > 7089:
        raise ValueError("QR payload too long")
    return (
        _gs_k(0x41, b"\x32\x00")  # fn 65: model 2
        + _gs_k(0x43, bytes([module_dots]))  # fn 67: module size
        + _gs_k(0x45, bytes([_QR_EC[ec]]))  # fn 69: error correction
        + _gs_k(0x50, b"\x30" + data)  # fn 80: store
        + _gs_k(0x51, b"\x30")  # fn 81: print
    )


def raster(bits: bytes, width_bytes: int, rows: int) -> bytes:
    """GS v 0 (normal density). `bits`: rows × width_bytes, MSB first, 1 = black dot."""
    return b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little") + bits
