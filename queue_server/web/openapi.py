"""The OpenAPI 3.1 document at /api/v1/openapi.json, kept as data beside the routes.

tests/web/test_api_errors.py::test_openapi_describes_every_route fails when a route under
/api/v1 is missing here or vice versa.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.appointments import CANCEL_BY as _CANCEL_BY
from ..core.appointments import SOURCES as _SOURCES
from ..core.appointments import STATUSES as _APPT_STATUSES
from ..core.documents import DOCUMENT_TYPES
from ..core.issuing import ISSUING_STATES
from ..core.languages import LANGUAGES
from ..core.vocabulary import (
    CANCEL_REASONS,
    LEDGER_FORMS,
    RATING_REASONS,
    REPLY_CLASSES,
    REPLY_METHODS,
    REPRINT_REASONS,
)

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")


def _obj(props: dict, required=()) -> dict:
    return {"type": "object", "properties": props, "required": list(required)}


S, I, B, N = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
NULLABLE_I = {"type": ["integer", "null"]}
REF = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731

SCHEMAS = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "code": S,
                    "message": S,
                    "field": S,
                    "tries_left": {
                        "type": "integer",
                        "description": "query-password tries left today (citizen session)",
                    },
                },
                ["code", "message"],
            )
        },
        ["error"],
    ),
    "WindowRef": _obj({"number": I, "name": S, "zone": S, "room": S}),
    "Ticket": _obj(
        {
            "id": S,
            "number": S,
            "service": S,
            "status": {
                "enum": ["waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]
            },
            "ahead": NULLABLE_I,
            "estimated_wait_s": NULLABLE_I,
            "no_wait": B,
            "issued_at": {"type": "string", "format": "date-time"},
            "called_at": {"type": ["string", "null"]},
            "window": {"oneOf": [REF("WindowRef"), {"type": "null"}]},
            "priority_reason": {"type": ["string", "null"]},
            "channel": S,
            "status_url": S,
            "appointment_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "a booking checked in on time: its slot (print 预约)",
            },
        },
        [
            "id",
            "number",
            "service",
            "status",
            "ahead",
            "estimated_wait_s",
            "issued_at",
            "status_url",
        ],
    ),
    "PublicTicket": _obj(
        {
            "number": S,
            "service": S,
            "status": S,
            "window": NULLABLE_I,
            "priority": B,
            "appointment": B,
            "issued_at": S,
            "called_at": {"type": ["string", "null"]},
        }
    ),
    "Service": _obj(
        {
            "code": S,
            "prefix": S,
            "name": {"type": "object"},
            "waiting": I,
            "open_windows": I,
            "estimated_wait_s": NULLABLE_I,
            "no_wait": B,
            "open": B,
            "issuing": {"enum": list(ISSUING_STATES)},
            "daily_cap": I,
            "remaining": NULLABLE_I,
            "nearby": {
                "type": "array",
                "description": "nearby halls where fewer wait for this service, from the "
                "city's last answer (issue 18); empty when the city is slow or absent",
                "items": _obj(
                    {"hall_id": S, "name": {"type": "object"}, "waiting": I, "distance_km": N},
                    ["hall_id", "name", "waiting", "distance_km"],
                ),
            },
        }
    ),
    "Window": _obj(
        {
            "number": I,
            "name": S,
            "zone": S,
            "room": S,
            "services": {"type": "array", "items": S},
            "kind": S,
            "state": {"enum": ["open", "paused", "closed"]},
            "current": {"oneOf": [REF("PublicTicket"), {"type": "null"}]},
        }
    ),
    "Event": _obj(
        {"id": I, "type": S, "at": S, "data": {"type": "object"}}, ["id", "type", "at", "data"]
    ),
}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


UNAVAILABLE = {
    "description": "The database is busy (code busy), full (storage_full) or cannot be written "
    "(storage_unavailable); nothing was saved, the message says what to do",
    "headers": {"Retry-After": {"description": "seconds", "schema": I}},
    **_json(REF("Error")),
}


def _op(
    summary: str,
    ok: dict | None = None,
    body=None,
    auth: str = "public",
    status="200",
    errors=(400,),
    empty: str | None = None,
):
    """An operation; ``empty`` documents a 204 alongside the usual answer. Every operation may
    answer 503 (storage), and one with a body 400 (not a JSON object) and 415 (not JSON)."""
    op = {
        "summary": summary,
        "x-auth": auth,
        "responses": {status: {"description": "OK", **(ok or {})}},
    }
    if empty:
        op["responses"]["204"] = {"description": empty}
    for code in sorted(set(errors) | ({400, 415} if body is not None else set())):
        op["responses"][str(code)] = {"description": "Error", **_json(REF("Error"))}
    op["responses"]["503"] = UNAVAILABLE
    if auth != "public":
        op["security"] = [{"session": []}, {"device": []}]
        for code in (401, 403):
            op["responses"][str(code)] = {"description": "Not allowed", **_json(REF("Error"))}
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


def _replayable(op: dict) -> dict:
    """An idempotent create: a retry with the same request_id answers 200 with the same body."""
    op["responses"]["200"] = {**op["responses"]["201"], "description": "The same, again"}
    return op


EMPTY = _obj({})
# Whole numbers kept as SQLite INTEGERs; a bigger one in a path matches no route (404).
ROW_ID = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
P_NUMBER = {"name": "number", "in": "path", "required": True, "schema": ROW_ID}
P_TICKET = {"name": "ticket_id", "in": "path", "required": True, "schema": S}
P_DEVICE = {"name": "device_id", "in": "path", "required": True, "schema": S}

PATHS: dict = {
    "/api/v1/hall": {
        "get": _op(
            "Hall name, languages, opening hours, notice",
            _json(
                _obj(
                    {
                        "name": S,
                        "address": S,
                        "hotline": S,
                        "languages": {"type": "array"},
                        "opening_hours": {"type": "array"},
                        "notice": S,
                        "public_url": S,
                    }
                )
            ),
        )
    },
    "/api/v1/services": {
        "get": _op(
            "Services with waiting counts and estimated wait",
            _json(_obj({"services": {"type": "array", "items": REF("Service")}})),
        )
    },
    "/api/v1/items": {
        "get": {
            **_op(
                "Business guide items (§8.1.2)",
                _json(_obj({"items": {"type": "array"}})),
                errors=(422,),
            ),
            "parameters": [
                {"name": "service", "in": "query", "schema": S},
                {"name": "q", "in": "query", "schema": S},
            ],
        }
    },
    "/api/v1/tickets": {
        "post": _replayable(
            _op(
                "Issue a ticket (idempotent on request_id: a retry returns the same ticket with 200)",
                _json(REF("Ticket")),
                _obj(
                    {
                        "service": S,
                        "request_id": S,
                        "channel": S,
                        "priority_reason": S,
                        "appointment_code": S,
                        "print": B,
                    },
                    ["service", "request_id"],
                ),
                auth="kiosk device, guide, window",
                status="201",
                errors=(400, 409, 415, 422),
            )
        ),
        "get": {
            **_op(
                "Today's ticket by its printed number (guide and window desks)",
                _json(_obj({"tickets": {"type": "array", "items": REF("Ticket")}})),
                auth="guide, window",
                errors=(404, 422),
            ),
            "parameters": [{"name": "number", "in": "query", "required": True, "schema": S}],
        },
    },
    "/api/v1/tickets/{ticket_id}/cancel": {
        "post": {
            **_op(
                "Cancel today's waiting or called ticket (the citizen left) with a reason; an event",
                _json(REF("Ticket")),
                _obj({"reason": {"enum": list(CANCEL_REASONS)}}, ["reason"]),
                auth="guide, window",
                errors=(400, 404, 409, 415, 422),
            ),
            "parameters": [P_TICKET],
        }
    },
    "/api/v1/tickets/{ticket_id}/reprint": {
        "post": {
            **_op(
                "Print today's open ticket again at the guide desk (paper jam) with a reason; an event",
                _json(_obj({"ticket": REF("Ticket"), "printer": S})),
                _obj({"reason": {"enum": list(REPRINT_REASONS)}}, ["reason"]),
                auth="guide, window",
                errors=(400, 404, 409, 415, 422, 503),
            ),
            "parameters": [P_TICKET],
        }
    },
    "/api/v1/tickets/{ticket_id}": {
        "get": {
            **_op("Ticket status and position", _json(REF("Ticket")), errors=(404,)),
            "parameters": [P_TICKET],
        }
    },
    "/api/v1/tickets/{ticket_id}/reinstate": {
        "post": {
            **_op(
                "Put a no-show back into the queue behind the next K tickets",
                _json(REF("Ticket")),
                EMPTY,
                auth="guide",
                errors=(404, 409, 415),
            ),
            "parameters": [P_TICKET],
        }
    },
    "/api/v1/windows": {
        "get": _op(
            "Windows and their current tickets",
            _json(_obj({"windows": {"type": "array", "items": REF("Window")}})),
        )
    },
    "/api/v1/windows/{number}/queue": {
        "get": {
            **_op(
                "The window's current ticket and the tickets it may call, in policy order",
                _json(
                    _obj(
                        {
                            "current": {"oneOf": [REF("Ticket"), {"type": "null"}]},
                            "waiting": {"type": "array"},
                        }
                    )
                ),
                auth="window, guide",
                errors=(404,),
            ),
            "parameters": [P_NUMBER],
        }
    },
    "/api/v1/windows/{number}/call-next": {
        "post": {
            **_op(
                "Call the next ticket (or body.ticket_id); 204 when nobody waits",
                _json(REF("Ticket")),
                _obj({"ticket_id": S}),
                auth="window",
                errors=(404, 409, 415, 422),
                empty="Nobody waits",
            ),
            "parameters": [P_NUMBER],
        }
    },
    "/api/v1/windows/{number}/transfer": {
        "post": {
            **_op(
                "Transfer the current ticket to another service (keeps its issue time)",
                _json(REF("Ticket")),
                _obj({"service": S}, ["service"]),
                auth="window",
                errors=(404, 409, 415, 422),
            ),
            "parameters": [P_NUMBER],
        }
    },
    "/api/v1/devices": {
        "get": _op("Device health", _json(_obj({"devices": {"type": "array"}})), auth="guide")
    },
    "/api/v1/devices/{device_id}/heartbeat": {
        "post": {
            **_op(
                "Device heartbeat with printer status; every_s: seconds until the next beat",
                _json(_obj({"ok": B, "at": S, "every_s": {"type": "number"}})),
                _obj({"status": _obj({"printer": S, "detail": S, "page": S})}),
                auth="the device itself",
                errors=(400, 415, 422),
            ),
            "parameters": [P_DEVICE],
        }
    },
    "/api/v1/events": {
        "get": {
            **_op(
                "Server-Sent Events; id is the event sequence; Last-Event-ID resumes",
                {"content": {"text/event-stream": {"schema": REF("Event")}}},
            ),
            "parameters": [
                {"name": "Last-Event-ID", "in": "header", "schema": S},
                {"name": "last_event_id", "in": "query", "schema": I},
                {"name": "types", "in": "query", "schema": S},
            ],
        }
    },
    "/api/v1/display/state": {
        "get": _op(
            "Display snapshot with last_event_id to follow from",
            _json(
                _obj(
                    {
                        "hall": S,
                        "now": S,
                        "last_event_id": I,
                        "windows": {"type": "array"},
                        "recent_calls": {"type": "array"},
                        "services": {"type": "array"},
                        "notice": S,
                    }
                )
            ),
        )
    },
    "/api/v1/auth/login": {
        "post": _op(
            "Staff login; sets an HttpOnly SameSite=Strict cookie holding a random session id (Secure when "
            "server.https). 429 while tries from this address are throttled or the name is hard-locked",
            _json(_obj({"username": S, "role": S, "display_name": S})),
            _obj({"username": S, "password": S}, ["username", "password"]),
            errors=(400, 401, 415, 429),
        )
    },
    "/api/v1/auth/logout": {
        "post": _op(
            "End the staff session on the server (a copied cookie stops working)",
            _json(_obj({"ok": B})),
            EMPTY,
            errors=(415,),
        )
    },
    "/api/v1/auth/me": {
        "get": _op(
            "Who is calling", _json(_obj({"type": S, "role": S, "username": S})), errors=(401,)
        )
    },
    "/api/v1/faq": {
        "get": {
            **_op(
                "Policy Q&A (§6.1): q = Chinese text (trigram; 1–2 characters by substring) or pinyin initials (ylbx)",
                _json(
                    _obj(
                        {
                            "topics": {"type": "array"},
                            "entries": {
                                "type": "array",
                                "items": _obj(
                                    {"id": S, "topic": S, "question": S, "answer": S, "basis": S}
                                ),
                            },
                        }
                    )
                ),
                errors=(400, 422),
            ),
            "parameters": [
                {"name": "q", "in": "query", "schema": S},
                {"name": "topic", "in": "query", "schema": S},
            ],
        }
    },
    "/api/v1/openapi.json": {"get": _op("This document", _json({"type": "object"}), errors=())},
    "/api/v1/vocabulary": {
        "get": {
            **_op(
                "The hall's words, declared once in core.vocabulary, labelled in the caller's "
                "language (?lang= or Accept-Language): event types, priority, cancel and reprint "
                "reasons, rating levels and reasons, ledger forms, reply classes with their §8.2 "
                "limits in working days, reply methods, printer status words. Cacheable: an "
                "ETag per language, Vary: Accept-Language",
                _json(
                    _obj(
                        {
                            "language": S,
                            "event_types": {"type": "array", "items": S},
                            **{
                                key: {"type": "array", "items": REF("Term")}
                                for key in (
                                    "priority_reasons",
                                    "cancel_reasons",
                                    "reprint_reasons",
                                    "rating_reasons",
                                    "ledger_forms",
                                    "reply_methods",
                                )
                            },
                            "rating_levels": {
                                "type": "array",
                                "items": _obj({"level": I, "label": S, "bad": B}),
                            },
                            "reply_classes": {
                                "type": "array",
                                "items": _obj({"code": S, "label": S, "working_days": I}),
                            },
                            "printer_words": {
                                "type": "array",
                                "items": _obj({"code": S, "label": S, "prints": B}),
                            },
                        }
                    )
                ),
            ),
            "parameters": [{"name": "lang", "in": "query", "schema": {"enum": list(LANGUAGES)}}],
        }
    },
    "/api/v1/announcements/{event_id}.wav": {
        "get": {
            **_op(
                "The voice call (WAV) for a ticket.called / ticket.recalled event, rendered on the call and cached",
                {"content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}},
                errors=(404, 503),
            ),
            "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": ROW_ID}],
        }
    },
}

for _state in ("open", "pause", "close"):
    PATHS[f"/api/v1/windows/{{number}}/{_state}"] = {
        "post": {
            **_op(
                f"Window state: {_state}",
                _json(REF("Window")),
                EMPTY,
                auth="window",
                errors=(404, 409, 415),
            ),
            "parameters": [P_NUMBER],
        }
    }
for _action in ("recall", "start", "no-show", "finish"):
    PATHS[f"/api/v1/windows/{{number}}/{_action}"] = {
        "post": {
            **_op(
                f"{_action} the window's current ticket",
                _json(REF("Ticket")),
                EMPTY,
                auth="window",
                errors=(404, 409, 415),
            ),
            "parameters": [P_NUMBER],
        }
    }


# --- consultation ledger, calendar, evaluations, notice, phrases (issue #6) --------------------
D = {"type": "string", "format": "date"}
DT = {"type": "string", "format": "date-time"}
NS = {"type": ["string", "null"]}
DOC_TYPE = {"enum": list(DOCUMENT_TYPES), "description": "identity document; default resident_id"}
SCHEMAS["Term"] = _obj({"code": S, "label": S}, ["code", "label"])
SCHEMAS["LedgerRecord"] = _obj(
    {
        "id": I,
        "name": S,
        "document_type": DOC_TYPE,
        "document_country": NS,
        "id_number_masked": S,
        "phone_masked": NS,
        "email": NS,
        "address": NS,
        "received_at": DT,
        "form": {"enum": list(LEDGER_FORMS)},
        "summary": S,
        "reply_class": {"enum": list(REPLY_CLASSES)},
        "agreed_reply_date": NS,
        "due_date": D,
        "due_provisional": B,
        "receptionist": S,
        "remarks": NS,
        "status": {"enum": ["open", "answered"]},
        "due_today": B,
        "overdue": B,
        "working_days_left": {
            "type": ["integer", "null"],
            "description": "0 due today, < 0 overdue, null answered",
        },
        "reply_method": {"enum": [*REPLY_METHODS, None]},
        "reply_content": NS,
        "replied_at": NS,
        "replied_by": NS,
        "answered_late": B,
        "created_by": S,
        "created_at": DT,
        "id_number": {
            "type": "string",
            "description": "full; only GET /ledger/{id} for an admin (audited)",
        },
        "phone": {
            "type": ["string", "null"],
            "description": "full; only GET /ledger/{id} for an admin (audited)",
        },
    },
    ["id", "name", "id_number_masked", "phone_masked", "due_date", "due_provisional", "status"],
)
P_RECORD = {"name": "record_id", "in": "path", "required": True, "schema": ROW_ID}
_DAY_PARAM = "YYYY-MM-DD; leave the parameter out for its default (an empty value is a 422)"
Q_FROM = {"name": "from", "in": "query", "schema": D, "description": _DAY_PARAM}
Q_TO = {"name": "to", "in": "query", "schema": D, "description": _DAY_PARAM}
Q_LEDGER_STATUS = {
    "name": "status",
    "in": "query",
    "schema": {"enum": ["open", "due_today", "overdue", "answered", "all"]},
}
_FILE = {"type": "string", "format": "binary"}
_OVERRIDE = _obj(
    {
        "day": D,
        "kind": {"enum": ["holiday", "workday"]},
        "note": NS,
        "created_by": NS,
        "created_at": S,
        "official": {"enum": ["workday", "holiday", "unpublished"]},
    }
)
P_YEAR = {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}}
_YEAR = _obj(
    {
        "year": I,
        "status": {"enum": ["official", "confirmed", "provisional"]},
        "statutory_holidays": {"type": "array", "items": _obj({"date": D, "name": S})},
    }
)
PATHS.update(
    {
        "/api/v1/ledger": {
            "post": _op(
                "Record a consultation (annex B); due_date by §8.2 working days; 422 names the field, "
                "nothing saved on error",
                _json(REF("LedgerRecord")),
                _obj(
                    {
                        "name": S,
                        "document_type": DOC_TYPE,
                        "id_number": S,
                        "document_country": {
                            "type": "string",
                            "description": "passport only: ISO 3166-1 alpha-3",
                        },
                        "phone": {
                            "type": "string",
                            "description": "mobile, landline or +country…; "
                            "optional for letter and online (§7.3), else phone or email",
                        },
                        "email": S,
                        "address": S,
                        "received_at": DT,
                        "form": {"enum": list(LEDGER_FORMS)},
                        "summary": S,
                        "reply_class": {"enum": list(REPLY_CLASSES)},
                        "agreed_reply_date": D,
                        "receptionist": S,
                        "remarks": S,
                    },
                    ["name", "id_number", "form", "summary", "reply_class"],
                ),
                auth="window, guide, admin",
                status="201",
                errors=(400, 415, 422),
            ),
            "get": {
                **_op(
                    "Ledger records (ID number and phone masked), by status relative to today",
                    _json(
                        _obj(
                            {
                                "status": S,
                                "today": D,
                                "records": {"type": "array", "items": REF("LedgerRecord")},
                            }
                        )
                    ),
                    auth="window, guide, admin",
                    errors=(422,),
                ),
                "parameters": [Q_LEDGER_STATUS, Q_FROM, Q_TO],
            },
        },
        "/api/v1/ledger/{record_id}": {
            "get": {
                **_op(
                    "One record; an admin gets the full id_number and phone, and the access is audited",
                    _json(REF("LedgerRecord")),
                    auth="window, guide, admin",
                    errors=(404,),
                ),
                "parameters": [P_RECORD],
            },
            "patch": {
                **_op(
                    "Record the reply (closes the record: status answered) and/or update remarks",
                    _json(REF("LedgerRecord")),
                    _obj(
                        {
                            "reply_method": {"enum": list(REPLY_METHODS)},
                            "reply_content": S,
                            "replied_at": DT,
                            "replied_by": S,
                            "remarks": S,
                        }
                    ),
                    auth="window, guide, admin",
                    errors=(400, 404, 409, 415, 422),
                ),
                "parameters": [P_RECORD],
            },
        },
        "/api/v1/ledger/audit": {
            "get": {
                **_op(
                    "Audit log of access to full personal data and of exports (who, what, when)",
                    _json(_obj({"entries": {"type": "array"}})),
                    auth="admin",
                    errors=(422,),
                ),
                "parameters": [{"name": "limit", "in": "query", "schema": I}],
            }
        },
        "/api/v1/calendar/due-date": {
            "get": {
                **_op(
                    "Deadline preview: the working day n days after `from` (start day not counted)",
                    _json(
                        _obj(
                            {
                                "from": D,
                                "class": S,
                                "working_days": I,
                                "due_date": D,
                                "provisional": B,
                            }
                        )
                    ),
                    auth="window, guide, admin",
                    errors=(422,),
                ),
                "parameters": [
                    Q_FROM,
                    {
                        "name": "class",
                        "in": "query",
                        "schema": {"enum": list(REPLY_CLASSES)},
                    },
                ],
            }
        },
        "/api/v1/calendar/overrides": {
            "get": _op(
                "Calendar overrides and the years with a published official schedule",
                _json(
                    _obj(
                        {
                            "overrides": {"type": "array", "items": _OVERRIDE},
                            "published_years": {"type": "array", "items": I},
                        }
                    )
                ),
                auth="admin",
            ),
            "post": _op(
                "Add or replace an override (extra holiday or make-up working day)",
                _json(_OVERRIDE),
                _obj(
                    {"date": D, "kind": {"enum": ["holiday", "workday"]}, "note": S},
                    ["date", "kind"],
                ),
                auth="admin",
                status="201",
                errors=(400, 415, 422),
            ),
        },
        "/api/v1/calendar/overrides/{day}": {
            "delete": {
                **_op(
                    "Remove an override (send Content-Type: application/json)",
                    None,
                    auth="admin",
                    status="204",
                    errors=(404, 415, 422),
                ),
                "parameters": [{"name": "day", "in": "path", "required": True, "schema": D}],
            }
        },
        "/api/v1/calendar/years/{year}": {
            "get": {
                **_op(
                    "How a year is counted: official (chinesecalendar), confirmed (admin overrides) or "
                    "provisional (statutory holidays and weekends, no 调休)",
                    _json(_YEAR),
                    auth="admin",
                    errors=(404,),
                ),
                "parameters": [P_YEAR],
            },
            "post": {
                **_op(
                    "Confirm that the overrides hold the year's official schedule (or take it back); "
                    "stored provisional due dates are recounted",
                    _json(_YEAR | {"properties": {**_YEAR["properties"], "recomputed": I}}),
                    _obj({"confirmed": B, "note": S}, ["confirmed"]),
                    auth="admin",
                    errors=(400, 404, 415, 422),
                ),
                "parameters": [P_YEAR],
            },
        },
        "/api/v1/evaluations": {
            "post": _op(
                "Rate a ticket finished today (1–5; 1–2 need reasons; 'other' needs a comment); 409 on a second rating",
                _json(
                    _obj(
                        {
                            "id": I,
                            "ticket_number": S,
                            "level": I,
                            "window": NULLABLE_I,
                            "reasons": {"type": "array"},
                        }
                    )
                ),
                _obj(
                    {
                        "ticket_id": S,
                        "level": {"type": "integer", "minimum": 1, "maximum": 5},
                        "reasons": {
                            "type": "array",
                            "items": {"enum": list(RATING_REASONS)},
                        },
                        "comment": {"type": "string", "maxLength": 500},
                        "contact": {
                            "type": "string",
                            "description": "a phone number for the 差评 call-back "
                            "(回访), only with level 1–2; opens a follow-up item",
                        },
                    },
                    ["ticket_id", "level"],
                ),
                auth="evaluator device, window",
                status="201",
                errors=(400, 404, 409, 415, 422),
            )
        },
        "/api/v1/evaluations/summary": {
            "get": {
                **_op(
                    "Ratings per level, 差评 list with reasons, per window and per staff",
                    _json(
                        _obj(
                            {
                                "from": D,
                                "to": D,
                                "total": I,
                                "counts": {"type": "object"},
                                "bad": I,
                                "bad_rate": {"type": ["number", "null"]},
                                "mean_level": {"type": ["number", "null"]},
                                "levels": {"type": "object"},
                                "bad_list": {"type": "array"},
                                "by_window": {"type": "array"},
                                "by_staff": {"type": "array"},
                            }
                        )
                    ),
                    auth="guide, admin",
                    errors=(422,),
                ),
                "parameters": [Q_FROM, Q_TO],
            }
        },
        "/api/v1/windows/{number}/pending-evaluation": {
            "get": {
                **_op(
                    "The latest ticket finished at the window in the last 10 minutes without a rating; 204 if none",
                    _json(_obj({"ticket_id": S, "number": S, "service": S, "finished_at": DT})),
                    auth="evaluator device, window",
                    errors=(404,),
                    empty="Nothing to rate",
                ),
                "parameters": [P_NUMBER],
            }
        },
        "/api/v1/notice": {
            "post": _op(
                "Set the display notice (≤ 200 characters); refused with 422 (field text) when it contains "
                "forbidden service language of annex A.2; emits notice.changed",
                _json(_obj({"notice": S, "event_id": I})),
                _obj({"text": S}, ["text"]),
                auth="guide, admin",
                errors=(400, 415, 422),
            )
        },
        "/api/v1/phrases": {
            "get": _op(
                "Annex A.1 phrases by situation, annex A.2 forbidden classes, and the §7.1 window prompts",
                _json(
                    _obj(
                        {
                            "polite": {"type": "array"},
                            "forbidden": {"type": "array"},
                            "prompts": _obj(
                                {
                                    "on_call": {"type": "array"},
                                    "on_finish": {"type": "array"},
                                    "satisfaction": {"type": "array"},
                                }
                            ),
                        }
                    )
                ),
            )
        },
        "/api/v1/guide/overview": {
            "get": _op(
                "Guide desk (§8.1.5): per queue waiting, longest wait and open windows; today's no-shows with ids "
                "(for reinstating)",
                _json(
                    _obj(
                        {
                            "now": S,
                            "queues": {
                                "type": "array",
                                "items": _obj(
                                    {
                                        "code": S,
                                        "prefix": S,
                                        "name": {"type": "object"},
                                        "waiting": I,
                                        "open_windows": I,
                                        "longest_wait_s": I,
                                        "open": B,
                                    }
                                ),
                            },
                            "no_shows": {
                                "type": "array",
                                "items": _obj(
                                    {
                                        "id": S,
                                        "number": S,
                                        "service": S,
                                        "window": NULLABLE_I,
                                        "called_at": S,
                                    }
                                ),
                            },
                        }
                    )
                ),
                auth="guide, admin",
                errors=(),
            )
        },
    }
)
for _fmt, _mime in (
    ("csv", "text/csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
):
    PATHS[f"/api/v1/ledger/export.{_fmt}"] = {
        "get": {
            **_op(
                f"Ledger export ({_fmt}) in the annex B column layout, ID number and phone masked; audited",
                {"content": {_mime: {"schema": _FILE}}},
                auth="guide, admin",
                errors=(422,),
            ),
            "parameters": [Q_LEDGER_STATUS, Q_FROM, Q_TO],
        }
    }


# --- staff sessions and administration (issue #11) --------------------------------------------
ROLE = {"enum": ["window", "guide", "supervisor", "admin"]}
KIND = {"enum": ["kiosk", "display", "evaluator", "platform"]}
PASSWORD = {"type": "string", "minLength": 8, "maxLength": 256}
P_USER = {"name": "username", "in": "path", "required": True, "schema": S}
SCHEMAS["StaffUser"] = _obj(
    {
        "username": S,
        "display_name": S,
        "role": ROLE,
        "disabled": B,
        "created_at": NS,
        "last_login_at": NS,
        "last_login_address": NS,
        "password_changed_at": NS,
        "sessions": {"type": "integer", "description": "open sessions"},
        "locked": B,
        "locked_until": {
            "type": ["string", "null"],
            "description": "null while locked: until unlocked",
        },
    },
    ["username", "role", "disabled", "sessions", "locked"],
)
SCHEMAS["AdminDevice"] = _obj(
    {
        "id": S,
        "kind": KIND,
        "name": S,
        "window": NULLABLE_I,
        "created_at": NS,
        "last_seen": NS,
        "revoked_at": NS,
        "token": {"type": "string", "description": "only when just created: shown once"},
    },
    ["id", "kind", "name", "window", "revoked_at"],
)
_ADMIN_ERRORS = (400, 404, 409, 415, 422)
PATHS.update(
    {
        "/api/v1/auth/password": {
            "post": _op(
                "Change one's own password (staff session); every other session of the user ends; 422 names "
                "the field (current_password wrong, new_password too short or unchanged)",
                _json(_obj({"ok": B})),
                _obj(
                    {"current_password": S, "new_password": PASSWORD},
                    ["current_password", "new_password"],
                ),
                auth="staff session",
                errors=(400, 415, 422, 429),
            )
        },
        "/api/v1/admin/users": {
            "get": _op(
                "Staff accounts with last login, open sessions and lock state (no hashes)",
                _json(_obj({"users": {"type": "array", "items": REF("StaffUser")}})),
                auth="admin",
                errors=(),
            ),
            "post": _op(
                "Create a staff account; 409 if the user name exists",
                _json(REF("StaffUser")),
                _obj(
                    {"username": S, "role": ROLE, "password": PASSWORD, "display_name": S},
                    ["username", "role", "password"],
                ),
                auth="admin",
                status="201",
                errors=_ADMIN_ERRORS,
            ),
        },
        "/api/v1/admin/users/{username}": {
            "patch": {
                **_op(
                    "Set role, name or disabled; disabling ends the user's sessions; 409 for the last active admin",
                    _json(REF("StaffUser")),
                    _obj({"role": ROLE, "display_name": S, "disabled": B}),
                    auth="admin",
                    errors=_ADMIN_ERRORS,
                ),
                "parameters": [P_USER],
            }
        },
        "/api/v1/admin/users/{username}/password": {
            "post": {
                **_op(
                    "Reset the password: every session of the user ends, throttles and lock on the name are lifted",
                    _json(REF("StaffUser")),
                    _obj({"password": PASSWORD}, ["password"]),
                    auth="admin",
                    errors=_ADMIN_ERRORS,
                ),
                "parameters": [P_USER],
            }
        },
        "/api/v1/admin/users/{username}/unlock": {
            "post": {
                **_op(
                    "Lift the hard lock of the name and forget its failed logins",
                    _json(REF("StaffUser")),
                    EMPTY,
                    auth="admin",
                    errors=_ADMIN_ERRORS,
                ),
                "parameters": [P_USER],
            }
        },
        "/api/v1/admin/devices": {
            "get": _op(
                "Every device, revoked ones too (never a token)",
                _json(_obj({"devices": {"type": "array", "items": REF("AdminDevice")}})),
                auth="admin",
                errors=(),
            ),
            "post": _op(
                "Register a device; the answer carries its token, shown this once; window ties an "
                "evaluator to one of the hall's windows",
                _json(REF("AdminDevice")),
                _obj({"id": S, "kind": KIND, "name": S, "window": NULLABLE_I}, ["id", "kind"]),
                auth="admin",
                status="201",
                errors=_ADMIN_ERRORS,
            ),
        },
        "/api/v1/admin/devices/{device_id}": {
            "patch": {
                **_op(
                    "Tie an evaluator to a window, or untie it with null",
                    _json(REF("AdminDevice")),
                    _obj({"window": NULLABLE_I}, ["window"]),
                    auth="admin",
                    errors=_ADMIN_ERRORS,
                ),
                "parameters": [P_DEVICE],
            }
        },
        "/api/v1/admin/devices/{device_id}/revoke": {
            "post": {
                **_op(
                    "Revoke the device's token at once (the device stays listed as revoked)",
                    _json(REF("AdminDevice")),
                    EMPTY,
                    auth="admin",
                    errors=_ADMIN_ERRORS,
                ),
                "parameters": [P_DEVICE],
            }
        },
        "/api/v1/admin/devices/{device_id}/token": {
            "post": {
                **_op(
                    "Issue a new token (shown once); the old one stops working",
                    _json(REF("AdminDevice")),
                    EMPTY,
                    auth="admin",
                    errors=_ADMIN_ERRORS,
                ),
                "parameters": [P_DEVICE],
            }
        },
    }
)


# --- personal records: citizen session, statements, progress, audit (issue #13) ---------------
from ..core.citizen import RESULTS as _AUDIT_RESULTS  # noqa: E402
from ..core.insurance import (
    BENEFITS as _BENEFITS,
    INSURANCES as _INSURANCES,  # noqa: E402
    STAGES as _STAGES,
    STATES as _STATES,
    STATUSES as _STATUSES,
)
from ..core.statements import KINDS as _KINDS  # noqa: E402

MONTH = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "description": "YYYY-MM"}
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "yuan, exact decimal"}
LABELS = {
    "type": "object",
    "additionalProperties": S,
    "description": "the codes of this answer in the caller's language",
}
H_CITIZEN = {
    "name": "X-Citizen-Session",
    "in": "header",
    "required": True,
    "schema": S,
    "description": "the token POST /citizen/session returned to this kiosk",
}
Q_MONTHS = [
    {"name": "from", "in": "query", "schema": MONTH},
    {"name": "to", "in": "query", "schema": MONTH},
]
_STAGE = {"enum": list(_STAGES)}
_NSTAGE = {"enum": [*_STAGES, None]}
_CITIZEN_AUTH = "kiosk device + X-Citizen-Session"
SCHEMAS.update(
    {
        "CitizenSession": _obj(
            {
                "token": S,
                "method": {"enum": ["id_card", "essc_qr", "password"]},
                "expires_at": DT,
                "idle_s": I,
                "max_s": I,
                "person": _obj(
                    {"name_masked": S, "id_number_masked": S}, ["name_masked", "id_number_masked"]
                ),
            },
            ["token", "method", "expires_at", "idle_s", "max_s", "person"],
        ),
        "CitizenProfile": _obj(
            {
                "name_masked": S,
                "id_number_masked": S,
                "sex": {"enum": ["M", "F"]},
                "birth_year": {
                    "type": "integer",
                    "description": "the year only: the full date would unmask the ID number",
                },
                "first_month": {"oneOf": [MONTH, {"type": "null"}]},
                "employer": NS,
                "statuses": {
                    "type": "array",
                    "items": _obj(
                        {
                            "insurance": {"enum": list(_INSURANCES)},
                            "status": {"enum": list(_STATUSES)},
                            "first_month": {"oneOf": [MONTH, {"type": "null"}]},
                            "months_paid": I,
                        }
                    ),
                },
                "labels": LABELS,
            },
            ["name_masked", "id_number_masked", "statuses", "labels"],
        ),
        "Contributions": _obj(
            {
                "from": MONTH,
                "to": MONTH,
                "labels": LABELS,
                "months": {
                    "type": "array",
                    "items": _obj(
                        {
                            "month": MONTH,
                            "insurance": {"enum": list(_INSURANCES)},
                            "base": MONEY,
                            "unit": MONEY,
                            "personal": MONEY,
                            "payer": {"type": "string", "description": "employer, or self"},
                            "state": {"enum": list(_STATES)},
                        }
                    ),
                },
                "totals": {
                    "type": "object",
                    "additionalProperties": _obj(
                        {"months": I, "unit": MONEY, "personal": MONEY, "owed": MONEY}
                    ),
                },
            },
            ["from", "to", "months", "totals", "labels"],
        ),
        "PensionAccount": _obj(
            {
                "as_of": D,
                "balance": MONEY,
                "labels": LABELS,
                "years": {
                    "type": "array",
                    "items": _obj(
                        {
                            "year": I,
                            "opening": MONEY,
                            "credits": MONEY,
                            "interest": MONEY,
                            "closing": MONEY,
                            "rate": {
                                "type": ["string", "null"],
                                "description": "记账利率; null until published",
                            },
                        }
                    ),
                },
            },
            ["as_of", "balance", "years", "labels"],
        ),
        "Benefits": _obj(
            {
                "from": MONTH,
                "to": MONTH,
                "labels": LABELS,
                "payments": {
                    "type": "array",
                    "items": _obj(
                        {"month": MONTH, "kind": {"enum": list(_BENEFITS)}, "amount": MONEY}
                    ),
                },
            },
            ["from", "to", "payments", "labels"],
        ),
        "Cases": _obj(
            {
                "labels": LABELS,
                "cases": {
                    "type": "array",
                    "items": _obj(
                        {
                            "case_number": S,
                            "item": S,
                            "received_on": D,
                            "stage": _STAGE,
                            "next_stage": _NSTAGE,
                            "next_expected": {"type": ["string", "null"], "format": "date"},
                            "window": NS,
                        }
                    ),
                },
            },
            ["cases", "labels"],
        ),
        "Statement": _obj(
            {
                "kind": {"enum": list(_KINDS)},
                "title": S,
                "issuer": S,
                "name_masked": S,
                "id_masked": S,
                "period": S,
                "columns": {"type": "array", "items": S},
                "rows": {"type": "array", "items": {"type": "array", "items": S}},
                "totals": {"type": "array", "items": {"type": "array", "items": S}},
                "printed_at": DT,
                "footer": {"type": "array", "items": S},
                "verification_code": {"type": "string", "description": "XXXXX-XXXXX-XXXXX-XXXXX"},
                "verify_url": {
                    "type": "string",
                    "description": "{public_url}/v/{code}; print it as a QR code",
                },
                "expires_on": D,
            },
            ["kind", "title", "rows", "totals", "verification_code", "verify_url"],
        ),
        "CaseProgress": _obj(
            {
                "case_number": S,
                "stage": _STAGE,
                "next_stage": _NSTAGE,
                "next_expected": {"type": ["string", "null"], "format": "date"},
                "labels": LABELS,
            },
            ["case_number", "stage", "labels"],
        ),
        "AuditEntry": _obj(
            {
                "id": I,
                "at": DT,
                "day": D,
                "actor": S,
                "actor_kind": {"enum": ["kiosk", "staff", "public"]},
                "action": S,
                "method": NS,
                "result": {"enum": list(_AUDIT_RESULTS)},
                "reason": NS,
                "person": {
                    "type": ["string", "null"],
                    "description": "a tag of the ID number's HMAC",
                },
                "detail": NS,
            },
            ["id", "at", "actor", "action", "result"],
        ),
    }
)
_CARD = _obj(
    {
        "name": S,
        "id_number": S,
        "valid_from": {"type": "string", "description": "YYYY-MM-DD"},
        "valid_to": {"type": "string", "description": "YYYY-MM-DD, or 长期"},
    },
    ["name", "id_number", "valid_to"],
)
_AUDIT_FILTERS = _obj(
    {
        "day": D,
        "kiosk": S,
        "result": {"enum": list(_AUDIT_RESULTS)},
        "id_number": {"type": "string", "description": "matched through its HMAC; never stored"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
        "before": {"type": "integer", "minimum": 1},
    }
)
_AUDIT_QUERY = [
    {"name": "day", "in": "query", "schema": D},
    {"name": "kiosk", "in": "query", "schema": S},
    {"name": "result", "in": "query", "schema": {"enum": list(_AUDIT_RESULTS)}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1}},
]
_CSV = {"content": {"text/csv": {"schema": _FILE}}}
PATHS.update(
    {
        "/api/v1/citizen/session": {
            "post": _op(
                "Verify a person at this kiosk (§8.1.3) with exactly one of id_card (the reader's fields; "
                "the card must be in date), essc_qr (the scanned e-SSC code) or password (ID number + "
                "6-digit 查询密码; 5 wrong a day lock the number — a refused password's 401 and the lock's 429 "
                "carry error.tries_left; a kiosk that keeps failing waits, 429 + "
                "Retry-After). Any session this kiosk had ends. 503 when the records system fails",
                _json(REF("CitizenSession")),
                _obj(
                    {
                        "id_card": _CARD,
                        "essc_qr": {"type": "string", "maxLength": 200},
                        "password": _obj(
                            {"id_number": S, "password": {"type": "string", "pattern": r"^\d{6}$"}},
                            ["id_number", "password"],
                        ),
                    }
                ),
                auth="kiosk device",
                status="201",
                errors=(400, 415, 422, 429, 503),
            ),
            "delete": {
                **_op(
                    "End the citizen session (send Content-Type: application/json)",
                    None,
                    auth="kiosk device",
                    status="204",
                    errors=(415,),
                ),
                "parameters": [{**H_CITIZEN, "required": False}],
            },
        },
        "/api/v1/citizen/profile": {
            "get": {
                **_op(
                    "The verified person's profile: masked name and ID number, insured status per insurance",
                    _json(REF("CitizenProfile")),
                    auth=_CITIZEN_AUTH,
                    errors=(503,),
                ),
                "parameters": [H_CITIZEN],
            }
        },
        "/api/v1/citizen/contributions": {
            "get": {
                **_op(
                    "Contributions by month and insurance (default: the last 12 months; at most 480)",
                    _json(REF("Contributions")),
                    auth=_CITIZEN_AUTH,
                    errors=(422, 503),
                ),
                "parameters": [H_CITIZEN, *Q_MONTHS],
            }
        },
        "/api/v1/citizen/account": {
            "get": {
                **_op(
                    "The pension personal account: balance, each year's credits and interest (记账利率)",
                    _json(REF("PensionAccount")),
                    auth=_CITIZEN_AUTH,
                    errors=(503,),
                ),
                "parameters": [H_CITIZEN],
            }
        },
        "/api/v1/citizen/benefits": {
            "get": {
                **_op(
                    "Pension and unemployment payments by month (default: the last 12 months)",
                    _json(REF("Benefits")),
                    auth=_CITIZEN_AUTH,
                    errors=(422, 503),
                ),
                "parameters": [H_CITIZEN, *Q_MONTHS],
            }
        },
        "/api/v1/citizen/cases": {
            "get": {
                **_op(
                    "The person's cases (办件): stage, next stage and its expected date, window",
                    _json(REF("Cases")),
                    auth=_CITIZEN_AUTH,
                    errors=(503,),
                ),
                "parameters": [H_CITIZEN],
            }
        },
        "/api/v1/citizen/statements": {
            "post": {
                **_op(
                    "A 制式清单 for the printer with its verification code, stored as printed for /v/{code}: "
                    "contribution_certificate (参保缴费证明, from/to months, default the last 12) or "
                    "annual_record (个人权益记录单, year)",
                    _json(REF("Statement")),
                    _obj(
                        {
                            "kind": {"enum": list(_KINDS)},
                            "from": MONTH,
                            "to": MONTH,
                            "year": {"type": "integer", "minimum": 1950, "maximum": 2100},
                        },
                        ["kind"],
                    ),
                    auth=_CITIZEN_AUTH,
                    status="201",
                    errors=(400, 415, 422, 503),
                ),
                "parameters": [H_CITIZEN],
            }
        },
        "/api/v1/cases/{case_number}": {
            "get": {
                **_op(
                    "Progress of a case without verification (§8.1.2): stage and next stage only. check = last 4 "
                    "of the applicant's ID number; 404 when number and check do not match; throttled like "
                    "passwords (429)",
                    _json(REF("CaseProgress")),
                    auth="kiosk device, window, guide",
                    errors=(404, 422, 429, 503),
                ),
                "parameters": [
                    {"name": "case_number", "in": "path", "required": True, "schema": S},
                    {
                        "name": "check",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "pattern": r"^\d{3}[\dXx]$"},
                    },
                ],
            }
        },
        "/api/v1/audit": {
            "get": {
                **_op(
                    "The audit of personal-data access (§8.6), newest first; reading it is audited. To find a "
                    "person's rows send their ID number to POST /audit/search (never in a URL: 422)",
                    _json(_obj({"entries": {"type": "array", "items": REF("AuditEntry")}})),
                    auth="admin",
                    errors=(422,),
                ),
                "parameters": _AUDIT_QUERY,
            }
        },
        "/api/v1/audit/search": {
            "post": _op(
                "The audit filtered, also by an ID number (matched through its HMAC); audited",
                _json(_obj({"entries": {"type": "array", "items": REF("AuditEntry")}})),
                _AUDIT_FILTERS,
                auth="admin",
                errors=(400, 415, 422),
            )
        },
        "/api/v1/audit/export.csv": {
            "get": {
                **_op(
                    "The audit as CSV (UTF-8 with BOM); audited", _CSV, auth="admin", errors=(422,)
                ),
                "parameters": _AUDIT_QUERY,
            },
            "post": _op(
                "The audit as CSV, filters in the body (ID number allowed); audited",
                _CSV,
                _AUDIT_FILTERS,
                auth="admin",
                errors=(400, 415, 422),
            ),
        },
    }
)


# --- supervision: reports, exports, 差评 follow-up (issue 15, §9) ------------------------------
from ..core.followups import FINDINGS as _FINDINGS, STATUSES as _FU_STATUSES  # noqa: E402
from ..core.reports.tables import TABLE_NAMES as _TABLE_NAMES  # noqa: E402

NN = {"type": ["number", "null"]}
NI = {"type": ["integer", "null"]}
SCHEMAS["ReportFigures"] = _obj(
    {
        "key": {
            "type": "string",
            "description": "the dimension's key (service code, window number, "
            "user name, channel, hour 'HH', priority/normal, device id)",
        },
        "name": {
            "description": "a service's names per language, or a window's, staff member's or "
            "device's name"
        },
        "issued": I,
        "called": I,
        "served": I,
        "waiting": I,
        "no_show": I,
        "reinstated": I,
        "transferred": I,
        "cancelled": I,
        "expired": I,
        "abandoned": I,
        "priority": I,
        "appointment": I,
        "no_show_rate": NN,
        "transfer_rate": NN,
        "cancel_rate": NN,
        "abandon_rate": NN,
        "wait_n": I,
        "wait_mean_s": NN,
        "wait_p50_s": NN,
        "wait_p90_s": NN,
        "wait_max_s": NN,
        "wait_over": I,
        "wait_over_rate": NN,
        "rewait_n": I,
        "rewait_mean_s": NN,
        "service_n": I,
        "service_mean_s": NN,
        "service_p90_s": NN,
        "service_max_s": NN,
        "est_n": I,
        "est_mae_s": NN,
        "est_bias_s": NN,
        "est_mean_wait_s": NN,
        "est_mae_share": NN,
        "open_s": I,
        "paused_s": I,
        "closed_s": I,
        "open_share": NN,
        "absences": I,
        "down_s": I,
        "alerts": I,
        "ratings": I,
        "rating_counts": {"type": "object", "additionalProperties": I},
        "bad": I,
        "good_rate": NN,
        "satisfied_rate": NN,
        "mean_level": NN,
        "bad_reasons": {"type": "object", "additionalProperties": I},
    },
    ["issued", "served", "wait_mean_s", "wait_p90_s", "ratings"],
)
_FIG_LIST = {"type": "array", "items": REF("ReportFigures")}
_DEADLINES = _obj(
    {"items": I, "on_time": I, "late": I, "overdue": I, "pending": I, "on_time_rate": NN},
    ["items", "on_time", "late", "overdue", "pending"],
)
SCHEMAS["ReportSummary"] = _obj(
    {
        "from": D,
        "to": D,
        "days": I,
        "open_days": I,
        "live": B,
        "generated_at": DT,
        "wait_threshold_s": N,
        "settings": {"type": "object"},
        "totals": REF("ReportFigures"),
        **{
            f"by_{dim}": _FIG_LIST
            for dim in ("service", "window", "staff", "channel", "hour", "priority", "device")
        },
        "trend": {"type": "array", "items": {"type": "object"}},
        "heatmap": _obj(
            {
                "weekdays": {"type": "array", "items": I},
                "hours": {"type": "array", "items": S},
                "cells": {"type": "array", "items": {"type": "array", "items": N}},
                "peak": N,
                "days": {"type": "object"},
            }
        ),
        "absences": {
            "type": "array",
            "items": _obj(
                {
                    "day": D,
                    "window": I,
                    "state": {"enum": ["closed", "paused"]},
                    "start": DT,
                    "end": DT,
                    "minutes": N,
                    "waiting": I,
                }
            ),
        },
        "bad_list": {"type": "array", "items": {"type": "object"}},
        "ledger": {
            "type": "object",
            "description": "§8.2 replies: on time, late, overdue, pending",
        },
        "appointments": {
            "type": "object",
            "description": "预约 bookings of the range by status "
            "(a booked slot that ended counts as a no-show), in all and per service",
        },
        "followups": {
            "oneOf": [
                _obj(
                    {
                        "items": I,
                        "calls": _DEADLINES,
                        "rectifications": _DEADLINES,
                        "findings": {"type": "object"},
                        "open": I,
                    }
                ),
                {"type": "null"},
            ]
        },
    },
    ["from", "to", "totals", "by_service", "by_window", "by_staff", "trend", "heatmap"],
)
SCHEMAS["Followup"] = _obj(
    {
        "id": I,
        "ticket_number": NS,
        "service": NS,
        "window": NI,
        "staff": NS,
        "staff_name": NS,
        "level": I,
        "reasons": {"type": "array", "items": S},
        "comment": NS,
        "contact_masked": S,
        "day": D,
        "status": {"enum": list(_FU_STATUSES)},
        "call_due": D,
        "called_at": NS,
        "called_by": NS,
        "call_summary": NS,
        "rectify_due": NS,
        "finding": {"enum": [*_FINDINGS, None]},
        "finding_reason": NS,
        "finding_at": NS,
        "rectified_at": NS,
        "rectified_by": NS,
        "measures": NS,
        "due": NS,
        "overdue": B,
        "contact": {
            "type": "string",
            "description": "full; only GET /followups/{item_id} (audited)",
        },
    },
    ["id", "level", "contact_masked", "day", "status", "call_due", "overdue"],
)
P_ITEM = {"name": "item_id", "in": "path", "required": True, "schema": ROW_ID}
_STEP_ERRORS = (400, 404, 409, 415, 422)
PATHS.update(
    {
        "/api/v1/reports/summary": {
            "get": {
                **_op(
                    "The hall's figures for a day or any range (default today; today is live): tickets, "
                    "waits (issue → first call; mean, p50, p90, max, over the threshold), service times, "
                    "no-show / transfer / cancel / abandonment rates, priority and appointment tickets, per "
                    "service, window, staff member, channel and hour; window time in opening hours and the "
                    "§8.6 absences; ratings and 差评; §8.2 replies on time; 差评 follow-up on time; device "
                    "downtime; the wait estimates' error",
                    _json(REF("ReportSummary")),
                    auth="supervisor, admin",
                    errors=(422,),
                ),
                "parameters": [Q_FROM, Q_TO],
            }
        },
        "/api/v1/reports/export.xlsx": {
            "get": {
                **_op(
                    "Every table of the summary, one sheet each (headers in the caller's language, Chinese by "
                    "default; number formats; header row frozen); audited",
                    {
                        "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": _FILE
                            }
                        }
                    },
                    auth="supervisor, admin",
                    errors=(422,),
                ),
                "parameters": [Q_FROM, Q_TO],
            }
        },
        "/api/v1/reports/export.csv": {
            "get": {
                **_op(
                    "One table of the summary as CSV (UTF-8 with BOM); audited",
                    _CSV,
                    auth="supervisor, admin",
                    errors=(422,),
                ),
                "parameters": [
                    Q_FROM,
                    Q_TO,
                    {
                        "name": "table",
                        "in": "query",
                        "schema": {"enum": list(_TABLE_NAMES)},
                        "description": "default overview",
                    },
                ],
            }
        },
        "/api/v1/followups": {
            "get": {
                **_op(
                    "差评 follow-up items (contact masked): open, overdue, closed or all",
                    _json(
                        _obj(
                            {
                                "status": S,
                                "today": D,
                                "items": {"type": "array", "items": REF("Followup")},
                            }
                        )
                    ),
                    auth="guide, supervisor, admin",
                    errors=(422,),
                ),
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"enum": ["open", "overdue", "closed", "all"]},
                    }
                ],
            }
        },
        "/api/v1/followups/{item_id}": {
            "get": {
                **_op(
                    "One item with the full contact number, to make the call; the access is audited",
                    _json(REF("Followup")),
                    auth="supervisor, admin",
                    errors=(404,),
                ),
                "parameters": [P_ITEM],
            }
        },
        "/api/v1/followups/{item_id}/call": {
            "post": {
                **_op(
                    "Record the 回访 call (what the citizen said); the rectification deadline starts",
                    _json(REF("Followup")),
                    _obj({"call_summary": S, "called_at": DT}, ["call_summary"]),
                    auth="supervisor, admin",
                    errors=_STEP_ERRORS,
                ),
                "parameters": [P_ITEM],
            }
        },
        "/api/v1/followups/{item_id}/finding": {
            "post": {
                **_op(
                    "Record the finding with its reason: valid (rectify next), mistaken or malicious (closed)",
                    _json(REF("Followup")),
                    _obj(
                        {"finding": {"enum": list(_FINDINGS)}, "finding_reason": S},
                        ["finding", "finding_reason"],
                    ),
                    auth="supervisor, admin",
                    errors=_STEP_ERRORS,
                ),
                "parameters": [P_ITEM],
            }
        },
        "/api/v1/followups/{item_id}/rectification": {
            "post": {
                **_op(
                    "Record the 整改 measures; the item is closed",
                    _json(REF("Followup")),
                    _obj({"measures": S, "rectified_at": DT}, ["measures"]),
                    auth="supervisor, admin",
                    errors=_STEP_ERRORS,
                ),
                "parameters": [P_ITEM],
            }
        },
    }
)


# --- bookings (预约, issue 16) ------------------------------------------------------------------
SCHEMAS["Appointment"] = _obj(
    {
        "id": S,
        "code": {"type": "string", "description": "the booking code typed at the kiosk"},
        "service": S,
        "day": D,
        "slot_start": DT,
        "slot_end": DT,
        "status": {"enum": list(_APPT_STATUSES)},
        "source": {"enum": list(_SOURCES)},
        "external_id": NS,
        "id_masked": S,
        "name_masked": S,
        "phone_masked": S,
        "created_at": DT,
        "checked_in_at": NS,
        "cancelled_at": NS,
        "no_show_at": NS,
    },
    ["id", "code", "service", "day", "slot_start", "slot_end", "status", "source"],
)
_APPT_COUNTS = {k: I for k in _APPT_STATUSES}
_BOOKING = _obj(
    {
        "external_id": {
            "type": "string",
            "description": "the platform's booking id: a retry with the same "
            "id returns the same booking (200); required from the platform",
        },
        "service": S,
        "slot_start": {
            "type": "string",
            "description": "the slot's start, ISO 8601 "
            "(without an offset: hall time), one of GET /appointments/slots",
        },
        "id_number": {
            "type": "string",
            "description": "resident ID number; stored as an HMAC + masked",
        },
        "name": S,
        "phone": {"type": "string", "description": "shown masked everywhere"},
        "code": {
            "type": "string",
            "pattern": r"^[0-9A-Za-z]{4,12}$",
            "description": "optional: the platform's own code; default 6 digits made here",
        },
    },
    ["service", "slot_start", "id_number", "phone"],
)
P_APPT = {"name": "appointment_id", "in": "path", "required": True, "schema": S}
Q_DAY = {"name": "day", "in": "query", "schema": D}
PATHS.update(
    {
        "/api/v1/appointments": {
            "post": _op(
                "Book a slot: the province's platform (device token, idempotent by external_id) or the "
                "guide desk for a caller. 409 with error.code too_soon, too_far, not_working_day, no_slot, "
                "slot_full, one_per_day, no_show_limit, or conflict (external_id used for another booking)",
                _json(REF("Appointment")),
                _BOOKING,
                auth="platform device, guide",
                status="201",
                errors=(400, 409, 415, 422),
            ),
            "get": {
                **_op(
                    "A day's bookings per service and slot, and each booking (masked)",
                    _json(
                        _obj(
                            {
                                "day": D,
                                "working_day": B,
                                "services": {
                                    "type": "array",
                                    "items": _obj(
                                        {
                                            "code": S,
                                            "prefix": S,
                                            "name": {"type": "object"},
                                            "slots": {
                                                "type": "array",
                                                "items": _obj(
                                                    {
                                                        "start": DT,
                                                        "label": S,
                                                        "capacity": I,
                                                        **_APPT_COUNTS,
                                                    }
                                                ),
                                            },
                                        }
                                    ),
                                },
                                "bookings": {"type": "array", "items": REF("Appointment")},
                            }
                        )
                    ),
                    auth="guide",
                    errors=(422,),
                ),
                "parameters": [Q_DAY],
            },
        },
        "/api/v1/appointments/slots": {
            "get": {
                **_op(
                    "A service's slots of a day with the places left (public, no personal data)",
                    _json(
                        _obj(
                            {
                                "service": S,
                                "day": D,
                                "bookable": B,
                                "slots": {
                                    "type": "array",
                                    "items": _obj(
                                        {
                                            "start": DT,
                                            "end": DT,
                                            "label": S,
                                            "capacity": I,
                                            "booked": I,
                                            "left": I,
                                        }
                                    ),
                                },
                            }
                        )
                    ),
                    errors=(422,),
                ),
                "parameters": [
                    {**Q_DAY, "required": True},
                    {"name": "service", "in": "query", "required": True, "schema": S},
                ],
            }
        },
        "/api/v1/appointments/days": {
            "get": _op(
                "The days that can be booked now (next day up to the horizon in working days)",
                _json(_obj({"days": {"type": "array", "items": D}})),
            )
        },
        "/api/v1/appointments/capacity": {
            "get": _op(
                "Places and places held per bookable day and service",
                _json(
                    _obj(
                        {
                            "days": {
                                "type": "array",
                                "items": _obj(
                                    {
                                        "day": D,
                                        "services": {
                                            "type": "array",
                                            "items": _obj(
                                                {"service": S, "capacity": I, "booked": I}
                                            ),
                                        },
                                    }
                                ),
                            }
                        }
                    )
                ),
                auth="guide",
                errors=(),
            )
        },
        "/api/v1/appointments/{appointment_id}": {
            "get": {
                **_op(
                    "One booking (a platform sees only its own)",
                    _json(REF("Appointment")),
                    auth="platform device, guide",
                    errors=(404,),
                ),
                "parameters": [P_APPT],
            }
        },
        "/api/v1/appointments/{appointment_id}/cancel": {
            "post": {
                **_op(
                    "Cancel a booking: by the citizen until cancel_before_min before the slot (409 "
                    "cancel_too_late), by the hall (staff) until the slot ends; a repeat answers the same",
                    _json(REF("Appointment")),
                    _obj({"by": {"enum": list(_CANCEL_BY)}}),
                    auth="platform device, guide",
                    errors=(400, 404, 409, 415, 422),
                ),
                "parameters": [P_APPT],
            }
        },
        "/api/v1/appointments/check-in": {
            "post": _replayable(
                _op(
                    "Check today's booking in at the kiosk with exactly one of id_number (the card reader) or "
                    "code (with phone_last4 if typed). On time → 201 with a ticket carrying appointment_at "
                    "(channel appointment; print 预约). 409 error.code: checkin_early (error.checkin_from), "
                    "checkin_late (error.offer = walk_in: send again with walk_in true for a normal ticket), "
                    "checkin_missed, already_checked_in (error.ticket_number), cancelled; 404 no booking. "
                    "A retry with the request_id that took the ticket → 200, state replayed, same ticket",
                    _json(
                        _obj(
                            {
                                "state": {"enum": ["on_time", "late", "replayed"]},
                                "ticket": REF("Ticket"),
                                "appointment": REF("Appointment"),
                            },
                            ["state", "ticket", "appointment"],
                        )
                    ),
                    _obj(
                        {
                            "id_number": S,
                            "code": S,
                            "phone_last4": {"type": "string", "pattern": r"^\d{4}$"},
                            "walk_in": B,
                            "request_id": S,
                        }
                    ),
                    auth="kiosk device, guide",
                    status="201",
                    errors=(400, 404, 409, 415, 422),
                )
            )
        },
        "/api/v1/appointments/import": {
            "post": _op(
                "Import the platform's export (CSV or XLSX, base64, at most 700 KB): every good row booked "
                "as the platform would (idempotent by external_id), each bad row reported with its line",
                _json(
                    _obj(
                        {
                            "rows": I,
                            "imported": I,
                            "duplicates": I,
                            "errors": {
                                "type": "array",
                                "items": _obj(
                                    {"line": I, "external_id": S, "code": S, "message": S}
                                ),
                            },
                        }
                    )
                ),
                _obj(
                    {
                        "file_name": S,
                        "content": {"type": "string", "description": "the file, base64"},
                    },
                    ["file_name", "content"],
                ),
                auth="admin",
                errors=(400, 413, 415, 422),
            )
        },
    }
)


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hall queue & kiosk API", "version": "1"},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "hallqueue_session"},
                "device": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
