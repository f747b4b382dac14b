"""``/api/v1/events`` on the server's event loop: one asyncio task per client, no thread.

The hub subscribes to the hall's event follower (``Hall.events``), which hands each new
batch of the event log over once; the hub keeps the recent events already formatted, and every
client task writes what it has not seen yet. A client further behind than that buffer is served from the
log itself, so a resume with ``Last-Event-ID`` misses nothing.

What protects the hall (``server`` settings): at most ``stream_max_total`` streams and
``stream_max_per_address`` from one address — more get 503 with ``Retry-After`` at once, never
a stall; a write that cannot be handed to the kernel within ``stream_write_timeout_s`` drops
that reader (its connection is aborted, not left to linger); a keep-alive comment every
``sse_heartbeat_s`` keeps proxies open and lets TCP find half-open peers.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import socket
import struct
from typing import Callable
from urllib.parse import parse_qs

from ..errors import HallError, Unavailable
from ..i18n import best_language, translate
from .events import HEADERS, KEEP_ALIVE, RETRY, format_event, requested_id
from .events import requested_types, resume_point
from .headers import security_headers

log = logging.getLogger(__name__)

RECENT = 2000
"""Formatted events kept in memory: a reconnect within this many events needs no query."""
RETRY_AFTER_S = 10
FAN_SLICE = 50
FAN_PAUSE_S = 0.001
"""Between slices, while API requests run: a ticket is answered before the whole hall's
displays have been written (each send drops the GIL and the loop takes it straight back)."""
TRANSPORT = "hallqueue.transport"
"""Scope key under which the server's protocol offers the connection's transport (asgi.py)."""
SEND_BUFFER = 32 * 1024
"""Bytes a stream may have in flight (kernel, then loop): an event is ~0.5 KB, so a reader that
stops reading fills this within a few hundred events and meets the write timeout. Without it
Linux lets a loopback socket buffer 4 MB."""


def _header(scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def request_language(scope, offered) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    lang = (query.get("lang") or [""])[0]
    return lang if lang in offered else best_language(_header(scope, b"accept-language"), offered)


def client_address(scope, proxy_hops: int) -> str:
    """The peer, or with ``server.proxy_hops`` trusted proxies the address they forwarded
    (as werkzeug's ProxyFix reads X-Forwarded-For for the Flask side)."""
    peer = (scope.get("client") or ("",))[0]
    if proxy_hops <= 0:
        return peer
    forwarded = [a.strip() for a in (_header(scope, b"x-forwarded-for") or "").split(",")]
    if len(forwarded) < proxy_hops or not forwarded[-proxy_hops]:
        return peer
    return forwarded[-proxy_hops]


def extra_headers(server_settings) -> list[tuple[bytes, bytes]]:
    """The security headers Flask adds to its answers (web/headers.py), for ours."""
    pairs = security_headers(server_settings.https).items()
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs]


async def send_error(
    send,
    exc: HallError,
    lang: str,
    retry_after: int | None = None,
    extra: list[tuple[bytes, bytes]] = (),
) -> None:
    """The API's JSON error shape (web/errors.py), for answers given before Flask is reached."""
    message = translate(exc.message, lang, **exc.params)
    body = {"error": {"code": exc.code, "message": message}}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    headers += extra
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class _Dropped(Exception):
    """The reader did not take a write within the write timeout."""


def _chunk(data: bytes) -> bytes:
    """HTTP/1.1 chunked framing, as uvicorn frames the body of a response without a length."""
    return b"%x\r\n%s\r\n" % (len(data), data)


class StreamHub:
    """Streams that are up to date are *live*: the hub writes each new batch to their sockets
    itself, in slices of FAN_SLICE (a task switch per client per event cost ~50 ms per event
    with 1,000 clients; this costs ~18 µs per client, mostly the kernel's send). A stream that
    is behind, or whose reader stalls, is written by its own task through uvicorn until it has
    caught up."""

    def __init__(self, hall, server_settings) -> None:
        self.hall = hall
        self.settings = server_settings
        self.by_address: collections.Counter[str] = collections.Counter()
        self.open = 0
        self.closed = False
        self.live: set[_Connection] = set()
        self._recent: collections.deque[tuple[int, str, bytes]] = collections.deque(maxlen=RECENT)
        self._covered_from = 0  # the buffer holds every event with an id above this one
        self._read_up_to = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._beat: asyncio.Task | None = None
        self._fan_queue: collections.deque[_Connection] = collections.deque()
        self._framed: dict[tuple[int, frozenset], bytes] = {}  # per (last id, types), per read
        self.others_busy: Callable[[], bool] = lambda: False  # set by the server (asgi.py)
        self.headers = extra_headers(server_settings)

    # --- following the event log (event loop thread) -------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        start = self.hall.events.subscribe("streams", self._handed, inline=True)
        self._read_up_to = self._covered_from = start
        self._beat = loop.create_task(self._keep_alive())

    def _handed(self, batch: list[dict]) -> None:
        """Called in the event follower's thread: frame the batch there, off the loop, and
        hand it over."""
        if not batch or self._loop is None:
            return
        framed = [(e["id"], e["type"], format_event(e).encode()) for e in batch]
        try:
            self._loop.call_soon_threadsafe(self._take, framed)
        except RuntimeError:  # the loop has already stopped
            pass

    def _take(self, framed: list[tuple[int, str, bytes]]) -> None:
        if self.closed or framed[-1][0] <= self._read_up_to:
            return
        for item in framed:
            if item[0] <= self._read_up_to:
                continue
            if len(self._recent) == RECENT:
                self._covered_from = self._recent[0][0]
            self._recent.append(item)
            self._read_up_to = item[0]
        running = bool(self._fan_queue)
        self._fan_queue = collections.deque(self.live)  # every live stream, once more
        self._framed.clear()
        if not running:
            self._fan_step()

    def _fan_step(self) -> None:
        """Write to a slice of the live streams, then let the loop answer other requests:
        API responses wait at most one slice, not the whole hall."""
        queue = self._fan_queue
        for _ in range(min(FAN_SLICE, len(queue))):
            conn = queue.popleft()
            if conn in self.live and conn.last < self._read_up_to:
                self._send_unseen(conn)
        if queue and self.others_busy():
            self._loop.call_later(FAN_PAUSE_S, self._fan_step)  # the loop sleeps: GIL free
        elif queue:
            self._loop.call_soon(self._fan_step)

    def _send_unseen(self, conn: "_Connection") -> None:
        if conn.stalled() or conn.last < self._covered_from:
            conn.wake("stalled")  # its task writes the rest once the reader takes data
            return
        key = (conn.last, conn.types)
        data = self._framed.get(key)
        if data is None:
            items = []
            for item in reversed(self._recent):
                if item[0] <= conn.last:
                    break
                if not conn.types or item[1] in conn.types:
                    items.append(item[2])
            items.reverse()
            data = self._framed[key] = _chunk(b"".join(items)) if items else b""
        if data:
            conn.write_raw(data)
        conn.last = self._read_up_to

    async def _keep_alive(self) -> None:
        period = self.settings.sse_heartbeat_s
        comment = _chunk(KEEP_ALIVE.encode())
        while not self.closed:
            await asyncio.sleep(period / 3)
            due = self._loop.time() - period
            for conn in list(self.live):
                if conn.last_write <= due:
                    if conn.stalled():
                        conn.wake("stalled")
                    else:
                        conn.write_raw(comment)  # a dead peer fails it (TCP_USER_TIMEOUT)

    def close(self) -> None:
        """Server stopping: every stream ends (clients reconnect with Last-Event-ID)."""
        self.closed = True
        self.hall.events.unsubscribe(self._handed)
        for conn in list(self.live):
            conn.wake("closed")
        if self._beat is not None:
            self._beat.cancel()

    async def _unseen(self, last: int, types: frozenset[str]) -> tuple[bytes, int]:
        if last >= self._read_up_to:
            return b"", last
        if last >= self._covered_from:
            items = []
            for item in reversed(self._recent):
                if item[0] <= last:
                    break
                items.append(item)
            items.reverse()
        else:  # behind the buffer: read the log itself, off the event loop
            logged = await self._loop.run_in_executor(None, self.hall.events.after, last)
            items = [(e["id"], e["type"], format_event(e).encode()) for e in logged]
            if not items:  # nothing logged between here and the buffer: continue from it
                return b"", self._covered_from
        data = b"".join(text for _, kind, text in items if not types or kind in types)
        return data, items[-1][0]

    # --- one client -----------------------------------------------------------------------

    def _admit(self, address: str) -> Unavailable | None:
        if self.closed:
            return Unavailable(
                "The server is restarting; try again in {seconds} seconds.", seconds=RETRY_AFTER_S
            )
        if self.open >= self.settings.stream_max_total:
            return Unavailable(
                "The server has too many live connections; try again in {seconds} seconds.",
                seconds=RETRY_AFTER_S,
            )
        if self.by_address[address] >= self.settings.stream_max_per_address:
            return Unavailable(
                "Too many live connections from this address; try again in {seconds} seconds.",
                seconds=RETRY_AFTER_S,
            )
        self.open += 1
        self.by_address[address] += 1
        return None

    def _release(self, address: str) -> None:
        self.open -= 1
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]

    async def __call__(self, scope, receive, send) -> None:
        lang = request_language(scope, self.hall.settings.hall.languages)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        try:
            raw = _header(scope, b"last-event-id") or (query.get("last_event_id") or [None])[0]
            types = requested_types((query.get("types") or [None])[0])
            last = resume_point(requested_id(raw), self.hall.events.last_id())
        except HallError as exc:  # a bad Last-Event-ID (400), the storage failing (503)
            await send_error(send, exc, lang, extra=self.headers)
            return
        address = client_address(scope, self.settings.proxy_hops)
        refusal = self._admit(address)
        if refusal is not None:
            await send_error(send, refusal, lang, retry_after=RETRY_AFTER_S, extra=self.headers)
            return
        try:
            await _Connection(self, scope, receive, send, last, types).run()
        finally:
            self._release(address)


class _Connection:
    """One open stream: its task (start, catching up, the end) and a watcher for the client
    leaving. While live, the hub writes to its transport directly."""

    def __init__(self, hub: StreamHub, scope, receive, send, last: int, types) -> None:
        self.hub, self.scope, self.receive, self.send = hub, scope, receive, send
        self.last, self.types = last, types
        self.transport = scope.get(TRANSPORT)
        self.fd = -1
        self.last_write = 0.0
        self._wake: asyncio.Future | None = None
        self._task: asyncio.Task | None = None
        self.left = False
        self.done = False

    def stalled(self) -> bool:
        """The reader has not taken what we wrote: more than the send buffer is waiting."""
        return self.transport.get_write_buffer_size() > SEND_BUFFER

    def write_raw(self, framed: bytes) -> None:
        transport = self.transport
        if transport.is_closing():
            return
        sent = 0
        if self.fd >= 0 and not transport.get_write_buffer_size():
            # The kernel's send (most of a write's cost) with the GIL released, which
            # uvloop's transport.write holds: the API's workers run on meanwhile.
            try:
                sent = os.write(self.fd, framed)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                sent = 0  # the transport reports the loss on its own write below
        if sent < len(framed):
            transport.write(framed[sent:] if sent else framed)
        self.last_write = self.hub._loop.time()

    def wake(self, reason: str) -> None:
        self.hub.live.discard(self)
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(reason)

    async def run(self) -> None:
        self._task = asyncio.current_task()
        watcher = asyncio.ensure_future(self._watch())
        self._bound_buffers()
        try:
            await self._write_start()
            await self._write(RETRY.encode())
            while await self._catch_up_then_live() == "stalled":
                pass
            self.done = True
            await self._write(b"", more=False)
        except _Dropped:
            self.done = True
            log.warning(
                "dropped an event stream to %s: no write accepted for %s s",
                self.scope.get("client"),
                self.hub.settings.stream_write_timeout_s,
            )
            if self.transport is not None:
                # A reset, not close(): close() would wait for a reader that does not read,
                # and the kernel would keep trying to deliver what it holds.
                with contextlib.suppress(OSError):
                    self.transport.get_extra_info("socket").setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                self.transport.abort()
                await asyncio.sleep(0)  # let the transport report the loss before we return
        except asyncio.CancelledError:
            if not self.left:
                raise
            self._task.uncancel()  # the client went away: a normal end of a stream
        except HallError as exc:  # the log could not be read: end; the client resumes later
            log.warning("event stream ended: %s", exc.message)
            with contextlib.suppress(_Dropped):
                await self._write(b"", more=False)
        finally:
            self.done = True
            self.hub.live.discard(self)
            watcher.cancel()

    def _bound_buffers(self) -> None:
        if self.transport is None:
            return
        sock = self.transport.get_extra_info("socket")
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        if self.transport.get_extra_info("sslcontext") is None:  # TLS must go through it
            self.fd = sock.fileno()
        self.transport.set_write_buffer_limits(high=SEND_BUFFER)

    async def _catch_up_then_live(self) -> str:
        """Write what is unseen through uvicorn (its flow control waits for the reader), then
        hand the stream to the hub until it ends ("closed", "left") or stalls ("stalled")."""
        hub = self.hub
        while True:
            data, self.last = await hub._unseen(self.last, self.types)
            if data:
                await self._write(data)
            elif self.last >= hub._read_up_to:
                break
        if hub.closed or self.transport is None or self.left:
            return "closed"
        self._wake = hub._loop.create_future()
        hub.live.add(self)  # no await since the last read: the hub writes every later event
        return await self._wake

    async def _watch(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass
        if self.done:
            return
        self.left = True
        if self._wake is not None and not self._wake.done():
            self.wake("left")
        else:
            self._task.cancel()

    async def _write_start(self) -> None:
        headers = [(b"content-type", b"text/event-stream; charset=utf-8")]
        headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
        headers += self.hub.headers
        await self.send({"type": "http.response.start", "status": 200, "headers": headers})

    async def _write(self, data: bytes, more: bool = True) -> None:
        try:
            async with asyncio.timeout(self.hub.settings.stream_write_timeout_s):
                await self.send({"type": "http.response.body", "body": data, "more_body": more})
        except TimeoutError:
            raise _Dropped from None
        self.last_write = self.hub._loop.time()
