"""The real Kivy app, headless, in its own process (tests/kiosk/gui_checkin_driver.py): a booking's
check-in (预约签到) — the home tile, the check-in screen, early and late answers in zh_CN, en and
ug, the ID card on the pty fake reader giving the booking's ticket (预约 on screen and paper), a
late citizen's normal ticket in one touch, elder mode. Screenshots in tests/output/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from kiosk import checkin_flow as ck
from kiosk.i18n import for_label, translate
from tests.conftest import OUTPUT_DIR
from tests.support.live_server import start_server

from .kivy_driver import run_driver
from .test_checkin import LI, WANG, ZHANG, ZHAO, id_number

pytestmark = pytest.mark.gui
DRIVER = Path(__file__).with_name("gui_checkin_driver.py")
LANGS = ("zh_CN", "en", "ug")
QIAN = id_number("32010219900909456")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("gui-checkin"))
    try:
        srv.set_clock("2026-11-24T09:00:00+08:00")  # booked the day before
        platform = {"Authorization": f"Bearer {srv.create_device('platform-1', 'platform')}"}
        bookings = {"clock_file": str(srv.clock_file), "now": "2026-11-25T09:20:00+08:00"}
        for name, person, slot, phone in (
            ("card", ZHANG, "09:30", "13812345678"),  # on time at 09:20
            ("early", LI, "10:30", "13800002222"),  # check-in opens at 10:00
            ("late", WANG, "09:00", "13900001111"),  # 20 minutes late
            ("late2", QIAN, "09:00", "13900003333"),
            ("elder", ZHAO, "09:30", "13900004444"),
        ):
            r = requests.post(
                f"{srv.url}/api/v1/appointments",
                json={
                    "external_id": f"G-{name}",
                    "service": "pension",
                    "slot_start": f"2026-11-25T{slot}",
                    "id_number": person,
                    "phone": phone,
                    "name": "张三",
                },
                headers=platform,
                timeout=5,
            )
            assert r.status_code == 201, r.text
            bookings[name] = {"code": r.json()["code"], "phone_last4": phone[-4:]}
        bookings["card"]["id_number"] = ZHANG
        token = srv.create_device("kiosk-1", "kiosk")
        printer_dir = tmp_path_factory.mktemp("gui-checkin-printer")
        yield run_driver(
            DRIVER, srv.url, token, str(printer_dir), str(OUTPUT_DIR), json.dumps(bookings)
        )
    finally:
        srv.stop()


def test_driver_ran_without_errors(report):
    assert report["errors"] == []


def test_early_and_late_are_said_in_each_language_with_the_step_that_helps(report):
    a = report["answers"]
    for lang in LANGS:
        early = translate(ck.EARLY, lang, time="10:00")
        assert a[f"early-{lang}"] == {"text": for_label(early, lang), "offer": "done"}
        late = for_label(translate(ck.LATE, lang), lang)
        assert a[f"late-{lang}"] == {"text": late, "offer": "walk_in"}
        take = for_label(translate("Take a normal ticket", lang), lang)
        assert report["checks"]["take_normal"][lang] == take
    assert a["early-zh_CN"]["text"] == "还未到签到时间，请于 10:00 后签到。"
    assert "改取普通号" in a["late-zh_CN"]["text"] and "normal ticket" in a["late-en"]["text"]
    assert a["none-en"] == {"text": translate(ck.NONE_CODE, "en"), "offer": "again"}


def test_the_keypad_taps_fill_the_code_and_the_phone_digits(report):
    late = report["bookings"]["late"]
    assert report["checks"]["typed"]["late-zh_CN"] == [late["code"], late["phone_last4"]]


def test_the_card_gives_the_bookings_ticket_with_appointment_on_screen_and_paper(report):
    card = report["tickets"]["card"]
    assert report["checks"]["reader_armed"] is True
    assert card["appointment_at"].startswith("2026-11-25T09:30") and card["printed"] is True
    assert card["shown"] == ["预约 09:30"] and card["jobs"] == 1
    walk_in = report["tickets"]["walk_in"]
    assert walk_in["appointment_at"] is None and walk_in["shown"] == [] and walk_in["jobs"] == 2
    elder = report["tickets"]["elder"]
    assert elder["appointment_at"].startswith("2026-11-25T09:30") and elder["jobs"] == 3
    twice = report["answers"]["twice-elder"]
    assert card["number"] in twice["text"] and twice["offer"] == "done"


def test_screenshots_in_every_language_and_elder_mode(report):
    tags = {s["tag"] for s in report["screens"]}
    for lang in LANGS:
        assert {f"checkin-{lang}", f"checkin-early-{lang}", f"checkin-late-{lang}"} <= tags
    assert {"checkin-elder", "checkin-early-elder", "checkin-twice-elder"} <= tags
    assert {"checkin-ticket-zh_CN", "checkin-ticket-elder", "checkin-late-ug-elder"} <= tags
    assert all(s["elder"] for s in report["screens"] if s["tag"].endswith("elder"))
    for s in report["screens"]:
        assert Path(s["png"]).stat().st_size > 10_000, s["png"]


def test_home_has_the_check_in_tile_in_every_language(report):
    tiles = report["checks"]["home_tile"]
    for lang in LANGS:
        assert tiles[lang] == [for_label(translate("Appointment check-in", lang), lang)]
    assert tiles["elder"] == ["预约签到"]


def test_no_text_is_cut_off_on_any_screen(report):
    cut = [(s["tag"], *w) for s in report["screens"] for w in s["cut_off"]]
    assert not cut, "\n".join(map(str, cut))  # (screenshot, widget, lines, pixels cut off)
