"""Staff sessions (cookie) and device tokens (Authorization: Bearer), and the role checks.

Roles: window, guide, admin (admin may do everything). Anonymous → 401, wrong role → 403.
The session cookie holds only a random id; the session lives in the hall db (services/sessions)
and ends on logout, password change or reset, a disabled account, or its idle/absolute limit.
Cookies are HttpOnly + SameSite=Strict (+ Secure when ``server.https``); state-changing API calls
must be JSON, which a cross-site form cannot send; the consoles add a CSRF token (csrf.py).
"""

from __future__ import annotations

import functools

from flask import Blueprint, g, jsonify, request
from flask.sessions import SessionInterface

from ..errors import Forbidden, Unauthorized
from .context import hall, json_body

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")

COOKIE = "hallqueue_session"


class NoSignedCookieSession(SessionInterface):
    """Flask's own cookie session is switched off: staff state is server-side only, and any
    code that tried to write flask.session would fail loudly instead of shadowing our cookie."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response):
        return None


def client_address() -> str:
    """The caller's address (ProxyFix has applied X-Forwarded-For when server.proxy_hops > 0)."""
    return (request.remote_addr or "-")[:64]


def session_token() -> str | None:
    """The raw session id of this request when it belongs to a live session."""
    principal()
    return g.get("session_token")


def principal() -> dict | None:
    """The caller: {"type": "user", "role", "username"} or {"type": "device", "kind", "id"}."""
    if "principal" in g:
        return g.principal
    found = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        device = hall().accounts.device_for_token(header[7:].strip())
        if device is None:
            raise Unauthorized("The device token is not valid.")
        found = {
            "type": "device",
            "kind": device["kind"],
            "id": device["id"],
            "name": device["name"],
            "window": device.get("window"),
        }
    else:
        token = request.cookies.get(COOKIE)
        user = hall().accounts.sessions.user(token) if token else None
        if user is not None:
            g.session_token = token
            found = {
                "type": "user",
                "role": user["role"],
                "username": user["username"],
                "display_name": user["display_name"],
            }
    g.principal = found
    return found


def require(*roles: str, devices: tuple[str, ...] = ()):
    """Allow staff with one of ``roles`` (admin always) and devices of the given kinds."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            who = principal()
            if who is None:
                raise Unauthorized("Please log in first.")
            if who["type"] == "user" and (who["role"] == "admin" or who["role"] in roles):
                return view(*args, **kwargs)
            if who["type"] == "device" and who["kind"] in devices:
                return view(*args, **kwargs)
            raise Forbidden("You are not allowed to do this.")

        return wrapped

    return decorator


def staff_name() -> str | None:
    who = principal()
    if who is None:
        return None
    return who.get("username") or who.get("id")


def _cookie_options() -> dict:
    return {
        "httponly": True,
        "samesite": "Strict",
        "path": "/",
        "secure": hall().settings.server.https,
    }


def start_session(response, username: str):
    """Log ``username`` in on ``response``: any session this browser had ends, a new one starts."""
    accounts = hall().accounts
    accounts.sessions.end(request.cookies.get(COOKIE))
    token = accounts.sessions.start(
        username, client_address(), request.headers.get("User-Agent", "")
    )
    response.set_cookie(COOKIE, token, **_cookie_options())
    return response


def end_session(response):
    """Log out: the server forgets the session, so a copied cookie is worthless from now on."""
    hall().accounts.sessions.end(request.cookies.get(COOKIE))
    response.delete_cookie(COOKIE, **_cookie_options())
    return response


@bp.post("/login")
def login():
    data = json_body()
    user = hall().accounts.authenticate(
        data.get("username"), data.get("password"), client_address()
    )
    return start_session(jsonify(user), user["username"])


@bp.post("/logout")
def logout():
    return end_session(jsonify({"ok": True}))


@bp.get("/me")
def me():
    who = principal()
    if who is None:
        raise Unauthorized("Please log in first.")
    return jsonify(who)


@bp.post("/password")
def change_password():
    """The logged-in user changes their own password; their other sessions end."""
    who = principal()
    if who is None or who["type"] != "user":
        raise Unauthorized("Please log in first.")
    data = json_body()
    hall().accounts.change_password(
        who["username"],
        data.get("current_password"),
        data.get("new_password"),
        client_address(),
        session_token(),
    )
    return jsonify({"ok": True})
