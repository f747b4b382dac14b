"""Server-side message catalogs (queue_server/locale/<lang>/LC_MESSAGES/messages.po), read by
core's one .po loader (also the kiosk's). The API, the staff pages, the display pages and the
ticket status page all translate through here.

Messages are English msgids with ``{placeholders}``; zh_CN is the default language of every
reply, ``Accept-Language`` may choose en or ug (``best_language``, the one negotiation).
"""

from __future__ import annotations

from pathlib import Path

from .core.catalogs import Catalogs, Translations
from .core.errors import Msgid
from .core.languages import DEFAULT, LANGUAGES, best_language, local_name

__all__ = ["DEFAULT", "LANGUAGES", "best_language", "bilingual", "local_name", "translate"]

LOCALE_DIR = Path(__file__).parent / "locale"
CATALOGS = Catalogs(LOCALE_DIR, "messages")


def translations(lang: str) -> Translations:
    return CATALOGS.translations(lang)


def translate(msgid: str, lang: str = DEFAULT, **params) -> str:
    """A parameter given as a dict is a name per language (a service's name): the reader's is used."""
    params = {k: local_name(v, lang) if isinstance(v, dict) else v for k, v in params.items()}
    # A Msgid parameter (e.g. the annex A.2 class of a forbidden phrase) is translated too.
    params = {k: translate(v, lang) if isinstance(v, Msgid) else v for k, v in params.items()}
    return CATALOGS.translate(msgid, lang, **params)


def bilingual(msgid: str, **params) -> str:
    """``"中文 / English"``: a command's message on a terminal, read by staff of either language."""
    return f"{translate(msgid, **params)} / {translate(msgid, 'en', **params)}"
