"""The guide's notice line is checked against annex A.2; the console gets annex A.1 phrases."""

from queue_server.store import events as event_log


def test_a_polite_notice_is_published(guide_client, client, hall):
    text = "今日 14:00–15:00 系统升级，养老保险业务暂停办理，给您添麻烦了，敬请谅解。"
    r = guide_client.post("/api/v1/notice", json={"text": text})
    assert r.status_code == 200, r.get_json()
    assert client.get("/api/v1/display/state").get_json()["notice"] == text
    last = event_log.after(hall.store.db, 0)[-1]
    assert last["type"] == "notice.changed" and last["data"]["notice"] == text


def test_a_notice_with_a_forbidden_phrase_is_refused_with_its_class(guide_client, client, hall):
    before = client.get("/api/v1/display/state").get_json()["notice"]
    r = guide_client.post("/api/v1/notice", json={"text": "有问题你去告吧，反正不是我的事"})
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["field"] == "text"
    assert "蔑视语" in err["message"] and "你去告吧" in err["message"]
    assert client.get("/api/v1/display/state").get_json()["notice"] == before
    assert not any(e["type"] == "notice.changed" for e in event_log.after(hall.store.db, 0))


def test_the_refusal_is_in_the_callers_language(guide_client):
    r = guide_client.post(
        "/api/v1/notice", json={"text": "不可以！"}, headers={"Accept-Language": "en"}
    )
    assert "flatly refusing language" in r.get_json()["error"]["message"]


def test_notice_length_and_type_are_checked(guide_client):
    assert (
        guide_client.post("/api/v1/notice", json={"text": "请" * 201}).get_json()["error"]["field"]
        == "text"
    )
    assert guide_client.post("/api/v1/notice", json={"text": "请" * 200}).status_code == 200
    assert guide_client.post("/api/v1/notice", json={"text": 5}).status_code == 422
    assert guide_client.post("/api/v1/notice", json={}).status_code == 422


def test_notice_roles(client, window_client, kiosk_headers):
    assert client.post("/api/v1/notice", json={"text": "您好"}).status_code == 401
    assert window_client.post("/api/v1/notice", json={"text": "您好"}).status_code == 403
    assert (
        client.post("/api/v1/notice", json={"text": "您好"}, headers=kiosk_headers).status_code
        == 403
    )


def test_phrases_for_the_window_console(window_client):
    body = window_client.get("/api/v1/phrases").get_json()
    situations = {p["situation"]: p for p in body["polite"]}
    assert situations["first_question"]["name"] == "首问语"
    assert "您好，请问您需要什么帮助？" in situations["first_question"]["phrases"]
    assert len(body["forbidden"]) == 6 and body["forbidden"][0]["name"] == "命令语"
    assert "win1" in body["prompts"]["on_call"][1]
    assert body["prompts"]["satisfaction"] == ["请问对我的帮助满意吗？"]
