"""core.vocabulary: each word list declared once, with the standard's names in Chinese, and no
copy of a list anywhere else in the server, the kiosk or the pages' scripts and templates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import printer.status
from queue_server.core import vocabulary as v
from queue_server.i18n import translate

ROOT = Path(__file__).resolve().parents[2]
LISTS = {
    "EVENT_TYPES": v.EVENT_TYPES,
    "PRIORITY_REASONS": v.PRIORITY_REASONS,
    "CANCEL_REASONS": v.CANCEL_REASONS,
    "REPRINT_REASONS": v.REPRINT_REASONS,
    "RATING_REASONS": v.RATING_REASONS,
    "LEDGER_FORMS": v.LEDGER_FORMS,
    "REPLY_CLASSES": v.REPLY_CLASSES,
    "REPLY_METHODS": v.REPLY_METHODS,
    "PRINTER_WORDS": v.PRINTER_WORDS,
}
# Where a list may be written out: its declaration, and the printer library, which imports
# nothing of ours (its own WORDS are compared with core's below).
HOMES = {"queue_server/core/vocabulary.py", "queue_server/core/events.py", "printer/status.py"}


def test_the_printer_library_knows_the_same_status_words():
    assert tuple(printer.status.WORDS) == tuple(v.PRINTER_WORDS)
    assert set(v.PRINTER_DOWN) | set(v.PRINTER_PRINTS) == set(v.PRINTER_WORDS)


def test_the_chinese_catalog_gives_the_standards_names():
    zh = lambda words: [translate(label, "zh_CN") for label in words.values()]  # noqa: E731
    assert zh(v.RATING_LEVELS) == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]  # §7.1
    assert zh(v.RATING_REASONS)[:5] == ["服务态度", "服务时限", "服务用语", "职业形象", "服务纪律"]
    assert zh(v.LEDGER_FORMS) == ["窗口", "电话", "信函", "网络", "新闻媒体"]  # annex B
    assert zh(v.PRIORITY_REASONS)[:4] == ["老年人", "残疾人", "孕妇", "患病或体弱"]  # §8.1.5


def test_reply_limits_are_the_standards():
    assert v.REPLY_LIMITS == {"immediate": 0, "agreed": 3, "escalated": 5, "letter": 10}  # §8.2


def test_a_reply_class_label_shows_its_limit_from_the_one_number():
    zh = [v.reply_class_label(code, lambda m: translate(m, "zh_CN")) for code in v.REPLY_CLASSES]
    assert zh == [
        "即时答复",
        "约定时间答复（≤3个工作日）",
        "请示后答复（≤5个工作日）",
        "信函答复（≤10个工作日）",
    ]
    assert v.reply_class_label("escalated") == "Escalated (≤5 working days)"
    assert not any(re.search(r"\d", label) for label, _ in v.REPLY_CLASSES.values())


def test_every_label_is_in_the_chinese_catalog():
    labels = [x for words in LISTS.values() if isinstance(words, dict) for x in words.values()]
    labels = [x[0] if isinstance(x, tuple) else x for x in labels]
    labels += list(v.RATING_LEVELS.values())
    same = ("E-mail",)  # annex B itself writes E-mail in its Chinese table
    missing = [m for m in labels if translate(m, "zh_CN") == m and m not in same]
    assert not missing


def test_every_label_has_its_uyghur_text():
    labels = [x for words in LISTS.values() if isinstance(words, dict) for x in words.values()]
    labels = [x[0] if isinstance(x, tuple) else x for x in labels]
    labels += list(v.RATING_LEVELS.values())
    # without one, a Uyghur page would show the Chinese (the catalogs' fallback)
    missing = [m for m in labels if not re.search("[\u0600-\u06ff]", translate(m, "ug"))]
    assert not missing


def _python_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        words = {e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        if len(words) >= 3:
            yield node.lineno, words


def _script_literals(path: Path):
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r"[\[{(]([^\[\]{}()]*)[\]})]", text):
        words = set(re.findall(r"""["']([\w.]+)["']\s*[,:\]})]""", m.group(0)))
        if len(words) >= 3:
            yield text.count("\n", 0, m.start()) + 1, words


def _sources():
    for package in ("queue_server", "kiosk"):
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in HOMES or "/locale/" in rel:
                continue
            if path.suffix == ".py":
                yield rel, _python_literals(path)
            elif path.suffix in (".js", ".html", ".kv"):
                yield rel, _script_literals(path)


def test_no_list_of_the_vocabulary_is_copied_elsewhere():
    copies = []
    for rel, literals in _sources():
        for line, words in literals:
            for name, codes in LISTS.items():
                # a few event types are a rule (the ones that end a visit), most of them a copy
                if len(words & set(codes)) >= max(3, len(codes) // 2):
                    copies.append(f"{rel}:{line} copies {name}: {sorted(words & set(codes))}")
    assert not copies, "\n".join(copies)


@pytest.mark.parametrize("lang", ["zh_CN", "en", "ug"])
def test_the_served_vocabulary_has_every_word(lang):
    served = v.vocabulary(lambda m: translate(m, lang))
    assert [t["code"] for t in served["priority_reasons"]] == list(v.PRIORITY_REASONS)
    assert {c["code"]: c["working_days"] for c in served["reply_classes"]} == v.REPLY_LIMITS
    assert [r["level"] for r in served["rating_levels"] if r["bad"]] == [2, 1]
    assert served["event_types"] == list(v.EVENT_TYPES)
