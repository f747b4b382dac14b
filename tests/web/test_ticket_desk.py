"""The guide desk prints what it issues, and a ticket can be cancelled (the citizen left) or
printed again (paper jam) — each with a reason and an event (issue 9, defect 9). The desk
printer is the fake ESC/POS printer on a loopback TCP port."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from tests.support import escpos_decode as d
from tests.support.fake_printer import FakePrinter


@pytest.fixture
def fake():
    with FakePrinter() as f:
        f.serve_tcp()
        yield f


@pytest.fixture
def settings(settings, fake):
    desk = dataclasses.replace(settings.desk_printer, url=fake.tcp_url, mode="native")
    return dataclasses.replace(settings, desk_printer=desk)


def issue(client, headers=None, **body):
    body = {"service": "pension", "request_id": uuid.uuid4().hex} | body
    r = client.post("/api/v1/tickets", json=body, headers=headers or {})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def events(hall, type_):
    import json

    return [
        json.loads(r[0])
        for r in hall.store.db.execute(
            "SELECT data FROM events WHERE type = ? ORDER BY id", [type_]
        ).fetchall()
    ]


def printed_lines(fake):
    return [line.text for line in d.lines(d.decode(fake.job_bytes()))]


def test_the_guide_desk_prints_the_priority_ticket_it_issues(guide_client, fake):
    t = issue(guide_client, priority_reason="elderly", print=True)
    assert t["printer"] == "ok"
    lines = printed_lines(fake)
    assert t["number"] in lines and "养老保险" in lines
    assert any(line.startswith("请到 B区") and "号窗口" in line for line in lines)
    [qr] = d.qr_codes(d.decode(fake.job_bytes()))
    assert qr.payload == t["status_url"]


def test_paper_out_keeps_the_ticket_and_says_why(guide_client, fake, hall):
    fake.state = "paper_out"
    t = issue(guide_client, priority_reason="ill", print=True)
    assert "缺纸" in t["print_error"] or "纸" in t["print_error"]
    assert hall.queue.get_ticket(t["id"])["status"] == "waiting"
    assert fake.only_status_queries()
    r = guide_client.post(f"/api/v1/tickets/{t['id']}/reprint", json={"reason": "paper_jam"})
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "print_failed"
    assert events(hall, "ticket.reprinted")[-1]["printed"] is False


def test_reprint_needs_a_reason_and_records_an_event(
    guide_client, client, kiosk_headers, fake, hall
):
    t = issue(client, kiosk_headers)
    r = guide_client.post(f"/api/v1/tickets/{t['id']}/reprint", json={"reason": "because"})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "reason"
    assert not fake.job_bytes()
    r = guide_client.post(f"/api/v1/tickets/{t['id']}/reprint", json={"reason": "paper_jam"})
    assert r.status_code == 200, r.get_json()
    assert t["number"] in printed_lines(fake)
    [ev] = events(hall, "ticket.reprinted")
    assert ev["reason"] == "paper_jam" and ev["printed"] is True and ev["by"] == "guide1"
    assert "id" not in ev["ticket"]  # events stay public: no ticket ids


def test_cancel_a_waiting_or_called_ticket_with_a_reason(
    guide_client, window_client, client, kiosk_headers, hall
):
    waiting = issue(client, kiosk_headers)
    r = guide_client.post(f"/api/v1/tickets/{waiting['id']}/cancel", json={})
    assert r.status_code == 422 and "原因" in r.get_json()["error"]["message"]
    r = guide_client.post(f"/api/v1/tickets/{waiting['id']}/cancel", json={"reason": "left"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"

    called_t = issue(client, kiosk_headers)
    window_client.post("/api/v1/windows/4/open", json={})
    assert (
        window_client.post("/api/v1/windows/4/call-next", json={}).get_json()["id"]
        == called_t["id"]
    )
    r = window_client.post(f"/api/v1/tickets/{called_t['id']}/cancel", json={"reason": "left"})
    assert r.status_code == 200
    assert next(w for w in hall.queue.windows() if w["number"] == 4)["current"] is None
    assert [e["reason"] for e in events(hall, "ticket.cancelled")] == ["left", "left"]
    # Cancelled is final.
    r = guide_client.post(f"/api/v1/tickets/{called_t['id']}/cancel", json={"reason": "left"})
    assert r.status_code == 409


def test_kiosks_and_anonymous_callers_cannot_cancel(client, kiosk_headers):
    t = issue(client, kiosk_headers)
    assert (
        client.post(f"/api/v1/tickets/{t['id']}/cancel", json={"reason": "left"}).status_code == 401
    )
    r = client.post(
        f"/api/v1/tickets/{t['id']}/cancel", json={"reason": "left"}, headers=kiosk_headers
    )
    assert r.status_code == 403


def test_the_desk_finds_todays_ticket_by_its_number(guide_client, client, kiosk_headers):
    t = issue(client, kiosk_headers)
    r = guide_client.get("/api/v1/tickets?number=b001")
    assert r.status_code == 200 and r.get_json()["tickets"][0]["id"] == t["id"]
    assert guide_client.get("/api/v1/tickets?number=B999").status_code == 404
    assert guide_client.get("/api/v1/tickets?number=drop table").status_code == 422
