"""Benchmark of the real server: issue/call-next latency, throughput, SSE delivery delay.

Run: .venv/bin/python tests/bench/bench_server.py   (prints figures; asserts nothing)
Goals (issue #2): issue p50 ≤ 2 ms sequential, ≥ 500 tickets/s with 8 clients, SSE p99 ≤ 50 ms.
"""

from __future__ import annotations

import json
import statistics
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


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def show(name, values):
    print(f"{name:<44} p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms   n={len(values)}")


def main():
    srv = start_server(Path(tempfile.mkdtemp(prefix="bench-server-")))
    try:
        token = srv.create_device("kiosk-1", "kiosk")
        srv.create_user("win1", "window")
        headers = {"Authorization": f"Bearer {token}"}
        s = requests.Session()
        url = f"{srv.url}/api/v1/tickets"
        services = ["consult", "pension", "medical", "unemployment", "card"]
        for _ in range(20):  # warm-up
            s.post(url, json={"service": "consult", "request_id": uuid.uuid4().hex}, headers=headers)

        lat = []
        for i in range(300):
            t = time.perf_counter()
            r = s.post(url, json={"service": services[i % 5], "request_id": uuid.uuid4().hex}, headers=headers)
            lat.append(time.perf_counter() - t)
            assert r.status_code == 201
        show("issue ticket, sequential", lat)

        def client(n):
            sess = requests.Session()
            out = []
            for i in range(n):
                t = time.perf_counter()
                sess.post(url, json={"service": services[i % 5], "request_id": uuid.uuid4().hex}, headers=headers)
                out.append(time.perf_counter() - t)
            return out

        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            lat8 = [x for part in pool.map(client, [150] * 8) for x in part]
        elapsed = time.perf_counter() - t0
        show("issue ticket, 8 concurrent clients", lat8)
        print(f"{'throughput, 8 clients':<44} {len(lat8) / elapsed:7.0f} tickets/s")

        staff = srv.login("win1")
        for n in range(1, 12):
            staff.post(f"{srv.url}/api/v1/windows/{n}/open", json={})
        calls = []
        for i in range(200):
            t = time.perf_counter()
            staff.post(f"{srv.url}/api/v1/windows/{(i % 11) + 1}/call-next", json={})
            calls.append(time.perf_counter() - t)
        show("call-next, sequential", calls)

        def caller(n):
            sess = srv.login("win1")
            out = []
            for _ in range(40):
                t = time.perf_counter()
                sess.post(f"{srv.url}/api/v1/windows/{n}/call-next", json={})
                out.append(time.perf_counter() - t)
            return out

        with ThreadPoolExecutor(8) as pool:
            calls8 = [x for part in pool.map(caller, [1, 2, 3, 4, 6, 7, 9, 10]) for x in part]
        show("call-next, 8 concurrent windows", calls8)

        # SSE: 20 connected clients (more than waitress's default 4 threads) see each call.
        for _ in range(120):
            s.post(url, json={"service": "pension", "request_id": uuid.uuid4().hex}, headers=headers)
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
        returned = {}
        for i in range(n_calls):
            r = staff.post(f"{srv.url}/api/v1/windows/{(i % 3) + 3}/call-next", json={})
            returned[i] = (time.perf_counter(), r)
            time.sleep(0.02)
        for t in threads:
            t.join(timeout=20)
        # pair each call with its event by order: the k-th ticket.called event is the k-th call
        ids = sorted(arrivals)
        delays = []
        for k, ev_id in enumerate(ids[:n_calls]):
            done = returned[k][0]
            delays += [max(0.0, a - done) for a in arrivals[ev_id]]
        show(f"SSE delivery after call-next, {n_clients} clients", delays)
        print(f"{'SSE clients that received every call':<44} "
              f"{sum(1 for v in arrivals.values() if len(v) == n_clients)}/{len(ids)} events")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
