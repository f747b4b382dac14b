"""A device that stops sending heartbeats raises device.alert (problem "silent") once, while the
hall serves; its next heartbeat ends it with device.recovered (§8.1.5). The clock is the test's:
moved by hand, never slept on. The server's watch thread and the test's own sweep() may both
look; what counts is the event log, so the assertions are on events."""

from __future__ import annotations

import json

import pytest

from queue_server.hall import Hall

SILENT_S = 30  # server.device_silent_s of the example config


@pytest.fixture
def display(hall):
    token = hall.accounts.create_device("board-a", "display", name="大厅主屏")
    return {"Authorization": f"Bearer {token}"}


def beat(client, headers, status=None):
    body = {"status": status or {"page": "board"}}
    r = client.post("/api/v1/devices/board-a/heartbeat", json=body, headers=headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def device_events(hall, after: int = 0) -> list[dict]:
    rows = hall.store.db.query(
        "SELECT id, type, data FROM events WHERE id > ? AND type LIKE 'device.%' ORDER BY id",
        [after],
    )
    return [{"id": r["id"], "type": r["type"], **json.loads(r["data"])} for r in rows]


def board(guide_client) -> dict:
    devices = guide_client.get("/api/v1/devices").get_json()["devices"]
    return next(d for d in devices if d["id"] == "board-a")


def test_a_display_heartbeat_is_seen_and_told_how_often_to_beat(client, display, guide_client):
    answer = beat(client, display)
    assert answer["every_s"] == 10.0  # a third of 30 s
    d = board(guide_client)
    assert d["kind"] == "display" and d["online"] and not d["alert"]
    assert d["status"] == {"page": "board"}


def test_silence_past_the_limit_raises_one_alert_and_a_heartbeat_recovers(
    client, display, guide_client, hall, clock
):
    beat(client, display)
    clock.advance(seconds=SILENT_S - 1)
    hall.devices.sweep()
    assert device_events(hall) == [] and board(guide_client)["online"]
    clock.advance(seconds=2)
    hall.devices.sweep()
    hall.devices.sweep()  # still silent: no second alert
    [alert] = device_events(hall)
    assert alert["type"] == "device.alert" and alert["problem"] == "silent"
    assert (alert["device"], alert["kind"], alert["name"]) == ("board-a", "display", "大厅主屏")
    d = board(guide_client)
    assert not d["online"] and d["alert"] and d["silent_since"]
    clock.advance(minutes=5)
    beat(client, display)
    [_, back] = device_events(hall)
    assert back["type"] == "device.recovered" and back["problem"] == "silent"
    assert back["silent_since"] == d["silent_since"]
    assert board(guide_client)["online"] and not board(guide_client)["alert"]
    # Silent again later: a new alert.
    clock.advance(seconds=SILENT_S + 1)
    hall.devices.sweep()
    types = [e["type"] for e in device_events(hall)]
    assert types == ["device.alert", "device.recovered", "device.alert"]


def read_stream(client, want: set[str], last_event_id: int) -> list[dict]:
    """The SSE stream from ``last_event_id`` until every wanted type has arrived."""
    got: list[dict] = []
    r = client.get(f"/api/v1/events?last_event_id={last_event_id}", buffered=False)
    try:
        buf = ""
        for chunk in r.response:
            buf += chunk.decode() if isinstance(chunk, bytes) else chunk
            while "\n\n" in buf:
                block, buf = buf.split("\n\n", 1)
                got += [json.loads(ln[6:]) for ln in block.splitlines() if ln.startswith("data: ")]
            if want <= {e["type"] for e in got}:
                return got
    finally:
        r.close()
    return got


def test_the_alert_reaches_the_event_stream(client, display, hall, clock):
    start = hall.store.db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    beat(client, display)
    clock.advance(seconds=SILENT_S + 5)
    hall.devices.sweep()
    beat(client, display)
    got = read_stream(client, {"device.alert", "device.recovered"}, start)
    assert [(e["type"], e["data"]["problem"]) for e in got if e["type"].startswith("device.")] == [
        ("device.alert", "silent"),
        ("device.recovered", "silent"),
    ]


def test_devices_switched_off_after_closing_raise_nothing_until_the_hall_opens(
    client, display, hall, clock
):
    clock.now = clock.now.replace(hour=17, minute=45)  # after the last opening period
    beat(client, display)
    clock.advance(hours=12)  # 05:45 next morning, still closed
    hall.devices.sweep()
    assert device_events(hall) == []
    clock.now = clock.now.replace(hour=8, minute=31)  # open, and the screen is still dark
    hall.devices.sweep()
    assert [e["problem"] for e in device_events(hall)] == ["silent"]


def test_a_device_never_seen_is_not_reported_silent(hall, clock, display):
    clock.advance(hours=2)
    hall.devices.sweep()
    assert device_events(hall) == []


def test_a_silence_is_reported_once_across_a_restart(
    client, display, hall, clock, settings, db_path
):
    beat(client, display)
    clock.advance(seconds=SILENT_S + 1)
    hall.devices.sweep()
    assert len(device_events(hall)) == 1
    again = Hall.open(settings, db_path, clock)
    try:
        again.devices.sweep()
    finally:
        again.close()
    assert len(device_events(hall)) == 1


def test_printer_back_to_ok_is_a_recovery(client, kiosk_headers, hall):
    def kiosk_beat(word):
        r = client.post(
            "/api/v1/devices/kiosk-1/heartbeat",
            json={"status": {"printer": word}},
            headers=kiosk_headers,
        )
        assert r.status_code == 200

    kiosk_beat("ok")
    kiosk_beat("paper_out")
    kiosk_beat("paper_out")
    kiosk_beat("ok")
    assert [(e["type"], e["problem"], e.get("printer")) for e in device_events(hall)] == [
        ("device.alert", "printer", "paper_out"),
        ("device.recovered", "printer", "ok"),
    ]
