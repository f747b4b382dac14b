"""Identity documents a hall accepts (annex B 证件号): each type with its own format check and
its own mask for lists and exports (§8.1.3, §8.6).

Numbers are normalised (upper case, spaces dropped) before they are checked and stored.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import InvalidField, InvalidIdNumber
from .idnumber import check_digit, mask_id_number, validate_id_number

# Codes with the document's Chinese name (the console's select shows the translated label).
DOCUMENT_TYPES = {
    "resident_id": "居民身份证",
    "foreign_permanent_id": "外国人永久居留身份证",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "hmt_residence_permit": "港澳台居民居住证",
    "passport": "护照",
}
DEFAULT_TYPE = "resident_id"

# English msgids of the labels (translated in the catalogs).
DOCUMENT_LABEL_MSGIDS = {
    "resident_id": "Resident ID card",
    "foreign_permanent_id": "Foreign permanent residence ID card",
    "hk_macao_permit": "Mainland travel permit for Hong Kong and Macao residents",
    "taiwan_permit": "Mainland travel permit for Taiwan residents",
    "hmt_residence_permit": "Residence permit for Hong Kong, Macao and Taiwan residents",
    "passport": "Passport",
}

# 港澳台居民居住证: GB 11643 numbers whose address code is 810000 (HK), 820000 (Macao), 830000 (TW).
_RESIDENCE_PREFIXES = ("810000", "820000", "830000")
_FOREIGN_2023 = re.compile(r"^9\d{16}[\dX]$")  # 2023 card: MOD 11-2 check digit as GB 11643
_FOREIGN_2004 = re.compile(r"^[A-Z]{3}\d{12}$")  # 2004/2017 card: country letters + 12 digits
_HK_MACAO = re.compile(r"^[HM]\d{8}(?:\d{2})?$")  # H/M + 8 digits (2013 card), + 10 before
_TAIWAN = re.compile(r"^(?:\d{8}|[0-9A-Z]{10}(?:\([A-Z]\))?)$")  # 8 digits (2015); older 10
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")  # ISO 3166-1 alpha-3, as printed in the passport


def normalise_number(raw: str) -> str:
    compact = re.sub(r"\s", "", raw).upper()
    return compact.replace("（", "(").replace("）", ")")


def _bad(message: str) -> InvalidField:
    return InvalidField(message, field="id_number")


def _birth_date_ok(digits8: str) -> bool:
    try:
        date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return False
    return True


def _resident_id(value: str) -> str:
    if value.startswith(_RESIDENCE_PREFIXES):
        raise _bad(
            "This is the number of a residence permit for Hong Kong, Macao and Taiwan "
            "residents; please choose that document type."
        )
    try:
        return validate_id_number(value)
    except InvalidIdNumber as exc:
        raise InvalidField(exc.message, field="id_number", **exc.params) from None


def _foreign_permanent_id(value: str) -> str:
    if _FOREIGN_2004.match(value):
        return value
    if not _FOREIGN_2023.match(value):
        raise _bad(
            "A foreign permanent residence ID card number has 18 characters starting "
            "with 9 (2023 card), or 3 letters and 12 digits (earlier cards)."
        )
    if check_digit(value[:17]) != value[17]:
        raise _bad(
            "The check digit of the foreign permanent residence ID card number is wrong; "
            "please check each digit."
        )
    return value


def _residence_permit(value: str) -> str:
    if not re.fullmatch(r"\d{17}[\dX]", value) or not value.startswith(_RESIDENCE_PREFIXES):
        raise _bad(
            "A residence permit number for Hong Kong, Macao and Taiwan residents has 18 "
            "characters starting with 810000, 820000 or 830000."
        )
    if not _birth_date_ok(value[6:14]):
        raise _bad("The residence permit number contains an impossible birth date.")
    if check_digit(value[:17]) != value[17]:
        raise _bad(
            "The check digit of the residence permit number is wrong; please check each digit."
        )
    return value


def _hk_macao_permit(value: str) -> str:
    if not _HK_MACAO.match(value):
        raise _bad(
            "A mainland travel permit for Hong Kong and Macao residents has H or M "
            "followed by 8 digits (older permits: 10 digits)."
        )
    return value


def _taiwan_permit(value: str) -> str:
    if not _TAIWAN.match(value):
        raise _bad(
            "A mainland travel permit for Taiwan residents has 8 digits "
            "(older permits: 10 letters or digits)."
        )
    return value


def _passport(value: str) -> str:
    if not _PASSPORT.match(value):
        raise _bad("A passport number has 5 to 20 letters or digits.")
    return value


_CHECKS = {
    "resident_id": _resident_id,
    "foreign_permanent_id": _foreign_permanent_id,
    "hk_macao_permit": _hk_macao_permit,
    "taiwan_permit": _taiwan_permit,
    "hmt_residence_permit": _residence_permit,
    "passport": _passport,
}


def parse_document(data: dict) -> tuple[str, str, str | None]:
    """(document_type, number, issuing country) from a form; InvalidField names the field.

    ``document_type`` defaults to the resident ID card (clients written before it existed).
    The issuing country is kept for passports only, as an ISO 3166-1 alpha-3 code.
    """
    doc_type = data.get("document_type") or DEFAULT_TYPE
    if not isinstance(doc_type, str) or doc_type not in DOCUMENT_TYPES:
        raise InvalidField("Please choose the document type from the list.", field="document_type")
    raw = data.get("id_number")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidField("Please enter the ID number.", field="id_number")
    if not isinstance(raw, str) or len(raw) > 40:
        raise InvalidField("{field} must be text.", field="id_number")
    number = _CHECKS[doc_type](normalise_number(raw))
    country = None
    if doc_type == "passport":
        raw_country = data.get("document_country")
        if isinstance(raw_country, str) and raw_country.strip():
            country = raw_country.strip().upper()
            if not _COUNTRY.match(country):
                raise InvalidField(
                    "The issuing country must be a three-letter code such as GBR or USA.",
                    field="document_country",
                )
        elif raw_country not in (None, ""):
            raise InvalidField("{field} must be text.", field="document_country")
    return doc_type, number, country


def mask_document(number: str, doc_type: str | None) -> str:
    """18-character numbers as ``110105********1234`` (first 6 + last 4); a Hong Kong/Macao
    permit keeps its H/M letter and last 4; other documents show the last 4 only (fewer when
    the number is short, so at least half stays hidden)."""
    number = number or ""
    if len(number) == 18 and doc_type in (
        None,
        "resident_id",
        "foreign_permanent_id",
        "hmt_residence_permit",
    ):
        return mask_id_number(number)
    keep = min(4, len(number) // 2)
    head = 1 if doc_type == "hk_macao_permit" and number[:1] in ("H", "M") else 0
    return number[:head] + "*" * (len(number) - head - keep) + number[len(number) - keep :]
