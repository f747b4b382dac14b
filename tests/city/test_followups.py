"""差评 follow-up across halls (issue #18 item 3) against the real PostgreSQL, fed by the real
hall: the open items arrive as counts per stage and due date, change when an item moves on or
closes (no event says so), fall overdue by the city's today, carry the hall's own report's
on-time rates; and nothing of the citizen, the staff or the call leaves the hall."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from queue_server.city.accounts import save_user
from queue_server.city.dashboard import create_city_app
from queue_server.city.db import connect
from queue_server.city.errors import CityError
from queue_server.city.followups import REPORT_DAYS, counts_only
from queue_server.city.shipper import Shipper
from queue_server.store import Store
from tests.city.test_shipper import HALL_ID, city_settings
from tests.web.test_ledger_api import PHONE_FULL

PASSWORD = "bureau-pass-2026"
COMMENT = "窗口人员张三态度生硬"
SUMMARY = "群众李四反映等了很久无人解释"
REASON = "监控核实王五确有此事"


def bad_rating_with_contact(hall, clock, window: int = 1, comment: str = COMMENT) -> dict:
    """One visit served at ``window`` and rated 差评 with the citizen's phone: a follow-up."""
    q = hall.queue
    q.set_window_state(window, "open", staff="win1")
    q.issue("consult", f"req-f-{clock().timestamp():.0f}")
    clock.advance(minutes=2)
    q.call_next(window, staff="win1")
    clock.advance(minutes=5)
    done = q.act(window, "finish", staff="win1")
    return hall.evaluations.record(
        {
            "ticket_id": done["id"],
            "level": 1,
            "reasons": ["time_limit"],
            "comment": comment,
            "contact": PHONE_FULL,
        },
        source="evaluator",
    )


@pytest.fixture
def two_items(hall, clock) -> list[dict]:
    """Two 差评 with a contact on Tuesday 2026-11-24: both calls due Wednesday."""
    bad_rating_with_contact(hall, clock)
    bad_rating_with_contact(hall, clock, comment="")
    items = hall.followups.list("open")["items"]
    assert [i["call_due"] for i in items] == ["2026-11-25", "2026-11-25"]
    return items


@pytest.fixture
def shipper(settings, db_path, city_dsn, clock):
    store = Store(db_path)
    shipper = Shipper(city_settings(settings, city_dsn), store, clock=clock)
    yield shipper
    shipper.close()
    store.close()


def caught_up(shipper: Shipper) -> None:
    while shipper.ship_batch():
        pass


def city_due(dsn: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT stage, due_date::text, open_count FROM followup_due WHERE hall_id = %s"
            " ORDER BY stage, due_date",
            [HALL_ID],
        ).fetchall()


def city_report(dsn: str) -> tuple:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT day_from::text, day_to::text, figures FROM followup_report WHERE hall_id = %s",
            [HALL_ID],
        ).fetchone()


def bureau_live(dsn: str, clock) -> dict:
    with connect(dsn) as conn:
        save_user(conn, "bureau1", PASSWORD, "bureau", "王科长")
    app = create_city_app(dsn, clock=clock, secret_key="test", test_config={"TESTING": True})
    c = app.test_client()
    assert c.post("/api/login", json={"username": "bureau1", "password": PASSWORD}).status_code
    (hall,) = c.get("/api/live").get_json()["halls"]
    page = c.get("/").get_data(as_text=True)
    assert "差评回访整改 超期 / 未结" in page and "近 30 天按时率（回访 / 整改）" in page
    return hall


def test_the_open_items_arrive_as_counts_with_the_halls_own_report(
    two_items, shipper, city_dsn, hall, clock
):
    caught_up(shipper)
    assert city_due(city_dsn) == [("call", "2026-11-25", 2)]
    first, last, figures = city_report(city_dsn)
    assert (first, last) == ("2026-10-26", "2026-11-24")  # the last REPORT_DAYS = 30 days
    today = clock().date()
    assert figures == hall.followups.report(today - timedelta(days=29), today)
    assert figures["items"] == 2 and figures["calls"]["pending"] == 2
    live = bureau_live(city_dsn, clock)["followups"]
    assert {k: live[k] for k in ("overdue", "due_today", "open", "to_call")} == {
        "overdue": 0,
        "due_today": 0,
        "open": 2,
        "to_call": 2,
    }
    assert live["report"]["call_on_time_rate"] is None  # no call due yet: no rate


def test_the_counts_change_when_an_item_moves_on_or_closes_without_an_event(
    two_items, shipper, city_dsn, hall, clock
):
    caught_up(shipper)
    events_before = shipper.position
    first, second = two_items
    hall.followups.record_call(first["id"], {"call_summary": SUMMARY}, by="sup1")
    assert shipper.ship_batch() == 0  # no event: the hall's log did not move
    assert shipper.position == events_before
    assert city_due(city_dsn) == [("call", "2026-11-25", 1), ("finding", "2026-12-08", 1)]
    assert city_report(city_dsn)[2]["calls"]["on_time"] == 1

    hall.followups.record_finding(
        first["id"], {"finding": "mistaken", "finding_reason": REASON}, by="sup1"
    )
    shipper.ship_batch()
    assert city_due(city_dsn) == [("call", "2026-11-25", 1)]  # closed: gone from the counts
    assert city_report(city_dsn)[2]["findings"]["mistaken"] == 1

    # Thursday: the second call was due yesterday. The city sees it overdue by its own today;
    # the hall's report, recomputed on the hall's new day, counts it late in the on-time rate.
    clock.advance(days=2)
    shipper.ship_batch()
    live = bureau_live(city_dsn, clock)["followups"]
    assert (live["overdue"], live["due_today"], live["open"]) == (1, 0, 1)
    assert live["report"]["call_on_time_rate"] == 0.5
    today = clock().date()
    hall_report = hall.followups.report(today - timedelta(days=REPORT_DAYS - 1), today)
    assert live["report"]["call_on_time_rate"] == hall_report["calls"]["on_time_rate"]


def test_a_hall_without_follow_ups_shows_none_open(shipper, city_dsn, hall, clock):
    hall.queue.set_window_state(1, "open", staff="win1")
    caught_up(shipper)
    assert city_due(city_dsn) == []
    live = bureau_live(city_dsn, clock)["followups"]
    assert (live["overdue"], live["open"]) == (0, 0)
    assert live["report"]["items"] == 0 and live["report"]["call_on_time_rate"] is None


def test_nothing_of_the_citizen_the_staff_or_the_call_leaves_the_hall(
    two_items, shipper, city_dsn, hall
):
    first, _ = two_items
    hall.followups.record_call(first["id"], {"call_summary": SUMMARY}, by="sup1")
    hall.followups.record_finding(
        first["id"], {"finding": "valid", "finding_reason": REASON}, by="sup1"
    )
    caught_up(shipper)
    with psycopg.connect(city_dsn) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT c.oid::regclass::text FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
            )
        ]
        everything = " ".join(
            text
            for table in tables
            for (text,) in conn.execute(f"SELECT t::text FROM {table} t").fetchall()
        )
    assert "followup_due" in tables and "followup_report" in tables
    assert "rectify" in everything  # the follow-up's counts are there…
    for secret in (PHONE_FULL, "张三", "李四", "王五", "态度生硬", "sup1", "win1"):
        assert secret not in everything  # …and nothing the items say


def test_a_report_holding_text_is_not_sent():
    assert counts_only({"calls": {"on_time": 1, "on_time_rate": None}}) == {
        "calls": {"on_time": 1, "on_time_rate": None}
    }
    with pytest.raises(CityError, match="report.worst.comment"):
        counts_only({"worst": {"comment": COMMENT}})
