"""How numbers are read aloud: ticket numbers character by character, window numbers as numerals.

Each spoken unit is a ``Word``: the text an engine speaks and the segment-pack clips (file stems)
that say the same thing, so espeak-ng and a recorded pack read identically.
"""

from __future__ import annotations

from dataclasses import dataclass

ZH_DIGITS = "零一二三四五六七八九"
UG_DIGITS = ("نۆل", "بىر", "ئىككى", "ئۈچ", "تۆت", "بەش", "ئالتە", "يەتتە", "سەككىز", "توققۇز")
UG_TENS = (
    "",
    "ئون",
    "يىگىرمە",
    "ئوتتۇز",
    "قىرىق",
    "ئەللىك",
    "ئاتمىش",
    "يەتمىش",
    "سەكسەن",
    "توقسان",
)
UG_HUNDRED = "يۈز"
EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Word:
    text: str
    clips: tuple[str, ...]


def word(text: str) -> Word:
    """A fixed word of a template; its clip is named after its text (e.g. 请.wav)."""
    return Word(text, (text,))


def chinese_numeral(n: int) -> str:
    """Window numbers as Chinese numerals: 3 → 三, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五."""
    return "".join(w.text for w in chinese_numeral_words(n))


def chinese_numeral_words(n: int) -> list[Word]:
    if not 0 <= n <= 999:
        raise ValueError(f"window number out of range: {n}")
    if n < 10:
        return [Word(ZH_DIGITS[n], (str(n),))]
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out: list[Word] = []
    if hundreds:
        out += [Word(ZH_DIGITS[hundreds], (str(hundreds),)), Word("百", ("百",))]
        if tens == 0 and ones:
            out.append(Word("零", ("0",)))
    if tens:
        # 10–19 say 十一, not 一十一; after a hundred it is 一百一十一.
        if tens > 1 or hundreds:
            out.append(Word(ZH_DIGITS[tens], (str(tens),)))
        out.append(Word("十", ("十",)))
    if ones:
        out.append(Word(ZH_DIGITS[ones], (str(ones),)))
    return out


def uyghur_numeral_words(n: int) -> list[Word]:
    """Window numbers in Uyghur: 3 → ئۈچ, 11 → ئون بىر, 105 → بىر يۈز بەش."""
    if not 0 <= n <= 999:
        raise ValueError(f"window number out of range: {n}")
    if n == 0:
        return [Word(UG_DIGITS[0], ("0",))]
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out: list[Word] = []
    if hundreds:
        out += [Word(UG_DIGITS[hundreds], (str(hundreds),)), Word(UG_HUNDRED, ("100",))]
    if tens:
        out.append(Word(UG_TENS[tens], (str(tens * 10),)))
    if ones:
        out.append(Word(UG_DIGITS[ones], (str(ones),)))
    return out


def spelled(number: str, digits) -> list[Word]:
    """A ticket number character by character: B012 → B 零 一 二 (letters stay letters)."""
    if not number:
        raise ValueError("empty ticket number")
    out = []
    for ch in number:
        if ch.isdigit() and ch.isascii():
            out.append(Word(digits[int(ch)], (ch,)))
        elif ch.isascii() and ch.isalpha():
            out.append(Word(ch.upper(), (ch.upper(),)))
        else:
            raise ValueError(f"unexpected character in ticket number: {number!r}")
    return out
