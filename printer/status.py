"""Printer status: DLE EOT replies → one status word with a message a person can act on.

Real-time status (ESC/POS DLE EOT n, bytes 10 04 n) answers one byte per query. Every reply has
bit 1 and bit 4 set and bits 0 and 7 clear (0x12 when nothing is wrong), which lets us tell a
status byte from noise.
"""

from __future__ import annotations

from dataclasses import dataclass

WORDS = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "error")

#: (Chinese, English) per status word, written for the person at the kiosk or guide desk.
MESSAGES = {
    "ok": ("打印机正常", "Printer ready"),
    "paper_near_end": (
        "打印纸即将用完，请通知工作人员更换纸卷",
        "Paper is running low, please ask staff to replace the roll",
    ),
    "paper_out": (
        "打印机缺纸，请联系导引台工作人员",
        "The printer is out of paper, please ask the guide desk staff",
    ),
    "cover_open": (
        "打印机盖未关好，请联系导引台工作人员",
        "The printer cover is open, please ask the guide desk staff",
    ),
    "offline": (
        "打印机未连接或未开机，请联系导引台工作人员",
        "The printer is not connected or switched off, please ask the guide desk staff",
    ),
    "error": (
        "打印机故障，请联系导引台工作人员",
        "The printer has a fault, please ask the guide desk staff",
    ),
}

DLE_EOT = b"\x10\x04"
#: The queries we send, in order: printer (online), offline cause (cover), paper roll sensor.
QUERIES = (1, 2, 4)

_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_N1_OFFLINE = 0x08
_N2_COVER_OPEN = 0x04
_N2_ERROR = 0x40
_N4_NEAR_END = 0x0C
_N4_PAPER_OUT = 0x60


@dataclass(frozen=True)
class PrinterStatus:
    word: str
    detail: str = ""

    def __post_init__(self):
        if self.word not in WORDS:
            raise ValueError(f"unknown status word {self.word!r}")

    @property
    def ok(self) -> bool:
        return self.word == "ok"

    @property
    def can_print(self) -> bool:
        """Near end still prints: the roll has some metres left; we report it, not refuse."""
        return self.word in ("ok", "paper_near_end")

    @property
    def message_zh(self) -> str:
        return MESSAGES[self.word][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.word][1]


def query_bytes(n: int) -> bytes:
    return DLE_EOT + bytes([n])


def interpret(replies: dict[int, int | None]) -> PrinterStatus:
    """Turn the reply byte of each DLE EOT n (None: no reply) into a status.

    The first missing reply means offline: a printer that is on answers real-time status even
    when it cannot print. Cause outranks consequence: an open cover or empty roll also sets the
    generic offline bit of n=1, so we look at n=2 and n=4 before believing n=1.
    """
    detail = " ".join(f"n={n}:{'none' if b is None else f'0x{b:02X}'}" for n, b in replies.items())
    for n in QUERIES:
        if replies.get(n) is None:
            return PrinterStatus("offline", f"no reply to DLE EOT {n} ({detail})")
        if replies[n] & _FIXED_MASK != _FIXED_BITS:
            return PrinterStatus("error", f"unexpected status byte ({detail})")
    r1, r2, r4 = replies[1], replies[2], replies[4]
    if r2 & _N2_COVER_OPEN:
        return PrinterStatus("cover_open", detail)
    if r4 & _N4_PAPER_OUT:
        return PrinterStatus("paper_out", detail)
    if r2 & _N2_ERROR:
        return PrinterStatus("error", detail)
    if r1 & _N1_OFFLINE:
        return PrinterStatus("offline", f"printer reports offline ({detail})")
    if r4 & _N4_NEAR_END:
        return PrinterStatus("paper_near_end", detail)
    return PrinterStatus("ok", detail)


def replies_for(word: str) -> dict[int, int | None]:
    """The bytes a healthy printer in the given state answers (used by the virtual printer)."""
    if word == "offline":
        return {1: None, 2: None, 4: None}
    r1 = r2 = r4 = _FIXED_BITS
    if word == "paper_near_end":
        r4 |= _N4_NEAR_END
    elif word == "paper_out":
        r1 |= _N1_OFFLINE
        r2 |= 0x20  # "printing stopped by paper end"
        r4 |= _N4_NEAR_END | _N4_PAPER_OUT
    elif word == "cover_open":
        r1 |= _N1_OFFLINE
        r2 |= _N2_COVER_OPEN
    elif word == "error":
        r1 |= _N1_OFFLINE
        r2 |= _N2_ERROR
    return {1: r1, 2: r2, 4: r4}
