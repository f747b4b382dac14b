"""A small hall day built through the services with the test clock, and a supervisor."""

from __future__ import annotations

import pytest

from ..conftest import add_staff, login


@pytest.fixture
def supervisor_client(app, hall, clock, password_hash):
    add_staff(hall, clock, password_hash, ("sup1", "supervisor"))
    c = app.test_client()
    login(c, "sup1")
    return c


@pytest.fixture
def evaluator(hall):
    return {"Authorization": f"Bearer {hall.accounts.create_device('eval-1', 'evaluator')}"}


@pytest.fixture
def small_day(hall, clock, client, evaluator):
    """Tuesday 2026-11-24, 09:00–10:00, worked out by hand:
    A001 consult: issued 09:00, called 09:05 at window 1, finished 09:10 (wait 5, service 5 min)
    B001 pension, priority, from the guide desk: 09:00, called 09:06 at 4, started 09:07,
         finished 09:19 (wait 6, service 12 min)
    A002 consult: 09:20, called 09:30 at 1, no-show 09:31 (wait 10 min)
    A003 consult: 09:40, cancelled 09:45, the citizen left
    Ratings: A001 5; B001 1 (attitude) with a phone number for the call-back."""
    q = hall.queue
    q.set_window_state(1, "open", "win1")
    q.set_window_state(4, "open", "win4")
    a1, _ = q.issue("consult", "req-a001")
    b1, _ = q.issue("pension", "req-b001", channel="guide", priority_reason="elderly")
    clock.advance(minutes=5)
    q.call_next(1, "win1")
    clock.advance(minutes=1)
    q.call_next(4, "win4")
    clock.advance(minutes=1)
    q.act(4, "start", "win4")
    clock.advance(minutes=3)  # 09:10
    q.act(1, "finish", "win1")
    clock.advance(minutes=9)  # 09:19
    q.act(4, "finish", "win4")
    r = client.post(
        "/api/v1/evaluations", json={"ticket_id": a1["id"], "level": 5}, headers=evaluator
    )
    assert r.status_code == 201, r.get_json()
    r = client.post(
        "/api/v1/evaluations",
        json={
            "ticket_id": b1["id"],
            "level": 1,
            "reasons": ["attitude"],
            "contact": "138 1234 5678",
        },
        headers=evaluator,
    )
    assert r.status_code == 201, r.get_json()
    clock.advance(minutes=1)  # 09:20
    q.issue("consult", "req-a002")
    clock.advance(minutes=10)
    q.call_next(1, "win1")
    clock.advance(minutes=1)
    q.act(1, "no_show", "win1")
    clock.advance(minutes=9)  # 09:40
    a3, _ = q.issue("consult", "req-a003")
    clock.advance(minutes=5)
    q.cancel(a3["id"], "left", "guide1")
    clock.advance(minutes=15)  # 10:00
    return {"a1": a1, "b1": b1, "a3": a3}
