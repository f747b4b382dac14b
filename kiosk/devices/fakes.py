"""Fake devices on os.openpty() ptys, speaking the real protocols: for the tests, the
benchmark and the demo (so they live in the package, not under tests/).

    with FakeIdCardReader() as fake:          # a SAM 二代身份证 reader at fake.path / fake.url
        fake.insert("demo1")                  # or a FakeCard; fake.remove()
        fake.behave("bad_checksum", times=1)  # see BEHAVIOURS
    with FakeQrScanner() as fake:
        fake.send("ESSC-DEMO-CODE")           # one CR-terminated line

    python -m kiosk.devices.fakes idcard --card demo1 [--inserted] [--link var/demo/idcard]
    python -m kiosk.devices.fakes idcard --person 姓名,身份证号   # e.g. a demo records person
    python -m kiosk.devices.fakes scanner --code CODE [--link var/demo/qrscanner]

The reader's replies are built here from the published frame layout (AA AA AA 96 69, 2-byte
big-endian length of SW1..checksum, SW1 SW2 SW3, data, XOR of length..data), deliberately not
with kiosk.devices.sam or .idcard: a mistake on either side then shows up as a failing test.
Bytes leave at the configured baud rate (10 bits a byte), like a real UART.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import sys
import threading
import time
import tty
from collections import Counter
from dataclasses import dataclass

HEADER = bytes.fromhex("AAAAAA9669")
# SW3 values of the public SAM protocol
SW_OK, SW_FOUND, SW_NO_CARD, SW_SELECT_FAILED = 0x90, 0x9F, 0x80, 0x81
SW_READ_FAILED, SW_BAD_CHECKSUM, SW_BAD_COMMAND, SW_SELF_TEST_FAILED = 0x41, 0x10, 0x21, 0x60

BEHAVIOURS = {
    "silent": "no reply to anything (reader unplugged from power, wrong port)",
    "bad_checksum": "the card-data reply carries a wrong checksum",
    "remove_mid_read": "the card is lifted while being read: SW3 41, then no card",
    "truncated": "the card-data reply stops half way",
    "noise": "garbage bytes before every reply",
    "fault": "every reply is SW3 60 (SAM self-test failed)",
}


def _xor(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def reply_frame(
    sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0, corrupt: bool = False
) -> bytes:
    """A reader → host frame from the documented layout."""
    payload = bytes([sw1, sw2, sw3]) + data
    size = len(payload) + 1  # + the checksum byte
    length = bytes([size >> 8, size & 0xFF])
    check = _xor(length + payload) ^ (0x5A if corrupt else 0)
    return HEADER + length + payload + bytes([check])


@dataclass(frozen=True)
class FakeCard:
    """The card's own text as GA 467 lays it out (codes, dates as YYYYMMDD, or 长期)."""

    name: str
    sex: str  # "1" 男, "2" 女
    nation: str  # GB/T 3304 two digits
    birth: str
    address: str
    id_number: str
    authority: str
    valid_from: str
    valid_to: str
    card_type: str = ""  # "I" 外国人永久居留身份证, "J" 港澳台居民居住证; blank here

    def text(self) -> bytes:
        """The 256 bytes: fields one after another at their byte widths, space-padded."""
        widths = [
            ("name", 30),
            ("sex", 2),
            ("nation", 4),
            ("birth", 16),
            ("address", 70),
            ("id_number", 36),
            ("authority", 30),
            ("valid_from", 16),
            ("valid_to", 16),
        ]
        out = b""
        for field, width in widths:
            out += _utf16(getattr(self, field), width, field)
        out += _utf16("", 28, "reserved") + _utf16(self.card_type, 2, "card_type")
        out += _utf16("", 6, "reserved")
        assert len(out) == 256
        return out

    @classmethod
    def person(
        cls,
        name: str,
        id_number: str,
        *,
        valid_from: str = "20200101",
        valid_to: str = "20400101",
        nation: str = "01",
        address: str = "北京市西城区示例街1号",
        authority: str = "北京市公安局西城分局",
    ):
        """A card for someone (e.g. a demo records person): birth date and sex from the number."""
        sex = "1" if int(id_number[16]) % 2 else "2"
        return cls(
            name, sex, nation, id_number[6:14], address, id_number, authority, valid_from, valid_to
        )

    def base_data(self) -> bytes:
        """The data of the 30 01 reply: text length, photo length (big-endian), text, photo."""
        photo = bytes((i * 37) & 0xFF for i in range(1024))  # stands in for the WLT image
        return (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + self.text() + photo


def _utf16(value: str, width: int, field: str) -> bytes:
    raw = value.encode("utf-16-le")
    if len(raw) > width:
        raise ValueError(
            f"{field} {value!r} is {len(raw) // 2} characters; the card holds {width // 2}"
        )
    return raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)


CARDS = {
    "demo1": FakeCard(
        "王秀兰",
        "2",
        "01",
        "19580312",
        "北京市朝阳区建国路88号院3号楼2单元501室",
        "110105195803120045",
        "北京市公安局朝阳分局",
        "20100608",
        "长期",
    ),
    "demo2": FakeCard(
        "李建国",
        "1",
        "01",
        "19851023",
        "北京市海淀区中关村大街27号",
        "110108198510231537",
        "北京市公安局海淀分局",
        "20160411",
        "20360411",
    ),
    "uyghur": FakeCard(
        "مۇختەر ئابدۇللا",
        "1",
        "05",
        "19880715",
        "新疆维吾尔自治区乌鲁木齐市天山区解放南路幸福路社区128号3栋401室",
        "65010219880715201X",
        "乌鲁木齐市公安局天山区分局",
        "20190302",
        "20390302",
    ),
    "uyghur_cn": FakeCard(
        "阿不都热西提·阿不都拉",
        "1",
        "05",
        "19900306",
        "新疆维吾尔自治区乌鲁木齐市天山区幸福路社区12号",
        "650102199003061811",
        "乌鲁木齐市公安局天山区分局",
        "20150520",
        "20350520",
    ),
    "expired": FakeCard(
        "赵敏",
        "2",
        "01",
        "19900501",
        "广东省深圳市南山区粤海街道科技园社区科苑路15号",
        "440306199005013028",
        "深圳市公安局南山分局",
        "20100501",
        "20200501",
    ),
}


class _Pty:
    """A pty pair whose far end (`path`) a pyserial port opens; we write and read the master."""

    def __init__(self, baud: int):
        self.baud = baud
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # bytes pass unchanged, like a real UART
        self.path = os.ttyname(self._slave)  # the slave stays open: the master never sees EIO
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _write(self, data: bytes) -> None:
        """Write at the line's speed: 10 bits per byte (8N1)."""
        start, per_byte = time.monotonic(), 10 / self.baud
        for at in range(0, len(data), 64):
            chunk = data[at : at + 64]
            try:
                os.write(self._master, chunk)
            except OSError:
                return
            due = start + (at + len(chunk)) * per_byte
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _spawn(self, target) -> None:
        self._thread = threading.Thread(target=target, daemon=True, name=type(self).__name__)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FakeIdCardReader(_Pty):
    """A SAM reader: 寻卡 20 01, 选卡 20 02, 读基本信息 30 01, 状态 11 FF, 复位 10 FF."""

    def __init__(self, baud: int = 115200, *, card_ms: float = 0.0):
        super().__init__(baud)
        self.url = f"serial://{self.path}?baudrate={baud}"
        self.card_ms = card_ms  # the SAM's radio time for a base read (0: the wire only)
        self.card: FakeCard | None = None
        self.commands: Counter = Counter()  # (cmd, para) → how many received
        self.bad_commands = 0
        self.inserted_at: float | None = None
        self._behaviour: str | None = None
        self._times: int | None = None
        self._lock = threading.Lock()
        self._spawn(self._loop)

    # -- what a test or a person does ---------------------------------------------------------
    def insert(self, card: FakeCard | str = "demo1") -> float:
        """Put a card on the reader; returns the monotonic time it was placed."""
        with self._lock:
            self.card = CARDS[card] if isinstance(card, str) else card
            self.inserted_at = time.monotonic()
            return self.inserted_at

    def remove(self) -> None:
        with self._lock:
            self.card = None

    def behave(self, behaviour: str | None, times: int | None = None) -> None:
        """Misbehave (BEHAVIOURS) `times` times, or until behave(None)."""
        if behaviour is not None and behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {', '.join(BEHAVIOURS)}")
        with self._lock:
            self._behaviour, self._times = behaviour, times

    @property
    def reads(self) -> int:
        return self.commands[(0x30, 0x01)]

    # -- the device ---------------------------------------------------------------------------
    def _misbehaving(self, behaviour: str) -> bool:
        """True (and one use spent) if `behaviour` is on."""
        with self._lock:
            if self._behaviour != behaviour:
                return False
            if self._times is not None:
                self._times -= 1
                if self._times <= 0:
                    self._behaviour = self._times = None
            return True

    def _loop(self) -> None:
        buf = bytearray()
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                buf += os.read(self._master, 4096)
            except OSError:
                return
            while True:
                at = buf.find(HEADER)
                if at < 0:
                    del buf[: max(0, len(buf) - 4)]
                    break
                del buf[:at]
                if len(buf) < 7:
                    break
                end = 7 + (buf[5] << 8 | buf[6])
                if len(buf) < end:
                    break
                frame = bytes(buf[:end])
                del buf[:end]
                self._answer(frame)

    def _answer(self, frame: bytes) -> None:
        if self._misbehaving("silent"):
            return
        if len(frame) < 10 or _xor(frame[5:-1]) != frame[-1]:
            self.bad_commands += 1
            self._send(reply_frame(SW_BAD_CHECKSUM))
            return
        cmd, para = frame[7], frame[8]
        self.commands[(cmd, para)] += 1
        if self._misbehaving("fault"):
            self._send(reply_frame(SW_SELF_TEST_FAILED))
            return
        with self._lock:
            card = self.card
        if (cmd, para) in ((0x10, 0xFF), (0x11, 0xFF)):
            self._send(reply_frame(SW_OK))
        elif (cmd, para) == (0x20, 0x01):
            self._send(reply_frame(SW_FOUND, bytes(4)) if card else reply_frame(SW_NO_CARD))
        elif (cmd, para) == (0x20, 0x02):
            self._send(reply_frame(SW_OK, bytes(8)) if card else reply_frame(SW_SELECT_FAILED))
        elif (cmd, para) == (0x30, 0x01):
            self._read(card)
        else:
            self._send(reply_frame(SW_BAD_COMMAND))

    def _read(self, card: FakeCard | None) -> None:
        if self.card_ms:
            time.sleep(self.card_ms / 1000)
        if card is None:
            self._send(reply_frame(SW_READ_FAILED))
        elif self._misbehaving("remove_mid_read"):
            self.remove()
            self._send(reply_frame(SW_READ_FAILED))
        elif self._misbehaving("bad_checksum"):
            self._send(reply_frame(SW_OK, card.base_data(), corrupt=True))
        elif self._misbehaving("truncated"):
            whole = reply_frame(SW_OK, card.base_data())
            self._send(whole[: len(whole) // 2])
        else:
            self._send(reply_frame(SW_OK, card.base_data()))

    def _send(self, frame: bytes) -> None:
        if self._misbehaving("noise"):
            frame = b"\x00\xff\xaa\x96\x13" + frame
        self._write(frame)


class FakeQrScanner(_Pty):
    """A serial QR scanner: each code is one line ending in CR (or `end`)."""

    def __init__(self, baud: int = 9600):
        super().__init__(baud)
        self.url = f"serial://{self.path}?baudrate={baud}"

    def send(self, code: str, end: str = "\r") -> None:
        self._write((code + end).encode("utf-8"))

    def send_raw(self, data: bytes) -> None:
        self._write(data)


# --- the CLI (the demo, a person trying the kiosk) --------------------------------------------

DEMO_CODE = "ESSC1.DEMO.0000000000000000"


def _link(path: str, link: str | None) -> None:
    if not link:
        return
    if os.path.lexists(link) and not os.path.islink(link):
        raise SystemExit(f"{link} exists and is not a link; not replacing it")
    os.makedirs(os.path.dirname(os.path.abspath(link)), exist_ok=True)
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(path, link)


def _unlink(link: str | None) -> None:
    if link and os.path.islink(link):
        os.unlink(link)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def _serve(fake, link: str | None, handle) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for line in sys.stdin or ():
            if handle(line.split()) is False:
                return 0
        while True:  # stdin closed (run in the background): serve until SIGTERM / Ctrl-C
            signal.pause()
    except KeyboardInterrupt:
        return 0
    finally:
        _unlink(link)
        fake.close()


def _idcard(args) -> int:
    if args.person:
        name, _, number = args.person.partition(",")
        CARDS["person"] = FakeCard.person(name.strip(), number.strip().upper())
        args.card = "person"
    fake = FakeIdCardReader(args.baud, card_ms=args.card_ms)
    if args.inserted:
        fake.insert(args.card)
    _link(fake.path, args.link)  # before the path is printed: whoever reads it may use the link
    print(f"path {fake.path}\nurl {fake.url}", flush=True)
    print(
        f'假身份证阅读器已就绪。kiosk 配置：idcard_reader = "{fake.url}"\n'
        f"命令：insert [卡]（放卡，默认 {args.card}）、remove（拿走）、cards（列出演示卡）、"
        f"mode <{'|'.join(BEHAVIOURS)}|normal>、quit\n"
        f"Fake ID card reader ready. Commands: insert [card], remove, cards, mode <…>, quit",
        flush=True,
    )

    def handle(words: list[str]):
        if not words:
            return None
        verb, rest = words[0].lower(), words[1:]
        if verb in ("q", "quit", "exit"):
            return False
        if verb in ("i", "insert"):
            name = rest[0] if rest else args.card
            if name not in CARDS:
                print(f"没有这张卡 / no such card: {name}; cards: {', '.join(CARDS)}", flush=True)
            else:
                fake.insert(name)
                print(f"已放卡 / card placed: {name}", flush=True)
        elif verb in ("r", "remove"):
            fake.remove()
            print("已拿走 / card removed", flush=True)
        elif verb == "cards":
            for name, card in CARDS.items():
                print(
                    f"{name}: {card.name} {card.id_number[:6]}********{card.id_number[-4:]} "
                    f"valid to {card.valid_to}",
                    flush=True,
                )
        elif verb == "mode" and rest:
            try:
                fake.behave(None if rest[0] == "normal" else rest[0])
                print(f"mode {rest[0]}", flush=True)
            except ValueError as exc:
                print(exc, flush=True)
        else:
            print("insert [card] | remove | cards | mode <behaviour|normal> | quit", flush=True)
        return None

    return _serve(fake, args.link, handle)


def _scanner(args) -> int:
    fake = FakeQrScanner(args.baud)
    _link(fake.path, args.link)
    print(f"path {fake.path}\nurl {fake.url}", flush=True)
    print(
        f'假扫码器已就绪。kiosk 配置：qr_scanner = "{fake.url}"\n'
        f"回车或 send [码] 发送（默认 {args.code}）、quit\n"
        f"Fake QR scanner ready. Enter or send [code] sends a code; quit",
        flush=True,
    )

    def handle(words: list[str]):
        if words and words[0].lower() in ("q", "quit", "exit"):
            return False
        code = words[1] if len(words) > 1 and words[0] == "send" else args.code
        fake.send(code)
        print(f"sent {len(code)} characters", flush=True)
        return None

    return _serve(fake, args.link, handle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.devices.fakes", description="假设备（pty）/ fake devices on a pty"
    )
    sub = parser.add_subparsers(dest="device", required=True)
    reader = sub.add_parser("idcard", help="二代身份证阅读器 / ID card reader")
    reader.add_argument("--card", default="demo1", choices=sorted(CARDS))
    reader.add_argument(
        "--person",
        metavar="NAME,ID_NUMBER",
        help="add a card 'person' for this name and number (e.g. a demo person)",
    )
    reader.add_argument("--inserted", action="store_true", help="start with the card placed")
    reader.add_argument("--baud", type=int, default=115200)
    reader.add_argument("--card-ms", type=float, default=0.0, help="SAM radio time per read")
    reader.add_argument("--link", help="make this path a symlink to the pty (stable config)")
    scanner = sub.add_parser("scanner", help="二维码扫码器 / QR scanner")
    scanner.add_argument("--code", default=DEMO_CODE)
    scanner.add_argument("--baud", type=int, default=9600)
    scanner.add_argument("--link", help="make this path a symlink to the pty (stable config)")
    args = parser.parse_args(argv)
    return _idcard(args) if args.device == "idcard" else _scanner(args)


if __name__ == "__main__":
    sys.exit(main())
