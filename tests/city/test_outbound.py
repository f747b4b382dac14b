"""The rule for what leaves the hall (queue_server/city/outbound.py): keys naming a person are
dropped at any depth, ID and mobile numbers in text are masked, clean events leave untouched;
and the shipper's back-off between tries."""

from __future__ import annotations

import json
import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from queue_server.city.outbound import (
    OTHER_DIGIT_LEADS,
    PERSONAL_KEYS,
    needs_masking,
    outbound_data,
    outbound_utf8,
)
from queue_server.city.shipper import backoff_delay


def _text(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_staff_and_citizen_keys_are_dropped_at_any_depth():
    data = {
        "ticket": {"number": "B012", "staff": "win1"},
        "reason": "left",
        "by": "guide1",
        "items": [{"citizen": {"name": "张三"}, "phone": "13812345678", "ok": 1}],
    }
    out = json.loads(outbound_data(_text(data)))
    assert out == {"ticket": {"number": "B012"}, "reason": "left", "items": [{"ok": 1}]}


def test_id_and_mobile_numbers_in_text_are_masked():
    data = {"notice": "请 11010519491231002X 或 110105491231002 的失主致电 13812345678"}
    out = json.loads(outbound_data(_text(data)))
    assert out["notice"] == "请 110105********002X 或 110105*****1002 的失主致电 138****5678"


def test_a_clean_event_leaves_as_the_text_the_hall_stored():
    text = _text(
        {
            "ticket": {"number": "B012", "service": "pension", "window": 3},
            "issued_at": "2026-11-24T09:00:00.000000+08:00",
            "waiting": {"pension": 12},
        }
    )
    assert not needs_masking(text)
    assert outbound_data(text) is text


_keys = st.one_of(st.sampled_from(sorted(PERSONAL_KEYS)), st.text(max_size=8))
_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.text(alphabet="0123456789X张 -", max_size=30)
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)


@given(st.dictionaries(_keys, _values, max_size=5))
def test_nothing_personal_survives_whatever_the_shape(data):
    out = outbound_data(_text(data))

    def walk(value):
        if isinstance(value, dict):
            assert not PERSONAL_KEYS & set(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(out))
    # Masking twice changes nothing more: the fast path and the slow one agree.
    assert outbound_data(out) == out


# What may carry personal data, said the slow way: a personal key, or 11 digits of any script.
_DEFINITION = re.compile(r'"(?:' + "|".join(sorted(PERSONAL_KEYS)) + r')"\s*:|\d{11}')
# ASCII and other scripts' digits (full-width, Arabic-Indic, Devanagari, Mathematical bold),
# Chinese, full-width punctuation sharing the full-width digits' first byte, Uyghur letters.
_MIXED = '0123456789０１２３４５６７８９٠١٢٣٤٥٦٧٨٩०१२३४५६७८९𝟎𝟏𝟐张王，：（ئا -"'


@given(st.text(alphabet=_MIXED, max_size=40), st.sampled_from(["", '"phone":', '"ok":']))
def test_the_fast_check_finds_what_the_definition_finds(text, key):
    data = key + text
    assert needs_masking(data) == (_DEFINITION.search(data) is not None)


def test_eleven_full_width_or_arabic_indic_digits_are_masked_too():
    for digits in ("１３８１２３４５６７８", "١٣٨١٢٣٤٥٦٧٨", "138１２３４5678"):
        text = json.dumps({"notice": f"失主 {digits}"}, ensure_ascii=False)
        assert needs_masking(text)
        assert outbound_utf8(text.encode()) == outbound_data(text).encode()
        assert digits not in outbound_data(text)


def test_the_other_digits_first_bytes_are_all_there():
    leads = {
        chr(c).encode()[0] for c in range(0x80, sys.maxunicode + 1) if re.fullmatch(r"\d", chr(c))
    }
    assert leads == set(OTHER_DIGIT_LEADS)


def test_a_clean_text_leaves_as_its_own_utf8():
    text = _text({"window": {"number": 1, "name": "综合咨询窗口"}, "waiting": {"pension": 3}})
    assert outbound_utf8(text.encode()) == text.encode()


def test_the_back_off_doubles_up_to_its_cap_with_jitter():
    top = [backoff_delay(n, 1.0, 60.0, rand=lambda: 1.0) for n in range(10)]
    assert top == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0]
    assert backoff_delay(3, 1.0, 60.0, rand=lambda: 0.0) == 4.0
    assert backoff_delay(10_000, 1.0, 60.0) <= 60.0
