"""The kiosk against a real server whose social security card service has a daily cap of 2:
the services list marks it sold out and touching it says so in the citizen's language; a 409
"sold out" on issue (the list was stale) brings the same message; and every refusal the server
sends comes in the kiosk's current language (Accept-Language follows the language buttons)."""

from __future__ import annotations

import re
import uuid

import pytest

from kiosk.flow import SOLD_OUT_NOTICE, Screen
from tests.kiosk.capped import capped, sell_out  # noqa: F401 (a fixture)

CJK = re.compile(r"[\u4e00-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def hall(capped):
    """The kiosk factory's live hall (tests/kiosk/conftest.py): the one with a daily cap."""
    return capped


def printed(c) -> int:
    return len(list(c.printer.transport.directory.glob("*.bin")))


def test_a_refusal_comes_in_the_kiosks_language(kiosk):
    """A revoked or mistyped kiosk token: the server's reason, in each language, on the screen."""
    c = kiosk(token="not-a-real-token")
    seen = {}
    for lang in ("zh_CN", "en", "ug"):
        c.set_language(lang)
        c.flow.services = [
            {"code": "pension", "open": True, "name": {"zh_CN": "养老保险"}, "waiting": 0}
        ]
        c.take_ticket()
        c.choose_service("pension")
        c.confirm()
        assert c.flow.screen is Screen.CONFIRM and c.flow.notice
        seen[lang] = c.t(c.flow.notice, **c.flow.notice_params)
        c.home()
    assert "设备令牌无效" in seen["zh_CN"]
    assert "The device token is not valid." in seen["en"] and not CJK.search(seen["en"])
    assert ARABIC.search(seen["ug"]) and not CJK.search(seen["ug"])


def test_the_client_asks_in_the_current_language(kiosk):
    c = kiosk()
    for lang, expect in (
        ("zh_CN", "没有“nope”这项业务。"),
        ("en", "Unknown service nope."),
        ("ug", "«nope» دېگەن مۇلازىمەت يوق."),
    ):
        c.set_language(lang)
        r = c.client.issue_ticket("nope", uuid.uuid4().hex)
        assert (r.kind, r.message) == ("rejected", expect)


def test_sold_out_service_is_marked_and_touching_it_explains(kiosk, capped):
    sell_out(capped)
    c = kiosk()
    card = c.flow.service_info("card")
    assert (card["open"], card["issuing"], card["remaining"]) == (False, "sold_out", 0)
    for lang, words in (("zh_CN", "今日号已发完"), ("en", "all taken"), ("ug", "تارقىتىلىپ بولدى")):
        c.set_language(lang)
        c.take_ticket()
        c.choose_service("card")
        assert c.flow.screen is Screen.SERVICES and c.flow.notice == SOLD_OUT_NOTICE
        assert words in c.t(c.flow.notice)
        c.home()
    assert printed(c) == 0


def test_a_409_sold_out_on_issue_returns_to_the_list_with_the_same_message(kiosk, capped):
    sell_out(capped)
    c = kiosk()
    c.set_language("en")
    c.take_ticket()
    # The list was read just before the last card ticket went to someone else.
    c.flow.services = [dict(s, open=True, issuing="open") for s in c.flow.services]
    c.choose_service("card")
    assert c.flow.screen is Screen.CONFIRM
    c.confirm()
    assert c.flow.screen is Screen.SERVICES and c.flow.notice == SOLD_OUT_NOTICE
    assert c.flow.ticket is None and c.flow.request_id is None and printed(c) == 0
    assert c.flow.service_info("card")["issuing"] == "sold_out"
    c.choose_service("card")  # the list now knows
    assert c.flow.screen is Screen.SERVICES and c.flow.notice == SOLD_OUT_NOTICE
    # Other services still issue.
    c.choose_service("pension")
    c.confirm()
    assert c.flow.screen is Screen.TICKET and c.flow.ticket["number"].startswith("B")
