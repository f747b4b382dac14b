"""Announcement templates per language (§8): 请 B012 号 到 3 号窗口 办理业务.

A template turns (ticket number, window number) into a list of Words; espeak-ng speaks their
texts joined by spaces, a segment pack plays their clips in the same order.
"""

from __future__ import annotations

from .reading import (
    EN_DIGITS, UG_DIGITS, ZH_DIGITS, Word, chinese_numeral_words, spelled, uyghur_numeral_words, word,
)

# espeak-ng voice per hall language (Mandarin cmn, Uyghur ug).
ESPEAK_VOICES = {"zh_CN": "cmn", "ug": "ug", "en": "en"}


def _numeral(parts: list[Word], sep: str) -> Word:
    """One spoken number (十一 is said as one word) made of several clips."""
    return Word(sep.join(p.text for p in parts), tuple(c for p in parts for c in p.clips))


def _zh(number: str, window: int) -> list[Word]:
    return [word("请"), *spelled(number, ZH_DIGITS), word("号"), word("到"),
            _numeral(chinese_numeral_words(window), ""), word("号窗口"), word("办理业务")]


def _ug(number: str, window: int) -> list[Word]:
    # "Customer number B012, please come to window 3 for your business."
    return [*spelled(number, UG_DIGITS), word("نومۇرلۇق"), word("خېرىدار،"),
            _numeral(uyghur_numeral_words(window), " "), word("نومۇرلۇق"), word("كۆزنەككە"), word("كېلىڭ")]


def _en(number: str, window: int) -> list[Word]:
    return [word("Number"), *spelled(number, EN_DIGITS), word("please go to window"),
            Word(str(window), tuple(str(window)))]


TEMPLATES = {"zh_CN": _zh, "ug": _ug, "en": _en}


def words(lang: str, number: str, window: int) -> list[Word]:
    try:
        template = TEMPLATES[lang]
    except KeyError:
        raise ValueError(f"no announcement template for language {lang!r}") from None
    return template(number, window)


def text(lang: str, number: str, window: int) -> str:
    """What espeak-ng is given, e.g. ``请 B 零 一 二 号 到 三 号窗口 办理业务``."""
    return " ".join(w.text for w in words(lang, number, window))
