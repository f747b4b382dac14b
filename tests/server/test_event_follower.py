"""The hall's one event-log follower (queue_server/eventbus.py): every subscriber gets each
event once and in order, a subscriber that fails (a full disk) is logged once and keeps getting
events, the log being unreadable is survived, and a late subscriber starts where the others
are, so nothing is missed or doubled."""

from __future__ import annotations

import errno
import time

import pytest

from queue_server.eventbus import EventBus, EventFollower
from queue_server.store import Store
from queue_server.store import events as event_log
from tests.support.waiting import wait_for


class Log:
    def __init__(self, store: Store, bus: EventBus) -> None:
        self.store, self.bus = store, bus

    def commit(self, type_: str = "ticket.issued") -> int:
        """As a service does: the event committed, then the bus told."""
        with self.store.write() as db:
            event_id = event_log.append(db, type_, "2026-11-24T09:00:00+08:00", {})
        self.bus.published(event_id)
        return event_id


@pytest.fixture
def hall_log(tmp_path):
    store, bus = Store(tmp_path / "hall.db"), EventBus()
    follower = EventFollower(store, bus, event_log.last_id(store.db))
    yield follower, Log(store, bus)
    bus.close()
    follower.close()
    for thread in follower.threads():
        thread.join(timeout=10)
    store.close()


def ids_into(seen: list[int]):
    return lambda batch: seen.extend(e["id"] for e in batch)


def test_every_subscriber_gets_each_event_once_and_in_order(hall_log):
    follower, log = hall_log
    inline, threaded = [], []
    follower.subscribe("inline", ids_into(inline), inline=True)
    follower.subscribe("threaded", ids_into(threaded))
    follower.start()
    committed = [log.commit() for _ in range(30)]
    assert wait_for(lambda: len(threaded) >= 30 and len(inline) >= 30)
    assert inline == committed and threaded == committed


def test_a_failing_subscriber_is_logged_once_and_still_gets_the_next_events(hall_log, caplog):
    follower, log = hall_log
    disk_full, failing, others = [True], [], []

    def journal(batch):
        failing.extend(e["id"] for e in batch)
        if batch and disk_full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")

    follower.subscribe("journal", journal)
    follower.subscribe("voice", ids_into(others))
    follower.start()
    first = [log.commit(), log.commit()]
    assert wait_for(lambda: len(failing) == 2 and len(others) == 2)
    time.sleep(0.05)  # one batch at a time here: each commit fails the journal again
    assert len([r for r in caplog.records if "journal failed" in r.getMessage()]) == 1
    disk_full[0] = False
    later = log.commit()
    assert wait_for(lambda: later in failing)
    assert failing == [*first, later] and others == [*first, later]
    assert follower.thread_of("journal").is_alive() and follower.thread.is_alive()
    assert any("journal works again" in r.getMessage() for r in caplog.records)


def test_an_unreadable_log_is_survived_and_followed_again(hall_log, caplog, monkeypatch):
    follower, log = hall_log
    seen = []
    follower.subscribe("streams", ids_into(seen), inline=True)
    monkeypatch.setattr("queue_server.eventbus.RETRY_S", 0.05)
    follower.start()
    before = log.commit()
    assert wait_for(lambda: seen == [before])
    with log.store.write() as db:  # the log gone from under the follower
        db.execute("ALTER TABLE events RENAME TO events_away")
    log.bus.published(before + 1)
    assert wait_for(
        lambda: any("reading the event log failed" in r.getMessage() for r in caplog.records)
    )
    with log.store.write() as db:
        db.execute("ALTER TABLE events_away RENAME TO events")
    after = log.commit()
    assert wait_for(lambda: seen == [before, after]), seen
    assert follower.thread.is_alive()
    assert any("reading the event log works again" in r.getMessage() for r in caplog.records)


def test_a_late_subscriber_starts_where_the_follower_is(hall_log):
    follower, log = hall_log
    early = []
    follower.subscribe("early", ids_into(early), inline=True)
    follower.start()
    handed = [log.commit() for _ in range(5)]
    assert wait_for(lambda: early == handed)
    late = []
    start = follower.subscribe("late", ids_into(late), inline=True)
    assert start == handed[-1]
    next_one = log.commit()
    assert wait_for(lambda: late == [next_one])
    assert early == [*handed, next_one]


def test_a_subscriber_of_some_types_is_handed_only_batches_that_hold_one(hall_log):
    follower, log = hall_log
    batches, everything = [], []
    follower.subscribe("calls", lambda b: batches.append([e["type"] for e in b]), types=("c",))
    follower.subscribe("all", ids_into(everything))
    follower.start()
    for type_ in ("issued", "issued", "c", "issued"):
        last = log.commit(type_)
        assert wait_for(lambda: everything and everything[-1] == last)
    assert wait_for(lambda: any(batches))
    assert [b for b in batches if b] == [["c"]]  # one wake-up, not four


def test_a_gathering_subscriber_gets_a_burst_in_few_calls_and_every_event_at_a_stop(hall_log):
    follower, log = hall_log
    calls: list[list[int]] = []
    follower.subscribe("journal", lambda b: calls.append([e["id"] for e in b]), gather_s=0.3)
    follower.start()
    burst = [log.commit() for _ in range(20)]
    assert wait_for(lambda: sum(map(len, calls)) == 20)
    assert len(calls) <= 3, calls  # not one call (and wake-up) per event
    # Committed but the follower not yet told, then the server stops: its last read still
    # hands the event over, and the journal's thread logs what it had before it ends.
    with log.store.write() as db:
        unseen = event_log.append(db, "ticket.issued", "2026-11-24T09:00:00+08:00", {})
    log.bus.close()
    follower.close()
    for thread in follower.threads():
        thread.join(timeout=10)
    assert [i for call in calls for i in call] == [*burst, unseen]
