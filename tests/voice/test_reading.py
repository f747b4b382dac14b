"""How calls are read: window numbers as Chinese numerals, ticket numbers character by character."""

import pytest

from queue_server.voice import templates
from queue_server.voice.reading import chinese_numeral, spelled, uyghur_numeral_words, ZH_DIGITS


@pytest.mark.parametrize(
    "n, text",
    [
        (1, "一"),
        (3, "三"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (111, "一百一十一"),
        (999, "九百九十九"),
    ],
)
def test_window_numbers_are_read_as_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_ticket_numbers_are_read_one_character_at_a_time():
    assert [w.text for w in spelled("B012", ZH_DIGITS)] == ["B", "零", "一", "二"]
    assert [w.clips for w in spelled("B012", ZH_DIGITS)] == [("B",), ("0",), ("1",), ("2",)]


def test_a_ticket_number_with_other_characters_is_refused():
    with pytest.raises(ValueError):
        spelled("B0-1", ZH_DIGITS)


def test_the_mandarin_template_reads_the_whole_call():
    assert templates.text("zh_CN", "B012", 3) == "请 B 零 一 二 号 到 三 号窗口 办理业务"
    assert templates.text("zh_CN", "A100", 11) == "请 A 一 零 零 号 到 十一 号窗口 办理业务"


def test_the_mandarin_template_names_the_clips_of_a_segment_pack_in_order():
    stems = [c for w in templates.words("zh_CN", "C305", 21) for c in w.clips]
    assert stems == ["请", "C", "3", "0", "5", "号", "到", "2", "十", "1", "号窗口", "办理业务"]


def test_the_uyghur_template_reads_digits_and_the_window_in_uyghur():
    text = templates.text("ug", "B012", 3)
    assert text == "B نۆل بىر ئىككى نومۇرلۇق خېرىدار، ئۈچ نومۇرلۇق كۆزنەككە كېلىڭ"
    assert [w.text for w in uyghur_numeral_words(11)] == ["ئون", "بىر"]
    assert [w.clips for w in uyghur_numeral_words(105)] == [("1",), ("100",), ("5",)]


def test_english_template():
    assert templates.text("en", "E007", 10) == "Number E zero zero seven please go to window 10"


def test_an_unknown_language_has_no_template():
    with pytest.raises(ValueError):
        templates.words("fr", "B012", 3)
