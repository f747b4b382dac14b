"""Logins are throttled per (user name, client address) with growing delays; a hard lock needs
many failures from several addresses; unknown names get the same words and the same time
(issue 11 items 2 and 3)."""

from __future__ import annotations

import dataclasses
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from queue_server.errors import Unauthorized
from queue_server.hall import Hall
from queue_server.web import create_app
from tests.conftest import EXAMPLE_CONFIG, PASSWORD

QS = [str(Path(sys.executable).with_name("queue-server"))]


def attempt(app, username: str, password: str, address: str):
    r = app.test_client().post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return r.status_code, r.get_json().get("error", {}).get("message")


@pytest.fixture
def make_app(settings, tmp_path, clock, password_hash):
    apps = []

    def make(**auth):
        s = dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, **auth))
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


def test_failures_from_one_address_do_not_keep_the_clerk_out_from_another(app):
    for _ in range(3):
        assert attempt(app, "win1", "wrong-guess", "10.0.0.66")[0] == 401
    status, message = attempt(app, "win1", PASSWORD, "10.0.0.66")
    assert status == 429 and message == "本机登录失败次数过多，请 5 秒后再试。"
    for _ in range(10):  # the prankster keeps trying …
        assert attempt(app, "win1", "wrong-guess", "10.0.0.66")[0] == 429
    assert attempt(app, "win1", PASSWORD, "10.0.0.7")[0] == 200  # … the clerk at window 3 logs in


def test_the_wait_doubles_with_each_further_failure(app, clock):
    for _ in range(3):
        attempt(app, "win1", "wrong-guess", "10.0.0.66")
    for wait in (5, 10, 20, 40):
        clock.advance(seconds=wait - 1)
        assert attempt(app, "win1", PASSWORD, "10.0.0.66") == (
            429,
            "本机登录失败次数过多，请 1 秒后再试。",
        )
        clock.advance(seconds=1)
        assert attempt(app, "win1", "wrong-guess", "10.0.0.66")[0] == 401
    clock.advance(seconds=80)
    assert attempt(app, "win1", PASSWORD, "10.0.0.66")[0] == 200


def test_the_wait_stops_growing_at_the_maximum(make_app, clock):
    app = make_app(login_first_delay_s=5, login_max_delay_s=12)
    for _ in range(3):
        attempt(app, "win1", "wrong-guess", "10.0.0.66")
    for wait in (5, 10, 12, 12):
        clock.advance(seconds=wait)
        assert attempt(app, "win1", "wrong-guess", "10.0.0.66")[0] == 401


def test_a_successful_login_clears_the_throttle_of_that_address(app, clock):
    for _ in range(3):
        attempt(app, "win1", "wrong-guess", "10.0.0.66")
    clock.advance(seconds=5)
    assert attempt(app, "win1", PASSWORD, "10.0.0.66")[0] == 200
    for _ in range(3):  # three free failures again
        assert attempt(app, "win1", "wrong-guess", "10.0.0.66")[0] == 401


def test_parallel_tries_cannot_slip_past_the_delay(app):
    """The try is counted before the slow password check, so a burst gets refused too."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        tries = pool.map(lambda _: attempt(app, "win1", "wrong-guess", "10.0.0.66")[0], range(8))
        results = list(tries)
    assert sorted(results) == [401] * 3 + [429] * 5


def test_many_failures_from_many_addresses_hard_lock_the_name(make_app, clock):
    app = make_app(lock_failures=6, lock_addresses=3, lock_minutes=0)
    for address in ("10.0.1.1", "10.0.1.2", "10.0.1.3"):
        for _ in range(2):
            assert attempt(app, "win1", "wrong-guess", address)[0] == 401
    status, message = attempt(app, "win1", PASSWORD, "10.0.0.7")
    assert status == 429 and "已被锁定" in message
    clock.advance(days=1)  # lock_minutes = 0: until an administrator unlocks
    assert attempt(app, "win1", PASSWORD, "10.0.0.7")[0] == 429
    admin = app.test_client()
    admin.post("/api/v1/auth/login", json={"username": "admin1", "password": PASSWORD})
    listed = {u["username"]: u for u in admin.get("/api/v1/admin/users").get_json()["users"]}
    assert listed["win1"]["locked"] is True and listed["win1"]["locked_until"] is None
    r = admin.post("/api/v1/admin/users/win1/unlock", json={})
    assert r.status_code == 200 and r.get_json()["locked"] is False
    assert attempt(app, "win1", PASSWORD, "10.0.0.7")[0] == 200


def test_failures_from_one_address_alone_never_hard_lock(make_app, clock):
    app = make_app(lock_failures=6, lock_addresses=3)
    for _ in range(20):
        attempt(app, "win1", "wrong-guess", "10.0.1.1")
        clock.advance(seconds=301)
    assert attempt(app, "win1", PASSWORD, "10.0.0.7")[0] == 200


def test_a_hard_lock_ends_after_lock_minutes(make_app, clock):
    app = make_app(lock_failures=4, lock_addresses=2, lock_minutes=30)
    for address in ("10.0.1.1", "10.0.1.2"):
        for _ in range(2):
            attempt(app, "win1", "wrong-guess", address)
    assert attempt(app, "win1", PASSWORD, "10.0.0.7")[0] == 429
    clock.advance(minutes=30)
    assert attempt(app, "win1", PASSWORD, "10.0.0.7")[0] == 200


def test_unknown_names_get_the_same_words_at_every_step(make_app):
    app = make_app(lock_failures=6, lock_addresses=3)
    seen = {}
    for name in ("win1", "nobody-here"):
        replies = [attempt(app, name, "wrong-guess", "10.0.2.1") for _ in range(4)]
        for address in ("10.0.2.2", "10.0.2.3"):
            replies += [attempt(app, name, "wrong-guess", address) for _ in range(2)]
        replies.append(attempt(app, name, "wrong-guess", "10.0.2.9"))
        seen[name] = replies
    assert seen["win1"] == seen["nobody-here"]
    # 3 free failures, throttled, then 2 + 1 more from other addresses: 6 from 3 → locked.
    assert [s for s, _ in seen["win1"]] == [401, 401, 401, 429, 401, 401, 401, 429, 429]
    assert "秒后再试" in seen["win1"][3][1]
    assert "锁定" in seen["win1"][-1][1]  # the lock, said the same way for a name that is not there


def test_the_login_page_shows_the_throttle_in_the_same_words(app):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.0.3.1"
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    bodies = []
    for name in ("win1", "nobody-here"):
        for _ in range(4):
            r = c.post(
                "/login", data={"csrf_token": token, "username": name, "password": "wrong-guess"}
            )
        shown = re.search(r'id="login-error"[^>]*>([^<]+)<', r.get_data(as_text=True)).group(1)
        bodies.append((r.status_code, shown))
    assert bodies[0] == bodies[1] == (429, "本机登录失败次数过多，请 5 秒后再试。")


def test_known_and_unknown_names_take_the_same_time(make_app):
    """Issue 11: 218 ms against 9 ms told real names apart. Medians of 20 tries each must be
    within 20 %. Counted in this thread's CPU time: the leak was work (a hash skipped for unknown
    names), and CPU time does not move with other load on the machine the way wall time does;
    tests/bench/bench_login.py prints the wall-clock figures over HTTP."""
    app = make_app(lock_failures=10_000)
    known, unknown = [], []
    for i in range(20):
        for name, times in (("win1", known), ("nobody-here", unknown)):
            start = time.thread_time()
            status, _ = attempt(app, name, "wrong-guess", f"10.1.{i}.{1 if name == 'win1' else 2}")
            times.append(time.thread_time() - start)
            assert status == 401
    a, b = statistics.median(known), statistics.median(unknown)
    assert abs(a - b) <= 0.2 * max(a, b), (a, b)


def test_cli_unlock_user(tmp_path, settings):
    config = tmp_path / "hall.toml"
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^data_dir = .*$", f'data_dir = "{(tmp_path / "data").as_posix()}"', text)
    text = re.sub(r"(?m)^faq_file = .*$", 'faq_file = ""', text)
    config.write_text(text, encoding="utf-8")
    db = tmp_path / "hall.db"
    s = dataclasses.replace(
        settings,
        auth=dataclasses.replace(settings.auth, lock_failures=2, lock_addresses=2, lock_minutes=0),
    )
    hall = Hall.open(s, db)
    hall.accounts.create_user("win1", "window", PASSWORD)
    for address in ("10.0.1.1", "10.0.1.2"):
        with pytest.raises(Unauthorized):
            hall.accounts.authenticate("win1", "wrong-guess", address)
    assert hall.accounts.logins.locked_until("win1") == (True, None)
    out = subprocess.run(
        [*QS, "unlock-user", "win1", "--config", str(config), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "已解锁" in out.stdout
    assert hall.accounts.logins.locked_until("win1") == (False, None)
    assert hall.accounts.authenticate("win1", PASSWORD, "10.0.1.1")["username"] == "win1"
    hall.close()
