"""The answers of the records routes, as a kiosk and an admin really get them, match the OpenAPI
document (status code documented, body valid against its schema). The shared fuzz test calls
these routes as an admin only; here the kiosk's session is used."""

from __future__ import annotations

import jsonschema_rs

from queue_server.web import openapi

from .conftest import kiosk, password_login


def check(response, path: str, method: str) -> None:
    doc = openapi.document()
    op = doc["paths"][path][method]
    status = str(response.status_code)
    assert status in op["responses"], f"{method.upper()} {path}: {status} is not documented"
    content = op["responses"][status].get("content", {})
    if "application/json" in content:
        schema = {**content["application/json"]["schema"], "components": doc["components"]}
        jsonschema_rs.Draft202012Validator(schema).validate(response.get_json())
    elif content:
        assert response.mimetype in content


def test_citizen_answers_match_the_document(client, kiosk_token, people):
    r = client.post(
        "/api/v1/citizen/session",
        headers=kiosk(client, kiosk_token),
        json={"password": {"id_number": people[1].id_number, "password": people[1].password}},
    )
    check(r, "/api/v1/citizen/session", "post")
    s = kiosk(client, kiosk_token, r.get_json()["token"])
    for what in ("profile", "contributions", "account", "benefits", "cases"):
        url = f"/api/v1/citizen/{what}"
        check(
            client.get(
                url + ("?from=2010-01" if what in ("contributions", "benefits") else ""), headers=s
            ),
            url,
            "get",
        )
    check(
        client.get("/api/v1/citizen/contributions?from=x", headers=s),
        "/api/v1/citizen/contributions",
        "get",
    )
    for body in (
        {"kind": "contribution_certificate", "from": "2000-01", "to": "2026-10"},
        {"kind": "annual_record", "year": 2024},
        {"kind": "x"},
    ):
        check(
            client.post("/api/v1/citizen/statements", headers=s, json=body),
            "/api/v1/citizen/statements",
            "post",
        )
    check(
        client.delete("/api/v1/citizen/session", headers=s, json={}),
        "/api/v1/citizen/session",
        "delete",
    )
    check(client.get("/api/v1/citizen/profile", headers=s), "/api/v1/citizen/profile", "get")


def test_progress_and_audit_answers_match_the_document(
    client, kiosk_token, admin_client, people, hall, clock
):
    from queue_server.records.provider import IdCard

    person = hall.records.verify(IdCard(people[0].id_number, people[0].name), clock())
    case = hall.records.cases(person)[0].case_number
    path = "/api/v1/cases/{case_number}"
    for check_value in (people[0].id_number[-4:], "0000", "x"):
        check(
            client.get(
                f"/api/v1/cases/{case}?check={check_value}", headers=kiosk(client, kiosk_token)
            ),
            path,
            "get",
        )
    password_login(client, kiosk_token, people[0])
    check(admin_client.get("/api/v1/audit?limit=5"), "/api/v1/audit", "get")
    check(admin_client.get("/api/v1/audit?result=nope"), "/api/v1/audit", "get")
    check(
        admin_client.post("/api/v1/audit/search", json={"id_number": people[0].id_number}),
        "/api/v1/audit/search",
        "post",
    )
    check(admin_client.get("/api/v1/audit/export.csv"), "/api/v1/audit/export.csv", "get")
    check(
        admin_client.post("/api/v1/audit/export.csv", json={}), "/api/v1/audit/export.csv", "post"
    )


def test_records_unavailable_is_documented(client, kiosk_token, people, hall, tmp_path):
    hall.records.path = tmp_path / "gone.db"
    r = client.post(
        "/api/v1/citizen/session",
        headers=kiosk(client, kiosk_token),
        json={"password": {"id_number": people[0].id_number, "password": people[0].password}},
    )
    check(r, "/api/v1/citizen/session", "post")
    assert r.status_code == 503
