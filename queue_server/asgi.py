"""``queue-server serve``: uvicorn runs one event loop that holds every connection.

- ``/api/v1/events`` is answered on the loop itself (``web/stream.py``): a connected display
  or console costs a task and a socket, never a thread.
- Everything else goes to the Flask app on a bounded pool of ``server.threads`` workers. The
  request body is read on the loop first, the worker runs the app and returns the whole
  response: one hand-over each way (a2wsgi's per-chunk hand-overs cost ~0.5 ms of CPU more per
  request, measured; see docs/live-connections.md).
- A request that waits for a worker is dropped unanswered if its client disconnects meanwhile,
  and answered 503 + ``Retry-After`` after ``server.api_queue_timeout_s``: what a client gave
  up on is never done later.
- SIGTERM/SIGINT set a flag the loop checks every 0.1 s: streams end, running requests
  finish, the process exits 0 within a couple of seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import resource
import signal
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_to_bytes

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from . import notify
from .errors import Unavailable
from .web.stream import RETRY_AFTER_S, TRANSPORT, StreamHub, extra_headers, request_language
from .web.stream import send_error

log = logging.getLogger("hallqueue")

STREAM_PATH = "/api/v1/events"
HEALTH_SCOPE = {
    "type": "http",
    "method": "GET",
    "path": "/healthz",
    "query_string": b"",
    "headers": [(b"host", b"localhost")],
    "client": ("127.0.0.1", 0),
}
"""The watchdog's request: run by an API worker like any other (queue_server/notify.py)."""
GRACE_S = 5.0
"""Longest wait for running requests at a stop (systemd's TimeoutStopSec is 15 s)."""
KEEP_ALIVE_S = 60
SWITCH_INTERVAL_S = 0.0005
"""How long a thread may wait for the GIL (CPython's default is 5 ms). The loop writing to 1,000
streams drops the GIL at every send and takes it straight back; a worker waiting for it got a
turn only every 5 ms, so an API request took ~20 ms while events went out."""


def _environ(scope, body: bytes) -> dict:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),  # PEP 3333: bytes as latin-1
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": (scope.get("server") or ("localhost", 0))[0],
        "SERVER_PORT": str((scope.get("server") or ("", 80))[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": (scope.get("client") or ("", 0))[0],
        "REMOTE_PORT": str((scope.get("client") or ("", 0))[1]),
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in scope["headers"]:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            continue  # the body is already read whole: CONTENT_LENGTH above says how long
        key = key if key == "CONTENT_TYPE" else "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ


async def _read_body(scope, receive, limit: int) -> bytes | None:
    """The whole body, or None if the client left. A declared or actual body over ``limit`` is
    cut at limit + 1 bytes, so Flask answers 413 without our reading the rest."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            return b"\0" * (limit + 1)
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if len(body) > limit:
            return bytes(body[: limit + 1])
        if not message.get("more_body"):
            return bytes(body)


class WsgiPool:
    """The Flask app on ``workers`` threads; waiting requests wait on the loop, not in a queue
    that would run them after their client is gone."""

    def __init__(self, app, workers: int, queue_timeout_s: float) -> None:
        self.app = app
        self.workers = workers
        self.queue_timeout_s = queue_timeout_s
        self.max_body = app.config.get("MAX_CONTENT_LENGTH") or 1 << 20
        self.upload_limits = app.config.get("UPLOAD_LIMITS") or {}  # a few routes take files
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="api")
        self.running = 0
        self.slots = asyncio.Semaphore(workers)
        self.languages = app.extensions["hall"].settings.hall.languages
        self.headers = extra_headers(app.extensions["hall"].settings.server)

    def _run(self, environ: dict) -> tuple[int, list, bytes]:
        chunks: list[bytes] = []
        head: list = []

        def start_response(status, headers, exc_info=None):
            head[:] = [int(status[:3]), headers]
            return chunks.append

        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            getattr(result, "close", lambda: None)()
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in head[1]]
        return head[0], headers, b"".join(chunks)

    async def _acquire(self, scope, receive, send) -> bool:
        if not self.slots.locked():
            await self.slots.acquire()
            return True
        slot = asyncio.ensure_future(self.slots.acquire())
        gone = asyncio.ensure_future(receive())
        done, _ = await asyncio.wait(
            {slot, gone}, timeout=self.queue_timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        left = gone in done and gone.result()["type"] == "http.disconnect"
        gone.cancel()
        slot.cancel()
        got = slot.done() and not slot.cancelled()
        if got and not left:
            return True
        if got:
            self.slots.release()
        if left:
            log.info(
                "%s %s: the client left before a worker was free; not run",
                scope["method"],
                scope["path"],
            )
        else:
            busy = Unavailable(
                "The server is busy; try again in {seconds} seconds.", seconds=RETRY_AFTER_S
            )
            await send_error(
                send, busy, request_language(scope, self.languages), RETRY_AFTER_S, self.headers
            )
        return False

    async def __call__(self, scope, receive, send) -> None:
        body = await _read_body(
            scope, receive, self.upload_limits.get(scope["path"], self.max_body)
        )
        if body is None or not await self._acquire(scope, receive, send):
            return
        self.running += 1
        try:
            loop = asyncio.get_running_loop()
            status, headers, data = await loop.run_in_executor(
                self.executor, self._run, _environ(scope, body)
            )
        finally:
            self.running -= 1
            self.slots.release()
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class HallApp:
    """The ASGI application: the stream on the loop, the rest on the worker pool."""

    def __init__(self, flask_app) -> None:
        hall = flask_app.extensions["hall"]
        server = hall.settings.server
        self.hall = hall
        self.streams = StreamHub(hall, server)
        self.api = WsgiPool(flask_app, server.threads, server.api_queue_timeout_s)
        self.streams.others_busy = lambda: self.api.running > 0

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.streams.start(loop)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return  # no lifespan or websocket here
        if scope["path"] == STREAM_PATH and scope["method"] == "GET":
            await self.streams(scope, receive, send)
        else:
            await self.api(scope, receive, send)


def _protocol_class(user_timeout_s: float):
    class Protocol(HttpToolsProtocol):
        """uvicorn's HTTP protocol plus two things the stream needs from the socket."""

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            sock = transport.get_extra_info("socket")
            if sock is not None and hasattr(socket, "TCP_USER_TIMEOUT"):
                # Unacknowledged data for this long = the peer is gone (a half-open
                # connection that only keep-alive comments reach). Twice the write timeout, so
                # a reader that stalls with events waiting is dropped (and logged) by the stream.
                with contextlib.suppress(OSError):
                    sock.setsockopt(
                        socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, int(user_timeout_s * 1000)
                    )

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.scope[TRANSPORT] = self.transport  # streams bound its buffers, cut dead readers

    return Protocol


def raise_fd_limit(wanted: int) -> int:
    """Each connection is a file descriptor: lift the soft limit towards ``wanted``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def serve(flask_app, host: str, port: int) -> None:
    hall = flask_app.extensions["hall"]
    settings = hall.settings.server
    app = HallApp(flask_app)
    limit = raise_fd_limit(settings.max_connections + 256)
    if limit < settings.max_connections + 64:
        log.warning(
            "file descriptor limit %s is below server.max_connections %s",
            limit,
            settings.max_connections,
        )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http=_protocol_class(2 * settings.stream_write_timeout_s),
        lifespan="off",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        headers=[("server", "hallqueue")],
        limit_concurrency=settings.max_connections,
        backlog=2048,
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=GRACE_S,
    )
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    server = _Server(config, app)
    try:
        server.run()
    finally:
        app.api.close()
        hall.close()


class _Server(uvicorn.Server):
    """uvicorn's server with our start and stop."""

    def __init__(self, config: uvicorn.Config, app: HallApp) -> None:
        super().__init__(config)
        self.app = app
        self.watchdog: notify.Watchdog | None = None

    async def startup(self, sockets=None) -> None:
        self.app.start(asyncio.get_running_loop())
        await super().startup(sockets)
        if self.started and self.servers:
            port = self.servers[0].sockets[0].getsockname()[1]
            log.info(
                "serving on http://%s:%s with %s API workers",
                self.config.host,
                port,
                self.app.api.workers,
            )
            print(f"hallqueue serving on http://{self.config.host}:{port}", flush=True)
            api = self.app.api
            self.watchdog = notify.serving(  # sd_notify READY=1; WATCHDOG=1 from a worker
                api.executor,
                lambda: api._run(_environ(HEALTH_SCOPE, b""))[0],
                asyncio.get_running_loop(),
            )

    async def shutdown(self, sockets=None) -> None:
        log.info("stopping")
        notify.stopping(self.watchdog)
        self.app.streams.close()  # streams end first, so their connections can close
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self):
        # uvicorn re-raises the signal after a graceful stop (exit status -15); a stop that
        # went well exits 0 here. The handler only sets a flag that the loop checks.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in signals}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
