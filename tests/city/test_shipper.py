"""The shipper in-process against the real PostgreSQL, fed by the real hall (its services write
the events): every event once, masked, acknowledged in the hall; shipping again stores nothing
twice; a city that lost events gets them again; the derived figures match what happened."""

from __future__ import annotations

import dataclasses
import json
import threading

import psycopg
import pytest

from queue_server.city import derived
from queue_server.city.errors import CityError
from queue_server.city.shipper import Shipper
from queue_server.store import Store, shipping
from queue_server.store import events as event_log
from tests.web.test_ledger_api import ID_FULL, PHONE_FULL, record

HALL_ID = "demo-1"


def city_settings(settings, dsn: str, **change):
    change.setdefault("hall_id", HALL_ID)
    city = dataclasses.replace(settings.city, dsn=dsn, **change)
    return dataclasses.replace(settings, city=city)


def ship_all(settings, db_path) -> Shipper:
    store = Store(db_path)
    shipper = Shipper(settings, store)
    try:
        shipper.run(threading.Event(), once=True)
    finally:
        store.close()
    return shipper


def hall_ids(db_path) -> list[int]:
    store = Store(db_path)
    try:
        return [r[0] for r in store.db.execute("SELECT id FROM events ORDER BY id")]
    finally:
        store.close()


def city_ids(dsn: str, hall_id: str = HALL_ID) -> list[int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT event_id FROM events WHERE hall_id = %s ORDER BY event_id", [hall_id]
        )
        return [r[0] for r in rows]


def a_morning(hall, clock) -> None:
    """Five visits at window 1: four served (one rated 差评), one cancelled by the guide; a
    notice carrying a phone and an ID number; one ledger record (a citizen's particulars)."""
    q = hall.queue
    q.set_window_state(1, "open", staff="win1")
    tickets = [q.issue("consult", f"req-{i:05d}")[0] for i in range(5)]
    for level in (5, 4, 1, 5):
        clock.advance(minutes=4)
        q.call_next(1, staff="win1")
        clock.advance(minutes=3)
        done = q.act(1, "finish", staff="win1")
        if level:
            hall.evaluations.record(
                {"ticket_id": done["id"], "level": level, "reasons": ["time_limit"][: level < 3]},
                source="evaluator",
            )
    q.cancel(tickets[4]["id"], "left", staff="guide1")
    q.set_notice(f"失物招领请联系 {PHONE_FULL}，证件 {ID_FULL} 的失主")
    hall.ledger.create(record(), receptionist="win1", created_by="win1")


def test_every_event_of_the_hall_is_stored_once_and_acknowledged(
    morning, settings, db_path, city_dsn
):
    shipper = ship_all(city_settings(settings, city_dsn, batch_size=7), db_path)
    ids = hall_ids(db_path)
    assert len(ids) > 20
    assert city_ids(city_dsn) == ids
    assert shipper.position == ids[-1]
    store = Store(db_path)
    assert shipping.acked(store.db, HALL_ID) == ids[-1]
    store.close()
    with psycopg.connect(city_dsn) as conn:
        hall = conn.execute(
            "SELECT shipped_through, hall_last_id, name, consulting_windows, waiting"
            " FROM halls WHERE hall_id = %s",
            [HALL_ID],
        ).fetchone()
    assert hall[:2] == (ids[-1], ids[-1])
    assert hall[2] == settings.hall.name and hall[3] == 2
    assert hall[4] == {}  # nobody waits: the last ticket was cancelled


def test_what_leaves_the_hall_names_no_person(morning, settings, db_path, city_dsn):
    ship_all(city_settings(settings, city_dsn), db_path)
    with psycopg.connect(city_dsn) as conn:
        rows = conn.execute("SELECT type, data::text FROM events").fetchall()
        shipped = " ".join(text for _, text in rows)
        cancelled = conn.execute(
            "SELECT data FROM events WHERE type = 'ticket.cancelled'"
        ).fetchone()[0]
        notice = conn.execute(
            "SELECT data->>'notice' FROM events WHERE type = 'notice.changed'"
        ).fetchone()[0]
        ledger_open = conn.execute("SELECT sum(open_count) FROM ledger_due").fetchone()[0]
    for secret in (PHONE_FULL, ID_FULL, "张三", "win1", "guide1", "zhang@example.cn"):
        assert secret not in shipped
    assert "by" not in cancelled and cancelled["reason"] == "left"
    assert notice == "失物招领请联系 138****5678，证件 110105********002X 的失主"
    assert ledger_open == 1  # the ledger record as a count only
    # The hall's own log still has them: masking happens on the way out only.
    store = Store(db_path)
    texts = " ".join(e["data"].get("notice", "") for e in event_log.after(store.db, 0, 1000))
    store.close()
    assert PHONE_FULL in texts


def test_the_derived_figures_are_those_of_the_morning(morning, settings, db_path, city_dsn):
    ship_all(city_settings(settings, city_dsn), db_path)
    with psycopg.connect(city_dsn, autocommit=True) as conn:
        assert derived.refresh_all(conn) >= 1
        daily = conn.execute(
            "SELECT issued, called, served, cancelled, ratings, bad_ratings, rating_mean,"
            " wait_n, wait_max_s, ledger_created FROM city_daily WHERE hall_id = %s",
            [HALL_ID],
        ).fetchone()
        statuses = dict(
            conn.execute("SELECT number, status FROM city_tickets ORDER BY number").fetchall()
        )
        calls = conn.execute("SELECT count(*) FROM city_calls").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM dirty_days").fetchone()[0] == 0
    assert daily == (5, 4, 4, 1, 4, 1, 3.75, 4, 25 * 60.0, 1)  # A004: 9:00 → 9:25
    assert statuses == {"A001": "done", "A002": "done", "A003": "done", "A004": "done"} | {
        "A005": "cancelled"
    }
    assert calls == 4


def test_shipping_again_after_a_lost_acknowledgement_stores_nothing_twice(
    morning, settings, db_path, city_dsn
):
    s = city_settings(settings, city_dsn, batch_size=5)
    ship_all(s, db_path)
    before = city_ids(city_dsn)
    store = Store(db_path)
    with store.write() as db:  # as if the acknowledgements never reached the disk
        shipping.acknowledge(db, HALL_ID, 0, "2026-11-24T09:00:00+08:00")
    store.close()
    shipper = ship_all(s, db_path)
    assert city_ids(city_dsn) == before
    assert shipper.position == before[-1]


def test_a_city_that_lost_events_gets_them_again(morning, settings, db_path, city_dsn):
    s = city_settings(settings, city_dsn)
    ship_all(s, db_path)
    ids = city_ids(city_dsn)
    with psycopg.connect(city_dsn) as conn:  # the bureau restored an older copy of its database
        conn.execute("DELETE FROM events WHERE event_id > 10")
        conn.execute("UPDATE halls SET shipped_through = 10")
    ship_all(s, db_path)
    assert city_ids(city_dsn) == ids


def test_the_hall_keeps_issuing_while_the_city_is_unreachable(hall, settings, db_path):
    s = city_settings(settings, "postgresql://nobody@127.0.0.1:1/none", connect_timeout_s=1.0)
    store = Store(db_path)
    shipper = Shipper(s, store)
    with pytest.raises(psycopg.OperationalError):
        shipper.ship_batch()
    store.close()
    ticket, created = hall.queue.issue("consult", "req-after-city-down")
    assert created and ticket["number"] == "A001"


def test_events_json_in_the_city_is_the_halls_for_clean_events(
    morning, settings, db_path, city_dsn
):
    ship_all(city_settings(settings, city_dsn), db_path)
    store = Store(db_path)
    issued = [e for e in event_log.after(store.db, 0, 1000) if e["type"] == "ticket.issued"]
    store.close()
    with psycopg.connect(city_dsn) as conn:
        city = dict(
            conn.execute(
                "SELECT event_id, data FROM events WHERE type = 'ticket.issued'"
            ).fetchall()
        )
    assert {e["id"]: e["data"] for e in issued} == city
    assert json.dumps(city)  # plain JSON objects, not text


def test_events_already_above_the_citys_watermark_are_skipped_not_doubled(
    morning, settings, db_path, city_dsn, caplog
):
    s = city_settings(settings, city_dsn)
    ship_all(s, db_path)
    ids = city_ids(city_dsn)
    with psycopg.connect(city_dsn) as conn:  # the watermark put back, the events left
        conn.execute("DELETE FROM events WHERE event_id BETWEEN 5 AND 8")
        conn.execute("UPDATE halls SET shipped_through = 2")
    ship_all(s, db_path)
    assert city_ids(city_dsn) == ids
    assert "in the city already" in caplog.text


def test_the_citys_day_figures_agree_with_the_halls_own_report(
    morning, settings, db_path, city_dsn, clock
):
    """One definition of each figure: the city's SQL and the hall's report (core.reports) say
    the same of the same events."""
    q = morning.queue  # and the afternoon: a no-show, a recall and a transfer, one left over
    for i in range(3):
        q.issue("consult", f"req-pm-{i:04d}")
    clock.advance(minutes=5)
    q.call_next(1, staff="win1")
    gone = q.act(1, "no_show", staff="win1")
    clock.advance(minutes=1)
    q.reinstate(gone["id"])  # back: called again and served below, at window 2
    q.set_window_state(2, "open", staff="win2")
    q.call_next(2, staff="win2", ticket_id=gone["id"])
    q.act(2, "finish", staff="win2")
    clock.advance(minutes=2)
    q.call_next(1, staff="win1")
    q.act(1, "recall", staff="win1")
    q.act(1, "transfer", staff="win1", service="pension")
    q.set_window_state(3, "open", staff="win3")
    clock.advance(minutes=6)
    q.call_next(3, staff="win3")
    clock.advance(minutes=4)
    q.act(3, "finish", staff="win3")
    day = clock().date()
    clock.now = clock.now.replace(hour=23, minute=30)  # after closing: the last one expires
    assert q.close_day() == 1
    ship_all(city_settings(settings, city_dsn), db_path)
    hall_report = morning.reports.summary(day, day)
    hall = hall_report["totals"]
    with psycopg.connect(city_dsn, autocommit=True) as conn:
        derived.refresh_all(conn)
        city = conn.execute(
            "SELECT issued, called, served, no_show, cancelled, expired, priority, appointment,"
            " wait_n, wait_mean_s, wait_max_s, ratings, bad_ratings, rating_mean, wait_p90_s"
            " FROM city_daily",
        ).fetchone()
    names = ("issued", "called", "served", "no_show", "cancelled", "expired", "priority")
    names += ("appointment", "wait_n", "wait_mean_s", "wait_max_s")
    assert dict(zip(names, city[:11])) == {k: hall[k] for k in names}
    assert (city[11], city[12]) == (hall["ratings"], hall["bad"])
    assert city[6:8] == (0, 0) and city[5] == 1 and city[3] == 1  # the afternoon counted
    assert round(city[13], 2) == hall["mean_level"]
    assert city[14] == hall["wait_p90_s"] is not None


def test_a_second_hall_database_under_the_same_hall_id_is_refused(
    morning, settings, db_path, city_dsn, tmp_path
):
    s = city_settings(settings, city_dsn)
    ship_all(s, db_path)
    ids = city_ids(city_dsn)
    other = tmp_path / "other" / "hall.db"  # another hall, its config copied with the same id
    store = Store(other)
    with store.write() as db:
        event_log.append(db, "notice.changed", "2026-11-24T10:00:00+08:00", {"notice": "x"})
    shipper = Shipper(s, store)
    with pytest.raises(CityError, match="another hall's database"):
        shipper.ship_batch()
    store.close()
    assert city_ids(city_dsn) == ids
    ship_all(s, db_path)  # the first hall goes on shipping
    assert city_ids(city_dsn) == ids


def test_a_batch_another_shipper_stored_first_leaves_the_live_state_alone(
    morning, settings, db_path, city_dsn
):
    late_store = Store(db_path)
    late = Shipper(city_settings(settings, city_dsn, batch_size=6), late_store)
    late.conn = late._connect()  # it took its position (0) before the other one shipped
    ship_all(city_settings(settings, city_dsn), db_path)  # everything; nobody waits at the end
    assert late.ship_batch() == 6  # events 1–6 (five tickets waiting): stored already
    late.close()
    late_store.close()
    with psycopg.connect(city_dsn) as conn:
        waiting, last_at = conn.execute(
            "SELECT waiting, last_event_at FROM halls WHERE hall_id = %s", [HALL_ID]
        ).fetchone()
    assert waiting == {}
    assert last_at.isoformat() > "2026-11-24T01:20"  # the last event's time (09:28 +08), kept
    assert city_ids(city_dsn) == hall_ids(db_path)


def test_an_event_written_in_another_offset_is_stored_under_the_halls_day(
    settings, db_path, city_dsn
):
    """The hall's calendar day (Asia/Shanghai) of each time, whatever offset it was written in:
    15:30 and 16:30 UTC on one date are 23:30 on the 24th and 00:30 on the 25th."""
    store = Store(db_path)
    with store.write() as db:
        for at in ("2026-11-24T15:30:00+00:00", "2026-11-24T16:30:00+00:00"):
            event_log.append(db, "notice.changed", at, {"notice": "x"})
        event_log.append(db, "notice.changed", "2026-11-25T00:40:00.5+08:00", {"notice": "y"})
    store.close()
    ship_all(city_settings(settings, city_dsn), db_path)
    with psycopg.connect(city_dsn) as conn:
        days = conn.execute("SELECT day::text FROM events ORDER BY event_id").fetchall()
    assert [d for (d,) in days] == ["2026-11-24", "2026-11-25", "2026-11-25"]
