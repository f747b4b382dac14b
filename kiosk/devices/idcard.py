"""二代身份证 reader over a serial port (the SAM frame protocol in sam.py).

The reader polls: 寻卡 (20 01) every `poll_s` while armed; when a card answers, 选卡 (20 02)
and 读基本信息 (30 01) once for that placement, then only 寻卡 again until the card has been
missing for `removal_polls` polls in a row (CardRemoved). A failed read is reported
(CardUnreadable) and tried again while the card stays, at most `max_attempts` times. While
disarmed it only asks the SAM its status (11 FF) every `health_s`, so the heartbeat knows the
reader is there without touching any card.

The reply to 30 01 is: text length (2, big-endian) | photo length (2) | 256 bytes of UTF-16LE
text | 1024 bytes of WLT photo (left alone: decoding it needs the vendor's library). Text
offsets (bytes): name 0/30, sex 30/2, nation 32/4, birth 36/16, address 52/70, ID number
122/36, authority 158/30, valid from 188/16, valid to 204/16 (8 digits or 长期); byte 248/2
is the card type on other cards the same readers take ("I" 外国人永久居留身份证, "J" 港澳台
居民居住证), blank on a 居民身份证.

Many USB readers only work through their vendor's SDK: such a reader belongs behind the same
Device interface (a class producing the same events), not in this module.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

from queue_server.core.idnumber import mask_id_number, mask_name

from . import sam
from .base import CardRead, CardRemoved, CardUnreadable, Device
from .errors import (
    CardDataError,
    CardError,
    CardReadFailed,
    DeviceUnavailable,
    FrameError,
    ReaderFault,
    ReaderSilent,
    UnsupportedCard,
)
from .nations import nation_name
from .port import open_serial

log = logging.getLogger(__name__)

TEXT_BYTES = 256
FIELDS = {  # name: (offset, length) in bytes of the UTF-16LE text
    "name": (0, 30),
    "sex": (30, 2),
    "nation": (32, 4),
    "birth": (36, 16),
    "address": (52, 70),
    "id_number": (122, 36),
    "authority": (158, 30),
    "valid_from": (188, 16),
    "valid_to": (204, 16),
    "card_type": (248, 2),
}
SEXES = {"1": "男", "2": "女", "0": "未知", "9": "未说明"}  # GB/T 2261.1
LONG_TERM = "长期"


@dataclass(frozen=True, repr=False)
class IdCard:
    """What a 居民身份证 says. Its repr is masked; keep it no longer than the session."""

    name: str
    sex: str  # 男 / 女
    nation: str  # 汉, 维吾尔 … ("" for a code outside GB/T 3304)
    birth_date: date
    address: str
    id_number: str
    authority: str  # 签发机关
    valid_from: date
    valid_to: date | None  # None: 长期 (no end date)
    sex_code: str = ""
    nation_code: str = ""

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    @property
    def valid_to_text(self) -> str:
        return LONG_TERM if self.valid_to is None else self.valid_to.strftime("%Y.%m.%d")

    def expired(self, now: date | datetime) -> bool:
        """True after the valid-to day (the card is good through that day); never for 长期."""
        today = now.date() if isinstance(now, datetime) else now
        return self.valid_to is not None and today > self.valid_to

    def __repr__(self) -> str:
        return (
            f"IdCard({mask_name(self.name)}, {mask_id_number(self.id_number)}, "
            f"valid to {self.valid_to_text})"
        )


def _field(text: bytes, name: str) -> str:
    at, size = FIELDS[name]
    try:
        return text[at : at + size].decode("utf-16-le").strip(" \x00")
    except UnicodeDecodeError:
        raise CardDataError(f"{name}: not UTF-16LE text") from None


def _date(value: str, name: str) -> date:
    if len(value) != 8 or not value.isdigit():
        raise CardDataError(f"{name}: {len(value)} characters, not YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardDataError(f"{name}: not a date") from None


def decode_text(text: bytes) -> IdCard:
    """The 256-byte text block → IdCard; CardDataError / UnsupportedCard saying why not."""
    if len(text) != TEXT_BYTES:
        raise CardDataError(f"text block of {len(text)} bytes, expected {TEXT_BYTES}")
    kind = _field(text, "card_type")
    if kind:
        raise UnsupportedCard(f"card type {kind!r}")
    sex_code, nation_code = _field(text, "sex"), _field(text, "nation")
    valid_to = _field(text, "valid_to")
    return IdCard(
        name=_field(text, "name"),
        sex=SEXES.get(sex_code, ""),
        nation=nation_name(nation_code),
        birth_date=_date(_field(text, "birth"), "birth"),
        address=_field(text, "address"),
        id_number=_field(text, "id_number").upper(),
        authority=_field(text, "authority"),
        valid_from=_date(_field(text, "valid_from"), "valid_from"),
        valid_to=None if valid_to == LONG_TERM else _date(valid_to, "valid_to"),
        sex_code=sex_code,
        nation_code=nation_code,
    )


def decode_base(data: bytes) -> IdCard:
    """The data of a 30 01 reply (lengths, text, photo) → IdCard. The photo is not kept."""
    if len(data) < 4:
        raise FrameError(f"base reply of {len(data)} bytes")
    text_len, photo_len = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
    if text_len != TEXT_BYTES or len(data) < 4 + text_len + photo_len:
        raise FrameError(
            f"base reply says text {text_len} + photo {photo_len} bytes, carries {len(data) - 4}"
        )
    return decode_text(data[4 : 4 + TEXT_BYTES])


class _Placement:
    """One stay of a card on the reader."""

    def __init__(self, now: float):
        self.found_at = now
        self.read = False
        self.attempts = 0
        self.absent = 0


class IdCardReader(Device):
    """A SAM reader on a serial port; see the module doc for what it sends and when."""

    name = "idcard-reader"

    def __init__(
        self,
        path: str,
        baud: int = 115200,
        *,
        poll_s: float = 0.3,
        timeout_s: float = 1.0,
        read_timeout_s: float | None = None,
        health_s: float = 5.0,
        max_attempts: int = 3,
        removal_polls: int = 2,
        callback=None,
        opener=open_serial,
    ):
        super().__init__(callback)
        self.path, self.baud = path, baud
        self.poll_s, self.timeout_s = poll_s, timeout_s
        # the base reply is ~1300 bytes: 0.11 s on the wire at 115200, 1.4 s at 9600
        self.read_timeout_s = read_timeout_s or max(3.0, timeout_s + 14000 / baud)
        self.health_s, self.max_attempts, self.removal_polls = health_s, max_attempts, removal_polls
        self._opener = opener
        self._port = None
        self._frames: sam.FrameReader | None = None
        self._placement: _Placement | None = None
        self._bad_frames = 0

    # -- the thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            pause = self.poll_s if self.armed else self.health_s
            try:
                if self._frames is None:
                    self._port = self._opener(self.path, self.baud)
                    self._frames = sam.FrameReader(self._port)
                if self.armed:
                    self._tick()
                else:
                    self._health()
            except DeviceUnavailable as exc:
                self._close()
                self._set_status("offline", exc)
                pause = min(pause, 1.0)
            except ReaderSilent as exc:
                self._set_status("no_answer", exc)
            except ReaderFault as exc:
                self._set_status("reader_fault", exc)
            except FrameError as exc:  # noise on a poll reply: down only if it persists
                self._bad_frames += 1
                log.info("idcard reader: bad poll reply (%s)", exc.detail)
                if self._bad_frames >= 3:
                    self._set_status("no_answer", ReaderSilent(f"garbled replies: {exc.detail}"))
            except Exception:  # the thread must survive anything; the kiosk keeps other ways
                log.exception("idcard reader: unexpected failure")
                self._close()
                pause = 1.0
            self._sleep(pause)

    def _answered(self) -> None:
        self._bad_frames = 0
        self._set_status("ok")

    def _health(self) -> None:
        reply = self._frames.transact(sam.STATUS_CHECK, self.timeout_s)
        if reply.sw3 in sam.READER_FAULTS:
            raise ReaderFault(reply.meaning())
        self._answered()

    def _tick(self) -> None:
        reply = self._frames.transact(sam.FIND, self.timeout_s)
        if reply.sw3 in sam.READER_FAULTS:
            raise ReaderFault(reply.meaning())
        self._answered()
        removed = False
        with self._lock:  # arm()/disarm() reset the placement from the UI thread
            placement = self._placement
            if reply.sw3 == sam.FOUND:
                if placement is None:
                    placement = self._placement = _Placement(time.monotonic())
                placement.absent = 0
            elif placement is not None:
                placement.absent += 1
                if placement.absent >= self.removal_polls:
                    self._placement = placement = None
                    removed = True
        if removed:
            self._emit(CardRemoved())
            return
        if reply.sw3 != sam.FOUND or placement.read or placement.attempts >= self.max_attempts:
            return
        placement.attempts += 1
        try:
            event = CardRead(self._read_card(), time.monotonic() - placement.found_at)
        except CardError as exc:
            log.info("idcard reader: card not read (%s: %s)", exc.word, exc.detail)
            self._emit(CardUnreadable(exc))
            return
        placement.read = True
        self._emit(event)

    def _read_card(self) -> IdCard:
        reply = self._frames.transact(sam.SELECT, self.timeout_s)
        if reply.sw3 != sam.OK:
            raise CardReadFailed(f"select: {reply.meaning()}")
        reply = self._frames.transact(sam.READ_BASE, self.read_timeout_s)
        if reply.sw3 != sam.OK:
            raise CardReadFailed(f"read: {reply.meaning()}")
        return decode_base(reply.data)

    # -- arming -------------------------------------------------------------------------------
    def _on_arm(self) -> None:
        self._placement = None  # a card already lying there counts as just placed

    def _on_disarm(self) -> None:
        self._placement = None

    def _close(self) -> None:
        port, self._port, self._frames = self._port, None, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass


class NoReader(Device):
    """idcard_reader = "none": nothing ever happens; the verify screen hides the card way."""

    name = "no-idcard-reader"

    def __init__(self, callback=None):
        super().__init__(callback)
        self.status = "off"
