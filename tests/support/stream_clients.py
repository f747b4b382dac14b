"""Many raw event-stream clients on one asyncio loop (a thread each would load the 2 cores).

    stream = await Stream.open(port, "/api/v1/events?types=ticket.called", source="127.0.0.7")
    stream.status, stream.headers          # 200 / 503 and the response headers (lower-case)
    event = await stream.next_event()      # {"id", "type", "at", "data"}; skips keep-alives
    stream.close()

``source`` picks the client's loopback address (any 127.x.y.z works on Linux), so a test can
be many devices of a hall. The body is HTTP/1.1 chunked; chunks are decoded as they come.
"""

from __future__ import annotations

import asyncio
import json
import resource


def raise_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Stream:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""  # a refusal's body; for a stream, the undecoded rest
        self._text = ""

    @classmethod
    async def open(
        cls,
        port: int,
        path: str = "/api/v1/events",
        source: str | None = None,
        headers: dict | None = None,
        rcvbuf: int | None = None,
    ) -> "Stream":
        sock = None
        if rcvbuf is not None:
            import socket

            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            if source:
                sock.bind((source, 0))
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
            reader, writer = await asyncio.open_connection(sock=sock, limit=1 << 20)
        else:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(source, 0) if source else None, limit=1 << 20
            )
        self = cls(reader, writer)
        lines = [f"GET {path} HTTP/1.1", "Host: hall", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *fields = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        for field in fields:
            if ":" in field:
                k, v = field.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()
        if "content-length" in self.headers:
            self.body = await reader.readexactly(int(self.headers["content-length"]))
        return self

    async def _chunk(self) -> bytes:
        size_line = await self.reader.readuntil(b"\r\n")
        size = int(size_line.strip(), 16)
        data = await self.reader.readexactly(size + 2)
        if size == 0:
            raise EOFError("the server ended the stream")
        return data[:-2]

    async def next_block(self) -> str:
        """The next SSE block (lines up to a blank line), keep-alive comments included."""
        while "\n\n" not in self._text:
            self._text += (await self._chunk()).decode()
        block, self._text = self._text.split("\n\n", 1)
        return block

    async def next_event(self) -> dict:
        while True:
            block = await self.next_block()
            for line in block.split("\n"):
                if line.startswith("data: "):
                    return json.loads(line[6:])

    def close(self) -> None:
        self.writer.close()
