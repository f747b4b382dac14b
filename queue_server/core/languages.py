"""The interface languages, said once for the server, the pages and the kiosk.

Chinese (zh_CN) is the default and the fallback of every name and message; Uyghur is written
right to left. ``best_language`` is the one negotiation of ``Accept-Language``.
"""

from __future__ import annotations

LANGUAGES = ("zh_CN", "en", "ug")
DEFAULT = "zh_CN"
RTL = frozenset({"ug"})
TAGS = {"zh_CN": "zh-CN", "en": "en", "ug": "ug"}  # BCP 47, for HTML lang and Accept-Language
AUTONYMS = {"zh_CN": "中文", "en": "English", "ug": "ئۇيغۇرچە"}  # each language in itself
ESPEAK_VOICES = {"zh_CN": "cmn", "en": "en", "ug": "ug"}  # espeak-ng: Mandarin cmn, Uyghur ug


def local_name(names: dict, lang: str) -> str:
    """A name given per language (a service's, a topic's): the reader's, else Chinese."""
    return names.get(lang) or names.get(DEFAULT) or ""


def direction(lang: str) -> str:
    """``rtl`` or ``ltr``, as HTML's ``dir`` attribute wants it."""
    return "rtl" if lang in RTL else "ltr"


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
