"""The hall display, window screen and status page in headless Chromium against a real server.

One `queue-server serve` process and one browser for the module. Times are checked with
Playwright's waits (1 s for the board), never with sleeps.
"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from queue_server.configfile import load_settings
from queue_server.hall import Hall
from tests.support.browser import browser  # noqa: F401 (fixture)
from tests.support.live_server import start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Counts clips that are actually playing, to prove the display never plays two at once.
AUDIO_PROBE = """
window.__playing = 0; window.__maxPlaying = 0; window.__played = [];
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const el = this;
  if (!el.__probed) {
    el.__probed = true;
    el.addEventListener("playing", () => {
      if (el.__on) return;
      el.__on = true; window.__playing++; window.__played.push(el.src.split("/").pop());
      window.__maxPlaying = Math.max(window.__maxPlaying, window.__playing);
    });
    const off = () => { if (el.__on) { el.__on = false; window.__playing--; } };
    for (const t of ["ended", "pause", "error", "emptied"]) el.addEventListener(t, off);
  }
  return realPlay.call(this);
};
"""
VOICE_ENV = {
    "HALLQUEUE_VOICE_REPEAT": "1",
    "HALLQUEUE_VOICE_CHIME": "false",
    "HALLQUEUE_VOICE_ESPEAK_SPEED": "400",
}


class HallClient:
    """Issues and calls tickets through the HTTP API, as the kiosk and a window would."""

    def __init__(self, srv):
        self.srv = srv
        self.kiosk = requests.Session()
        self.kiosk.headers["Authorization"] = f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"
        srv.create_user("win1", "window")
        self.window = srv.login("win1")
        srv.create_user("guide1", "guide")
        self.guide = srv.login("guide1")

    def issue(self, service: str) -> dict:
        r = self.kiosk.post(
            f"{self.srv.url}/api/v1/tickets",
            json={"service": service, "request_id": uuid.uuid4().hex},
            timeout=5,
        )
        r.raise_for_status()
        return r.json()

    def post(self, path: str) -> requests.Response:
        r = self.window.post(f"{self.srv.url}/api/v1{path}", json={}, timeout=5)
        r.raise_for_status()
        return r

    def call(self, window: int) -> tuple[str, int]:
        """Call next; returns the ticket number and the ticket.called event id."""
        number = self.post(f"/windows/{window}/call-next").json()["number"]
        return number, self.state()["last_event_id"]

    def state(self) -> dict:
        return requests.get(f"{self.srv.url}/api/v1/display/state", timeout=5).json()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("display-live"), env=VOICE_ENV)
    requests.get(f"{server.url}/display/fonts/hallsans.ttf", timeout=60)  # built once, then cached
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(srv):
    client = HallClient(srv)
    for n in (1, 3, 4, 9):
        client.post(f"/windows/{n}/open")
    return client


@pytest.fixture
def board(browser, srv, api):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    announced: list[str] = []
    page.on(
        "request",
        lambda r: "/api/v1/announcements/" in r.url and announced.append(r.url.rsplit("/", 1)[1]),
    )
    page.add_init_script(AUDIO_PROBE)
    page.goto(f"{srv.url}/display")
    expect(page.locator("#windows li")).to_have_count(11)
    page.announced = announced
    yield page
    page.close()


def distinct_in_order(urls: list[str]) -> list[int]:
    out: list[int] = []
    for u in urls:  # a media element may fetch one file in several range requests
        n = int(u.split(".")[0])
        if not out or out[-1] != n:
            out.append(n)
    return out


def test_a_call_appears_within_a_second_with_recent_calls_and_waiting_counts(
    board, api, output_dir
):
    issued = [api.issue("pension")["number"] for _ in range(4)] + [api.issue("consult")["number"]]
    first, _ = api.call(4)
    expect(board.locator("#hero-number")).to_have_text(first, timeout=1000)
    expect(board.locator("#hero")).to_have_class(re.compile(r"\bflash\b"), timeout=1000)
    expect(board.locator('#windows li[data-window="4"] .win-number')).to_have_text(
        first, timeout=1000
    )
    second, _ = api.call(3)  # window 3 prefers pension
    expect(board.locator("#hero-number")).to_have_text(second, timeout=1000)
    expect(board.locator("#hero-window")).to_have_text("请到 3号窗口 办理业务", timeout=1000)
    consult, _ = api.call(1)
    expect(board.locator("#hero-number")).to_have_text(consult, timeout=1000)
    assert [first, second, consult] == [issued[0], issued[1], issued[4]]
    expect(board.locator("#recent .recent-number")).to_have_text(
        [consult, second, first], timeout=1000
    )
    waiting = {s["code"]: s["waiting"] for s in api.state()["services"]}
    assert waiting["pension"] == 2 and waiting["consult"] == 0
    expect(board.locator('#waiting li[data-service="pension"] .count')).to_have_text(
        "2", timeout=1000
    )
    expect(board.locator('#waiting li[data-service="consult"] .count')).to_have_text(
        "0", timeout=1000
    )
    board.screenshot(path=str(output_dir / "display_board_1920x1080.png"))


def test_announcements_are_requested_in_order_and_none_is_skipped(board, api):
    for _ in range(3):
        api.issue("pension")
    api.issue("card")
    calls = [api.call(4), api.call(3), api.call(9), api.call(4)]  # in quick succession
    expect(board.locator("#hero-number")).to_have_text(calls[-1][0], timeout=1000)
    expected = [event_id for _, event_id in calls]
    deadline_polls = 300
    while len(distinct_in_order(board.announced)) < len(expected) and deadline_polls:
        board.wait_for_timeout(100)  # each clip plays to its end before the next is asked for
        deadline_polls -= 1
    assert distinct_in_order(board.announced) == expected
    # A function, not an expression string: the page's CSP forbids the eval Playwright polls with.
    board.wait_for_function(
        f"() => window.__played.length >= {len(expected)} && window.__playing === 0", timeout=30_000
    )
    assert board.evaluate("window.__played") == [f"{e}.wav" for e in expected]
    assert board.evaluate("window.__maxPlaying") == 1  # one call at a time, never overlapping
    for event_id in expected:
        r = requests.get(f"{api.srv.url}/api/v1/announcements/{event_id}.wav", timeout=5)
        assert r.status_code == 200 and r.content[:4] == b"RIFF"


def test_the_board_recovers_after_a_server_restart_and_shows_calls_made_meanwhile(board, api, srv):
    api.issue("pension")
    api.issue("pension")
    srv.proc.kill()  # no clean shutdown: the streams just die
    srv.proc.wait()
    srv.proc = None
    expect(board.locator("#conn")).to_be_visible(timeout=10_000)
    # While the server is down a call is made on the same database (as a second server would).
    settings = load_settings(srv.config, environ={})
    offline = Hall.open(settings, srv.db)
    try:
        away = offline.queue.call_next(4, "win1")["number"]
    finally:
        offline.close()
    srv.start()
    expect(board.locator("#hero-number")).to_have_text(away, timeout=15_000)
    expect(board.locator('#windows li[data-window="4"] .win-number')).to_have_text(
        away, timeout=1000
    )
    expect(board.locator("#conn")).to_be_hidden(timeout=5000)
    after, _ = api.call(3)
    expect(board.locator("#hero-number")).to_have_text(after, timeout=1000)
    expect(board.locator("#recent .recent-number").nth(1)).to_have_text(away, timeout=1000)


def test_a_ticket_cancelled_while_called_leaves_the_board_and_its_window_screen(
    board, browser, srv, api
):
    screen = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        screen.goto(f"{srv.url}/display/window/4")
        ticket, other = api.issue("pension"), api.issue("pension")
        r = api.window.post(
            f"{srv.url}/api/v1/windows/4/call-next", json={"ticket_id": ticket["id"]}, timeout=5
        )
        assert r.status_code == 200, r.text
        tile = board.locator('#windows li[data-window="4"] .win-number')
        expect(tile).to_have_text(ticket["number"], timeout=1000)
        expect(screen.locator("#ws-ticket")).to_have_text(ticket["number"], timeout=1000)
        waiting = board.locator('#waiting li[data-service="pension"] .count')
        before = int(waiting.inner_text())
        for t in (ticket, other):  # the citizen at the window left; then one who waited
            r = api.guide.post(
                f"{srv.url}/api/v1/tickets/{t['id']}/cancel", json={"reason": "left"}, timeout=5
            )
            assert r.status_code == 200, r.text
        expect(tile).to_have_text("—", timeout=1000)
        expect(screen.locator("#ws-ticket")).to_be_hidden(timeout=1000)
        expect(screen.locator("#ws-state")).to_have_text("空闲")
        expect(waiting).to_have_text(str(before - 1), timeout=1000)
    finally:
        screen.close()


def test_the_notice_set_by_staff_runs_along_the_bottom(board, api):
    text = "温馨提示：今天下午 16:30 起暂停办理社保卡业务，请谅解。"
    r = api.guide.post(f"{api.srv.url}/api/v1/notice", json={"text": text}, timeout=5)
    assert r.status_code == 200, r.text
    expect(board.locator("#notice")).to_have_text(text, timeout=1000)


def test_a_zone_board_shows_only_its_windows(browser, srv, api, output_dir):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(f"{srv.url}/display?zone=C区")
        expect(page.locator("#windows li")).to_have_count(3)
        expect(page.locator("#waiting li")).to_have_count(5)  # window 11 serves every service
        api.issue("card")
        number, _ = api.call(9)
        expect(page.locator("#hero-number")).to_have_text(number, timeout=1000)
        page.screenshot(path=str(output_dir / "display_zone_C.png"))
    finally:
        page.close()


def test_the_window_screen_follows_its_window(browser, srv, api, output_dir):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{srv.url}/display/window/3")
        api.issue("pension")
        number, _ = api.call(3)
        expect(page.locator("#ws-ticket")).to_have_text(number, timeout=1000)
        expect(page.locator("#ws-state")).to_have_text("正在呼叫", timeout=1000)
        page.screenshot(path=str(output_dir / "display_window_3.png"))
        api.post("/windows/3/start")
        expect(page.locator("#ws-state")).to_have_text("正在办理", timeout=1000)
        api.post("/windows/3/pause")
        expect(page.locator("#ws-state")).to_have_text("暂停服务", timeout=1000)
        expect(page.locator("#ws-ticket")).to_have_text(number)  # still serving that citizen
        page.screenshot(path=str(output_dir / "display_window_3_paused.png"))
        api.post("/windows/3/open")
        api.post("/windows/3/finish")
        expect(page.locator("#ws-state")).to_have_text("空闲", timeout=1000)
        expect(page.locator("#ws-ticket")).to_be_hidden()
    finally:
        page.close()


def test_the_status_page_updates_when_the_ticket_is_called(browser, srv, api, output_dir):
    # Empty window 5's queue first so the new ticket's position is known.
    api.post("/windows/5/open")
    while (
        api.window.post(f"{srv.url}/api/v1/windows/5/call-next", json={}, timeout=5).status_code
        == 200
    ):
        pass
    ticket = api.issue("pension")
    behind = api.issue("pension")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2
    )
    page = context.new_page()
    try:
        page.goto(f"{srv.url}/t/{behind['id']}")
        expect(page.locator("#st-number")).to_have_text(behind["number"])
        expect(page.locator("#st-ahead")).to_have_text("1 人")
        expect(page.locator("#st-state")).to_have_text("排队等候中")
        page.screenshot(path=str(output_dir / "status_waiting_390x844.png"))
        assert api.call(5)[0] == ticket["number"]
        expect(page.locator("#st-ahead")).to_have_text("0 人", timeout=6000)  # polled every 4 s
        assert api.call(5)[0] == behind["number"]
        expect(page.locator("#st-state")).to_contain_text("5号窗口", timeout=6000)
        page.screenshot(path=str(output_dir / "status_called_390x844.png"))
        page.goto(f"{srv.url}/t/{behind['id']}?lang=en")
        expect(page.locator("#st-state")).to_have_text("Please go to Window 5 (B区 room 102) now")
        page.screenshot(path=str(output_dir / "status_called_en_390x844.png"))
    finally:
        context.close()
