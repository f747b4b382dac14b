"""The records provider (DESIGN §5): the one interface through which the hall server reads a
person's records from the province's system. Two implementations: ``sqlite`` (a records
database of its own, the demo's) and ``http`` (a JSON client of the province's system).

Amounts are whole fen (分), months ``YYYY-MM``, codes from core.insurance. Every method raises
RecordsUnavailable when the records system cannot answer properly, and nothing else escapes:
the caller answers 503 "个人信息查询暂不可用，请到窗口办理".

``Person.ref`` is the provider's own handle for a verified person; the hall keeps it only
sealed inside the citizen session and never shows it.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date, datetime

from .errors import NotVerified, RecordsError, RecordsUnavailable

__all__ = [
    "RecordsProvider",
    "RecordsError",
    "RecordsUnavailable",
    "NotVerified",
    "IdCard",
    "EsscCode",
    "QueryPassword",
    "Credential",
    "Person",
    "InsuranceStatus",
    "Profile",
    "ContributionMonth",
    "AccountYear",
    "Account",
    "BenefitPayment",
    "Case",
    "CaseProgress",
]


# --- credentials -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IdCard:
    """What the kiosk's reader decoded from the 居民身份证 (the card's dates are checked before)."""

    id_number: str
    name: str


@dataclass(frozen=True)
class EsscCode:
    """The scanned 电子社保卡 QR code: dynamic, verified by the records system."""

    payload: str


@dataclass(frozen=True)
class QueryPassword:
    id_number: str
    password: str


Credential = IdCard | EsscCode | QueryPassword


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    ref: str
    id_number: str
    name: str


@dataclass(frozen=True)
class InsuranceStatus:
    insurance: str  # core.insurance.INSURANCES
    status: str  # core.insurance.STATUSES
    first_month: str | None  # first month ever paid
    months_paid: int


@dataclass(frozen=True)
class Profile:
    ref: str
    id_number: str
    name: str
    sex: str  # "M" / "F"
    birth_date: date
    statuses: tuple[InsuranceStatus, ...]
    first_month: str | None  # first contribution month of any insurance
    employer: str | None  # current or last payer; None for flexible employment


@dataclass(frozen=True)
class ContributionMonth:
    month: str
    insurance: str
    base: int  # monthly contribution base, fen
    unit: int  # employer's part, fen
    personal: int  # the person's part, fen
    payer: str  # employer name, or core.insurance.PAYER_SELF
    state: str  # core.insurance.STATES


@dataclass(frozen=True)
class AccountYear:
    year: int
    opening: int
    credits: int
    rate_bp: int | None  # 记账利率 in basis points; None while not yet published
    interest: int
    closing: int


@dataclass(frozen=True)
class Account:
    ref: str
    balance: int
    years: tuple[AccountYear, ...]


@dataclass(frozen=True)
class BenefitPayment:
    month: str
    kind: str  # core.insurance.BENEFITS
    amount: int


@dataclass(frozen=True)
class Case:
    case_number: str
    item: str  # business item name, e.g. 职工养老保险关系转移接续
    received_on: date
    stage: str  # core.insurance.STAGES
    next_stage: str | None
    next_expected: date | None
    window: str | None  # where to ask, e.g. "3–5号窗口"


@dataclass(frozen=True)
class CaseProgress:
    """What an unverified progress query may see: no person, no figures (§8.1.2)."""

    case_number: str
    item: str
    stage: str
    next_stage: str | None
    next_expected: date | None


class RecordsProvider(abc.ABC):
    """One province's records. Implementations must be safe to call from several threads."""

    kind = "abstract"

    @abc.abstractmethod
    def verify(self, credential: Credential, now: datetime) -> Person:
        """The person the credential proves, or NotVerified(reason)."""

    @abc.abstractmethod
    def profile(self, person: Person, today: date) -> Profile: ...

    @abc.abstractmethod
    def contributions(self, person: Person, first: str, last: str) -> list[ContributionMonth]:
        """Every month from ``first`` to ``last`` (YYYY-MM) and insurance that has a record."""

    @abc.abstractmethod
    def account(self, person: Person, today: date) -> Account: ...

    @abc.abstractmethod
    def benefits(self, person: Person, first: str, last: str) -> list[BenefitPayment]: ...

    @abc.abstractmethod
    def cases(self, person: Person) -> list[Case]: ...

    @abc.abstractmethod
    def case_progress(self, case_number: str, id_last4: str) -> CaseProgress | None:
        """The case when ``id_last4`` matches its applicant; None when unknown or not matching
        (the same answer, so numbers cannot be probed)."""

    def close(self) -> None:
        """Release connections (the server calls it at shutdown)."""
