"""A booking's check-in at the kiosk (预约签到, issue 16 item 2): the pure Flow, and the Controller
against a real queue server whose clock the test moves, with the pty fake ID card reader and the
virtual printer in its text mode (the paper's words can be read back)."""

from __future__ import annotations

import time

import pytest
import requests

from kiosk import checkin_flow as ck
from kiosk.client import Failure
from kiosk.devices import open_idcard_reader
from kiosk.devices.fakes import FakeCard, FakeIdCardReader
from kiosk.flow import Flow, Screen
from kiosk.i18n import catalog, translate
from queue_server.core.idnumber import check_digit
from tests.support import escpos_decode as d
from tests.support.live_server import start_server

from .conftest import until

NATIVE = "native"  # the printer's text mode: the ticket is read back as text


def id_number(body17: str) -> str:
    return body17 + check_digit(body17)


ZHANG, LI, WANG, ZHAO = (
    id_number(b)
    for b in ("11010519491231002", "11010519800101123", "44030519880102123", "31010419750505321")
)


# ---- the pure Flow ------------------------------------------------------------------------------
def typed(f: Flow, code: str = "", phone: str = "") -> None:
    if phone:
        f.checkin_field("phone")
        for k in phone:
            f.checkin_key(k)
    f.checkin_field("code")
    for k in code:
        f.checkin_key(k)


def test_the_keypad_takes_the_code_and_four_phone_digits_then_says_what_is_missing():
    f = Flow()
    f.open_checkin()
    assert f.screen is Screen.CHECKIN and f.wants_card and f.checkin.focus == "code"
    f.checkin_field("phone")
    for k in "12345":  # four digits, then the focus moves on to the code
        f.checkin_key(k)
    assert (f.checkin.phone, f.checkin.code, f.checkin.focus) == ("1234", "5", "code")
    f.checkin_backspace()
    f.checkin_field("phone")
    f.checkin_backspace()
    assert f.checkin_submit() is None and f.notice == ck.NEED_CODE
    typed(f, "12a")
    assert f.checkin_submit() is None and f.notice == ck.NEED_CODE  # 3 characters: too short
    f.checkin_key("-")  # not a code character
    f.checkin_key("9")
    assert f.checkin.code == "12A9" and f.notice is None
    assert f.checkin_submit() is None and f.notice == ck.NEED_PHONE  # 3 phone digits
    assert f.checkin.focus == "phone"
    f.checkin_key("4")
    body = f.checkin_submit()
    assert body == {"code": "12A9", "phone_last4": "1234", "request_id": body["request_id"]}
    assert len(body["request_id"]) == 32  # the client's retries keep it: the ticket comes back
    f.checkin_key("5")  # busy: the keys wait for the answer
    assert f.checkin.code == "12A9" and f.checkin_submit() is None


def test_a_card_counts_only_on_the_check_in_screen_and_only_once():
    f = Flow()
    assert f.checkin_card(ZHANG) is None  # at home
    f.open_checkin()
    body = f.checkin_card(ZHANG)
    assert body == {"id_number": ZHANG, "request_id": body["request_id"]}
    assert f.checkin_card(ZHANG) is None  # the first is on its way


def refusal(code, status=409, **details):
    return Failure("rejected", f"server words for {code}", code, status, details)


def test_each_answer_in_plain_words_with_the_step_that_helps():
    cases = {
        "checkin_early": (ck.EARLY, {"time": "10:00"}, "done"),
        "checkin_late": (ck.LATE, {}, "walk_in"),
        "checkin_missed": (ck.MISSED, {}, "normal"),
        "already_checked_in": (ck.TWICE, {"number": "B007"}, "done"),
        "cancelled": (ck.CANCELLED, {}, "normal"),
    }
    details = {
        "checkin_early": {"checkin_from": "2026-11-25T10:00:00+08:00"},
        "already_checked_in": {"ticket_number": "B007"},
    }
    for code, (said, params, offer) in cases.items():
        f = Flow()
        f.open_checkin()
        typed(f, "123456")
        f.checkin_submit()
        f.checkin_failed(refusal(code, **details.get(code, {})))
        assert (f.notice, f.notice_params, f.checkin.offer) == (said, params, offer), code
        assert f.checkin.busy is False
        assert (f.checkin.request is not None) == (offer == "walk_in")  # only late resends
    zh = translate(ck.EARLY, "zh_CN", time="10:00")
    assert zh == "还未到签到时间，请于 10:00 后签到。"


def test_no_booking_says_what_to_check_by_way_and_a_refused_number_gives_the_servers_words():
    f = Flow()
    f.open_checkin()
    f.checkin_card(ZHANG)
    f.checkin_failed(refusal("not_found", 404))
    assert f.notice == ck.NONE_CARD and f.checkin.offer == "again"
    f.checkin_again()
    assert f.notice is None and f.checkin.offer is None
    typed(f, "654321")
    f.checkin_submit()
    f.checkin_failed(refusal("not_found", 404))
    assert f.notice == ck.NONE_CODE and f.checkin.code == "654321"  # kept, to correct it
    f.checkin_again()
    f.checkin_submit()
    f.checkin_failed(refusal("validation_failed", 422))
    assert f.notice == ck.REFUSED and f.notice_params == {
        "reason": "server words for validation_failed"
    }
    f.checkin_again()
    f.checkin_submit()
    f.checkin_failed(Failure("offline", "connection refused"))
    assert f.notice == ck.UNREACHABLE and f.checkin.offer is None  # the keypad stays; OK again


def test_late_resends_the_same_request_as_a_walk_in_and_missed_goes_to_the_list():
    f = Flow()
    f.services = [{"code": "pension", "open": True, "name": {"zh_CN": "养老保险"}}]
    f.open_checkin()
    typed(f, "123456", phone="1111")
    body = f.checkin_submit()
    assert f.checkin_walk_in() is None  # nothing offered yet
    f.checkin_failed(refusal("checkin_late", offer="walk_in"))
    assert f.checkin_walk_in() == {**body, "walk_in": True}  # the same request_id too
    f.checkin_failed(refusal("checkin_missed", offer="walk_in"))
    assert f.checkin_walk_in() is None and f.checkin.offer == "normal"
    f.checkin_normal_ticket()
    assert f.screen is Screen.SERVICES and f.checkin == ck.Checkin()


def test_success_goes_to_printing_and_home_or_idle_forget_what_was_typed():
    f = Flow()
    f.open_checkin()
    typed(f, "123456", phone="5678")
    f.checkin_submit()
    ticket = {"number": "B001", "service": "pension", "appointment_at": "2026-11-25T09:00:00+08:00"}
    f.checked_in({"state": "on_time", "ticket": ticket}, 5.0)
    assert f.screen is Screen.ISSUING and f.ticket == ticket and f.service == "pension"
    assert f.checkin == ck.Checkin()  # the code and the phone digits are gone
    f.open_checkin(6.0)
    typed(f, "999999")
    f.touch(6.0)
    assert f.tick(6.0 + f.idle_timeout_s)
    assert f.screen is Screen.HOME and f.checkin == ck.Checkin()


def test_every_check_in_message_is_in_every_catalog():
    notices = {v for k, v in vars(ck).items() if k.isupper() and isinstance(v, str) and " " in v}
    assert len(notices) >= 10
    screen = (Flow(screen=Screen.CHECKIN), Flow(screen=Screen.CHECKIN, reader_status="ok"))
    notices |= {f.prompt() for f in screen} | {"Appointment check-in", "Appointment {time}"}
    for lang in ("zh_CN", "en", "ug"):
        got = catalog(lang)
        missing = sorted(m for m in notices if not got.get(m))
        assert not missing, (lang, missing)


# ---- the Controller against a real server -------------------------------------------------------
@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("checkin"))
    srv.set_clock("2026-11-24T09:00:00+08:00")  # a Tuesday: bookings from Wednesday on
    srv.platform = srv.create_device("platform-1", "platform")
    yield srv
    srv.stop()


def book(hall, external_id, id_number, slot="2026-11-25T09:00", phone="13812345678") -> dict:
    """Booked on the Tuesday (the clock goes back there: bookings start the next day)."""
    hall.set_clock("2026-11-24T09:00:00+08:00")
    r = requests.post(
        f"{hall.url}/api/v1/appointments",
        json={
            "external_id": external_id,
            "service": "pension",
            "slot_start": slot,
            "id_number": id_number,
            "phone": phone,
            "name": "张三",
        },
        headers={"Authorization": f"Bearer {hall.platform}"},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r.json()


def printed_texts(c) -> list[str]:
    [job] = sorted(c.printer_dir.glob("*.bin"))[-1:]
    return d.texts(d.decode(job.read_bytes()))


def test_the_id_card_checks_in_early_then_on_time_and_the_paper_says_appointment(hall, kiosk):
    book(hall, "K-1", ZHANG)
    book(hall, "K-1b", ZHAO, slot="2026-11-26T09:00")  # another day: not today's
    with FakeIdCardReader() as fake:
        c = kiosk(reader=open_idcard_reader(fake.url + "&poll_ms=100"), printer_mode=NATIVE)
        c.open_checkin()
        assert c.reader.armed and not c.scanner.armed and c.flow.reader_usable
        hall.set_clock("2026-11-25T08:20:00+08:00")
        fake.insert(FakeCard.person("张三", ZHANG))
        assert until(c, lambda: c.flow.checkin.offer is not None)
        assert c.flow.notice == ck.EARLY and c.flow.notice_params == {"time": "08:30"}
        assert (
            c.t_zh(c.flow.notice, **c.flow.notice_params) == "还未到签到时间，请于 08:30 后签到。"
        )
        fake.remove()
        time.sleep(0.3)  # the reader notices the card is gone
        hall.set_clock("2026-11-25T08:40:00+08:00")
        c.home()
        c.open_checkin()
        fake.insert(FakeCard.person("张三", ZHANG))
        assert until(c, lambda: c.flow.screen is Screen.TICKET)
        ticket = c.flow.ticket
        assert c.flow.printed is True and ticket["appointment_at"].startswith("2026-11-25T09:00")
        assert not c.reader.armed  # only the card screens read cards
        assert "预约 09:00" in printed_texts(c)
        assert ZHANG not in repr(vars(c.flow))  # the card's number is not kept
        # Twice: the number of the ticket already given, and what to do.
        c.home()
        c.open_checkin()
        fake.remove()
        time.sleep(0.3)
        fake.insert(FakeCard.person("张三", ZHANG))
        assert until(c, lambda: c.flow.checkin.offer is not None)
        assert c.flow.notice == ck.TWICE and c.flow.notice_params == {"number": ticket["number"]}


def test_a_code_with_the_phone_late_takes_a_normal_ticket_with_one_touch(hall, kiosk):
    other = book(hall, "K-2", LI, phone="13900001111")
    hall.set_clock("2026-11-25T09:16:00+08:00")  # past the 15 minutes' grace
    c = kiosk(printer_mode=NATIVE)
    c.open_checkin()
    c.checkin_field("phone")
    for k in "2222":
        c.checkin_key(k)
    for k in other["code"]:
        c.checkin_key(k)
    c.submit_checkin()
    assert c.flow.notice == ck.NONE_CODE  # the last four must match
    c.checkin_again()
    c.checkin_field("phone")
    for _ in range(4):
        c.checkin_backspace()
    for k in "1111":
        c.checkin_key(k)
    c.submit_checkin()
    assert c.flow.notice == ck.LATE and c.flow.checkin.offer == "walk_in"
    c.checkin_walk_in()
    assert c.flow.screen is Screen.TICKET and c.flow.ticket["appointment_at"] is None
    assert not any("预约" in t for t in printed_texts(c))
    state = requests.get(f"{hall.url}/api/v1/tickets/{c.flow.ticket['id']}", timeout=5).json()
    assert state["status"] == "waiting"


def test_a_missed_slot_or_no_booking_say_what_to_do(hall, kiosk):
    missed = book(hall, "K-3", WANG, slot="2026-11-26T09:00")
    hall.set_clock("2026-11-26T09:31:00+08:00")
    c = kiosk(printer_mode=NATIVE)
    c.open_checkin()
    for k in missed["code"]:
        c.checkin_key(k)
    c.submit_checkin()
    assert c.flow.notice == ck.MISSED and c.flow.checkin.offer == "normal"
    c.checkin_normal_ticket()
    assert c.flow.screen is Screen.SERVICES and c.flow.services
    c.home()
    c.open_checkin()
    c.check_in_with_card(LI)  # as the reader hands it over: LI booked yesterday, not today
    assert c.flow.notice == ck.NONE_CARD and c.flow.checkin.offer == "again"
