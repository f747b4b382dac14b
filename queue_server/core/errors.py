"""Domain errors. Each carries a stable ``code`` and a message key for the i18n catalogs."""


class Msgid(str):
    """A message parameter that is itself a catalog message id: translated with the message
    (e.g. the annex A.2 class of a forbidden phrase), where a plain parameter is inserted as is."""


class DomainError(Exception):
    """Base of every rule the domain refuses. ``status`` is the HTTP status it maps to."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message  # msgid in the catalogs; params fill its {placeholders}
        self.params = params


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class InvalidIdNumber(DomainError):
    code = "invalid_id_number"
    status = 422


class InvalidField(DomainError):
    """A submitted field breaks a rule; ``field`` names it so the form shows the message beside
    it (→ 422). The one validation error of the server, from core up through the web layer."""

    code = "validation_failed"
    status = 422

    def __init__(self, message: str, field: str | None = None, **params):
        super().__init__(message, **({"field": field} | params))
        self.field = field
