"""Kiosk text through gettext catalogs (kiosk/locale/<lang>/LC_MESSAGES/kiosk.po), read by the
server core's one .po loader. msgids are English; zh_CN is the default; ug falls back to Chinese.

Uyghur is right-to-left and Kivy labels do no bidi: ``for_label`` pre-orders mixed runs (digits
inside Uyghur text) so that SDL_ttf's RTL layout shows them the right way round.
"""

from __future__ import annotations

from pathlib import Path

from bidi import get_display

from queue_server.core.catalogs import Catalogs
from queue_server.core.languages import DEFAULT, RTL

__all__ = ["DEFAULT", "RTL", "catalog", "for_label", "translate"]

LOCALE_DIR = Path(__file__).parent / "locale"
CATALOGS = Catalogs(LOCALE_DIR, "kiosk")


def catalog(lang: str) -> dict[str, str]:
    """msgid → text as written in the language's catalog (empty when untranslated)."""
    return {e.msgid: e.msgstr for e in CATALOGS.entries(lang) if e.msgid}


def translate(msgid: str, lang: str = DEFAULT, **params) -> str:
    return CATALOGS.translate(msgid, lang, **params)


def for_label(text: str, lang: str) -> str:
    """Text as a Kivy label with font_direction='rtl' must receive it: SDL_ttf reverses the whole
    run, so LTR runs (digits, Latin) are pre-reversed by taking the bidi display order backwards."""
    if lang not in RTL:
        return text
    # The Arabic face lacks '/' and '·' (service names, separators): use the Arabic comma.
    text = text.replace(" / ", "، ").replace("/", "،").replace(" · ", "، ").replace("·", "،")
    return "\n".join(get_display(line, base_dir="R")[::-1] for line in text.split("\n"))
