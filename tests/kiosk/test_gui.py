"""The real Kivy app, headless (SDL offscreen + Mesa), in ONE subprocess (one Window per
process): taps through every screen in zh_CN, en, ug and elder mode against a live queue server
and the virtual printer, and writes the screenshots to $TEST_OUTPUT_DIR (tests/output/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import OUTPUT_DIR
from tests.kiosk.kivy_driver import run_driver

pytestmark = pytest.mark.gui
DRIVER = Path(__file__).with_name("gui_driver.py")


@pytest.fixture(scope="module")
def report(live, tmp_path_factory):
    printer_dir = tmp_path_factory.mktemp("gui-printer")
    return run_driver(DRIVER, live.url, live.token, str(printer_dir), str(OUTPUT_DIR))


def test_driver_ran_without_errors(report):
    assert report["errors"] == []


def test_every_screen_in_every_language_was_captured(report):
    tags = {s["tag"] for s in report["screens"]}
    for lang in ("zh_CN", "en", "ug"):
        for screen in (
            "home",
            "services",
            "confirm",
            "ticket",
            "guide",
            "guide_item",
            "faq",
            "faq_entry",
        ):
            assert f"{screen}-{lang}" in tags
    assert {
        "home-elder",
        "services-elder",
        "confirm-elder",
        "ticket-paper_out-elder",
        "staff-zh_CN",
        "staff_pin-zh_CN",
        "out_of_service-zh_CN",
        "out_of_service-ug",
    } <= tags
    for s in report["screens"]:
        png = Path(s["png"])
        assert png.stat().st_size > 10_000, png  # a real picture, not a blank frame


def test_tapping_confirm_issued_and_printed_tickets(report):
    assert report["tickets"] and all(n.startswith("B") for n in report["tickets"])
    # three printed in the language round, one in staff mode; the paper-out one was not printed
    assert report["printer_jobs"] == len(report["tickets"]) + 1


def test_paper_out_shows_number_with_qr(report):
    assert report["paper_out"] == {"printed": False, "problem": "paper_out", "qr": True}


def test_pinyin_keyboard_found_pension_questions(report):
    assert all("pension-01" in ids for ids in report["faq_ylbx"])


def test_staff_mode_issued_priority_ticket(report):
    assert report["staff_ticket"]["priority_reason"] == "pregnant"


def test_a_crash_in_the_event_loop_returns_home_with_input_cleared(report):
    assert report["after_crash"] == {"screen": "home", "query": ""}


def test_no_text_is_cut_off_on_any_screen(report):
    cut = [(s["tag"], *w) for s in report["screens"] for w in s["cut_off"]]
    assert not cut, "\n".join(map(str, cut))  # (screenshot, widget, lines, pixels cut off)
