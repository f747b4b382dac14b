"""Bookings (预约) in Chromium against a real server: the guide's page shows the day per slot
(checked in, not yet, late, no-show), books for a caller; the admin imports the platform's
file (larger than the API's 64 KB, through the real server); the window console marks 预约."""

from __future__ import annotations

import csv
import io

import requests
from playwright.sync_api import expect

from tests.support.browser import login_page

PEOPLE = ["11010519491231002X", "110105197605175298", "310104196603085084", "440305198811022817"]


def post(server, path: str, token: str, body: dict) -> requests.Response:
    return requests.post(
        f"{server.url}{path}", json=body, timeout=5, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_guide_sees_todays_bookings_per_slot_and_books_for_a_caller(server, new_page, shots):
    platform = server.create_device("platform-1", "platform")
    made = []
    for i, (person, slot) in enumerate(zip(PEOPLE, ["08:30", "09:00", "09:00", "09:30"])):
        r = post(
            server,
            "/api/v1/appointments",
            platform,
            {
                "external_id": f"PLAT-{i}",
                "service": "pension",
                "slot_start": f"2026-11-25T{slot}",
                "id_number": person,
                "phone": f"1381234567{i}",
                "name": "张三丰",
            },
        )
        assert r.status_code == 201, r.text
        made.append(r.json())
    server.set_clock("2026-11-25T08:50:00+08:00")
    on_time = post(
        server, "/api/v1/appointments/check-in", server.kiosk_token, {"code": made[1]["code"]}
    )
    assert on_time.status_code == 201, on_time.text
    server.set_clock("2026-11-25T09:20:00+08:00")  # 08:30 never came; 09:00's second is late
    late = post(
        server,
        "/api/v1/appointments/check-in",
        server.kiosk_token,
        {"code": made[2]["code"], "walk_in": True},
    )
    assert late.status_code == 201 and late.json()["state"] == "late", late.text

    page = login_page(new_page(), server, "guide1", "/guide/appointments")
    table = page.locator("#slot-table")
    row = table.locator('tr[data-service="pension"][data-slot="08:30-09:00"]')
    expect(row.locator('td[data-status="no_show"]')).to_have_text("1")
    row = table.locator('tr[data-service="pension"][data-slot="09:00-09:30"]')
    expect(row.locator('td[data-status="checked_in"]')).to_have_text("1")
    expect(row.locator('td[data-status="late"]')).to_have_text("1")
    row = table.locator('tr[data-service="pension"][data-slot="09:30-10:00"]')
    expect(row.locator('td[data-status="booked"]')).to_have_text("1")
    bookings = page.locator("#booking-table")
    expect(bookings.locator("tbody tr")).to_have_count(4)
    expect(bookings).to_contain_text("110105********002X")
    expect(bookings).to_contain_text("138****5670")
    expect(bookings).to_contain_text("张**")
    expect(bookings).not_to_contain_text(PEOPLE[0])
    expect(bookings.locator(f'tr[data-code="{made[0]["code"]}"]')).to_contain_text("爽约")

    # A caller on the 12333 line: the first free slot of the next bookable day.
    page.select_option("#book-service", "medical")
    expect(page.locator("#book-day option").first).to_have_text("2026-11-26")
    expect(page.locator("#book-slot option").first).to_contain_text("08:30-09:00")
    page.fill("#book-id", "51010719830721350X")
    page.fill("#book-name", "崔琴")
    page.fill("#book-phone", "139 0000 1234")
    page.click("#book-submit")
    expect(page.locator("#book-status")).to_contain_text("已预约 2026-11-26 08:30")
    expect(page.locator('#capacity-table tr[data-day="2026-11-26"]')).to_contain_text("1 / ")
    # A wrong ID number is named beside its field, in Chinese.
    page.fill("#book-id", "510107198307213501")
    page.fill("#book-phone", "13900001234")
    page.click("#book-submit")
    expect(page.locator('[data-error-for="id_number"]')).to_contain_text("校验")
    page.screenshot(path=str(shots / "guide-appointments.png"), full_page=True)

    # The window console marks the booked ticket.
    window = login_page(new_page(), server, "win1", "/window/4")
    expect(window.locator("#queue-list tr.appointment .badge.appt")).to_have_text("预约 09:00")
    expect(page.locator("#booking-table tr[data-code] td:nth-child(2)").first).to_have_text(
        "B · 养老保险"
    )


def test_the_admin_imports_the_platforms_file_through_the_real_server(server, new_page, shots):
    server.set_clock("2026-11-24T10:00:00+08:00")
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(
        ["预约编号", "业务类别", "预约日期", "预约时段", "身份证号码", "姓名", "手机号码", "备注"]
    )
    out.writerow(
        [
            "IMP-1",
            "养老保险",
            "2026-11-27",
            "10:00",
            "65010219920914793" + "6",
            "艾买提",
            "13812340000",
            "",
        ]
    )
    for i in range(300):  # days too far ahead: each one listed; with the platform's remarks
        out.writerow(
            [
                f"OLD-{i}",
                "养老保险",
                "2027-01-20",
                "09:00",
                PEOPLE[0],
                "张三",
                "13812345678",
                "预约人通过省网上办事大厅提交，请携带身份证原件。" * 3,
            ]
        )
    data = buf.getvalue().encode("utf-8-sig")
    assert len(data) > 64 * 1024
    page = login_page(new_page(), server, "admin1", "/admin/appointments")
    page.set_input_files(
        "#import-file",
        files=[{"name": "platform-export.csv", "mimeType": "text/csv", "buffer": data}],
    )
    page.click("#import-submit")
    expect(page.locator("#import-status")).to_contain_text("导入 1 条")
    expect(page.locator("#import-status")).to_contain_text("300 行未导入")
    expect(page.locator("#import-errors tbody tr")).to_have_count(300)
    expect(page.locator("#import-errors tbody tr").first).to_contain_text("最多可预约 5 个工作日")
    page.locator("#import").screenshot(path=str(shots / "admin-appointments-import.png"))
