"""The service times the wait estimate and the planner read from the tickets table are the last
visit's own: a transferred ticket is timed from its new call, not from its first start."""

from __future__ import annotations

import pytest

from queue_server.store import tickets as repo


def test_a_transferred_ticket_is_timed_from_its_second_call(hall, clock):
    q = hall.queue
    q.set_window_state(1, "open", "win1")
    q.set_window_state(3, "open", "win3")
    t, _ = q.issue("consult", "req-t-0001")
    q.call_next(1, "win1")
    q.act(1, "start", "win1")
    clock.advance(minutes=5)
    q.act(1, "transfer", "win1", service="pension")
    clock.advance(minutes=10)
    q.call_next(3, "win3")  # window 3 serves pension first
    clock.advance(minutes=2)
    q.act(3, "finish", "win3")  # straight from "called": timed from the call
    row = repo.get(hall.store.db, t["id"])
    assert row["started_at"] == row["called_at"]
    (seconds,) = repo.recent_service_seconds(hall.store.db, "pension")
    assert seconds == pytest.approx(120, abs=0.01)  # julianday arithmetic
