"""The Printer: render a layout, check status, send the job once, check status again."""

from __future__ import annotations

import threading

from . import fonts
from .errors import PrinterFault, PrinterOffline, error_for
from .layouts import StatementLayout, TicketLayout
from .render import check_mode, render_statement, render_ticket, width_dots_for
from .status import QUERIES, PrinterStatus, interpret, query_bytes
from .transports import LinkDown, Transport, transport_for
from .urls import parse_url

_MIDJOB_ZH = "打印机在打印过程中停止响应，票据可能未打印完整，请联系导引台工作人员"
_MIDJOB_EN = "The printer stopped responding during printing; the slip may be incomplete, please ask the guide desk staff"


class Printer:
    """One configured printer. Thread-safe: a heartbeat may ask status() while a job prints.

    Each operation opens the link, does its work and closes it again, so a printer that was
    switched off and on (or a TCP printer that dropped the connection) needs no reconnect logic.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        width_mm: int = 80,
        mode: str = "raster",
        font_path: str | None = None,
        timeout: float = 5.0,
        url: str = "",
    ):
        self.transport = transport
        self.width_mm = int(width_mm)
        self.width_dots = width_dots_for(width_mm)
        self.mode = check_mode(mode)
        self.font_path = font_path
        if mode == "raster":
            fonts.resolve(font_path)  # fail at start-up, not at the first ticket
        self.timeout = timeout
        self.url = url
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Printer {self.url or self.transport.describe()} {self.width_mm}mm {self.mode}>"

    # -- rendering (pure) -------------------------------------------------------------------
    def render_ticket(self, layout: TicketLayout) -> bytes:
        return render_ticket(layout, self.width_dots, self.mode, self.font_path)

    def render_statement(self, layout: StatementLayout) -> bytes:
        return render_statement(layout, self.width_dots, self.mode, self.font_path)

    # -- talking to the printer -------------------------------------------------------------
    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                self.transport.open()
            except LinkDown as exc:
                return PrinterStatus("offline", str(exc))
            try:
                return self._read_status()
            finally:
                self.transport.close()

    def print_ticket(self, layout: TicketLayout) -> PrinterStatus:
        """Print; returns the status after the job (ok or paper_near_end). Raises PrinterError."""
        return self.print_bytes(self.render_ticket(layout))

    def print_statement(self, layout: StatementLayout) -> PrinterStatus:
        return self.print_bytes(self.render_statement(layout))

    def print_bytes(self, job: bytes) -> PrinterStatus:
        with self._lock:
            try:
                self.transport.open()
            except LinkDown as exc:
                raise PrinterOffline(PrinterStatus("offline", str(exc))) from None
            try:
                before = self._read_status()
                if not before.can_print:
                    raise error_for(before)  # nothing but the status queries was sent
                try:
                    self.transport.write(job)
                except LinkDown as exc:
                    raise PrinterFault(
                        PrinterStatus("error", str(exc)),
                        message_zh=_MIDJOB_ZH,
                        message_en=_MIDJOB_EN,
                    ) from None
                after = self._read_status()
                if after.word == "offline":
                    raise PrinterFault(
                        PrinterStatus("error", f"after the job: {after.detail}"),
                        message_zh=_MIDJOB_ZH,
                        message_en=_MIDJOB_EN,
                    )
                if not after.can_print:
                    raise error_for(
                        after, detail=f"after the job, which may be incomplete: {after.detail}"
                    )
                return after
            finally:
                self.transport.close()

    def _read_status(self) -> PrinterStatus:
        t = self.transport
        if not t.can_read_status:
            return PrinterStatus("ok", f"{t.describe()}: cannot report status, assumed ok")
        replies: dict[int, int | None] = {}
        for n in QUERIES:
            try:
                t.discard_input()
                t.write(query_bytes(n))
            except LinkDown as exc:
                return PrinterStatus("offline", str(exc))
            replies[n] = t.read_byte(self.timeout)
            if replies[n] is None:
                break  # one silence is enough: do not wait the timeout three times
        return interpret(replies)


def open_printer(
    url: str,
    *,
    width_mm: int = 80,
    mode: str = "raster",
    font_path: str | None = None,
    timeout: float = 5.0,
) -> Printer:
    """A Printer for a URL (see printer.urls). Does not connect yet; raises BadPrinterURL,
    BadPrinterSetting, FontNotFound or TransportUnavailable for configuration mistakes."""
    width_dots = width_dots_for(width_mm)
    check_mode(mode)
    transport = transport_for(parse_url(url), timeout, width_dots=width_dots, font=font_path)
    return Printer(
        transport, width_mm=width_mm, mode=mode, font_path=font_path, timeout=timeout, url=url
    )
