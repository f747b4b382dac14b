"""Years without a published holiday schedule still have their statutory holidays
(《全国年节及纪念日放假办法》, as amended 2024), and stored provisional due dates are counted
again once the year is known (§8.2; issue 9, item 13)."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from queue_server.calendar_cn import CalendarView, published, statutory_holidays_of
from queue_server.core.workdays import statutory_holidays
from queue_server.hall import Hall
from queue_server.store import calendar as calendar_store
from queue_server.store import events as event_log

CALENDAR = CalendarView({})

# The library's names of the official holidays (chinesecalendar's Holiday enum).
OFFICIAL_NAMES = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}


def rule_in_force(year: int, name: str, day: date) -> bool:
    """Whether the law of ``year`` already had this day: 清明, 端午, 中秋 since 2008; the eve of
    the Spring Festival and 5-2 since the 2024 amendment (in force 2025)."""
    if name == "春节（除夕）" or (name == "劳动节" and day.day == 2):
        return year >= 2025
    return True


@pytest.mark.parametrize("year", range(2008, 2027))
def test_computed_statutory_days_are_holidays_in_every_published_schedule(year):
    # An independent check of the lunar and solar-term dates: the State Council's own schedules
    # of 2008–2026 (a full 19-year lunar cycle), as chinesecalendar carries them.
    assert published(year)
    days = statutory_holidays_of(year)
    assert len(days) == 13 or any("、" in n for n in days.values())  # 中秋 may fall on 国庆
    for day, names in days.items():
        for name in names.split("、"):
            if not rule_in_force(year, name, day):
                continue
            on_holiday, official = chinese_calendar.get_holiday_detail(day)
            assert on_holiday, (day, name)
            allowed = {OFFICIAL_NAMES[n.split("（")[0]] for n in names.split("、")}
            if official is not None or day.weekday() < 5:  # the data names no weekend day
                assert official in allowed, (day, name, official)


def test_2027_is_not_published_and_has_its_statutory_holidays():
    assert not published(2027)
    # Lunar dates of 2027 from lunardate, whose dates agree with every schedule above:
    # 春节 (正月初一) Sat 2-6, 端午 Wed 6-9, 中秋 Wed 9-15; 清明 Mon 4-5 (solar term).
    assert statutory_holidays_of(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节（除夕）",
        date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }


@pytest.mark.parametrize(
    "day",
    [
        "2027-01-01",
        "2027-02-05",
        "2027-02-08",
        "2027-04-05",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
    ],
)
def test_2027_weekday_statutory_holidays_are_not_working_days(day):
    d = date.fromisoformat(day)
    assert d.weekday() < 5
    assert not CALENDAR.is_workday(d)


@pytest.mark.parametrize("day", ["2027-02-09", "2027-05-03", "2027-10-04", "2027-02-04"])
def test_no_make_up_arrangement_is_guessed(day):
    # The official schedule will likely add days around these; nobody can know which yet.
    assert CALENDAR.is_workday(date.fromisoformat(day))


@pytest.mark.parametrize(
    "day", ["2027-02-06", "2027-02-07", "2027-05-01", "2027-10-02", "2027-10-03"]
)
def test_weekends_stay_off(day):
    assert not CALENDAR.is_workday(date.fromisoformat(day))


@pytest.mark.parametrize(
    "start, n, due",
    [
        ("2027-02-04", 3, "2027-02-11"),  # 除夕 Fri 2-5 .. 初三 Mon 2-8 off
        ("2027-04-02", 1, "2027-04-06"),  # 清明 Mon 4-5
        ("2027-04-30", 1, "2027-05-03"),  # 5-1, 5-2 on the weekend: no extra day guessed
        ("2027-06-08", 1, "2027-06-10"),  # 端午 Wed 6-9
        ("2027-09-30", 3, "2027-10-06"),  # 国庆 Fri 10-1, then the weekend
        ("2026-12-30", 3, "2027-01-05"),  # 元旦 Fri 2027-1-1
    ],
)
def test_provisional_deadlines_skip_statutory_holidays_and_say_provisional(start, n, due):
    deadline = CALENDAR.deadline(date.fromisoformat(start), n)
    assert (deadline.due_date, deadline.provisional) == (date.fromisoformat(due), True)


def test_mid_autumn_on_national_day_is_one_day_with_both_names():
    lunar = {
        (2020, 1, 1): date(2020, 1, 25),
        (2020, 5, 5): date(2020, 6, 25),
        (2020, 8, 15): date(2020, 10, 1),
    }
    days = statutory_holidays(2020, lambda y, m, d: lunar[(y, m, d)], date(2020, 4, 4))
    assert days[date(2020, 10, 1)] == "中秋节、国庆节" and len(days) == 12


def test_years_beyond_the_lunar_tables_fall_back_to_weekends():
    assert statutory_holidays_of(2100) == {}
    assert CALENDAR.is_workday(date(2100, 1, 1))  # a Friday


# --- confirmed years and recounted due dates ---------------------------------------------------


def record(client, **change) -> dict:
    body = {
        "name": "张三",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "form": "window",
        "summary": "咨询养老保险关系转移接续",
        "reply_class": "agreed",
        "received_at": "2026-12-30T08:30:00+08:00",
    } | change
    r = client.post("/api/v1/ledger", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


@pytest.fixture
def late_december(clock):
    clock.now = clock.now.replace(year=2026, month=12, day=30)
    return clock


def test_a_year_confirmed_by_the_admin_recounts_stored_provisional_due_dates(
    late_december, window_client, admin_client, hall
):
    counted = record(window_client)
    assert (counted["due_date"], counted["due_provisional"]) == ("2027-01-05", True)
    agreed = record(window_client, agreed_reply_date="2027-01-04")
    assert agreed["due_provisional"] is True
    official = record(window_client, received_at="2026-12-22T08:30:00+08:00")  # due 12-25
    assert official["due_provisional"] is False

    # The State Council's 2027 schedule is entered as overrides (here: Mon 1-4 off too) …
    r = admin_client.post(
        "/api/v1/calendar/overrides", json={"date": "2027-01-04", "kind": "holiday"}
    )
    assert r.status_code == 201
    moved = window_client.get(f"/api/v1/ledger/{counted['id']}").get_json()
    assert (moved["due_date"], moved["due_provisional"]) == ("2027-01-06", True)  # still a guess
    # … and the admin confirms the year.
    last = event_log.last_id(hall.store.db)
    r = admin_client.post(
        "/api/v1/calendar/years/2027", json={"confirmed": True, "note": "国办发明电"}
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "confirmed" and r.get_json()["recomputed"] == 2

    after = {
        i: window_client.get(f"/api/v1/ledger/{i}").get_json()
        for i in (counted["id"], agreed["id"], official["id"])
    }
    assert (after[counted["id"]]["due_date"], after[counted["id"]]["due_provisional"]) == (
        "2027-01-06",
        False,
    )
    # The date agreed with the person stays; it is no longer a guess.
    assert (after[agreed["id"]]["due_date"], after[agreed["id"]]["due_provisional"]) == (
        "2027-01-04",
        False,
    )
    assert after[official["id"]]["due_date"] == official["due_date"]
    events = [e for e in event_log.after(hall.store.db, last) if e["type"] == "ledger.changed"]
    assert [e["data"]["ledger"]["action"] for e in events] == ["recomputed"]
    # A new record in the confirmed year is not provisional either.
    assert record(window_client)["due_provisional"] is False


def test_stored_due_dates_are_recounted_at_start_up(
    late_december, window_client, hall, settings, db_path
):
    rec = record(window_client)
    assert rec["due_provisional"] is True
    # As if the library had learnt the year while the server was down: the year is known now.
    with hall.store.write() as db:
        calendar_store.confirm_year(
            db,
            {"year": 2027, "confirmed_by": "admin1", "confirmed_at": "2026-12-30T12:00:00+08:00"},
        )
    reopened = Hall.open(settings, db_path=db_path, clock=late_december)
    try:
        assert reopened.store.db["ledger"].get(rec["id"])["due_provisional"] == 0
    finally:
        reopened.close()


def test_the_year_api_says_how_a_year_is_counted(admin_client, window_client):
    body = admin_client.get("/api/v1/calendar/years/2027").get_json()
    assert body["status"] == "provisional" and len(body["statutory_holidays"]) == 13
    assert {"date": "2027-02-05", "name": "春节（除夕）"} in body["statutory_holidays"]
    assert admin_client.get("/api/v1/calendar/years/2026").get_json()["status"] == "official"
    r = admin_client.post("/api/v1/calendar/years/2026", json={"confirmed": True})
    assert r.status_code == 422 and "2026" in r.get_json()["error"]["message"]
    r = admin_client.post("/api/v1/calendar/years/2027", json={"confirmed": "yes"})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "confirmed"
    assert (
        admin_client.post("/api/v1/calendar/years/2027", json={"confirmed": True}).get_json()[
            "status"
        ]
        == "confirmed"
    )
    assert (
        admin_client.post("/api/v1/calendar/years/2027", json={"confirmed": False}).get_json()[
            "status"
        ]
        == "provisional"
    )
    assert (
        window_client.post("/api/v1/calendar/years/2027", json={"confirmed": True}).status_code
        == 403
    )
