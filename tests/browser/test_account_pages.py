"""The account pages in Chromium (issue 11 item 6): /admin manages staff accounts and devices,
/account changes one's own password; screenshots in tests/output/access/."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.support.browser import login_page
from tests.support.live_server import PASSWORD


def login(new_page, server, user: str, password: str = PASSWORD, path: str = "/admin"):
    page = new_page()
    page.on("dialog", lambda d: d.accept())  # the confirm() before disabling or revoking
    return login_page(page, server, user, path, password)


def row(page, table: str, key: str):
    return page.locator(
        f'#{table} tbody tr[data-{"user" if table == "users" else "device"}="{key}"]'
    )


def try_login(server, name: str, password: str, address: str) -> int:
    r = requests.post(
        f"{server.url}/api/v1/auth/login",
        json={"username": name, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=10,
    )
    return r.status_code


def test_admin_creates_resets_and_disables_an_account(server, new_page, shots):
    admin = login(new_page, server, "admin1")
    expect(row(admin, "users", "admin1")).to_contain_text("（本人）")
    form = admin.locator("#user-form")
    form.locator('[name="username"]').fill("zhang3")
    form.locator('[name="display_name"]').fill("张三")
    form.locator('[name="role"]').select_option("window")
    form.locator('[name="password"]').fill("short")
    admin.click("#user-create")
    expect(form.locator('[data-error-for="password"]')).to_contain_text("至少需要 8 个字符")
    form.locator('[name="password"]').fill("zhang-san-2026")
    admin.click("#user-create")
    expect(admin.locator("#user-status")).to_contain_text("已创建账号 zhang3")
    expect(row(admin, "users", "zhang3")).to_contain_text("张三")
    expect(row(admin, "users", "zhang3")).to_contain_text("从未")

    clerk = login(new_page, server, "zhang3", "zhang-san-2026", "/window")
    admin.reload()
    expect(row(admin, "users", "zhang3").locator("td.num")).to_have_text("1")
    expect(row(admin, "users", "zhang3")).not_to_contain_text("从未")
    admin.screenshot(path=str(shots / "admin-accounts.png"), full_page=True)

    row(admin, "users", "zhang3").locator('[data-action="reset"]').click()
    admin.locator('#reset-form [name="password"]').fill("reset-by-admin-9")
    admin.screenshot(path=str(shots / "admin-reset-password.png"), full_page=True)
    admin.click("#reset-save")
    expect(admin.locator("#users-status")).to_contain_text("已重置 zhang3 的密码")
    clerk.reload()
    expect(clerk).to_have_url(re.compile(r"/login\?next=/window$"))  # the reset ended the session

    row(admin, "users", "zhang3").locator("select.role").select_option("guide")
    expect(admin.locator("#users-status")).to_contain_text("已保存账号 zhang3")
    row(admin, "users", "zhang3").locator('[data-action="disable"]').click()
    expect(row(admin, "users", "zhang3").locator(".state-cell")).to_have_text("已停用")
    assert try_login(server, "zhang3", "reset-by-admin-9", "10.0.5.1") == 401
    row(admin, "users", "zhang3").locator('[data-action="enable"]').click()
    expect(row(admin, "users", "zhang3").locator(".state-cell")).to_have_text("在用")
    assert try_login(server, "zhang3", "reset-by-admin-9", "10.0.5.1") == 200


def test_admin_unlocks_a_hard_locked_name(server, new_page, shots):
    for address in ("10.0.6.1", "10.0.6.2"):  # HALLQUEUE_AUTH_LOCK_*: 6 failures from 2 addresses
        for _ in range(3):
            assert try_login(server, "guide1", "guessing-123", address) == 401
    assert try_login(server, "guide1", PASSWORD, "10.0.6.9") == 429
    admin = login(new_page, server, "admin1")
    guide_row = row(admin, "users", "guide1")
    expect(guide_row.locator(".state-cell")).to_have_text("已锁定（待管理员解锁）")
    admin.screenshot(path=str(shots / "admin-locked-account.png"), full_page=True)
    guide_row.locator('[data-action="unlock"]').click()
    expect(admin.locator("#users-status")).to_contain_text("已解锁 guide1")
    expect(guide_row.locator(".state-cell")).to_have_text("在用")
    assert try_login(server, "guide1", PASSWORD, "10.0.6.9") == 200


def test_admin_registers_ties_and_revokes_an_evaluator(server, new_page, shots):
    admin = login(new_page, server, "admin1")
    form = admin.locator("#device-form")
    expect(form.locator('[name="window"]')).to_be_disabled()  # only evaluators stand at a window
    form.locator('[name="kind"]').select_option("evaluator")
    form.locator('[name="id"]').fill("eval-4")
    form.locator('[name="name"]').fill("4号窗评价器")
    form.locator('[name="window"]').select_option("4")
    admin.click("#device-create")
    expect(admin.locator("#token-panel")).to_be_visible()
    token = admin.locator("#token-value").inner_text().strip()
    url = admin.locator("#token-url").inner_text().strip()
    assert url == f"{server.url}/evaluate/4?token={token}"
    admin.screenshot(path=str(shots / "admin-device-token.png"), full_page=True)
    admin.click("#token-done")
    expect(admin.locator("#token-panel")).to_be_hidden()
    expect(row(admin, "devices", "eval-4")).to_contain_text("4号窗评价器")

    tablet = new_page(viewport={"width": 1024, "height": 768})
    tablet.goto(url)
    expect(tablet).to_have_url(f"{server.url}/evaluate/4")
    expect(tablet.locator("#eval-setup")).to_be_hidden()

    row(admin, "devices", "eval-4").locator("select.window").select_option("3")
    expect(admin.locator("#devices-status")).to_contain_text("已保存设备 eval-4")
    r = requests.get(
        f"{server.url}/api/v1/windows/4/pending-evaluation",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert r.status_code == 403  # now it belongs to window 3

    row(admin, "devices", "eval-4").locator('[data-action="revoke"]').click()
    expect(row(admin, "devices", "eval-4").locator(".token-cell")).to_contain_text("已吊销")
    admin.screenshot(path=str(shots / "admin-devices.png"), full_page=True)
    tablet.goto(f"{server.url}/evaluate/3")
    expect(tablet.locator("#eval-setup")).to_contain_text("设备令牌无效")


def test_a_clerk_changes_the_password_and_other_sessions_end(server, new_page, shots):
    server.create_user("li4", "window", "li-si-password")
    elsewhere = login(new_page, server, "li4", "li-si-password", "/window")
    page = login(new_page, server, "li4", "li-si-password", "/window")
    page.click("#account-link")
    expect(page).to_have_url(f"{server.url}/account")
    page.fill("#current-password", "wrong-one-1")
    page.fill("#new-password", "li-si-new-2026")
    page.fill("#repeat-password", "li-si-new-2026")
    page.click("#password-submit")
    expect(page.locator("#password-error")).to_have_text("当前密码不正确。")
    page.fill("#current-password", "li-si-password")
    page.fill("#new-password", "li-si-new-2026")
    page.fill("#repeat-password", "li-si-new-2026")
    page.click("#password-submit")
    expect(page.locator("#password-done")).to_be_visible()
    page.screenshot(path=str(shots / "account-password-changed.png"), full_page=True)
    page.goto(f"{server.url}/window")
    expect(page).to_have_url(f"{server.url}/window")  # this session goes on
    elsewhere.reload()
    expect(elsewhere).to_have_url(re.compile(r"/login\?next=/window$"))


def test_the_login_page_throttles_a_guesser_but_not_the_clerk_elsewhere(server, new_page, shots):
    page = new_page()
    page.goto(f"{server.url}/login")
    for _ in range(4):
        page.fill("#username", "win1")
        page.fill("#password", "a-wrong-guess")
        page.click("#login-submit")
    expect(page.locator("#login-error")).to_contain_text("本机登录失败次数过多")
    page.screenshot(path=str(shots / "login-throttled.png"))
    assert try_login(server, "win1", PASSWORD, "10.0.7.3") == 200  # the clerk's own PC
