"""Rules of the citizen session at a kiosk (§8.1.3: records only after identity verification,
only for that person; §8.6: confidentiality). Pure: ``now`` is passed in.

- A session ends on DELETE, after ``idle`` without a request, ``absolute`` after it began, or
  when a new session starts on the same kiosk.
- Query passwords: ``password_tries`` wrong tries lock that ID number for the rest of the hall
  day; the same rule guards the unverified case-progress check (per case number).
- A kiosk that keeps failing (trying many ID numbers) is slowed: after ``kiosk_free_failures``
  failures within ``kiosk_window`` each next try waits, doubling up to ``kiosk_max_delay``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import InvalidField

METHODS = ("id_card", "essc_qr", "password")
# Audit results: ok, or why not (the reason column says more).
RESULTS = ("ok", "refused", "locked", "throttled", "unavailable", "ended")
# Audit actions.
ACTIONS = (
    "verify",
    "session.end",
    "read.profile",
    "read.contributions",
    "read.account",
    "read.benefits",
    "read.cases",
    "statement.create",
    "statement.check",
    "case.progress",
    "audit.read",
    "audit.export",
)
READS = ("profile", "contributions", "account", "benefits", "cases")


@dataclass(frozen=True)
class CitizenPolicy:
    idle: timedelta = timedelta(seconds=120)
    absolute: timedelta = timedelta(minutes=10)
    password_tries: int = 5
    kiosk_free_failures: int = 10
    kiosk_first_delay: timedelta = timedelta(seconds=5)
    kiosk_max_delay: timedelta = timedelta(seconds=300)
    kiosk_window: timedelta = timedelta(minutes=30)


def policy_from(records) -> CitizenPolicy:
    """The policy from the [records] settings (core.settings.RecordsSettings)."""
    return CitizenPolicy(
        idle=timedelta(seconds=records.session_idle_s),
        absolute=timedelta(seconds=records.session_max_s),
        password_tries=records.password_tries,
        kiosk_free_failures=records.kiosk_free_failures,
        kiosk_first_delay=timedelta(seconds=records.kiosk_first_delay_s),
        kiosk_max_delay=timedelta(seconds=records.kiosk_max_delay_s),
        kiosk_window=timedelta(minutes=records.kiosk_window_minutes),
    )


# --- the session ---------------------------------------------------------------------------


def session_end_reason(
    created: datetime, last_seen: datetime, now: datetime, policy: CitizenPolicy
) -> str | None:
    """ "idle" or "absolute" once the session is over, else None."""
    if now - created >= policy.absolute:
        return "absolute"
    if now - last_seen >= policy.idle:
        return "idle"
    return None


def session_expires_at(created: datetime, last_seen: datetime, policy: CitizenPolicy) -> datetime:
    return min(created + policy.absolute, last_seen + policy.idle)


# --- credentials ---------------------------------------------------------------------------

LONG_TERM = ("长期", "long-term", "long_term")


def parse_card_date(value, field: str) -> date | None:
    """A date printed on the ID card: YYYY-MM-DD or YYYYMMDD; 长期 (no end) → None."""
    if isinstance(value, str) and value.strip().lower() in LONG_TERM:
        return None
    text = value.strip() if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise InvalidField("{field} must be a date as YYYY-MM-DD (or 长期).", field=field)


def card_in_date(valid_from: date | None, valid_to: date | None, today: date) -> bool:
    """The card may be used from its first day through its last (None = 长期)."""
    if valid_from is not None and today < valid_from:
        return False
    return valid_to is None or today <= valid_to


def parse_password(value) -> str:
    """The 查询密码: exactly six digits."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{6}", value):
        raise InvalidField("The query password is six digits.", field="password")
    return value


def parse_case_check(value) -> str:
    """The last four characters of the applicant's ID number (digits, or X last)."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(r"\d{3}[\dX]", text):
        raise InvalidField(
            "check must be the last 4 characters of the applicant's ID number.", field="check"
        )
    return text


def parse_case_number(value) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(r"[A-Z0-9-]{6,40}", text):
        raise InvalidField("This is not a case number.", field="case_number")
    return text


def id_digest(secret: bytes, id_number: str) -> str:
    """What the audit keeps of an ID number: an HMAC with the hall's secret (§8.6), so rows of
    one person can be found by an admin who types the number, but never read back."""
    return hmac.new(secret, b"id|" + id_number.encode(), hashlib.sha256).hexdigest()


def subject_digest(secret: bytes, kind: str, value: str) -> str:
    return hmac.new(secret, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()


# --- throttling ----------------------------------------------------------------------------


def failures_today(row_day: str | None, failures: int, today: date) -> int:
    """Failures of a subject (an ID number, a case number) count for one hall day."""
    return failures if row_day == today.isoformat() else 0


def subject_locked(failures: int, policy: CitizenPolicy) -> bool:
    return failures >= policy.password_tries


def kiosk_delay(failures: int, policy: CitizenPolicy) -> timedelta:
    over = failures - policy.kiosk_free_failures
    if over < 0:
        return timedelta(0)
    delay = policy.kiosk_first_delay * (2 ** min(over, 30))
    return min(delay, policy.kiosk_max_delay)


def kiosk_counts_restart(
    last_failure: datetime | None, now: datetime, policy: CitizenPolicy
) -> bool:
    return last_failure is None or now - last_failure > policy.kiosk_window


def kiosk_retry_at(
    failures: int, last_failure: datetime | None, now: datetime, policy: CitizenPolicy
) -> datetime | None:
    """When this kiosk may try again, or None if it may try now."""
    if kiosk_counts_restart(last_failure, now, policy):
        return None
    at = last_failure + kiosk_delay(failures, policy)
    return at if at > now else None
