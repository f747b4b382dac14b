"""Every catalog string has a translation and every character of it is in the font that shows
it (no tofu boxes); the elder theme meets the 适老化 numbers."""

from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont

from kiosk import fonts
from kiosk.i18n import catalog, for_label
from kiosk.screens.faq import KEYS
from kiosk.theme import ELDER, NORMAL, contrast

LANGS = ("zh_CN", "en", "ug")


def cmap(path):
    return TTFont(path, fontNumber=0).getBestCmap()


def messages(lang):
    return catalog(lang)


def test_every_msgid_is_translated_in_every_language():
    ids = set(messages("zh_CN"))
    assert len(ids) > 50
    for lang in LANGS:
        got = messages(lang)
        assert set(got) == ids, lang
        assert all(got[i] for i in ids), [i for i in ids if not got[i]]


def test_zh_cn_is_really_chinese():
    zh = messages("zh_CN")
    assert zh["Take a ticket"] == "取号" and zh["Elder mode"] == "长辈模式"


@pytest.mark.parametrize("lang", LANGS)
def test_every_character_is_covered_by_the_font_used(lang):
    covered = cmap(fonts.font_for(lang))
    missing = {}
    for msgid, text in messages(lang).items():
        shown = for_label(re.sub(r"\{\w+\}", "", text), lang)
        for ch in shown:
            if ch not in "\n" and ord(ch) not in covered:
                missing.setdefault(ch, msgid)
    assert not missing, missing


def test_latin_font_covers_numbers_keys_and_language_names():
    covered = cmap(fonts.cjk_font())
    assert all(ord(ch) in covered for ch in KEYS + "0123456789←●中文English")
    assert all(ord(ch) in cmap(fonts.arabic_font()) for ch in "ئۇيغۇرچە")


def test_cjk_font_is_simplified_chinese_face_zero():
    covered = cmap(fonts.cjk_font())
    assert all(ord(ch) in covered for ch in "养老保险医疗失业工伤生育社保卡")


@pytest.mark.parametrize("theme", [NORMAL, ELDER])
def test_contrast_at_least_4_5(theme):
    assert contrast(theme.text, theme.background) >= 4.5
    assert contrast(theme.button_text, theme.button) >= 4.5
    assert contrast(theme.accent, theme.background) >= 4.5
    assert contrast(theme.warning, theme.background) >= 4.5


def test_elder_sizes():
    assert ELDER.text_px >= 30 and ELDER.target_px >= 60 and ELDER.text_px > NORMAL.text_px


def test_every_literal_msgid_in_the_kiosk_code_is_in_the_catalog():
    """self.text("…"), c.t("…"), t_zh("…") and the Flow's notices: none falls back to English."""
    import ast
    from pathlib import Path

    from kiosk import citizen_flow, flow
    from kiosk.screens import records, statement

    root = Path(flow.__file__).parent
    pattern = re.compile(r"""(?:self\.text|\.t|\.t_zh|zh)\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""")
    used = set()
    for path in [*root.glob("*.py"), *root.glob("screens/*.py")]:
        used |= {
            ast.literal_eval(f'"{m}"') for m in pattern.findall(path.read_text(encoding="utf-8"))
        }
    used |= {
        v for k, v in vars(citizen_flow).items() if k.isupper() and isinstance(v, str) and " " in v
    }
    used |= set(records.TAB_NAMES.values()) | set(statement.KIND_NAMES.values())
    used |= set(statement.KIND_HINTS.values()) | {m for _, m in statement.PRESETS}
    used |= {flow.Flow(screen=s).prompt() for s in flow.Screen}
    missing = sorted(m for m in used if m not in messages("zh_CN"))
    assert not missing, missing
