"""The guide desk's ticket printer: priority tickets issued at the desk and reprints (paper
jam, lost slip). The ticket is committed before it prints, so a printer fault never loses it;
the guide then reads the number to the citizen."""

from __future__ import annotations

from typing import Callable

from printer import PrinterError, TicketLayout, open_printer

from ..core.errors import Msgid
from ..core.paper import ticket_paper
from ..core.settings import Settings
from ..core.vocabulary import PRINTER_WORDS
from ..errors import Conflict, Unavailable
from ..i18n import translate


class PrintFailed(Unavailable):
    code = "print_failed"
    retry_after = 10


def _zh(msgid: str, **params) -> str:
    return translate(msgid, "zh_CN", **params)


class DeskPrinter:
    def __init__(
        self, settings: Callable[[], Settings] | Settings, windows: Callable[[], list[dict]]
    ):
        self._settings = settings if callable(settings) else (lambda: settings)
        self._windows = windows
        self._printer = None
        self._url = None

    @property
    def configured(self) -> bool:
        return bool(self._settings().desk_printer.url)

    def _device(self):
        cfg = self._settings().desk_printer
        if not cfg.url:
            raise Conflict("No desk printer is configured; show the number to the citizen.")
        if self._printer is None or self._url != cfg.url:  # opened lazily; a reload may change it
            self._printer = open_printer(cfg.url, width_mm=cfg.width_mm, mode=cfg.mode)
            self._url = cfg.url
        return self._printer

    def layout(self, ticket: dict) -> TicketLayout:
        s = self._settings()
        svc = s.service(ticket["service"])
        return TicketLayout(
            **ticket_paper(
                {"name": s.hall.name, "hotline": s.hall.hotline},
                ticket,
                {"name": svc.name} if svc else None,
                self._windows(),
                _zh,
            )
        )

    def print_ticket(self, ticket: dict) -> str:
        """Print; returns the printer's word after the job (ok / paper_near_end), or raises
        PrintFailed with what the guide should do."""
        try:
            return self._device().print_ticket(self.layout(ticket)).word
        except PrinterError as exc:
            raise PrintFailed(
                "The desk printer could not print: {problem}",
                problem=Msgid(PRINTER_WORDS.get(exc.word, PRINTER_WORDS["error"])),
            ) from None
