"""What the contract fuzzing found, one plain test each: a clear 4xx, never a 500."""

from __future__ import annotations

import re

import pytest

from queue_server.web.context import SqlIntConverter, at_most

PAST_SQLITE = str(2**63)  # one more than SQLite's largest INTEGER
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/ledger/{PAST_SQLITE}",
        f"/api/v1/announcements/{PAST_SQLITE}.wav",
        f"/api/v1/windows/{PAST_SQLITE}/queue",
        f"/api/v1/windows/{PAST_SQLITE}/pending-evaluation",
        "/api/v1/ledger/" + "9" * 40,
    ],
)
def test_integer_path_parameters_past_sqlite_are_404(admin_client, path):
    r = admin_client.get(path)
    assert r.status_code == 404, r.get_data(as_text=True)[:300]
    assert r.get_json()["error"]["code"] == "not_found"


def test_integer_path_parameters_past_sqlite_on_changes_are_404(admin_client):
    for path in (f"/api/v1/windows/{PAST_SQLITE}/call-next", f"/api/v1/windows/{PAST_SQLITE}/open"):
        assert admin_client.post(path, json={}).status_code == 404
    r = admin_client.patch(f"/api/v1/ledger/{PAST_SQLITE}", json={"remarks": "x"})
    assert r.status_code == 404


NESTED = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/tickets"])
def test_deeply_nested_json_is_a_clear_400(client, kiosk_headers, hall, path):
    before = hall.store.db["tickets"].count
    r = client.post(path, data=NESTED, content_type="application/json", headers=kiosk_headers)
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["code"] == "bad_request" and "嵌套" in err["message"]
    assert hall.store.db["tickets"].count == before


def test_deeply_nested_json_as_a_field_is_a_clear_400(client, kiosk_headers):
    body = '{"service": ' + NESTED + ', "request_id": "abcdefgh123"}'
    r = client.post(
        "/api/v1/tickets", data=body, content_type="application/json", headers=kiosk_headers
    )
    assert r.status_code == 400 and CHINESE.search(r.get_json()["error"]["message"])


@pytest.mark.parametrize("q", ["abc\x00", "\x00", "养老\x07保险", "\x1b[2J"])
def test_faq_query_with_control_characters_is_refused(client, q):
    r = client.get("/api/v1/faq", query_string={"q": q})
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["field"] == "q" and CHINESE.search(err["message"])


def test_faq_topic_with_control_characters_is_refused(client):
    r = client.get("/api/v1/faq", query_string={"topic": "\x00"})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "topic"


def test_faq_plain_queries_still_answer(client):
    everything = client.get("/api/v1/faq").get_json()["entries"]
    found = client.get("/api/v1/faq", query_string={"q": "ylbx"}).get_json()["entries"]
    assert everything and 0 < len(found) < len(everything)


@pytest.mark.parametrize(
    "path, name",
    [
        (path, name)
        for path in ("/api/v1/ledger", "/api/v1/ledger/export.csv", "/api/v1/evaluations/summary")
        for name in ("from", "to")
    ]
    + [("/api/v1/calendar/due-date", "from")],
)
def test_empty_date_parameters_are_refused(admin_client, path, name):
    r = admin_client.get(path, query_string={name: ""})
    assert r.status_code == 422, r.get_data(as_text=True)[:200]
    assert r.get_json()["error"]["field"] == name


@pytest.mark.parametrize(
    "method, path, routed",
    [
        ("PUT", "/api/v1/hall", {"GET"}),
        ("DELETE", "/api/v1/tickets", {"POST"}),
        ("TRACE", "/api/v1/ledger/1", {"GET", "PATCH"}),
        ("PUT", f"/api/v1/ledger/{2**63 - 1}", {"GET", "PATCH"}),
    ],
)
def test_405_names_the_allowed_methods(admin_client, method, path, routed):
    r = admin_client.open(path, method=method)
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["Allow"].split(",")}
    assert routed <= allowed and method not in allowed
    assert r.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "value, fits",
    [
        ("0", True),
        ("7", True),
        (str(10**18), True),
        (str(2**63 - 1), True),
        (str(2**63 - 2), True),
        ("9223372036854775799", True),
        ("8999999999999999999", True),
        (str(2**63), False),
        ("9223372036854775810", False),
        ("9300000000000000000", False),
        ("9" * 19, False),
        ("1" + "0" * 19, False),
        ("-1", False),
        ("1.5", False),
        ("", False),
    ],
)
def test_the_sqlite_integer_pattern_stops_at_2_63(value, fits):
    assert bool(re.fullmatch(SqlIntConverter.regex, value)) is fits
    assert re.fullmatch(at_most(105), "105") and not re.fullmatch(at_most(105), "106")


def test_405_on_a_page_keeps_the_allow_header(client):
    r = client.post("/display")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_the_document_lists_the_answers_found_undocumented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "204" in paths["/api/v1/windows/{number}/call-next"]["post"]["responses"]
    assert "204" in paths["/api/v1/windows/{number}/pending-evaluation"]["get"]["responses"]
    assert "422" in paths["/api/v1/items"]["get"]["responses"]
