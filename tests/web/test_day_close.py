"""The hall day closes (defect: yesterday's tickets waited forever and stayed on the board)."""

from __future__ import annotations

import uuid
from datetime import datetime

from queue_server.core.hours import day_closes_at
from queue_server.core.numbering import HALL_TZ


def issue(client, headers, service="pension"):
    r = client.post(
        "/api/v1/tickets",
        json={"service": service, "request_id": uuid.uuid4().hex},
        headers=headers,
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_the_day_closes_an_hour_after_the_last_period_and_never_after_midnight():
    day = datetime(2026, 11, 24).date()
    assert day_closes_at(day, ["08:30-12:00", "13:30-17:30"], 60) == datetime(
        2026, 11, 24, 18, 30, tzinfo=HALL_TZ
    )
    assert day_closes_at(day, ["13:30-22:30"], 120) == datetime(2026, 11, 25, tzinfo=HALL_TZ)
    assert day_closes_at(day, [], 60) == datetime(2026, 11, 25, tzinfo=HALL_TZ)


def test_after_closing_waiting_tickets_expire_and_the_board_starts_clean(
    app, client, kiosk_headers, window_client, clock, hall
):
    waiting = issue(client, kiosk_headers)
    issue(client, kiosk_headers)
    window_client.post("/api/v1/windows/4/open", json={})
    window_client.post("/api/v1/windows/4/call-next", json={})
    assert hall.queue.close_day() == 0  # 09:00: the day is still open
    before = hall.store.db.execute("SELECT max(id) FROM events").fetchone()[0]

    clock.now = datetime(2026, 11, 24, 18, 31, tzinfo=HALL_TZ)
    assert hall.queue.close_day() == 2
    assert hall.queue.close_day() == 0  # once

    t = client.get(f"/api/v1/tickets/{waiting['id']}").get_json()
    assert t["status"] == "expired" and t["ahead"] is None and t["estimated_wait_s"] is None
    state = client.get("/api/v1/display/state").get_json()
    assert all(w["current"] is None and w["state"] == "closed" for w in state["windows"])
    assert all(s["waiting"] == 0 for s in state["services"])
    [(type_,)] = hall.store.db.execute("SELECT type FROM events WHERE id > ?", [before]).fetchall()
    assert type_ == "day.closed"
    # The status page says so in plain words.
    page = client.get(f"/t/{waiting['id']}")
    assert page.status_code == 200 and "当日服务已结束，此号已失效" in page.get_data(as_text=True)


def test_a_server_restarted_after_midnight_clears_yesterday(
    app, client, kiosk_headers, clock, hall
):
    t = issue(client, kiosk_headers)
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=HALL_TZ)
    assert hall.queue.close_day() == 1
    assert client.get(f"/api/v1/tickets/{t['id']}").get_json()["status"] == "expired"
    assert issue(client, kiosk_headers)["ahead"] == 0
