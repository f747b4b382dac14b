"""Supervision reports (§9): closed days replayed once into ``report_days``, today live, any
range merged from them; the ledger's deadlines (§8.2), the 差评 follow-up and the planner's
history beside them."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Callable

from ..core.numbering import hall_day
from ..core.reports.bookings import booking_figures
from ..core.reports.deadlines import Deadline, deadline_figures
from ..core.reports.live import LiveDay, ticket_numbers
from ..core.reports.replay import Replayer
from ..core.reports.summary import Range, check_period, summarise
from ..core.reports.tally import DayInput, end_states, tally_day
from ..core.reports.timelines import day_bounds
from ..core.settings import Settings
from ..store import Store
from ..store import accounts as accounts_repo
from ..store import audit
from ..store import reports as repo
from .common import iso
from .queue import QueueService

REPORT_VERSION = 1  # bump when a stored day's meaning changes: stored days are replayed again
MAX_RANGE_DAYS = 5 * 366
BAD_LIST_LIMIT = 500
LIVE_ROWS_AT_ONCE = 500  # more tickets touched since the last look: read all the day's rows


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


class ReportService:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        queue: QueueService,
        clock: Callable[[], datetime],
        followups=None,
    ):
        self._settings = settings
        self.store = store
        self.queue = queue
        self.clock = clock
        self.followups = followups
        self._live: dict[date, LiveDay] = {}  # the days not closed yet, kept up to date
        self._live_lock = threading.Lock()
        self._store_lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        return self._settings()

    # --- one day -----------------------------------------------------------------------------

    def _input(self, db, day: date, rows: bool = True) -> DayInput:
        """What the day's tally needs besides its events (without its tickets' rows and
        ratings when ``rows`` is false: the live day keeps those it has seen)."""
        s = self.settings
        windows, devices = repo.last_state_before(db, day)
        return DayInput(
            day=day,
            periods=s.hall.opening_hours,
            windows={w.number: tuple(w.services) for w in s.windows},
            tickets=repo.day_tickets(db, day) if rows else {},
            ratings=repo.day_ratings(db, day) if rows else (),
            window_start=windows,
            device_start=devices,
            absence_min=s.reports.absence_min,
        )

    def store_day(self, day: date) -> None:
        """Replay a closed day and store its tally (replacing an older one)."""
        db = self.store.db
        with self.store.read():
            rep = Replayer(day)
            rep.feed(repo.day_events(db, day))
            inp = self._input(db, day)
        rep.close(day_bounds(day)[1])  # whatever the day keeper missed expired with the day
        tallied = tally_day(rep, inp)
        windows, devices = end_states(rep, inp)
        tallies = tallied.tallies if rep.visits or rep.windows or rep.devices or inp.ratings else {}
        with self.store.write() as db:
            repo.save_day(
                db,
                day,
                tallies,
                tallied.absences,
                windows,
                devices,
                REPORT_VERSION,
                rep.last_id,
                iso(self.clock()),
            )

    def catch_up(self, until: date | None = None, limit: int | None = None) -> int:
        """Store every closed day not stored yet (oldest first: each starts from the states the
        one before ended with), up to ``until`` and at most ``limit`` days (the day keeper takes
        a few at a time, so years of history after an upgrade never hold up closing the day).
        Called without ``until`` (the day keeper, every 30 s) it also feeds today's live tally,
        so the report page's first look after a restart finds the day replayed already.
        Returns how many days were stored."""
        now = self.clock()
        last_closed = self.queue.last_closed_day(now)
        keeper = until is None
        until = min(until or last_closed, last_closed)
        count = 0
        with self._store_lock:
            db = self.store.db
            first = repo.first_event_day(db)
            if first is None:
                return 0
            done = repo.stored_days(db, REPORT_VERSION)
            day = first
            while day <= until and (limit is None or count < limit):
                if day not in done:
                    self.store_day(day)
                    count += 1
                day += timedelta(days=1)
        if keeper and hall_day(now) > last_closed:
            with self._live_lock:
                self._fed(hall_day(now), last_closed)
        return count

    def _live_tally(self, day: date, now: datetime, last_closed: date):
        """Today (or a day not yet closed): its tally kept in memory and brought up to date
        with the events, tickets and ratings that came since the last look."""
        with self._live_lock:
            live, inp = self._fed(day, last_closed)
            return live.tally(inp, until=now)

    def _fed(self, day: date, last_closed: date) -> tuple[LiveDay, DayInput]:
        """The live day brought up to date, and its input (the caller holds _live_lock)."""
        db = self.store.db
        for old in [d for d in self._live if d <= last_closed]:
            del self._live[old]  # closed and stored: report_days has it now
        live = self._live.get(day)
        if live is None:
            live = self._live[day] = LiveDay(day)
        with self.store.read():
            events = repo.day_events(db, day, live.last_id)
            numbers = ticket_numbers(events)
            everything = live.last_id == 0 or len(numbers) > LIVE_ROWS_AT_ONCE
            tickets = repo.day_tickets(db, day, None if everything else numbers)
            live.feed(events, tickets, repo.day_ratings(db, day, live.last_rating_id))
            return live, self._input(db, day, rows=False)

    # --- ranges ------------------------------------------------------------------------------

    def check_range(self, day_from: date, day_to: date) -> None:
        check_period(day_from, day_to, MAX_RANGE_DAYS)

    def summary(self, day_from: date, day_to: date, bad_limit: int = BAD_LIST_LIMIT) -> dict:
        self.check_range(day_from, day_to)
        now = self.clock()
        today = hall_day(now)
        last_closed = self.queue.last_closed_day(now)
        self.catch_up(min(day_to, last_closed))
        db = self.store.db
        with self.store.read():
            stored_to = min(day_to, last_closed)
            r = Range()
            for dim, key, tally in repo.merged_between(db, day_from, stored_to):
                r.add_merged((dim, key), tally)
            for day, dim, key, tally in repo.tallies_between(
                db, day_from, stored_to, ("total", "hour")
            ):
                r.add_daily(day, (dim, key), tally)
            absences = repo.absences_between(db, day_from, day_to)
            bad = repo.bad_ratings_between(db, day_from, day_to, bad_limit)
            ledger = repo.ledger_deadlines(db, day_from, day_to)
            bookings = repo.bookings_between(db, day_from, day_to, iso(now))
            names = accounts_repo.display_names(db)
            devices = {d["id"]: d for d in accounts_repo.devices(db, include_revoked=True)}
        day = last_closed + timedelta(days=1)
        live = False
        while day <= min(day_to, today):
            if day >= day_from:
                tallied = self._live_tally(day, now, last_closed)
                for key, tally in tallied.tallies.items():
                    r.add(day, key, tally)
                absences += tallied.absences
                live = True
            day += timedelta(days=1)
        threshold = self.settings.reports.wait_threshold_min * 60
        label = self._labeller(names, devices)
        out = summarise(r, day_from, day_to, threshold, label)
        order = {svc.code: i for i, svc in enumerate(self.settings.services)}  # the kiosk's order
        out["by_service"].sort(key=lambda row: (order.get(row["key"], len(order)), row["key"]))
        out["live"] = live
        out["generated_at"] = iso(now)
        out["absences"] = [
            {
                "day": a.start.date().isoformat(),
                "window": a.window,
                "state": a.state,
                "start": iso(a.start),
                "end": iso(a.end),
                "minutes": round(a.minutes, 1),
                "waiting": a.waiting,
            }
            for a in sorted(absences, key=lambda a: (a.start, a.window))
        ]
        out["bad_list"] = [dict(b, staff_name=names.get(b["staff"], b["staff"])) for b in bad]
        out["ledger"] = self._ledger(ledger, today)
        out["appointments"] = booking_figures(bookings)
        for row in out["appointments"]["by_service"]:
            row.update(label("service", row["key"]))
        out["followups"] = self.followups.report(day_from, day_to) if self.followups else None
        out["settings"] = {
            k: getattr(self.settings.reports, k)
            for k in ("wait_threshold_min", "absence_min", "target_p90_min")
        }
        return out

    def _labeller(self, names: dict, devices: dict):
        s = self.settings

        def label(dim: str, key: str) -> dict:
            if dim == "service":
                svc = s.service(key)
                return {"name": svc.name if svc else {"zh_CN": key}}
            if dim == "window":
                spec = s.window(int(key)) if key.isdigit() else None
                return {"name": spec.name if spec else ""}
            if dim == "staff":
                return {"name": names.get(key, key)}
            if dim == "device":
                d = devices.get(key) or {}
                return {"name": d.get("name") or key, "kind": d.get("kind")}
            return {}

        return label

    @staticmethod
    def _ledger(rows: list[dict], today: date) -> dict:
        """§8.2: replies on time vs late, in all and per reply class."""

        def items(rs):
            return [
                Deadline(
                    _date(r["due_date"]),
                    _date(r["replied_at"]) if r["status"] == "answered" else None,
                )
                for r in rs
            ]

        classes = sorted({r["reply_class"] for r in rows})
        return {
            **deadline_figures(items(rows), today),
            "by_class": [
                {
                    "reply_class": c,
                    **deadline_figures(items([r for r in rows if r["reply_class"] == c]), today),
                }
                for c in classes
            ],
        }

    def record_export(
        self, actor: str, role: str | None, fmt: str, day_from: date, day_to: date, what: str
    ) -> None:
        """Who took a copy of the figures (差评 comments, staff names): the audit log."""
        with self.store.write() as db:
            audit.record(
                db,
                iso(self.clock()),
                actor,
                role,
                f"reports.export.{fmt}",
                "reports",
                f"{day_from}..{day_to};{what}",
            )

    # --- the planner's history -----------------------------------------------------------------

    def history(self, day_from: date, day_to: date) -> dict:
        """Arrivals per service and hour, and recorded service times, of a range (the planner's
        day profile from the hall's own history)."""
        self.check_range(day_from, day_to)
        db = self.store.db
        with self.store.read():
            arrivals = repo.arrivals_by_hour(db, day_from, day_to)
            samples = repo.service_seconds(db, day_from, day_to)
        return {"arrivals": arrivals, "service_seconds": samples}
