"""The guide staff PIN: only its scrypt hash lives in the kiosk config.

``PinGuard`` decides each attempt: no PIN configured → staff mode refused with a message saying
how to set one; 5 wrong PINs in a row → staff mode locked for 5 minutes (a kiosk stands in a
public hall: a 4-digit PIN without a limit is guessed in an afternoon). Time is passed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, field

_N, _R, _P = 2**14, 8, 1

DEMO_PIN = "2468"  # the demo hall's PIN (README); only with ``python -m kiosk --demo-pin``
# PINs anyone would try first; check-config warns about them and set-pin refuses them.
KNOWN_PINS = (DEMO_PIN, "0000", "1111", "1234", "4321", "8888", "123456", "000000", "888888")
MAX_FAILURES = 5
LOCK_S = 300.0

NO_PIN = "No staff PIN is set on this kiosk. Ask the IT staff to run: python -m kiosk set-pin"
WRONG = "Wrong PIN."
LOCKED = "Too many wrong PINs. Staff mode is locked; try again in {minutes} min."


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, salt64, digest64 = stored.split("$")
        salt, digest = base64.b64decode(salt64), base64.b64decode(digest64)
    except ValueError:
        return False
    if scheme != "scrypt" or not pin:
        return False
    got = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=len(digest))
    return hmac.compare_digest(got, digest)


def valid_pin(pin: str) -> bool:
    return pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8


def known_pin(stored: str) -> str | None:
    """The well-known PIN ``stored`` is the hash of, if any (the demo PIN, 1234 …)."""
    return next((pin for pin in KNOWN_PINS if check_pin(pin, stored)), None)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    notice: str | None = None  # msgid for the PIN screen
    params: dict = field(default_factory=dict)


class PinGuard:
    def __init__(self, stored_hash: str, max_failures: int = MAX_FAILURES, lock_s: float = LOCK_S):
        self.stored_hash = stored_hash
        self.max_failures, self.lock_s = max_failures, lock_s
        self.failures = 0
        self.locked_until: float | None = None

    def _locked(self, now: float) -> Verdict | None:
        if self.locked_until is None or now >= self.locked_until:
            return None
        minutes = max(1, math.ceil((self.locked_until - now) / 60))  # never "0 min"
        return Verdict(False, LOCKED, {"minutes": minutes})

    def state(self, now: float) -> Verdict | None:
        """What the PIN screen must say before anyone types: no PIN set, or locked."""
        if not self.stored_hash:
            return Verdict(False, NO_PIN)
        return self._locked(now)

    def attempt(self, pin: str, now: float) -> Verdict:
        refused = self.state(now)
        if refused:
            return refused  # while locked even the right PIN is not checked
        if check_pin(pin, self.stored_hash):
            self.failures, self.locked_until = 0, None
            return Verdict(True)
        self.failures += 1
        if self.failures >= self.max_failures:
            self.failures, self.locked_until = 0, now + self.lock_s
            return self._locked(now)
        return Verdict(False, WRONG)
