"""CSRF protection for the staff consoles (DESIGN §4: "CSRF-protected for forms").

Decision (documented in docs/consoles.md):

* Every HTML form carries a per-session token (``csrf_token`` field); a form POST without the
  right token gets 400 — :func:`check_form`.
* The consoles' JavaScript calls the JSON API with the same token in ``X-CSRF-Token``. For a
  state-changing ``/api/`` call authenticated by the session cookie *from a browser page*
  (the browser sends ``Origin`` or ``Sec-Fetch-Site`` with it), the header is required too — :func:`check_api`.
  Calls without a cookie (kiosk and evaluator device tokens) and non-browser clients (Kivy,
  scripts, the Flask test client) are not affected: SameSite=Strict cookies and JSON-only
  changes (a cross-site form cannot send ``application/json``) already protect them.
"""

from __future__ import annotations

import hmac
import secrets

from flask import current_app, request, session

from ..errors import BadRequest

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
CHANGES = ("POST", "PUT", "PATCH", "DELETE")


class CsrfFailed(BadRequest):
    code = "csrf_failed"


def token() -> str:
    """This session's token, created on first use (the login form needs one before login)."""
    value = session.get(SESSION_KEY)
    if not value:
        value = secrets.token_urlsafe(24)
        session[SESSION_KEY] = value
    return value


def rotate() -> str:
    """A fresh token after login, so a token seen before login is worthless after it."""
    session[SESSION_KEY] = secrets.token_urlsafe(24)
    return session[SESSION_KEY]


def _matches(sent: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    return bool(expected and sent and hmac.compare_digest(str(sent), expected))


def check_form() -> None:
    """Raise 400 unless the posted form carries this session's token."""
    if not _matches(request.form.get(FORM_FIELD)):
        raise CsrfFailed("The form has expired or was not sent from this console; reload the page and try again.")


def check_api() -> None:
    """before_request: cookie-authenticated API changes from a browser page need X-CSRF-Token."""
    if request.method not in CHANGES or not request.path.startswith("/api/"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return  # device token: no ambient credential a foreign page could ride on
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return
    if "Origin" not in request.headers and "Sec-Fetch-Site" not in request.headers:
        return  # not a browser page (kiosk, scripts, tests); SameSite=Strict + JSON-only apply
    if request.path == "/api/v1/auth/login":
        return  # logging in rides on no existing session
    if not _matches(request.headers.get(HEADER)):
        raise CsrfFailed("The form has expired or was not sent from this console; reload the page and try again.")
