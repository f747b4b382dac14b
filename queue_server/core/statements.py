"""制式清单 (§8.1.3): what a printed statement says, its verification code, and its seal.

A statement is built once from the provider's figures, stored as it was printed, and checked
later at ``/v/<code>`` against what was stored. The code carries ~95 random bits (not guessable)
plus a check character (a mistyped code says "check the code" rather than "not genuine"). The
seal is an HMAC over the code's digest and the canonical content with the hall's secret: a row
altered in the database no longer matches.

Text on paper comes from ``label(msgid, **params)`` — the catalogs' Chinese — passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import date, datetime, timedelta
from typing import Callable, Iterable

from .errors import InvalidField
from .insurance import BENEFITS, INSURANCES, STATES, STATUSES, money_grouped, month_text, rate_text

KINDS = {
    "contribution_certificate": "Certificate of social insurance contributions",
    "annual_record": "Personal rights and interests record",
}
MAX_MONTHS = 40 * 12  # a whole career fits; more is a mistake

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_RANDOM = 19
_READ_AS = {"O": "0", "I": "1", "L": "1"}

Label = Callable[..., str]


# --- the verification code -------------------------------------------------------------------


def _check_char(values: list[int]) -> str:
    """Luhn mod 32: catches every single mistyped character and most swapped neighbours."""
    total, factor = 0, 2
    for v in reversed(values):
        addend = factor * v
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return ALPHABET[(32 - total % 32) % 32]


def new_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """``XXXXX-XXXXX-XXXXX-XXXXX``: 19 random base32 characters and a check character."""
    values = [randbelow(32) for _ in range(CODE_RANDOM)]
    raw = "".join(ALPHABET[v] for v in values) + _check_char(values)
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def normalize_code(raw) -> str | None:
    """The code as stored (20 characters, no dashes), or None when it cannot be one of ours."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    text = "".join(_READ_AS.get(c, c) for c in raw.upper() if c not in "- ")
    if len(text) != CODE_RANDOM + 1 or any(c not in ALPHABET for c in text):
        return None
    values = [ALPHABET.index(c) for c in text[:CODE_RANDOM]]
    return text if _check_char(values) == text[-1] else None


def code_digest(code: str) -> str:
    """What the hall db keeps of a code: its SHA-256 (a copy of the db cannot print URLs)."""
    return hashlib.sha256(b"stmt|" + code.encode()).hexdigest()


def canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(secret: bytes, digest: str, content: dict) -> str:
    return hmac.new(secret, digest.encode() + b"|" + canonical(content), hashlib.sha256).hexdigest()


def seal_matches(secret: bytes, digest: str, content: dict, stored: str) -> bool:
    return hmac.compare_digest(seal(secret, digest, content), stored)


def expires_on(printed: datetime, days: int) -> date:
    return (printed + timedelta(days=days)).date()


def is_expired(expires: date, today: date) -> bool:
    """A code works through its last day."""
    return today > expires


# --- requests --------------------------------------------------------------------------------


def check_kind(kind) -> str:
    if kind not in KINDS:
        raise InvalidField("kind must be contribution_certificate or annual_record.", field="kind")
    return kind


def check_range(first: int, last: int, this_month: int) -> tuple[int, int]:
    if last < first:
        raise InvalidField("The last month is before the first.", field="to")
    if last > this_month:
        raise InvalidField("The last month is in the future.", field="to")
    if last - first + 1 > MAX_MONTHS:
        raise InvalidField(
            "At most {months} months in one statement.", field="from", months=MAX_MONTHS
        )
    return first, last


# --- content ---------------------------------------------------------------------------------


def _runs(months: Iterable) -> list[dict]:
    """Consecutive months of one insurance with the same base, amounts, payer and state, as one
    row: a 30-year career prints as about a hundred rows instead of 1,440."""
    order = list(INSURANCES)
    rows = sorted(months, key=lambda m: (order.index(m.insurance), m.month))
    runs: list[dict] = []
    for m in rows:
        key = (m.insurance, m.base, m.unit, m.personal, m.payer, m.state)
        last = runs[-1] if runs else None
        if last and last["key"] == key and last["to"] + 1 == _index(m.month):
            last["to"] += 1
            last["n"] += 1
        else:
            runs.append({"key": key, "from": _index(m.month), "to": _index(m.month), "n": 1})
    runs.sort(key=lambda r: (r["from"], order.index(r["key"][0])))
    return runs


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _period(first: int, last: int) -> str:
    a, b = month_text(first), month_text(last)
    return a if a == b else f"{a}～{b}"


def _footer(label: Label, code: str, url: str, expires: date) -> list[str]:
    return [
        label("Verification code: {code}", code=code),
        label("Check this statement by scanning its QR code or at {url}", url=url),
        label("The code can be checked until {date}.", date=expires.isoformat()),
        label("The social insurance agency's records prevail."),
    ]


def contribution_certificate(
    *,
    label: Label,
    issuer: str,
    name_masked: str,
    id_masked: str,
    statuses: Iterable,
    months: Iterable,
    first: int,
    last: int,
    printed_at: datetime,
    code: str,
    url: str,
    expires: date,
) -> dict:
    """参保缴费证明: each insurance's status, then the chosen months' bases and amounts."""
    months = [m for m in months if first <= _index(m.month) <= last]
    rows = []
    for run in _runs(months):
        insurance, base, unit, personal, _payer, state = run["key"]
        rows.append(
            [
                _period(run["from"], run["to"]),
                label(INSURANCES[insurance]),
                str(run["n"]),
                money_grouped(base),
                money_grouped(personal * run["n"]),
                money_grouped(unit * run["n"]),
                label(STATES[state]),
            ]
        )
    totals = []
    for s in statuses:
        since = label("since {month}", month=s.first_month) if s.first_month else ""
        totals.append(
            [
                label(INSURANCES[s.insurance]),
                " ".join(
                    filter(
                        None,
                        [
                            label(STATUSES[s.status]),
                            since,
                            label("{months} months paid in all", months=s.months_paid),
                        ],
                    )
                ),
            ]
        )
    paid = [m for m in months if m.state != "arrears"]
    totals += [
        [
            label("Personal contributions in the period"),
            money_grouped(sum(m.personal for m in paid)),
        ],
        [label("Employer contributions in the period"), money_grouped(sum(m.unit for m in paid))],
        [
            label("Contributions owed in the period"),
            money_grouped(sum(m.unit + m.personal for m in months if m.state == "arrears")),
        ],
    ]
    return {
        "kind": "contribution_certificate",
        "title": label(KINDS["contribution_certificate"]),
        "issuer": issuer,
        "name_masked": name_masked,
        "id_masked": id_masked,
        "period": _period(first, last),
        "columns": [
            label("Months from–to"),
            label("Insurance"),
            label("Months"),
            label("Base"),
            label("Personal part"),
            label("Employer part"),
            label("Payment state"),
        ],
        "rows": rows,
        "totals": totals,
        "printed_at": printed_at.isoformat(timespec="seconds"),
        "footer": _footer(label, code, url, expires),
    }


def annual_record(
    *,
    label: Label,
    issuer: str,
    name_masked: str,
    id_masked: str,
    year: int,
    months: Iterable,
    account_year,
    benefits: Iterable,
    printed_at: datetime,
    code: str,
    url: str,
    expires: date,
) -> dict:
    """个人权益记录单 for ``year``: months paid, base, both parts per insurance; the pension
    account's credits, interest and balance; benefits received."""
    months = [m for m in months if m.month.startswith(f"{year:04d}-")]
    rows = []
    for insurance, name in INSURANCES.items():
        mine = [m for m in months if m.insurance == insurance and m.state != "arrears"]
        if not mine:
            continue
        bases = sorted({m.base for m in mine})
        base = (
            money_grouped(bases[0])
            if len(bases) == 1
            else f"{money_grouped(bases[0])}～{money_grouped(bases[-1])}"
        )
        rows.append(
            [
                label(name),
                str(len(mine)),
                base,
                money_grouped(sum(m.personal for m in mine)),
                money_grouped(sum(m.unit for m in mine)),
            ]
        )
    totals = []
    if account_year is not None:
        rate = rate_text(account_year.rate_bp) or label("not yet published")
        totals += [
            [
                label("Pension account at the start of the year"),
                money_grouped(account_year.opening),
            ],
            [label("Credited this year"), money_grouped(account_year.credits)],
            [label("Interest rate (记账利率)"), rate],
            [label("Interest this year"), money_grouped(account_year.interest)],
            [label("Pension account at the end of the year"), money_grouped(account_year.closing)],
        ]
    by_kind: dict[str, int] = {}
    for b in benefits:
        if b.month.startswith(f"{year:04d}-"):
            by_kind[b.kind] = by_kind.get(b.kind, 0) + b.amount
    for kind, amount in by_kind.items():
        totals.append([label(BENEFITS[kind]), money_grouped(amount)])
    return {
        "kind": "annual_record",
        "title": label(KINDS["annual_record"]),
        "issuer": issuer,
        "name_masked": name_masked,
        "id_masked": id_masked,
        "period": f"{year:04d}",
        "columns": [
            label("Insurance"),
            label("Months paid"),
            label("Base"),
            label("Personal part"),
            label("Employer part"),
        ],
        "rows": rows,
        "totals": totals,
        "printed_at": printed_at.isoformat(timespec="seconds"),
        "footer": _footer(label, code, url, expires),
    }
