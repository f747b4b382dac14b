"""The citizen session (§8.1.3): each way to verify, the refusals, the lock and the slowing, and
the end of a session — DELETE, idle, absolute, a new session on the kiosk, another kiosk."""

from __future__ import annotations

import dataclasses

import pytest

from queue_server.records.demo_people import essc_code
from queue_server.store import records_audit

from .conftest import kiosk, password_login

SESSION = "/api/v1/citizen/session"


def card(person, **over) -> dict:
    return {
        "id_card": {
            "name": person.name,
            "id_number": person.id_number,
            "valid_from": "2016-05-01",
            "valid_to": "2036-05-01",
            **over,
        }
    }


def audit_rows(hall) -> list[dict]:
    return list(reversed(records_audit.select(hall.store.db, limit=1000)))


def wrong(password: str) -> str:
    return f"{(int(password) + 1) % 10**6:06d}"


def test_verify_with_the_id_card(client, kiosk_token, people):
    r = client.post(SESSION, headers=kiosk(client, kiosk_token), json=card(people[0]))
    assert r.status_code == 201
    body = r.get_json()
    assert body["method"] == "id_card" and body["idle_s"] == 120 and body["max_s"] == 600
    assert (
        body["person"]["id_number_masked"]
        == people[0].id_number[:6] + "********" + people[0].id_number[-4:]
    )
    assert body["person"]["name_masked"] == people[0].name[0] + "*" * (len(people[0].name) - 1)
    r = client.get("/api/v1/citizen/profile", headers=kiosk(client, kiosk_token, body["token"]))
    assert r.status_code == 200


def test_a_card_valid_for_life_is_in_date(client, kiosk_token, people):
    r = client.post(
        SESSION, headers=kiosk(client, kiosk_token), json=card(people[1], valid_to="长期")
    )
    assert r.status_code == 201


def test_verify_with_the_essc_code(client, kiosk_token, people, records_db, clock):
    code = essc_code(records_db[0], people[2].person_id, clock(), lifetime_s=60)
    r = client.post(SESSION, headers=kiosk(client, kiosk_token), json={"essc_qr": code})
    assert r.status_code == 201 and r.get_json()["method"] == "essc_qr"


def test_verify_with_the_query_password(client, kiosk_token, people):
    body = password_login(client, kiosk_token, people[3])
    assert body["method"] == "password"


def test_the_wrong_card_holder_is_refused(client, kiosk_token, people, hall):
    r = client.post(
        SESSION, headers=kiosk(client, kiosk_token), json=card(people[0], name=people[1].name)
    )
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "not_verified"
    assert "身份证" in r.get_json()["error"]["message"]
    last = audit_rows(hall)[-1]
    assert (last["action"], last["method"], last["result"], last["reason"]) == (
        "verify",
        "id_card",
        "refused",
        "mismatch",
    )


@pytest.mark.parametrize(
    "valid_from, valid_to", [("2006-01-01", "2026-01-01"), ("2026-12-01", "2046-12-01")]
)
def test_a_card_out_of_date_is_refused_before_asking_the_records(
    client, kiosk_token, people, hall, valid_from, valid_to
):
    r = client.post(
        SESSION,
        headers=kiosk(client, kiosk_token),
        json=card(people[0], valid_from=valid_from, valid_to=valid_to),
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["field"] == "id_card.valid_to"
    assert audit_rows(hall)[-1]["reason"] == "card_out_of_date"


def test_a_stale_or_altered_essc_code_is_refused(client, kiosk_token, people, records_db, clock):
    code = essc_code(records_db[0], people[2].person_id, clock(), lifetime_s=60)
    clock.advance(seconds=61)
    r = client.post(SESSION, headers=kiosk(client, kiosk_token), json={"essc_qr": code})
    assert r.status_code == 401 and "刷新" in r.get_json()["error"]["message"]
    fresh = essc_code(records_db[0], people[2].person_id, clock(), lifetime_s=60)
    r = client.post(
        SESSION, headers=kiosk(client, kiosk_token), json={"essc_qr": fresh[:-2] + "AA"}
    )
    assert r.status_code == 401


def test_five_wrong_passwords_lock_the_number_for_the_day(client, kiosk_token, people, clock, hall):
    p = people[4]
    for _ in range(5):
        r = client.post(
            SESSION,
            headers=kiosk(client, kiosk_token),
            json={"password": {"id_number": p.id_number, "password": wrong(p.password)}},
        )
        assert r.status_code == 401
    right = {"password": {"id_number": p.id_number, "password": p.password}}
    r = client.post(SESSION, headers=kiosk(client, kiosk_token), json=right)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "明日" in r.get_json()["error"]["message"]
    assert audit_rows(hall)[-1]["result"] == "locked"
    clock.advance(days=1)
    assert client.post(SESSION, headers=kiosk(client, kiosk_token), json=right).status_code == 201


def test_a_right_password_resets_the_count(client, kiosk_token, people):
    p = people[5]
    bad = {"password": {"id_number": p.id_number, "password": wrong(p.password)}}
    for _ in range(4):
        assert client.post(SESSION, headers=kiosk(client, kiosk_token), json=bad).status_code == 401
    password_login(client, kiosk_token, p)
    for _ in range(4):
        assert client.post(SESSION, headers=kiosk(client, kiosk_token), json=bad).status_code == 401
    password_login(client, kiosk_token, p)


def test_wrong_passwords_for_unknown_numbers_count_the_same(client, kiosk_token):
    bad = {"password": {"id_number": "11010519491231002X", "password": "123456"}}
    replies = [client.post(SESSION, headers=kiosk(client, kiosk_token), json=bad) for _ in range(6)]
    assert [r.status_code for r in replies] == [401] * 5 + [429]
    known_wrong = replies[0].get_json()["error"]["message"]
    assert known_wrong == "身份证号码或查询密码不正确。"


def test_a_kiosk_that_sprays_numbers_is_slowed(client, kiosk_token, kiosk2_token, people, clock):
    for p in people[10:20]:
        r = client.post(
            SESSION,
            headers=kiosk(client, kiosk_token),
            json={"password": {"id_number": p.id_number, "password": wrong(p.password)}},
        )
        assert r.status_code == 401
    p = people[20]
    right = {"password": {"id_number": p.id_number, "password": p.password}}
    r = client.post(SESSION, headers=kiosk(client, kiosk_token), json=right)
    assert r.status_code == 429 and r.headers["Retry-After"] == "5"
    # another kiosk is not slowed; this one may try again after the wait
    assert client.post(SESSION, headers=kiosk(client, kiosk2_token), json=right).status_code == 201
    clock.advance(seconds=5)
    assert client.post(SESSION, headers=kiosk(client, kiosk_token), json=right).status_code == 201


def test_a_session_ends_after_two_idle_minutes(client, kiosk_token, people, clock):
    token = password_login(client, kiosk_token, people[0])["token"]
    headers = kiosk(client, kiosk_token, token)
    clock.advance(seconds=119)
    assert client.get("/api/v1/citizen/cases", headers=headers).status_code == 200
    clock.advance(seconds=119)  # each request starts the idle time again
    assert client.get("/api/v1/citizen/cases", headers=headers).status_code == 200
    clock.advance(seconds=120)
    r = client.get("/api/v1/citizen/cases", headers=headers)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "citizen_session_ended"


def test_a_session_ends_ten_minutes_after_it_began(client, kiosk_token, people, clock):
    token = password_login(client, kiosk_token, people[0])["token"]
    headers = kiosk(client, kiosk_token, token)
    for _ in range(5):
        clock.advance(seconds=110)
        assert client.get("/api/v1/citizen/account", headers=headers).status_code == 200
    clock.advance(seconds=50)  # 600 s in all, however busy
    assert client.get("/api/v1/citizen/account", headers=headers).status_code == 401


def test_limits_come_from_the_settings(settings, people, clock, password_hash, db_path):
    from queue_server.web import create_app

    records = dataclasses.replace(settings.records, session_idle_s=30)
    app = create_app(
        dataclasses.replace(settings, records=records),
        db_path=db_path,
        clock=clock,
        test_config={"TESTING": True},
    )
    try:
        token = app.extensions["hall"].accounts.create_device("kiosk-9", "kiosk")
        client = app.test_client()
        body = password_login(client, token, people[0])
        assert body["idle_s"] == 30
        clock.advance(seconds=30)
        assert (
            client.get(
                "/api/v1/citizen/cases", headers=kiosk(client, token, body["token"])
            ).status_code
            == 401
        )
    finally:
        app.extensions["hall"].close()


def test_delete_ends_the_session(client, kiosk_token, people, hall):
    token = password_login(client, kiosk_token, people[0])["token"]
    headers = kiosk(client, kiosk_token, token)
    assert client.delete(SESSION, headers=headers, json={}).status_code == 204
    assert client.get("/api/v1/citizen/profile", headers=headers).status_code == 401
    assert client.delete(SESSION, headers=headers, json={}).status_code == 204  # already gone
    assert ("session.end", "ended") in {(r["action"], r["result"]) for r in audit_rows(hall)}


def test_one_session_per_kiosk(client, kiosk_token, people):
    first = password_login(client, kiosk_token, people[0])["token"]
    second = password_login(client, kiosk_token, people[1])["token"]
    assert (
        client.get("/api/v1/citizen/profile", headers=kiosk(client, kiosk_token, first)).status_code
        == 401
    )
    assert (
        client.get(
            "/api/v1/citizen/profile", headers=kiosk(client, kiosk_token, second)
        ).status_code
        == 200
    )


def test_even_a_failed_verification_ends_the_kiosks_session(client, kiosk_token, people):
    """Someone else stands at the kiosk now: the previous person's records are out of reach."""
    first = password_login(client, kiosk_token, people[0])["token"]
    client.post(SESSION, headers=kiosk(client, kiosk_token), json=card(people[1], name="张三"))
    assert (
        client.get("/api/v1/citizen/profile", headers=kiosk(client, kiosk_token, first)).status_code
        == 401
    )


def test_a_token_from_another_kiosk_is_refused_and_ended(
    client, kiosk_token, kiosk2_token, people, hall
):
    token = password_login(client, kiosk_token, people[0])["token"]
    r = client.get("/api/v1/citizen/profile", headers=kiosk(client, kiosk2_token, token))
    assert r.status_code == 401
    assert audit_rows(hall)[-1]["reason"] == "session_other_kiosk"
    # the copied token is dead on its own kiosk too
    assert (
        client.get("/api/v1/citizen/profile", headers=kiosk(client, kiosk_token, token)).status_code
        == 401
    )


def test_only_a_kiosk_may_start_or_use_a_session(client, admin_client, window_client, people):
    body = {"password": {"id_number": people[0].id_number, "password": people[0].password}}
    assert client.post(SESSION, json=body).status_code == 401
    assert admin_client.post(SESSION, json=body).status_code == 403
    assert window_client.get("/api/v1/citizen/profile").status_code == 403
    assert (
        client.get(
            "/api/v1/citizen/profile", headers={"Authorization": "Bearer not-a-token"}
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "method"),
        ({"password": {"id_number": "110105197605175298", "password": "12345"}}, "password"),
        ({"password": {"id_number": "110105197605175299", "password": "123456"}}, None),
        ({"id_card": {"name": "张三", "id_number": "110105197605175298"}}, "id_card.valid_to"),
        (
            {"id_card": {"name": "", "id_number": "110105197605175298", "valid_to": "长期"}},
            "id_card.name",
        ),
        ({"essc_qr": 12}, "essc_qr"),
        ({"essc_qr": "x", "password": {}}, "method"),
    ],
)
def test_bad_input_is_a_clear_422(client, kiosk_token, body, field):
    r = client.post(SESSION, headers=kiosk(client, kiosk_token), json=body)
    assert r.status_code == 422
    error = r.get_json()["error"]
    if field:
        assert error["field"] == field
    assert error["message"] and "Traceback" not in error["message"]


def test_records_unavailable_is_a_plain_503_and_costs_no_try(
    client, kiosk_token, people, hall, tmp_path
):
    p = people[6]
    hall.records.path = tmp_path / "gone.db"  # the records database went away
    body = {"password": {"id_number": p.id_number, "password": p.password}}
    for _ in range(6):
        r = client.post(SESSION, headers=kiosk(client, kiosk_token), json=body)
        assert r.status_code == 503
        assert r.get_json()["error"]["message"] == "个人信息查询暂不可用，请到窗口办理"
        assert r.headers["Retry-After"]
    assert audit_rows(hall)[-1]["result"] == "unavailable"


def test_readings_outside_the_allowed_months_are_refused(client, kiosk_token, people):
    token = password_login(client, kiosk_token, people[0])["token"]
    headers = kiosk(client, kiosk_token, token)
    for query, field in (
        ("from=2020-13", "from"),
        ("from=2020-05&to=2020-01", "to"),
        ("from=1960-01&to=2026-11", "from"),
    ):
        r = client.get(f"/api/v1/citizen/contributions?{query}", headers=headers)
        assert r.status_code == 422 and r.get_json()["error"]["field"] == field


def test_an_essc_code_works_once(
    client, kiosk_token, kiosk2_token, people, records_db, clock, hall
):
    """A code photographed over the citizen's shoulder cannot be shown again within its minute."""
    code = essc_code(records_db[0], people[2].person_id, clock(), lifetime_s=60)
    assert (
        client.post(SESSION, headers=kiosk(client, kiosk_token), json={"essc_qr": code}).status_code
        == 201
    )
    clock.advance(seconds=10)
    r = client.post(SESSION, headers=kiosk(client, kiosk2_token), json={"essc_qr": code})
    assert r.status_code == 401
    assert audit_rows(hall)[-1]["reason"] == "qr_reused"
    fresh = essc_code(records_db[0], people[2].person_id, clock(), lifetime_s=60)
    assert (
        client.post(
            SESSION, headers=kiosk(client, kiosk2_token), json={"essc_qr": fresh}
        ).status_code
        == 201
    )
