"""Staff accounts (hashed passwords, lockout) and device tokens (stored hashed)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Callable

from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Unauthorized, ValidationFailed
from ..store import Store
from ..store import accounts as repo
from .queue import iso

ROLES = ("window", "guide", "admin")
DEVICE_KINDS = ("kiosk", "display", "evaluator")
MAX_FAILED = 5
LOCK_MINUTES = 15
_NAME = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")


def hash_token(token: str) -> str:
    # Tokens are long random strings, so a plain SHA-256 is enough (no brute-force risk).
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store = store
        self.clock = clock

    def create_user(self, username: str, role: str, password: str, display_name: str = "") -> None:
        if not _NAME.match(username or ""):
            raise ValidationFailed("User name must be 2–32 letters, digits or . _ -", field="username")
        if role not in ROLES:
            raise ValidationFailed("Role must be window, guide or admin.", field="role")
        if len(password or "") < 8:
            raise ValidationFailed("Password must have at least 8 characters.", field="password")
        with self.store.write() as db:
            repo.save_user(db, {
                "username": username, "role": role, "display_name": display_name or username,
                "password_hash": generate_password_hash(password, method="scrypt"),
                "failed_logins": 0, "locked_until": None, "created_at": iso(self.clock()),
            })

    def authenticate(self, username, password) -> dict:
        """The user, or Unauthorized; five wrong passwords lock the account for 15 minutes."""
        if not isinstance(username, str) or not isinstance(password, str) or len(username) > 64 or len(password) > 256:
            raise Unauthorized("Wrong user name or password.")
        now = self.clock()
        with self.store.write() as db:
            user = repo.get_user(db, username)
            if user is None:
                raise Unauthorized("Wrong user name or password.")
            if user["locked_until"] and datetime.fromisoformat(user["locked_until"]) > now:
                raise Unauthorized("Too many wrong passwords; the account is locked for {minutes} minutes.",
                                   minutes=LOCK_MINUTES)
            if not check_password_hash(user["password_hash"], password):
                failed = (user["failed_logins"] or 0) + 1
                locked = iso(now + timedelta(minutes=LOCK_MINUTES)) if failed >= MAX_FAILED else None
                repo.save_user(db, user | {"failed_logins": 0 if locked else failed, "locked_until": locked})
                # The failed attempt must be recorded even though we refuse: commit, then raise.
                error = Unauthorized("Wrong user name or password.")
            else:
                repo.save_user(db, user | {"failed_logins": 0, "locked_until": None})
                error = None
        if error:
            raise error
        return {"username": user["username"], "role": user["role"], "display_name": user["display_name"]}

    def create_device(self, device_id: str, kind: str, name: str = "", window: int | None = None) -> str:
        """Register a device and return its token (shown once; only its hash is kept).

        ``window`` ties an evaluator to its window (it then rates only that window's visits)."""
        if not _NAME.match(device_id or ""):
            raise ValidationFailed("Device id must be 2–32 letters, digits or . _ -", field="id")
        if kind not in DEVICE_KINDS:
            raise ValidationFailed("Device kind must be kiosk, display or evaluator.", field="kind")
        if window is not None and (kind != "evaluator" or not isinstance(window, int) or window < 1):
            raise ValidationFailed("Only an evaluator is tied to a window.", field="window")
        token = secrets.token_urlsafe(32)
        with self.store.write() as db:
            repo.save_device(db, {
                "id": device_id, "kind": kind, "name": name or device_id, "token_hash": hash_token(token),
                "last_seen": None, "status": None, "created_at": iso(self.clock()), "window": window,
            })
        return token

    def device_for_token(self, token: str) -> dict | None:
        if not token or len(token) > 200:
            return None
        return repo.device_by_token_hash(self.store.db, hash_token(token))

    def user(self, username: str) -> dict | None:
        return repo.get_user(self.store.db, username)


