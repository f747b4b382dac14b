"""A service's daily_cap: tickets up to the cap, then a clear 409 that says "sold out" (not
"closed") in the caller's language; /api/v1/services shows it; the next day starts again."""

from __future__ import annotations

import dataclasses
import re

import pytest

CAP = 3


@pytest.fixture
def settings(settings):
    services = [
        dataclasses.replace(s, daily_cap=CAP) if s.code == "card" else s for s in settings.services
    ]
    return dataclasses.replace(settings, services=services)


def issue(client, headers, rid, service="card", lang="zh-CN"):
    body = {"service": service, "request_id": f"cap-test-{rid}"}
    return client.post("/api/v1/tickets", json=body, headers=headers | {"Accept-Language": lang})


def card(client) -> dict:
    services = client.get("/api/v1/services").get_json()["services"]
    return next(s for s in services if s["code"] == "card")


def test_tickets_up_to_the_cap_then_409_sold_out(client, kiosk_headers, hall):
    got = card(client)
    assert (got["open"], got["issuing"], got["remaining"]) == (True, "open", CAP)
    assert got["daily_cap"] == CAP
    numbers = []
    for i in range(CAP):
        r = issue(client, kiosk_headers, i)
        assert r.status_code == 201
        numbers.append(r.get_json()["number"])
        assert card(client)["remaining"] == CAP - i - 1
    assert numbers == ["E001", "E002", "E003"]
    tickets_before = hall.store.db["tickets"].count
    r = issue(client, kiosk_headers, "over")
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "sold_out"
    assert err["message"] == "“社保卡”今日号已发完。"
    assert hall.store.db["tickets"].count == tickets_before
    got = card(client)
    assert (got["open"], got["issuing"], got["remaining"]) == (False, "sold_out", 0)
    # Other services are not affected by the card's cap.
    assert issue(client, kiosk_headers, "pension", service="pension").status_code == 201


def test_a_retry_of_a_ticket_issued_before_the_cap_still_gets_it(client, kiosk_headers):
    for i in range(CAP):
        assert issue(client, kiosk_headers, i).status_code == 201
    r = issue(client, kiosk_headers, CAP - 1)  # the answer was lost; the kiosk retries
    assert r.status_code == 200 and r.get_json()["number"] == "E003"


def test_sold_out_in_english_and_uyghur_names_the_service_in_that_language(client, kiosk_headers):
    for i in range(CAP):
        issue(client, kiosk_headers, i)
    en = issue(client, kiosk_headers, "en", lang="en").get_json()["error"]
    assert en == {
        "code": "sold_out",
        "message": "Today's tickets for Social security card are all taken.",
    }
    ug = issue(client, kiosk_headers, "ug", lang="ug").get_json()["error"]
    assert ug["code"] == "sold_out" and "ئىجتىمائىي كاپالەت كارتىسى" in ug["message"]
    assert not re.search(r"[\u4e00-\u9fff]", ug["message"])  # no Chinese left in the Uyghur reply


def test_outside_hours_is_closed_not_sold_out(client, kiosk_headers, clock):
    clock.now = clock.now.replace(hour=17, minute=10)  # the card desk stops issuing at 17:00
    r = issue(client, kiosk_headers, "late")
    assert r.status_code == 409
    assert r.get_json()["error"] == {
        "code": "service_closed",
        "message": "“社保卡”当前不在取号时间内。",
    }
    got = card(client)
    assert (got["open"], got["issuing"], got["remaining"]) == (False, "closed", CAP)


def test_the_next_day_issues_again_from_001(client, kiosk_headers, clock):
    for i in range(CAP):
        issue(client, kiosk_headers, i)
    assert card(client)["issuing"] == "sold_out"
    clock.advance(days=1)
    assert card(client)["issuing"] == "open"
    r = issue(client, kiosk_headers, "tomorrow")
    assert r.status_code == 201 and r.get_json()["number"] == "E001"
