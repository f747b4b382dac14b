"""Who may try to log in, and for how long a staff session lives. Pure rules: ``now`` is passed in.

Throttling is per (user name, client address), so one person at one browser slows down only
their own guesses at that name, never the clerk at the next PC. A hard lock of the name needs
many failures from several addresses in a short window (a distributed guess, not a fat finger).
The same rules apply to names that do not exist, so the replies never tell names apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginPolicy:
    free_failures: int = 3
    first_delay_s: int = 5
    max_delay_s: int = 300
    lock_failures: int = 30
    lock_addresses: int = 4
    lock_window: timedelta = timedelta(minutes=60)
    lock_duration: timedelta | None = timedelta(minutes=60)  # None: until an admin unlocks


def delay_after(failures: int, policy: LoginPolicy) -> timedelta:
    """Wait required after ``failures`` consecutive failures of one (name, address): none for
    the first few, then doubling from first_delay_s up to max_delay_s."""
    over = failures - policy.free_failures
    if over < 0:
        return timedelta(0)
    seconds = policy.first_delay_s * (2 ** min(over, 30))
    return timedelta(seconds=min(seconds, policy.max_delay_s))


def retry_at(
    failures: int, last_failure: datetime | None, now: datetime, policy: LoginPolicy
) -> datetime | None:
    """When this (name, address) may try again, or None if it may try now.

    A pair whose last failure is older than the lock window starts afresh."""
    if last_failure is None or now - last_failure > policy.lock_window:
        return None
    at = last_failure + delay_after(failures, policy)
    return at if at > now else None


def counts_restart(last_failure: datetime | None, now: datetime, policy: LoginPolicy) -> bool:
    """Failures older than the lock window no longer count for this pair."""
    return last_failure is None or now - last_failure > policy.lock_window


def should_lock(recent_failures: int, recent_addresses: int, policy: LoginPolicy) -> bool:
    """Hard-lock a name only after many failures from several addresses within the window."""
    return recent_failures >= policy.lock_failures and recent_addresses >= policy.lock_addresses


def lock_until(now: datetime, policy: LoginPolicy) -> datetime | None:
    return now + policy.lock_duration if policy.lock_duration else None


def is_locked(locked_at: datetime | None, until: datetime | None, now: datetime) -> bool:
    if locked_at is None:
        return False
    return until is None or now < until


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=60)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(seconds=30)  # coarse last-seen writes, not one per request


def session_expired(
    created: datetime, last_seen: datetime, now: datetime, policy: SessionPolicy
) -> bool:
    return now - last_seen >= policy.idle or now - created >= policy.absolute


def session_needs_touch(last_seen: datetime, now: datetime, policy: SessionPolicy) -> bool:
    return now - last_seen >= policy.touch_every


def policies(auth) -> tuple[LoginPolicy, SessionPolicy]:
    """Both policies from the [auth] settings (core.settings.AuthSettings)."""
    login = LoginPolicy(
        free_failures=auth.login_free_failures,
        first_delay_s=auth.login_first_delay_s,
        max_delay_s=auth.login_max_delay_s,
        lock_failures=auth.lock_failures,
        lock_addresses=auth.lock_addresses,
        lock_window=timedelta(minutes=auth.lock_window_minutes),
        lock_duration=timedelta(minutes=auth.lock_minutes) if auth.lock_minutes else None,
    )
    session = SessionPolicy(
        idle=timedelta(minutes=auth.session_idle_minutes),
        absolute=timedelta(hours=auth.session_max_hours),
    )
    return login, session
