"""Fonts: a Simplified-Chinese face as Kivy's default (it also covers Latin), and an Arabic-script
face for Uyghur. Kivy opens only face 0 of a .ttc: in wqy-microhei.ttc that is the proportional
Simplified-Chinese face (in Noto CJK .ttc it would be Japanese, hence not used)."""

from __future__ import annotations

from pathlib import Path

CJK_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
]
ARABIC_CANDIDATES = [
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",  # has '-', Naskh has not
    "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
]
ARABIC_BOLD = "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"


class FontMissing(Exception):
    pass


def _first(paths: list[str], what: str) -> str:
    for p in paths:
        if Path(p).is_file():
            return p
    raise FontMissing(
        f"no {what} font found (tried {', '.join(paths)}); install fonts-wqy-microhei / fonts-noto-core"
    )


def cjk_font() -> str:
    return _first(CJK_CANDIDATES, "Simplified-Chinese")


def arabic_font() -> str:
    return _first(ARABIC_CANDIDATES, "Arabic-script")


def font_for(lang: str) -> str:
    return arabic_font() if lang == "ug" else cjk_font()


def register() -> None:
    """Make the CJK face Kivy's default ("Roboto") and name the Uyghur one "KioskArab"."""
    from kivy.core.text import LabelBase

    cjk = cjk_font()
    LabelBase.register(name="Roboto", fn_regular=cjk, fn_bold=cjk)
    arab = arabic_font()
    LabelBase.register(
        name="KioskArab",
        fn_regular=arab,
        fn_bold=ARABIC_BOLD if Path(ARABIC_BOLD).is_file() else arab,
    )
