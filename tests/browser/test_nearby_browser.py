"""The ticket's status page in Chromium names a nearby hall with a shorter queue (issue 18
item 4) while the ticket waits, and hides it once the ticket is called. The city is a
stand-in at its HTTP interface (tests/city/test_nearby.py runs the real one)."""

from __future__ import annotations

import time

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_display_browser import HallClient
from tests.support.browser import browser  # noqa: F401 (fixture)
from tests.support.fake_city import FakeCity
from tests.support.live_server import start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def services(srv) -> dict:
    listed = requests.get(f"{srv.url}/api/v1/services", timeout=5).json()["services"]
    return {s["code"]: s for s in listed}


def test_the_status_page_names_a_shorter_queue_nearby_until_called(
    browser,  # noqa: F811
    tmp_path,
    output_dir,
):
    with FakeCity({"demo-2": {"consult": 1}}) as city:
        env = {
            "HALLQUEUE_CITY_URL": city.url,
            "HALLQUEUE_CITY_HALL_ID": "demo-1",
            "HALLQUEUE_CITY_NEARBY_MIN_WAITING": "2",
        }
        srv = start_server(tmp_path / "hall", env=env)
        try:
            status_page_hint(browser, srv, output_dir)
        finally:
            srv.stop()


def status_page_hint(browser, srv, output_dir) -> None:  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2
    )
    try:
        api = HallClient(srv)
        tickets = [api.issue("consult") for _ in range(4)]  # 3 ahead of the last, 1 there
        deadline = time.monotonic() + 20  # the server's refresher asks the city when it starts
        while not services(srv)["consult"]["nearby"]:
            assert time.monotonic() < deadline, "the hall never heard from the city"
            time.sleep(0.2)
        page = context.new_page()
        page.goto(f"{srv.url}/t/{tickets[-1]['id']}")
        expect(page.locator("#st-nearby")).to_have_text(
            "示范市第二经办服务大厅 同类业务等候 1 人（约 2 公里）"
        )
        page.screenshot(path=str(output_dir / "status_nearby_390x844.png"))
        api.post("/windows/1/open")
        for _ in tickets:
            api.call(1)
        expect(page.locator("#st-state")).to_contain_text("1号窗口", timeout=6000)
        expect(page.locator("#st-nearby")).to_be_hidden()
    finally:
        context.close()
