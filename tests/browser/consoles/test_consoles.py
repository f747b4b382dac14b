"""The staff consoles in headless Chromium against a real server: login, window console,
evaluator, guide console, ledger; security (login redirect, 401/403, CSRF)."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.support.browser import login_page
from tests.support.live_server import PASSWORD

from .conftest import issue

VALID_ID = "11010519491231002X"


# --- security --------------------------------------------------------------------------------


def test_staff_pages_redirect_to_login_and_api_needs_login(server):
    for path in ("/window/3", "/window", "/guide", "/admin"):
        r = requests.get(server.url + path, allow_redirects=False, timeout=5)
        assert r.status_code == 302, path
        assert r.headers["Location"] == f"/login?next={path}"
    assert requests.get(server.url + "/api/v1/guide/overview", timeout=5).status_code == 401
    assert requests.get(server.url + "/api/v1/windows/3/queue", timeout=5).status_code == 401


def test_wrong_role_gets_403(server):
    window = server.login("win1")
    assert window.get(server.url + "/guide", allow_redirects=False, timeout=5).status_code == 403
    assert window.get(server.url + "/admin", allow_redirects=False, timeout=5).status_code == 403
    assert window.get(server.url + "/api/v1/guide/overview", timeout=5).status_code == 403
    guide = server.login("guide1")
    assert guide.get(server.url + "/window/3", allow_redirects=False, timeout=5).status_code == 403
    assert guide.get(server.url + "/guide", timeout=5).status_code == 200


def test_form_posts_without_csrf_token_are_400_and_nothing_happens(server):
    s = requests.Session()
    page = s.get(server.url + "/login", timeout=5)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = s.post(
        server.url + "/login",
        data={"username": "win1", "password": PASSWORD},
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 400
    assert (
        s.get(server.url + "/window/3", allow_redirects=False, timeout=5).status_code == 302
    )  # not logged in
    r = s.post(
        server.url + "/login",
        data={"username": "win1", "password": PASSWORD, "csrf_token": token, "next": "/window/3"},
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 302 and r.headers["Location"] == "/window/3"
    assert s.post(server.url + "/logout", allow_redirects=False, timeout=5).status_code == 400
    assert (
        s.get(server.url + "/window/3", allow_redirects=False, timeout=5).status_code == 200
    )  # still in
    # A cookie-authenticated API change from a browser page (Origin sent) needs X-CSRF-Token.
    r = s.post(
        server.url + "/api/v1/windows/2/open", json={}, headers={"Origin": server.url}, timeout=5
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "csrf_failed"
    page_token = re.search(
        r'name="csrf-token" content="([^"]+)"', s.get(server.url + "/window/2", timeout=5).text
    ).group(1)
    r = s.post(
        server.url + "/api/v1/windows/2/open",
        json={},
        timeout=5,
        headers={"Origin": server.url, "X-CSRF-Token": page_token},
    )
    assert r.status_code == 200
    assert (
        s.post(
            server.url + "/api/v1/windows/2/close",
            json={},
            timeout=5,
            headers={"Origin": server.url, "X-CSRF-Token": page_token},
        ).status_code
        == 200
    )


def test_login_page_shows_wrong_password_then_the_wait(server, new_page, shots):
    page = new_page()
    page.goto(f"{server.url}/window/3")
    expect(page).to_have_url(re.compile(r"/login\?next=/window/3$"))
    for _ in range(3):  # auth.login_free_failures
        page.fill("#username", "locky")
        page.fill("#password", "wrong-password")
        page.click("#login-submit")
        expect(page.locator("#login-error")).to_be_visible()
    expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")
    page.fill("#password", PASSWORD)
    page.click(
        "#login-submit"
    )  # throttled for this (name, computer): even the right password waits
    expect(page.locator("#login-error")).to_contain_text("秒后再试")
    assert "/login" in page.url
    page.screenshot(path=str(shots / "login-throttled.png"))


# --- window console, evaluator, transfer, no-show ---------------------------------------------


def test_window_console_call_start_finish_and_rate_on_evaluator(server, new_page, shots):
    b1 = issue(server, "pension", "req-flow-0001")
    b2 = issue(server, "pension", "req-flow-0002")
    page = login_page(new_page(), server, "win1", "/window/3")
    page.click("#btn-open")
    expect(page.locator("#window-state")).to_have_class(re.compile("state-open"))
    expect(page.locator("#queue-list tbody tr")).to_have_count(2)
    # A second tab on the same window follows every change (SSE).
    other = new_page()
    login_page(other, server, "win1", "/window/3")

    page.keyboard.press("n")
    expect(page.locator("#cur-number")).to_have_text(b1["number"])
    expect(page.locator("#cur-service")).to_have_text("B · 养老保险")  # Staff.serviceName
    expect(page.locator("#flow-prompts")).to_contain_text("请问有什么可以帮助您")  # §7.1 greeting
    expect(page.locator("#guide-items details").first).to_be_visible()
    expect(other.locator("#cur-number")).to_have_text(b1["number"])
    expect(other.locator("#queue-list tbody tr")).to_have_count(1)
    page.screenshot(path=str(shots / "window-called.png"), full_page=True)

    page.keyboard.press("s")
    expect(page.locator("#cur-status")).to_have_text("办理中")
    evaluator = new_page()
    evaluator.goto(f"{server.url}/evaluate/3?token={server.evaluator_token}")
    expect(evaluator).to_have_url(f"{server.url}/evaluate/3")  # token moved out of the address bar
    expect(evaluator.locator("#eval-idle")).to_be_visible()

    page.keyboard.press("f")
    expect(page.locator("#flow-prompts")).to_contain_text("满意")  # closing + satisfaction prompt
    expect(other.locator("#cur-number")).to_have_text("—")
    expect(evaluator.locator("#eval-scale")).to_be_visible()
    expect(evaluator.locator("#eval-number")).to_have_text(b1["number"])
    evaluator.screenshot(path=str(shots / "evaluator-scale.png"))
    evaluator.click('[data-level="2"]')
    expect(evaluator.locator("#eval-reasons")).to_be_visible()
    evaluator.click("#reasons-submit")  # no reason chosen: asked for one, nothing sent
    expect(evaluator.locator('[data-error-for="reasons"]')).not_to_be_empty()
    evaluator.check('[name="reasons"][value="attitude"]')
    evaluator.fill('[name="comment"]', "等候时间太长")
    evaluator.screenshot(path=str(shots / "evaluator-reasons.png"))
    evaluator.click("#reasons-submit")
    expect(evaluator.locator("#eval-done")).to_be_visible()
    expect(evaluator.locator("#eval-idle")).to_be_visible(timeout=10000)  # back to idle
    # One rating per ticket.
    r = requests.post(
        f"{server.url}/api/v1/evaluations",
        json={"ticket_id": b1["id"], "level": 5},
        timeout=5,
        headers={"Authorization": f"Bearer {server.evaluator_token}"},
    )
    assert r.status_code == 409

    # Transfer B2 to medical: it leaves this window and waits for medical with the same number.
    page.locator(f'#queue-list tr[data-number="{b2["number"]}"] button').click()
    expect(page.locator("#cur-number")).to_have_text(b2["number"])
    page.select_option("#transfer-service", "medical")
    page.click("#btn-transfer")
    expect(page.locator("#cur-number")).to_have_text("—")
    t = requests.get(f"{server.url}/api/v1/tickets/{b2['id']}", timeout=5).json()
    assert (t["status"], t["service"], t["number"]) == ("waiting", "medical", b2["number"])
    # The evaluator offered nothing for the transferred ticket (it was not finished).
    expect(evaluator.locator("#eval-idle")).to_be_visible()


def test_no_show_then_reinstate_from_guide_console(server, new_page):
    b3 = issue(server, "pension", "req-noshow-0003")
    window = login_page(new_page(), server, "win1", "/window/4")
    window.click("#btn-open")
    expect(window.locator(f'#queue-list tr[data-number="{b3["number"]}"]')).to_be_visible()
    window.locator(f'#queue-list tr[data-number="{b3["number"]}"] button').click()
    expect(window.locator("#cur-number")).to_have_text(b3["number"])
    guide = login_page(new_page(), server, "guide1", "/guide")
    window.keyboard.press("x")
    expect(window.locator("#cur-number")).to_have_text("—")
    row = guide.locator(f'#noshows tr[data-number="{b3["number"]}"]')
    expect(row).to_be_visible()  # arrives live
    row.locator("button").click()
    expect(guide.locator("#noshow-status")).to_contain_text(b3["number"])
    expect(row).to_have_count(0)
    assert (
        requests.get(f"{server.url}/api/v1/tickets/{b3['id']}", timeout=5).json()["status"]
        == "waiting"
    )
    expect(window.locator(f'#queue-list tr[data-number="{b3["number"]}"]')).to_be_visible()


# --- guide console -------------------------------------------------------------------------


def test_guide_issues_priority_ticket_sets_notice_and_sees_device_alerts(server, new_page, shots):
    guide = login_page(new_page(), server, "guide1", "/guide")
    expect(guide.locator('#queues tr[data-service="pension"]')).to_be_visible()
    guide.select_option('#priority-form [name="service"]', "card")
    guide.check('[name="priority_reason"][value="elderly"]')
    guide.click("#issue-priority")
    expect(guide.locator("#issued-number")).to_have_text(re.compile(r"^E\d{3}$"))
    number = guide.locator("#issued-number").text_content()
    guide.wait_for_function(
        "() => document.getElementById('issued-qr').naturalWidth > 0"
    )  # no eval (CSP)
    expect(guide.locator('#queues tr[data-service="card"] td').nth(1)).to_have_text("1")
    admin = server.login("admin1")
    waiting = admin.get(f"{server.url}/api/v1/windows/9/queue", timeout=5).json()["waiting"]
    assert [(w["number"], w["priority_reason"]) for w in waiting] == [(number, "elderly")]

    # A forbidden phrase (annex A.2) is refused with the reason next to the field.
    guide.fill("#notice-text", "人多请排队，叫号去！排队去！")
    guide.click("#notice-save")
    expect(guide.locator('[data-error-for="text"]')).to_contain_text("排队去")
    assert "排队去" not in requests.get(f"{server.url}/api/v1/hall", timeout=5).json()["notice"]
    guide.fill("#notice-text", "今天下午养老保险窗口延长服务至18:00，感谢您的配合和理解！")
    guide.click("#notice-save")
    expect(guide.locator("#notice-status")).not_to_be_empty()
    expect(guide.locator('[data-error-for="text"]')).to_be_empty()
    assert "延长服务" in requests.get(f"{server.url}/api/v1/hall", timeout=5).json()["notice"]

    # The kiosk's printer runs out of paper: the alert arrives live.
    r = requests.post(
        f"{server.url}/api/v1/devices/kiosk-1/heartbeat",
        json={"status": {"printer": "paper_out"}},
        headers={"Authorization": f"Bearer {server.kiosk_token}"},
        timeout=5,
    )
    assert r.status_code == 200
    expect(guide.locator("#banner")).to_contain_text("kiosk-1")
    expect(guide.locator('#devices tr[data-device="kiosk-1"]')).to_have_class(re.compile("alert"))
    expect(guide.locator("#phrases-body")).to_contain_text("首问语")
    guide.screenshot(path=str(shots / "guide-console.png"), full_page=True)


# --- ledger ----------------------------------------------------------------------------------


def test_ledger_errors_beside_fields_then_overdue_after_the_deadline(server, new_page, shots):
    guide = login_page(new_page(), server, "guide1", "/guide")
    api = server.login("guide1")

    def count():
        return len(api.get(f"{server.url}/api/v1/ledger?status=all", timeout=5).json()["records"])

    before = count()
    form = guide.locator("#ledger-form")
    form.locator('[name="name"]').fill("王小明")
    form.locator('[name="id_number"]').fill("110105194912310021")  # wrong check digit
    form.locator('[name="phone"]').fill("13800138000")
    form.locator('[name="summary"]').fill("咨询退休后养老金领取地变更手续。")
    form.locator('[name="reply_class"]').select_option("agreed")
    guide.click("#ledger-save")
    expect(form.locator('[data-error-for="id_number"]')).not_to_be_empty()
    expect(form.locator('[name="id_number"]')).to_have_class(re.compile("invalid"))
    guide.screenshot(path=str(shots / "ledger-field-error.png"), full_page=True)

    form.locator('[name="id_number"]').fill(VALID_ID)
    form.locator('[name="agreed_reply_date"]').fill("2026-11-20")  # in the past
    guide.click("#ledger-save")
    expect(form.locator('[data-error-for="agreed_reply_date"]')).not_to_be_empty()
    form.locator('[name="agreed_reply_date"]').fill("")
    form.locator('[name="summary"]').fill("")
    guide.click("#ledger-save")
    expect(form.locator('[data-error-for="summary"]')).not_to_be_empty()
    assert count() == before  # nothing saved
    assert form.locator('[name="name"]').input_value() == "王小明"  # nothing lost

    form.locator('[name="summary"]').fill("咨询退休后养老金领取地变更手续。")
    guide.click("#ledger-save")
    expect(guide.locator("#ledger-status")).to_contain_text("2026-11-27")  # 3 working days
    assert count() == before + 1
    expect(guide.locator('#ledger-tabs [data-count="open"]')).to_have_text(str(before + 1))
    expect(guide.locator('#ledger-tabs [data-count="overdue"]')).to_have_text("0")

    server.set_clock("2026-12-01T09:00:00+08:00")  # past the due date
    try:
        login_page(guide, server, "guide1", "/guide")  # a week later: yesterday's session is over
        guide.click('#ledger-tabs [data-status="overdue"]')
        row = guide.locator("#ledger-list tbody tr.overdue")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("110105********002X")  # shown masked
        expect(row).to_contain_text("王小明")
        row.locator("button").click()
        reply = guide.locator("#ledger-list .reply-form")
        reply.locator('[name="reply_content"]').fill("已电话告知所需材料及办理窗口。")
        reply.locator('button[type="submit"]').click()
        expect(guide.locator('#ledger-tabs [data-count="overdue"]')).to_have_text("0")
    finally:
        server.set_clock("2026-11-24T09:00:00+08:00")


def test_evaluator_returns_to_idle_when_nobody_rates(server, new_page):
    evaluator = new_page()
    evaluator.clock.install()
    evaluator.goto(f"{server.url}/evaluate/3?token={server.evaluator_token}")
    expect(evaluator.locator("#eval-idle")).to_be_visible()
    a = issue(server, "consult", "req-idle-0001")
    win = server.login("win1")
    assert win.post(f"{server.url}/api/v1/windows/3/open", json={}, timeout=5).ok
    assert win.post(
        f"{server.url}/api/v1/windows/3/call-next", json={"ticket_id": a["id"]}, timeout=5
    ).ok
    assert win.post(f"{server.url}/api/v1/windows/3/finish", json={}, timeout=5).ok
    expect(evaluator.locator("#eval-scale")).to_be_visible()
    expect(evaluator.locator("#eval-number")).to_have_text(a["number"])
    evaluator.clock.fast_forward("01:31")
    expect(evaluator.locator("#eval-idle")).to_be_visible()
    evaluator.clock.fast_forward("00:20")  # the periodic check does not offer the same ticket again
    expect(evaluator.locator("#eval-idle")).to_be_visible()
    expect(evaluator.locator("#eval-scale")).to_be_hidden()


def test_evaluator_without_token_says_how_to_set_it_up(server, new_page):
    page = new_page()
    page.goto(f"{server.url}/evaluate/5")
    expect(page.locator("#eval-setup")).to_contain_text("/evaluate/5?token=")
    page.goto(f"{server.url}/evaluate/5?token=not-a-real-token")
    expect(page.locator("#eval-setup")).to_contain_text("设备令牌无效")


def test_admin_landing_page_links_exports_and_devices(server, new_page, shots):
    page = login_page(new_page(), server, "admin1", "/admin")
    expect(page.locator('a[href="/api/v1/ledger/export.csv"]')).to_be_visible()
    expect(page.locator('a[href="/api/v1/ledger/export.xlsx"]')).to_be_visible()
    expect(page.locator("#devices")).to_contain_text("kiosk-1")
    with page.expect_download() as download:
        page.click('a[href="/api/v1/ledger/export.csv"]')
    assert download.value.suggested_filename.endswith(".csv")
    page.screenshot(path=str(shots / "admin.png"), full_page=True)
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{server.url}/admin")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin$"))
