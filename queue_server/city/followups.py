"""The hall's 差评 follow-up as the city gets it: counts only (issue #18 item 3).

Follow-up items (services/followups.py, §9.3) carry a citizen's phone, comment and the call's
notes; none of it leaves. The shipper sends two things, each replaced whole per hall:

- the open items per stage and due date — the due date of the current step as the hall itself
  reckons it (``core.followups.due``); the city compares it with its own today, as it does
  the ledger's due dates, so a call falls overdue there at midnight without a shipment;
- the hall's own follow-up report (``core.followups.report``, what ``FollowupService.report``
  gives the hall's report pages) for the ratings of the last ``REPORT_DAYS`` days: on time,
  late, overdue and pending calls and rectifications, their on-time rates and the findings.

Items change without an event (a call recorded, an item closed), so the shipper recomputes
this state whenever it looks for events and sends it when it differs from what it sent last.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Callable

from ..core import followups as rules
from ..core.numbering import hall_day
from ..store import Store
from ..store import followups as repo
from .errors import CityError

REPORT_DAYS = 30
_ALL = 10_000_000  # open items are read whole: a limit is no place to lose some


class FollowupCounts:
    """What of the hall's follow-up the shipper sends, computed from its database."""

    # The hall's store and core only: a shipper loads none of the hall's services (their
    # dictionaries cost a second of CPU at every start).
    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store = store
        self.clock = clock

    def state(self) -> tuple:
        """(stage, due date, open items) rows, then the first and last day of the report and
        the hall's report of the ratings of those REPORT_DAYS days."""
        db = self.store.db
        due = Counter((i["status"], rules.due(i)) for i in repo.select(db, True, limit=_ALL))
        rows = [(stage, day, n) for (stage, day), n in sorted(due.items(), key=_by_stage_due)]
        today = hall_day(self.clock())
        first = today - timedelta(days=REPORT_DAYS - 1)
        rated = repo.select(db, False, first.isoformat(), today.isoformat(), limit=_ALL)
        return rows, first, today, counts_only(rules.report(rated, today))


def _by_stage_due(row) -> tuple:
    (stage, day), _ = row
    return stage, day is None, str(day)


def counts_only(value, path: str = "report"):
    """The report as it is, provided it holds only numbers: should a text ever be added to
    FollowupService.report, shipping stops with this error instead of sending it."""
    if isinstance(value, dict):
        return {k: counts_only(v, f"{path}.{k}") for k, v in value.items()}
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise CityError(f"the follow-up {path} is not a count; nothing of it is sent to the city")
