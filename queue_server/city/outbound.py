"""What of an event may leave the hall for the city (docs/city.md, "Personal data").

Events are public by design (core/events.py: displays show them), yet the rule is said here
once more, for the one place where they leave the building (§8.6):

1. Keys that name a person are dropped with their value, wherever they are: staff
   (``by``, ``staff``, ``username`` …) and a citizen's particulars (``id_number``, ``phone``,
   ``email``, ``address``, ``comment`` …). The city counts; it does not need to know who.
2. In every remaining string, what looks like an ID number becomes ``110105********1234``
   and what looks like a mobile number ``138****1234`` (core.idnumber's masks) — a notice
   line typed by staff might carry one.
3. Names cannot be found in free text; the only free text events carry is the display's
   notice, which the hall shows to everyone already.

A clean event (no such key, no run of 11 digits) leaves as the very text the hall stored;
only the others are parsed and rewritten.
"""

from __future__ import annotations

import json
import re

from ..core.idnumber import mask_id_number, mask_phone

PERSONAL_KEYS = frozenset(
    {
        # staff
        "by",
        "staff",
        "username",
        "user",
        "display_name",
        "receptionist",
        "created_by",
        "replied_by",
        "answered_by",
        # a citizen
        "name_full",
        "citizen",
        "person",
        "id_number",
        "document_number",
        "phone",
        "mobile",
        "email",
        "address",
        "contact",
        "comment",
        "summary",
        "reply_content",
        "remarks",
        # secrets
        "token",
        "ticket_id",
    }
)
# May carry personal data: a personal key, or a run of 11 digits (a mobile or ID number; ``\d``
# takes any script's decimal digits, as the masks below do). The key is sought in the UTF-8
# the hall's database gives (JSON's whitespace is ASCII), so a clean text is never decoded.
_KEY = re.compile(b'"(?:' + "|".join(sorted(PERSONAL_KEYS)).encode() + rb')"\s*:')
_DIGIT_RUN = re.compile(r"\d{11}")
_ID_NUMBER = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
# 11 digits of any script; _mobile keeps those that read 13…–19… (full-width ones too).
_MOBILE = re.compile(r"(?<!\d)(\d{11})(?!\d)")
# A regex scans about 10 ns a character for \d{11}; bytes.translate and find take a tenth of it.
_ASCII_DIGITS_TO_0 = bytes.maketrans(b"0123456789", b"0" * 10)
_ASCII_RUN = b"0" * 11
# The first UTF-8 byte of every non-ASCII decimal digit (Arabic-Indic U+0660 … full-width
# U+FF10 …; tests/city/test_outbound.py computes them again from Unicode). A text without any
# of these bytes has ASCII digits only; one with them is searched by the regex.
OTHER_DIGIT_LEADS = b"\xd9\xdb\xdf\xe0\xe1\xea\xef\xf0"
_ALL_BUT_LEADS = bytes(b for b in range(256) if b not in OTHER_DIGIT_LEADS)


def _suspect(raw: bytes) -> bool:
    """Whether the UTF-8 of a stored JSON text has a personal key or a run of 11 digits."""
    return bool(
        _KEY.search(raw)
        or _ASCII_RUN in raw.translate(_ASCII_DIGITS_TO_0)
        or (raw.translate(None, _ALL_BUT_LEADS) and _DIGIT_RUN.search(raw.decode()))
    )


def needs_masking(text: str) -> bool:
    """Whether the stored JSON text may carry personal data (then ``masked`` rewrites it)."""
    return _suspect(text.encode())


def _mobile(match: re.Match) -> str:
    digits = match.group(1)
    as_ascii = str(int(digits)).zfill(11)  # int() reads any script's decimal digits
    return mask_phone(digits) if as_ascii[0] == "1" and as_ascii[1] in "3456789" else digits


def mask_text(value: str) -> str:
    value = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), value)
    return _MOBILE.sub(_mobile, value)


def masked(value):
    """The value with rule 1 and 2 applied, at any depth."""
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


def _masked_text(text: str) -> str:
    return json.dumps(masked(json.loads(text)), ensure_ascii=False, separators=(",", ":"))


def outbound_data(text: str) -> str:
    """The JSON text of an event's data as it may leave the hall."""
    return _masked_text(text) if needs_masking(text) else text


def outbound_utf8(raw: bytes) -> bytes:
    """``outbound_data`` on UTF-8, as the shipper reads the log and COPY sends it: a clean text
    leaves as the very bytes the hall stored."""
    return _masked_text(raw.decode()).encode() if _suspect(raw) else raw
