"""Server-side message catalogs (gettext .po files read with Babel, no build step).

Messages are English msgids with ``{placeholders}``; zh_CN is the default language of every
reply, ``Accept-Language`` may choose en or ug.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .core.errors import Msgid

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh_CN", "en", "ug")
DEFAULT = "zh_CN"


@functools.cache
def translations(lang: str) -> Translations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return Translations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def local_name(names: dict, lang: str) -> str:
    """A name given per language (a service's, a window group's): the reader's, else Chinese."""
    return names.get(lang) or names.get(DEFAULT) or ""


def translate(msgid: str, lang: str = DEFAULT, **params) -> str:
    """A parameter given as a dict is a name per language (a service's name): the reader's is used."""
    text = translations(lang).gettext(msgid)
    if text == msgid and lang == "ug":
        text = translations(DEFAULT).gettext(msgid)  # ug falls back to Chinese, not English
    params = {k: local_name(v, lang) if isinstance(v, dict) else v for k, v in params.items()}
    # A Msgid parameter (e.g. the annex A.2 class of a forbidden phrase) is translated too.
    params = {k: translate(v, lang) if isinstance(v, Msgid) else v for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def bilingual(msgid: str, **params) -> str:
    """``"中文 / English"``: a command's message on a terminal, read by staff of either language."""
    return f"{translate(msgid, **params)} / {translate(msgid, 'en', **params)}"


def best_language(accept_language: str | None, offered=LANGUAGES) -> str:
    """The first language of the header we offer; zh_CN when none matches."""
    if not accept_language:
        return DEFAULT
    ranked = []
    for i, part in enumerate(accept_language.split(",")[:20]):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, i, tag.strip().replace("-", "_").lower()))
    for _, _, tag in sorted(ranked):
        for lang in offered:
            if tag == lang.lower() or tag.split("_")[0] == lang.split("_")[0].lower():
                return lang
    return DEFAULT
