"""Thermal ticket and statement printing (ESC/POS). Knows nothing of the queue server.

Public API::

    from printer import open_printer, TicketLayout, StatementLayout, PrinterError

    p = open_printer("tcp://192.168.1.50:9100", width_mm=80, mode="raster",
                     font_path=None, timeout=5.0)          # no I/O yet; config errors raise here
    p.status()            -> PrinterStatus(word, detail) with .ok, .can_print, .message_zh, .message_en
    p.print_ticket(TicketLayout(...))        -> PrinterStatus after the job (ok | paper_near_end)
    p.print_statement(StatementLayout(...))  -> same
    p.render_ticket(layout) / p.render_statement(layout) -> bytes (no I/O)
    p.print_bytes(job) -> PrinterStatus      # send pre-rendered bytes (e.g. a reprint)

Calls block for up to a few timeouts: call them off the UI thread.

    render_ticket(layout, width_dots=576, mode="raster", font=None) -> bytes     # pure
    render_statement(layout, width_dots=576, mode="raster", font=None) -> bytes  # pure

URLs: tcp://host[:9100] · serial:///dev/ttyUSB0?baud=115200&flow=rtscts · usb://04b8:0202 ·
file:///dev/usb/lp0 · virtual:///dir (PNG + .bin per job; `p.transport.state = "paper_out"` or a
status word in `<dir>/status` changes what it reports).

Status words: ok | paper_near_end | paper_out | cover_open | offline | error. A job checks the
status before and after sending: paper_near_end prints (and is returned); anything else raises a
subclass of PrinterError (printer.errors) carrying .word, .message_zh, .message_en, .detail:
PaperOut, CoverOpen, PrinterOffline, PrinterFault (e.g. silent mid-job). Configuration mistakes
raise BadPrinterURL, BadPrinterSetting, FontNotFound, TransportUnavailable.

Command line: ``python -m printer status|test-page --printer URL`` (see printer/README.md).
"""

from .device import Printer, open_printer
from .errors import (
    BadPrinterSetting,
    BadPrinterURL,
    CoverOpen,
    FontNotFound,
    PaperOut,
    PrinterError,
    PrinterFault,
    PrinterNotReady,
    PrinterOffline,
    TransportUnavailable,
)
from .layouts import StatementLayout, TicketLayout, sample_ticket
from .render import render_statement, render_ticket
from .status import WORDS, PrinterStatus

__all__ = [
    "open_printer",
    "Printer",
    "PrinterStatus",
    "WORDS",
    "TicketLayout",
    "StatementLayout",
    "sample_ticket",
    "render_ticket",
    "render_statement",
    "PrinterError",
    "PrinterNotReady",
    "PaperOut",
    "CoverOpen",
    "PrinterOffline",
    "PrinterFault",
    "BadPrinterURL",
    "BadPrinterSetting",
    "FontNotFound",
    "TransportUnavailable",
]
