"""What QueueService keeps between requests (issue 10, a lean hot path) never changes an answer:
every promise it gives equals the one a service with nothing kept reads from the database."""

from __future__ import annotations

import json
import sqlite3

import pytest

from queue_server.core.numbering import hall_day
from queue_server.core.tickets import CANCEL_REASONS
from queue_server.eventbus import EventBus
from queue_server.services.queue import QueueService
from queue_server.store.tickets import waiting_counts


def fresh(hall) -> QueueService:
    """A second service on the same database, with no queue, windows or forecast kept."""
    return QueueService(hall.settings, hall.store, EventBus(), hall.clock)


def promise(view: dict) -> tuple:
    return view["estimated_wait_s"], view["no_wait"]


def check_issue(hall, service: str, request_id: str, **kw) -> dict:
    view, created = hall.queue.issue(service, request_id, **kw)
    assert created
    assert promise(view) == promise(fresh(hall).get_ticket(view["id"]))
    return view


def same_status_pages(hall, views: list[dict]) -> None:
    for view in views:
        kept, afresh = hall.queue.get_ticket(view["id"]), fresh(hall).get_ticket(view["id"])
        assert (kept["status"], promise(kept)) == (afresh["status"], promise(afresh))


def test_promises_at_issue_equal_a_forecast_read_afresh(hall, clock):
    # No window open: nobody is promised a wait.
    first = check_issue(hall, "consult", "req-c0001")
    assert first["estimated_wait_s"] is None
    for number in (1, 2, 4):
        hall.queue.set_window_state(number, "open", "win1")
    views = []
    for i in range(24):
        clock.advance(seconds=17)
        service = ("consult", "pension", "consult", "medical")[i % 4]
        reason = "elderly" if i % 7 == 3 else None
        views.append(check_issue(hall, service, f"req-m{i:04d}", priority_reason=reason))
        if i % 6 == 5:
            hall.queue.call_next(1 + (i // 6) % 2, "win1")  # a change the issue path did not make
            same_status_pages(hall, views)
    assert any(v["estimated_wait_s"] for v in views)  # the forecast really ran
    # Another process's ticket (its own service and memory) is in the next promise made here.
    other, _ = fresh(hall).issue("consult", "req-other-1")
    after = check_issue(hall, "consult", "req-c0002")
    assert after["estimated_wait_s"] > other["estimated_wait_s"]


def statements(hall, action) -> list[str]:
    """The SQL ``action`` runs on this thread's connection."""
    seen: list[str] = []
    conn = hall.store.db.conn
    conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return seen


def test_issuing_after_issuing_reads_the_waiting_queue_once(hall, clock):
    hall.queue.set_window_state(1, "open", "win1")
    check_issue(hall, "consult", "req-q0001")
    sql = statements(hall, lambda: hall.queue.issue("pension", "req-q0002"))
    assert not [s for s in sql if "status = 'waiting' ORDER BY" in s]  # the kept queue + 1
    hall.queue.call_next(1, "win1")
    sql = statements(hall, lambda: hall.queue.issue("pension", "req-q0003"))
    assert len([s for s in sql if "status = 'waiting' ORDER BY" in s]) == 1  # read again


def test_the_promise_kept_with_the_ticket_is_the_one_given(hall, clock):
    hall.queue.set_window_state(1, "open", "win1")
    for i in range(5):
        clock.advance(seconds=40)
        view = check_issue(hall, "consult", f"req-k{i:04d}")
        kept = hall.store.db.execute(
            "SELECT estimated_wait_s FROM tickets WHERE id = ?", [view["id"]]
        ).fetchone()[0]
        assert kept == view["estimated_wait_s"]


def test_a_clock_set_back_reads_the_arrivals_again(hall, clock):
    hall.queue.set_window_state(1, "open", "win1")
    check_issue(hall, "consult", "req-b0001")
    clock.advance(minutes=40)
    check_issue(hall, "consult", "req-b0002")
    clock.advance(minutes=-35)  # the test clock moved back: arrivals out of time order
    check_issue(hall, "pension", "req-b0003")
    clock.advance(minutes=50)
    check_issue(hall, "pension", "req-b0004")


def test_the_board_snapshot_follows_every_change(hall, clock):
    def same() -> dict:
        kept = hall.queue.display_state()
        assert kept == fresh(hall).display_state()
        return kept

    same()
    a, _ = hall.queue.issue("consult", "req-d0001")
    assert same()["services"][0]["waiting"] == 1
    hall.queue.set_window_state(1, "open", "win1")
    same()
    clock.advance(minutes=2)
    hall.queue.call_next(1, "win1")
    assert same()["recent_calls"][0]["number"] == a["number"]
    hall.queue.set_notice("今日养老窗口暂停")
    assert same()["notice"] == "今日养老窗口暂停"
    hall.queue.act(1, "finish", "win1")
    same()
    b, _ = hall.queue.issue("pension", "req-d0002")
    hall.queue.cancel(b["id"], next(iter(CANCEL_REASONS)), "guide1")
    same()
    clock.advance(hours=10)  # past closing: the board shows the services as not issuing
    assert not any(s["open"] for s in same()["services"])


def test_a_board_polling_an_unchanged_hall_costs_one_query(hall, clock):
    hall.queue.issue("consult", "req-p0001")
    hall.queue.display_state()
    sql = statements(hall, hall.queue.display_state)
    assert [s for s in sql if s not in ("BEGIN", "COMMIT")] == [
        "SELECT (SELECT coalesce(max(id), 0) FROM events), (SELECT max(updated_at) FROM windows)"
    ]


def test_a_call_tells_the_waiting_counts_as_read_after_it(hall, clock):
    def last_event() -> dict:
        row = hall.store.db.execute("SELECT type, data FROM events ORDER BY id DESC").fetchone()
        return {"type": row[0]} | json.loads(row[1])

    day = hall_day(clock()).isoformat()
    hall.queue.set_window_state(1, "open", "win1")
    for n in (1, 2):
        hall.queue.issue("consult", f"req-w000{n}")
    hall.queue.issue("pension", "req-w0003")
    hall.queue.call_next(1, "win1")  # nobody at the window yet: no finish before the call
    hall.queue.call_next(1, "win1")  # finishes the first; the last consult leaves the map
    assert last_event()["type"] == "ticket.called"
    assert last_event()["waiting"] == waiting_counts(hall.store.db, day) == {"pension": 1}
    fourth, _ = hall.queue.issue("consult", "req-w0004")
    hall.queue.issue("consult", "req-w0005")
    hall.queue.call_next(1, "win1", ticket_id=fourth["id"])  # a named ticket
    assert last_event()["type"] == "ticket.called"
    assert last_event()["waiting"] == waiting_counts(hall.store.db, day)
    assert last_event()["waiting"] == {"consult": 1, "pension": 1}


def test_an_issue_that_does_not_commit_leaves_nothing_kept(hall, clock):
    hall.queue.set_window_state(1, "open", "win1")
    hall.queue.issue("consult", "req-f0001")
    second = check_issue(hall, "consult", "req-f0002")
    db = hall.store.db
    db.execute(  # the promise's write fails after the queue and promises were kept
        "CREATE TEMP TRIGGER fail_promise BEFORE UPDATE OF estimated_wait_s ON tickets"
        " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        hall.queue.issue("consult", "req-f0003")
    db.execute("DROP TRIGGER fail_promise")
    hall.queue.call_next(1, "win1")  # the next event gets the id the failed issue had
    kept, afresh = hall.queue.get_ticket(second["id"]), fresh(hall).get_ticket(second["id"])
    assert promise(kept) == promise(afresh)
    assert hall.queue.services() == fresh(hall).services()  # a ticket taken now: 2 ahead, not 3


def test_each_issue_tells_the_waiting_counts_as_read_after_it(hall, clock):
    """The counts an issue adds to (QueueService._waiting_now) are never another change's."""

    def told() -> dict:
        row = hall.store.db.execute("SELECT type, data FROM events ORDER BY id DESC").fetchone()
        assert row[0] == "ticket.issued"
        return json.loads(row[1])["waiting"]

    def first_waiting() -> str:
        return hall.store.db.execute(
            "SELECT id FROM tickets WHERE status = 'waiting' ORDER BY queue_at"
        ).fetchone()[0]

    day = hall_day(clock()).isoformat()
    hall.queue.set_window_state(1, "open", "win1")
    steps = [
        lambda: None,
        lambda: fresh(hall).issue("pension", "req-o0001"),  # another process's ticket
        lambda: hall.queue.call_next(1, "win1"),
        lambda: hall.queue.cancel(first_waiting(), sorted(CANCEL_REASONS)[0], "guide1"),
    ]
    for n, step in enumerate(steps * 2):
        step()
        hall.queue.issue(("consult", "pension")[n % 2], f"req-k{n:04d}")
        assert told() == waiting_counts(hall.store.db, day), n
    db = hall.store.db
    db.execute(
        "CREATE TEMP TRIGGER fail_promise BEFORE UPDATE OF estimated_wait_s ON tickets"
        " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        hall.queue.issue("consult", "req-k-failed")  # counted one more, then rolled back
    db.execute("DROP TRIGGER fail_promise")
    hall.queue.call_next(1, "win1")  # the next event gets the id the failed issue had
    hall.queue.issue("consult", "req-k-after")
    assert told() == waiting_counts(hall.store.db, day)
