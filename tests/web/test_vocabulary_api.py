"""GET /api/v1/vocabulary: core.vocabulary served to the pages in the caller's language."""

from __future__ import annotations

from queue_server.core import vocabulary as v


def test_the_words_come_labelled_in_the_callers_language(client):
    zh = client.get("/api/v1/vocabulary").get_json()
    ug = client.get("/api/v1/vocabulary", headers={"Accept-Language": "ug"}).get_json()
    en = client.get("/api/v1/vocabulary?lang=en").get_json()
    assert (zh["language"], ug["language"], en["language"]) == ("zh_CN", "ug", "en")
    assert [t["label"] for t in zh["rating_levels"]][0] == "非常满意"
    assert [t["label"] for t in ug["rating_levels"]][0] == "ناھايىتى رازى"
    assert [t["label"] for t in en["rating_levels"]][0] == "Very satisfied"
    assert [t["code"] for t in zh["ledger_forms"]] == list(v.LEDGER_FORMS)
    assert {c["code"]: c["working_days"] for c in en["reply_classes"]} == v.REPLY_LIMITS
    assert [w["code"] for w in en["printer_words"] if w["prints"]] == ["ok", "paper_near_end"]
    assert zh["event_types"] == list(v.EVENT_TYPES)


def test_a_page_may_keep_the_answer(client):
    first = client.get("/api/v1/vocabulary", headers={"Accept-Language": "ug"})
    assert first.headers["Cache-Control"] in ("public, max-age=3600", "max-age=3600, public")
    assert "Accept-Language" in first.headers["Vary"]
    again = client.get(
        "/api/v1/vocabulary",
        headers={"Accept-Language": "ug", "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    other = client.get("/api/v1/vocabulary", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200  # Chinese is another answer


def test_the_route_is_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/vocabulary" in doc["paths"]
    ledger = doc["components"]["schemas"]["LedgerRecord"]["properties"]
    assert ledger["form"]["enum"] == list(v.LEDGER_FORMS)
