"""Typed printer errors. One base class; every message is for a person (Chinese, then English).

`word` is the status word the error stands for (see printer.status.WORDS), so the kiosk can
report it in its heartbeat without parsing text.
"""

from __future__ import annotations


class BilingualError(Exception):
    """An error for a person: Chinese, then English, and the ``word`` it stands for. The base
    of this package's errors and of the kiosk's device errors (kiosk/devices/errors.py)."""

    word = "error"

    def __init__(
        self, message_zh: str, message_en: str, *, detail: str = "", word: str | None = None
    ):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.detail = detail
        if word is not None:
            self.word = word

    def __str__(self) -> str:
        text = f"{self.message_zh}\n{self.message_en}"
        return f"{text}\n({self.detail})" if self.detail else text


class PrinterError(BilingualError):
    """Base of every error this package raises on purpose."""


# --- configuration problems: fixed by whoever installs the kiosk ---------------------------


class BadPrinterURL(PrinterError):
    """The printer URL cannot be understood."""


class BadPrinterSetting(PrinterError):
    """A width, mode or other setting is outside what the library supports."""


class FontNotFound(PrinterError):
    """The Simplified-Chinese font file for raster mode is missing or unreadable."""


class TransportUnavailable(PrinterError):
    """An optional dependency of one transport (pyusb for usb://) is not installed."""


# --- printer states: fixed by staff at the printer ------------------------------------------


class PrinterNotReady(PrinterError):
    """The printer reported a state in which it cannot print. `.status` holds the reading."""

    def __init__(self, status, *, detail: str = "", message_zh: str = "", message_en: str = ""):
        super().__init__(
            message_zh or status.message_zh,
            message_en or status.message_en,
            detail=detail or status.detail,
            word=status.word,
        )
        self.status = status


class PaperOut(PrinterNotReady):
    word = "paper_out"


class CoverOpen(PrinterNotReady):
    word = "cover_open"


class PrinterOffline(PrinterNotReady):
    word = "offline"


class PrinterFault(PrinterNotReady):
    """Any other failure, e.g. the printer stopped answering in the middle of a job."""

    word = "error"


_BY_WORD = {
    "paper_out": PaperOut,
    "cover_open": CoverOpen,
    "offline": PrinterOffline,
    "error": PrinterFault,
}


def error_for(
    status, *, detail: str = "", message_zh: str = "", message_en: str = ""
) -> PrinterNotReady:
    """The typed error for a status that does not allow printing."""
    return _BY_WORD.get(status.word, PrinterFault)(
        status, detail=detail, message_zh=message_zh, message_en=message_en
    )
