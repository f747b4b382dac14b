"""好差评 at the window: one rating per finished ticket, reasons for a bad one, the summary."""

import json

import pytest

from queue_server.store import events as event_log


@pytest.fixture
def evaluator_headers(hall):
    return {"Authorization": f"Bearer {hall.accounts.create_device('eval-1', 'evaluator')}"}


def serve(hall, window=1, staff="win1", request_id="req-0001", service="consult") -> dict:
    """Issue, call and finish one ticket at ``window``."""
    hall.queue.set_window_state(window, "open", staff)
    ticket, _ = hall.queue.issue(service, request_id)
    hall.queue.call_next(window, staff)
    hall.queue.act(window, "finish", staff)
    return ticket


def rate(client, headers=None, **body):
    return client.post("/api/v1/evaluations", json=body, headers=headers or {})


def count(hall):
    return hall.store.db["evaluations"].count


def test_the_evaluator_finds_the_finished_ticket_and_rates_it(
    client, hall, evaluator_headers, clock
):
    assert (
        client.get("/api/v1/windows/1/pending-evaluation", headers=evaluator_headers).status_code
        == 204
    )
    ticket = serve(hall)
    clock.advance(minutes=1)
    pending = client.get("/api/v1/windows/1/pending-evaluation", headers=evaluator_headers)
    assert pending.status_code == 200
    assert pending.get_json() == {
        "ticket_id": ticket["id"],
        "number": "A001",
        "service": "consult",
        "finished_at": "2026-11-24T09:00:00.000000+08:00",
    }
    r = rate(client, evaluator_headers, ticket_id=ticket["id"], level=5)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["ticket_number"], body["level"], body["window"]) == ("A001", 5, 1)
    row = hall.store.db["evaluations"].get(body["id"])
    assert (row["staff"], row["window"], row["source"]) == ("win1", 1, "eval-1")
    assert (
        client.get("/api/v1/windows/1/pending-evaluation", headers=evaluator_headers).status_code
        == 204
    )


def test_pending_expires_after_ten_minutes(client, hall, evaluator_headers, clock):
    serve(hall)
    clock.advance(minutes=10)
    assert (
        client.get("/api/v1/windows/1/pending-evaluation", headers=evaluator_headers).status_code
        == 200
    )
    clock.advance(seconds=1)
    assert (
        client.get("/api/v1/windows/1/pending-evaluation", headers=evaluator_headers).status_code
        == 204
    )


def test_pending_is_per_window_and_the_most_recent(client, hall, evaluator_headers, clock):
    serve(hall, window=1, request_id="req-0001")
    clock.advance(minutes=2)
    second = serve(hall, window=1, request_id="req-0002")
    assert (
        client.get("/api/v1/windows/1/pending-evaluation", headers=evaluator_headers).get_json()[
            "ticket_id"
        ]
        == second["id"]
    )
    assert (
        client.get("/api/v1/windows/2/pending-evaluation", headers=evaluator_headers).status_code
        == 204
    )
    assert (
        client.get("/api/v1/windows/99/pending-evaluation", headers=evaluator_headers).status_code
        == 404
    )


def test_a_second_rating_of_the_same_visit_is_refused(
    client, window_client, hall, evaluator_headers
):
    ticket = serve(hall)
    assert rate(client, evaluator_headers, ticket_id=ticket["id"], level=4).status_code == 201
    again = rate(window_client, ticket_id=ticket["id"], level=1, reasons=["attitude"])
    assert again.status_code == 409
    assert count(hall) == 1
    assert hall.store.db["evaluations"].get(1)["level"] == 4


@pytest.mark.parametrize(
    "body, field",
    [
        ({"level": 0}, "level"),
        ({"level": 6}, "level"),
        ({"level": "x"}, "level"),
        ({"level": None}, "level"),
        ({"level": 1}, "reasons"),
        ({"level": 2, "reasons": []}, "reasons"),
        ({"level": 1, "reasons": ["other"]}, "comment"),
    ],
)
def test_invalid_ratings_are_422_with_the_field_and_nothing_is_saved(
    client, hall, evaluator_headers, body, field
):
    ticket = serve(hall)
    r = rate(client, evaluator_headers, ticket_id=ticket["id"], **body)
    assert r.status_code == 422
    assert r.get_json()["error"]["field"] == field
    assert count(hall) == 0
    assert not any(e["type"] == "evaluation.recorded" for e in event_log.after(hall.store.db, 0))


def test_only_a_ticket_finished_today_can_be_rated(client, hall, evaluator_headers, clock):
    hall.queue.set_window_state(1, "open", "win1")
    waiting, _ = hall.queue.issue("consult", "req-0001")
    assert rate(client, evaluator_headers, ticket_id=waiting["id"], level=5).status_code == 409
    assert rate(client, evaluator_headers, ticket_id="no-such-ticket", level=5).status_code == 404
    assert rate(client, evaluator_headers, level=5).get_json()["error"]["field"] == "ticket_id"
    hall.queue.call_next(1, "win1")
    hall.queue.act(1, "finish", "win1")
    clock.advance(days=1)
    assert rate(client, evaluator_headers, ticket_id=waiting["id"], level=5).status_code == 409
    assert count(hall) == 0


def test_a_bad_rating_keeps_reasons_and_comment_and_the_event_has_no_personal_data(
    client, hall, evaluator_headers
):
    ticket = serve(hall)
    r = rate(
        client,
        evaluator_headers,
        ticket_id=ticket["id"],
        level=1,
        reasons=["attitude", "other"],
        comment="让我去别的窗口问，电话13812345678",
    )
    assert r.status_code == 201
    events = [e for e in event_log.after(hall.store.db, 0) if e["type"] == "evaluation.recorded"]
    assert len(events) == 1
    assert events[0]["data"] == {
        "evaluation": {"level": 1, "bad": True, "window": 1, "service": "consult"}
    }
    raw = json.dumps(events[0], ensure_ascii=False)
    assert ticket["id"] not in raw and "win1" not in raw and "13812345678" not in raw


def test_summary_counts_levels_lists_bad_ratings_per_window_and_staff(
    client, guide_client, hall, evaluator_headers
):
    hall.accounts.create_user("win3", "window", "correct-horse-42", display_name="王芳")
    levels = [
        (1, "win1", 5, None),
        (1, "win1", 2, ["time_limit"]),
        (3, "win3", 4, None),
        (3, "win3", 1, ["attitude", "language"]),
    ]
    for i, (window, staff, level, reasons) in enumerate(levels):
        t = serve(
            hall,
            window=window,
            staff=staff,
            request_id=f"req-{i:04d}",
            service="consult" if window == 1 else "pension",
        )
        assert (
            rate(
                client, evaluator_headers, ticket_id=t["id"], level=level, reasons=reasons
            ).status_code
            == 201
        )
    s = guide_client.get("/api/v1/evaluations/summary?from=2026-11-24&to=2026-11-24").get_json()
    assert s["total"] == 4
    assert s["counts"] == {"5": 1, "4": 1, "3": 0, "2": 1, "1": 1}
    assert s["bad"] == 2 and s["bad_rate"] == 0.5
    assert sorted((b["window"], b["level"], tuple(b["reasons"])) for b in s["bad_list"]) == [
        (1, 2, ("time_limit",)),
        (3, 1, ("attitude", "language")),
    ]
    assert {w["window"]: (w["total"], w["bad"]) for w in s["by_window"]} == {1: (2, 1), 3: (2, 1)}
    staff = {st["staff"]: st for st in s["by_staff"]}
    assert staff["win3"]["display_name"] == "王芳" and staff["win3"]["counts"]["1"] == 1
    empty = guide_client.get("/api/v1/evaluations/summary?from=2026-11-25&to=2026-11-30").get_json()
    assert empty["total"] == 0 and empty["bad_rate"] is None


def test_summary_rejects_bad_periods(guide_client):
    assert (
        guide_client.get("/api/v1/evaluations/summary?from=2026-11-25&to=2026-11-24").status_code
        == 422
    )
    assert (
        guide_client.get("/api/v1/evaluations/summary?from=2025-01-01&to=2026-11-24").status_code
        == 422
    )
    assert (
        guide_client.get("/api/v1/evaluations/summary?from=yesterday").get_json()["error"]["field"]
        == "from"
    )


def test_roles(client, window_client, guide_client, kiosk_headers, evaluator_headers, hall):
    ticket = serve(hall)
    assert rate(client, ticket_id=ticket["id"], level=5).status_code == 401
    assert client.get("/api/v1/windows/1/pending-evaluation").status_code == 401
    assert client.get("/api/v1/evaluations/summary").status_code == 401
    assert rate(client, kiosk_headers, ticket_id=ticket["id"], level=5).status_code == 403
    assert rate(guide_client, ticket_id=ticket["id"], level=5).status_code == 403
    assert window_client.get("/api/v1/evaluations/summary").status_code == 403
    assert client.get("/api/v1/evaluations/summary", headers=evaluator_headers).status_code == 403
    assert (
        client.get("/api/v1/windows/1/pending-evaluation", headers=kiosk_headers).status_code == 403
    )
    assert count(hall) == 0
    assert rate(window_client, ticket_id=ticket["id"], level=3).status_code == 201


def test_an_evaluator_tied_to_a_window_rates_only_that_window(client, hall):
    tied = {
        "Authorization": f"Bearer {hall.accounts.create_device('eval-3', 'evaluator', window=3)}"
    }
    other = serve(hall, window=1, request_id="req-0101")
    mine = serve(hall, window=3, request_id="req-0103", service="pension")
    assert client.get("/api/v1/windows/1/pending-evaluation", headers=tied).status_code == 403
    assert (
        client.get("/api/v1/windows/3/pending-evaluation", headers=tied).get_json()["ticket_id"]
        == mine["id"]
    )
    r = rate(client, tied, ticket_id=other["id"], level=5)
    assert r.status_code == 403 and "3" in r.get_json()["error"]["message"]
    assert count(hall) == 0
    assert rate(client, tied, ticket_id=mine["id"], level=4).status_code == 201
