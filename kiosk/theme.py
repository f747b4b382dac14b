"""Colours and sizes for normal and elder mode (长辈模式, 适老化: main text ≥ 30 px, targets
≥ 60 px, contrast ≥ 4.5:1 — tests/kiosk/test_catalogs_fonts.py checks the numbers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    background: tuple
    text: tuple
    button: tuple
    button_text: tuple
    accent: tuple  # the big ticket number
    muted: tuple  # closed services, secondary lines
    warning: tuple
    title_px: int
    text_px: int
    small_px: int
    button_px: int  # button text
    target_px: int  # minimum height of a touch target


NORMAL = Theme(
    background=(0.96, 0.97, 0.98, 1),
    text=(0.10, 0.12, 0.16, 1),
    button=(0.05, 0.33, 0.62, 1),
    button_text=(1, 1, 1, 1),
    accent=(0.70, 0.05, 0.05, 1),
    muted=(0.35, 0.37, 0.40, 1),
    warning=(0.62, 0.20, 0.0, 1),
    title_px=52,
    text_px=34,
    small_px=28,
    button_px=40,
    target_px=110,
)
ELDER = Theme(
    background=(0, 0, 0, 1),
    text=(1, 1, 1, 1),
    button=(1, 0.84, 0, 1),
    button_text=(0, 0, 0, 1),
    accent=(1, 0.84, 0, 1),
    muted=(0.80, 0.80, 0.80, 1),
    warning=(1, 0.60, 0.40, 1),
    title_px=64,
    text_px=44,
    small_px=36,
    button_px=54,
    target_px=150,
)


def theme_for(elder: bool) -> Theme:
    return ELDER if elder else NORMAL


def _lum(rgb) -> float:
    def ch(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    a, b = sorted((_lum(fg), _lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
