"""/api/v1/admin/…: staff accounts and devices managed from the browser (issue 11 item 6)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, login

USERS = "/api/v1/admin/users"
DEVICES = "/api/v1/admin/devices"


def patch_user(client, name: str, **body):
    return client.patch(f"{USERS}/{name}", json=body)


def new_device(client, **body) -> dict:
    r = client.post(DEVICES, json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def pending(client, window: int, token: dict) -> int:
    return client.get(f"/api/v1/windows/{window}/pending-evaluation", headers=token).status_code


def log_in(app, name: str, password: str, address: str = "127.0.0.1") -> int:
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c.post("/api/v1/auth/login", json={"username": name, "password": password}).status_code


def test_only_an_admin_may_use_the_admin_api(client, window_client, guide_client, kiosk_headers):
    for path in (USERS, DEVICES):
        assert client.get(path).status_code == 401
        assert window_client.get(path).status_code == 403
        assert guide_client.get(path).status_code == 403
        assert client.get(path, headers=kiosk_headers).status_code == 403
    r = guide_client.post(USERS, json={"username": "x1", "role": "admin", "password": PASSWORD})
    assert r.status_code == 403


def test_admin_api_changes_need_the_csrf_header_from_a_browser_page(admin_client):
    r = admin_client.post(
        USERS,
        headers={"Origin": "http://localhost"},
        json={"username": "zhang3", "role": "window", "password": PASSWORD},
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf_failed"


def test_create_list_and_log_in_as_a_new_account(app, admin_client, clock):
    r = admin_client.post(
        USERS,
        json={
            "username": "zhang3",
            "role": "window",
            "password": "window-pass-3",
            "display_name": "张三",
        },
    )
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["display_name"] == "张三" and made["last_login_at"] is None
    assert "password_hash" not in made
    again = admin_client.post(
        USERS, json={"username": "zhang3", "role": "guide", "password": "other-pass-33"}
    )
    assert again.status_code == 409
    assert log_in(app, "zhang3", "window-pass-3", "10.0.0.3") == 200
    users = {u["username"]: u for u in admin_client.get(USERS).get_json()["users"]}
    assert users["zhang3"]["last_login_at"] == clock().isoformat(timespec="microseconds")
    assert users["zhang3"]["last_login_address"] == "10.0.0.3"
    assert users["zhang3"]["sessions"] == 1 and users["zhang3"]["role"] == "window"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "a", "role": "window", "password": PASSWORD}, "username"),
        ({"username": "zhang3", "role": "boss", "password": PASSWORD}, "role"),
        ({"username": "zhang3", "role": "window", "password": "short"}, "password"),
        ({"username": "zhang3", "role": "window", "password": 12345678}, "password"),
        ({"username": ["x"], "role": "window", "password": PASSWORD}, "username"),
    ],
)
def test_a_bad_account_names_the_field_in_chinese(admin_client, body, field):
    r = admin_client.post(USERS, json=body)
    assert r.status_code == 422 and r.get_json()["error"]["field"] == field
    assert not r.get_json()["error"]["message"].isascii()


def test_set_role_and_the_last_active_admin_stays(admin_client):
    assert patch_user(admin_client, "guide1", role="admin").get_json()["role"] == "admin"
    assert patch_user(admin_client, "guide1", disabled=True).status_code == 200
    r = patch_user(admin_client, "admin1", role="window")
    assert r.status_code == 409 and "管理员" in r.get_json()["error"]["message"]
    assert patch_user(admin_client, "admin1", disabled=True).status_code == 409
    assert admin_client.get("/api/v1/auth/me").get_json()["role"] == "admin"
    assert patch_user(admin_client, "nobody", role="window").status_code == 404
    assert patch_user(admin_client, "win1", disabled="yes").status_code == 422


def test_reset_password_lifts_the_throttle_of_the_name(app, admin_client):
    for _ in range(4):
        log_in(app, "win1", "forgot-it")
    assert log_in(app, "win1", PASSWORD) == 429
    r = admin_client.post(f"{USERS}/win1/password", json={"password": "brand-new-pass"})
    assert r.status_code == 200
    assert log_in(app, "win1", "brand-new-pass") == 200
    short = admin_client.post(f"{USERS}/win1/password", json={"password": "short"})
    assert short.status_code == 422
    assert admin_client.post(f"{USERS}/ghost/unlock", json={}).status_code == 404


def test_register_a_device_the_token_is_shown_once_and_works(client, admin_client):
    made = new_device(admin_client, id="eval-3", kind="evaluator", window=3, name="3号窗评价器")
    assert made["window"] == 3
    listed = admin_client.get(DEVICES).get_json()["devices"]
    assert [d["id"] for d in listed] == ["eval-3"]
    assert "token" not in listed[0] and "token_hash" not in listed[0]
    token = bearer(made["token"])
    assert pending(client, 3, token) in (200, 204)
    assert pending(client, 4, token) == 403
    dup = admin_client.post(DEVICES, json={"id": "eval-3", "kind": "evaluator"})
    assert dup.status_code == 409


def test_revoke_and_reissue_a_device_token(client, admin_client):
    token = new_device(admin_client, id="kiosk-9", kind="kiosk")["token"]

    def heartbeat(tok):
        return client.post(
            "/api/v1/devices/kiosk-9/heartbeat",
            json={"status": {"printer": "ok"}},
            headers=bearer(tok),
        ).status_code

    assert heartbeat(token) == 200
    r = admin_client.post(f"{DEVICES}/kiosk-9/revoke", json={})
    assert r.status_code == 200 and r.get_json()["revoked_at"]
    assert heartbeat(token) == 401
    health = admin_client.get("/api/v1/devices").get_json()["devices"]
    assert "kiosk-9" not in [d["id"] for d in health]
    listed = admin_client.get(DEVICES).get_json()["devices"]
    assert [d["revoked_at"] is not None for d in listed] == [True]
    fresh = admin_client.post(f"{DEVICES}/kiosk-9/token", json={}).get_json()
    assert fresh["revoked_at"] is None and fresh["token"] != token
    assert heartbeat(token) == 401
    assert heartbeat(fresh["token"]) == 200
    assert admin_client.post(f"{DEVICES}/nope/revoke", json={}).status_code == 404


def test_tie_an_evaluator_to_a_window(client, admin_client):
    token = bearer(new_device(admin_client, id="eval-x", kind="evaluator")["token"])
    assert pending(client, 4, token) in (200, 204)
    r = admin_client.patch(f"{DEVICES}/eval-x", json={"window": 3})
    assert r.status_code == 200 and r.get_json()["window"] == 3
    assert pending(client, 4, token) == 403
    assert admin_client.patch(f"{DEVICES}/eval-x", json={"window": 999}).status_code == 422
    assert admin_client.patch(f"{DEVICES}/eval-x", json={}).status_code == 422
    untied = admin_client.patch(f"{DEVICES}/eval-x", json={"window": None}).get_json()
    assert untied["window"] is None
    new_device(admin_client, id="kiosk-2", kind="kiosk")
    r = admin_client.patch(f"{DEVICES}/kiosk-2", json={"window": 3})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "window"


def test_a_disabled_admin_loses_the_admin_api_at_once(app, admin_client):
    admin_client.post(USERS, json={"username": "admin2", "role": "admin", "password": PASSWORD})
    other = app.test_client()
    login(other, "admin2")
    assert patch_user(admin_client, "admin2", disabled=True).status_code == 200
    assert other.get(USERS).status_code == 401
