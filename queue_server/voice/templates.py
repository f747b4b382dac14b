"""Announcement templates per language (§8): 请 B012 号 到 3 号窗口 办理业务.

A template turns (ticket number, window number) into a list of Words; a segment pack plays their
clips in order. For espeak-ng the same words are cut into ``phrases`` that recur across calls
(the lead with the first character, each digit, the last digit with the middle, the window
phrase), each synthesized once and joined, so a call costs no synthesis once its pieces exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .reading import (
    EN_DIGITS,
    UG_DIGITS,
    ZH_DIGITS,
    Word,
    chinese_numeral_words,
    spelled,
    uyghur_numeral_words,
    word,
)


def _numeral(parts: list[Word], sep: str) -> Word:
    """One spoken number (十一 is said as one word) made of several clips."""
    return Word(sep.join(p.text for p in parts), tuple(c for p in parts for c in p.clips))


@dataclass(frozen=True)
class Template:
    """lead + the number spelled + middle + window phrase: 请 | B 零 一 二 | 号 到 | 三 号窗口 办理业务."""

    lead: tuple[Word, ...]
    digits: Sequence[str]
    middle: tuple[Word, ...]
    window: Callable[[int], list[Word]]


TEMPLATES = {
    "zh_CN": Template(
        (word("请"),),
        ZH_DIGITS,
        (word("号"), word("到")),
        lambda n: [_numeral(chinese_numeral_words(n), ""), word("号窗口"), word("办理业务")],
    ),
    # "Customer number B012, please come to window 3 for your business."
    "ug": Template(
        (),
        UG_DIGITS,
        (word("نومۇرلۇق"), word("خېرىدار،")),
        lambda n: [
            _numeral(uyghur_numeral_words(n), " "),
            word("نومۇرلۇق"),
            word("كۆزنەككە"),
            word("كېلىڭ"),
        ],
    ),
    "en": Template(
        (word("Number"),),
        EN_DIGITS,
        (),
        lambda n: [word("please go to window"), Word(str(n), tuple(str(n)))],
    ),
}


def _template(lang: str) -> Template:
    try:
        return TEMPLATES[lang]
    except KeyError:
        raise ValueError(f"no announcement template for language {lang!r}") from None


def words(lang: str, number: str, window: int) -> list[Word]:
    t = _template(lang)
    return [*t.lead, *spelled(number, t.digits), *t.middle, *t.window(window)]


def text(lang: str, number: str, window: int) -> str:
    """What espeak-ng is given, e.g. ``请 B 零 一 二 号 到 三 号窗口 办理业务``."""
    return " ".join(w.text for w in words(lang, number, window))


def phrases(lang: str, number: str, window: int) -> list[str]:
    """The call cut into pieces that recur across calls, each synthesized once and reused:
    ``请 B | 零 | 一 | 二 号 到 | 三 号窗口 办理业务``. The first character is said with the lead
    and the last with the middle, so the joins fall between digits, where a reader pauses anyway;
    per language there are at most 3 × 36 number pieces plus one piece per window."""
    t = _template(lang)
    pieces = [[w] for w in spelled(number, t.digits)]
    pieces[0][:0] = t.lead
    pieces[-1] += t.middle
    pieces.append(t.window(window))
    return [" ".join(w.text for w in piece) for piece in pieces]
