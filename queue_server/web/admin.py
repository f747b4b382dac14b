"""Administration API for /admin (admin role; CSRF as every console call): staff accounts and
devices. Passwords and tokens are never returned, except a new device token, once."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..errors import InvalidField, NotFound
from .auth import require
from .context import hall, json_body, optional_str

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


def _bool(data: dict, key: str):
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise InvalidField("{field} must be true or false.", field=key)
    return value


# --- accounts ------------------------------------------------------------------------------


@bp.get("/users")
@require()
def users():
    return jsonify({"users": hall().accounts.list_users()})


@bp.post("/users")
@require()
def create_user():
    data = json_body()
    user = hall().accounts.create_user(
        data.get("username"),
        data.get("role"),
        data.get("password"),
        optional_str(data, "display_name", 64) or "",
        replace=False,
    )
    return jsonify(user), 201


@bp.patch("/users/<username>")
@require()
def update_user(username: str):
    data = json_body()
    user = hall().accounts.update_user(
        username,
        role=data.get("role"),
        display_name=optional_str(data, "display_name", 64),
        disabled=_bool(data, "disabled"),
    )
    return jsonify(user)


@bp.post("/users/<username>/password")
@require()
def reset_password(username: str):
    return jsonify(hall().accounts.reset_password(username, json_body().get("password")))


@bp.post("/users/<username>/unlock")
@require()
def unlock_user(username: str):
    accounts = hall().accounts
    if accounts.user(username) is None:
        raise NotFound("There is no user {username}.", username=username[:32])
    accounts.logins.unlock(username)
    return jsonify(accounts.user_view(username))


# --- devices -------------------------------------------------------------------------------


@bp.get("/devices")
@require()
def devices():
    return jsonify({"devices": hall().devices.admin.list()})


@bp.post("/devices")
@require()
def create_device():
    data = json_body()
    device_id = data.get("id")
    token = hall().accounts.create_device(
        device_id,
        data.get("kind"),
        optional_str(data, "name", 64) or "",
        window=data.get("window"),
        replace=False,
    )
    return jsonify(hall().devices.admin.view(device_id) | {"token": token}), 201


@bp.patch("/devices/<device_id>")
@require()
def update_device(device_id: str):
    """Tie an evaluator to a window (``{"window": 3}``) or untie it (``{"window": null}``)."""
    data = json_body()
    admin = hall().devices.admin
    if "window" not in data:
        raise InvalidField("{field} is required.", field="window")
    return jsonify(admin.set_window(device_id, data["window"]))


@bp.post("/devices/<device_id>/revoke")
@require()
def revoke_device(device_id: str):
    json_body()
    return jsonify(hall().devices.admin.revoke(device_id))


@bp.post("/devices/<device_id>/token")
@require()
def new_device_token(device_id: str):
    json_body()
    token = hall().devices.admin.new_token(device_id)
    return jsonify(hall().devices.admin.view(device_id) | {"token": token})
