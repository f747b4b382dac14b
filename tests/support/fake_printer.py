"""A fake ESC/POS printer at its real interfaces: a loopback TCP port and/or an os.openpty() pty.

It records every byte it receives and answers the real-time status queries DLE EOT 1/2/4
(10 04 n) with the byte a real printer sends for its current state:

    fake = FakePrinter(state="ok")          # ok | near_end | paper_out | cover_open | silent
    port = fake.serve_tcp()                 # tcp://127.0.0.1:<port>   (fake.tcp_url)
    path = fake.serve_pty()                 # serial://<path>          (fake.serial_url)
    fake.state = "paper_out"                # change at any time
    fake.silent_after = 1000                # stop reading and answering once 1000 bytes arrived
    fake.paper_out_after = 5000             # the roll ends once 5000 bytes arrived (mid-job)
    fake.received                           # every byte, status queries included
    fake.job_bytes()                        # the bytes minus the status queries
    fake.close()

"silent" answers nothing but keeps reading (a printer whose status channel is dead);
`silent_after` models a printer that dies in the middle of a job.

The reply bytes are written out here from the ESC/POS specification, independently of
printer.status, so a mistake there shows up as a failing test.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import tty

# Every status byte has bits 1 and 4 set: 0x12 is "nothing to report".
REPLIES = {
    "ok": {1: 0x12, 2: 0x12, 4: 0x12},
    "near_end": {1: 0x12, 2: 0x12, 4: 0x1E},  # n=4 bits 2,3: roll near end
    "paper_out": {1: 0x1A, 2: 0x32, 4: 0x7E},  # n=1 bit 3 offline; n=2 bit 5; n=4 bits 5,6
    "cover_open": {1: 0x1A, 2: 0x16, 4: 0x12},  # n=1 bit 3 offline; n=2 bit 2 cover open
}
STATES = tuple(REPLIES) + ("silent",)
DLE_EOT = b"\x10\x04"


class FakePrinter:
    def __init__(self, state: str = "ok"):
        self.state = state
        self.silent_after: int | None = None
        self.paper_out_after: int | None = None
        self.received = bytearray()
        self.queries: list[int] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: socket.socket | None = None
        self._pty: tuple[int, int] | None = None
        self.tcp_url = self.serial_url = ""

    # -- what a printer does with incoming bytes ------------------------------------------
    @property
    def dead(self) -> bool:
        return self.silent_after is not None and len(self.received) >= self.silent_after

    def _take(self, data: bytes, tail: bytearray) -> bytes:
        """Record bytes; return the replies to any DLE EOT n among them (also across chunks)."""
        with self._lock:
            if self.silent_after is not None:
                data = data[: max(0, self.silent_after - len(self.received))]
            self.received += data
            if self.paper_out_after is not None and len(self.received) >= self.paper_out_after:
                self.state, self.paper_out_after = "paper_out", None  # the roll ran out mid-job
            scan = bytes(tail) + data
            replies = bytearray()
            start = 0
            while (i := scan.find(DLE_EOT, start)) != -1 and i + 2 < len(scan):
                n = scan[i + 2]
                self.queries.append(n)
                byte = REPLIES.get(self.state, {}).get(n)
                if byte is not None:
                    replies.append(byte)
                start = i + 3
            tail[:] = scan[max(start, len(scan) - 2) :]
            return bytes(replies)

    def job_bytes(self) -> bytes:
        """Everything received except the status queries (assumes queries are sent on their own)."""
        return (
            bytes(self.received)
            .replace(b"\x10\x04\x01", b"")
            .replace(b"\x10\x04\x02", b"")
            .replace(b"\x10\x04\x04", b"")
        )

    def only_status_queries(self) -> bool:
        return bytes(self.received) != b"" and self.job_bytes() == b""

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self.queries.clear()

    # -- TCP -------------------------------------------------------------------------------
    def serve_tcp(self, port: int = 0) -> int:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A printer's input buffer is small; so is ours, so a printer that stops reading makes
        # the sender's writes block (accepted sockets inherit this).
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        server.bind(("127.0.0.1", port))
        server.listen(8)
        server.settimeout(0.1)
        self._server = server
        port = server.getsockname()[1]
        self.tcp_url = f"tcp://127.0.0.1:{port}"
        self._spawn(self._accept_loop)
        return port

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            self._spawn(self._serve_conn, conn)

    def _serve_conn(self, conn: socket.socket) -> None:
        tail = bytearray()
        conn.settimeout(0.05)
        with conn:
            while not self._stop.is_set():
                if self.dead:  # stop reading: the sender's buffers fill, its queries go unanswered
                    self._stop.wait(0.05)
                    continue
                try:
                    data = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    return
                if not data:
                    return
                replies = self._take(data, tail)
                if replies and not self.dead:
                    try:
                        conn.sendall(replies)
                    except OSError:
                        return

    # -- pty (serial) ----------------------------------------------------------------------
    def serve_pty(self) -> str:
        master, slave = os.openpty()
        tty.setraw(slave)  # bytes pass unchanged, like a real UART
        self._pty = (master, slave)  # keep the slave open so the master never sees EIO
        path = os.ttyname(slave)
        self.serial_url = f"serial://{path}?baud=115200"
        self._spawn(self._pty_loop, master)
        return path

    def _pty_loop(self, master: int) -> None:
        tail = bytearray()
        while not self._stop.is_set():
            if self.dead:
                self._stop.wait(0.05)
                continue
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            replies = self._take(data, tail)
            if replies and not self.dead:
                os.write(master, replies)

    # -- lifecycle -------------------------------------------------------------------------
    def _spawn(self, target, *args) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self._threads.append(t)

    def close(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        if self._server:
            self._server.close()
        if self._pty:
            for fd in self._pty:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
