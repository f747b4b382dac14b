"""Issue 10 items 1–2 against a real server: live streams cost no worker, limits refuse at once.

Clients come from many loopback addresses (127.x.y.z), as the devices of a hall would. Request
timeouts of 10 s are the failure bound ("answers promptly"), not a speed measurement: speed is
tests/bench/bench_server.py's job.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import sqlite3
import threading
import time
import uuid

import pytest
import requests

from queue_server.core.settings import ServerSettings
from tests.support.live_server import start_server
from tests.support.stream_clients import Stream, raise_fd_limit

pytestmark = pytest.mark.e2e

CALLS = "/api/v1/events?types=ticket.called"
PROMPT = 10  # seconds: any request slower than this fails the test


def issue(srv, headers, service="pension", request_id=None, timeout=PROMPT):
    body = {"service": service, "request_id": request_id or uuid.uuid4().hex}
    return requests.post(f"{srv.url}/api/v1/tickets", json=body, headers=headers, timeout=timeout)


def issue_with(session, srv, headers, service):
    return session.post(
        f"{srv.url}/api/v1/tickets",
        headers=headers,
        timeout=PROMPT,
        json={"service": service, "request_id": uuid.uuid4().hex},
    )


@pytest.fixture
def hall(tmp_path):
    started = []

    def start(**settings):
        env = {f"HALLQUEUE_SERVER_{k.upper()}": str(v) for k, v in settings.items()}
        srv = start_server(tmp_path / f"hall{len(started)}", env=env)
        srv.kiosk = {"Authorization": f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"}
        srv.create_user("win1", "window")
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


def test_300_streams_leave_the_api_answering_and_every_stream_gets_the_call(hall):
    raise_fd_limit(4096)
    srv = hall()  # default limits: 16 API workers, 20 streams per address
    staff = srv.login("win1")

    def api_meanwhile() -> str:
        staff.post(f"{srv.url}/api/v1/windows/3/open", json={}, timeout=PROMPT).raise_for_status()
        for _ in range(20):
            assert issue(srv, srv.kiosk).status_code == 201
        assert requests.get(f"{srv.url}/api/v1/display/state", timeout=PROMPT).ok
        assert requests.get(f"{srv.url}/api/v1/services", timeout=PROMPT).ok
        called = staff.post(f"{srv.url}/api/v1/windows/3/call-next", json={}, timeout=PROMPT)
        assert called.status_code == 200, called.text
        return called.json()["number"]

    async def main():
        streams = await asyncio.gather(
            *(Stream.open(srv.port, CALLS, source=f"127.0.1.{i % 30 + 1}") for i in range(300))
        )
        assert [s.status for s in streams] == [200] * 300
        number = await asyncio.to_thread(api_meanwhile)
        events = await asyncio.wait_for(asyncio.gather(*(s.next_event() for s in streams)), PROMPT)
        for s in streams:
            s.close()
        return number, events

    number, events = asyncio.run(main())
    assert {e["data"]["ticket"]["number"] for e in events} == {number}
    assert len(events) == 300


def test_stream_limits_per_address_and_in_total_refuse_at_once_with_retry_after(hall):
    srv = hall(stream_max_per_address=2, stream_max_total=4)

    async def main():
        a = [await Stream.open(srv.port, source="127.0.2.1") for _ in range(2)]
        third = await asyncio.wait_for(Stream.open(srv.port, source="127.0.2.1"), PROMPT)
        assert [s.status for s in a] == [200, 200]
        assert "content-security-policy" in a[0].headers
        assert third.status == 503 and int(third.headers["retry-after"]) > 0
        assert "连接过多" in third.body.decode()  # plain Chinese, as every API error
        assert third.headers["x-content-type-options"] == "nosniff"  # as every answer
        b = [await Stream.open(srv.port, source="127.0.2.2") for _ in range(2)]
        assert [s.status for s in b] == [200, 200]
        over = await asyncio.wait_for(
            Stream.open(srv.port, source="127.0.2.3", headers={"Accept-Language": "en"}), PROMPT
        )
        assert over.status == 503 and "too many live connections" in over.body.decode()
        assert (await asyncio.to_thread(requests.get, f"{srv.url}/api/v1/hall", timeout=PROMPT)).ok
        a[0].close()  # a client that leaves frees its place
        deadline = time.monotonic() + PROMPT
        while True:
            again = await Stream.open(srv.port, source="127.0.2.1")
            if again.status == 200 or time.monotonic() > deadline:
                break
            again.close()
            await asyncio.sleep(0.1)
        assert again.status == 200
        for s in [*a[1:], *b, again, third, over]:
            s.close()

    asyncio.run(main())


def raw_stream(port: int, source: str, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: hall\r\n\r\n")
    sock.settimeout(PROMPT)
    return sock


def test_a_reader_that_stops_reading_is_dropped_after_the_write_timeout(hall):
    srv = hall(stream_max_per_address=1, stream_write_timeout_s=1)
    # A display that froze: its socket stays open, it reads nothing, its window is tiny.
    frozen = raw_stream(srv.port, "127.0.3.1", rcvbuf=2048)
    session = requests.Session()
    services = ["consult", "pension", "medical", "unemployment"]
    deadline = time.monotonic() + 60
    sent = 0
    while True:  # events pile up for it until it is dropped and its address may connect again
        assert time.monotonic() < deadline and sent < 3000, "the frozen reader was kept"
        for _ in range(25):
            assert issue_with(session, srv, srv.kiosk, services[sent % 4]).status_code == 201
            sent += 1
        probe = raw_stream(srv.port, "127.0.3.1")
        status = probe.recv(12)
        probe.close()
        if status.startswith(b"HTTP/1.1 200"):
            break
        assert status.startswith(b"HTTP/1.1 503")
    assert sent < 1500  # a few hundred events fill its bounded buffers
    with pytest.raises(ConnectionResetError):  # cut, not left open
        while frozen.recv(65536):
            pass
    frozen.close()


def test_last_event_id_checks_and_an_id_past_the_log_follows_from_now(hall):
    srv = hall()
    for bad in ("²", "12a", "1" * 19):
        r = requests.get(f"{srv.url}/api/v1/events", headers={"Last-Event-ID": bad}, timeout=PROMPT)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"

    async def main():
        far = await Stream.open(
            srv.port,
            CALLS.replace("ticket.called", "ticket.issued"),
            headers={"Last-Event-ID": "9" * 18},
        )
        assert far.status == 200
        r = await asyncio.to_thread(issue, srv, srv.kiosk, "card")
        event = await asyncio.wait_for(far.next_event(), PROMPT)
        assert event["data"]["ticket"]["number"] == r.json()["number"]
        far.close()

    asyncio.run(main())


def test_a_request_given_up_while_waiting_for_a_worker_is_never_run(hall):
    # The workers will wait on another program's write lock: longer than this test holds it.
    waits = {f.name for f in dataclasses.fields(ServerSettings)} & {"db_busy_timeout_s"}
    srv = hall(threads=4, api_queue_timeout_s=1.5, **{name: 30 for name in waits})
    hold = sqlite3.connect(srv.db, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")  # another writer: the 4 workers wait on the database
    busy = []
    workers = [
        threading.Thread(target=lambda: busy.append(issue(srv, srv.kiosk))) for _ in range(4)
    ]
    try:
        for t in workers:
            t.start()
        time.sleep(0.5)
        abandoned, refused = uuid.uuid4().hex, uuid.uuid4().hex
        with pytest.raises(requests.Timeout):
            issue(srv, srv.kiosk, request_id=abandoned, timeout=0.5)  # the kiosk gives up
        late = issue(srv, srv.kiosk, request_id=refused)
        assert late.status_code == 503 and int(late.headers["Retry-After"]) > 0
    finally:
        hold.execute("COMMIT")
        hold.close()
        for t in workers:
            t.join(PROMPT)
    assert [r.status_code for r in busy] == [201] * 4, [r.text for r in busy]
    # Neither request ran: sent again now, each creates its ticket (201), not a replay (200).
    assert issue(srv, srv.kiosk, request_id=abandoned).status_code == 201
    assert issue(srv, srv.kiosk, request_id=refused).status_code == 201


def test_a_quiet_stream_gets_keep_alive_comments(hall):
    srv = hall(sse_heartbeat_s=0.5)

    async def main():
        stream = await Stream.open(srv.port)
        blocks = [await asyncio.wait_for(stream.next_block(), PROMPT) for _ in range(3)]
        stream.close()
        return blocks

    assert asyncio.run(main()) == ["retry: 2000", ": keep-alive", ": keep-alive"]
