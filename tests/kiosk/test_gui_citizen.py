"""The real Kivy app, headless, in its own process (tests/kiosk/gui_citizen_driver.py): the
citizen's own records — home's five tiles, verify (keypad, ID card reader, reader down, keyboard
wedge scanner), my records' tabs, statements, progress, staff assistance — in zh_CN, en, ug and
elder mode, with screenshots in tests/output/; after the citizen finishes, no screen keeps any
of their personal text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OUTPUT_DIR

from .kivy_driver import run_driver
from .records_hall import open_case, start_records_hall

pytestmark = pytest.mark.gui
DRIVER = Path(__file__).with_name("gui_citizen_driver.py")
LANGS = ("zh_CN", "en", "ug")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    srv = start_records_hall(tmp_path_factory.mktemp("gui-citizen"))
    try:
        token = srv.create_device("kiosk-1", "kiosk")
        p = srv.people[0]
        case_number, _ = open_case(srv.records_db, p.id_number)
        person = {
            "name": p.name,
            "id_number": p.id_number,
            "password": p.password,
            "case_number": case_number,
        }
        printer_dir = tmp_path_factory.mktemp("gui-citizen-printer")
        report = run_driver(
            DRIVER,
            srv.url,
            token,
            str(printer_dir),
            str(OUTPUT_DIR),
            json.dumps(person, ensure_ascii=False),
            timeout=400,
        )
        yield report, person, srv.log.read_text()
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def report(run):
    return run[0]


def test_driver_ran_without_errors(report):
    assert report["errors"] == []


def test_every_new_screen_was_captured_in_every_language_and_elder_mode(report):
    tags = {s["tag"] for s in report["screens"]}
    for lang in LANGS:
        for screen in (
            "home",
            "verify",
            "records-profile",
            "records-contributions",
            "records-account",
            "records-benefits",
            "records-cases",
            "statement",
            "statement-preview",
            "progress",
        ):
            assert f"{screen}-{lang}" in tags
    assert {
        "home-elder",
        "verify-elder",
        "records-contributions-elder",
        "statement-preview-elder",
        "statement-paper_out-elder",
        "progress-elder",
        "verify-wrong_password-zh_CN",
        "statement-printed-zh_CN",
        "verify-reader_down-zh_CN",
        "staff-session_open-zh_CN",
        "verify-assisted-zh_CN",
    } <= tags
    for s in report["screens"]:
        assert Path(s["png"]).stat().st_size > 10_000, s["png"]


def test_nothing_personal_is_left_in_any_screen_after_finishing(report):
    for who, left in report["left_behind"].items():
        assert left["values"] >= 3, who  # the check looked for something
        assert left["found"] == [] and left["flow_clean"], who


def test_the_keypad_masks_the_password_and_says_the_tries_left(report, run):
    person = run[1]
    checks = report["checks"]
    assert checks["typed"]["id"] == person["id_number"]
    assert checks["typed"]["password_shown"].replace("▶", "").strip() == "●" * 6
    assert "还可尝试 4 次" in checks["wrong_password"]["notice"]


def test_my_records_show_the_masked_person_and_a_countdown(report, run):
    person = run[1]
    for lang in LANGS:
        who = report["checks"]["who"][lang]
        assert person["id_number"][-4:] in who and person["id_number"] not in who
        assert person["name"] not in who and person["name"][0] in who
        assert ":" in report["checks"]["countdown"][lang]


def test_statement_preview_shows_its_code_and_it_printed(report):
    codes = report["checks"]["code"]
    assert all(len(codes[lang].replace("-", "")) == 20 for lang in LANGS)
    assert report["checks"]["printed_jobs"] >= 1


def test_paper_out_says_so_and_reprint_comes_back_with_the_paper(report):
    out = report["checks"]["paper_out"]
    assert "缺纸" in out["notice"] and not out["reprint_enabled"]
    back = report["checks"]["paper_back"]
    assert back["reprint_enabled"] and back["label"] == "重新打印"


def test_progress_shows_the_stage_in_each_language(report):
    stages = report["checks"]["stage"]
    assert "当前环节" in stages["zh_CN"] and "Stage now" in stages["en"] and stages["ug"]


def test_elder_mode_pages_four_rows(report):
    assert report["checks"]["elder_rows"] == 4 and report["checks"]["elder_pages"] == 3


def test_elder_mode_text_is_30_px_or_more_and_targets_60_px_or_more(report):
    sizes = report["checks"]["elder_sizes"]
    assert set(sizes) == {"verify", "records", "statement", "statement-preview", "progress"}
    for screen, got in sizes.items():
        assert got["text"] >= 30 and got["target"] >= 60, (screen, got)


def test_a_silent_reader_offers_the_other_ways(report):
    down = report["checks"]["reader_down"]
    assert "扫码" in down["notice"] and any("无响应" in t for t in down["tile"])


def test_the_guide_starts_the_check_and_never_sees_the_records(report):
    checks = report["checks"]
    assert checks["assisted"] == {"staff": False, "assisted": True}
    assert checks["staff_session_open"] and checks["staff_sees"] == []


def test_a_keyboard_wedge_scanner_feeds_the_verify_screen(report):
    assert report["checks"]["wedge"] == (
        "This code is not valid or has expired. Refresh it in the app and scan again."
    )


def test_no_personal_data_in_the_server_log(run):
    _, person, log = run
    assert person["id_number"] not in log and person["name"] not in log


def test_no_text_is_cut_off_on_any_screen(report):
    cut = [(s["tag"], *w) for s in report["screens"] for w in s["cut_off"]]
    assert not cut, "\n".join(map(str, cut))  # (screenshot, widget, lines, pixels cut off)
