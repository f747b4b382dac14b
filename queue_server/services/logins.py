"""Staff login: password check with throttling per (name, address) and a rare hard lock.

Every wrong try costs the same whether the name exists or not: an unknown name is checked
against a dummy scrypt hash, its failures are recorded and throttled the same way, and the
refusals use the same words. The try is counted *before* the slow hash is checked, so a burst
of parallel requests from one address cannot slip past the delay.
"""

from __future__ import annotations

import functools
import math
import secrets
from datetime import datetime
from typing import Callable

from werkzeug.security import check_password_hash, generate_password_hash

from ..core import access
from ..errors import TooManyRequests, Unauthorized
from ..store import Store
from ..store import accounts as repo
from .common import from_iso, is_locked, iso

WRONG = "Wrong user name or password."
DISABLED = "This account is disabled; ask an administrator."
THROTTLED = "Too many failed logins from this computer; try again in {seconds} seconds."
LOCKED = (
    "This user name is locked after failed logins from several computers; "
    "ask an administrator to unlock it."
)


@functools.cache
def dummy_hash() -> str:
    """A hash of nothing anyone knows, with the same scrypt cost as real ones."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


class Logins:
    def __init__(self, store: Store, clock: Callable[[], datetime], policy: access.LoginPolicy):
        self.store = store
        self.clock = clock
        self.policy = policy

    def authenticate(
        self, username, password, address: str = "-", record_login: bool = True
    ) -> dict:
        """The user row, or Unauthorized / TooManyRequests with words that never reveal the name."""
        if (
            not isinstance(username, str)
            or not isinstance(password, str)
            or not username
            or len(username) > 64
            or len(password) > 256
        ):
            raise Unauthorized(WRONG)
        address = (address or "-")[:64]
        self._count_try(username, address)
        user = repo.get_user(self.store.db, username)
        ok = check_password_hash(user["password_hash"] if user else dummy_hash(), password)
        if ok and user is not None:
            self._succeeded(user, address, record_login)
            if user["disabled"]:
                raise Unauthorized(DISABLED)  # only said to someone who knows the password
            return user
        self._failed(username)
        raise Unauthorized(WRONG)

    def _count_try(self, username: str, address: str) -> None:
        """Refuse while locked or throttled; otherwise record this try as a failure up front."""
        now = self.clock()
        p = self.policy
        with self.store.write() as db:
            lock = repo.get_lock(db, username)
            if is_locked(lock, now):
                error = TooManyRequests(LOCKED)
            else:
                row = repo.get_failures(db, username, address)
                last = from_iso(row["last_at"]) if row else None
                wait_until = access.retry_at(row["failures"] if row else 0, last, now, p)
                if wait_until is not None:
                    seconds = max(1, math.ceil((wait_until - now).total_seconds()))
                    error = TooManyRequests(THROTTLED, seconds=seconds)
                else:
                    fresh = access.counts_restart(last, now, p)
                    repo.save_failures(
                        db,
                        {
                            "username": username,
                            "address": address,
                            "failures": 1 if fresh else row["failures"] + 1,
                            "first_at": iso(now) if fresh else row["first_at"],
                            "last_at": iso(now),
                        },
                    )
                    error = None
        if error is not None:
            raise error

    def _succeeded(self, user: dict, address: str, record_login: bool) -> None:
        now = self.clock()
        with self.store.write() as db:
            repo.clear_failures(db, user["username"], address)
            if record_login and not user["disabled"]:
                repo.save_user(
                    db, user | {"last_login_at": iso(now), "last_login_address": address}
                )

    def _failed(self, username: str) -> None:
        """The try is already counted; lock the name if the failures now look distributed."""
        now = self.clock()
        p = self.policy
        with self.store.write() as db:
            repo.forget_failures_before(db, iso(now - p.lock_window))  # they no longer count
            failures, addresses = repo.recent_failures(db, username, iso(now - p.lock_window))
            lock = repo.get_lock(db, username)
            locked = is_locked(lock, now)
            if access.should_lock(failures, addresses, p) and not locked:
                until = access.lock_until(now, p)
                repo.save_lock(
                    db,
                    {
                        "username": username,
                        "locked_at": iso(now),
                        "locked_until": iso(until) if until else None,
                        "addresses": addresses,
                    },
                )

    def unlock(self, username: str) -> bool:
        """Lift a hard lock and forget the name's failures; True if it was locked."""
        with self.store.write() as db:
            was = repo.delete_lock(db, username)
            repo.clear_failures(db, username)
        return was

    def locked_until(self, username: str) -> tuple[bool, str | None]:
        lock = repo.get_lock(self.store.db, username)
        return is_locked(lock, self.clock()), lock["locked_until"] if lock else None
