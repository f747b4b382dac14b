"""Annex A.2 forbidden language is refused in every text staff write for citizens (§8.4,
issue 9 item 8): the hall notice, the ledger reply and the remarks, with one message."""

import pytest

from queue_server.core.errors import InvalidField
from queue_server.core.phrases import check_service_language

RUDE_REPLY = "文件上有规定，自己查去。"


def new_record(client, **change) -> dict:
    body = {
        "name": "张三",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "form": "window",
        "summary": "咨询失业保险金申领条件",
        "reply_class": "agreed",
    } | change
    return client.post("/api/v1/ledger", json=body)


def test_the_core_check_names_the_field_and_the_class():
    with pytest.raises(InvalidField) as exc:
        check_service_language(RUDE_REPLY, "reply_content")
    assert exc.value.field == "reply_content"
    assert exc.value.params["phrase"] == RUDE_REPLY
    check_service_language("已电话告知所需材料及办理窗口。", "reply_content")  # polite: no error
    check_service_language(None, "remarks")


def test_a_rude_ledger_reply_is_refused_and_the_record_stays_open(window_client, hall):
    record_id = new_record(window_client).get_json()["id"]
    r = window_client.patch(
        f"/api/v1/ledger/{record_id}", json={"reply_method": "phone", "reply_content": RUDE_REPLY}
    )
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["field"] == "reply_content"
    assert "烦燥语" in err["message"] and "自己查去" in err["message"]
    row = hall.store.db["ledger"].get(record_id)
    assert (row["status"], row["reply_content"]) == ("open", None)


def test_the_reply_refusal_is_the_notices_message(window_client, guide_client):
    record_id = new_record(window_client).get_json()["id"]
    reply = window_client.patch(
        f"/api/v1/ledger/{record_id}", json={"reply_method": "phone", "reply_content": RUDE_REPLY}
    )
    notice = guide_client.post("/api/v1/notice", json={"text": RUDE_REPLY})
    assert notice.status_code == 422
    assert reply.get_json()["error"]["message"] == notice.get_json()["error"]["message"]


@pytest.mark.parametrize("lang, words", [("en", "impatient language"), ("zh-CN", "烦燥语")])
def test_the_class_is_named_in_the_readers_language(window_client, lang, words):
    record_id = new_record(window_client).get_json()["id"]
    r = window_client.patch(
        f"/api/v1/ledger/{record_id}",
        headers={"Accept-Language": lang},
        json={"reply_method": "phone", "reply_content": RUDE_REPLY},
    )
    assert words in r.get_json()["error"]["message"]


def test_rude_remarks_are_refused_on_create_and_on_update(window_client, hall):
    r = new_record(window_client, remarks="该找谁找谁去，我不管。")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "remarks"
    assert hall.store.db["ledger"].count == 0
    record_id = new_record(window_client, remarks="已约定周五前回电").get_json()["id"]
    r = window_client.patch(
        f"/api/v1/ledger/{record_id}", json={"remarks": "你去告吧，反正不是我的事"}
    )
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "remarks"
    assert hall.store.db["ledger"].get(record_id)["remarks"] == "已约定周五前回电"


def test_the_summary_may_quote_what_the_person_said(window_client):
    # The summary records the consultation in the person's words; citizens are not sent it.
    r = new_record(
        window_client, summary="来电人称此前窗口答复“自己查去”，要求说明失业金申领材料。"
    )
    assert r.status_code == 201, r.get_json()


def test_a_polite_reply_is_saved(window_client):
    record_id = new_record(window_client).get_json()["id"]
    r = window_client.patch(
        f"/api/v1/ledger/{record_id}",
        json={
            "reply_method": "phone",
            "reply_content": "已电话告知：凭社会保障卡或身份证即可申领，无需离职证明。",
        },
    )
    assert r.status_code == 200 and r.get_json()["status"] == "answered"
