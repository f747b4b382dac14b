"""Months and amounts from contribution periods: the arithmetic of the records database.

A *spell* is a run of months with one payer and one monthly base (a base changes once a year,
so spells are split there). Each month of a spell, for each insurance it covers, costs
``base × rate`` for the employer and for the person, at the rates in force that month; the
pension's personal part is credited to the personal account, which earns the year's published
记账利率: ``opening × r + credits × r × 1.083 / 2`` (this year's credits earn half a year).
Amounts are whole fen, rounded half up.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..core.insurance import INSURANCES, PAYER_SELF, month_text
from .provider import AccountYear, ContributionMonth

LETTERS = {"p": "pension", "m": "medical", "u": "unemployment", "i": "injury"}
CODES = {v: k for k, v in LETTERS.items()}


def pct(amount: int, bp: int) -> int:
    """``amount × bp / 10 000``, rounded half up (amounts are never negative here)."""
    return (amount * bp + 5000) // 10000


@dataclass(frozen=True)
class Spell:
    first: int  # month index
    last: int
    payer: str  # employer name or PAYER_SELF
    injury_bp: int  # the employer's work-injury rate (industry class)
    base: int  # fen per month
    state: str  # paid / arrears / back_paid
    insurances: str  # letters of LETTERS, e.g. "pmui"


class RateTable:
    """Rates in force by month: rows (insurance, payer kind 'unit'|'self', from month index,
    unit bp, personal bp, account bp). A unit bp of None means the employer's own rate (工伤)."""

    def __init__(self, rows):
        self._starts: dict[tuple[str, str], list[int]] = {}
        self._rates: dict[tuple[str, str], list[tuple]] = {}
        for insurance, kind, start, unit, personal, account in sorted(rows, key=lambda r: r[2]):
            self._starts.setdefault((insurance, kind), []).append(start)
            self._rates.setdefault((insurance, kind), []).append((unit, personal, account))
        self._cache: dict[tuple[str, str, int], tuple | None] = {}

    def at(self, insurance: str, kind: str, month: int) -> tuple | None:
        key = (insurance, kind, month)
        if key not in self._cache:
            starts = self._starts.get((insurance, kind), [])
            i = bisect.bisect_right(starts, month) - 1
            self._cache[key] = self._rates[(insurance, kind)][i] if i >= 0 else None
        return self._cache[key]


def expand(spells: list[Spell], rates: RateTable, first: int, last: int) -> list[ContributionMonth]:
    """Every (month, insurance) of ``spells`` between ``first`` and ``last``."""
    out = []
    for s in spells:
        kind = "self" if s.payer == PAYER_SELF else "unit"
        names = [LETTERS[c] for c in s.insurances]
        for month in range(max(s.first, first), min(s.last, last) + 1):
            text = month_text(month)
            for insurance in names:
                rate = rates.at(insurance, kind, month)
                if rate is None:
                    continue
                unit_bp = s.injury_bp if rate[0] is None else rate[0]
                out.append(
                    ContributionMonth(
                        text,
                        insurance,
                        s.base,
                        pct(s.base, unit_bp),
                        pct(s.base, rate[1]),
                        s.payer,
                        s.state,
                    )
                )
    return out


def credits_by_year(spells: list[Spell], rates: RateTable) -> dict[int, int]:
    """Pension personal-account credits per year (months in arrears are not credited)."""
    out: dict[int, int] = {}
    for s in spells:
        if "p" not in s.insurances or s.state == "arrears":
            continue
        kind = "self" if s.payer == PAYER_SELF else "unit"
        for month in range(s.first, s.last + 1):
            rate = rates.at("pension", kind, month)
            if rate is not None:
                out[month // 12] = out.get(month // 12, 0) + pct(s.base, rate[2])
    return out


def account_years(
    credits: dict[int, int], interest_bp: dict[int, int], through: int
) -> list[AccountYear]:
    """The account year by year from the first credit through ``through``. A year whose rate is
    not published yet earns no interest yet (rate None)."""
    if not credits:
        return []
    years, balance = [], 0
    for year in range(min(credits), through + 1):
        credit = credits.get(year, 0)
        bp = interest_bp.get(year)
        interest = (
            0 if bp is None else pct(balance, bp) + (credit * bp * 1083 + 10_000_000) // 20_000_000
        )
        closing = balance + credit + interest
        years.append(AccountYear(year, balance, credit, bp, interest, closing))
        balance = closing
    return years


def statuses_from(spans: dict[str, tuple[int, int, int]], retired: bool, this_month: int):
    """(insurance, status, first month, months paid) from each insurance's (first month, last
    month, months paid). Recorded within the last three months → contributing (the latest
    months may not be posted yet); a retiree receives pension and keeps medical cover."""
    out = []
    for insurance in INSURANCES:
        if insurance not in spans:
            continue
        first, last, paid = spans[insurance]
        if retired:
            status = "receiving" if insurance in ("pension", "medical") else "terminated"
        elif last >= this_month - 3:
            status = "contributing"
        else:
            status = "suspended"
        out.append((insurance, status, month_text(first), paid))
    return out
