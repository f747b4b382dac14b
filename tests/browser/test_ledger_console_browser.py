"""The ledger form and live updates in headless Chromium against a real server (issue 9, items
7 and 15): another document than the ID card is recorded from the form, and a record made at
one console appears on another open console without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import browser, new_page  # noqa: F401 (fixtures)
from tests.support.browser import login_page, shots_dir
from tests.support.live_server import start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("ledger-console"))
    srv.set_clock("2026-11-24T09:00:00+08:00")
    for name, role in (("win1", "window"), ("guide1", "guide")):
        srv.create_user(name, role)
    yield srv
    srv.stop()


def test_a_passport_is_recorded_from_the_form_and_appears_live_on_another_console(new_page, server):
    guide = login_page(new_page(), server, "guide1", "/guide")
    window = login_page(new_page(), server, "win1", "/window/1")
    listed = window.locator("#ledger-list tbody tr[data-id]")
    expect(window.locator('#ledger-tabs [data-count="open"]')).to_have_text("0")

    form = guide.locator("#ledger-form")
    country = form.locator('[name="document_country"]')
    expect(country).to_be_hidden()
    form.locator('[name="document_type"]').select_option("passport")
    expect(country).to_be_visible()
    form.locator('[name="name"]').fill("John Smith")
    form.locator('[name="id_number"]').fill("E12")  # too short for a passport
    form.locator('[name="form"]').select_option("letter")  # no phone needed (§7.3)
    form.locator('[name="summary"]').fill(
        "来信咨询外籍人员在华参加养老保险及离境时个人账户的处理。"
    )
    form.locator('[name="reply_class"]').select_option("letter")
    guide.click("#ledger-save")
    expect(form.locator('[data-error-for="id_number"]')).to_contain_text("护照号码")

    form.locator('[name="id_number"]').fill("E12345678")
    country.fill("GBR")
    guide.click("#ledger-save")
    expect(guide.locator("#ledger-status")).to_contain_text("2026-12-08")  # 10 working days

    # The window console was open all along: ledger.changed reloads its list.
    expect(window.locator('#ledger-tabs [data-count="open"]')).to_have_text("1")
    window.click('#ledger-tabs [data-status="open"]')
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("护照 GBR")
    expect(listed.first).to_contain_text("*****5678")
    expect(listed.first).not_to_contain_text("E12345678")
    window.screenshot(path=str(shots_dir("ledger") / "ledger-passport-live.png"), full_page=True)
