"""The frame protocol of 二代身份证 readers' SAM modules (GA 467; UART 115200 8N1).

    to the reader:   AA AA AA 96 69 | LEN(2, big-endian) | CMD | PARA | DATA | CHK
    from the reader: AA AA AA 96 69 | LEN(2, big-endian) | SW1 | SW2 | SW3 | DATA | CHK

LEN counts every byte after itself (CMD..CHK or SW1..CHK); CHK is the XOR of LEN..DATA. SW1/SW2
relay the card's status, SW3 is the SAM's own (STATUS below). Only the transport: what the
bytes mean is in idcard.py.
"""

from __future__ import annotations

import termios
import time
from dataclasses import dataclass
from functools import reduce

from .errors import DeviceUnavailable, FrameError, ReaderSilent

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_LEN = 4096  # a base read is 1288; fingerprint models reach 2321 — more is noise

RESET, STATUS_CHECK = (0x10, 0xFF), (0x11, 0xFF)
FIND, SELECT, READ_BASE = (0x20, 0x01), (0x20, 0x02), (0x30, 0x01)

OK, FOUND = 0x90, 0x9F
NO_CARD, SELECT_FAILED, READ_FAILED = 0x80, 0x81, 0x41
STATUS = {  # SW3 as the public SAM protocol documents it
    0x90: "操作成功 / done",
    0x9F: "找到证/卡 / card found",
    0x10: "收到的校验和错 / the reader saw a bad checksum",
    0x11: "收到的长度错 / the reader saw a bad length",
    0x21: "命令错误 / command not understood",
    0x23: "越权操作 / operation not allowed",
    0x24: "无法识别的错误 / unrecognised error",
    0x31: "证/卡认证阅读器失败 / card rejected the reader",
    0x32: "阅读器认证证/卡失败 / reader rejected the card",
    0x33: "信息验证错误 / data verification failed",
    0x40: "无法识别的卡类型 / unknown card type",
    0x41: "读证/卡失败 / reading the card failed",
    0x47: "取随机数失败 / random number failed",
    0x60: "SAM 自检失败 / SAM self-test failed",
    0x66: "SAM 未经授权 / SAM not authorised",
    0x80: "找不到证/卡 / no card",
    0x81: "选取证/卡失败 / selecting the card failed",
    0x91: "证/卡中此项无内容 / no such item on the card",
}
READER_FAULTS = (0x60, 0x66)  # the reader itself cannot work until serviced


def checksum(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def command(cmd: tuple[int, int], data: bytes = b"") -> bytes:
    """One command frame, e.g. command(FIND) == AA AA AA 96 69 00 03 20 01 22."""
    body = bytes(cmd) + data
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


@dataclass(frozen=True, repr=False)
class Reply:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    def __repr__(self) -> str:  # data may be a person's card: never in logs
        return f"Reply(sw={self.sw1:02X} {self.sw2:02X} {self.sw3:02X}, {len(self.data)} bytes)"

    def meaning(self) -> str:
        return STATUS.get(self.sw3, f"SW3 {self.sw3:02X}")


class FrameReader:
    """Reads reply frames from a pyserial-like port (read(n) honouring port.timeout), skipping
    noise before the preamble. Consumed frame bytes are overwritten, not just dropped."""

    def __init__(self, port):
        self.port = port
        self._buf = bytearray()

    def _fill(self, n: int, deadline: float) -> None:
        while len(self._buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.port.timeout = left
            try:
                got = self.port.read(n - len(self._buf))
            except OSError as exc:  # pyserial's SerialException is an OSError
                raise DeviceUnavailable(getattr(self.port, "port", "?"), repr(exc)) from None
            self._buf += got

    def _wipe(self) -> None:
        self._buf[:] = bytes(len(self._buf))
        self._buf.clear()

    def read_reply(self, timeout: float) -> Reply:
        deadline = time.monotonic() + timeout
        while True:
            self._fill(len(PREAMBLE) + 2, deadline)
            at = self._buf.find(PREAMBLE)
            if at > 0:
                del self._buf[:at]  # noise before the frame
                at = 0
            if at == 0 and len(self._buf) >= len(PREAMBLE) + 2:
                break
            if time.monotonic() >= deadline:
                started = bool(self._buf)
                self._wipe()
                if started:
                    raise FrameError("bytes without a frame header")
                raise ReaderSilent(f"no reply within {timeout:.2f} s")
            if at < 0:  # keep a possible partial preamble at the end
                del self._buf[: max(0, len(self._buf) - len(PREAMBLE) + 1)]
        length = int.from_bytes(self._buf[5:7], "big")
        if not 4 <= length <= MAX_LEN:
            self._wipe()
            raise FrameError(f"impossible frame length {length}")
        end = 7 + length
        self._fill(end, deadline)
        if len(self._buf) < end:
            got = len(self._buf)
            self._wipe()
            raise FrameError(f"reply cut off after {got} of {end} bytes")
        frame = bytes(self._buf[:end])
        self._buf[:end] = bytes(end)
        del self._buf[:end]
        if checksum(frame[5:-1]) != frame[-1]:
            raise FrameError(f"bad checksum {frame[-1]:02X}, expected {checksum(frame[5:-1]):02X}")
        return Reply(frame[7], frame[8], frame[9], frame[10:-1])

    def transact(self, cmd: tuple[int, int], timeout: float) -> Reply:
        """Send one command and read its reply; input left over from a cut-off reply is dropped
        first so the next frame starts clean."""
        self._wipe()
        try:
            self.port.reset_input_buffer()
            self.port.write(command(cmd))
        except (OSError, termios.error) as exc:  # a pulled adapter fails the flush with EIO
            raise DeviceUnavailable(getattr(self.port, "port", "?"), repr(exc)) from None
        return self.read_reply(timeout)
