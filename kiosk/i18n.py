"""Kiosk text through gettext catalogs (kiosk/locale/<lang>/LC_MESSAGES/kiosk.po, read with
Babel, no build step). msgids are English; zh_CN is the default; ug falls back to Chinese.

Uyghur is right-to-left and Kivy labels do no bidi: ``for_label`` pre-orders mixed runs (digits
inside Uyghur text) so that SDL_ttf's RTL layout shows them the right way round.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from bidi import get_display

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "zh_CN"
RTL = {"ug"}


@functools.cache
def catalog(lang: str):
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "kiosk.po"
    with po.open("rb") as fh:
        return read_po(fh, locale=lang)


@functools.cache
def translations(lang: str) -> Translations:
    try:
        cat = catalog(lang)
    except FileNotFoundError:
        return Translations()
    buf = io.BytesIO()
    write_mo(buf, cat)
    buf.seek(0)
    return Translations(buf)


def translate(msgid: str, lang: str = DEFAULT, **params) -> str:
    text = translations(lang).gettext(msgid)
    if text == msgid and lang == "ug":
        text = translations(DEFAULT).gettext(msgid)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def for_label(text: str, lang: str) -> str:
    """Text as a Kivy label with font_direction='rtl' must receive it: SDL_ttf reverses the whole
    run, so LTR runs (digits, Latin) are pre-reversed by taking the bidi display order backwards."""
    if lang not in RTL:
        return text
    # The Arabic face lacks '/' and '·' (service names, separators): use the Arabic comma.
    text = text.replace(" / ", "، ").replace("/", "،").replace(" · ", "، ").replace("·", "،")
    return "\n".join(get_display(line, base_dir="R")[::-1] for line in text.split("\n"))
