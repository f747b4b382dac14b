"""A Uyghur phone in headless Chromium: the ticket status page it reaches by the QR code and a
hall screen set to Uyghur read the server's catalogs, right to left (issue 12: the pages once
had a zh_CN/en copy of their own, so a Uyghur phone got Chinese)."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import shots_dir
from tests.support.live_server import start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ARABIC_SCRIPT = r"[\u0600-\u06ff]"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("uyghur-live"))
    server.window_user = "win-ug"
    server.create_user(server.window_user, "window")
    yield server
    server.stop()


@pytest.fixture
def phone(browser, new_page):
    # Playwright's locale sets both navigator.language and the Accept-Language header.
    return new_page(locale="ug", viewport={"width": 390, "height": 844}, device_scale_factor=2)


def issue(srv) -> dict:
    token = srv.create_device(f"kiosk-{uuid.uuid4().hex[:6]}", "kiosk")
    r = requests.post(
        f"{srv.url}/api/v1/tickets",
        json={"service": "pension", "request_id": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    r.raise_for_status()
    return r.json()


def test_a_uyghur_phone_reads_its_ticket_status_in_uyghur_right_to_left(srv, phone):
    ticket = issue(srv)
    phone.goto(f"{srv.url}/t/{ticket['id']}")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("#st-number")).to_have_text(ticket["number"])
    expect(phone.locator("#st-state")).to_have_text("ئۆچىرەتتە ساقلاۋاتىدۇ")
    expect(phone.locator(".st-label")).to_have_text("نومۇرىڭىز")
    expect(phone.locator("#st-ahead")).to_contain_text("كىشى")
    assert phone.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "您的号码" not in phone.content()
    # the language links name each language in itself; Chinese is one tap away
    expect(phone.locator(".st-lang")).to_have_text(["中文", "English"])
    phone.screenshot(path=str(shots_dir("uyghur") / "status_ug_390x844.png"))
    phone.locator(".st-lang", has_text="中文").click()
    expect(phone.locator("#st-state")).to_have_text("排队等候中")
    expect(phone.locator("html")).to_have_attribute("dir", "ltr")
    # called: the window, its zone and room in Uyghur order, the hall's own names kept whole
    phone.goto(f"{srv.url}/t/{ticket['id']}")
    staff = srv.login(srv.window_user)
    staff.post(f"{srv.url}/api/v1/windows/5/open", json={}, timeout=5)
    call = f"{srv.url}/api/v1/windows/5/call-next"
    while staff.post(call, json={}, timeout=5).status_code == 200:  # 204: nobody waits
        phone.reload()
        if phone.locator("body[data-status=called]").count():
            break
    expect(phone.locator("#st-state")).to_contain_text("دەرھال بېرىڭ: 5-كۆزنەك")
    phone.screenshot(path=str(shots_dir("uyghur") / "status_called_ug_390x844.png"))


def test_hall_screens_set_to_uyghur_show_uyghur(srv, new_page):
    page = new_page(locale="ug", viewport={"width": 1920, "height": 1080})
    page.goto(f"{srv.url}/display?lang=ug")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".hero-label")).to_have_text("ھازىر چاقىرىلىۋاتىدۇ")
    expect(page.locator(".right h2")).to_have_text("يېقىنقى چاقىرىقلار")
    expect(page.locator("#windows li").first).to_contain_text("-كۆزنەك")
    expect(page.locator("#hero-window")).to_have_text(re.compile(ARABIC_SCRIPT))
    expect(page.locator(".svc .svc-label").first).to_have_text("ساقلاۋاتىدۇ")
    expect(page.locator(".svc .svc-unit").first).to_have_text("كىشى")
    page.screenshot(path=str(shots_dir("uyghur") / "board_ug_1920x1080.png"))
    # a window screen set to Uyghur too
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{srv.url}/display/window/3?lang=ug")
    expect(page.locator(".ws-number")).to_have_text("3-كۆزنەك")
    expect(page.locator("#ws-state")).to_have_text("تاقاق")
    page.screenshot(path=str(shots_dir("uyghur") / "window_ug_1280x720.png"))
