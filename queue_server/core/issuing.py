"""Whether a service issues tickets now, as one word the API, the kiosk and the consoles share.

``closed``: outside its issuing hours; ``sold_out``: today's tickets are all taken (its
``daily_cap``, or the three-digit numbers ran out). A citizen is told which one, because the
advice differs: come back later today, or on another day.
"""

from __future__ import annotations

import re

# A client's idempotency key (a ticket's, a check-in's): a retry with it gets the same answer.
REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
OPEN = "open"
CLOSED = "closed"
SOLD_OUT = "sold_out"
ISSUING_STATES = (OPEN, CLOSED, SOLD_OUT)
MAX_PER_DAY = 999  # numbers are prefix + three digits (B001–B999), never reused that day
# The error codes of POST /api/v1/tickets refusing for those reasons (queue_server.errors uses
# them; the kiosk reads them to say which one).
SOLD_OUT_CODE = "sold_out"
CLOSED_CODE = "service_closed"


def issuing_state(*, in_hours: bool, issued_today: int, daily_cap: int) -> str:
    if not in_hours:
        return CLOSED
    limit = min(daily_cap, MAX_PER_DAY) if daily_cap else MAX_PER_DAY
    return SOLD_OUT if issued_today >= limit else OPEN
