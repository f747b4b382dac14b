"""Server-side staff sessions: the browser holds a random id, the hall db holds its hash.

A session ends when its row goes: logout, a password change or reset, the account disabled,
or its idle or absolute lifetime passed (core.access.SessionPolicy, from the [auth] settings).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Callable

from ..core.access import SessionPolicy, session_expired, session_needs_touch
from ..store import Store
from ..store import accounts as repo
from .common import hash_token, iso


class StaffSessions:
    def __init__(self, store: Store, clock: Callable[[], datetime], policy: SessionPolicy):
        self.store = store
        self.clock = clock
        self.policy = policy

    def start(self, username: str, address: str, user_agent: str = "") -> str:
        """A new session for ``username``; returns the id for the cookie (never stored as is)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.write() as db:
            self._forget_expired(db, now)
            repo.insert_session(
                db,
                {
                    "id_hash": hash_token(token),
                    "username": username,
                    "created_at": iso(now),
                    "last_seen_at": iso(now),
                    "address": address[:64],
                    "user_agent": user_agent[:200],
                },
            )
        return token

    def _forget_expired(self, db, now: datetime) -> None:
        repo.delete_sessions_before(
            db, iso(now - self.policy.absolute), iso(now - self.policy.idle)
        )

    def user(self, token: str | None) -> dict | None:
        """The live user of this session, or None when it is unknown, expired or disabled."""
        if not token or len(token) > 100:
            return None
        key = hash_token(token)
        now = self.clock()
        row = repo.get_session(self.store.db, key)
        if row is None:
            return None
        user = repo.get_user(self.store.db, row["username"])
        created = datetime.fromisoformat(row["created_at"])
        seen = datetime.fromisoformat(row["last_seen_at"])
        if user is None or user["disabled"] or session_expired(created, seen, now, self.policy):
            with self.store.write() as db:
                repo.delete_session(db, key)
            return None
        if session_needs_touch(seen, now, self.policy):
            with self.store.write() as db:
                repo.touch_session(db, key, iso(now))
        return user

    def end(self, token: str | None) -> None:
        if token and len(token) <= 100:
            with self.store.write() as db:
                repo.delete_session(db, hash_token(token))

    def counts(self) -> dict[str, int]:
        now = self.clock()
        with self.store.write() as db:  # expired rows must not count as open sessions
            self._forget_expired(db, now)
            return repo.session_counts(db)
