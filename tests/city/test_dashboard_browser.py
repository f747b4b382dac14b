"""The bureau's dashboard in Chromium, served by a real ``queue-server city serve`` process:
log in through the form, the live page and the figures of two halls side by side, no CSP
violation or console error; screenshots in tests/output/city/."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import requests

from queue_server.city import derived
from queue_server.city.db import connect
from tests.city.halls import make_hall
from tests.city.test_followups import bad_rating_with_contact
from tests.city.test_shipper import city_settings, ship_all
from tests.support.browser import browser, login_page, new_page, shots_dir, watched  # noqa: F401
from tests.support.live_server import PASSWORD, free_port

pytestmark = pytest.mark.browser
BIN = Path(sys.executable).with_name("queue-server")


class Dashboard:
    def __init__(self, dsn: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(BIN), "city", "serve", "--pg", dsn, "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        end = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{self.url}/login", timeout=1)
                return
            except requests.ConnectionError:
                if time.monotonic() > end or self.proc.poll() is not None:
                    raise AssertionError(log.read_text()) from None
                time.sleep(0.1)

    def stop(self) -> int:
        self.proc.terminate()
        return self.proc.wait(15)


@pytest.fixture
def dashboard(morning, settings, db_path, city_dsn, tmp_path, clock):
    bad_rating_with_contact(morning, clock)  # a 差评 follow-up, its call due 2026-11-25
    ship_all(city_settings(settings, city_dsn), db_path)
    second = tmp_path / "second.db"
    make_hall(second, date(2026, 11, 24), days=1, tickets=400, seed=7)
    other = dataclasses.replace(settings.hall, name="示范市社会保险事业管理中心 第二经办服务大厅")
    ship_all(
        city_settings(dataclasses.replace(settings, hall=other), city_dsn, hall_id="demo-2"), second
    )
    with connect(city_dsn) as conn:
        derived.refresh_all(conn)
    subprocess.run(
        [str(BIN), "city", "create-user", "bureau1", "--pg", city_dsn, "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    server = Dashboard(city_dsn, tmp_path / "dashboard.log")
    yield server, city_dsn
    assert server.stop() == 0


def test_the_bureau_logs_in_and_sees_every_hall_and_their_figures(dashboard, new_page):
    server, dsn = dashboard
    page = new_page()
    errors = watched(page)
    login_page(page, server, "bureau1", "/")
    rows = page.locator("#live tbody tr")
    assert rows.count() == 2
    assert "第一经办服务大厅" in rows.nth(0).inner_text()
    assert "第二经办服务大厅" in rows.nth(1).inner_text()
    assert page.locator("th", has_text="咨询窗口（§4.2）").count() == 1
    # The dashboard runs on the real clock: the call due 2026-11-25 is overdue by now.
    first_hall = page.locator('#live tr[data-hall="demo-1"]')
    assert first_hall.locator("td.followups").inner_text() == "1 / 1"
    assert first_hall.locator("td.followups .bad").count() == 1
    assert page.locator('#live tr[data-hall="demo-2"] td.followups').inner_text() == "0 / 0"
    page.screenshot(path=str(shots_dir("city") / "live.png"), full_page=True)

    page.goto(f"{server.url}/figures?from=2026-11-24&to=2026-11-24")
    first = page.locator('#figures tr[data-hall="demo-1"] td')
    second = page.locator('#figures tr[data-hall="demo-2"] td')
    assert first.nth(1).inner_text() == "6"  # the morning's five and the 差评 with a contact
    assert second.nth(1).inner_text() == "400"
    page.screenshot(path=str(shots_dir("city") / "figures.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#xlsx")
    assert download.value.suggested_filename == "city-figures-2026-11-24-2026-11-24.xlsx"

    page.click("#logout")
    page.wait_for_url(f"{server.url}/login")
    assert page.evaluate("window.__csp") == [] and errors == []


def test_a_wrong_password_shows_a_message_on_the_form(dashboard, new_page):
    server, _ = dashboard
    page = new_page()
    page.goto(f"{server.url}/login")
    page.fill("#username", "bureau1")
    page.fill("#password", "not-the-password")
    page.click("#login-submit")
    page.wait_for_selector("#login-error:not([hidden])")
    assert page.locator("#login-error").inner_text() != ""
    assert page.url == f"{server.url}/login"
