"""Annex A phrases and the pure rules of the ledger and the ratings."""

import ast
from datetime import datetime
from pathlib import Path

import pytest

from queue_server.core.errors import InvalidField
from queue_server.core.evaluation import parse_rating
from queue_server.core.ledger import normalise_phone, parse_new_record
from queue_server.core.numbering import HALL_TZ
from queue_server.core.phrases import FORBIDDEN, POLITE, forbidden_phrases_in, window_prompts

CORE = Path(__file__).resolve().parents[2] / "queue_server" / "core"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)


def test_every_annex_a2_class_is_present():
    assert list(FORBIDDEN) == ["命令语", "质问语", "蔑视语", "烦燥语", "否定语", "斗气语"]


def test_every_annex_a1_situation_is_present():
    assert [name for name, _ in POLITE.values()] == [
        "首问语",
        "过程语",
        "征询语",
        "结束语",
        "欢迎语",
        "感谢语",
        "道歉语",
        "同情语",
        "确认语",
    ]


def test_forbidden_phrase_is_caught_inside_longer_text_with_other_punctuation():
    text = "各位办事群众：如对结果不满，你去告吧 反正不是我的事!!谢谢合作。"
    assert forbidden_phrases_in(text) == [("蔑视语", "你去告吧，反正不是我的事。")]


@pytest.mark.parametrize("cls, examples", list(FORBIDDEN.items()))
def test_every_annex_example_is_caught_as_written(cls, examples):
    for example, _ in examples:
        found = forbidden_phrases_in(f"今天大厅人多，{example}")
        assert (cls, example) in found, example


@pytest.mark.parametrize(
    "text, cls",
    [
        ("不知道、不清楚，你去社保卡窗口问吧。", "烦燥语"),
        ("不可以！", "否定语"),
        ("有意见告去，找领导去", "斗气语"),
        ("快点，要下班了", "命令语"),
        ("喂, 听懂了吧 ?", "质问语"),
    ],
)
def test_variants_of_the_examples_are_caught(text, cls):
    assert cls in [c for c, _ in forbidden_phrases_in(text)]


@pytest.mark.parametrize(
    "text",
    [
        "温馨提示：办理业务请携带本人有效身份证件或社会保障卡。监督电话 12333。",
        "如有不清楚的地方，请到导引台咨询。",
        "大厅内不可以吸烟，谢谢配合。",
        "今日系统升级，养老保险业务暂停办理，给您添麻烦了，敬请谅解。",
        "",
    ],
)
def test_polite_notices_pass(text):
    assert forbidden_phrases_in(text) == []


def test_window_prompts_follow_section_7_1():
    prompts = window_prompts("第一经办服务大厅", "李明")
    assert prompts["on_call"][0].startswith("您好")
    assert "李明" in prompts["on_call"][1] and "请问有什么可以帮助您" in prompts["on_call"][1]
    assert "请问对我的帮助满意吗？" in prompts["on_finish"]


def test_core_modules_import_only_the_standard_library():
    allowed_local = {
        "errors",
        "idnumber",
        "numbering",
        "workdays",
        "phrases",
        "ledger",
        "evaluation",
        "documents",
        "vocabulary",
        "events",
    }
    names = ("workdays", "phrases", "ledger", "evaluation", "documents", "events", "idnumber")
    for name in names + ("vocabulary",):
        tree = ast.parse((CORE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.module in allowed_local, (name, node.module)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                for mod in mods:
                    assert mod.split(".")[0] in {
                        "__future__",
                        "re",
                        "datetime",
                        "typing",
                        "unicodedata",
                    }, mod


# --- ledger fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("010-62345678", "010-62345678"),
        ("(0991)2345678", "0991-2345678"),
        ("0755-82345678-123", "0755-82345678-123"),
    ],
)
def test_mainland_phone_numbers_are_accepted(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12345678901", "1381234567", "62345678", "abc", "", None, 13812345678]
)
def test_other_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidField) as exc:
        normalise_phone(raw)
    assert exc.value.field == "phone"


BASE = {
    "name": "张三",
    "id_number": "11010519491231002X",
    "phone": "13812345678",
    "form": "window",
    "summary": "咨询养老保险关系转移",
    "reply_class": "agreed",
}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": " "}, "name"),
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"id_number": None}, "id_number"),
        ({"email": "not-an-address"}, "email"),
        ({"form": "fax"}, "form"),
        ({"summary": ""}, "summary"),
        ({"reply_class": "soon"}, "reply_class"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2026-11-25T09:00:00+08:00"}, "received_at"),
        ({"agreed_reply_date": "2026/11/26"}, "agreed_reply_date"),
        ({"reply_class": "immediate", "agreed_reply_date": "2026-11-26"}, "agreed_reply_date"),
        ({"address": "长" * 201}, "address"),
    ],
)
def test_ledger_fields_are_checked(change, field):
    with pytest.raises(InvalidField) as exc:
        parse_new_record(BASE | change, NOW, "win1")
    assert exc.value.field == field


def test_received_at_without_offset_is_hall_local_time():
    rec = parse_new_record(BASE | {"received_at": "2026-11-23T15:30:00"}, NOW, "win1")
    assert rec["received_at"] == datetime(2026, 11, 23, 15, 30, tzinfo=HALL_TZ)
    assert rec["receptionist"] == "win1"


# --- ratings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({"level": 0}, "level"),
        ({"level": 6}, "level"),
        ({"level": "x"}, "level"),
        ({"level": True}, "level"),
        ({"level": 3.0}, "level"),
        ({}, "level"),
        ({"level": 1}, "reasons"),
        ({"level": 2, "reasons": []}, "reasons"),
        ({"level": 2, "reasons": ["rude"]}, "reasons"),
        ({"level": 2, "reasons": "attitude"}, "reasons"),
        ({"level": 1, "reasons": ["other"]}, "comment"),
        ({"level": 5, "comment": "好" * 501}, "comment"),
    ],
)
def test_bad_ratings_name_the_field(data, field):
    with pytest.raises(InvalidField) as exc:
        parse_rating(data)
    assert exc.value.field == field


def test_reasons_are_deduplicated_in_a_stable_order():
    r = parse_rating(
        {"level": 2, "reasons": ["time_limit", "attitude", "attitude"], "comment": " 等太久 "}
    )
    assert r == {"level": 2, "reasons": ["attitude", "time_limit"], "comment": "等太久"}
