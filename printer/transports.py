"""Byte pipes to a printer: open, write (bounded by a timeout), read one status byte, close.

Command encoding never happens here (see printer.escpos_commands). We build on python-escpos's
printer classes for opening devices and writing (`_raw`), and add what a kiosk needs on top:
timeouts on every write and read, so a printer that goes silent gives an error, never a hang.
"""

from __future__ import annotations

import os
import socket
import termios

from .errors import TransportUnavailable
from .urls import PrinterURL

CHUNK = 4096


class LinkDown(Exception):
    """Internal: the link to the printer failed (refused, unplugged, timed out)."""


class Transport:
    can_read_status = True

    def __init__(self, timeout: float):
        self.timeout = timeout

    def open(self) -> None: ...
    def close(self) -> None: ...
    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read_byte(self, timeout: float) -> int | None:
        raise NotImplementedError

    def discard_input(self) -> None: ...

    def describe(self) -> str:
        return type(self).__name__


class NetworkTransport(Transport):
    def __init__(self, host: str, port: int, timeout: float):
        super().__init__(timeout)
        from escpos.printer import Network

        self.host, self.port = host, port
        self._p = Network(host, port, timeout=timeout)
        self._sock: socket.socket | None = None

    def describe(self) -> str:
        return f"tcp {self.host}:{self.port}"

    def open(self) -> None:
        # We connect ourselves and hand the socket to python-escpos: its Network.open() leaves a
        # refused socket unclosed (a ResourceWarning on every offline check).
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise LinkDown(f"cannot connect to {self.host}:{self.port}: {exc}") from None
        # Status queries are 3 bytes answered by 1: without NODELAY, Nagle + delayed ACK add ~40 ms each.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._p.device = self._sock = sock

    def write(self, data: bytes) -> None:
        try:
            self._sock.settimeout(self.timeout)
            for i in range(0, len(data), CHUNK):
                self._p._raw(data[i : i + CHUNK])
        except OSError as exc:
            raise LinkDown(
                f"sending to {self.host}:{self.port} failed after at most {self.timeout} s: {exc!r}"
            ) from None

    def read_byte(self, timeout: float) -> int | None:
        try:
            self._sock.settimeout(timeout)
            got = self._sock.recv(1)
        except OSError:  # timeout or reset: no answer
            return None
        return got[0] if got else None

    def discard_input(self) -> None:
        # A late reply to an earlier query must not be taken for the answer to the next one.
        try:
            self._sock.setblocking(False)
            while self._sock.recv(256):
                pass
        except OSError:
            pass
        finally:
            self._sock.settimeout(self.timeout)

    def close(self) -> None:
        self._p.close()
        self._sock = None


class SerialTransport(Transport):
    def __init__(self, path: str, baud: int, flow: str, timeout: float):
        super().__init__(timeout)
        from escpos.printer import Serial

        self.path, self.baud, self.flow = path, baud, flow
        self._p = Serial(
            path, baudrate=baud, timeout=timeout, xonxoff=flow == "xonxoff", dsrdtr=flow == "dsrdtr"
        )
        self._dev = None

    def describe(self) -> str:
        return f"serial {self.path} {self.baud} baud, flow {self.flow}"

    def open(self) -> None:
        try:
            self._p.open()
        except Exception as exc:
            raise LinkDown(f"cannot open {self.path}: {exc}") from None
        self._dev = self._p.device
        # python-escpos has no rtscts argument; pyserial reconfigures the open port live
        if self.flow == "rtscts":
            self._dev.rtscts = True

    def write(self, data: bytes) -> None:
        import serial

        # At 9600 baud a raster ticket takes most of a minute: allow the wire time plus the timeout.
        seconds_per_chunk = CHUNK * 10 / self.baud
        try:
            self._dev.write_timeout = self.timeout + seconds_per_chunk * 1.5
            for i in range(0, len(data), CHUNK):
                self._p._raw(data[i : i + CHUNK])
            self._dev.flush()
        except (serial.SerialException, OSError, termios.error) as exc:  # flush: tcdrain
            raise LinkDown(f"writing to {self.path} failed: {exc!r}") from None

    def read_byte(self, timeout: float) -> int | None:
        import serial

        try:
            self._dev.timeout = timeout
            got = self._dev.read(1)
        except (serial.SerialException, OSError):
            return None
        return got[0] if got else None

    def discard_input(self) -> None:
        try:
            self._dev.reset_input_buffer()
        except Exception:
            pass

    def close(self) -> None:
        try:
            self._p.close()
        except Exception:
            pass  # closing a device that vanished must not hide the real error
        self._dev = None


class UsbTransport(Transport):
    def __init__(self, vendor_id: int, product_id: int, in_ep: int, out_ep: int, timeout: float):
        super().__init__(timeout)
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise TransportUnavailable(
                "USB 打印机需要 pyusb：请执行 pip install pyusb，并安装 libusb-1.0-0",
                "USB printers need pyusb: run pip install pyusb and install libusb-1.0-0",
            )
        self.ids = f"{vendor_id:04x}:{product_id:04x}"
        self.in_ep = in_ep
        self._p = Usb(
            vendor_id, product_id, timeout=int(timeout * 1000), in_ep=in_ep, out_ep=out_ep
        )

    def describe(self) -> str:
        return f"usb {self.ids}"

    def open(self) -> None:
        try:
            self._p.open()
        except Exception as exc:
            raise LinkDown(f"USB printer {self.ids} not found: {exc}") from None

    def write(self, data: bytes) -> None:
        try:
            for i in range(0, len(data), CHUNK):
                self._p._raw(data[i : i + CHUNK])
        except Exception as exc:  # usb.core.USBError / USBTimeoutError
            raise LinkDown(f"writing to USB printer {self.ids} failed: {exc!r}") from None

    def read_byte(self, timeout: float) -> int | None:
        try:
            got = self._p.device.read(self.in_ep, 1, int(timeout * 1000))
        except Exception:
            return None
        return got[0] if len(got) else None

    def close(self) -> None:
        try:
            self._p.close()
        except Exception:
            pass


class FileTransport(Transport):
    """Bytes to a file or spooler device. A file cannot answer DLE EOT: status is 'ok' when the
    path is writable, 'offline' when it is not."""

    can_read_status = False

    def __init__(self, path: str, timeout: float):
        super().__init__(timeout)
        from escpos.printer import File

        self.path = path
        self._p = File(path)

    def describe(self) -> str:
        return f"file {self.path}"

    def writable(self) -> bool:
        if os.path.exists(self.path):
            return os.access(self.path, os.W_OK)
        return os.access(os.path.dirname(os.path.abspath(self.path)), os.W_OK)

    def open(self) -> None:
        if not self.writable():
            raise LinkDown(f"{self.path} is not writable")

    def write(self, data: bytes) -> None:
        try:
            self._p.open()
            self._p._raw(data)
            self._p.close()
        except Exception as exc:
            raise LinkDown(f"writing {self.path} failed: {exc}") from None

    def read_byte(self, timeout: float) -> int | None:
        return None


def transport_for(
    url: PrinterURL, timeout: float, *, width_dots: int = 576, font: str | None = None
) -> Transport:
    if url.scheme == "tcp":
        return NetworkTransport(url.host, url.port, timeout)
    if url.scheme == "serial":
        return SerialTransport(url.path, url.baud, url.flow, timeout)
    if url.scheme == "usb":
        return UsbTransport(url.vendor_id, url.product_id, url.in_ep, url.out_ep, timeout)
    if url.scheme == "file":
        return FileTransport(url.path, timeout)
    from .virtual import VirtualTransport

    return VirtualTransport(url.path, width_dots=width_dots, font=font)
