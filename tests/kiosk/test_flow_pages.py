"""Paging in the policy Q&A: every answer is reachable with next / previous and the screen says
which page it shows (the Flow decides, pure; one test walks the real server's answers)."""

from __future__ import annotations

from kiosk.flow import Flow, Screen


def faq_flow(n: int, elder: bool = False) -> Flow:
    f = Flow()
    if elder:
        f.toggle_elder()
    f.open_faq()
    f.faq_results([], [{"id": f"q{i}", "question": f"Q{i}", "topic": "t"} for i in range(n)])
    return f


def ids(f: Flow) -> list[str]:
    return [e["id"] for e in f.shown()]


def test_the_sixth_answer_is_on_the_second_page():
    f = faq_flow(6)
    assert ids(f) == ["q0", "q1", "q2", "q3", "q4"]
    assert (f.page_count, f.has_prev_page, f.has_next_page) == (2, False, True)
    f.next_page()
    assert ids(f) == ["q5"] and f.page == 1
    assert (f.has_prev_page, f.has_next_page) == (True, False)
    f.prev_page()
    assert f.page == 0 and ids(f)[0] == "q0"


def test_next_and_previous_walk_every_answer_exactly_once():
    for elder, size in ((False, 5), (True, 3)):
        f = faq_flow(12, elder)
        seen = list(ids(f))
        while f.has_next_page:
            f.next_page()
            assert len(ids(f)) <= size
            seen += ids(f)
        assert seen == [f"q{i}" for i in range(12)]
        assert f.page + 1 == f.page_count == -(-12 // size)
        back = ids(f)
        while f.has_prev_page:
            f.prev_page()
            back = ids(f) + back
        assert f.page == 0 and back == seen


def test_previous_on_the_first_page_stays_there_and_empty_results_are_page_one_of_one():
    f = faq_flow(3)
    f.prev_page()
    assert f.page == 0 and f.page_count == 1 and not f.has_next_page
    f = faq_flow(0)
    assert f.page_count == 1 and ids(f) == []


def test_a_shorter_answer_never_leaves_the_page_past_the_end():
    f = faq_flow(12)
    f.next_page()
    f.next_page()
    assert f.page == 2
    f.faq_results([], [{"id": "only", "question": "Q", "topic": "t"}])  # e.g. a late search reply
    assert f.page == 0 and ids(f) == ["only"]


def test_typing_or_a_topic_starts_again_on_page_one():
    f = faq_flow(12)
    f.next_page()
    f.faq_key("y")
    assert f.page == 0
    f.next_page()
    f.choose_topic("pension")
    assert f.page == 0


def test_paging_through_the_servers_answers_reaches_the_last_one(make_controller):
    c = make_controller()
    c.start()
    c.open_faq()
    everything = [e["id"] for e in c.flow.faq_entries]
    assert len(everything) > 5 and c.flow.screen is Screen.FAQ
    seen = ids(c.flow)
    while c.flow.has_next_page:
        c.next_page()
        seen += ids(c.flow)
    assert seen == everything
    c.prev_page()
    assert c.flow.page == c.flow.page_count - 2


def test_the_next_citizen_starts_in_chinese_and_ordinary_mode():
    from kiosk.flow import Screen

    f = Flow()
    f.touch(0)
    f.set_language("ug")
    f.toggle_elder()
    f.tick(f.idle_timeout_s - 1)
    assert f.language == "ug" and f.elder  # still the same citizen
    f._go(Screen.SERVICES, f.idle_timeout_s - 1)
    assert f.tick(f.idle_timeout_s + 1)
    assert f.screen is Screen.HOME and f.language == "zh_CN" and not f.elder


def test_a_language_chosen_at_home_and_left_behind_is_reset():
    f = Flow()
    f.touch(0)
    f.set_language("en")
    assert not f.tick(f.idle_timeout_s - 1)
    assert f.tick(f.idle_timeout_s + 1) and f.language == "zh_CN"
    assert not f.tick(f.idle_timeout_s + 2)  # nothing more to reset


def test_a_busy_server_says_why_and_the_retry_keeps_the_request_id():
    from kiosk.flow import Screen

    f = Flow()
    f.services = [{"code": "pension", "open": True}]
    f.service, f.request_id = "pension", "req-12345678"
    f.issue_failed("server", "系统繁忙，请稍后再试。", now=1.0, code="busy")
    assert f.screen is Screen.CONFIRM and f.request_id == "req-12345678"
    assert f.notice_params == {"reason": "系统繁忙，请稍后再试。"}
    f.issue_failed("offline", "", now=2.0)
    assert "cannot be reached" in f.notice
