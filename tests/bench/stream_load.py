"""1,000 event-stream clients for bench_server.py (issue 10 goals, printed, never asserted):

- call → event p99 with 1,000 streams connected (goal ≤ 50 ms): from the moment call-next is
  sent until each stream has the ``ticket.called`` event;
- issue p99 with 1,000 streams connected ≤ 2 × issue p99 with none.

The streams follow every event, as the hall pages do (so each issued ticket is also written to
all of them). They live in a separate process on one epoll loop, spread over 50 loopback
addresses (20 each: the default per-address cap); arrival times use ``time.perf_counter``,
which is CLOCK_MONOTONIC on Linux and so comparable across processes.
"""

from __future__ import annotations

import multiprocessing
import re
import selectors
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.stream_clients import raise_fd_limit  # noqa: E402

ADDRESSES = 50


CALLED = re.compile(rb"id: (\d+)\nevent: ticket\.called\n")


def _open(port: int, source: str) -> socket.socket | None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))
    sock.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: hall\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    if not head.startswith(b"HTTP/1.1 200"):
        sock.close()
        return None
    sock.setblocking(False)
    return sock


def _listen(port: int, n: int, conn) -> None:
    """Plain epoll, no asyncio: the clients' own CPU would otherwise be measured as delay."""
    raise_fd_limit(n + 256)
    socks = [_open(port, f"127.0.4.{(j % ADDRESSES) + 1}") for j in range(n)]
    refused = sum(1 for s in socks if s is None)
    sel = selectors.DefaultSelector()
    tails = {}
    for s in socks:
        if s is not None:
            sel.register(s, selectors.EVENT_READ)
            tails[s] = b""
    arrivals: dict[int, list[float]] = {}
    conn.send(("ready", refused))
    while not conn.poll():
        for key, _ in sel.select(timeout=0.05):
            data = key.fileobj.recv(65536)
            now = time.perf_counter()
            if not data:
                sel.unregister(key.fileobj)
                continue
            text = tails[key.fileobj] + data
            for m in CALLED.finditer(text):
                arrivals.setdefault(int(m.group(1)), []).append(now)
            tails[key.fileobj] = text[text.rfind(b"\n\n") + 2 :][-256:]
    conn.recv()
    conn.send(("arrivals", arrivals))
    for s in socks:
        if s is not None:
            s.close()


class StreamClients:
    def __init__(self, port: int, n: int = 1000):
        self.n = n
        self.conn, child = multiprocessing.Pipe()
        self.proc = multiprocessing.get_context("fork").Process(
            target=_listen, args=(port, n, child), daemon=True
        )

    def __enter__(self) -> "StreamClients":
        t = time.perf_counter()
        self.proc.start()
        if not self.conn.poll(120):
            raise RuntimeError("stream clients did not connect in time")
        _, refused = self.conn.recv()
        print(
            f"{'streams connected':<44} {self.n - refused}/{self.n} "
            f"in {time.perf_counter() - t:.1f} s"
        )
        return self

    def arrivals(self) -> dict[int, list[float]]:
        self.conn.send("report")
        if not self.conn.poll(60):
            raise RuntimeError("stream clients did not report")
        return self.conn.recv()[1]

    def __exit__(self, *exc) -> None:
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()


def call_to_event(clients: StreamClients, call, n_calls: int = 40) -> list[float]:
    """Send ``n_calls`` call-nexts one by one; delay from each send to each stream's arrival.
    The streams began after any earlier call, so the k-th ticket.called is the k-th call."""
    sent = []
    for _ in range(n_calls):
        sent.append(time.perf_counter())
        call()
        time.sleep(0.1)  # one call at a time, as windows do: measures delivery, not a backlog
    time.sleep(1.0)
    arrivals = clients.arrivals()
    ids = sorted(arrivals)[:n_calls]
    delays = [a - sent[k] for k, event_id in enumerate(ids) for a in arrivals[event_id]]
    complete = sum(1 for i in ids if len(arrivals[i]) == clients.n)
    print(f"{'calls received by every stream':<44} {complete}/{n_calls}")
    return delays
