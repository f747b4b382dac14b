"""Server-Sent Events and the display snapshot.

A client first reads ``/api/v1/display/state`` (it carries ``last_event_id``), then follows
``/api/v1/events`` from that id. The SSE ``id:`` is the event's row id, so a reconnect with
``Last-Event-ID`` (header, or ``?last_event_id=`` for the first connection) resumes with
nothing missed and nothing doubled.

``queue-server serve`` answers ``/api/v1/events`` on its event loop (``web/stream.py``: one
asyncio task per client, no thread). The Flask route below is what a plain WSGI server (or the
Flask test client) sees: the same checks and the events already logged, then the response ends
and the client reconnects after ``retry``.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from ..core.events import EVENT_TYPES
from ..errors import BadRequest
from .context import hall

bp = Blueprint("events", __name__, url_prefix="/api/v1")

RETRY = "retry: 2000\n\n"
KEEP_ALIVE = ": keep-alive\n\n"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@bp.app_context_processor
def _event_types() -> dict:
    # Every page that follows the stream subscribes to the types declared in core (served in
    # its <script id="event-types">, never copied into the scripts).
    return {"event_types": list(EVENT_TYPES)}


def requested_id(raw: str | None) -> int | None:
    """The Last-Event-ID a client sent (None: none). Only ASCII digits: ``"²".isdigit()`` is
    true but ``int("²")`` fails, and more than 18 digits would overflow SQLite's integer."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise BadRequest("Last-Event-ID must be a whole number.")
    return int(raw)


def resume_point(requested: int | None, last_logged: int) -> int:
    """Where a stream starts. An id past the newest logged event (another database, a typo)
    would wait for events that may never come: the stream follows from now instead."""
    if requested is None or requested > last_logged:
        return last_logged
    return requested


def requested_types(raw: str | None) -> frozenset[str]:
    return frozenset(filter(None, (raw or "").split(",")))


def format_event(event: dict) -> str:
    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {payload}\n\n"


@bp.get("/events")
def events():
    log = hall().events
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    last = resume_point(requested_id(raw), log.last_id())
    types = requested_types(request.args.get("types"))
    logged = log.after(last)
    body = RETRY + "".join(format_event(e) for e in logged if not types or e["type"] in types)
    return Response(body, mimetype="text/event-stream", headers=HEADERS)


@bp.get("/display/state")
def display_state():
    return jsonify(hall().queue.display_state())
