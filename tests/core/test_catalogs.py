"""core.catalogs: the one .po loader of the server and the kiosk, standard library only."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from queue_server.core.catalogs import CatalogError, Catalogs, parse_po
from queue_server.core.languages import best_language, direction, local_name

ROOT = Path(__file__).resolve().parents[2]
PO = r"""# A translator's comment
#, fuzzy
msgid ""
msgstr ""
"Language: zh_CN\n"

#: somewhere.py:1
#, python-brace-format
msgid "Window {number} is not open."
msgstr "{number} 号窗口未开放。"

msgid ""
"A message on "
"two lines"
msgstr "两行的"
"消息"

msgid "Say \"hi\"\n"
msgstr "说\"你好\"\n"

#, fuzzy
msgid "Still a guess"
msgstr "猜的"

msgid "Untranslated"
msgstr ""

msgctxt "button"
msgid "Open"
msgstr "打开"

msgid "Open"
msgstr "营业中"

#~ msgid "Gone"
#~ msgstr "已删"
"""


def write(folder: Path, lang: str, text: str) -> None:
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")


def test_entries_read_as_written():
    found = {(e.context, e.msgid): e for e in parse_po(PO)}
    assert found[(None, "A message on two lines")].msgstr == "两行的消息"
    assert found[(None, 'Say "hi"\n')].msgstr == '说"你好"\n'
    assert found[(None, "Still a guess")].fuzzy
    assert found[("button", "Open")].msgstr == "打开" and found[(None, "Open")].msgstr == "营业中"
    assert (None, "Gone") not in found  # obsolete


def test_lookup_skips_fuzzy_and_empty_and_uyghur_falls_back_to_chinese(tmp_path):
    write(tmp_path, "zh_CN", PO)
    write(tmp_path, "ug", 'msgid "Untranslated"\nmsgstr ""\n\nmsgid "Open"\nmsgstr "ئوچۇق"\n')
    cat = Catalogs(tmp_path, "messages")
    assert cat.translate("Window {number} is not open.", "zh_CN", number=7) == "7 号窗口未开放。"
    assert cat.gettext("Still a guess", "zh_CN") == "Still a guess"
    assert cat.gettext("Untranslated", "zh_CN") == "Untranslated"
    assert cat.translations("zh_CN").pgettext("button", "Open") == "打开"
    assert cat.gettext("Open", "ug") == "ئوچۇق"
    assert cat.gettext("A message on two lines", "ug") == "两行的消息"  # ug → zh_CN
    assert cat.gettext("A message on two lines", "en") == "A message on two lines"  # no file
    assert cat.translate("Window {number} is not open.", "zh_CN") == "{number} 号窗口未开放。"


def test_a_broken_file_names_its_line():
    with pytest.raises(CatalogError, match="x.po:2"):
        parse_po('msgid "a"\nmsgstr oops\n', "x.po")


@pytest.mark.parametrize(
    "po",
    sorted((ROOT / "queue_server" / "locale").glob("*/LC_MESSAGES/*.po"))
    + sorted((ROOT / "kiosk" / "locale").glob("*/LC_MESSAGES/*.po")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_our_catalogs_read_as_babel_reads_them(po):
    with po.open("rb") as fh:
        babel = {(m.context, m.id): m.string for m in read_po(fh) if m.id}
    ours = {(e.context, e.msgid): e.msgstr for e in parse_po(po.read_text("utf-8")) if e.msgid}
    assert ours == babel


def test_languages():
    assert local_name({"zh_CN": "养老保险", "ug": "پېنسىيە"}, "ug") == "پېنسىيە"
    assert local_name({"zh_CN": "养老保险", "en": ""}, "en") == "养老保险"
    assert direction("ug") == "rtl" and direction("zh_CN") == direction("en") == "ltr"
    assert best_language("ug-CN,zh;q=0.5") == "ug"
    assert best_language("ug", offered=("zh_CN", "en")) == "zh_CN"
