"""Staff accounts (scrypt passwords, roles, disabling) and device tokens (stored hashed).

Logins and their throttling live in logins.py, sessions in sessions.py; both hang off
``Accounts`` so the web layer and the CLI reach them as ``hall.accounts.logins`` / ``.sessions``.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from collections.abc import Callable, Collection

from werkzeug.security import generate_password_hash

from ..core import access
from ..core.devices import tied_window
from ..core.settings import AuthSettings
from ..errors import Conflict, InvalidField, NotFound, Unauthorized
from ..store import Store
from ..store import accounts as repo
from .common import hash_token, is_locked, iso
from .logins import Logins
from .sessions import StaffSessions

__all__ = ["Accounts", "hash_token", "ROLES", "DEVICE_KINDS"]

ROLES = ("window", "guide", "supervisor", "admin")  # supervisor: reports, 差评 follow-up (§9)
# platform: the province's booking platform (预约), which posts bookings with its token.
DEVICE_KINDS = ("kiosk", "display", "evaluator", "platform")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")


def _check_password(password, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < 8:
        raise InvalidField("Password must have at least 8 characters.", field=field)
    if len(password) > 256:
        raise InvalidField("Password must have at most 256 characters.", field=field)
    return password


def _check_role(role) -> str:
    if role not in ROLES:
        raise InvalidField("Role must be window, guide, supervisor or admin.", field="role")
    return role


def _check_display_name(name) -> str:
    if not isinstance(name, str) or len(name) > 64:
        raise InvalidField("{field} is too long.", field="display_name")
    return name.strip()


def _new_password(password: str, now: datetime) -> dict:
    # scrypt takes about a quarter of a second: callers hash before they open a write
    # transaction, so tickets are not held up behind it.
    return {
        "password_hash": generate_password_hash(password, method="scrypt"),
        "password_changed_at": iso(now),
    }


class Accounts:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        auth: AuthSettings | None,
        window_numbers: Callable[[], Collection[int]],
    ):
        """``window_numbers``: the hall's windows as of the last reload (an evaluator's tie)."""
        self.store = store
        self.clock = clock
        self.window_numbers = window_numbers
        login_policy, session_policy = access.policies(auth or AuthSettings())
        self.logins = Logins(store, clock, login_policy)
        self.sessions = StaffSessions(store, clock, session_policy)

    # --- users -----------------------------------------------------------------------------

    def create_user(
        self, username: str, role: str, password: str, display_name: str = "", replace: bool = True
    ) -> dict:
        """Create an account; with ``replace`` (the CLI) an existing one gets the new role and
        password, and its sessions end as after any password reset."""
        if not isinstance(username, str) or not _NAME.match(username):
            raise InvalidField("User name must be 2–32 letters, digits or . _ -", field="username")
        _check_role(role)
        _check_password(password)
        display_name = _check_display_name(display_name or "")
        now = self.clock()
        fresh = _new_password(password, now)
        with self.store.write() as db:
            old = repo.get_user(db, username)
            if old is not None and not replace:
                raise Conflict("The user {username} already exists.", username=username)
            row = (
                (old or {"created_at": iso(now), "disabled": 0})
                | {"username": username, "role": role, "display_name": display_name or username}
                | fresh
            )
            repo.save_user(db, row)
            if old is not None:
                repo.delete_sessions_of(db, username)
        return self.user_view(username)

    def user(self, username: str) -> dict | None:
        return repo.get_user(self.store.db, username)

    def authenticate(self, username, password, address: str = "-") -> dict:
        user = self.logins.authenticate(username, password, address)
        return {k: user[k] for k in ("username", "role", "display_name")}

    def _existing(self, db, username) -> dict:
        user = repo.get_user(db, username) if isinstance(username, str) else None
        if user is None:
            raise NotFound("There is no user {username}.", username=str(username)[:32])
        return user

    def update_user(self, username: str, role=None, display_name=None, disabled=None) -> dict:
        """Admin change of role, name or state. Disabling ends the user's sessions; the last
        active administrator can be neither disabled nor demoted (someone must run the hall)."""
        if role is not None:
            _check_role(role)
        if display_name is not None:
            display_name = _check_display_name(display_name)
        if disabled is not None and not isinstance(disabled, bool):
            raise InvalidField("{field} must be true or false.", field="disabled")
        with self.store.write() as db:
            user = self._existing(db, username)
            changes = {}
            if role is not None:
                changes["role"] = role
            if display_name:
                changes["display_name"] = display_name
            if disabled is not None:
                changes["disabled"] = int(disabled)
            after = user | changes
            if (
                user["role"] == "admin"
                and not user["disabled"]
                and (after["role"] != "admin" or after["disabled"])
                and repo.enabled_admins(db) == [username]
            ):
                raise Conflict("At least one active administrator must remain.")
            repo.save_user(db, after)
            if after["disabled"]:
                repo.delete_sessions_of(db, username)
        return self.user_view(username)

    def reset_password(self, username: str, password: str) -> dict:
        """Admin reset: a new password, every session of the user ends, and any throttle or
        lock on the name is lifted (the administrator has just vouched for the person)."""
        _check_password(password)
        fresh = _new_password(password, self.clock())
        with self.store.write() as db:
            user = self._existing(db, username)
            repo.save_user(db, user | fresh)
            repo.delete_sessions_of(db, username)
            repo.delete_lock(db, username)
            repo.clear_failures(db, username)
        return self.user_view(username)

    def change_password(
        self, username: str, current: str, new: str, address: str, keep_token: str | None
    ) -> None:
        """The user's own change: the current password is checked (throttled like a login) and
        every other session of the user ends; ``keep_token``'s session goes on."""
        _check_password(new, field="new_password")
        try:
            self.logins.authenticate(
                username, current if isinstance(current, str) else "", address, record_login=False
            )
        except Unauthorized:
            raise InvalidField("The current password is wrong.", field="current_password") from None
        if isinstance(current, str) and current == new:
            raise InvalidField(
                "The new password must differ from the current one.", field="new_password"
            )
        fresh = _new_password(new, self.clock())
        with self.store.write() as db:
            user = self._existing(db, username)
            repo.save_user(db, user | fresh)
            repo.delete_sessions_of(db, username, hash_token(keep_token) if keep_token else None)

    def user_view(self, username: str) -> dict:
        return next(u for u in self.list_users() if u["username"] == username)

    def list_users(self) -> list[dict]:
        """Accounts for /admin: no hashes; last login, open sessions and lock state."""
        sessions = self.sessions.counts()
        locks = repo.locks(self.store.db)
        now = self.clock()
        out = []
        for u in repo.users(self.store.db):
            lock = locks.get(u["username"])
            locked = is_locked(lock, now)
            out.append(
                {
                    "username": u["username"],
                    "display_name": u["display_name"],
                    "role": u["role"],
                    "disabled": bool(u["disabled"]),
                    "created_at": u["created_at"],
                    "last_login_at": u["last_login_at"],
                    "last_login_address": u["last_login_address"],
                    "password_changed_at": u["password_changed_at"],
                    "sessions": sessions.get(u["username"], 0),
                    "locked": locked,
                    "locked_until": lock["locked_until"] if locked else None,
                }
            )
        return out

    # --- devices ---------------------------------------------------------------------------

    def create_device(
        self,
        device_id: str,
        kind: str,
        name: str = "",
        window: int | None = None,
        replace: bool = True,
    ) -> str:
        """Register a device and return its token (shown once; only its hash is kept).

        ``window`` ties an evaluator to its window (it then rates only that window's visits).
        With ``replace`` (the CLI) an existing id gets a new token and the old one stops working."""
        if not isinstance(device_id, str) or not _NAME.match(device_id):
            raise InvalidField("Device id must be 2–32 letters, digits or . _ -", field="id")
        if kind not in DEVICE_KINDS:
            raise InvalidField(
                "Device kind must be kiosk, display, evaluator or platform.", field="kind"
            )
        tied_window(kind, window, self.window_numbers())
        if not isinstance(name, str) or len(name) > 64:
            raise InvalidField("{field} is too long.", field="name")
        token = secrets.token_urlsafe(32)
        with self.store.write() as db:
            if not replace and repo.get_device(db, device_id) is not None:
                raise Conflict("The device {device} already exists.", device=device_id)
            repo.save_device(
                db,
                {
                    "id": device_id,
                    "kind": kind,
                    "name": name.strip() or device_id,
                    "token_hash": hash_token(token),
                    "last_seen": None,
                    "status": None,
                    "created_at": iso(self.clock()),
                    "window": window,
                    "revoked_at": None,
                },
            )
        return token

    def device_for_token(self, token: str) -> dict | None:
        if not token or len(token) > 200:
            return None
        return repo.device_by_token_hash(self.store.db, hash_token(token))
