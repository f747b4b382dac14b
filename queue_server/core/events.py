"""The types of the hall's events (the SSE ``event:`` names), said once.

Services append only these types; pages listen only for these (tests/core/test_event_types.py
compares both with this tuple). Events are public: their data never carries personal data.
"""

from __future__ import annotations

EVENT_TYPES = (
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.started",
    "ticket.no_show",
    "ticket.finished",
    "ticket.transferred",
    "ticket.reinstated",
    "ticket.cancelled",  # the citizen left: reason code, who
    "ticket.reprinted",  # printed again at the guide desk: reason code, printed or not
    "day.closed",  # the hall day ended: open tickets expired, windows cleared
    "window.changed",
    "notice.changed",
    "device.alert",  # printer problem or silence (data.problem: printer / silent)
    "device.recovered",  # the printer is ok again, or a silent device sent a heartbeat
    "evaluation.recorded",  # a rating: level, window, service only
    "ledger.changed",  # a ledger record was created, answered or re-dated: id and status only
    "config.reloaded",  # services, business guide and FAQ re-read (§8.1.4): pages repaint
    "appointment.booked",  # a booking (预约) was made: service, day, slot, source only
    "appointment.cancelled",
    "appointment.checked_in",  # at the kiosk or the desk: on time (precedence) or late
    "appointment.no_show",  # not checked in by the end of its slot (counted by the reports)
)
