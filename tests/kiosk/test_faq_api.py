"""GET /api/v1/faq: the policy Q&A the kiosk searches (standard §6.1), on the real app and SQLite."""

from __future__ import annotations

import dataclasses

import pytest

from queue_server.services.faq import FaqFileError, FaqService, pinyin_initials
from queue_server.web import create_app


def test_demo_faq_has_30_plus_entries_in_every_topic(client):
    data = client.get("/api/v1/faq").get_json()
    assert len(data["entries"]) >= 30
    codes = [t["code"] for t in data["topics"]]
    assert codes == ["pension", "medical", "maternity", "unemployment", "injury", "card"]
    assert all(t["name"]["zh_CN"] and t["name"]["en"] and t["name"]["ug"] for t in data["topics"])
    assert {e["topic"] for e in data["entries"]} == set(codes)


def test_pinyin_initials_find_pension_questions(client):
    entries = client.get("/api/v1/faq?q=ylbx").get_json()["entries"]
    # Initials are ambiguous by nature: 养老保险 and 医疗保险 are both ylbx.
    assert {e["topic"] for e in entries} == {"pension", "medical"}
    assert any(e["id"] == "pension-01" for e in entries)
    assert not any(e["topic"] == "card" for e in entries)
    # Case does not matter on the on-screen keyboard.
    assert client.get("/api/v1/faq?q=YLBX").get_json()["entries"] == entries


def test_short_initials_use_substring_search(client):
    entries = client.get("/api/v1/faq?q=sb").get_json()["entries"]
    assert any(e["topic"] == "card" for e in entries)


def test_chinese_text_three_or_more_characters_uses_trigram(client):
    entries = client.get("/api/v1/faq?q=失业保险金").get_json()["entries"]
    assert entries and all(
        "失业保险金" in (e["question"] + e["answer"] + e["basis"]) for e in entries
    )
    assert entries[0]["question"].find("失业保险金") >= 0  # question hits come first


def test_one_or_two_chinese_characters_fall_back_to_like(client):
    entries = client.get("/api/v1/faq?q=工伤").get_json()["entries"]
    assert entries and all("工伤" in e["question"] + e["answer"] for e in entries)
    assert (
        client.get("/api/v1/faq?q=%25").get_json()["entries"] == []
    )  # % is literal, not a wildcard


def test_topic_filter_and_unknown_topic(client):
    entries = client.get("/api/v1/faq?topic=injury").get_json()["entries"]
    assert entries and {e["topic"] for e in entries} == {"injury"}
    r = client.get("/api/v1/faq?topic=nope")
    assert r.status_code == 422
    assert "nope" in r.get_json()["error"]["message"]


def test_fts_syntax_in_query_is_text_not_an_error(client):
    for q in ('"养老', "养老 OR *", 'a"b', "NEAR(养老"):
        assert client.get("/api/v1/faq", query_string={"q": q}).status_code == 200
    assert client.get("/api/v1/faq", query_string={"q": "养" * 41}).status_code == 422


def test_pinyin_initials_ignore_latin_and_punctuation():
    assert pinyin_initials("养老保险A012，长辈") == "ylbxzb"


def test_missing_faq_file_leaves_qa_empty(settings, tmp_path, clock):
    s = dataclasses.replace(
        settings, hall=dataclasses.replace(settings.hall, faq_file=str(tmp_path / "none.toml"))
    )
    app = create_app(s, db_path=tmp_path / "x.db", clock=clock)
    assert app.test_client().get("/api/v1/faq").get_json() == {"topics": [], "entries": []}
    app.extensions["hall"].close()


def test_malformed_faq_file_names_the_entry(hall, tmp_path):
    bad = tmp_path / "faq.toml"
    bad.write_text(
        '[[topics]]\ncode="a"\nname={zh_CN="甲"}\n[[entries]]\nid="x"\ntopic="b"\nquestion="q"\nanswer="a"\n'
    )
    with pytest.raises(FaqFileError, match=r"entries\[0\] \(x\): unknown topic 'b'"):
        FaqService(hall.store, bad).load()


def test_reload_replaces_entries(hall, tmp_path):
    f = tmp_path / "faq.toml"
    f.write_text(
        '[[topics]]\ncode="a"\nname={zh_CN="甲"}\n[[entries]]\nid="x"\ntopic="a"\nquestion="社保卡怎么办"\nanswer="带身份证"\n'
    )
    svc = FaqService(hall.store, f)
    assert svc.load() == 1
    assert [e["id"] for e in svc.search("sbk")["entries"]] == ["x"]
