"""A tiny document model shared by both text modes, so raster and native print the same thing.

Sizes are ESC/POS character multipliers (1 = 12×24-dot font A; Chinese glyphs are 24×24). Widths
are counted in "cells" of 12 dots: an ASCII character is one cell, a Chinese one two.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CELL_DOTS = 12
LINE_DOTS = 24


@dataclass(frozen=True)
class Text:
    text: str
    size: int = 1
    bold: bool = False
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class QR:
    payload: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Table:
    widths: tuple[int, ...]  # cells per column
    aligns: tuple[str, ...]  # left | right
    rows: tuple[tuple[str, ...], ...]
    header: bool = True  # first row is the header (printed bold)


@dataclass(frozen=True)
class Cut:
    pass


Block = Text | QR | Rule | Feed | Table | Cut


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Characters that may not start a line in Chinese typesetting (避头点): closing punctuation.
NO_LINE_START = set("，。、：；！？）】」』》〉…—,.:;!?)]}%")


def wrap(text: str, width: float, measure) -> list[str]:
    """Break text into lines no wider than `width` (as measured per character), Chinese-style:
    between any two characters, except that closing punctuation never starts a line (the
    character before it moves down with it)."""
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for ch in text:
        w = measure(ch)
        if line and used + w > width:
            carry: list[str] = []
            if ch in NO_LINE_START and len(line) > 1:
                carry = [line.pop()]
            lines.append("".join(line))
            line, used = carry, sum(measure(c) for c in carry)
        line.append(ch)
        used += w
    lines.append("".join(line))
    return lines


def wrap_cells(text: str, width: int) -> list[str]:
    return wrap(text, width, cells)


def fits(text: str, size: int, width_dots: int) -> bool:
    """Whether text at this size fits on one line of the paper (native metrics)."""
    return cells(text) * CELL_DOTS * size <= width_dots


def qr_module_dots(width_dots: int) -> int:
    """Dots per QR module: big enough for a phone camera, small enough to leave room for text."""
    return 6 if width_dots >= 576 else 5


def qr_ec_level() -> str:
    return "M"
