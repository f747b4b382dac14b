"""Today's tally kept up to date as events come, instead of re-tallying the whole day on every
look at the live report (a large hall's day: 14,000 visits, 0.3 s a time).

Each batch of new events touches a few tickets: their visits' part of the tally is taken away
before the events are replayed and added back after (``visit_tallies`` of those visits alone),
so the kept tally is always that of every visit as it stands now — the same, to the bit, as
``tally_day`` over the whole day (sums are whole microseconds; tests/core/test_live_tally.py).
A maximum cannot be taken away: when the longest wait of a dimension may have gone, or the day
was closed (every open visit expires at once), the day is tallied again in full.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Mapping, Sequence

from .replay import Replayer
from .tally import DayInput, DayTally, Key, Tally, finish_day, visit_tallies

_MAXIMA = ("wait_max", "service_max")


def ticket_numbers(events: Iterable[dict]) -> set[str]:
    """The ticket numbers a batch of events is about."""
    out = set()
    for ev in events:
        if ev["type"].startswith("ticket."):
            number = ((ev.get("data") or {}).get("ticket") or {}).get("number")
            if number:
                out.add(number)
    return out


def _closes(events: Iterable[dict], day: date) -> bool:
    return any(
        ev["type"] == "day.closed" and (ev.get("data") or {}).get("day") == day.isoformat()
        for ev in events
    )


class LiveDay:
    """One running hall day: its replay, the ticket rows and ratings seen, and the tally of
    its visits and ratings (microsecond sums, before windows and devices are added)."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.replayer = Replayer(day)
        self.tickets: dict[str, dict] = {}
        self.ratings: list[dict] = []
        self.last_rating_id = 0
        self.full_tallies = 0  # how often the whole day was tallied (1 when it began)
        self._tallies: dict[Key, Tally] | None = None

    @property
    def last_id(self) -> int:
        return self.replayer.last_id

    def feed(
        self,
        events: Sequence[dict],
        tickets: Mapping[str, dict],
        ratings: Sequence[dict] = (),
    ) -> None:
        """New events (after ``last_id``, in id order), the current rows of the tickets they
        touch (number → row; more rows do no harm) and the ratings recorded since the last
        feed (each with its ``id``)."""
        touched = ticket_numbers(events)
        visits = self.replayer.visits
        exact = self._tallies is not None and not _closes(events, self.day)
        if exact:
            before = visit_tallies(
                [visits[n] for n in touched if n in visits], self.tickets
            )  # computed before the events change those visits in place
        self.replayer.feed(events)
        self.tickets.update(tickets)
        self.ratings += ratings
        self.last_rating_id = max([self.last_rating_id, *(r.get("id") or 0 for r in ratings)])
        if exact:
            after = visit_tallies(
                [visits[n] for n in touched if n in visits], self.tickets, ratings
            )
            exact = self._swap(before, after)
        if not exact:
            self._tallies = visit_tallies(visits.values(), self.tickets, self.ratings)
            self.full_tallies += 1

    def _swap(self, before: dict[Key, Tally], after: dict[Key, Tally]) -> bool:
        """Take ``before`` away and add ``after``; False when a maximum cannot be known."""
        kept = self._tallies
        assert kept is not None
        for key in before.keys() | after.keys():
            old, new = before.get(key), after.get(key)
            tally = kept.get(key)
            if tally is None:
                tally = kept[key] = Tally()
            if old is not None:
                tally.subtract(old)
            if new is not None:
                tally.merge(new)
            if tally.empty():
                del kept[key]  # a full tally would not have it either
                continue
            for name in _MAXIMA:
                gone = getattr(old, name) if old is not None else 0
                came = getattr(new, name) if new is not None else 0
                # Safe when nothing longer went than came, or what went was shorter than a
                # longest that stays; otherwise the longest of the rest is unknown here.
                if gone > came and gone >= getattr(tally, name):
                    return False
        return True

    def tally(self, inp: DayInput, until: datetime | None = None) -> DayTally:
        """The day until ``until``: the kept tally with the windows' and devices' time
        (``inp`` gives the hours, windows and the states the day began with)."""
        if self._tallies is None:
            self._tallies = visit_tallies(self.replayer.visits.values(), self.tickets, self.ratings)
            self.full_tallies += 1
        copy = {key: Tally().merge(t) for key, t in self._tallies.items()}
        return finish_day(copy, self.replayer, inp, until)
