"""The consultation ledger over HTTP: deadlines by the moved clock, masking, audit, exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login

ID_FULL = "11010519491231002X"
PHONE_FULL = "13812345678"
ANNEX_B_HEADERS = [
    "咨询人姓名",
    "证件号",
    "联系电话",
    "E-mail",
    "现通讯地址",
    "接待人",
    "接待时间",
    "预约答复日期",
    "咨询形式",
    "咨询内容要点",
    "答复方式",
    "答复内容要点",
    "答复时间",
    "答复人",
    "备注",
]


def record(**change):
    return {
        "name": "张三",
        "id_number": ID_FULL,
        "phone": PHONE_FULL,
        "email": "zhang@example.cn",
        "address": "示范市人民路 1 号",
        "form": "window",
        "summary": "咨询养老保险关系转移接续",
        "reply_class": "agreed",
    } | change


def create(client, **change):
    r = client.post("/api/v1/ledger", json=record(**change))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def ids(client, status):
    r = client.get(f"/api/v1/ledger?status={status}")
    assert r.status_code == 200, r.get_json()
    return [rec["id"] for rec in r.get_json()["records"]]


def audit_rows(hall):
    return list(hall.store.db.query("SELECT * FROM audit_log ORDER BY id"))


def test_create_computes_the_due_date_in_working_days(window_client):
    body = create(window_client)  # Tue 2026-11-24 + 3 working days
    assert body["due_date"] == "2026-11-27"
    assert body["due_provisional"] is False
    assert body["status"] == "open"
    assert body["receptionist"] == "win1"
    assert body["id_number_masked"] == "110105********002X"
    assert body["phone_masked"] == "138****5678"
    assert ID_FULL not in str(body) and PHONE_FULL not in str(body)


@pytest.mark.parametrize(
    "reply_class, due",
    [("immediate", "2026-11-24"), ("escalated", "2026-12-01"), ("letter", "2026-12-08")],
)
def test_each_reply_class_has_its_section_8_2_limit(window_client, reply_class, due):
    assert create(window_client, reply_class=reply_class)["due_date"] == due


def test_an_agreed_reply_date_within_the_limit_becomes_the_due_date(window_client):
    body = create(window_client, agreed_reply_date="2026-11-26", receptionist="李明")
    assert (body["due_date"], body["agreed_reply_date"], body["receptionist"]) == (
        "2026-11-26",
        "2026-11-26",
        "李明",
    )


@pytest.mark.parametrize(
    "change, field",
    [
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"agreed_reply_date": "2026-11-23"}, "agreed_reply_date"),  # yesterday
        ({"agreed_reply_date": "2026-11-30"}, "agreed_reply_date"),  # beyond 3 working days
        ({"agreed_reply_date": "2026-11-28"}, "agreed_reply_date"),  # a Saturday
        ({"summary": "   "}, "summary"),
        ({"phone": "12345"}, "phone"),
        ({"form": "pigeon"}, "form"),
    ],
)
def test_invalid_records_are_refused_with_the_field_and_nothing_is_saved(
    window_client, hall, change, field
):
    r = window_client.post("/api/v1/ledger", json=record(**change))
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["field"] == field
    assert err["message"] and not err["message"].isascii()  # plain Chinese by default
    assert hall.store.db["ledger"].count == 0


def test_invalid_id_number_message_is_clear_chinese(window_client):
    r = window_client.post("/api/v1/ledger", json=record(id_number="110105194912310021"))
    assert r.get_json()["error"]["message"] == "身份证号码校验位不正确，请逐位核对。"


def test_agreed_date_in_the_past_is_explained(window_client):
    r = window_client.post("/api/v1/ledger", json=record(agreed_reply_date="2026-11-20"))
    assert r.get_json()["error"]["message"] == "预约答复日期不能早于今天。"


def test_malformed_requests_get_4xx_not_500(window_client):
    assert (
        window_client.post(
            "/api/v1/ledger", data="name=x", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )
    assert (
        window_client.post("/api/v1/ledger", data="{", content_type="application/json").status_code
        == 400
    )
    assert window_client.post("/api/v1/ledger", json=[1, 2]).status_code == 400
    assert window_client.post("/api/v1/ledger", json=record(name=["x"])).status_code == 422
    assert window_client.get("/api/v1/ledger?status=later").status_code == 422
    assert window_client.get("/api/v1/ledger?status=all&from=2026-13-01").status_code == 422
    assert window_client.get("/api/v1/ledger/999").status_code == 404


def test_lists_follow_the_clock_open_due_today_overdue(window_client, clock):
    agreed = create(window_client)["id"]  # due Fri 11-27
    letter = create(window_client, reply_class="letter")["id"]  # due Tue 12-08
    assert ids(window_client, "open") == [agreed, letter]
    assert ids(window_client, "due_today") == []
    assert ids(window_client, "overdue") == []

    clock.advance(days=3)  # Fri 11-27
    login(window_client, "win1")  # yesterday's staff session has expired (idle limit)
    assert ids(window_client, "due_today") == [agreed]
    assert ids(window_client, "overdue") == []

    clock.advance(days=3)  # Mon 11-30
    login(window_client, "win1")
    assert ids(window_client, "due_today") == []
    assert ids(window_client, "overdue") == [agreed]
    rec = window_client.get(f"/api/v1/ledger/{agreed}").get_json()
    assert rec["overdue"] is True and rec["due_today"] is False
    assert ids(window_client, "open") == [agreed, letter]
    assert ids(window_client, "all") == [agreed, letter]


def test_patch_with_the_reply_closes_the_record(window_client, clock):
    rid = create(window_client)["id"]
    clock.advance(days=1, hours=2)
    login(window_client, "win1")  # the next day means a new staff session
    r = window_client.patch(
        f"/api/v1/ledger/{rid}",
        json={"reply_method": "phone", "reply_content": "已电话告知转移流程"},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "answered"
    assert body["replied_by"] == "win1"
    assert body["replied_at"].startswith("2026-11-25T11:00")
    assert body["answered_late"] is False
    assert ids(window_client, "open") == []
    assert ids(window_client, "answered") == [rid]
    clock.advance(days=10)
    login(window_client, "win1")
    assert ids(window_client, "overdue") == []  # answered records are never overdue

    again = window_client.patch(
        f"/api/v1/ledger/{rid}", json={"reply_method": "sms", "reply_content": "再次"}
    )
    assert again.status_code == 409
    remarks = window_client.patch(f"/api/v1/ledger/{rid}", json={"remarks": "服务对象表示满意"})
    assert remarks.status_code == 200 and remarks.get_json()["remarks"] == "服务对象表示满意"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reply_method": "pigeon", "reply_content": "x"}, "reply_method"),
        ({"reply_method": "phone"}, "reply_content"),
        (
            {
                "reply_method": "phone",
                "reply_content": "x",
                "replied_at": "2026-11-23T09:00:00+08:00",
            },
            "replied_at",
        ),
        ({}, "reply_method"),
    ],
)
def test_bad_replies_are_refused_and_the_record_stays_open(window_client, body, field):
    rid = create(window_client)["id"]
    r = window_client.patch(f"/api/v1/ledger/{rid}", json=body)
    assert r.status_code == 422 and r.get_json()["error"]["field"] == field
    assert window_client.get(f"/api/v1/ledger/{rid}").get_json()["status"] == "open"


def test_lists_never_carry_the_full_id_number_or_phone(window_client, admin_client):
    create(window_client)
    for c in (window_client, admin_client):
        text = c.get("/api/v1/ledger?status=all").get_data(as_text=True)
        assert ID_FULL not in text and PHONE_FULL not in text
        assert "110105********002X" in text


def test_non_admin_detail_is_masked_and_not_audited(window_client, guide_client, hall):
    rid = create(window_client)["id"]
    for c in (window_client, guide_client):
        body = c.get(f"/api/v1/ledger/{rid}").get_json()
        assert "id_number" not in body and "phone" not in body
        assert ID_FULL not in str(body)
    assert audit_rows(hall) == []


def test_admin_detail_is_full_and_audited(window_client, admin_client, hall, clock):
    rid = create(window_client)["id"]
    clock.advance(minutes=7)
    body = admin_client.get(f"/api/v1/ledger/{rid}").get_json()
    assert body["id_number"] == ID_FULL and body["phone"] == PHONE_FULL
    rows = audit_rows(hall)
    assert len(rows) == 1
    assert (rows[0]["actor"], rows[0]["actor_role"], rows[0]["action"], rows[0]["subject"]) == (
        "admin1",
        "admin",
        "ledger.view_full",
        f"ledger:{rid}",
    )
    assert rows[0]["at"].startswith("2026-11-24T09:07")
    log = admin_client.get("/api/v1/ledger/audit").get_json()["entries"]
    assert log[0]["subject"] == f"ledger:{rid}"


def test_the_audit_log_cannot_be_edited(window_client, admin_client, hall):
    admin_client.get(f"/api/v1/ledger/{create(window_client)['id']}")
    with pytest.raises(Exception, match="append-only"):
        hall.store.db.execute("DELETE FROM audit_log")


def export_csv(client, query=""):
    r = client.get(f"/api/v1/ledger/export.csv{query}")
    assert r.status_code == 200, r.data[:200]
    assert r.data.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    assert "attachment" in r.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_csv_export_has_the_annex_b_layout_and_masked_ids(window_client, guide_client):
    rid = create(window_client, remarks='=HYPERLINK("x")')["id"]
    create(
        window_client,
        name="李四",
        id_number="44030519900101123X",
        phone="0755-82345678",
        form="phone",
        reply_class="immediate",
    )
    window_client.patch(
        f"/api/v1/ledger/{rid}", json={"reply_method": "letter", "reply_content": "已函复"}
    )
    rows = export_csv(guide_client)
    assert rows[0] == ANNEX_B_HEADERS
    assert len(rows) == 3
    by_name = {r[0]: dict(zip(ANNEX_B_HEADERS, r)) for r in rows[1:]}
    zhang, li = by_name["张三"], by_name["李四"]
    assert zhang["证件号"] == "110105********002X" and zhang["联系电话"] == "138****5678"
    assert li["证件号"] == "440305********123X" and li["联系电话"] == "0755-****5678"
    assert (zhang["咨询形式"], zhang["答复方式"], zhang["预约答复日期"]) == (
        "窗口",
        "信函",
        "2026-11-27",
    )
    assert (li["咨询形式"], li["答复方式"]) == ("电话", "")
    assert zhang["接待时间"] == "2026-11-24 09:00"
    assert zhang["备注"].startswith("'=")  # not a live formula in Excel
    text = "\n".join(",".join(r) for r in rows)
    assert ID_FULL not in text and "44030519900101123X" not in text and PHONE_FULL not in text


def test_csv_export_filters_by_status(window_client, guide_client):
    create(window_client)
    assert len(export_csv(guide_client, "?status=answered")) == 1  # headers only


def test_xlsx_export_opens_with_openpyxl(window_client, admin_client, hall):
    create(window_client)
    r = admin_client.get("/api/v1/ledger/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ANNEX_B_HEADERS
    assert values[1][:3] == ["张三", "110105********002X", "138****5678"]
    flat = " ".join(str(v) for row in values for v in row)
    assert ID_FULL not in flat and PHONE_FULL not in flat
    assert [r["action"] for r in audit_rows(hall)] == ["ledger.export.xlsx"]


def test_anonymous_callers_get_401(client):
    assert client.get("/api/v1/ledger").status_code == 401
    assert client.post("/api/v1/ledger", json=record()).status_code == 401
    assert client.get("/api/v1/ledger/1").status_code == 401
    assert client.patch("/api/v1/ledger/1", json={}).status_code == 401
    assert client.get("/api/v1/ledger/export.csv").status_code == 401


def test_wrong_roles_and_devices_get_403(window_client, client, kiosk_headers):
    assert window_client.get("/api/v1/ledger/export.csv").status_code == 403
    assert window_client.get("/api/v1/ledger/export.xlsx").status_code == 403
    assert window_client.get("/api/v1/ledger/audit").status_code == 403
    assert client.get("/api/v1/ledger", headers=kiosk_headers).status_code == 403
    assert client.post("/api/v1/ledger", json=record(), headers=kiosk_headers).status_code == 403


# --- calendar endpoints ---------------------------------------------------------------------------


def test_due_date_preview_for_the_console_form(window_client):
    r = window_client.get("/api/v1/calendar/due-date?from=2026-09-24&class=agreed")
    assert r.get_json() == {
        "from": "2026-09-24",
        "class": "agreed",
        "working_days": 3,
        "due_date": "2026-09-30",
        "provisional": False,
    }
    assert window_client.get("/api/v1/calendar/due-date").get_json()["due_date"] == "2026-11-27"
    assert window_client.get("/api/v1/calendar/due-date?class=soon").status_code == 422
    assert window_client.get("/api/v1/calendar/due-date?from=24.09.2026").status_code == 422


def test_admin_overrides_for_an_unpublished_year(admin_client, guide_client, window_client):
    preview = "/api/v1/calendar/due-date?from=2027-03-05&class=agreed"
    assert window_client.get(preview).get_json() == {
        "from": "2027-03-05",
        "class": "agreed",
        "working_days": 3,
        "due_date": "2027-03-10",
        "provisional": True,
    }
    r = admin_client.post(
        "/api/v1/calendar/overrides", json={"date": "2027-03-09", "kind": "holiday", "note": "测试"}
    )
    assert r.status_code == 201 and r.get_json()["official"] == "unpublished"
    assert window_client.get(preview).get_json()["due_date"] == "2027-03-11"
    listed = admin_client.get("/api/v1/calendar/overrides").get_json()
    assert [o["day"] for o in listed["overrides"]] == ["2027-03-09"]
    assert 2026 in listed["published_years"] and 2027 not in listed["published_years"]
    assert (
        admin_client.post(
            "/api/v1/calendar/overrides", json={"date": "2027-03-09", "kind": "rest"}
        ).status_code
        == 422
    )
    assert (
        guide_client.post(
            "/api/v1/calendar/overrides", json={"date": "2027-03-10", "kind": "holiday"}
        ).status_code
        == 403
    )
    assert guide_client.get("/api/v1/calendar/overrides").status_code == 403
    assert (
        admin_client.delete(
            "/api/v1/calendar/overrides/2027-03-09", content_type="application/json"
        ).status_code
        == 204
    )
    assert window_client.get(preview).get_json()["due_date"] == "2027-03-10"


def test_a_ledger_record_in_an_unpublished_year_is_provisional(window_client, clock):
    clock.advance(days=365)  # 2027-11-24, a Wednesday
    login(window_client, "win1")
    body = create(window_client)
    assert (body["due_date"], body["due_provisional"]) == ("2027-11-29", True)


def test_working_days_left_flags_due_soon_records(window_client, clock):
    rid = create(window_client)["id"]  # due Fri 11-27
    assert window_client.get(f"/api/v1/ledger/{rid}").get_json()["working_days_left"] == 3
    clock.advance(days=3)
    login(window_client, "win1")
    assert (
        window_client.get("/api/v1/ledger?status=open").get_json()["records"][0][
            "working_days_left"
        ]
        == 0
    )
    clock.advance(days=4)  # Tue 12-01
    login(window_client, "win1")
    assert window_client.get(f"/api/v1/ledger/{rid}").get_json()["working_days_left"] == -2


def test_a_reception_time_years_ago_is_refused(window_client):
    r = window_client.post("/api/v1/ledger", json=record(received_at="2016-11-24T09:00:00+08:00"))
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "received_at"


def test_a_letter_received_earlier_counts_from_its_reception_day(window_client):
    body = create(
        window_client, form="letter", reply_class="letter", received_at="2026-11-20T16:00:00+08:00"
    )
    assert body["due_date"] == "2026-12-04"  # Fri 11-20 + 10 working days
