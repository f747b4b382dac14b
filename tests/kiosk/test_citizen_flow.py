"""The citizen's records at the kiosk without a window: the Flow and the Controller against a real
queue server reading a demo records database (sqlite provider), the pty fake ID card reader and
QR scanner, and the fake ESC/POS printer on loopback TCP (issue 14)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
import requests

from kiosk import citizen_flow as cf
from kiosk.citizen_flow import Personal
from kiosk.config import KioskConfig
from kiosk.controller import Controller, SyncRunner
from kiosk.devices import open_idcard_reader, open_qr_scanner
from kiosk.devices.fakes import FakeCard, FakeIdCardReader, FakeQrScanner
from kiosk.flow import Flow, Screen
from kiosk.staffpin import hash_pin
from kiosk.voice import Voice
from printer import open_printer
from queue_server.core.idnumber import mask_id_number, mask_name
from queue_server.core.numbering import HALL_TZ
from queue_server.records.demo_people import essc_code
from tests.support import escpos_decode as d
from tests.support.fake_printer import FakePrinter
from tests.support.live_server import free_port, start_server

from .conftest import Tick, until
from .records_hall import open_case, start_records_hall


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A live server whose records are a demo database; statements' QR codes point at it."""
    srv = start_records_hall(tmp_path_factory.mktemp("citizen"))
    yield srv
    srv.stop()


def type_in(c, number, password):
    for ch in number + password:
        c.verify_key(ch)
    c.submit_verify()


def on_records(c) -> bool:
    return c.flow.screen is Screen.RECORDS and "profile" in c.flow.personal.records


def server_session_alive(hall, c, token) -> bool:
    r = requests.get(
        f"{hall.url}/api/v1/citizen/profile",
        timeout=5,
        headers={"Authorization": f"Bearer {c.device_token}", "X-Citizen-Session": token},
    )
    return r.status_code == 200


def assert_forgotten(c, person):
    """Nothing of the person is left in the Flow (the masked forms included)."""
    f = c.flow
    assert f.personal == Personal() and f.ending == []
    text = repr(vars(f))
    for value in (
        mask_name(person.name),
        mask_id_number(person.id_number),
        person.id_number,
        person.password,
    ):
        assert value not in text


# ---- each way to verify ------------------------------------------------------------------


def test_the_id_card_on_the_reader_opens_my_records_and_finish_ends_it(hall, kiosk):
    p = hall.people[0]
    with FakeIdCardReader() as fake:
        c = kiosk(reader=open_idcard_reader(fake.url + "&poll_ms=100"))
        assert not c.reader.armed
        c.open_verify()
        assert c.flow.screen is Screen.VERIFY and c.reader.armed and c.flow.reader_usable
        # spoken whether or not elder mode is on
        assert (
            c.voice.spoken[-1]
            == c.t_zh("Please place your ID card on the reader.")
            == "请将身份证放在感应区"
        )
        fake.insert(FakeCard.person(p.name, p.id_number))
        assert until(c, lambda: on_records(c))
        assert not c.reader.armed  # only the verify screen reads cards
        person = c.flow.personal.person
        assert person == {
            "name_masked": mask_name(p.name),
            "id_number_masked": mask_id_number(p.id_number),
        }
        profile = c.flow.personal.records["profile"]
        assert profile["statuses"] and p.id_number not in repr(profile)
        token = c.flow.personal.token
        assert server_session_alive(hall, c, token)
        c.finish()
        assert c.flow.screen is Screen.HOME
        assert not server_session_alive(hall, c, token)  # DELETE reached the server
        assert_forgotten(c, p)


def test_a_scanned_e_ssc_code_opens_my_records_once(hall, kiosk):
    p = hall.people[2]
    with FakeQrScanner() as fake:
        c = kiosk(scanner=open_qr_scanner(fake.url))
        c.open_verify()
        code = essc_code(hall.records_db, p.person_id, datetime.now(HALL_TZ))
        fake.send(code)
        assert until(c, lambda: on_records(c))
        assert c.flow.personal.person["id_number_masked"] == mask_id_number(p.id_number)
        c.finish()
        c.open_verify()
        fake.send(code)  # a photographed code shown again
        assert until(c, lambda: c.flow.notice == cf.CODE_REFUSED)
        assert c.flow.screen is Screen.VERIFY and not c.flow.in_session


def test_typed_number_and_password_show_every_tab(hall, kiosk):
    p = hall.people[0]
    c = kiosk()
    c.open_verify()
    c.verify_key("X")  # X only as the 18th character
    assert c.flow.personal.id_entry == ""
    type_in(c, p.id_number, p.password)
    assert on_records(c) and c.flow.personal.id_entry == c.flow.personal.password_entry == ""
    for tab in cf.TABS:
        c.choose_tab(tab)
        assert c.flow.record_key() in c.flow.personal.records, tab
    c.choose_tab("contributions")
    year = c.flow.personal.year
    assert year == c.flow.this_year
    c.year_step(-3)
    assert f"contributions:{year - 3}" in c.flow.personal.records
    months = c.flow.table_rows()
    assert months and {m["insurance"] for m in months} == {"pension"}
    assert {m["month"][:4] for m in months} == {str(year - 3)}
    c.choose_insurance("medical")
    assert {m["insurance"] for m in c.flow.table_rows()} == {"medical"}


def test_wrong_password_says_tries_left_then_the_number_is_locked(hall, kiosk):
    p = hall.people[3]
    c = kiosk()
    c.open_verify()
    wrong = "000000" if p.password != "000000" else "111111"
    seen = []
    for _ in range(5):
        type_in(c, "" if c.flow.personal.id_entry else p.id_number, wrong)
        seen.append((c.flow.notice, dict(c.flow.notice_params)))
        assert c.flow.screen is Screen.VERIFY and c.flow.personal.password_entry == ""
    assert seen[:4] == [(cf.WRONG_PASSWORD, {"tries": n}) for n in (4, 3, 2, 1)]
    assert seen[4] == (cf.LOCKED, {})
    type_in(c, "", p.password)  # even the right password, today
    assert c.flow.notice == cf.LOCKED and not c.flow.in_session
    assert "4" in c.t(cf.WRONG_PASSWORD, tries=4) and c.t(cf.LOCKED) != cf.LOCKED


def test_an_expired_card_is_refused_in_plain_words(hall, kiosk):
    p = hall.people[1]
    with FakeIdCardReader() as fake:
        c = kiosk(reader=open_idcard_reader(fake.url + "&poll_ms=100"))
        c.open_verify()
        fake.insert(
            FakeCard.person(p.name, p.id_number, valid_from="20000101", valid_to="20200101")
        )
        assert until(c, lambda: c.flow.notice == cf.CARD_EXPIRED)
        assert c.flow.screen is Screen.VERIFY and not c.flow.in_session
        assert "有效期" in c.t_zh(cf.CARD_EXPIRED)


def test_a_reader_that_stops_answering_offers_the_other_ways(hall, kiosk):
    with FakeIdCardReader() as fake:
        c = kiosk(reader=open_idcard_reader(fake.url + "&poll_ms=100&timeout_ms=200"))
        c.open_verify()
        fake.behave("silent")
        assert until(c, lambda: c.flow.reader_status == "no_answer")
        assert c.flow.notice == cf.READER_DOWN and not c.flow.reader_usable
        assert "扫" in c.t_zh(cf.READER_DOWN) and "身份证号" in c.t_zh(cf.READER_DOWN)
        c.send_heartbeat()  # the guide desk sees it (§8.1.5)
        name = f"guide-{uuid.uuid4().hex[:6]}"
        hall.create_user(name, "guide")
        guide = hall.login(name)
        me = next(
            d
            for d in guide.get(f"{hall.url}/api/v1/devices", timeout=5).json()["devices"]
            if d["id"] == c.config.device_id
        )
        assert me["status"]["idcard_reader"] == "no_answer"
        assert me["status"]["qr_scanner"] == "off"
        fake.behave(None)
        assert until(c, lambda: c.flow.reader_usable)


def test_an_unreadable_card_says_place_it_again(hall, kiosk):
    with FakeIdCardReader() as fake:
        c = kiosk(reader=open_idcard_reader(fake.url + "&poll_ms=100"))
        c.open_verify()
        fake.behave("bad_checksum")
        fake.insert("demo1")
        assert until(c, lambda: c.flow.notice == cf.CARD_RETRY)


# ---- the session ends -------------------------------------------------------------------------


def test_the_session_expiring_mid_screen_wipes_it_and_asks_to_verify_again(hall, kiosk):
    p = hall.people[0]
    c = kiosk()
    c.open_verify()
    type_in(c, p.id_number, p.password)
    assert on_records(c)
    hall.set_clock((datetime.now(HALL_TZ) + timedelta(minutes=11)).isoformat())
    try:
        c.choose_tab("account")
    finally:
        hall.set_clock(None)
    assert c.flow.screen is Screen.VERIFY and c.flow.notice == cf.SESSION_ENDED
    assert_forgotten(c, p)


def test_idle_at_my_records_ends_the_session_on_the_server(hall, kiosk):
    p = hall.people[0]
    c = kiosk()
    c.open_verify()
    type_in(c, p.id_number, p.password)
    token = c.flow.personal.token
    left = c.flow.session_left(c.now())
    assert left == c.config.idle_timeout_s  # the kiosk's idle timeout is the nearest end
    c.tick_clock.now += left - 1
    c.tick()
    assert c.flow.screen is Screen.RECORDS
    c.tick_clock.now += 1
    c.tick()
    assert c.flow.screen is Screen.HOME and not server_session_alive(hall, c, token)
    assert_forgotten(c, p)


def test_a_citizen_still_touching_keeps_the_server_session_alive(hall, kiosk):
    p = hall.people[0]
    c = kiosk(idle_timeout_s=300.0)
    c.open_verify()
    type_in(c, p.id_number, p.password)
    seen = c.flow.personal.seen
    c.tick_clock.now += 70  # past half the server's 120 s idle limit
    c.records_page(1)  # a touch that needs nothing from the server
    assert c.flow.personal.seen > seen and c.flow.screen is Screen.RECORDS


def test_records_service_down_says_go_to_a_window(hall, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    srv = start_server(
        tmp_path / "down",
        env={
            "HALLQUEUE_RECORDS_PROVIDER": "http",
            "HALLQUEUE_RECORDS_BASE_URL": dead,
            "HALLQUEUE_RECORDS_TIMEOUT_S": "0.5",
        },
    )
    try:
        token = srv.create_device("kiosk-1", "kiosk")
        config = KioskConfig(server_url=srv.url, token=token, printer_url=f"virtual://{tmp_path}/p")
        c = Controller(config, runner=SyncRunner(), voice=Voice(enabled=False), clock=Tick())
        c.start()
        c.open_verify()
        p = hall.people[0]
        type_in(c, p.id_number, p.password)
        assert c.flow.notice == cf.RECORDS_DOWN and c.flow.screen is Screen.VERIFY
        assert c.t_zh(cf.RECORDS_DOWN) == "个人信息查询暂不可用，请到窗口办理"
        c.open_progress()
        for k in "SB2026010100000" + "1":
            c.progress_key(k)
        c.progress_field("check")
        for k in "1234":
            c.progress_key(k)
        c.submit_progress()
        assert c.flow.notice == cf.RECORDS_DOWN
    finally:
        srv.stop()


def test_the_server_going_away_during_verify_says_so_and_keeps_nothing(hall, kiosk):
    p = hall.people[0]
    c = kiosk()
    c.open_verify()
    hall.stop()
    try:
        type_in(c, p.id_number, p.password)
        assert c.flow.notice == cf.SERVER_DOWN and not c.flow.in_session
        c.refresh()
        assert c.flow.screen is Screen.OUT_OF_SERVICE and c.flow.personal == Personal()
    finally:
        hall.start()


# ---- progress query ---------------------------------------------------------------------------


def test_progress_query_shows_stage_and_next_stage_only(hall, kiosk):
    number, id_number = open_case(hall.records_db)
    c = kiosk()
    c.open_progress()
    for k in number:
        c.progress_key(k)
    c.progress_field("check")
    for k in "12":
        c.progress_key(k)
    c.submit_progress()
    assert c.flow.notice == cf.CASE_INPUT and c.flow.personal.progress is None
    c.progress_backspace()
    c.progress_backspace()
    for k in "0000" if id_number[-4:] != "0000" else "1111":
        c.progress_key(k)
    c.submit_progress()
    assert c.flow.notice == cf.CASE_NOT_FOUND
    for _ in range(4):
        c.progress_backspace()
    for k in id_number[-4:]:
        c.progress_key(k)
    c.submit_progress()
    got = c.flow.personal.progress
    assert set(got) >= {"stage", "next_stage", "labels"} and "item" not in got
    assert got["labels"][got["stage"]] and got["next_stage"]
    c.home()
    assert c.flow.personal == Personal()


# ---- statements -------------------------------------------------------------------------------


def _statement(c, person, months=120):
    c.open_verify()
    type_in(c, person.id_number, person.password)
    c.open_statement()
    assert c.flow.screen is Screen.STATEMENT
    c.statement_preset(months)
    c.preview_statement()
    return c.flow.personal.statement


def test_a_ten_year_certificate_prints_with_figures_code_and_a_qr_code_that_checks(hall, kiosk):
    p = hall.people[0]
    with FakePrinter() as native_printer, FakePrinter() as raster_printer:
        native_printer.serve_tcp()
        raster_printer.serve_tcp()
        c = kiosk(printer=open_printer(native_printer.tcp_url, mode="native", timeout=2.0))
        made = _statement(c, p)
        first, last = c.flow.personal.first, c.flow.personal.last
        assert last - first + 1 == 120 and made["period"].count("～") == 1
        assert len(made["rows"]) > 40  # long enough to continue over parts
        c.print_statement()
        assert c.flow.personal.printed is True
        texts = d.texts(d.decode(native_printer.job_bytes()))
        joined = "\n".join(texts)
        assert made["verification_code"] in joined
        assert f"姓名：{mask_name(p.name)}" in texts and mask_id_number(p.id_number) in joined
        assert f"期间：{made['period']}" in texts
        for row in made["rows"]:  # every figure of every row, in order of the table
            assert all(cell in joined for cell in row[2:6]), row
        flat = "".join(texts)  # long lines wrap on 80 mm paper
        for label, value in made["totals"]:
            assert f"{label}：{value}" in flat
        assert any("（续下页）" in t for t in texts)
        # the same statement on a raster printer: its QR code opens /v/<code>, genuine
        c.printer = open_printer(raster_printer.tcp_url, timeout=2.0)
        c.print_statement()
        images = d.rasters(d.decode(raster_printer.job_bytes()))
        assert len(images) >= 2
        [url] = d.decode_qr(images[-1].image)
        assert url == made["verify_url"] == f"{hall.url}/v/{made['verification_code']}"
        page = requests.get(url, timeout=5)
        assert page.status_code == 200 and 'data-status="genuine"' in page.text
        assert made["rows"][0][3] in page.text  # the stored figures


def test_paper_out_mid_statement_says_so_and_reprints_once_paper_is_back(hall, kiosk):
    p = hall.people[0]
    with FakePrinter() as fake:
        fake.serve_tcp()
        c = kiosk(printer=open_printer(fake.tcp_url, mode="native", timeout=2.0))
        made = _statement(c, p, months=60)
        fake.paper_out_after = 3000
        c.print_statement()
        f = c.flow
        assert f.personal.printed is False and f.personal.print_problem == "paper_out"
        assert f.notice == cf.PAPER_PROBLEM and "纸" in c.t_zh("printer:paper_out")
        assert f.waiting_for_printer and f.print_request() is None  # no reprint yet
        c.check_printer()
        assert f.waiting_for_printer
        fake.state = "ok"  # paper loaded
        fake.reset()
        c.check_printer()
        assert not f.waiting_for_printer
        c.print_statement()
        assert f.personal.printed is True
        assert made["verification_code"] in "\n".join(d.texts(d.decode(fake.job_bytes())))


# ---- staff assistance (§7.5) ------------------------------------------------------------------


def _staff_mode(c):
    for _ in range(3):
        c.flow.corner_tap(c.now())
    c.changed()
    assert c.flow.screen is Screen.STAFF_PIN
    for k in "2468":
        c.pin_key(k)
    c.submit_pin()
    assert c.flow.screen is Screen.STAFF


def test_a_guide_starts_the_check_for_a_citizen_and_ends_it_for_them(hall, kiosk):
    p = hall.people[0]
    c = kiosk(staff_pin_hash=hash_pin("2468"))
    _staff_mode(c)
    c.staff_assist()
    assert c.flow.screen is Screen.VERIFY and not c.flow.staff and c.flow.personal.assisted
    type_in(c, p.id_number, p.password)
    assert on_records(c) and c.flow.personal.assisted
    token = c.flow.personal.token
    # The guide comes back: staff mode covers the records (the session waits) …
    _staff_mode(c)
    assert c.flow.in_session and c.flow.personal.suspended == "records"
    c.back()
    assert c.flow.screen is Screen.RECORDS and not c.flow.staff
    # … and ends it for the citizen.
    _staff_mode(c)
    c.staff_end_session()
    assert c.flow.screen is Screen.STAFF and c.flow.notice == cf.STAFF_ENDED
    assert not server_session_alive(hall, c, token)
    assert_forgotten(c, p)


# ---- the pure rules -----------------------------------------------------------------------


def test_the_id_keypad_takes_x_last_and_moves_on_to_the_password():
    f = Flow()
    f.open_verify()
    for ch in "11010519580312004":
        f.verify_key(ch)
    f.verify_key("X")
    assert f.personal.id_entry == "11010519580312004X" and f.personal.focus == "password"
    for ch in "1234567":
        f.verify_key(ch)
    assert f.personal.password_entry == "123456"
    assert f.verify_submit() is None and f.notice == cf.BAD_ID  # the check digit is 5
    assert f.personal.focus == "id" and f.personal.password_entry == "123456"
    f.verify_backspace()
    f.verify_key("5")
    assert f.personal.focus == "password"
    body = f.verify_submit()
    assert body == {"password": {"id_number": "110105195803120045", "password": "123456"}}
    assert f.verify_submit() is None  # one request at a time


def test_elder_mode_pages_the_records_table_by_four():
    f = Flow()
    f.personal.token, f.screen = "t", Screen.RECORDS
    f.personal.tab, f.personal.year = "contributions", 2024
    f.personal.records["contributions:2024"] = {
        "months": [{"insurance": "pension", "month": f"2024-{m:02d}"} for m in range(1, 13)]
    }
    assert len(f.page_rows()) == 12 and f.records_pages == 1
    f.toggle_elder()
    assert [r["month"] for r in f.page_rows()] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    f.records_page(5)
    assert f.personal.page == 2 and f.page_rows()[-1]["month"] == "2024-12"


def test_leaving_for_home_queues_the_token_and_forgets_the_rest():
    f = Flow()
    f.personal.token, f.personal.person = "tok", {"name_masked": "王*"}
    f.screen = Screen.RECORDS
    f.home()
    assert f.personal == Personal() and f.take_ending() == ["tok"] and f.ending == []


def test_elder_mode_speaks_the_new_screens_and_ordinary_mode_only_the_card_prompt(hall, kiosk):
    c = kiosk()
    c.open_progress()
    assert c.voice.spoken == []
    c.home()
    c.toggle_elder()
    c.open_progress()
    assert c.voice.spoken[-1] == c.t(cf.CASE_INPUT)
    c.home()
    c.open_verify()  # no reader on this kiosk: the other two ways are said
    assert c.voice.spoken[-1] == c.t(
        "Scan your e-SSC code, or type your ID number and query password."
    )
