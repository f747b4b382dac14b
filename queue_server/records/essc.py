"""The demo 电子社保卡 (e-SSC) QR code: signed, dated and short-lived, like the real platform's.

The real code is verified online by the national platform; the demo records database signs its
own so the kiosk's scanner path behaves the same way: a code names a person only through the
records database's internal number, carries when it was made and how long it lives, and is
refused once stale or when a single character changed.

Format: ``ESSC1.<person>.<issued unix s>.<lifetime s>.<mac>`` with the MAC an HMAC-SHA256
(truncated to 128 bits, base64url) over the first four fields.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from .errors import NotVerified

PREFIX = "ESSC1"
DEFAULT_LIFETIME_S = 60  # the real codes refresh about every minute
MAX_LIFETIME_S = 15 * 60  # a code claiming to live longer is refused
CLOCK_SKEW_S = 30  # a scanner-side clock slightly ahead is tolerated


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(key: bytes, person: int, now: datetime, lifetime_s: int = DEFAULT_LIFETIME_S) -> str:
    if not 1 <= lifetime_s <= MAX_LIFETIME_S:
        raise ValueError(f"lifetime must be 1–{MAX_LIFETIME_S} s")
    body = f"{PREFIX}.{person}.{int(now.timestamp())}.{lifetime_s}"
    return f"{body}.{_mac(key, body)}"


def verify(key: bytes, payload, now: datetime) -> int:
    """The person number of a genuine, current code; NotVerified("qr_invalid"/"qr_expired")."""
    if not isinstance(payload, str) or len(payload) > 200:
        raise NotVerified("qr_invalid")
    parts = payload.strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX or not all(p.isdigit() for p in parts[1:4]):
        raise NotVerified("qr_invalid")
    body = ".".join(parts[:4])
    if not hmac.compare_digest(_mac(key, body), parts[4]):
        raise NotVerified("qr_invalid")
    issued, lifetime = int(parts[2]), int(parts[3])
    if lifetime > MAX_LIFETIME_S:
        raise NotVerified("qr_invalid")
    t = now.timestamp()
    if issued > t + CLOCK_SKEW_S or t > issued + lifetime:
        raise NotVerified("qr_expired")
    return int(parts[1])
