"""Progress without verification (§8.1.2) and the audit of personal-data access (§8.6)."""

from __future__ import annotations

import sqlite3

import pytest

from queue_server.core.citizen import id_digest
from queue_server.records.provider import IdCard
from queue_server.store import records_audit

from ..conftest import login
from .conftest import kiosk, password_login


@pytest.fixture
def open_case(hall, people, clock):
    person = hall.records.verify(IdCard(people[0].id_number, people[0].name), clock())
    return hall.records.cases(person)[0], people[0].id_number[-4:]


def not_this(last4: str) -> str:
    return "1111" if last4 != "1111" else "2222"


# --- progress ----------------------------------------------------------------------------------


def test_progress_shows_the_stage_and_nothing_personal(client, kiosk_token, open_case):
    case, last4 = open_case
    r = client.get(
        f"/api/v1/cases/{case.case_number}?check={last4}", headers=kiosk(client, kiosk_token)
    )
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) == {"case_number", "stage", "next_stage", "next_expected", "labels"}
    assert (body["stage"], body["next_stage"]) == (case.stage, case.next_stage)
    assert body["labels"][case.stage] == "审核中"


def test_guide_and_window_staff_may_ask_too(guide_client, window_client, open_case):
    case, last4 = open_case
    for c in (guide_client, window_client):
        assert c.get(f"/api/v1/cases/{case.case_number}?check={last4}").status_code == 200


def test_a_wrong_check_is_a_404_like_an_unknown_number(client, kiosk_token, open_case):
    case, last4 = open_case
    wrong = client.get(
        f"/api/v1/cases/{case.case_number}?check={not_this(last4)}",
        headers=kiosk(client, kiosk_token),
    )
    unknown = client.get(
        f"/api/v1/cases/SB20260101999999?check={last4}", headers=kiosk(client, kiosk_token)
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()


def test_five_wrong_checks_lock_the_case_for_the_day(
    client, kiosk_token, kiosk2_token, open_case, clock
):
    case, last4 = open_case
    url = f"/api/v1/cases/{case.case_number}?check="
    for _ in range(5):
        assert (
            client.get(url + not_this(last4), headers=kiosk(client, kiosk_token)).status_code == 404
        )
    r = client.get(url + last4, headers=kiosk(client, kiosk2_token))  # from any kiosk
    assert r.status_code == 429 and "窗口" in r.get_json()["error"]["message"]
    clock.advance(days=1)
    assert client.get(url + last4, headers=kiosk(client, kiosk2_token)).status_code == 200


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/cases/SB1?check=1234", "case_number"),
        ("/api/v1/cases/SB20261124000001", "check"),
        ("/api/v1/cases/SB20261124000001?check=12a4", "check"),
    ],
)
def test_bad_progress_queries_name_the_field(client, kiosk_token, url, field):
    r = client.get(url, headers=kiosk(client, kiosk_token))
    assert r.status_code == 422 and r.get_json()["error"]["field"] == field


def test_progress_needs_a_kiosk_or_staff(client, open_case):
    case, last4 = open_case
    assert client.get(f"/api/v1/cases/{case.case_number}?check={last4}").status_code == 401


# --- the audit ---------------------------------------------------------------------------------


def rows(hall) -> list[dict]:
    return list(reversed(records_audit.select(hall.store.db, limit=10_000)))


def test_every_attempt_and_read_is_a_row_with_an_hmac_only(client, kiosk_token, hall, people):
    p = people[0]
    client.post(
        "/api/v1/citizen/session",
        headers=kiosk(client, kiosk_token),
        json={
            "password": {
                "id_number": p.id_number,
                "password": "000000" if p.password != "000000" else "111111",
            }
        },
    )
    token = password_login(client, kiosk_token, p)["token"]
    s = kiosk(client, kiosk_token, token)
    for what in ("profile", "contributions", "account", "benefits", "cases"):
        client.get(f"/api/v1/citizen/{what}", headers=s)
    client.post(
        "/api/v1/citizen/statements", headers=s, json={"kind": "annual_record", "year": 2025}
    )
    digest = id_digest(hall.citizen.secret, p.id_number)
    seen = [(r["action"], r["method"], r["result"], r["id_hmac"], r["actor"]) for r in rows(hall)]
    assert seen == [
        ("verify", "password", "refused", digest, "kiosk-1"),
        ("verify", "password", "ok", digest, "kiosk-1"),
        *[
            (f"read.{w}", "password", "ok", digest, "kiosk-1")
            for w in ("profile", "contributions", "account", "benefits", "cases")
        ],
        ("statement.create", "password", "ok", digest, "kiosk-1"),
    ]
    assert "kind=annual_record;statement=1" in rows(hall)[-1]["detail"]


def test_the_audit_is_append_only(hall, client, kiosk_token, people, db_path):
    password_login(client, kiosk_token, people[0])
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE records_audit SET result = 'ok'", "DELETE FROM records_audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_only_an_admin_reads_the_audit(client, kiosk_token, window_client, guide_client):
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit", headers=kiosk(client, kiosk_token)).status_code == 403
    assert window_client.get("/api/v1/audit").status_code == 403
    assert guide_client.post("/api/v1/audit/search", json={}).status_code == 403
    assert guide_client.get("/admin/audit").status_code == 403


def test_filters_and_reading_is_audited(
    admin_client, client, kiosk_token, kiosk2_token, hall, people, clock
):
    password_login(client, kiosk_token, people[0])
    client.post(
        "/api/v1/citizen/session",
        headers=kiosk(client, kiosk2_token),
        json={
            "password": {
                "id_number": people[1].id_number,
                "password": "000000" if people[1].password != "000000" else "111111",
            }
        },
    )
    clock.advance(days=1)
    password_login(client, kiosk2_token, people[2])
    login(admin_client, "admin1")  # a new day, a new staff session
    day1 = admin_client.get("/api/v1/audit?day=2026-11-24").get_json()["entries"]
    assert {e["actor"] for e in day1} == {"kiosk-1", "kiosk-2"}
    by_kiosk = admin_client.get("/api/v1/audit?kiosk=kiosk-2").get_json()["entries"]
    assert {e["actor"] for e in by_kiosk} == {"kiosk-2"} and len(by_kiosk) == 2
    refused = admin_client.get("/api/v1/audit?result=refused").get_json()["entries"]
    assert [e["method"] for e in refused] == ["password"]
    found = admin_client.post(
        "/api/v1/audit/search", json={"id_number": people[0].id_number}
    ).get_json()["entries"]
    assert [(e["action"], e["result"]) for e in found] == [("verify", "ok")]
    assert found[0]["person"] == id_digest(hall.citizen.secret, people[0].id_number)[:12]
    reads = [r for r in rows(hall) if r["action"] == "audit.read"]
    assert [r["actor"] for r in reads] == ["admin1"] * 4
    assert reads[-1]["id_hmac"] == id_digest(hall.citizen.secret, people[0].id_number)
    assert "id_number=(given)" in reads[-1]["detail"]
    assert people[0].id_number not in str(rows(hall))


def test_an_id_number_in_a_url_is_refused(admin_client, people):
    for url in ("/api/v1/audit", "/api/v1/audit/export.csv"):
        r = admin_client.get(f"{url}?id_number={people[0].id_number}")
        assert r.status_code == 422 and r.get_json()["error"]["field"] == "id_number"


@pytest.mark.parametrize(
    "query, field",
    [
        ("day=24.11.2026", "day"),
        ("result=maybe", "result"),
        ("limit=0", "limit"),
        ("before=x", "before"),
    ],
)
def test_bad_filters_name_the_field(admin_client, query, field):
    r = admin_client.get(f"/api/v1/audit?{query}")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == field


def test_csv_export(admin_client, client, kiosk_token, people, hall):
    password_login(client, kiosk_token, people[0])
    r = admin_client.post("/api/v1/audit/export.csv", json={"id_number": people[0].id_number})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Cache-Control"] == "no-store"
    text = r.data.decode("utf-8-sig")
    assert r.data.startswith("\ufeff".encode())
    lines = text.strip().splitlines()
    assert lines[0] == "id,at,actor,actor_kind,action,method,result,reason,person,detail"
    assert len(lines) == 2 and ",verify,password,ok," in lines[1]
    assert rows(hall)[-1]["action"] == "audit.export"


def test_the_admin_page_lists_filters_and_exports(admin_client, client, kiosk_token, people):
    password_login(client, kiosk_token, people[0])
    r = admin_client.get("/admin/audit")
    html = r.data.decode()
    assert r.status_code == 200 and "kiosk-1" in html and "个人信息访问审计" in html
    token = admin_client.get_cookie("hallqueue_session")
    assert token
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    r = admin_client.post(
        "/admin/audit", data={"csrf_token": csrf, "id_number": people[1].id_number}
    )
    assert r.status_code == 200 and "kiosk-1" not in r.data.decode().split("<tbody>")[1]
    assert people[1].id_number not in r.data.decode()  # never echoed back
    r = admin_client.post("/admin/audit", data={"csrf_token": csrf, "export": "csv"})
    assert r.mimetype == "text/csv" and b"verify" in r.data
    r = admin_client.post("/admin/audit", data={"csrf_token": csrf, "id_number": "123"})
    assert r.status_code == 422 and 'id="audit-error"' in r.data.decode()
    assert admin_client.post("/admin/audit", data={"id_number": ""}).status_code == 400  # CSRF


def test_anyone_checking_a_paper_is_recorded_for_the_person(client, kiosk_token, people, hall):
    token = password_login(client, kiosk_token, people[0])["token"]
    made = client.post(
        "/api/v1/citizen/statements",
        headers=kiosk(client, kiosk_token, token),
        json={"kind": "annual_record", "year": 2025},
    ).get_json()
    client.get(f"/v/{made['verification_code']}")
    last = rows(hall)[-1]
    assert (last["action"], last["actor"], last["result"]) == ("statement.check", "public", "ok")
    assert last["id_hmac"] == id_digest(hall.citizen.secret, people[0].id_number)
