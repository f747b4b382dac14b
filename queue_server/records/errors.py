"""Errors of the records provider: one base, words for people (the web layer answers them)."""

from __future__ import annotations

from ..core.errors import DomainError

UNAVAILABLE = "Personal records cannot be looked up at the moment; please go to a window."
NOT_VERIFIED = "Your identity could not be verified."


class RecordsError(DomainError):
    """Base of every records failure. A 503 unless a subclass says otherwise."""

    code = "records_error"
    status = 503


class RecordsUnavailable(RecordsError):
    """The records system is down, slow, refusing us, or answering nonsense. ``why`` is for the
    server log (never personal data); citizens see only the plain message."""

    code = "records_unavailable"
    status = 503
    retry_after = 30

    def __init__(self, why: str = "unavailable"):
        super().__init__(UNAVAILABLE)
        self.why = why


class NotVerified(RecordsError):
    """The provider did not confirm the person. ``reason``: unknown, mismatch, wrong_password,
    qr_invalid, qr_expired — for the audit; the citizen sees one message per method."""

    code = "not_verified"
    status = 401

    def __init__(self, reason: str):
        super().__init__(NOT_VERIFIED)
        self.reason = reason
