"""Every refusal a kiosk can get when it asks for a ticket reads in the citizen's language: the
kiosk sends Accept-Language (zh-CN, en, ug) and shows the server's message (issue 9 #12)."""

from __future__ import annotations

import dataclasses
import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture
def settings(settings):
    services = [
        dataclasses.replace(s, daily_cap=1) if s.code == "card" else s for s in settings.services
    ]
    return dataclasses.replace(settings, services=services)


def refusals(client, hall, kiosk_headers):
    """(what, headers, body) of each way POST /api/v1/tickets says no to a kiosk."""
    display = {"Authorization": f"Bearer {hall.accounts.create_device('board-1', 'display')}"}
    ok = client.post(
        "/api/v1/tickets",
        json={"service": "card", "request_id": "kiosk-msg-card"},
        headers=kiosk_headers,
    )
    assert ok.status_code == 201
    return [
        ("unknown service", kiosk_headers, {"service": "nope", "request_id": "kiosk-msg-1"}),
        (
            "priority reason",
            kiosk_headers,
            {"service": "pension", "request_id": "kiosk-msg-2", "priority_reason": "vip"},
        ),
        (
            "request id reused",
            kiosk_headers,
            {"service": "pension", "request_id": "kiosk-msg-card"},
        ),
        ("sold out", kiosk_headers, {"service": "card", "request_id": "kiosk-msg-3"}),
        (
            "bad token",
            {"Authorization": "Bearer wrong"},
            {"service": "pension", "request_id": "kiosk-msg-4"},
        ),
        ("not a kiosk", display, {"service": "pension", "request_id": "kiosk-msg-5"}),
    ]


def test_each_refusal_reads_in_english_and_in_uyghur(client, hall, kiosk_headers):
    for what, headers, body in refusals(client, hall, kiosk_headers):
        texts = {}
        for lang in ("zh-CN", "en", "ug"):
            r = client.post(
                "/api/v1/tickets", json=body, headers=headers | {"Accept-Language": lang}
            )
            assert 400 <= r.status_code < 500, (what, r.status_code)
            texts[lang] = r.get_json()["error"]["message"]
        assert CJK.search(texts["zh-CN"]), (what, texts)
        assert not CJK.search(texts["en"]) and texts["en"] != texts["zh-CN"], (what, texts)
        assert ARABIC.search(texts["ug"]) and not CJK.search(texts["ug"]), (what, texts)


def test_closed_reads_in_english_and_in_uyghur(client, kiosk_headers, clock):
    clock.now = clock.now.replace(hour=20)
    body = {"service": "pension", "request_id": "kiosk-msg-late"}

    def ask(lang):
        return client.post(
            "/api/v1/tickets", json=body, headers=kiosk_headers | {"Accept-Language": lang}
        )

    en, ug = ask("en"), ask("ug")
    assert en.get_json()["error"] == {
        "code": "service_closed",
        "message": "Pension insurance is not issuing tickets now.",
    }
    ug = ug.get_json()["error"]
    assert ug["code"] == "service_closed" and ARABIC.search(ug["message"])
    assert not CJK.search(ug["message"])
