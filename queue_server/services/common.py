"""The few helpers several services share, each written once here so that no service imports
another one for a helper (a service imports a sibling only to use it as a collaborator)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from ..core import access
from ..core.numbering import HALL_TZ, hall_day
from ..store import records_audit


def iso(dt: datetime) -> str:
    """A stored timestamp: hall time, to the microsecond (rows sort by this text)."""
    return dt.astimezone(HALL_TZ).isoformat(timespec="microseconds")


def from_iso(value: str | None) -> datetime | None:
    """A stored timestamp back (None stays None)."""
    return datetime.fromisoformat(value) if value else None


def is_locked(lock: dict | None, now: datetime) -> bool:
    """Whether a name's lock row (store.accounts.get_lock) holds at ``now``."""
    return bool(lock) and access.is_locked(
        from_iso(lock["locked_at"]), from_iso(lock["locked_until"]), now
    )


def audit_session(
    db, now: datetime, session, action: str, result: str, detail: str | None = None
) -> int:
    """The audit row of what a kiosk's citizen session did (a core.citizen LiveSession:
    kiosk, method, id_hmac)."""
    return audit(
        db,
        now,
        session.kiosk,
        "kiosk",
        action,
        result,
        method=session.method,
        id_hmac=session.id_hmac,
        detail=detail,
    )


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula (= + - @) gets a leading apostrophe;
    anything else (numbers, dates) is left as it is."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def hash_token(token: str) -> str:
    # Session ids and device tokens are long random strings: SHA-256 suffices (nothing to guess).
    return hashlib.sha256(token.encode()).hexdigest()


def audit(
    db,
    now: datetime,
    actor: str,
    actor_kind: str,
    action: str,
    result: str,
    *,
    method: str | None = None,
    reason: str | None = None,
    id_hmac: str | None = None,
    detail: str | None = None,
) -> int:
    """One row of the audit of personal-data access (§8.6), in the caller's transaction."""
    return records_audit.append(
        db,
        {
            "at": iso(now),
            "day": hall_day(now).isoformat(),
            "actor": actor,
            "actor_kind": actor_kind,
            "action": action,
            "method": method,
            "result": result,
            "reason": reason,
            "id_hmac": id_hmac,
            "detail": detail,
        },
    )
