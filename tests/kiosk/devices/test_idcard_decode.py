"""The 256-byte card text → IdCard: every field, Uyghur names, long addresses, nation and sex
codes, 长期 validity, expiry, masking and refusals. Text blocks come from the fake's own
encoder (kiosk.devices.fakes.FakeCard), written from the published layout."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from kiosk.devices.errors import CardDataError, FrameError, UnsupportedCard
from kiosk.devices.fakes import CARDS, FakeCard
from kiosk.devices.idcard import decode_base, decode_text
from kiosk.devices.nations import NATIONS, nation_name
from queue_server.core.idnumber import validate_id_number


def decoded(card: FakeCard, **changes):
    return decode_text(dataclasses.replace(card, **changes).text())


def test_every_field_of_a_card_is_decoded():
    card = decode_base(CARDS["demo2"].base_data())
    assert card.name == "李建国"
    assert (card.sex, card.sex_code) == ("男", "1")
    assert (card.nation, card.nation_code) == ("汉", "01")
    assert card.birth_date == date(1985, 10, 23)
    assert card.address == "北京市海淀区中关村大街27号"
    assert card.id_number == "110108198510231537"
    assert card.authority == "北京市公安局海淀分局"
    assert card.valid_from == date(2016, 4, 11)
    assert card.valid_to == date(2036, 4, 11)
    assert card.valid_to_text == "2036.04.11" and not card.long_term


def test_the_demo_cards_carry_valid_id_numbers():
    for fake in CARDS.values():
        assert validate_id_number(fake.id_number) == fake.id_number


def test_a_uyghur_name_and_a_35_character_address_come_back_whole():
    fake = CARDS["uyghur"]
    assert len(fake.name) == 15 and len(fake.address) == 35  # both fill their fields exactly
    card = decode_text(fake.text())
    assert card.name == "مۇختەر ئابدۇللا"
    assert card.nation == "维吾尔"
    assert card.address == "新疆维吾尔自治区乌鲁木齐市天山区解放南路幸福路社区128号3栋401室"
    assert len(card.address) == 35
    assert decode_text(CARDS["uyghur_cn"].text()).name == "阿不都热西提·阿不都拉"


def test_a_name_longer_than_the_cards_15_characters_cannot_be_on_a_card():
    # 19 UTF-16 units need 38 bytes; the name field holds 30.
    with pytest.raises(ValueError, match="holds 15"):
        dataclasses.replace(CARDS["uyghur"], name="ئابدۇرېشىت ئابدۇللا").text()


def test_inner_spaces_stay_and_padding_goes():
    card = decoded(CARDS["demo1"], name="A B", address="  x  ")
    assert card.name == "A B" and card.address == "x"


def test_the_nation_table_has_the_56_nations_of_gb_t_3304():
    assert len(NATIONS) == 56 and len(set(NATIONS)) == 56 and all(NATIONS)
    known = {
        "01": "汉",
        "02": "蒙古",
        "03": "回",
        "04": "藏",
        "05": "维吾尔",
        "08": "壮",
        "10": "朝鲜",
        "17": "哈萨克",
        "29": "柯尔克孜",
        "43": "乌孜别克",
        "46": "德昂",
        "56": "基诺",
        "97": "其他",
        "98": "外国血统中国籍人士",
    }
    for code, name in known.items():
        assert nation_name(code) == name
    for code in ("00", "57", "99", "1", "ab", ""):
        assert nation_name(code) == ""


@pytest.mark.parametrize("code", [f"{n:02d}" for n in range(1, 57)])
def test_each_nation_code_on_a_card_reads_as_its_name(code):
    card = decoded(CARDS["demo2"], nation=code)
    assert card.nation == NATIONS[int(code) - 1] and card.nation_code == code


def test_an_unknown_nation_code_still_reads_with_the_code_kept():
    card = decoded(CARDS["demo2"], nation="77")
    assert card.nation == "" and card.nation_code == "77"


def test_sex_codes():
    assert decoded(CARDS["demo2"], sex="2").sex == "女"
    assert decoded(CARDS["demo2"], sex="1").sex == "男"


def test_long_term_validity_never_expires():
    card = decode_text(CARDS["demo1"].text())
    assert card.valid_to is None and card.long_term and card.valid_to_text == "长期"
    assert not card.expired(date(2099, 12, 31))


def test_an_expired_card_reads_and_says_it_is_expired():
    card = decode_text(CARDS["expired"].text())
    assert card.valid_to == date(2020, 5, 1)
    assert not card.expired(date(2020, 5, 1))  # good through its last day
    assert card.expired(date(2020, 5, 2))
    assert card.expired(datetime(2025, 1, 1, 9, 30))


@pytest.mark.parametrize(
    "field, value",
    [("birth", "19900230"), ("birth", "1990"), ("valid_from", "2010050A"), ("valid_to", "永久")],
)
def test_a_date_that_does_not_exist_is_a_card_data_error(field, value):
    with pytest.raises(CardDataError) as caught:
        decoded(CARDS["demo2"], **{field: value})
    assert caught.value.word == "bad_card_data" and field in caught.value.detail


def test_broken_utf16_is_a_card_data_error():
    text = bytearray(CARDS["demo2"].text())
    text[0:2] = b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(CardDataError):
        decode_text(bytes(text))


@pytest.mark.parametrize("kind", ["I", "J"])
def test_other_cards_the_reader_takes_are_refused_plainly(kind):
    with pytest.raises(UnsupportedCard) as caught:
        decoded(CARDS["demo2"], card_type=kind)
    assert "居民身份证" in caught.value.message_zh


def test_a_base_reply_with_a_wrong_text_length_is_a_frame_error():
    data = bytearray(CARDS["demo2"].base_data())
    data[0:2] = (200).to_bytes(2, "big")
    with pytest.raises(FrameError):
        decode_base(bytes(data))
    with pytest.raises(FrameError):
        decode_base(CARDS["demo2"].base_data()[:300])


def test_the_card_never_shows_its_holder_in_logs():
    card = decode_text(CARDS["demo2"].text())
    shown = repr(card) + str(card) + f"{card!r}"
    assert "110108198510231537" not in shown and "李建国" not in shown
    assert "110108********1537" in shown and "李**" in shown
