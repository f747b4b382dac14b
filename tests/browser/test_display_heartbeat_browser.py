"""Hall screens report to the guide desk (§8.1.5), in headless Chromium against a real server:
the board and a window screen opened once with ?token= send heartbeats (and keep doing so after
a reload, the token gone from the address bar); a screen that goes dark raises device.alert on
the event stream once the server's clock (HALLQUEUE_CLOCK_FILE, moved by the test) passes the
silence limit, and device.recovered when it is back; a refused token is said on the screen."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import browser  # noqa: F401 (fixture)
from tests.support.live_server import PASSWORD, start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

T0 = datetime.fromisoformat("2026-11-24T10:00:00+08:00")  # a Tuesday, hall open
ENV = {
    "HALLQUEUE_SERVER_DEVICE_SILENT_S": "6",  # beats every 2 s, a silent screen found in 1 s
    "HALLQUEUE_SERVER_SSE_HEARTBEAT_S": "1",
}  # the test's stream reader wakes every second


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("display-heartbeat"), env=ENV)
    server.set_clock(T0.isoformat())
    requests.get(f"{server.url}/display/fonts/hallsans.ttf", timeout=60)  # built once, cached
    server.create_user("guide1", "guide")
    server.guide = server.login("guide1")
    yield server
    server.stop()


def device(srv, device_id: str) -> dict:
    devices = srv.guide.get(f"{srv.url}/api/v1/devices", timeout=5).json()["devices"]
    return next(d for d in devices if d["id"] == device_id)


def last_event_id(srv) -> int:
    return requests.get(f"{srv.url}/api/v1/display/state", timeout=5).json()["last_event_id"]


def wait_for_event(srv, after: int, type_: str, device_id: str, timeout: float = 15) -> dict:
    """Read the event stream from ``after`` until ``type_`` for ``device_id`` arrives."""
    deadline = time.monotonic() + timeout
    with requests.get(
        f"{srv.url}/api/v1/events", headers={"Last-Event-ID": str(after)}, stream=True, timeout=5
    ) as r:
        for line in r.iter_lines(decode_unicode=True):
            if line.startswith("data: "):
                ev = json.loads(line[6:])
                if ev["type"] == type_ and ev["data"]["device"] == device_id:
                    return ev
            if time.monotonic() > deadline:
                break
    raise AssertionError(f"no {type_} for {device_id} within {timeout} s")


def beats(page) -> list[dict]:
    """The bodies of the heartbeats the page sent, once the server has answered each."""
    sent: list[dict] = []
    page.on(
        "response", lambda r: "/heartbeat" in r.url and sent.append(json.loads(r.request.post_data))
    )
    return sent


def wait_beat(page, sent: list, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not sent and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert sent, "no heartbeat"


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = context.new_page()
    sent = beats(page)
    page.goto(url)
    return context, page, sent


def test_the_board_heartbeats_with_its_token_and_keeps_it_after_a_reload(browser, srv):
    token = srv.create_device("board-a", "display")
    assert device(srv, "board-a")["last_seen"] is None
    context, page, sent = open_page(browser, f"{srv.url}/display?token={token}&zone=B区")
    try:
        expect(page.locator("#windows li").first).to_be_visible()
        expect(page).not_to_have_url(re.compile("token="))  # taken out of the address bar
        assert "zone=" in page.url  # the rest of the address stays
        wait_beat(page, sent)
        assert sent and sent[0] == {"status": {"page": "board", "zone": "B区"}}
        d = device(srv, "board-a")
        assert d["last_seen"] and d["online"] and d["status"] == {"page": "board", "zone": "B区"}
        # A reload (or the nightly restart of the TV) has no token in the address: it still beats.
        sent.clear()
        page.reload()
        wait_beat(page, sent)
        expect(page.locator("#device-note")).to_be_hidden()
    finally:
        context.close()


def test_a_window_screen_heartbeats_too(browser, srv):
    token = srv.create_device("window-3", "display")
    context, page, sent = open_page(browser, f"{srv.url}/display/window/3?token={token}")
    try:
        wait_beat(page, sent)
        assert sent and sent[0] == {"status": {"page": "window", "window": 3}}
        assert device(srv, "window-3")["online"]
    finally:
        context.close()


def test_a_screen_that_goes_dark_raises_an_alert_and_its_return_a_recovery(browser, srv):
    token = srv.create_device("board-c", "display")
    srv.set_clock(T0.isoformat())
    context, page, sent = open_page(browser, f"{srv.url}/display?token={token}")
    wait_beat(page, sent)
    assert device(srv, "board-c")["online"]
    context.close()  # the TV is switched off
    start = last_event_id(srv)
    srv.set_clock((T0 + timedelta(minutes=2)).isoformat())
    alert = wait_for_event(srv, start, "device.alert", "board-c")
    assert alert["data"]["problem"] == "silent" and alert["data"]["kind"] == "display"
    d = device(srv, "board-c")
    assert not d["online"] and d["alert"]
    # Switched on again: the same browser profile would still hold the token; here it is given.
    context, page, sent = open_page(browser, f"{srv.url}/display?token={token}")
    try:
        back = wait_for_event(srv, alert["id"], "device.recovered", "board-c")
        assert back["data"]["problem"] == "silent"
        assert device(srv, "board-c")["online"]
    finally:
        context.close()
        srv.set_clock(T0.isoformat())


def test_a_refused_token_is_said_on_the_screen_and_the_board_still_works(browser, srv):
    context, page, sent = open_page(browser, f"{srv.url}/display?token=not-a-token")
    try:
        expect(page.locator("#device-note")).to_be_visible(timeout=10_000)
        expect(page.locator("#device-note")).to_contain_text("设备令牌无效")
        expect(page.locator("#windows li").first).to_be_visible()
        assert sent == []  # nothing is reported under a refused token
    finally:
        context.close()


def test_a_board_without_a_token_sends_nothing(browser, srv):
    context, page, sent = open_page(browser, f"{srv.url}/display")
    try:
        expect(page.locator("#windows li").first).to_be_visible()
        page.wait_for_timeout(2500)  # longer than a beat
        assert sent == []
        expect(page.locator("#device-note")).to_be_hidden()
    finally:
        context.close()


def all_seen_are_reported_silent(srv) -> bool:
    devices = srv.guide.get(f"{srv.url}/api/v1/devices", timeout=5).json()["devices"]
    return all(d["silent_since"] for d in devices if d["last_seen"])


def test_the_guide_console_shows_the_silent_screen_and_its_return(browser, srv, output_dir):
    # Half an hour later: the screens of the tests above are dark by now; wait until the server has
    # said so, so that the only news below is about this test's screen.
    t1 = T0 + timedelta(minutes=30)  # (staff sessions end after 60 idle minutes)
    srv.set_clock(t1.isoformat())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all_seen_are_reported_silent(srv):
        time.sleep(0.2)
    token = srv.create_device("board-g", "display")
    context, page, sent = open_page(browser, f"{srv.url}/display?token={token}")
    wait_beat(page, sent)
    context.close()  # the screen goes dark
    guide_ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        guide = guide_ctx.new_page()
        guide.goto(f"{srv.url}/login?next=/guide")
        guide.fill("#username", "guide1")
        guide.fill("#password", PASSWORD)
        guide.click("#login-submit")
        guide.wait_for_url(f"{srv.url}/guide")
        row = guide.locator('#devices tr[data-device="board-g"]')
        expect(row).to_be_visible()
        expect(row).not_to_have_class(re.compile("alert"))
        srv.set_clock((t1 + timedelta(minutes=3)).isoformat())
        expect(guide.locator("#banner")).to_contain_text("board-g", timeout=15_000)
        expect(guide.locator("#banner")).to_contain_text("无心跳")
        expect(row).to_have_class(re.compile("alert"))
        guide.screenshot(path=str(output_dir / "display_silent_guide_alert.png"), full_page=True)
        context, page, sent = open_page(browser, f"{srv.url}/display?token={token}")
        expect(guide.locator("#banner")).to_contain_text("已恢复上报", timeout=15_000)
        expect(row).not_to_have_class(re.compile("alert"))
        context.close()
    finally:
        guide_ctx.close()
        srv.set_clock(T0.isoformat())
