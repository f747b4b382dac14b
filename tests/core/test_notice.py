"""The hall notice line's rule lives in core (§8.4): one line, at most MAX_NOTICE characters,
no annex A.2 forbidden language; each refusal names the field."""

import pytest

from queue_server.core.errors import InvalidField
from queue_server.core.phrases import MAX_NOTICE, parse_notice


def test_a_polite_notice_comes_back_on_one_line():
    assert parse_notice("  今日下午\n养老窗口\t暂停办理 ") == "今日下午 养老窗口 暂停办理"


@pytest.mark.parametrize(
    "text, message",
    [
        (None, "{field} must be text."),
        (42, "{field} must be text."),
        ("通" * (MAX_NOTICE + 1), "The notice may have at most {max} characters."),
        ("有问题你去告吧", None),  # annex A.2 蔑视语: the shared service-language message
    ],
)
def test_a_wrong_notice_names_the_field(text, message):
    with pytest.raises(InvalidField) as exc:
        parse_notice(text)
    assert exc.value.field == "text"
    if message:
        assert exc.value.message == message
    else:
        assert exc.value.params["phrase"] == "你去告吧，反正不是我的事。"


def test_the_length_counts_after_the_whitespace_is_collapsed():
    text = "通    " * (MAX_NOTICE // 2)  # 500 characters sent, 199 shown
    assert len(text) > MAX_NOTICE and len(parse_notice(text)) == MAX_NOTICE - 1
