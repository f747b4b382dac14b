"""The shipped policy Q&A and business guide say what the cited rules say (§8.1.1, §8.1.2;
issue 9 item 16): every answer names its basis or says it is local, local practice is never
stated as national fact, and no text uses annex A.2 forbidden language."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from queue_server.core.errors import InvalidField
from queue_server.core.phrases import check_service_language

CONFIG = Path(__file__).resolve().parents[2] / "config"
FAQ = tomllib.loads((CONFIG / "faq.toml").read_text(encoding="utf-8"))["entries"]
ITEMS = tomllib.loads((CONFIG / "hall.example.toml").read_text(encoding="utf-8"))["items"]
BY_ID = {e["id"]: e for e in FAQ}
BY_CODE = {i["code"]: i for i in ITEMS}
LOCAL = "以当地规定为准"
# A document cited by its title (《…》) or its number (人社部发〔2011〕47号, 国务院令第765号).
DOCUMENT = re.compile(r"《[^》]+》|〔\d{4}〕\d+号|令第\s*\d+\s*号")


def item_text(item: dict) -> str:
    return " ".join([item.get("time_limit", ""), item.get("notes", ""), *item.get("materials", [])])


@pytest.mark.parametrize("entry", FAQ, ids=[e["id"] for e in FAQ])
def test_every_answer_cites_a_document_or_says_it_is_local(entry):
    basis = entry.get("basis", "").strip()
    assert basis, "no basis"
    if not DOCUMENT.search(basis):
        assert "当地" in basis and LOCAL in entry["answer"], basis
    if "当地" in basis:
        assert LOCAL in entry["answer"], "a local basis must say so to the reader"


@pytest.mark.parametrize(
    "text_id, text",
    [(e["id"], e["answer"]) for e in FAQ] + [(i["code"], item_text(i)) for i in ITEMS],
)
def test_no_content_uses_forbidden_service_language(text_id, text):
    try:
        check_service_language(text, "answer")
    except InvalidField as exc:
        pytest.fail(f"{text_id}: {exc.params['phrase']}")


@pytest.mark.parametrize(
    "text_id, text",
    [(e["id"], e["answer"]) for e in FAQ] + [(i["code"], item_text(i)) for i in ITEMS],
)
def test_the_three_month_funeral_grant_limit_is_called_local(text_id, text):
    # No national rule sets a deadline for 丧葬补助金/抚恤金; some regions ask for 3 months.
    if re.search(r"3\s*个月", text):
        assert LOCAL in text


def test_the_unemployment_answer_does_not_rest_on_the_article_that_asks_for_the_certificate():
    # 社会保险法 art. 50 has the person register with the employer's termination certificate:
    # it cannot be the basis of "no certificate needed"; the materials are local practice.
    entry = BY_ID["unemployment-06"]
    assert "离职证明" in entry["answer"] and LOCAL in entry["answer"]
    assert "当地" in entry["basis"]


@pytest.mark.parametrize(
    "entry_id, local_claim",
    [
        ("pension-13", "税务部门统一征收"),  # the transfer went region by region
        (
            "medical-05",
            "参加城乡居民基本医疗保险",
        ),  # 国办发〔2021〕14号 only asks regions to 探索 it
        ("pension-12", "12个月"),  # the certification period is set locally
    ],
)
def test_local_practice_is_not_stated_as_national_fact(entry_id, local_claim):
    answer = BY_ID[entry_id]["answer"]
    assert local_claim in answer and LOCAL in answer


def test_pension_certification_cites_a_document():
    assert DOCUMENT.search(BY_ID["pension-12"]["basis"])


def test_card_rules_are_cited_with_their_document_number():
    card_bases = [e["basis"] for e in FAQ if e["topic"] == "card"] + [
        i.get("legal_basis", "") for i in ITEMS if i["service"] == "card"
    ]
    for basis in card_bases:
        if "社会保障卡管理办法" in basis:
            assert "人社部发〔2011〕47号" in basis, basis
    assert all(i.get("legal_basis") for i in ITEMS if i["service"] == "card")


@pytest.mark.parametrize(
    "code, who",
    [
        ("injury_recognition", "社会保险行政部门"),
        ("work_ability_assessment", "劳动能力鉴定委员会"),
    ],
)
def test_the_guide_says_who_decides_and_that_it_is_not_the_hall(code, who):
    notes = BY_CODE[code].get("notes", "")
    assert who in notes and "本窗口只" in notes


@pytest.mark.parametrize(
    "entry_id, who", [("injury-01", "社会保险行政部门"), ("injury-06", "劳动能力鉴定委员会")]
)
def test_the_answers_say_who_decides(entry_id, who):
    answer = BY_ID[entry_id]["answer"]
    assert who in answer and ("不由经办大厅" in answer or "经办大厅只" in answer)
