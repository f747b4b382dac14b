"""The business guide search (§8.1.2) as a rule of core: by service, by a word of the name in
any language, the windows named; an unknown service names its field."""

from __future__ import annotations

import dataclasses

import pytest

from queue_server.core.errors import InvalidField
from queue_server.core.guide import MAX_QUERY, find_items
from queue_server.core.settings import BusinessItem


@pytest.fixture
def guide(settings):
    items = [
        BusinessItem(
            code="p1",
            service="pension",
            name={"zh_CN": "退休申请", "en": "Retirement"},
            windows=[1, 99],
        ),
        BusinessItem(code="c1", service="consult", name={"zh_CN": "社保卡补办", "en": "Card"}),
        BusinessItem(code="p2", service="pension", name={"zh_CN": "养老转移", "en": "Transfer"}),
    ]
    services = {s.code for s in settings.services}
    assert {"pension", "consult"} <= services, services
    return dataclasses.replace(settings, items=items)


def codes(found: list[dict]) -> list[str]:
    return [i["code"] for i in found]


def test_all_items_in_the_configured_order(guide):
    assert codes(find_items(guide)) == ["p1", "c1", "p2"]


def test_by_service_and_by_a_word_in_any_language(guide):
    assert codes(find_items(guide, "pension")) == ["p1", "p2"]
    assert codes(find_items(guide, None, "  退休 ")) == ["p1"]
    assert codes(find_items(guide, None, "TRANSFER")) == ["p2"]
    assert codes(find_items(guide, "consult", "退休")) == []


def test_the_windows_are_named_and_an_unknown_window_is_left_out(guide):
    item = find_items(guide, None, "退休")[0]
    names = {w.number: w.name for w in guide.windows}
    assert item["windows"] == [1, 99] and item["window_names"] == [names[1]]


def test_a_long_word_is_cut_not_refused(guide):
    # Only the first MAX_QUERY characters count: the rest cannot make the search fail.
    long = BusinessItem(code="l1", service="consult", name={"zh_CN": "办" * MAX_QUERY + "理"})
    hall = dataclasses.replace(guide, items=[long])
    assert codes(find_items(hall, None, "办" * MAX_QUERY + "不")) == ["l1"]


def test_an_unknown_service_names_its_field(guide):
    with pytest.raises(InvalidField) as exc:
        find_items(guide, "nope")
    assert exc.value.field == "service" and exc.value.params["service"] == "nope"
