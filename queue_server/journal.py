"""Logs: one entry per record, to systemd's journal when systemd runs the program, else to
stderr; and one line per hall event (ticket issued, called, window opened …) with the event's
public fields.

Under systemd (``JOURNAL_STREAM`` names our stderr) records go to the journal's own socket
with fields a hall's IT staff or the city's monitoring can filter on::

    journalctl -u hallqueue-server HALL_EVENT=ticket.called
    journalctl -u hallqueue-server -p warning

A multi-line message (a traceback) stays one entry. Personal data never reaches a log line:
events are public by design (core/events.py) and only the fields named in ``EVENT_FIELDS``
are written; other log lines name tickets and devices, not people (tests/ops/test_logs.py
greps a realistic run for ID numbers, names and phones).
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import sys

JOURNAL_SOCKET = "/run/systemd/journal/socket"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}
EVENT_FIELDS = (
    "number",
    "service",
    "status",
    "window",
    "state",
    "level",
    "kind",
    "device",
    "problem",
    "reason",
    "source",
    "day",
    "expired",
    "id",
)
"""The keys of an event's data (and of its ``ticket``, ``window``… parts) a log line keeps."""

log = logging.getLogger("hallqueue.events")
_FORMATTER = logging.Formatter()


def _field(name: str, value: str) -> bytes:
    """One journal field; a value with a newline uses the length-prefixed form."""
    data = value.encode("utf-8", "replace")
    if b"\n" in data:
        return name.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
    return name.encode() + b"=" + data + b"\n"


class JournalHandler(logging.Handler):
    """systemd's native journal protocol: one datagram per record."""

    def __init__(self, identifier: str, path: str = JOURNAL_SOCKET) -> None:
        super().__init__()
        self.identifier = identifier
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self.fields: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = f"{record.name}: {record.getMessage()}"
            if record.exc_info:
                message += "\n" + _FORMATTER.formatException(record.exc_info)
            fields = {
                "MESSAGE": message,
                "PRIORITY": str(PRIORITY.get(record.levelno, 6)),
                "SYSLOG_IDENTIFIER": self.identifier,
                "LOGGER": record.name,
                "CODE_FILE": record.pathname,
                "CODE_LINE": str(record.lineno),
                "CODE_FUNC": record.funcName,
                **self.fields,
                **getattr(record, "journal", {}),
            }
            self.sock.sendto(b"".join(_field(k, v) for k, v in fields.items()), self.path)
        except Exception:  # noqa: BLE001 — logging must never take the hall down
            self.handleError(record)

    def close(self) -> None:
        self.sock.close()
        super().close()


def under_journal(environ=None) -> bool:
    """systemd connected our stderr to the journal (its device:inode is in JOURNAL_STREAM)."""
    environ = os.environ if environ is None else environ
    stream = environ.get("JOURNAL_STREAM", "")
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return stream == f"{st.st_dev}:{st.st_ino}"


def setup(identifier: str, level: int = logging.INFO) -> None:
    """The root logger's one handler: the journal under systemd, else text on stderr. Like
    logging.basicConfig, nothing changes when the root logger has handlers already (a test)."""
    root = logging.getLogger()
    if root.handlers:
        return
    if under_journal() and os.path.exists(JOURNAL_SOCKET):
        handler: logging.Handler = JournalHandler(identifier)
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def set_hall(name: str) -> None:
    """Every journal entry names its hall (the city's monitoring reads several halls)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, JournalHandler):
            handler.fields["HALL"] = name


def event_fields(event: dict) -> dict[str, str]:
    """``{"HALL_TICKET_NUMBER": "B012", …}``: the public fields of an event worth a log line."""
    out = {"HALL_EVENT": event["type"], "HALL_EVENT_ID": str(event["id"])}
    data = event.get("data") or {}
    for key, value in data.items():
        parts = value.items() if isinstance(value, dict) else [(None, value)]
        for sub, item in parts:
            name = sub if sub is not None else key
            if (
                name in EVENT_FIELDS
                and isinstance(item, (str, int))
                and not isinstance(item, bool)
                and len(str(item)) <= 40
            ):
                out["HALL_" + (f"{key}_{sub}" if sub else key).upper()] = str(item)
    return out


def event_line(fields: dict[str, str]) -> str:
    rest = " ".join(
        f"{k[5:].lower()}={v}"
        for k, v in fields.items()
        if k not in ("HALL_EVENT", "HALL_EVENT_ID")
    )
    return f"event {fields['HALL_EVENT_ID']} {fields['HALL_EVENT']} {rest}".rstrip()


def log_events(batch: list[dict]) -> None:
    """A subscriber of the hall's event follower (``Hall.events``): one line per event."""
    if not log.isEnabledFor(logging.INFO):
        return
    for event in batch:
        fields = event_fields(event)
        log.info("%s", event_line(fields), extra={"journal": fields})
