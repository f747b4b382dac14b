"""Benchmark of the real server: issue/call-next latency, throughput, SSE delivery delay.

Run: .venv/bin/python tests/bench/bench_server.py   (prints figures; asserts nothing)
Goals (issue #2): issue p50 ≤ 2 ms sequential, ≥ 500 tickets/s with 8 clients, SSE p99 ≤ 50 ms.
The load generator uses http.client with keep-alive (requests costs ~1 ms of client CPU per call
on the same 2 cores, which would be measured as server time).
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.live_server import start_server  # noqa: E402

SERVICES = ["consult", "pension", "medical", "unemployment", "card"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def show(name, values):
    print(f"{name:<44} p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms   n={len(values)}")


class Client:
    def __init__(self, port: int, headers: dict):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = headers | {"Content-Type": "application/json"}

    def post(self, path: str, body: dict) -> tuple[int, float]:
        data = json.dumps(body)
        t = time.perf_counter()
        self.conn.request("POST", path, data, self.headers)
        resp = self.conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t

    def issue(self, service: str) -> float:
        status, took = self.post("/api/v1/tickets", {"service": service, "request_id": uuid.uuid4().hex})
        assert status == 201, status
        return took


def main():
    srv = start_server(Path(tempfile.mkdtemp(prefix="bench-server-")))
    try:
        token = srv.create_device("kiosk-1", "kiosk")
        srv.create_user("win1", "window")
        kiosk = {"Authorization": f"Bearer {token}"}
        cookie = "; ".join(f"{k}={v}" for k, v in srv.login("win1").cookies.items())
        staff = {"Cookie": cookie}

        c = Client(srv.port, kiosk)
        for _ in range(20):
            c.issue("consult")  # warm-up
        show("issue ticket, sequential", [c.issue(SERVICES[i % 5]) for i in range(300)])

        def issuer(n):
            cl = Client(srv.port, kiosk)
            return [cl.issue(SERVICES[i % 5]) for i in range(n)]

        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            lat8 = [x for part in pool.map(issuer, [150] * 8) for x in part]
        elapsed = time.perf_counter() - t0
        show("issue ticket, 8 concurrent clients", lat8)
        print(f"{'throughput, 8 clients':<44} {len(lat8) / elapsed:7.0f} tickets/s")

        w = Client(srv.port, staff)
        for n in range(1, 12):
            w.post(f"/api/v1/windows/{n}/open", {})
        show("call-next, sequential",
             [w.post(f"/api/v1/windows/{(i % 11) + 1}/call-next", {})[1] for i in range(200)])

        def caller(n):
            cl = Client(srv.port, staff)
            return [cl.post(f"/api/v1/windows/{n}/call-next", {})[1] for _ in range(40)]

        with ThreadPoolExecutor(8) as pool:
            calls8 = [x for part in pool.map(caller, [1, 2, 3, 4, 6, 7, 9, 10]) for x in part]
        show("call-next, 8 concurrent windows", calls8)

        # SSE: 20 connected clients (more than waitress's default 4 threads) see each call.
        for _ in range(120):
            c.issue("pension")
        n_clients, n_calls = 20, 60
        arrivals: dict[int, list[float]] = {}
        lock = threading.Lock()
        ready = threading.Barrier(n_clients + 1)

        def listener():
            with requests.get(f"{srv.url}/api/v1/events?types=ticket.called", stream=True, timeout=60) as r:
                ready.wait()
                seen = 0
                for line in r.iter_lines(decode_unicode=True):
                    if line.startswith("data: "):
                        ev = json.loads(line[6:])
                        with lock:
                            arrivals.setdefault(ev["id"], []).append(time.perf_counter())
                        seen += 1
                        if seen >= n_calls:
                            return

        threads = [threading.Thread(target=listener, daemon=True) for _ in range(n_clients)]
        for t in threads:
            t.start()
        ready.wait()
        time.sleep(0.3)
        returned = []
        for i in range(n_calls):
            w.post(f"/api/v1/windows/{(i % 3) + 3}/call-next", {})
            returned.append(time.perf_counter())
            time.sleep(0.02)
        for t in threads:
            t.join(timeout=20)
        # the k-th ticket.called event belongs to the k-th call
        ids = sorted(arrivals)
        delays = [max(0.0, a - returned[k]) for k, ev_id in enumerate(ids[:n_calls]) for a in arrivals[ev_id]]
        show(f"SSE delivery after call-next, {n_clients} clients", delays)
        complete = sum(1 for v in arrivals.values() if len(v) == n_clients)
        print(f"{'SSE events received by every client':<44} {complete}/{len(ids)}")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
