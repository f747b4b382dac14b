"""Staff sessions are server-side and revocable (issue 11 item 1): logout, password change or
reset, a disabled account, and the idle and absolute lifetimes each end them."""

from __future__ import annotations

import dataclasses
import hashlib
import re

import pytest

from queue_server.web import create_app
from tests.conftest import PASSWORD, login

COOKIE = "hallqueue_session"


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def log_in(app, name: str, password: str, **kw):
    body = {"username": name, "password": password}
    return app.test_client().post("/api/v1/auth/login", json=body, **kw)


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s cookie (e.g. lifted from a shared PC)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie_of(client))
    return thief


def page_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def make_app(settings, tmp_path, clock, password_hash):
    """An app with changed [server]/[auth] settings and the usual staff accounts."""
    apps = []

    def make(server=None, auth=None):
        s = dataclasses.replace(
            settings,
            server=dataclasses.replace(settings.server, **(server or {})),
            auth=dataclasses.replace(settings.auth, **(auth or {})),
        )
        app = create_app(
            s, db_path=tmp_path / f"hall-{len(apps)}.db", clock=clock, test_config={"TESTING": True}
        )
        app.extensions["hall"].accounts.create_user("admin1", "admin", PASSWORD)
        app.extensions["hall"].accounts.create_user("win1", "window", PASSWORD)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["hall"].close()


def test_a_cookie_copied_before_logout_is_refused_after_it(app, admin_client):
    thief = copy_of(app, admin_client)
    assert thief.get("/api/v1/auth/me").status_code == 200
    assert admin_client.post("/api/v1/auth/logout", json={}).status_code == 200
    assert thief.get("/api/v1/auth/me").status_code == 401
    r = thief.post("/api/v1/notice", json={"text": "大厅今天提前下班"})
    assert r.status_code == 401
    assert admin_client.get("/api/v1/auth/me").status_code == 401


def test_the_logout_button_ends_the_session_on_the_server(app, admin_client):
    thief = copy_of(app, admin_client)
    r = admin_client.post("/logout", data={"csrf_token": page_token(admin_client, "/admin")})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert thief.get("/admin").status_code == 302  # back to the login page
    assert thief.get("/api/v1/auth/me").status_code == 401


def test_the_cookie_holds_only_a_random_id_and_the_db_only_its_hash(hall, admin_client):
    value = cookie_of(admin_client)
    assert len(value) >= 40 and "admin1" not in value and "." not in value  # not a signed payload
    rows = list(hall.store.db.query("SELECT * FROM staff_sessions"))
    assert [r["id_hash"] for r in rows] == [hashlib.sha256(value.encode()).hexdigest()]
    assert all(value not in str(v) for r in rows for v in r.values())


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app):
    here, other = app.test_client(), app.test_client()
    login(here, "win1")
    login(other, "win1")
    r = here.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "another-horse-43"},
    )
    assert r.status_code == 200, r.get_json()
    assert here.get("/api/v1/auth/me").status_code == 200
    assert other.get("/api/v1/auth/me").status_code == 401
    assert (
        app.test_client()
        .post("/api/v1/auth/login", json={"username": "win1", "password": PASSWORD})
        .status_code
        == 401
    )
    assert (
        app.test_client()
        .post("/api/v1/auth/login", json={"username": "win1", "password": "another-horse-43"})
        .status_code
        == 200
    )


def test_a_wrong_current_password_changes_nothing_and_names_the_field(app, window_client):
    other = app.test_client()
    login(other, "win1")
    r = window_client.post(
        "/api/v1/auth/password",
        json={"current_password": "not-it-at-all", "new_password": "another-horse-43"},
    )
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "current_password"
    assert r.get_json()["error"]["message"] == "当前密码不正确。"
    assert other.get("/api/v1/auth/me").status_code == 200


def test_the_account_page_changes_the_password_and_keeps_this_session(app, window_client):
    other = app.test_client()
    login(other, "win1")
    token = page_token(window_client, "/account")
    r = window_client.post(
        "/account",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "another-horse-43",
            "repeat_password": "another-horse-44",
        },
    )
    assert r.status_code == 422 and "两次输入的新密码不一致" in r.get_data(as_text=True)
    assert other.get("/api/v1/auth/me").status_code == 200  # nothing changed
    r = window_client.post(
        "/account",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "another-horse-43",
            "repeat_password": "another-horse-43",
        },
    )
    assert r.status_code == 200 and 'id="password-done"' in r.get_data(as_text=True)
    assert window_client.get("/api/v1/auth/me").status_code == 200
    assert other.get("/api/v1/auth/me").status_code == 401


def test_an_admin_password_reset_ends_every_session_of_the_user(app, admin_client):
    a, b = app.test_client(), app.test_client()
    login(a, "win1")
    login(b, "win1")
    r = admin_client.post(
        "/api/v1/admin/users/win1/password", json={"password": "reset-by-admin-1"}
    )
    assert r.status_code == 200 and r.get_json()["sessions"] == 0
    assert a.get("/api/v1/auth/me").status_code == 401
    assert b.get("/api/v1/auth/me").status_code == 401
    assert admin_client.get("/api/v1/auth/me").status_code == 200


def test_disabling_an_account_ends_its_sessions_and_its_logins(app, admin_client):
    clerk = app.test_client()
    login(clerk, "win1")
    r = admin_client.patch("/api/v1/admin/users/win1", json={"disabled": True})
    assert r.status_code == 200 and r.get_json()["disabled"] is True
    assert clerk.get("/api/v1/auth/me").status_code == 401
    wrong = log_in(app, "win1", "nope-nope")
    assert wrong.status_code == 401 and wrong.get_json()["error"]["message"] == "用户名或密码错误。"
    right = log_in(app, "win1", PASSWORD)
    assert right.status_code == 401 and "已停用" in right.get_json()["error"]["message"]
    admin_client.patch("/api/v1/admin/users/win1", json={"disabled": False})
    assert (
        app.test_client()
        .post("/api/v1/auth/login", json={"username": "win1", "password": PASSWORD})
        .status_code
        == 200
    )


def test_an_idle_session_ends_after_the_idle_limit(make_app, clock):
    app = make_app(auth={"session_idle_minutes": 30, "session_max_hours": 12})
    c = app.test_client()
    login(c, "win1")
    for _ in range(4):  # busy: a request every 29 minutes keeps it alive
        clock.advance(minutes=29)
        assert c.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=30)
    assert c.get("/api/v1/auth/me").status_code == 401
    assert c.get("/window/3").status_code == 302


def test_a_session_ends_at_the_absolute_limit_however_busy(make_app, clock):
    app = make_app(auth={"session_idle_minutes": 60, "session_max_hours": 2})
    c = app.test_client()
    login(c, "win1")
    clock.advance(minutes=50)
    assert c.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=50)
    assert c.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=19, seconds=59)
    assert c.get("/api/v1/auth/me").status_code == 200
    clock.advance(seconds=1)  # 2 h after login
    assert c.get("/api/v1/auth/me").status_code == 401


def test_the_cookie_is_secure_and_hsts_is_sent_when_the_hall_serves_https(make_app):
    plain = make_app()
    r = log_in(plain, "win1", PASSWORD)
    assert "Secure" not in r.headers["Set-Cookie"] and "Strict-Transport-Security" not in r.headers
    https = make_app(server={"https": True})
    r = log_in(https, "win1", PASSWORD)
    assert "; Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    page = https.test_client().get("/login")
    assert "; Secure" in page.headers["Set-Cookie"]  # the pre-login CSRF cookie too


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(make_app):
    direct = make_app()
    log_in(direct, "win1", PASSWORD, headers={"X-Forwarded-For": "10.9.9.9"})
    seen = direct.extensions["hall"].accounts.user_view("win1")["last_login_address"]
    assert seen == "127.0.0.1"  # a header from anyone is not trusted without proxy_hops
    proxied = make_app(server={"proxy_hops": 1})
    log_in(proxied, "win1", PASSWORD, headers={"X-Forwarded-For": "10.9.9.9"})
    assert proxied.extensions["hall"].accounts.user_view("win1")["last_login_address"] == "10.9.9.9"


def test_a_role_change_applies_to_open_sessions_at_once(app, admin_client):
    guide = app.test_client()
    login(guide, "guide1")
    assert guide.get("/api/v1/guide/overview").status_code == 200
    r = admin_client.patch("/api/v1/admin/users/guide1", json={"role": "window"})
    assert r.status_code == 200
    assert guide.get("/api/v1/guide/overview").status_code == 403
