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
    widths: tuple[int, ...]       # cells per column
    aligns: tuple[str, ...]       # left | right
    rows: tuple[tuple[str, ...], ...]
    header: bool = True           # first row is the header (printed bold)


@dataclass(frozen=True)
class Cut:
    pass


Block = Text | QR | Rule | Feed | Table | Cut


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_cells(text: str, width: int) -> list[str]:
    """Break text into lines of at most `width` cells, Chinese-style (between any characters)."""
    lines, line, used = [], "", 0
    for ch in text:
        w = cells(ch)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    lines.append(line)
    return lines


def qr_module_dots(width_dots: int) -> int:
    """Dots per QR module: big enough for a phone camera, small enough to leave room for text."""
    return 6 if width_dots >= 576 else 5


def qr_ec_level() -> str:
    return "M"
