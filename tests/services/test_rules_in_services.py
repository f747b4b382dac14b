"""Rules the web layer used to decide now hold for every caller of the service (issue 12):
the notice line's rule in QueueService.set_notice, the evaluator's window in both use cases of
EvaluationService."""

from __future__ import annotations

import pytest

from queue_server.core.errors import InvalidField
from queue_server.errors import Forbidden


def test_the_notice_rule_holds_without_http(hall):
    with pytest.raises(InvalidField) as exc:
        hall.queue.set_notice("喂，说话呀！")
    assert exc.value.field == "text"
    assert hall.queue.notice() == hall.settings.hall.notice  # nothing published
    published = hall.queue.set_notice("  今日\n养老窗口暂停 ")
    assert published["notice"] == "今日 养老窗口暂停" == hall.queue.notice()
    assert isinstance(published["event_id"], int)


def finish_one(hall, window: int) -> dict:
    hall.queue.set_window_state(window, "open", "win1")
    ticket, _ = hall.queue.issue("consult", f"req-w{window:04d}")
    hall.queue.call_next(window, "win1")
    hall.queue.act(window, "finish", "win1")
    return ticket


def test_an_evaluator_tied_to_a_window_is_held_to_it_in_both_use_cases(hall):
    ticket = finish_one(hall, 1)
    with pytest.raises(Forbidden):
        hall.evaluations.pending(1, only_window=3)
    with pytest.raises(Forbidden):
        hall.evaluations.record({"ticket_id": ticket["id"], "level": 5}, "eval-3", only_window=3)
    assert hall.evaluations.pending(1, only_window=1)["ticket_id"] == ticket["id"]
    assert hall.evaluations.pending(1)["ticket_id"] == ticket["id"]  # staff: any window
