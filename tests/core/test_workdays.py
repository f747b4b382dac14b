"""Reply deadlines on the official calendar (§8.2): expected dates are worked out by hand from
the State Council's published 2025 and 2026 holiday schedules, not from the library."""

from datetime import date

import pytest

from queue_server.calendar_cn import CalendarView, HallCalendar, published
from queue_server.core.workdays import (
    add_working_days,
    is_mon_to_fri,
    next_working_day,
    working_days_between,
)
from queue_server.store import Store

OFFICIAL = CalendarView({})


# --- the pure counting rule -------------------------------------------------------------------


def test_start_day_does_not_count():
    assert add_working_days(date(2026, 11, 24), 3, is_mon_to_fri) == date(2026, 11, 27)  # Tue → Fri


def test_counting_skips_a_weekend():
    assert add_working_days(date(2026, 11, 26), 3, is_mon_to_fri) == date(2026, 12, 1)  # Thu → Tue


def test_immediate_reply_is_due_the_same_working_day_or_the_next_one():
    assert add_working_days(date(2026, 11, 24), 0, is_mon_to_fri) == date(2026, 11, 24)
    assert add_working_days(date(2026, 11, 28), 0, is_mon_to_fri) == date(2026, 11, 30)  # Sat → Mon


def test_received_on_a_weekend_counts_from_the_next_working_day():
    assert add_working_days(date(2026, 11, 28), 3, is_mon_to_fri) == date(2026, 12, 2)  # Sat → Wed


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 24), -1, is_mon_to_fri)


def test_working_days_between_counts_the_end_not_the_start():
    assert working_days_between(date(2026, 11, 24), date(2026, 11, 27), is_mon_to_fri) == 3
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 24), is_mon_to_fri) == -3
    assert next_working_day(date(2026, 11, 27), is_mon_to_fri, include_start=False) == date(
        2026, 11, 30
    )


# --- 2026 official schedule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
)
def test_2026_make_up_weekend_days_are_working_days(day):
    assert date.fromisoformat(day).weekday() >= 5
    assert OFFICIAL.is_workday(date.fromisoformat(day))


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-01",
        "2026-01-02",
        "2026-02-16",
        "2026-02-23",
        "2026-04-06",
        "2026-05-01",
        "2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-01",
        "2026-10-07",
    ],
)
def test_2026_weekday_holidays_are_not_working_days(day):
    assert date.fromisoformat(day).weekday() < 5
    assert not OFFICIAL.is_workday(date.fromisoformat(day))


@pytest.mark.parametrize(
    "start, n, due",
    [
        # Agreed on the Thursday before the Mid-Autumn/National Day break: Fri 9-25 is a holiday.
        ("2026-09-24", 3, "2026-09-30"),
        # Sun 9-20 is a make-up working day and counts.
        ("2026-09-18", 3, "2026-09-22"),
        # Escalated across National Day: 10-1..10-7 off, Sat 10-10 worked.
        ("2026-09-30", 5, "2026-10-13"),
        # Letter before the Spring Festival: Sat 2-14 and Sat 2-28 worked, 2-15..2-23 off.
        ("2026-02-12", 10, "2026-03-04"),
        # Received on a New Year holiday; Sun 1-4 is worked.
        ("2026-01-02", 3, "2026-01-06"),
        # Labour Day: 5-1..5-5 off.
        ("2026-04-30", 3, "2026-05-08"),
        # Sat 5-9 worked.
        ("2026-05-08", 3, "2026-05-12"),
        # Immediate reply asked on a holiday is due on the next working day.
        ("2026-10-03", 0, "2026-10-08"),
    ],
)
def test_2026_deadlines(start, n, due):
    deadline = OFFICIAL.deadline(date.fromisoformat(start), n)
    assert deadline.due_date == date.fromisoformat(due)
    assert deadline.provisional is False


# --- 2025 official schedule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, due",
    [
        (
            "2025-01-24",
            10,
            "2025-02-13",
        ),  # Spring Festival 1-28..2-4 off; Sun 1-26 and Sat 2-8 worked
        ("2025-09-26", 3, "2025-09-30"),  # Sun 9-28 worked
        ("2025-09-30", 5, "2025-10-14"),  # 10-1..10-8 off; Sat 10-11 worked
        ("2025-04-25", 3, "2025-04-29"),  # Sun 4-27 worked
        ("2025-04-30", 3, "2025-05-08"),  # 5-1..5-5 off
    ],
)
def test_2025_deadlines(start, n, due):
    assert OFFICIAL.deadline(date.fromisoformat(start), n).due_date == date.fromisoformat(due)


# --- unpublished years: statutory holidays + weekends + overrides, provisional ----------------------


def test_years_after_the_library_data_are_unpublished():
    assert published(2026)
    assert not published(2027)
    assert not published(2031)


def test_unpublished_year_counts_weekdays_without_statutory_holidays_and_says_so():
    deadline = OFFICIAL.deadline(date(2027, 3, 5), 3)  # Fri
    assert deadline.due_date == date(2027, 3, 10)
    assert deadline.provisional is True


def test_a_deadline_running_into_an_unpublished_year_is_provisional():
    deadline = OFFICIAL.deadline(date(2026, 12, 30), 3)
    assert deadline.due_date == date(2027, 1, 5)  # 元旦 Fri 1-1 is statutory: not counted
    assert deadline.provisional is True


def test_a_deadline_inside_a_published_year_is_not_provisional():
    assert OFFICIAL.deadline(date(2026, 12, 23), 3).provisional is False


@pytest.fixture
def calendar(tmp_path, clock):
    store = Store(tmp_path / "cal.db")
    yield HallCalendar(store, clock)
    store.close()


def test_overrides_stored_in_sqlite_are_respected(calendar):
    calendar.set_override(date(2027, 1, 1), "holiday", "元旦", "admin1")
    calendar.set_override(date(2027, 3, 9), "holiday", None, "admin1")
    calendar.set_override(date(2027, 3, 13), "workday", "调休上班", "admin1")
    assert calendar.deadline(date(2026, 12, 30), "agreed").due_date == date(2027, 1, 5)
    # Fri 3-5 + 3: Mon 3-8 (1), Tue 3-9 off, Wed 3-10 (2), Thu 3-11 (3).
    assert calendar.deadline(date(2027, 3, 5), "agreed").due_date == date(2027, 3, 11)
    # Thu 3-11 + 3: Fri 3-12 (1), Sat 3-13 worked (2), Mon 3-15 (3).
    d = calendar.deadline(date(2027, 3, 11), "agreed")
    assert (d.due_date, d.provisional) == (date(2027, 3, 15), True)


def test_an_override_can_be_removed(calendar):
    calendar.set_override(date(2027, 3, 9), "holiday", None, "admin1")
    assert calendar.delete_override(date(2027, 3, 9))
    assert calendar.deadline(date(2027, 3, 5), "agreed").due_date == date(2027, 3, 10)
    assert not calendar.delete_override(date(2027, 3, 9))


def test_overrides_also_apply_to_published_years_for_local_holidays(calendar):
    calendar.set_override(date(2026, 11, 25), "holiday", "地方节日", "admin1")
    assert calendar.deadline(date(2026, 11, 24), "agreed").due_date == date(2026, 11, 30)
