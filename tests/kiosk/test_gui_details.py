"""The real Kivy app, headless, in its own process (tests/kiosk/gui_details_driver.py): the
policy Q&A pages with previous / next and "page x of y" so every answer is reachable, and a
sold-out service is marked and explained in zh_CN, en and ug. Screenshots go to tests/output/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import OUTPUT_DIR
from tests.kiosk.capped import capped, sell_out  # noqa: F401 (a fixture)
from tests.kiosk.kivy_driver import run_driver

pytestmark = pytest.mark.gui
DRIVER = Path(__file__).with_name("gui_details_driver.py")


@pytest.fixture(scope="module")
def report(capped, tmp_path_factory):
    sell_out(capped)
    printer_dir = tmp_path_factory.mktemp("gui-details-printer")
    return run_driver(DRIVER, capped.url, capped.token, str(printer_dir), str(OUTPUT_DIR))


def test_driver_ran_without_errors(report):
    assert report["errors"] == []


def test_every_answer_is_reachable_with_the_page_buttons(report):
    for lang in ("zh_CN", "en", "ug"):
        walk = [
            p
            for p in report["faq"]
            if p["lang"] == lang and p["tag"] in ("first", "second", "later")
        ]
        by_page = {p["page"]: p for p in walk}
        assert sorted(by_page) == list(range(walk[-1]["pages"]))  # one tap per page, none skipped
        shown = [i for n in sorted(by_page) for i in by_page[n]["ids"]]
        assert shown == report["faq_all"][lang] and len(shown) > 5
        assert all(1 <= len(p["ids"]) <= 5 for p in walk)
        first = by_page[0]
        last = next(p for p in report["faq"] if p["lang"] == lang and p["tag"] == "last")
        assert (first["prev_enabled"], first["next_enabled"]) == (False, True)
        assert (last["prev_enabled"], last["next_enabled"]) == (True, False)
        assert last["page"] + 1 == last["pages"]
        back = next(p for p in report["faq"] if p["lang"] == lang and p["tag"] == "back")
        assert back["page"] == last["page"] - 1 and back["ids"] == by_page[back["page"]]["ids"]


def test_the_page_label_says_where_the_citizen_is(report):
    second = {p["lang"]: p for p in report["faq"] if p["tag"] == "second"}
    n = second["zh_CN"]["pages"]
    assert second["zh_CN"]["label"] == f"第 2/{n} 页"
    assert second["en"]["label"] == f"Page 2 of {n}"
    ug = second["ug"]["label"]
    assert "2" in ug and str(n) in ug and "بەت" in ug


def test_elder_mode_pages_by_three(report):
    elder = next(p for p in report["faq"] if p["tag"] == "elder")
    assert len(elder["ids"]) == 3 and elder["page"] == 1 and elder["prev_enabled"]


def test_sold_out_service_is_marked_and_touching_it_explains_in_each_language(report):
    got = report["sold_out"]
    for lang, words in (("zh_CN", "今日号已发完"), ("en", "all taken"), ("ug", "تارقىتىلىپ بولدى")):
        assert got[lang]["screen"] == "services" and got[lang]["confirm"] is None
        assert words in got[lang]["notice"]
    assert (
        "今日号已发完" in got["zh_CN"]["line"]
        and "Today's tickets are all taken" in got["en"]["line"]
    )


def test_screenshots_were_written(report):
    tags = {s["tag"] for s in report["screens"]}
    assert {
        "faq-page1-zh_CN",
        "faq-page2-zh_CN",
        "faq-page2-en",
        "faq-page2-ug",
        "faq-page2-elder",
        "services-sold_out-zh_CN",
        "services-sold_out-en",
        "services-sold_out-ug",
    } <= tags
    for s in report["screens"]:
        assert Path(s["png"]).stat().st_size > 10_000, s["png"]


def test_no_text_is_cut_off_on_any_screen(report):
    cut = [(s["tag"], *w) for s in report["screens"] for w in s["cut_off"]]
    assert not cut, "\n".join(map(str, cut))  # (screenshot, widget, lines, pixels cut off)
