"""The consultation ledger (咨询服务台账, annex B) and its reply deadlines (§8.2).

Pure validation: callers pass ``now`` and the calendar's deadline for the reply class.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .documents import parse_document
from .errors import InvalidField
from .numbering import HALL_TZ
from .phrases import check_service_language
from .vocabulary import LEDGER_FORMS, REPLY_LIMITS, REPLY_METHODS  # noqa: F401

# §6.5–6.9 consultation forms (annex B 咨询形式), the §8.2 reply classes with their limits in
# working days, and the reply methods: core.vocabulary's (codes → catalog msgids).
FORMS = LEDGER_FORMS

STATUSES = ("open", "answered")

MAX_NAME, MAX_ADDRESS, MAX_EMAIL = 50, 200, 254
MAX_SUMMARY, MAX_REMARKS, MAX_STAFF = 2000, 500, 50
CLOCK_SKEW = timedelta(minutes=5)
MAX_BACKDATE = timedelta(
    days=366
)  # letters are entered late, but not years late (typos)  # a console's clock may run slightly ahead of the server's

# §7.3: a letter or an online consultation may leave no phone number (contact details are
# asked for only with the person's consent); at the window, on the phone or from the media the
# hall needs some way to reply: a phone number or an e-mail address.
CONTACT_OPTIONAL_FORMS = ("letter", "online")

_MOBILE = re.compile(r"^(?:(?:\+|00)?86)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?([2-9]\d{6,7})(?:(?:-|转|ext\.?|x)(\d{1,6}))?$")
# Overseas (and Hong Kong, Macao, Taiwan) numbers in international form: + or 00, the country
# code, the number; at most 15 digits (ITU-T E.164).
_OVERSEAS = re.compile(r"^(?:\+|00)([1-9]\d{6,14})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def normalise_phone(raw) -> str:
    """A mainland mobile (``13812345678``), a landline (``010-62345678``, extension optional)
    or an overseas number (``+85223456789``)."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidField("Please enter a contact phone number.", field="phone")
    compact = re.sub(r"[\s()（）.]", "", raw.strip().casefold().replace("＋", "+"))
    if m := _MOBILE.match(compact.replace("-", "")):
        return m.group(1)
    if m := _LANDLINE.match(compact):
        return f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")
    m = _OVERSEAS.match(compact.replace("-", ""))
    if m and not m.group(1).startswith("86"):  # +86 numbers are mobiles or landlines above
        return "+" + m.group(1)
    raise InvalidField(
        "Phone number must be a mobile number, a landline with area code (e.g. 010-62345678) "
        "or an overseas number starting with + and the country code.",
        field="phone",
    )


def _text(
    data: dict, key: str, max_len: int, required: bool = False, missing: str | None = None
) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidField(missing or "{field} is required.", field=key)
        return None
    if not isinstance(value, str):
        raise InvalidField("{field} must be text.", field=key)
    value = value.strip()
    if len(value) > max_len:
        raise InvalidField(
            "{field} is too long (at most {max} characters).", field=key, max=max_len
        )
    return value


def _choice(data: dict, key: str, choices, message: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in choices:
        raise InvalidField(message, field=key)
    return value


def parse_datetime(value, field: str, now: datetime, default: datetime | None = None) -> datetime:
    """An ISO 8601 date-time with offset, not in the future (local time if the offset is missing)."""
    if value is None or value == "":
        if default is None:
            raise InvalidField("{field} is required.", field=field)
        return default
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidField(
            "{field} must be a date and time like 2026-11-24T09:30:00+08:00.", field=field
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidField(
            "{field} must be a date and time like 2026-11-24T09:30:00+08:00.", field=field
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=HALL_TZ)  # staff type hall-local times
    if parsed > now + CLOCK_SKEW:
        raise InvalidField("{field} cannot be in the future.", field=field)
    return parsed


def parse_date(value, field: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise InvalidField("{field} must be a date like 2026-11-24.", field=field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidField("{field} must be a date like 2026-11-24.", field=field) from None


def parse_new_record(data: dict, now: datetime, receptionist: str | None) -> dict:
    """The annex B fields of a new record, validated and normalised (no deadline yet).

    Raises InvalidField naming the first wrong field; nothing is saved by the caller then.
    """
    name = _text(
        data,
        "name",
        MAX_NAME,
        required=True,
        missing="Please enter the name of the person consulting.",
    )
    doc_type, id_number, country = parse_document(data)
    form = _choice(data, "form", FORMS, "Form must be one of window, phone, letter, online, media.")
    raw_phone = data.get("phone")
    phone = (
        None
        if raw_phone is None or (isinstance(raw_phone, str) and not raw_phone.strip())
        else normalise_phone(raw_phone)
    )
    email = _text(data, "email", MAX_EMAIL)
    if email and not _EMAIL.match(email):
        raise InvalidField("E-mail address is not valid.", field="email")
    if phone is None and email is None and form not in CONTACT_OPTIONAL_FORMS:
        raise InvalidField(
            "Please enter a contact phone number or an e-mail address.", field="phone"
        )
    address = _text(data, "address", MAX_ADDRESS)
    received_at = parse_datetime(data.get("received_at"), "received_at", now, default=now)
    if received_at < now - MAX_BACKDATE:
        raise InvalidField(
            "{field} is more than a year ago; please check the date.", field="received_at"
        )
    summary = _text(
        data,
        "summary",
        MAX_SUMMARY,
        required=True,
        missing="Please write the main points of the consultation.",
    )
    reply_class = _choice(
        data,
        "reply_class",
        REPLY_LIMITS,
        "Reply class must be one of immediate, agreed, escalated, letter.",
    )
    agreed = data.get("agreed_reply_date")
    agreed_date = None if agreed in (None, "") else parse_date(agreed, "agreed_reply_date")
    if agreed_date is not None and reply_class == "immediate":
        raise InvalidField(
            "An immediate reply has no agreed reply date.", field="agreed_reply_date"
        )
    staff = _text(data, "receptionist", MAX_STAFF) or receptionist
    if not staff:
        raise InvalidField("{field} is required.", field="receptionist")
    return {
        "name": name,
        "document_type": doc_type,
        "id_number": id_number,
        "document_country": country,
        "phone": phone,
        "email": email,
        "address": address,
        "received_at": received_at,
        "form": form,
        "summary": summary,
        "reply_class": reply_class,
        "agreed_reply_date": agreed_date,
        "receptionist": staff,
        "remarks": parse_remarks(data),
    }


def check_agreed_date(agreed: date, today: date, limit: date, is_workday) -> None:
    """An agreed reply date lies between today and the §8.2 limit, on a working day."""
    if agreed < today:
        raise InvalidField(
            "The agreed reply date cannot be in the past.", field="agreed_reply_date"
        )
    if agreed > limit:
        raise InvalidField(
            "The agreed reply date must be no later than {limit} (§8.2 time limit).",
            field="agreed_reply_date",
            limit=limit.isoformat(),
        )
    if not is_workday(agreed):
        raise InvalidField(
            "The agreed reply date {date} is not a working day.",
            field="agreed_reply_date",
            date=agreed.isoformat(),
        )


def parse_reply(data: dict, now: datetime, received_at: datetime, replier: str | None) -> dict:
    """The reply part of annex B (答复方式、内容要点、时间、答复人)."""
    method = _choice(
        data,
        "reply_method",
        REPLY_METHODS,
        "Reply method must be one of phone, letter, email, window, sms.",
    )
    content = _text(
        data,
        "reply_content",
        MAX_SUMMARY,
        required=True,
        missing="Please write the main points of the reply.",
    )
    check_service_language(content, "reply_content")  # the citizen receives the reply (§8.4)
    replied_at = parse_datetime(data.get("replied_at"), "replied_at", now, default=now)
    if replied_at < received_at:
        raise InvalidField(
            "The reply time cannot be before the reception time.", field="replied_at"
        )
    by = _text(data, "replied_by", MAX_STAFF) or replier
    if not by:
        raise InvalidField("{field} is required.", field="replied_by")
    return {
        "reply_method": method,
        "reply_content": content,
        "replied_at": replied_at,
        "replied_by": by,
    }


def parse_remarks(data: dict) -> str | None:
    # Remarks travel with the record (a copy on request, a hand-over to another office): a
    # citizen may read them, so they follow annex A.2 like the reply. The summary is not
    # checked: it records what the person asked, in their words.
    remarks = _text(data, "remarks", MAX_REMARKS)
    check_service_language(remarks, "remarks")
    return remarks
