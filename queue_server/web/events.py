"""Server-Sent Events and the display snapshot.

A client first reads ``/api/v1/display/state`` (it carries ``last_event_id``), then follows
``/api/v1/events`` from that id. The SSE ``id:`` is the event's row id, so a reconnect with
``Last-Event-ID`` (header, or ``?last_event_id=`` for the first connection) resumes with
nothing missed and nothing doubled. Each open stream holds one WSGI thread.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, stream_with_context

from ..errors import BadRequest
from ..store import events as event_log
from .context import hall

bp = Blueprint("events", __name__, url_prefix="/api/v1")

BATCH = 500


def _last_id() -> int:
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    if raw is None or raw == "":
        return event_log.last_id(hall().store.db)
    if not raw.isdigit() or len(raw) > 18:
        raise BadRequest("Last-Event-ID must be a whole number.")
    return int(raw)


def format_event(event: dict) -> str:
    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {payload}\n\n"


@bp.get("/events")
def events():
    the_hall = hall()
    last = _last_id()
    heartbeat = the_hall.settings.server.sse_heartbeat_s
    types = set(filter(None, (request.args.get("types") or "").split(",")))

    def stream(last_id: int):
        yield "retry: 2000\n\n"
        while True:
            batch = event_log.after(the_hall.store.db, last_id, BATCH)
            for event in batch:
                last_id = event["id"]
                if not types or event["type"] in types:
                    yield format_event(event)
            if len(batch) == BATCH:
                continue
            if not the_hall.bus.wait_beyond(last_id, heartbeat):
                return  # server shutting down: the client reconnects with Last-Event-ID
            if the_hall.bus.latest <= last_id:
                yield ": keep-alive\n\n"  # keeps proxies open; a dead client fails this write

    return Response(
        stream_with_context(stream(last)),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@bp.get("/display/state")
def display_state():
    return jsonify(hall().queue.display_state())
