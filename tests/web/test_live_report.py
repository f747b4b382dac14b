"""Today's report as the report page polls it: the live tally kept between looks (new events,
their tickets' rows, new ratings) gives what a first look — the whole day replayed — gives."""

from __future__ import annotations

import json
import random
from datetime import date

from queue_server.errors import HallError
from queue_server.services.reports import ReportService

from .test_reports_api import DAY, summary


def first_look(hall, day):
    """The same summary from a report service that has seen nothing of the day yet."""
    fresh = ReportService(lambda: hall.settings, hall.store, hall.queue, hall.clock, hall.followups)
    return json.loads(json.dumps(fresh.summary(day, day)))  # as the API sends it


def test_the_live_report_after_every_step_equals_a_first_look(
    small_day, supervisor_client, hall, clock, client, evaluator
):
    day = date.fromisoformat(DAY)
    q, rng = hall.queue, random.Random(7)
    hall.queue.set_window_state(3, "open", "win3")
    summary(supervisor_client)  # the report page is open: the live tally starts here
    issued = []
    for step in range(40):
        clock.advance(seconds=rng.randint(20, 400))
        roll = rng.random()
        window = rng.choice((1, 3, 4))
        try:
            if roll < 0.35:
                t, _ = q.issue(rng.choice(("consult", "pension")), f"req-live-{step}")
                issued.append(t)
            elif roll < 0.6:
                q.call_next(window, f"win{window}")
            elif roll < 0.85:
                q.act(window, rng.choice(("start", "finish", "finish", "no_show")), f"win{window}")
            elif issued:
                t = issued[-1]
                r = client.post(
                    "/api/v1/evaluations",
                    json={"ticket_id": t["id"], "level": rng.randint(1, 5)},
                    headers=evaluator,
                )
                assert r.status_code in (201, 409, 422), r.get_json()
        except HallError as e:  # a step the queue refuses (nobody waiting…) changes nothing
            assert e.status in (404, 409, 422), e
        live = summary(supervisor_client)
        fresh = first_look(hall, day)
        for s in (live, fresh):
            s.pop("generated_at")
        assert live == fresh, step
    assert live["totals"]["issued"] > 10 and live["totals"]["called"] > 5


def test_the_day_keeper_keeps_todays_tally_fed(small_day, hall, clock):
    """The keeper's catch-up replays today in the background: the report page's first look
    after a restart folds in only what came since (reads the service's kept live days)."""
    hall.reports.catch_up(limit=10)
    (live,) = hall.reports._live.values()
    last = hall.store.db.execute("SELECT max(id) FROM events").fetchone()[0]
    assert live.day == date.fromisoformat(DAY) and live.last_id == last
    hall.queue.issue("consult", "req-keeper-1")
    hall.reports.catch_up(limit=10)
    assert live.last_id == last + 1 and live.full_tallies == 1  # folded in, not replayed
