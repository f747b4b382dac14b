"""The kiosk's paths without a window: the pure Flow, and the Controller against a real queue
server on loopback and the virtual / fake TCP printer."""

from __future__ import annotations

import requests

from kiosk.flow import Flow, Screen
from kiosk.staffpin import check_pin, hash_pin
from printer import open_printer
from tests.support import escpos_decode as d
from tests.support.fake_printer import FakePrinter


def _take(c, code="pension"):
    c.start()
    c.take_ticket()
    assert c.flow.screen is Screen.SERVICES
    c.choose_service(code)
    assert c.flow.screen is Screen.CONFIRM
    c.confirm()


def test_take_a_ticket_prints_it_and_shows_where_to_wait(make_controller, live):
    c = make_controller()
    _take(c)
    f = c.flow
    assert f.screen is Screen.TICKET and f.printed is True
    assert f.ticket["number"].startswith("B") and f.ticket["ahead"] is not None
    jobs = list((c.printer.transport.directory).glob("*.bin"))
    assert len(jobs) == 1
    [raster] = d.rasters(d.decode(jobs[0].read_bytes()))
    assert d.decode_qr(raster.image) == [f.ticket["status_url"]]
    status = requests.get(f"{live.url}/api/v1/tickets/{f.ticket['id']}").json()
    assert status["number"] == f.ticket["number"] and status["status"] == "waiting"
    # The ticket screen returns home by itself after ticket_screen_s.
    c.tick_clock.now += c.config.ticket_screen_s + 1
    c.tick()
    assert f.screen is Screen.HOME and f.ticket is None


def test_waiting_counts_come_from_the_server(make_controller):
    c = make_controller()
    c.start()
    before = c.flow.service_info("card")["waiting"]
    _take(c, "card")
    c.refresh()
    assert c.flow.service_info("card")["waiting"] == before + 1


def test_paper_out_keeps_the_ticket_on_screen_and_reports_at_once(make_controller, live):
    c = make_controller()
    c.printer.transport.state = "paper_out"
    _take(c, "medical")
    f = c.flow
    assert f.screen is Screen.TICKET and f.printed is False and f.printer_problem == "paper_out"
    assert f.ticket["number"].startswith("C")
    # Not returned home automatically: the citizen must be able to note the number.
    c.tick_clock.now += c.config.ticket_screen_s + 1
    c.tick()
    assert f.screen is Screen.TICKET
    live.create_user("guide9", "guide")
    s = live.login("guide9")
    dev = next(
        d for d in s.get(f"{live.url}/api/v1/devices").json()["devices"] if d["id"] == "kiosk-1"
    )
    assert dev["status"]["printer"] == "paper_out" and dev["alert"] is True
    # Idle still returns home eventually, clearing everything.
    c.tick_clock.now += c.config.idle_timeout_s
    c.tick()
    assert f.screen is Screen.HOME and f.ticket is None


def test_retry_after_lost_answer_returns_the_same_ticket(make_controller, live):
    c = make_controller()
    c.start()
    c.take_ticket()
    c.choose_service("consult")
    rid = c.flow.confirm(c.now())
    first = c.client.issue_ticket("consult", rid)  # the server issues; pretend the answer was lost
    c.flow.issue_failed("offline", now=c.now())
    assert c.flow.screen is Screen.CONFIRM and c.flow.request_id == rid
    c.confirm()  # "try again"
    assert c.flow.ticket["id"] == first.data["id"]


def test_server_down_shows_out_of_service_and_recovers_by_itself(make_controller, live):
    c = make_controller()
    c.start()
    c.open_faq()
    c.faq_key("y")
    live.stop()
    try:
        c.refresh()
        assert c.flow.screen is Screen.OUT_OF_SERVICE and c.flow.faq_query == ""
        c.refresh()
        assert c.flow.screen is Screen.OUT_OF_SERVICE
    finally:
        live.start()
    c.refresh()
    assert c.flow.screen is Screen.HOME


def test_server_down_during_confirm_keeps_the_request_for_a_retry(make_controller, live):
    c = make_controller()
    c.start()
    c.take_ticket()
    c.choose_service("pension")
    live.stop()
    try:
        c.confirm()
        assert c.flow.screen is Screen.CONFIRM and c.flow.request_id
        assert "cannot be reached" in c.flow.notice
    finally:
        live.start()
    c.confirm()
    assert c.flow.screen is Screen.TICKET


def test_idle_timeout_in_the_middle_of_a_step_goes_home_and_clears_input(make_controller):
    c = make_controller()
    c.start()
    c.open_faq()
    for k in "ylbx":
        c.faq_key(k)
    assert c.flow.faq_query == "ylbx" and c.flow.faq_entries
    c.tick_clock.now += c.config.idle_timeout_s - 1
    c.tick()
    assert c.flow.screen is Screen.FAQ
    c.tick_clock.now += 2
    c.tick()
    assert c.flow.screen is Screen.HOME and c.flow.faq_query == ""


def test_language_switch_mid_flow_keeps_the_step(make_controller):
    c = make_controller()
    c.start()
    c.take_ticket()
    c.choose_service("card")
    c.set_language("ug")
    assert c.flow.screen is Screen.CONFIRM and c.flow.service == "card" and c.flow.language == "ug"
    assert c.t("Confirm") != "Confirm" and c.t("Confirm") != c.t_zh("Confirm")
    c.confirm()
    assert c.flow.screen is Screen.TICKET


def test_pinyin_search_and_topic_browse(make_controller):
    c = make_controller()
    c.start()
    c.open_faq()
    assert len(c.flow.faq_entries) >= 30 and c.flow.faq_topics
    c.choose_topic("injury")
    assert {e["topic"] for e in c.flow.faq_entries} == {"injury"}
    c.choose_topic("injury")
    for k in "SBK":
        c.faq_key(k)
    assert c.flow.faq_entries and all(e["topic"] == "card" for e in c.flow.faq_entries)
    c.open_entry(c.flow.faq_entries[0]["id"])
    assert c.flow.screen is Screen.FAQ_ENTRY and c.flow.entry_info()["answer"]


def test_business_guide_jumps_to_the_right_service(make_controller):
    c = make_controller()
    c.start()
    c.open_guide()
    c.choose_guide_service("unemployment")
    items = c.flow.guide_items()
    assert items and all(i["service"] == "unemployment" for i in items)
    c.open_item(items[0]["code"])
    assert c.flow.item_info()["materials"]
    c.ticket_for_item()
    assert c.flow.screen is Screen.CONFIRM and c.flow.service == "unemployment"


def test_staff_pin_unlocks_priority_ticket_with_reason(make_controller, live):
    pin_hash = hash_pin("2468")
    c = make_controller(staff_pin_hash=pin_hash)
    c.start()
    for _ in range(3):
        c.flow.corner_tap(c.now())
    assert c.flow.screen is Screen.STAFF_PIN
    for d in "1111":
        c.pin_key(d)
    c.submit_pin()
    assert c.flow.screen is Screen.STAFF_PIN and c.flow.notice == "Wrong PIN." and c.flow.pin == ""
    for d in "2468":
        c.pin_key(d)
    c.submit_pin()
    assert c.flow.screen is Screen.STAFF
    c.choose_service("pension")
    assert c.flow.screen is Screen.STAFF  # reason first
    c.choose_reason("elderly")
    c.choose_service("pension")
    c.confirm()
    assert c.flow.screen is Screen.TICKET
    t = requests.get(f"{live.url}/api/v1/tickets/{c.flow.ticket['id']}").json()
    assert t["priority_reason"] == "elderly"


def test_closed_service_cannot_be_chosen():
    f = Flow()
    f.services = [{"code": "card", "open": False, "name": {"zh_CN": "社保卡"}, "waiting": 0}]
    f.take_ticket()
    assert f.choose_service("card") is False and f.screen is Screen.SERVICES and f.notice


def test_elder_mode_shows_fewer_choices():
    f = Flow()
    f.services = [{"code": str(i), "open": True} for i in range(5)]
    f.take_ticket()
    assert len(f.shown()) == 5
    f.toggle_elder()
    assert len(f.shown()) == 3 and f.has_next_page
    f.next_page()
    assert [s["code"] for s in f.shown()] == ["3", "4"]


def test_pin_hash_round_trip():
    h = hash_pin("2468")
    assert (
        check_pin("2468", h)
        and not check_pin("2469", h)
        and not check_pin("", h)
        and not check_pin("1", "junk")
    )


def test_ticket_prints_on_an_escpos_printer_over_tcp(make_controller):
    with FakePrinter(state="ok") as fake:
        fake.serve_tcp()
        c = make_controller(printer=open_printer(fake.tcp_url, width_mm=58, timeout=2.0))
        _take(c, "unemployment")
        f = c.flow
        assert f.screen is Screen.TICKET and f.printed is True
        elements = d.decode(fake.job_bytes())
        [raster] = d.rasters(elements)
        assert raster.image.width == 384
        assert d.decode_qr(raster.image) == [f.ticket["status_url"]]
        assert isinstance(elements[-1], d.Cut)


def test_cover_open_on_the_tcp_printer_prints_nothing_and_keeps_the_ticket(make_controller, live):
    with FakePrinter(state="cover_open") as fake:
        fake.serve_tcp()
        c = make_controller(printer=open_printer(fake.tcp_url, timeout=2.0))
        _take(c, "consult")
        f = c.flow
        assert (
            f.screen is Screen.TICKET and f.printed is False and f.printer_problem == "cover_open"
        )
        assert fake.only_status_queries()  # nothing half-printed
        status = requests.get(f"{live.url}/api/v1/tickets/{f.ticket['id']}").json()
        assert status["status"] == "waiting"  # the ticket was committed before printing


# ---- pure Flow: the pages, the way back, the corner -------------------------------------------
def _services(n):
    return [{"code": f"s{i}", "open": True, "name": {"zh_CN": f"业务{i}"}} for i in range(n)]


def test_the_guide_pages_the_list_it_shows_services_then_one_services_items():
    f = Flow()
    f.services = _services(8)
    f.items = [{"code": f"i{i}", "service": "s1"} for i in range(7)] + [
        {"code": "other", "service": "s2"}
    ]
    f.open_guide()
    assert [s["code"] for s in f.shown()] == [f"s{i}" for i in range(6)] and f.has_next_page
    f.next_page()
    assert [s["code"] for s in f.shown()] == ["s6", "s7"] and f.page_count == 2
    f.choose_guide_service("s1")
    # a new list starts on its first page, and counts only this service's items
    assert f.page == 0 and [i["code"] for i in f.shown()] == [f"i{i}" for i in range(6)]
    f.next_page()
    assert [i["code"] for i in f.shown()] == ["i6"] and not f.has_next_page
    f.next_page()  # "More" on the last page wraps to the first
    assert f.page == 0
    f.back()
    assert f.screen is Screen.GUIDE and f.guide_service is None and f.page == 0


def test_elder_mode_starts_the_list_again_and_screens_without_a_list_have_one_empty_page():
    f = Flow()
    f.services = _services(8)
    f.take_ticket()
    f.next_page()
    f.toggle_elder()
    assert f.page == 0 and len(f.shown()) == 3 and f.page_count == 3
    f.open_verify()
    assert f.shown() == [] and f.page_count == 1 and not f.has_next_page


def test_the_staff_screen_lists_every_service_without_pages():
    f = Flow()
    f.services = _services(9)
    for t in (1.0, 1.5, 2.0):
        f.corner_tap(t)
    assert f.screen is Screen.STAFF_PIN
    f.pin_checked(True, 3.0)
    assert f.screen is Screen.STAFF and f.page_count == 1 and f.shown() == []


def test_corner_taps_too_slow_or_off_the_corner_screens_do_nothing():
    f = Flow()
    assert not f.corner_tap(0.0) and not f.corner_tap(1.5) and not f.corner_tap(3.6)
    assert f.screen is Screen.HOME  # never three within two seconds
    f.take_ticket()
    assert not any(f.corner_tap(4.0 + i / 10) for i in range(3))
    assert f.screen is Screen.SERVICES


def test_back_from_each_step_goes_one_step_up_and_issuing_cannot_be_left():
    f = Flow()
    f.services = _services(2)
    f.take_ticket()
    f.choose_service("s0")
    f.confirm(1.0)
    assert f.screen is Screen.ISSUING
    f.back()
    assert f.screen is Screen.ISSUING and f.request_id  # the ticket may be on its way
    f.issue_failed("offline")
    f.back()
    assert f.screen is Screen.SERVICES and f.request_id is None
    f.open_faq()
    f.faq_results([], [{"id": "e1", "question": "Q"}])
    f.open_entry("e1")
    f.back()
    assert f.screen is Screen.FAQ and f.faq_entry is None
    f.back()
    assert f.screen is Screen.HOME


def test_records_pager_in_elder_mode_stops_at_both_ends():
    f = Flow()
    f.toggle_elder()
    f.personal.token = "t"
    f.screen = Screen.RECORDS
    f.personal.tab = "cases"
    f.personal.records["cases"] = {"cases": [{"n": i} for i in range(9)]}
    assert (f.records_pages, f.records_has_prev, f.records_has_next) == (3, False, True)
    f.records_page(5)
    assert f.personal.page == 2 and not f.records_has_next and f.page_rows() == [{"n": 8}]
    f.records_page(-9)
    assert f.personal.page == 0 and not f.records_has_prev
