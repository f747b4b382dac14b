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
# One pass over the text: a personal key, or a run of 11 digits (a mobile or ID number).
_SUSPECT = re.compile(r'"(?:' + "|".join(sorted(PERSONAL_KEYS)) + r')"\s*:|\d{11}')
_ID_NUMBER = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def needs_masking(text: str) -> bool:
    """Whether the stored JSON text may carry personal data (then ``masked`` rewrites it)."""
    return _SUSPECT.search(text) is not None


def mask_text(value: str) -> str:
    value = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), value)
    return _MOBILE.sub(lambda m: mask_phone(m.group(1)), value)


def masked(value):
    """The value with rule 1 and 2 applied, at any depth."""
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


def outbound_data(text: str) -> str:
    """The JSON text of an event's data as it may leave the hall."""
    if not needs_masking(text):
        return text
    return json.dumps(masked(json.loads(text)), ensure_ascii=False, separators=(",", ":"))
