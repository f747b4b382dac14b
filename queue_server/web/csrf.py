"""CSRF protection for the staff consoles (DESIGN §4: "CSRF-protected for forms").

Decision (documented in docs/consoles.md):

* Every HTML form carries a token (``csrf_token`` field); a form POST without the right token
  gets 400 — :func:`check_form`.
* The token is an HMAC (with the app's secret key) of the session id, so nothing extra is stored
  and a new login means a new token. Before login (the login form) it is an HMAC of a random
  pre-login cookie (``hallqueue_login``, HttpOnly, SameSite=Strict).
* The consoles' JavaScript calls the JSON API with the same token in ``X-CSRF-Token``. For a
  state-changing ``/api/`` call authenticated by the session cookie *from a browser page*
  (the browser sends ``Origin`` or ``Sec-Fetch-Site`` with it), the header is required too —
  :func:`check_api`.
  Calls without a cookie (kiosk and evaluator device tokens) and non-browser clients (Kivy,
  scripts, the Flask test client) are not affected: SameSite=Strict cookies and JSON-only
  changes (a cross-site form cannot send ``application/json``) already protect them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, g, request

from ..errors import BadRequest
from .auth import COOKIE, session_token
from .context import hall

PRE_COOKIE = "hallqueue_login"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
CHANGES = ("POST", "PUT", "PATCH", "DELETE")
EXPIRED = "The form has expired or was not sent from this console; reload the page and try again."


class CsrfFailed(BadRequest):
    code = "csrf_failed"


def _mac(kind: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{kind}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def _pre_value(create: bool) -> str | None:
    value = g.get("csrf_pre") or request.cookies.get(PRE_COOKIE)
    if (not value or len(value) > 100) and create:
        value = secrets.token_urlsafe(24)
        g.csrf_pre_new = value
    if value:
        g.csrf_pre = value
    return value


def _expected(create: bool = False) -> str | None:
    sid = session_token()
    if sid:
        return _mac("session", sid)
    pre = _pre_value(create)
    return _mac("pre", pre) if pre else None


def token() -> str:
    """The token for this page's forms and scripts (creates the pre-login cookie if needed)."""
    return _expected(create=True)


def set_cookie(response):
    """after_request: hand out the pre-login cookie a page's token was made from."""
    value = g.get("csrf_pre_new")
    if value:
        response.set_cookie(
            PRE_COOKIE,
            value,
            httponly=True,
            samesite="Strict",
            path="/",
            secure=hall().settings.server.https,
        )
    return response


def _matches(sent: str | None) -> bool:
    expected = _expected()
    return bool(expected and sent and hmac.compare_digest(str(sent), expected))


def check_form() -> None:
    """Raise 400 unless the posted form carries this session's token."""
    if not _matches(request.form.get(FORM_FIELD)):
        raise CsrfFailed(EXPIRED)


def check_api() -> None:
    """before_request: cookie-authenticated API changes from a browser page need X-CSRF-Token."""
    if request.method not in CHANGES or not request.path.startswith("/api/"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return  # device token: no ambient credential a foreign page could ride on
    if COOKIE not in request.cookies or session_token() is None:
        return  # no live session to ride on: the route itself answers 401 where login is needed
    if "Origin" not in request.headers and "Sec-Fetch-Site" not in request.headers:
        return  # not a browser page (kiosk, scripts, tests); SameSite=Strict + JSON-only apply
    if request.path == "/api/v1/auth/login":
        return  # logging in rides on no existing session
    if not _matches(request.headers.get(HEADER)):
        raise CsrfFailed(EXPIRED)
