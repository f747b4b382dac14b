"""Bookings (预约, issue 16) through the real Flask app on a real SQLite file: the platform's
posts, the rules, cancelling, the no-show limit, check-in at the kiosk, the precedence at a
window, the import of the platform's file, and what is shown of a person."""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from datetime import datetime

import pytest

from printer.blocks import Text
from printer.compose import ticket_blocks
from printer.layouts import TicketLayout
from queue_server.core.idnumber import check_digit
from queue_server.core.numbering import HALL_TZ
from queue_server.core.paper import ticket_paper

from ..conftest import login

# The clock starts on Tuesday 2026-11-24 09:00; bookable: Wed 25 … Tue 12-01 (5 working days).
ZHANG = "11010519491231002X"
LI = "110105198001011" + "23"
LI = LI + check_digit(LI)
WANG = "44030519880102" + "123"
WANG = WANG + check_digit(WANG)
ZH = {"Accept-Language": "zh-CN"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HALL_TZ)


@pytest.fixture
def platform(hall) -> dict:
    return {"Authorization": f"Bearer {hall.accounts.create_device('platform-1', 'platform')}"}


def booking(
    external_id="P-1",
    slot="2026-11-25T09:00",
    id_number=ZHANG,
    service="pension",
    phone="13812345678",
    name="张三",
) -> dict:
    return {
        "external_id": external_id,
        "service": service,
        "slot_start": slot,
        "id_number": id_number,
        "phone": phone,
        "name": name,
    }


def book(client, headers, status=201, **kw) -> dict:
    r = client.post("/api/v1/appointments", json=booking(**kw), headers=headers)
    assert r.status_code == status, r.get_json()
    return r.get_json()


def refused(r, status: int, code: str) -> dict:
    body = r.get_json()
    assert r.status_code == status and body["error"]["code"] == code, body
    return body["error"]


def events(hall, prefix="appointment.") -> list[dict]:
    rows = hall.store.db.execute("SELECT type, data FROM events ORDER BY id").fetchall()
    return [{"type": t, "data": json.loads(d)} for t, d in rows if t.startswith(prefix)]


# --- the platform ------------------------------------------------------------------------------


def test_the_platform_books_once_however_often_it_retries(client, platform, hall, kiosk_headers):
    first = book(client, platform)
    again = book(client, platform, status=200)
    assert again["id"] == first["id"] and again["code"] == first["code"]
    assert first["source"] == "platform" and first["status"] == "booked"
    assert first["slot_start"].startswith("2026-11-25T09:00")
    assert first["slot_end"][11:16] == "09:30"
    assert [e["type"] for e in events(hall)] == ["appointment.booked"]
    # The same booking id for another slot is a mistake, not a retry.
    refused(
        client.post(
            "/api/v1/appointments", json=booking(slot="2026-11-25T10:00"), headers=platform
        ),
        409,
        "conflict",
    )
    # Only the platform (or staff) books; the platform must name its booking.
    refused(
        client.post("/api/v1/appointments", json=booking(), headers=kiosk_headers), 403, "forbidden"
    )
    refused(client.post("/api/v1/appointments", json=booking()), 401, "unauthorized")
    body = booking(external_id="P-2")
    del body["external_id"]
    refused(
        client.post("/api/v1/appointments", json=body, headers=platform), 422, "validation_failed"
    )


def test_the_booking_rules_say_what_is_wrong_in_chinese(client, platform, guide_client):
    e = refused(
        client.post(
            "/api/v1/appointments", json=booking(slot="2026-11-24T15:00"), headers=platform | ZH
        ),
        409,
        "too_soon",
    )
    assert "提前 1 天" in e["message"]
    e = refused(
        client.post(
            "/api/v1/appointments", json=booking(slot="2026-12-02T09:00"), headers=platform | ZH
        ),
        409,
        "too_far",
    )
    assert "5 个工作日" in e["message"] and "2026-12-01" in e["message"]
    refused(
        client.post(
            "/api/v1/appointments", json=booking(slot="2026-11-28T09:00"), headers=platform
        ),
        409,
        "not_working_day",
    )  # a Saturday
    refused(
        client.post(
            "/api/v1/appointments", json=booking(slot="2026-11-25T12:30"), headers=platform
        ),
        409,
        "no_slot",
    )  # the lunch break
    refused(
        client.post("/api/v1/appointments", json=booking(service="consult"), headers=platform),
        422,
        "validation_failed",
    )  # takes no bookings
    book(client, platform)
    e = refused(
        client.post(
            "/api/v1/appointments",
            headers=platform | ZH,
            json=booking(external_id="P-2", service="medical", slot="2026-11-25T14:00"),
        ),
        409,
        "one_per_day",
    )
    assert "2026-11-25 已有预约" in e["message"]
    book(client, platform, external_id="P-3", slot="2026-11-26T09:00")  # another day is fine
    # Four places in a slot: the fifth is refused.
    for i, person in enumerate((LI, WANG, "110105197605175298")):
        book(client, platform, external_id=f"F-{i}", id_number=person)
    refused(
        client.post(
            "/api/v1/appointments",
            headers=platform,
            json=booking(external_id="F-9", id_number="310104196603085084"),
        ),
        409,
        "slot_full",
    )
    slots = client.get("/api/v1/appointments/slots?service=pension&day=2026-11-25").get_json()
    nine = next(s for s in slots["slots"] if s["label"] == "09:00-09:30")
    assert (nine["booked"], nine["left"], slots["bookable"]) == (4, 0, True)
    # The guide books for a caller without a platform id.
    r = guide_client.post(
        "/api/v1/appointments",
        json={
            "service": "medical",
            "slot_start": "2026-11-27T13:30",
            "id_number": "310104196603085084",
            "phone": "0755-82345678",
        },
    )
    assert r.status_code == 201 and r.get_json()["source"] == "desk", r.get_json()
    assert r.get_json()["phone_masked"] == "0755-****5678"


def test_a_booking_is_cancelled_until_two_hours_before_its_slot(
    client, platform, guide_client, clock, hall
):
    early = book(client, platform)
    late = book(client, platform, external_id="P-2", id_number=LI, slot="2026-11-25T10:00")
    desk = guide_client.post(
        "/api/v1/appointments",
        json=booking(external_id=None, id_number=WANG, slot="2026-11-25T10:00"),
    ).get_json()
    r = client.post(f"/api/v1/appointments/{early['id']}/cancel", json={}, headers=platform)
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/appointments/{early['id']}/cancel", json={}, headers=platform)
    assert again.status_code == 200  # a retried cancel
    refused(
        client.post(f"/api/v1/appointments/{desk['id']}/cancel", json={}, headers=platform),
        403,
        "forbidden",
    )  # a platform cancels its own bookings only
    clock.now = at("2026-11-25T08:01")  # 1 h 59 min before 10:00
    login(guide_client, "guide1")  # a new day, a new staff session
    e = refused(
        client.post(f"/api/v1/appointments/{late['id']}/cancel", json={}, headers=platform | ZH),
        409,
        "cancel_too_late",
    )
    assert "120 分钟" in e["message"]
    # The hall itself may still cancel (a closure), until the slot ends.
    r = guide_client.post(f"/api/v1/appointments/{late['id']}/cancel", json={"by": "hall"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert [e["type"] for e in events(hall)][-2:] == ["appointment.cancelled"] * 2
    # Their places are free again: only the desk's booking holds one at 10:00.
    slots = client.get("/api/v1/appointments/slots?service=pension&day=2026-11-25").get_json()
    assert {s["label"]: s["booked"] for s in slots["slots"]}["10:00-10:30"] == 1


def test_three_no_shows_in_ninety_days_stop_booking_for_thirty_days(
    client, platform, clock, guide_client, hall
):
    for i, day in enumerate(("2026-11-25", "2026-11-26", "2026-11-27")):
        book(client, platform, external_id=f"N-{i}", slot=f"{day}T09:00")
    clock.now = at("2026-11-27T09:29")
    assert hall.appointments.mark_no_shows() == 2  # the third slot has not ended yet
    clock.now = at("2026-11-27T09:30")
    login(guide_client, "guide1")
    view = guide_client.get("/api/v1/appointments?day=2026-11-27").get_json()  # marks it
    nine = next(s for s in view["services"][0]["slots"] if s["label"] == "09:00-09:30")
    assert (nine["no_show"], nine["booked"]) == (1, 0)
    shows = [e for e in events(hall) if e["type"] == "appointment.no_show"]
    assert [e["data"]["appointment"]["day"] for e in shows] == [
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
    ]
    e = refused(
        client.post(
            "/api/v1/appointments",
            headers=platform | ZH,
            json=booking(external_id="N-3", slot="2026-11-30T09:00"),
        ),
        409,
        "no_show_limit",
    )
    assert "90 天内爽约 3 次" in e["message"] and "2026-12-27" in e["message"]
    book(client, platform, external_id="N-4", id_number=LI, slot="2026-11-30T09:00")  # others may
    clock.now = at("2026-12-27T09:00")
    book(client, platform, external_id="N-5", slot="2026-12-28T09:00")


# --- check-in ------------------------------------------------------------------------------------


def checkin(client, headers, **body):
    return client.post("/api/v1/appointments/check-in", json=body, headers=headers | ZH)


def test_check_in_early_on_time_twice_late_and_missed(client, platform, kiosk_headers, clock, hall):
    mine = book(client, platform)  # 09:00-09:30
    other = book(client, platform, external_id="P-2", id_number=LI, phone="13900001111")
    clock.now = at("2026-11-25T08:29")
    e = refused(checkin(client, kiosk_headers, id_number=ZHANG), 409, "checkin_early")
    assert e["message"] == "请于 08:30 后签到。"
    assert e["checkin_from"].startswith("2026-11-25T08:30")
    clock.now = at("2026-11-25T08:40")
    r = checkin(client, kiosk_headers, id_number=ZHANG.lower())
    assert r.status_code == 201, r.get_json()
    found = r.get_json()
    ticket = found["ticket"]
    assert found["state"] == "on_time" and found["appointment"]["status"] == "checked_in"
    assert ticket["appointment_at"].startswith("2026-11-25T09:00")
    assert ticket["channel"] == "appointment"
    e = refused(checkin(client, kiosk_headers, code=mine["code"]), 409, "already_checked_in")
    assert e["ticket_number"] == ticket["number"] and ticket["number"] in e["message"]
    # The paper says 预约 and the slot, on every printer (core.paper → printer.compose).
    paper = TicketLayout(**ticket_paper({"name": "大厅"}, ticket, None, [], lambda m, **p: m))
    assert Text("预约 09:00", size=2, bold=True, align="center") in ticket_blocks(paper, 576)
    # By code and phone: the last four must match.
    refused(
        checkin(client, kiosk_headers, code=other["code"], phone_last4="5678"), 404, "not_found"
    )
    clock.now = at("2026-11-25T09:16")  # 16 minutes late, past the 15-minute grace
    e = refused(
        checkin(client, kiosk_headers, code=other["code"], phone_last4="1111"), 409, "checkin_late"
    )
    assert e["offer"] == "walk_in" and "普通号" in e["message"]
    r = checkin(client, kiosk_headers, code=other["code"], phone_last4="1111", walk_in=True)
    assert r.status_code == 201 and r.get_json()["state"] == "late"
    assert r.get_json()["ticket"]["appointment_at"] is None
    assert r.get_json()["appointment"]["status"] == "late"
    missed = book(client, platform, external_id="P-3", id_number=WANG, slot="2026-11-26T09:00")
    clock.now = at("2026-11-26T09:30")
    e = refused(checkin(client, kiosk_headers, code=missed["code"]), 409, "checkin_missed")
    assert e["offer"] == "walk_in"
    assert hall.appointments.get(missed["id"])["status"] == "no_show"
    refused(checkin(client, kiosk_headers, id_number=LI), 404, "not_found")  # nothing today
    refused(checkin(client, kiosk_headers, id_number=LI, code="123456"), 422, "validation_failed")
    assert [
        e["data"]["appointment"]["on_time"]
        for e in events(hall)
        if e["type"] == "appointment.checked_in"
    ] == [True, False]


def test_a_retried_check_in_gets_its_ticket_back_and_a_second_one_is_refused(
    client, platform, kiosk_headers, clock, hall
):
    """The kiosk's answer was lost: its retry (same request_id) gets the same ticket with 200, to
    print; the same booking checked in again without that id is refused (one check-in)."""
    mine = book(client, platform)
    clock.now = at("2026-11-25T08:40")
    first = checkin(client, kiosk_headers, code=mine["code"], request_id="kiosk-retry-0001")
    assert first.status_code == 201, first.get_json()
    again = checkin(client, kiosk_headers, code=mine["code"], request_id="kiosk-retry-0001")
    assert again.status_code == 200 and again.get_json()["state"] == "replayed"
    assert again.get_json()["ticket"] == first.get_json()["ticket"]
    refused(
        checkin(client, kiosk_headers, code=mine["code"], request_id="kiosk-other-0002"),
        409,
        "already_checked_in",
    )
    refused(
        checkin(client, kiosk_headers, code=mine["code"], request_id="x"), 422, "validation_failed"
    )
    assert hall.store.db["tickets"].count == 1


def test_checked_in_appointments_go_first_but_a_long_waiting_walk_in_gets_every_third_call(
    client, platform, kiosk_headers, window_client, clock
):
    people = [ZHANG, LI, WANG]
    bookings = [
        book(client, platform, external_id=f"Q-{i}", id_number=p) for i, p in enumerate(people)
    ]
    clock.now = at("2026-11-25T08:35")
    r = client.post(
        "/api/v1/tickets",
        json={"service": "pension", "request_id": uuid.uuid4().hex},
        headers=kiosk_headers,
    )
    walk_in = r.get_json()
    for b in bookings:
        clock.advance(minutes=5)
        assert checkin(client, kiosk_headers, code=b["code"]).status_code == 201
    clock.now = at("2026-11-25T09:00")  # the slot has come; the walk-in waited 25 > 20 minutes
    # Two appointments (max_consecutive_appointments = 2), then the walk-in, then the third.
    assert client.get(f"/api/v1/tickets/{walk_in['id']}").get_json()["ahead"] == 2
    login(window_client, "win1")
    window_client.post("/api/v1/windows/4/open", json={})
    called = []
    for _ in range(4):
        clock.advance(minutes=1)
        called.append(window_client.post("/api/v1/windows/4/call-next", json={}).get_json())
    assert [c["number"] for c in called] == ["B002", "B003", "B001", "B004"]
    assert [bool(c["appointment_at"]) for c in called] == [True, True, False, True]


def test_the_tickets_api_no_longer_takes_an_unchecked_appointment_code(client, kiosk_headers):
    r = client.post(
        "/api/v1/tickets",
        headers=kiosk_headers | ZH,
        json={"service": "pension", "request_id": uuid.uuid4().hex, "appointment_code": "APPT-1"},
    )
    e = refused(r, 422, "validation_failed")
    assert "签到" in e["message"]


# --- the import ----------------------------------------------------------------------------------

HEADER = ["预约编号", "业务类别", "预约日期", "预约时段", "身份证号码", "姓名", "手机号码"]
ROWS = [
    ["PLAT-001", "养老保险", "2026-11-25", "09:00-09:30", ZHANG, "张三", "13812345678"],
    ["PLAT-002", "pension", "2026-11-25", "09:00", "110105194912310021", "李四", "13812345679"],
    ["PLAT-003", "社保卡", "2026-11-26", "10:00", LI, "王五", "13812345670"],
    ["PLAT-004", "养老保险", "2026-12-09", "09:00", WANG, "赵六", "13812345671"],
    ["PLAT-005", "B", "2026-11-25", "14:00", ZHANG, "张三", "13812345678"],
    ["PLAT-006", "medical", "2026-11-25", "09:00", WANG, "赵六", "138-1234"],
]


def upload(client, name: str, content: bytes):
    return client.post(
        "/api/v1/appointments/import",
        headers=ZH,
        json={"file_name": name, "content": base64.b64encode(content).decode()},
    )


def csv_bytes(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADER, *rows])
    return buf.getvalue().encode("utf-8-sig")


def test_the_import_reports_each_bad_row_and_imports_the_rest(admin_client, guide_client, hall):
    r = upload(admin_client, "bookings.csv", csv_bytes(ROWS))
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert (report["rows"], report["imported"], report["duplicates"]) == (6, 2, 0)
    why = {e["line"]: (e["external_id"], e["code"], e["message"]) for e in report["errors"]}
    assert why[3][1] == "validation_failed" and "校验" in why[3][2]  # wrong check digit
    assert why[5][1] == "too_far"
    assert why[6][1] == "one_per_day"
    assert why[7][1] == "validation_failed" and "电话" in why[7][2]
    assert set(why) == {3, 5, 6, 7}
    # The same file again: nothing new, nothing lost.
    again = upload(admin_client, "bookings.csv", csv_bytes(ROWS)).get_json()
    assert (again["imported"], again["duplicates"], len(again["errors"])) == (0, 2, 4)
    day = guide_client.get("/api/v1/appointments?day=2026-11-25").get_json()
    assert [b["external_id"] for b in day["bookings"]] == ["PLAT-001"]
    assert day["bookings"][0]["source"] == "import"
    # Only an administrator imports.
    assert upload(guide_client, "bookings.csv", csv_bytes(ROWS)).status_code == 403


def test_the_import_reads_xlsx_and_files_larger_than_the_api_limit(admin_client):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["X-1", "养老保险", datetime(2026, 11, 26), "09:30", LI, "王五", 13812345670])
    ws.append(["X-2", "养老保险", "2026-11-26", "09:30", 110105194912310020, "李四", "13812345679"])
    buf = io.BytesIO()
    wb.save(buf)
    report = upload(admin_client, "export.xlsx", buf.getvalue()).get_json()
    assert (report["imported"], [e["line"] for e in report["errors"]]) == (1, [3])
    # A platform's export of several days is larger than the API's 64 KB: still read (2,000
    # rows, every one for a day too far ahead), and each bad row is named.
    big = csv_bytes(
        [
            [f"B-{i}", "养老保险", "2027-03-01", "09:00", ZHANG, "", "13812345678"]
            for i in range(2000)
        ]
    )
    assert len(big) > 100_000
    report = upload(admin_client, "big.csv", big).get_json()
    assert report["rows"] == 2000 and {e["code"] for e in report["errors"]} == {"too_far"}
    bad = refused(
        upload(admin_client, "x.csv", "预约编号,业务类别\n1,2\n".encode()), 422, "validation_failed"
    )
    assert "缺少列" in bad["message"]
    refused(upload(admin_client, "x.xlsx", b"PK\x03\x04not a zip"), 422, "validation_failed")


# --- personal data -------------------------------------------------------------------------------


def test_pages_and_events_never_show_a_whole_id_number_or_phone(
    client, platform, guide_client, kiosk_headers, clock, hall
):
    made = book(client, platform)
    assert made["id_masked"] == "110105********002X" and made["phone_masked"] == "138****5678"
    assert made["name_masked"] == "张*"
    clock.now = at("2026-11-25T08:45")
    checkin(client, kiosk_headers, id_number=ZHANG)
    shown = json.dumps(
        [
            guide_client.get("/api/v1/appointments?day=2026-11-25").get_json(),
            guide_client.get(f"/api/v1/appointments/{made['id']}").get_json(),
            events(hall, ""),
            client.get("/api/v1/display/state").get_json(),
        ],
        ensure_ascii=False,
    )
    assert ZHANG not in shown and "13812345678" not in shown and "张三" not in shown
    stored = hall.store.db.execute("SELECT * FROM appointments").fetchall()
    assert ZHANG not in json.dumps(stored) and ZHANG.lower() not in json.dumps(stored)
    # The display marks the booked ticket once it is called.
    window = hall.queue
    window.set_window_state(4, "open")
    window.call_next(4)
    recent = client.get("/api/v1/display/state").get_json()["recent_calls"][0]
    assert recent["appointment"] is True
