"""Resident ID numbers (GB 11643-1999) and masking of personal data (§8.1.3, §8.6)."""

from __future__ import annotations

from datetime import date

from .errors import InvalidIdNumber

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
    "91",
}


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def validate_id_number(raw: str) -> str:
    """The normalised 18-character number (upper-case X), or InvalidIdNumber saying why."""
    if not isinstance(raw, str):
        raise InvalidIdNumber("ID number must be text.")
    value = raw.strip().upper()
    if len(value) != 18:
        raise InvalidIdNumber("ID number must have 18 characters.")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidIdNumber("ID number must be 17 digits followed by a digit or X.")
    if value[:2] not in _PROVINCES:
        raise InvalidIdNumber("ID number has an unknown region code.")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("ID number contains an impossible birth date.") from None
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber("ID number check digit is wrong; please check each digit.")
    return value


def mask_id_number(value: str) -> str:
    """``110105********1234``: first 6 and last 4 stay, the rest is hidden."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(name: str) -> str:
    """``张*``, ``欧阳**``: the first character only (two for common double surnames)."""
    name = (name or "").strip()
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_phone(phone: str | None) -> str:
    """``138****1234``; a landline keeps its area code (``010-****5678``), an overseas number
    its + and first digits (``+852****5678``); the last 4 digits stay."""
    value = (phone or "").strip()
    if value.startswith("+") and len(value) >= 9:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if value.startswith("0") and "-" in value:  # 0755-82345678[-123]: the extension is dropped
        area, number = value.split("-")[:2]
        return f"{area}-" + "*" * max(len(number) - 4, 0) + number[-4:]
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
