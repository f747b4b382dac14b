"""Errors of the server. One base (the domain's), each with a code, an HTTP status and a
message id that the i18n catalogs translate (Chinese by default)."""

from .core.errors import DomainError as HallError
from .core.errors import InvalidIdNumber, InvalidTransition

__all__ = [
    "HallError", "InvalidIdNumber", "InvalidTransition", "BadRequest", "ValidationFailed",
    "NotFound", "Conflict", "Unauthorized", "Forbidden", "TooLarge", "Unavailable",
    "UnsupportedMediaType",
]


class BadRequest(HallError):
    code = "bad_request"
    status = 400


class ValidationFailed(HallError):
    """A field is wrong; ``field`` names it so forms can show the message beside it."""

    code = "validation_failed"
    status = 422

    def __init__(self, message: str, field: str | None = None, **params):
        super().__init__(message, **({"field": field} | params))
        self.field = field


class NotFound(HallError):
    code = "not_found"
    status = 404


class Conflict(HallError):
    code = "conflict"
    status = 409


class Unauthorized(HallError):
    code = "unauthorized"
    status = 401


class Forbidden(HallError):
    code = "forbidden"
    status = 403


class TooLarge(HallError):
    code = "too_large"
    status = 413


class UnsupportedMediaType(HallError):
    code = "unsupported_media_type"
    status = 415


class Unavailable(HallError):
    code = "unavailable"
    status = 503
