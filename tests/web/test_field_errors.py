"""A rule of the domain that refuses a field (core's InvalidField) answers like any validation
error: 422, the field named for the form, the message in the reader's language — through the one
error handler (web/errors.py), with no conversion in the routes."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "method, path, body, field",
    [
        ("post", "/api/v1/calendar/overrides", {"date": "2026-02-30", "kind": "holiday"}, "date"),
        ("post", "/api/v1/calendar/overrides", {"date": "2026-10-09", "kind": "day"}, "kind"),
        ("delete", "/api/v1/calendar/overrides/20261009", {}, "date"),
        ("post", "/api/v1/calendar/years/2040", {"confirmed": True}, "year"),
        ("get", "/api/v1/calendar/due-date?class=soon", None, "class"),
        ("get", "/api/v1/ledger?from=2026-1-1", None, "from"),
        ("post", "/api/v1/notice", {"text": "有问题你去告吧"}, "text"),
    ],
)
def test_a_domain_rule_names_the_field_in_chinese(admin_client, method, path, body, field):
    r = getattr(admin_client, method)(path, **({"json": body} if body is not None else {}))
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    err = r.get_json()["error"]
    assert err["code"] == "validation_failed" and err["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), err["message"]


def test_the_field_error_speaks_english_when_asked(admin_client):
    r = admin_client.get("/api/v1/calendar/due-date?class=soon", headers={"Accept-Language": "en"})
    assert r.get_json()["error"] == {
        "code": "validation_failed",
        "field": "class",
        "message": "Reply class must be one of immediate, agreed, escalated, letter.",
    }
