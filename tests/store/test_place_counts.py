"""A waiting ticket's place as the store counts it (store.tickets.place_counts, index range
counts plus the few special tickets) is its position in ``core.policy.queue_order``, on random
queues of walk-ins, priority tickets and bookings, with shared queue times and numbers; counted
from the waiting count and the ones after it (as an issue does), the same."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from queue_server.configfile import load_settings
from queue_server.core.numbering import HALL_TZ
from queue_server.core.policy import due_by, people_ahead, position, walkin_cutoff
from queue_server.core.tickets import Status
from queue_server.store import Store
from queue_server.store import tickets as repo

from ..conftest import EXAMPLE_CONFIG

RULES = load_settings(EXAMPLE_CONFIG, environ={}).rules
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=HALL_TZ)
DAY = NOW.date().isoformat()

ticket = st.tuples(
    st.sampled_from(["walk-in", "priority", "appointment", "appointment", "appointment+priority"]),
    st.sampled_from(["pension", "medical"]),
    st.integers(-90, 0),  # queued minutes before now (shared minutes give ties)
    st.integers(-60, 40),  # a booking's slot, minutes from now
    st.sampled_from(["waiting", "waiting", "waiting", "done"]),
)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="microseconds")


@hsettings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ticket, min_size=1, max_size=30), st.sampled_from([0, 1, 2]))
def test_the_counted_place_is_the_queue_order_position(tmp_path_factory, queue, k):
    rules = dataclasses.replace(RULES, max_consecutive_appointments=k)
    store = Store(tmp_path_factory.mktemp("place") / "hall.db")
    try:
        with store.write() as db:
            for n, (kind, service, queued, slot, status) in enumerate(queue):
                at = NOW + timedelta(minutes=queued)
                repo.insert(
                    db,
                    {
                        "id": f"t{n}",
                        "number": f"{'AB'[n % 2]}{n * 7 % 50:03d}",  # unique, not in time order
                        "service": service,
                        "original_service": service,
                        "day": DAY,
                        "seq": n + 1,
                        "status": status,
                        "priority_reason": "elderly" if "priority" in kind else None,
                        "appointment_at": _iso(NOW + timedelta(minutes=slot))
                        if "appointment" in kind
                        else None,
                        "issued_at": _iso(at),
                        "queue_at": _iso(at),
                    },
                )
        db = store.db
        rows = repo.waiting(db, DAY)
        due, cut = _iso(due_by(NOW, rules)), _iso(walkin_cutoff(NOW, rules))
        for row in rows:
            mine = [repo.to_domain(r) for r in rows if r["service"] == row["service"]]
            me = next(t for t in mine if t.id == row["id"])
            counts = repo.place_counts(db, row, due, cut, rules)
            assert position(me.is_priority, counts, rules) == people_ahead(me, mine, NOW, rules)
            # Told how many wait (as an issue is), it counts the ones after instead: the same.
            assert repo.place_counts(db, row, due, cut, rules, len(mine)) == counts
        assert all(r["status"] == Status.WAITING.value for r in rows)
    finally:
        store.close()
