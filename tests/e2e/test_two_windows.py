"""Against a real ``queue-server serve`` process: concurrency, SSE resume, clean stop."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.live_server import start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("e2e"))
    srv.kiosk_token = srv.create_device("kiosk-1", "kiosk")
    srv.create_user("win1", "window")
    yield srv
    srv.stop()


def test_concurrent_issuing_gives_unique_numbers_and_idempotent_retries(server):
    headers = {"Authorization": f"Bearer {server.kiosk_token}"}
    services = ["consult", "pension", "medical", "unemployment"]
    request_ids = [uuid.uuid4().hex for _ in range(500)]
    # Every 10th request is sent twice from different threads: both must get the same ticket.
    jobs = [(rid, services[i % 4]) for i, rid in enumerate(request_ids)]
    jobs += [(rid, services[i % 4]) for i, rid in enumerate(request_ids) if i % 10 == 0]

    def work(chunk):
        s = requests.Session()
        out = []
        for rid, svc in chunk:
            r = s.post(
                f"{server.url}/api/v1/tickets",
                json={"service": svc, "request_id": rid},
                headers=headers,
                timeout=30,
            )
            assert r.status_code in (200, 201), r.text
            out.append((rid, r.json()))
        return out

    chunks = [jobs[i::8] for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        results = [item for part in pool.map(work, chunks) for item in part]
    by_rid: dict[str, set] = {}
    for rid, ticket in results:
        by_rid.setdefault(rid, set()).add((ticket["id"], ticket["number"]))
    assert all(len(v) == 1 for v in by_rid.values()), "a retry got a different ticket"
    tickets = [next(iter(v)) for v in by_rid.values()]
    assert len(tickets) == 500
    numbers = Counter(number for _, number in tickets)
    assert max(numbers.values()) == 1, "a number was issued twice"
    for prefix in "ABCD":
        seqs = sorted(int(n[1:]) for n in numbers if n[0] == prefix)
        assert seqs == list(range(1, 126)), f"gaps or repeats in {prefix}"


def test_four_windows_calling_at_once_never_share_a_ticket(server):
    headers = {"Authorization": f"Bearer {server.kiosk_token}"}
    staff = server.login("win1")
    # windows 3, 4, 5 and 11 all serve pension
    for n in (3, 4, 5, 11):
        staff.post(f"{server.url}/api/v1/windows/{n}/open", json={}, timeout=5).raise_for_status()
    waiting = requests.get(f"{server.url}/api/v1/services", timeout=5).json()["services"]
    pension_waiting = next(s["waiting"] for s in waiting if s["code"] == "pension")
    for _ in range(40):
        requests.post(
            f"{server.url}/api/v1/tickets",
            json={"service": "pension", "request_id": uuid.uuid4().hex},
            headers=headers,
            timeout=5,
        ).raise_for_status()
    total = pension_waiting + 40
    # One login per window, one after the other: tries from one (name, address) that are still
    # being checked count against the login throttle, so a burst of logins would be slowed.
    sessions = {n: server.login("win1") for n in (3, 4, 5, 11)}

    def caller(n):
        s = sessions[n]
        got = []
        while True:
            r = s.post(f"{server.url}/api/v1/windows/{n}/call-next", json={}, timeout=30)
            if r.status_code == 204:
                return got
            assert r.status_code == 200, r.text
            if r.json()["service"] == "pension":
                got.append(r.json()["id"])

    with ThreadPoolExecutor(4) as pool:
        called = [t for part in pool.map(caller, (3, 4, 5, 11)) for t in part]
    assert len(called) == len(set(called)) == total


def read_events(url: str, last_id: int | None, want: int, timeout: float = 10) -> list[dict]:
    headers = {"Last-Event-ID": str(last_id)} if last_id is not None else {}
    out = []
    with requests.get(f"{url}/api/v1/events", headers=headers, stream=True, timeout=timeout) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        event_id = None
        for line in r.iter_lines(decode_unicode=True):
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                assert data["id"] == event_id
                out.append(data)
                if len(out) >= want:
                    return out
    return out


def test_sse_resume_sees_every_event_once_in_order(server):
    headers = {"Authorization": f"Bearer {server.kiosk_token}"}
    start = requests.get(f"{server.url}/api/v1/display/state", timeout=5).json()["last_event_id"]

    def issue(k):
        for _ in range(k):
            requests.post(
                f"{server.url}/api/v1/tickets",
                json={"service": "card", "request_id": uuid.uuid4().hex},
                headers=headers,
                timeout=5,
            ).raise_for_status()

    got: list[dict] = []
    reader_done = threading.Event()

    def first_reader():
        got.extend(read_events(server.url, start, 5))
        reader_done.set()

    t = threading.Thread(target=first_reader)
    t.start()
    issue(5)
    assert reader_done.wait(10)
    t.join()
    issue(7)  # happens while the client is disconnected
    got.extend(read_events(server.url, got[-1]["id"], 7))
    ids = [e["id"] for e in got]
    assert ids == sorted(set(ids)) and len(ids) == 12
    assert ids == list(range(start + 1, start + 13))
    assert all(e["type"] == "ticket.issued" for e in got)


def test_sse_survives_server_restart_with_last_event_id(server):
    headers = {"Authorization": f"Bearer {server.kiosk_token}"}
    last = requests.get(f"{server.url}/api/v1/display/state", timeout=5).json()["last_event_id"]
    server.restart()
    requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": "consult", "request_id": uuid.uuid4().hex},
        headers=headers,
        timeout=5,
    ).raise_for_status()
    events = read_events(server.url, last, 1)
    assert events[0]["id"] == last + 1 and events[0]["data"]["ticket"]["service"] == "consult"


def test_sigterm_stops_cleanly_with_open_streams(tmp_path):
    srv = start_server(tmp_path / "term")
    streams = [requests.get(f"{srv.url}/api/v1/events", stream=True, timeout=5) for _ in range(3)]
    srv.proc.terminate()
    assert srv.proc.wait(timeout=10) == 0
    log = srv.log.read_text()
    assert "stopping" in log and "Traceback" not in log
    for s in streams:
        s.close()
