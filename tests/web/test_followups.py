"""差评 follow-up (issue 15 item 4): a bad rating with a contact opens an item; its call is due
in working days; overdue on the guide console's list; call, finding, rectification close it;
on-time rates in the report; the wrong role gets 403."""

from __future__ import annotations

from ..conftest import login


def items(client, status="open"):
    r = client.get(f"/api/v1/followups?status={status}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_a_bad_rating_with_a_contact_is_followed_up_until_closed(
    small_day, supervisor_client, guide_client, app, clock
):
    (item,) = items(supervisor_client)
    assert (item["ticket_number"], item["level"], item["status"]) == ("B001", 1, "call")
    assert item["contact_masked"] == "138****5678" and "contact" not in item
    assert item["call_due"] == "2026-11-25"  # one working day after Tuesday's rating
    assert not item["overdue"] and items(guide_client, "overdue") == []

    clock.advance(days=2)  # Thursday: the call was due yesterday
    login(guide_client, "guide1")
    login(supervisor_client, "sup1")
    (late,) = items(guide_client, "overdue")
    assert late["id"] == item["id"] and late["overdue"]
    full = supervisor_client.get(f"/api/v1/followups/{item['id']}").get_json()
    assert full["contact"] == "13812345678"  # to make the call; audited
    audit = (
        app.extensions["hall"]
        .store.db.execute(
            "SELECT action, actor FROM audit_log WHERE subject = ?", [f"followup:{item['id']}"]
        )
        .fetchall()
    )
    assert audit == [("followup.view_contact", "sup1")]

    step = f"/api/v1/followups/{item['id']}"
    r = supervisor_client.post(f"{step}/call", json={"call_summary": ""})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "call_summary"
    r = supervisor_client.post(f"{step}/rectification", json={"measures": "培训"})
    assert r.status_code == 409  # the call comes first
    called = supervisor_client.post(
        f"{step}/call", json={"call_summary": "群众反映窗口人员态度生硬"}
    )
    assert called.status_code == 200 and called.get_json()["status"] == "finding"
    assert called.get_json()["rectify_due"] == "2026-12-10"  # 10 working days after Thursday
    r = supervisor_client.post(f"{step}/finding", json={"finding": "valid"})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "finding_reason"
    found = supervisor_client.post(
        f"{step}/finding", json={"finding": "valid", "finding_reason": "监控核实属实"}
    )
    assert found.get_json()["status"] == "rectify" and not found.get_json()["overdue"]
    clock.advance(days=1)
    login(supervisor_client, "sup1")
    done = supervisor_client.post(
        f"{step}/rectification", json={"measures": "窗口人员服务用语培训，纳入月度考核"}
    )
    assert done.get_json()["status"] == "closed"
    assert items(supervisor_client) == [] and len(items(supervisor_client, "closed")) == 1

    s = supervisor_client.get("/api/v1/reports/summary?from=2026-11-24&to=2026-11-27").get_json()
    f = s["followups"]
    assert f["calls"] == {
        "items": 1,
        "on_time": 0,
        "late": 1,
        "overdue": 0,
        "pending": 0,
        "on_time_rate": 0.0,
    }
    assert f["rectifications"]["on_time"] == 1 and f["rectifications"]["on_time_rate"] == 1.0
    assert f["findings"] == {"valid": 1, "mistaken": 0, "malicious": 0}


def test_a_mistaken_rating_is_closed_by_its_finding(small_day, supervisor_client):
    (item,) = items(supervisor_client)
    step = f"/api/v1/followups/{item['id']}"
    supervisor_client.post(f"{step}/call", json={"call_summary": "群众表示误点了不满意"})
    r = supervisor_client.post(
        f"{step}/finding", json={"finding": "mistaken", "finding_reason": "群众误评"}
    )
    assert r.get_json()["status"] == "closed"
    s = supervisor_client.get("/api/v1/reports/summary").get_json()["followups"]
    assert s["calls"]["on_time"] == 1 and s["rectifications"]["items"] == 0


def test_only_bad_ratings_may_leave_a_contact_and_it_must_be_a_phone(client, hall, evaluator):
    q = hall.queue
    q.set_window_state(1, "open", "win1")
    t, _ = q.issue("consult", "req-c-0001")
    q.call_next(1, "win1")
    q.act(1, "finish", "win1")
    r = client.post(
        "/api/v1/evaluations",
        json={"ticket_id": t["id"], "level": 5, "contact": "13812345678"},
        headers=evaluator,
    )
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "contact"
    r = client.post(
        "/api/v1/evaluations",
        json={"ticket_id": t["id"], "level": 2, "reasons": ["time_limit"], "contact": "12345"},
        headers=evaluator,
    )
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "contact"
    assert hall.store.db["evaluations"].count == 0 and hall.store.db["followups"].count == 0
    r = client.post(
        "/api/v1/evaluations",
        json={"ticket_id": t["id"], "level": 2, "reasons": ["time_limit"]},
        headers=evaluator,
    )
    assert r.status_code == 201 and hall.store.db["followups"].count == 0  # no contact, no call


def test_wrong_roles(small_day, window_client, guide_client, client):
    assert window_client.get("/api/v1/followups").status_code == 403
    assert client.get("/api/v1/followups").status_code == 401
    (item,) = items(guide_client)  # the guide console lists them …
    assert guide_client.get(f"/api/v1/followups/{item['id']}").status_code == 403  # … no number
    r = guide_client.post(f"/api/v1/followups/{item['id']}/call", json={"call_summary": "x"})
    assert r.status_code == 403
    assert guide_client.get("/admin/followups").status_code == 403
