"""Staff login (session cookie) and device tokens (Authorization: Bearer), and the role checks.

Roles: window, guide, admin (admin may do everything). Anonymous → 401, wrong role → 403.
Cookies are HttpOnly + SameSite=Strict, and state-changing API calls must be JSON, which a
cross-site form cannot send; the HTML forms of the consoles add a CSRF token on top.
"""

from __future__ import annotations

import functools

from flask import Blueprint, g, jsonify, request, session

from ..errors import Forbidden, Unauthorized
from .context import hall, json_body

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


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
        found = {"type": "device", "kind": device["kind"], "id": device["id"], "name": device["name"],
                 "window": device.get("window")}
    elif session.get("username"):
        user = hall().accounts.user(session["username"])
        if user and user["role"] == session.get("role"):
            found = {"type": "user", "role": user["role"], "username": user["username"],
                     "display_name": user["display_name"]}
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


@bp.post("/login")
def login():
    data = json_body()
    user = hall().accounts.authenticate(data.get("username"), data.get("password"))
    session.clear()
    session["username"] = user["username"]
    session["role"] = user["role"]
    return jsonify({"username": user["username"], "role": user["role"], "display_name": user["display_name"]})


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify({"ok": True})


@bp.get("/me")
def me():
    who = principal()
    if who is None:
        raise Unauthorized("Please log in first.")
    return jsonify(who)
