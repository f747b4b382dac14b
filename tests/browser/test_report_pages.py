"""The supervision pages in headless Chromium against a real server (issue 15): today's live
report, a range with its trend and heatmap, the A4 print layout, the XLSX downloaded from the
page and checked against the API, the 差评 follow-up from the evaluator tablet to the guide
console's overdue list and back to closed, the planner, and the roles. Screenshots in
tests/output/reports/ (looked at)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.support.browser import login_page, shots_dir, watched
from tests.support.live_server import start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

TUE, WED, THU = "2026-11-24", "2026-11-25", "2026-11-26"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("reports"))
    for name, role in (("win1", "window"), ("guide1", "guide"), ("sup1", "supervisor")):
        srv.create_user(name, role)
    srv.kiosk = srv.create_device("kiosk-1", "kiosk")
    srv.evaluator = srv._cli(
        "create-device", "eval-4", "--kind", "evaluator", "--window", "4"
    ).splitlines()[-1]
    yield srv
    srv.stop()


@pytest.fixture
def shots():
    return shots_dir("reports")


def at(server, day: str, hhmm: str) -> None:
    server.set_clock(f"{day}T{hhmm}:00+08:00")


class Hall:
    """The day's work through the real API, as kiosks and window consoles do it."""

    def __init__(self, server):
        self.server, self.staff = server, server.login("win1")

    def issue(self, service: str, **extra) -> dict:
        r = requests.post(
            f"{self.server.url}/api/v1/tickets",
            timeout=10,
            json={"service": service, "request_id": uuid.uuid4().hex, **extra},
            headers={"Authorization": f"Bearer {self.server.kiosk}"},
        )
        assert r.status_code == 201, r.text
        return r.json()

    def window(self, number: int, action: str, **body) -> dict | None:
        r = self.staff.post(
            f"{self.server.url}/api/v1/windows/{number}/{action}", json=body, timeout=10
        )
        assert r.status_code in (200, 204), r.text
        return r.json() if r.status_code == 200 else None


def tuesday(server) -> dict:
    """A morning at five windows: waits, a transfer, a no-show, a cancellation, a 绿色通道
    ticket and a window paused while people waited (§8.6)."""
    at(server, TUE, "08:30")
    h = Hall(server)
    for n in (1, 3, 4, 6, 9):
        h.window(n, "open")
    plan = [
        ("08:35", "consult"),
        ("08:36", "pension"),
        ("08:38", "pension"),
        ("08:40", "medical"),
        ("08:41", "card"),
        ("08:45", "consult"),
        ("08:50", "pension"),
        ("08:52", "card"),
        ("08:55", "medical"),
        ("09:00", "consult"),
    ]
    for hhmm, service in plan:
        at(server, TUE, hhmm)
        h.issue(service)
    at(server, TUE, "09:01")
    h.issue("pension", channel="guide", priority_reason="elderly")
    steps = [
        ("09:05", 1, "call-next"),
        ("09:05", 4, "call-next"),
        ("09:06", 6, "call-next"),
        ("09:06", 9, "call-next"),
        ("09:07", 3, "call-next"),
        ("09:12", 1, "finish"),
        ("09:15", 6, "transfer"),
        ("09:18", 9, "finish"),
        ("09:20", 4, "finish"),
        ("09:20", 1, "call-next"),
        ("09:21", 1, "no-show"),
        ("09:22", 1, "call-next"),
        ("09:24", 4, "call-next"),
        ("09:25", 6, "pause"),
        ("09:30", 3, "finish"),
        ("09:31", 9, "call-next"),
        ("09:35", 1, "finish"),
        ("09:40", 9, "finish"),
        ("09:42", 4, "finish"),
    ]
    last4 = None
    for hhmm, number, action in steps:
        at(server, TUE, hhmm)
        body = {"service": "pension"} if action == "transfer" else {}
        out = h.window(number, action, **body)
        if number == 4 and action == "finish":
            last4 = out
    at(server, TUE, "09:45")
    return {"last_at_window_4": last4}


# The pages run under the server's CSP: no violation, no console error (as tests/browser/
# test_csp_pages.py checks the other pages).
ERRORS: list[str] = []


def clean(page) -> None:
    assert page.evaluate("window.__csp") == []
    assert [e for e in ERRORS if "403" not in e] == []


def fits_the_window(page) -> bool:
    """No sideways scrolling of the whole page (a wide table scrolls inside its card)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def font_px(page, selector: str) -> float:
    return float(page.locator(selector).evaluate("e => getComputedStyle(e).fontSize")[:-2])


def login(new_page, server, user: str, path: str):
    page = new_page()
    watched(page, ERRORS)
    return login_page(page, server, user, path)


def test_reports_follow_up_and_planner(new_page, server, shots):
    day = tuesday(server)

    # The evaluator tablet at window 4: a 差评 with a phone number for the call-back.
    tablet = new_page(viewport={"width": 1024, "height": 768})
    watched(tablet, ERRORS)
    tablet.goto(f"{server.url}/evaluate/4?token={server.evaluator}")
    expect(tablet.locator("#eval-number")).to_have_text(day["last_at_window_4"]["number"])
    tablet.click('[data-level="1"]')
    tablet.check('[name="reasons"][value="attitude"]')
    tablet.fill('[name="contact"]', "139 0000 1234")
    tablet.screenshot(path=str(shots / "evaluator-contact.png"))
    sizes = [font_px(tablet, f'[name="{n}"]') for n in ("comment", "contact")]
    assert sizes[0] >= 20 and sizes[1] == sizes[0]  # citizens type both, at one size
    assert font_px(tablet, "label:has(> [name='contact'])") >= 18  # and read why to leave a phone
    tablet.click("#reasons-submit")
    expect(tablet.locator("#eval-done-text")).to_have_text("感谢您的评价！")
    clean(tablet)
    tablet.context.close()

    # The supervisor lands on today's live report.
    sup = login(new_page, server, "sup1", "/admin/reports")
    expect(sup.locator("#live-mark")).to_be_visible()
    api = server.login("sup1")
    s = api.get(f"{server.url}/api/v1/reports/summary?from={TUE}&to={TUE}", timeout=10).json()
    assert s["totals"]["issued"] == 11 and s["totals"]["transferred"] == 1
    expect(sup.locator("#kpi-issued")).to_have_text("11")
    expect(sup.locator("#kpi-served")).to_have_text(str(s["totals"]["served"]))
    expect(sup.locator("#kpi-wait-p90")).to_have_text(f"{s['totals']['wait_p90_s'] / 60:.1f}")
    expect(sup.locator("#table-absences tbody tr")).to_have_count(1)  # window 6 paused 20 min
    expect(sup.locator("#table-absences tbody tr").first).to_contain_text("暂停服务")
    expect(sup.locator("#overview svg.chart")).to_have_count(2)
    sup.screenshot(path=str(shots / "report-today-live.png"), full_page=True)
    clean(sup)

    # Wednesday: Tuesday is stored; the range shows the trend, heatmap and prints on A4.
    at(server, WED, "10:00")
    h = Hall(server)
    h.window(1, "open")
    h.issue("consult")
    at(server, WED, "10:20")
    h.window(1, "call-next")
    sup = login(new_page, server, "sup1", f"/admin/reports?from={TUE}&to={WED}")
    expect(sup.locator("#trend svg.chart")).to_have_count(1)
    expect(sup.locator("#arrivals svg.chart")).to_have_count(1)
    expect(sup.locator("#table-trend tbody tr")).to_have_count(2)
    expect(sup.locator("#table-followups tbody tr").first).to_contain_text("回访")
    sup.screenshot(path=str(shots / "report-range.png"), full_page=True)
    sup.emulate_media(media="print")
    expect(sup.locator(".report-nav")).to_be_hidden()
    expect(sup.locator("#range-form")).to_be_hidden()
    sup.screenshot(path=str(shots / "report-range-print.png"), full_page=True)
    sup.pdf(path=str(shots / "report-range-a4.pdf"), format="A4")
    sup.emulate_media(media="screen")
    clean(sup)

    # The XLSX the page offers, against the API's figures.
    with sup.expect_download() as download:
        sup.click("#export-xlsx")
    wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    api = server.login("sup1")  # a day later: a new session
    s2 = api.get(f"{server.url}/api/v1/reports/summary?from={TUE}&to={WED}", timeout=10).json()
    overview = {r[0].value: r[1].value for r in wb["概况"].iter_rows(min_row=2)}
    assert overview["取号数"] == s2["totals"]["issued"] == 12
    assert overview["等候时长 90 分位"] == pytest.approx(s2["totals"]["wait_p90_s"] / 60, abs=0.005)
    trend = [[c.value for c in r] for r in wb["逐日统计"].iter_rows(min_row=2)]
    assert [r[2] for r in trend] == [d["issued"] for d in s2["trend"]] == [11, 1]

    # Thursday: the call-back was due on Wednesday; the guide console shows it overdue.
    at(server, THU, "09:00")
    guide = login(new_page, server, "guide1", "/guide")
    overdue = guide.locator("#followups-overdue-list tbody tr.overdue")
    expect(overdue).to_have_count(1)
    expect(overdue.first).to_contain_text(day["last_at_window_4"]["number"])
    expect(overdue.first).to_contain_text("待回访")
    guide.locator("#followups-overdue").screenshot(path=str(shots / "guide-overdue.png"))
    clean(guide)

    sup = login(new_page, server, "sup1", "/admin/followups")
    row = sup.locator("#followups tbody tr[data-followup]").first
    expect(row).to_contain_text("139****1234")
    row.locator('[data-action="number"]').click()
    expect(row).to_contain_text("13900001234")
    row.locator('[data-action="call"]').click()
    sup.fill('#followup-form [name="call_summary"]', "群众反映等候时窗口人员态度生硬，已致歉")
    sup.screenshot(path=str(shots / "followup-call.png"), full_page=True)
    sup.click("#followup-save")
    expect(row).to_contain_text("待核实")
    row.locator('[data-action="finding"]').click()
    sup.check('#followup-form [name="finding"][value="valid"]')
    sup.fill('#followup-form [name="finding_reason"]', "调取监控核实属实")
    sup.click("#followup-save")
    expect(row).to_contain_text("待整改")
    row.locator('[data-action="rectification"]').click()
    sup.fill('#followup-form [name="measures"]', "窗口人员服务用语培训，纳入月度考核")
    sup.click("#followup-save")
    expect(sup.locator("#followups tbody")).to_contain_text("暂无")  # nothing open any more
    sup.select_option("#followups-status", "closed")
    expect(sup.locator("#followups tbody tr[data-followup]")).to_have_count(1)
    sup.screenshot(path=str(shots / "followups-closed.png"), full_page=True)
    clean(sup)
    guide.reload()
    expect(guide.locator("#followups-overdue-list tbody tr.overdue")).to_have_count(0)

    # The planner from Tuesday and Wednesday's history, against today's windows.
    planner = login(new_page, server, "sup1", f"/admin/planner?from={TUE}&to={WED}&target=20")
    expect(planner.locator("#plan-table tbody tr")).to_have_count(9)
    expect(planner.locator("#planner-verdict")).to_contain_text("达到目标")
    planner.screenshot(path=str(shots / "planner.png"), full_page=True)
    assert fits_the_window(planner) and fits_the_window(sup)
    clean(planner)

    # Roles: the guide may not read the reports; the supervisor may not administer.
    r = guide.goto(f"{server.url}/admin/reports")
    assert r.status == 403
    r = sup.goto(f"{server.url}/admin")
    assert r.status == 403
