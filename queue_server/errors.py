"""Errors of the server. One base (the domain's), each with a code, an HTTP status and a
message id that the i18n catalogs translate (Chinese by default). A wrong field is core's
InvalidField everywhere (→ 422 naming the field), whichever layer finds it."""

from .core.errors import DomainError as HallError
from .core.errors import InvalidField, InvalidIdNumber, InvalidTransition
from .core.issuing import CLOSED_CODE, SOLD_OUT_CODE

__all__ = [
    "HallError",
    "InvalidIdNumber",
    "InvalidTransition",
    "InvalidField",
    "BadRequest",
    "NotFound",
    "Conflict",
    "ServiceClosed",
    "SoldOut",
    "Unauthorized",
    "Forbidden",
    "TooLarge",
    "Unavailable",
    "UnsupportedMediaType",
    "TooManyRequests",
    "StorageUnavailable",
    "StorageFull",
    "StorageBusy",
]


class BadRequest(HallError):
    code = "bad_request"
    status = 400


class NotFound(HallError):
    code = "not_found"
    status = 404


class Conflict(HallError):
    code = "conflict"
    status = 409


class ServiceClosed(Conflict):
    """The service is outside its issuing hours (a kiosk says "not issuing now")."""

    code = CLOSED_CODE


class SoldOut(Conflict):
    """The service reached its daily_cap (or number 999): no more tickets today."""

    code = SOLD_OUT_CODE


class Unauthorized(HallError):
    code = "unauthorized"
    status = 401


class Forbidden(HallError):
    code = "forbidden"
    status = 403


class TooManyRequests(HallError):
    """Login tries refused for a while (throttle per name and computer, or a hard lock)."""

    code = "too_many_requests"
    status = 429


class TooLarge(HallError):
    code = "too_large"
    status = 413


class UnsupportedMediaType(HallError):
    code = "unsupported_media_type"
    status = 415


class Unavailable(HallError):
    code = "unavailable"
    status = 503


class StorageUnavailable(Unavailable):
    """The database cannot be read or written (read-only file or folder, no permission, I/O
    error). Nothing of the request was saved; the store reconnects on the next request, so the
    hall recovers by itself once the cause is fixed."""

    code = "storage_unavailable"
    retry_after = 30  # seconds (Retry-After): an operator has to act first


class StorageFull(StorageUnavailable):
    """The disk (or the database's size limit) is full. Nothing of the request was saved."""

    code = "storage_full"


class StorageBusy(StorageUnavailable):
    """Another writer held the database longer than the busy timeout."""

    code = "busy"
    retry_after = 2
