"""The wait promised at issue counts on the hall's usual arrivals (§9, issue 15): priority
citizens the hall's own history says will come in the next hours go ahead of a walk-in, so a
hall whose history has them promises a longer wait than one without."""

from __future__ import annotations

from datetime import timedelta

from queue_server.core.numbering import hall_day
from queue_server.eventbus import EventBus
from queue_server.services.queue import USUAL_DAYS, QueueService
from queue_server.store import tickets as repo


def history(
    hall, clock, days: int, priority_per_hour: int, skip: int = 0, walk_ins: int = 6, booked=False
) -> None:
    """Past days' pension tickets: ``walk_ins`` (``booked``: booked ones instead) and
    ``priority_per_hour`` priority an hour, on the ``days`` days before the last ``skip`` days
    before today."""
    today = hall_day(clock())
    with hall.store.write() as db:
        for back in range(skip + 1, skip + days + 1):
            day = today - timedelta(days=back)
            for hour in range(9, 17):
                for n in range(walk_ins + priority_per_hour):
                    at = f"{day.isoformat()}T{hour:02d}:{n:02d}:00.000000+08:00"
                    seq = hour * 100 + n
                    repo.insert(
                        db,
                        {
                            "id": f"h{back}-{seq}",
                            "number": f"B{seq:04d}",
                            "service": "pension",
                            "original_service": "pension",
                            "day": day.isoformat(),
                            "seq": seq,
                            "status": "done",
                            "priority_reason": "elderly" if n >= walk_ins else None,
                            "appointment_at": at if booked and n < walk_ins else None,
                            "issued_at": at,
                            "queue_at": at,
                        },
                    )


def promise_of_a_walk_in(hall) -> int:
    hall.queue.set_window_state(3, "open", "win1")
    for n in range(8):
        hall.queue.issue("pension", f"req-u{n:04d}")
    view, _ = hall.queue.issue("pension", "req-u-last")
    return view["estimated_wait_s"]


def promise_afresh(hall) -> int:
    """What a service with nothing kept promises the last walk-in (it reads the history)."""
    (ticket_id,) = hall.store.db.execute(
        "SELECT id FROM tickets WHERE request_id = 'req-u-last'"
    ).fetchone()
    afresh = QueueService(hall.settings, hall.store, EventBus(), hall.clock)
    return afresh.get_ticket(ticket_id)["estimated_wait_s"]


def test_usual_priority_arrivals_lengthen_the_promise(hall, clock):
    without = promise_of_a_walk_in(hall)
    assert promise_afresh(hall) == without
    history(hall, clock, days=10, priority_per_hour=12)
    assert promise_afresh(hall) > without * 1.2


def test_a_history_too_short_or_too_old_is_not_used(hall, clock):
    without = promise_of_a_walk_in(hall)
    history(hall, clock, days=10, priority_per_hour=12, skip=USUAL_DAYS)  # before the window
    history(hall, clock, days=4, priority_per_hour=12)  # too few days for usual_arrivals
    assert promise_afresh(hall) == without


def test_read_ahead_the_first_issue_of_the_day_does_not_read_the_history(hall, clock):
    history(hall, clock, days=10, priority_per_hour=12)
    queue = QueueService(hall.settings, hall.store, EventBus(), hall.clock)
    queue.read_usual_arrivals()  # the day keeper's round, before the day's first forecast
    queue.set_window_state(3, "open", "win1")
    statements = []
    hall.store.db.conn.set_trace_callback(statements.append)
    try:
        for n in range(8):
            view, _ = queue.issue("pension", f"req-a{n:04d}")
    finally:
        hall.store.db.conn.set_trace_callback(None)
    assert statements and not [s for s in statements if "substr(issued_at, 12, 2)" in s]
    # the same usual arrivals as a service that reads them in the write transaction
    afresh = QueueService(hall.settings, hall.store, EventBus(), hall.clock)
    assert view["estimated_wait_s"] == afresh.get_ticket(view["id"])["estimated_wait_s"]
