"""The guide console's ticket desk in Chromium: find today's ticket, cancel it with a reason."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.support.browser import login_page

from .conftest import issue


def test_guide_finds_a_ticket_and_cancels_it_because_the_citizen_left(server, new_page, shots):
    t = issue(server, "medical", "desk-cancel-0001")
    page = login_page(new_page(), server, "guide1", "/guide")
    page.fill("#ticket-number", t["number"].lower())
    page.click("#ticket-find-btn")
    expect(page.locator("#found-number")).to_have_text(t["number"])
    expect(page.locator("#found-status")).to_have_text("等候")
    # Without a desk printer the reprint button is off and says what to do instead.
    expect(page.locator("#ticket-reprint-btn")).to_be_disabled()
    page.select_option("#ticket-cancel select[name=reason]", "left")
    page.click("#ticket-cancel-btn")
    expect(page.locator("#ticket-desk-status")).to_contain_text(f"{t['number']} 号已取消")
    expect(page.locator("#found-status")).to_have_text("已取消")
    page.locator(".ticket-desk").screenshot(path=str(shots / "guide-ticket-desk.png"))
    assert (
        requests.get(f"{server.url}/api/v1/tickets/{t['id']}", timeout=5).json()["status"]
        == "cancelled"
    )

    page.fill("#ticket-number", "Z999")
    page.click("#ticket-find-btn")
    expect(page.locator("#ticket-desk-status")).to_contain_text("Z999")
