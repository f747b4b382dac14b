"""The vocabulary of personal records (§6.3): insurances, contribution states, insured status,
benefit kinds and case stages. Codes travel in the API and the records database; the values are
English msgids that the catalogs translate (the printed 制式清单 uses the Chinese ones).

Months are handled as whole numbers (``year * 12 + month - 1``) inside, ``YYYY-MM`` outside.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import InvalidField

# Employee schemes since 2019 (生育 merged into 医疗): the four a statement lists.
INSURANCES = {
    "pension": "Pension insurance",
    "medical": "Medical insurance",
    "unemployment": "Unemployment insurance",
    "injury": "Work injury insurance",
}
# A month's contribution: paid on time (已缴), owed (欠缴), or paid later (补缴).
STATES = {"paid": "Paid", "arrears": "In arrears", "back_paid": "Paid late"}
# Insured status per insurance, as a 参保缴费证明 prints it.
STATUSES = {
    "contributing": "Contributing",
    "suspended": "Contributions suspended",
    "terminated": "Terminated",
    "receiving": "Receiving benefits",
}
BENEFITS = {"pension": "Basic pension", "unemployment": "Unemployment benefit"}
# A case (办件): 受理 → 审核 → 复核/审批 → 办结, or back for 补正, or 不予受理.
STAGES = {
    "received": "Case received",
    "review": "Under review",
    "approval": "Second review / approval",
    "done": "Completed",
    "correction": "Waiting for missing material",
    "rejected": "Not accepted",
}
PAYER_SELF = "self"  # flexible employment (灵活就业): the person pays both parts

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_of(day: date) -> int:
    return month_index(day.year, day.month)


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(value, field: str) -> int:
    """``YYYY-MM`` (1950–2100) as a month index, or InvalidField naming ``field``."""
    match = _MONTH.match(value) if isinstance(value, str) else None
    if not match or not 1950 <= int(match.group(1)) <= 2100:
        raise InvalidField("{field} must be a month as YYYY-MM.", field=field)
    return month_index(int(match.group(1)), int(match.group(2)))


def parse_year(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidField("{field} must be a year such as 2024.", field=field)
    text = str(value)
    if not re.fullmatch(r"\d{4}", text) or not 1950 <= int(text) <= 2100:
        raise InvalidField("{field} must be a year such as 2024.", field=field)
    return int(text)


def money(fen: int) -> str:
    """``123456`` fen → ``"1234.56"``: amounts leave the server as exact decimal text."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def money_grouped(fen: int) -> str:
    """``"1,234.56"`` for paper."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def parse_money(value) -> int:
    """Exact decimal text (or a whole number) → fen; ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, int):
        return value * 100
    if not isinstance(value, str) or not re.fullmatch(r"-?\d{1,12}(\.\d{1,2})?", value):
        raise ValueError("not an amount")
    whole, _, frac = value.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))


def rate_text(bp: int | None) -> str:
    """Basis points → ``"8.31%"``; None (not yet published) → ``""``."""
    return "" if bp is None else f"{bp // 100}.{bp % 100:02d}%"
