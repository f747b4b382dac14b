"""Issuing, calling and finishing tickets; window states; the display snapshot."""

from __future__ import annotations

import contextlib
import re
import secrets
from bisect import bisect_left
from datetime import datetime, timedelta
from typing import Callable, Iterator

from ..core import issuing
from ..core.hours import day_closes_at, in_periods, periods_on
from ..core.numbering import format_number, hall_day
from ..core.phrases import parse_notice
from ..core.policy import (
    WindowView,
    choose_next,
    due_by,
    is_due_appointment,
    position,
    queue_order,
    reinstate_position,
    walkin_cutoff,
)
from ..core.settings import ServiceSpec, Settings, WindowSpec
from ..core.tickets import (
    ACTIVE,
    CANCEL_REASONS,
    OPEN,
    PRIORITY_REASONS,
    REPRINT_REASONS,
    Action,
    Status,
    Ticket,
    next_status,
)
from ..core.waits import (
    ARRIVAL_WINDOW_MIN,
    RECENT_VISITS,
    HallSnapshot,
    WaitEstimate,
    WindowState,
    arrival_rates,
    booked_ticket,
    mean_service_seconds,
    promises,
    show_history,
    usual_arrivals,
)
from ..errors import Conflict, InvalidField, NotFound, ServiceClosed, SoldOut
from ..eventbus import EventBus
from ..store import Store
from ..store import appointments as bookings
from ..store import events as event_log
from ..store import hall_state
from ..store import reports as history
from ..store import tickets as repo
from .common import iso

CHANNELS = ("kiosk", "guide", "window", "appointment", "mobile")
WINDOW_STATES = ("open", "paused", "closed")
USUAL_DAYS = 28
"""The history the forecast's usual arrivals are averaged over: four weeks, about 20 working
days (core.waits.usual_arrivals needs USUAL_MIN_DAYS days with tickets, else the recent pace)."""


class _Unreached(dict):
    """The promises when no window is open: no wait can be promised to anyone."""

    def __missing__(self, key: str) -> WaitEstimate:
        return WaitEstimate(None)


def _view(spec: WindowSpec, win: dict) -> WindowView:
    """A window as the queue policy sees it: its settings and the streaks kept in its row."""
    return WindowView(
        spec.number,
        spec.services,
        spec.kind,
        win["priority_streak"] or 0,
        win["appointment_streak"] or 0,
    )


class QueueService:
    def __init__(
        self,
        settings: Settings | Callable[[], Settings],
        store: Store,
        bus: EventBus,
        clock: Callable[[], datetime],
    ):
        # A getter (the hall's current Settings) so a reload (§8.1.4) reaches every call.
        self._settings = settings if callable(settings) else (lambda: settings)
        self.store = store
        self.bus = bus
        self.clock = clock
        # What the forecast reads of the windows (their states, mean service times) changes
        # only when a window acts, never when a ticket is issued: kept per version of the queue.
        # The caches' keys hold the Settings itself, not its id(): a Settings of a later reload
        # may get a freed one's id, while a held one compares by identity (by value after one).
        self._version = 0
        self._forecast_windows: tuple | None = None  # (key, windows, means)
        self._promised: tuple | None = None  # (key, promises) of the current queue
        # (last event id, day, since, waiting tickets, arrivals since): see _queue_now.
        self._queue_state: tuple | None = None
        self._waiting: tuple | None = None  # (last event id, day, counts): see _waiting_now
        self._usual: tuple | None = None  # (day, settings, usual, show rates): _usual_now
        self._display: tuple | None = None  # (key, snapshot): see display_state

    @property
    def settings(self) -> Settings:
        return self._settings()

    # --- helpers ---------------------------------------------------------------------------

    def _service(self, code) -> ServiceSpec:
        svc = self.settings.service(code) if isinstance(code, str) else None
        if svc is None:
            raise InvalidField(
                "Unknown service {service}.", field="service", service=str(code)[:40]
            )
        return svc

    def _window_spec(self, number):
        spec = self.settings.window(number) if isinstance(number, int) else None
        if spec is None:
            raise NotFound("There is no window {number}.", number=str(number)[:12])
        return spec

    def _publish(self, db, type_: str, now: datetime, data: dict) -> int:
        return event_log.append(db, type_, iso(now), data)

    def _window_public(self, number: int | None) -> dict | None:
        spec = self.settings.window(number) if number else None
        if spec is None:
            return None
        return {"number": spec.number, "name": spec.name, "zone": spec.zone, "room": spec.room}

    @staticmethod
    def public_ticket(row: dict) -> dict:
        """What displays may show: no ids (ids are the status-page secret), no personal data."""
        return {
            "number": row["number"],
            "service": row["service"],
            "status": row["status"],
            "window": row["window"],
            "priority": bool(row["priority_reason"]),
            "appointment": bool(row["appointment_at"]),  # 预约: the board and consoles mark it
            "issued_at": row["issued_at"],
            "called_at": row["called_at"],
        }

    def _event_data(self, db, row: dict, day: str, waiting: dict | None = None, **extra) -> dict:
        """``waiting``: the day's waiting counts when the caller knows them already."""
        data = {
            "ticket": self.public_ticket(row),
            "window": self._window_public(row["window"]),
            "waiting": repo.waiting_counts(db, day) if waiting is None else waiting,
        }
        data.update(extra)
        return data

    def open_windows_for(self, service: str, states: dict) -> int:
        return sum(
            1
            for w in self.settings.windows
            if service in w.services and states.get(w.number, {}).get("state") == "open"
        )

    def _forecast_windows_now(self, db, day: str) -> tuple[list[WindowState], dict]:
        """What the forecast reads of the windows (states, recent mean visits): kept per version
        of the queue's state, which only a window's act changes."""
        s = self.settings
        key = (self._version, day, s)
        if self._forecast_windows is None or self._forecast_windows[0] != key:
            states, windows = repo.all_windows(db), []
            for w in s.windows:
                st = states.get(w.number, {})
                cur = repo.get(db, st["current_ticket"]) if st.get("current_ticket") else None
                busy = cur is not None and cur["status"] in ACTIVE
                since = (cur["started_at"] or cur["called_at"]) if busy else None
                windows.append(
                    WindowState(
                        w.number,
                        tuple(w.services),
                        w.kind,
                        st.get("state") == "open",
                        datetime.fromisoformat(since) if since else None,
                        cur["service"] if busy else None,
                        st.get("priority_streak") or 0,
                        st.get("appointment_streak") or 0,
                    )
                )
            means = {
                svc.code: mean_service_seconds(
                    repo.recent_service_seconds(db, svc.code, RECENT_VISITS),
                    svc.default_service_min * 60,
                )
                for svc in s.services
            }
            self._forecast_windows = (key, windows, means)
        return self._forecast_windows[1], self._forecast_windows[2]

    def read_usual_arrivals(self) -> None:
        """The day keeper's round: today's usual arrivals and bookings' record (_usual_now)
        read ahead outside any write (about 0.5 s for 28 days of a 14,400-ticket hall,
        tests/bench/bench_reports.py), so the day's first forecast does not hold the write lock
        for them."""
        with self.store.read() as db:
            self._usual_now(db, hall_day(self.clock()).isoformat())

    def _usual_now(self, db, day: str) -> tuple[dict, dict]:
        """What the forecast takes from the USUAL_DAYS before ``day``: the hall's usual
        arrivals per service and clock hour (HallSnapshot.usual_arrivals) and how often a
        booking's citizen checks in on time (HallSnapshot.shows). Read once a day, by the
        day keeper ahead of the first forecast when it can."""
        s = self.settings
        if self._usual is None or self._usual[:2] != (day, s):
            today = datetime.fromisoformat(day).date()
            first, last = today - timedelta(days=USUAL_DAYS), today - timedelta(days=1)
            rows = history.arrivals_by_hour(db, first, last)
            shows = show_history(bookings.outcomes(db, first.isoformat(), last.isoformat()))
            self._usual = (day, s, usual_arrivals(rows, [svc.code for svc in s.services]), shows)
        return self._usual[2], self._usual[3]

    def _booked_now(self, db, day: str, now: datetime) -> tuple:
        """Today's bookings that may still check in on time (HallSnapshot.booked): due when
        they come, they go before the walk-ins. A booking's changes are events, so the forecast
        that reads them is made again after each."""
        late = timedelta(minutes=self.settings.appointments.checkin_late_min)
        return tuple(
            booked_ticket(
                booking_id, service, datetime.fromisoformat(slot), now, self.settings.rules
            )
            for booking_id, service, slot in bookings.awaited(db, day, iso(now - late))
        )

    def _queue_now(self, db, day: str, last: int, since: datetime) -> tuple[tuple, tuple]:
        """The day's waiting tickets and the arrivals since ``since`` as of event ``last``.
        Every change of a ticket appends an event in its transaction, so the last event id
        versions them: they are read again only after a change that ``_fold_issued`` did not
        add itself (a call, a finish, another process's write…)."""
        cached = self._queue_state
        if cached is None or cached[0] != last or cached[1] != day or since < cached[2]:
            waiting = tuple(repo.to_domain(r) for r in repo.waiting(db, day))
            issued = tuple(repo.issued_since(db, day, iso(since)))
            cached = self._queue_state = (last, day, since, waiting, issued)
        return cached[3], cached[4]

    def _waiting_now(self, db, day: str, service: str) -> dict[str, int]:
        """The day's waiting counts with the ticket of ``service`` just inserted, in the write
        transaction of its issue. Counted once after another change (a call, a finish, another
        process…), then kept: a run of issues adds one each instead of counting the queue
        again (0.15 ms with 600 waiting). The last event id versions them, as in _queue_now."""
        cached = self._waiting
        if cached is not None and cached[1] == day and cached[0] == event_log.last_id(db):
            counts = dict(cached[2])
            counts[service] = counts.get(service, 0) + 1
            return counts
        return repo.waiting_counts(db, day)

    def _fold_issued(self, before: int, event_id: int, row: dict, now: datetime) -> None:
        """Add the ticket just issued to the kept queue, when it was the one change between
        event ``before`` and its own ``event_id`` (else the next read loads the queue again)."""
        cached = self._queue_state
        self._queue_state = None
        if cached is None or cached[0] != before or cached[1] != row["day"]:
            return
        ticket = repo.to_domain(row)
        issued = cached[4]
        if issued and issued[-1][0] > ticket.issued_at:
            return  # the clock went back: keep the arrivals in time order by reading them
        since = max(cached[2], now - timedelta(minutes=ARRIVAL_WINDOW_MIN))
        start = bisect_left(issued, since, key=lambda entry: entry[0])
        arrival = (ticket.issued_at, row["original_service"], bool(row["priority_reason"]))
        self._queue_state = (
            event_id,
            row["day"],
            since,
            (*cached[3], ticket),
            (*issued[start:], arrival),
        )

    def _promises(
        self, db, day: str, now: datetime, last: int | None = None
    ) -> dict[str, WaitEstimate]:
        """The wait promised to every waiting ticket and, as ``~new-<service>``, to a ticket
        taken now (measured against the actual waits in the §9 reports;
        tests/bench/bench_estimates.py). One forecast per change of the queue (or 30 s), shared
        by the kiosks' service lists and every status page. ``last``: the last event id, when
        the caller holds the write transaction that appended it."""
        last = event_log.last_id(db) if last is None else last
        s = self.settings
        key = (last, day, int(now.timestamp()) // 30, s)
        cached = self._promised
        if cached is None or cached[0] != key:
            windows, means = self._forecast_windows_now(db, day)
            if not any(w.is_open and w.services for w in windows):
                # The forecast plays no window forward, so it reaches no ticket (core.waits).
                cached = self._promised = (key, _Unreached())
                return cached[1]
            since = now - timedelta(minutes=ARRIVAL_WINDOW_MIN)
            waiting, issued = self._queue_now(db, day, last, since)
            spans = periods_on(datetime.fromisoformat(day).date(), s.hall.opening_hours)
            usual, shows = self._usual_now(db, day)
            snap = HallSnapshot(
                now,
                waiting,
                windows,
                means,
                spans,
                s.rules,
                arrival_rates(issued, now, spans),
                usual,
                self._booked_now(db, day, now),
                shows,
            )
            new = [
                Ticket(f"~new-{svc.code}", "~new", svc.code, Status.WAITING, now, now)
                for svc in s.services
            ]
            cached = self._promised = (key, promises(snap, new))
        return cached[1]

    @contextlib.contextmanager
    def _write(self) -> Iterator:
        """store.write(). What a transaction that then did not commit kept for later (the queue
        with its ticket, promises under its event id, which the next event will have) is
        forgotten."""
        try:
            with self.store.write() as db:
                yield db
        except BaseException:
            self._queue_state = self._promised = self._waiting = None
            raise

    def _changed(self, *event_ids: int) -> None:
        """A window acted (call, finish, state…): new estimate inputs; then wake the followers."""
        self._version += 1
        for event_id in event_ids:
            self.bus.published(event_id)

    def service_issuing(
        self, svc: ServiceSpec, now: datetime, db=None, issued: int | None = None
    ) -> str:
        """open, closed (outside its hours) or sold_out (daily_cap reached): core.issuing."""
        hours = svc.hours or self.settings.hall.opening_hours
        in_hours = self.settings.hall.issue_outside_hours or in_periods(hours, now)
        if issued is None:
            issued = repo.issued_today(db or self.store.db, svc.code, hall_day(now).isoformat())
        return issuing.issuing_state(
            in_hours=in_hours, issued_today=issued, daily_cap=svc.daily_cap
        )

    def ticket_view(
        self,
        db,
        row: dict,
        last: int | None = None,
        now: datetime | None = None,
        in_queue: int | None = None,
    ) -> dict:
        """The ticket as its holder sees it: position, estimate, window when called. ``last``:
        see _promises; ``now``: the time of the change that made the row; ``in_queue``: the
        waiting count of its service when known (store.tickets.place_counts)."""
        ahead = None
        estimate = WaitEstimate(None)
        if row["status"] == Status.WAITING:
            rules = self.settings.rules
            now = now or self.clock()
            counts = repo.place_counts(
                db, row, iso(due_by(now, rules)), iso(walkin_cutoff(now, rules)), rules, in_queue
            )
            ahead = position(bool(row["priority_reason"]), counts, rules)
            promised = self._promises(db, row["day"], now, last)
            estimate = promised.get(row["id"], WaitEstimate(None))
        return {
            "id": row["id"],
            "number": row["number"],
            "service": row["service"],
            "status": row["status"],
            "ahead": ahead,
            "estimated_wait_s": estimate.seconds,
            "no_wait": estimate.no_wait,
            "issued_at": row["issued_at"],
            "called_at": row["called_at"],
            "window": self._window_public(row["window"]),
            "priority_reason": row["priority_reason"],
            "appointment_at": row["appointment_at"],
            "channel": row["channel"],
            "status_url": f"{self.settings.hall.public_url.rstrip('/')}/t/{row['id']}",
        }

    # --- reading ---------------------------------------------------------------------------

    def services(self, estimates: bool = True) -> list[dict]:
        """The kiosk's service list; ``estimates=False`` leaves the forecast out (the board)."""
        now = self.clock()
        db = self.store.db
        day = hall_day(now).isoformat()
        counts = repo.waiting_counts(db, day)
        states = repo.all_windows(db)  # read once, not once per service
        promised = self._promises(db, day, now) if estimates else _Unreached()
        out = []
        for svc in self.settings.services:
            n = counts.get(svc.code, 0)
            estimate = promised[f"~new-{svc.code}"]  # for a ticket taken now
            issued = repo.issued_today(db, svc.code, day)
            state = self.service_issuing(svc, now, db, issued)
            out.append(
                {
                    "code": svc.code,
                    "prefix": svc.prefix,
                    "name": svc.name,
                    "waiting": n,
                    "open_windows": self.open_windows_for(svc.code, states),
                    "estimated_wait_s": estimate.seconds,
                    "no_wait": estimate.no_wait,
                    "open": state == issuing.OPEN,
                    "issuing": state,
                    "daily_cap": svc.daily_cap,
                    "remaining": max(svc.daily_cap - issued, 0) if svc.daily_cap else None,
                }
            )
        return out

    def guide_overview(self) -> dict:
        """Per queue: waiting, longest wait, open windows; today's no-shows with ids (staff only)."""
        now = self.clock()
        day = hall_day(now).isoformat()
        db = self.store.db
        oldest = repo.oldest_waiting_by_service(db, day)
        queues = []
        for svc in self.services():
            first = oldest.get(svc["code"])
            longest = int((now - datetime.fromisoformat(first)).total_seconds()) if first else 0
            queues.append(
                {k: svc[k] for k in ("code", "prefix", "name", "waiting", "open_windows", "open")}
                | {"longest_wait_s": max(longest, 0)}
            )
        return {"now": iso(now), "queues": queues, "no_shows": repo.no_shows(db, day)}

    def get_ticket(self, ticket_id: str) -> dict:
        db = self.store.db
        row = (
            repo.get(db, ticket_id) if isinstance(ticket_id, str) and len(ticket_id) <= 64 else None
        )
        if row is None:
            raise NotFound("No such ticket.")
        return self.ticket_view(db, row)

    def windows(self) -> list[dict]:
        db = self.store.db
        states = repo.all_windows(db)
        out = []
        for spec in self.settings.windows:
            st = states.get(spec.number) or repo.window(db, spec.number)
            current = repo.get(db, st["current_ticket"]) if st["current_ticket"] else None
            out.append(
                {
                    "number": spec.number,
                    "name": spec.name,
                    "zone": spec.zone,
                    "room": spec.room,
                    "services": list(spec.services),
                    "kind": spec.kind,
                    "state": st["state"],
                    "current": self.public_ticket(current) if current else None,
                }
            )
        return out

    def window_queue(self, number: int) -> list[dict]:
        """Waiting tickets a window could call, in the order the policy would take them (staff)."""
        spec = self._window_spec(number)
        db = self.store.db
        now = self.clock()
        rows = {
            r["id"]: r for r in repo.waiting(db, hall_day(now).isoformat(), list(spec.services))
        }
        win = repo.window(db, spec.number)
        order = queue_order(
            [repo.to_domain(r) for r in rows.values()], _view(spec, win), now, self.settings.rules
        )
        rows = [rows[t.id] for t in order]  # the order call-next would take them in
        return [
            {
                "id": r["id"],
                "number": r["number"],
                "service": r["service"],
                "priority_reason": r["priority_reason"],
                "issued_at": r["issued_at"],
                "queue_at": r["queue_at"],
                "channel": r["channel"],
                "appointment_at": r["appointment_at"],
            }
            for r in rows
        ]

    def window_current(self, number: int) -> dict | None:
        self._window_spec(number)
        db = self.store.db
        st = repo.window(db, number)
        row = repo.get(db, st["current_ticket"]) if st["current_ticket"] else None
        return self.ticket_view(db, row) if row else None

    def display_state(self) -> dict:
        """The hall board's snapshot. Everything in it changes with an event (tickets, windows'
        calls and states, the notice, the day's counters), a window row (updated_at), the
        settings or the services' hours; it is kept until one of them moves, so the boards
        polling it cost one query each (the forecast's estimates are not shown there)."""
        now = self.clock()
        s = self.settings
        day = hall_day(now).isoformat()
        hours = tuple(
            s.hall.issue_outside_hours or in_periods(svc.hours or s.hall.opening_hours, now)
            for svc in s.services
        )
        with self.store.read() as db:  # the snapshot and its last event id must agree
            version = repo.queue_version(db)
            key = (version, day, s, hours)
            cached = self._display
            if cached is None or cached[0] != key:
                cached = self._display = (key, self._display_snapshot(db, day, version[0]))
        return cached[1] | {"now": iso(now)}

    def _display_snapshot(self, db, day: str, last: int) -> dict:
        recent = [
            self.public_ticket(r) | {"window_info": self._window_public(r["window"])}
            for r in repo.recent_calls(db, day, 8)
        ]
        services = self.services(estimates=False)
        return {
            "hall": self.settings.hall.name,
            "now": None,
            "last_event_id": last,
            "windows": self.windows(),
            "recent_calls": recent,
            "services": [
                {k: s[k] for k in ("code", "prefix", "name", "waiting", "open")} for s in services
            ],
            "notice": self.notice(db),
        }

    def notice(self, db=None) -> str:
        db = db or self.store.db
        value = hall_state.get(db, "notice")
        return self.settings.hall.notice if value is None else value

    def set_notice(self, text) -> dict:
        """Publish the hall notice line, checked by its rule (core.phrases.parse_notice)."""
        text = parse_notice(text)
        now = self.clock()
        with self._write() as db:
            hall_state.put(db, "notice", text, iso(now))
            event_id = self._publish(db, "notice.changed", now, {"notice": text})
        self.bus.published(event_id)
        return {"notice": text, "event_id": event_id}

    # --- issuing ---------------------------------------------------------------------------

    def issue(
        self,
        service,
        request_id,
        channel="kiosk",
        priority_reason=None,
        appointment_code=None,
        appointment_at: datetime | None = None,
    ) -> tuple[dict, bool]:
        """Issue a ticket, or return the one this ``request_id`` already got (created=False)."""
        svc = self._service(service)
        if not isinstance(request_id, str) or not issuing.REQUEST_ID.match(request_id):
            raise InvalidField(
                "request_id must be 8–64 letters, digits or - _ . :", field="request_id"
            )
        if channel not in CHANNELS:
            raise InvalidField(
                "Unknown channel {channel}.", field="channel", channel=str(channel)[:20]
            )
        if priority_reason is not None and priority_reason not in PRIORITY_REASONS:
            raise InvalidField(
                "Unknown priority reason {reason}.",
                field="priority_reason",
                reason=str(priority_reason)[:20],
            )
        if appointment_code is not None and (
            not isinstance(appointment_code, str) or len(appointment_code) > 32
        ):
            raise InvalidField("Appointment code is not valid.", field="appointment_code")
        now = self.clock()
        day = hall_day(now).isoformat()
        with self._write() as db:
            existing = repo.by_request_id(db, request_id)
            if existing is not None:
                if existing["original_service"] != svc.code:
                    raise Conflict("This request_id was already used for another service.")
                return self.ticket_view(db, existing), False
            # The number first: the counter before it is what was issued today, and a refusal
            # below rolls the counter back with the rest of the transaction.
            seq = repo.next_seq(db, svc.code, day)
            state = self.service_issuing(svc, now, db, seq - 1)
            if state == issuing.SOLD_OUT and appointment_at is not None:
                # A booked place was promised: daily_cap limits walk-ins; the 999 numbers remain.
                state = issuing.issuing_state(in_hours=True, daily_cap=0, issued_today=seq - 1)
            if state == issuing.SOLD_OUT:
                raise SoldOut("Today's tickets for {service} are all taken.", service=svc.name)
            if state != issuing.OPEN:
                raise ServiceClosed("{service} is not issuing tickets now.", service=svc.name)
            row = {
                "id": secrets.token_urlsafe(12),
                "number": format_number(svc.prefix, seq),
                "service": svc.code,
                "original_service": svc.code,
                "day": day,
                "seq": seq,
                "status": Status.WAITING.value,
                "channel": channel,
                "priority_reason": priority_reason,
                "appointment_code": appointment_code,
                "appointment_at": iso(appointment_at) if appointment_at else None,
                "request_id": request_id,
                "issued_at": iso(now),
                "queue_at": iso(now),
                "called_at": None,
                "started_at": None,
                "finished_at": None,
                "window": None,
                "staff": None,
                "recalls": 0,
                "transfers": 0,
            }
            repo.insert(db, row)
            waiting = self._waiting_now(db, day, svc.code)
            event_id = self._publish(
                db, "ticket.issued", now, self._event_data(db, row, day, waiting)
            )
            self._waiting = (event_id, day, waiting)
            self._fold_issued(event_id - 1, event_id, row, now)  # ids: AUTOINCREMENT, append-only
            view = self.ticket_view(db, row, event_id, now, waiting[svc.code])
            if view["estimated_wait_s"] is not None:  # NULL already: nothing promised
                # The promise made at issue, kept to measure it against the actual wait (§9).
                repo.update(db, row["id"], {"estimated_wait_s": view["estimated_wait_s"]})
        self.bus.published(event_id)
        return view, True

    # --- windows ---------------------------------------------------------------------------

    def set_window_state(self, number: int, state: str, staff: str | None = None) -> dict:
        spec = self._window_spec(number)
        if state not in WINDOW_STATES:
            raise InvalidField(
                "Unknown window state {state}.", field="state", state=str(state)[:20]
            )
        now = self.clock()
        with self._write() as db:
            win = repo.window(db, spec.number)
            if state == "closed" and win["current_ticket"]:
                cur = repo.get(db, win["current_ticket"])
                if cur and cur["status"] in ACTIVE:
                    raise Conflict(
                        "Finish, transfer or mark the current ticket before closing the window."
                    )
            win.update(state=state, updated_at=iso(now), staff=staff if state != "closed" else None)
            if state == "closed":
                win["current_ticket"] = None
            repo.save_window(db, win)
            event_id = self._publish(
                db,
                "window.changed",
                now,
                {
                    "window": self._window_public(spec.number) | {"state": state},
                    "waiting": repo.waiting_counts(db, hall_day(now).isoformat()),
                },
            )
        self._changed(event_id)
        return next(w for w in self.windows() if w["number"] == spec.number)

    def call_next(
        self, number: int, staff: str | None = None, ticket_id: str | None = None
    ) -> dict | None:
        """Call the policy's choice (or a named waiting ticket); finishes the window's current one."""
        spec = self._window_spec(number)
        now = self.clock()
        day = hall_day(now).isoformat()
        published = []
        counts = None  # the day's waiting counts once read
        with self._write() as db:
            win = repo.window(db, spec.number)
            if win["state"] != "open":
                raise Conflict("Window {number} is not open.", number=spec.number)
            if win["current_ticket"]:
                cur = repo.get(db, win["current_ticket"])
                if cur and cur["status"] in ACTIVE:
                    # "Next" at a window means the current citizen is done (usual hall practice).
                    self._finish_row(db, cur, now)
                    data = self._event_data(db, cur, day)
                    counts = data["waiting"]
                    published.append(self._publish(db, "ticket.finished", now, data))
            if ticket_id is not None:
                chosen = repo.get(db, ticket_id)
                if (
                    chosen is None
                    or chosen["status"] != "waiting"
                    or chosen["day"] != day
                    or chosen["service"] not in spec.services
                ):
                    raise Conflict("That ticket is not waiting for this window.")
            else:
                rows = repo.call_candidates(db, day, list(spec.services))
                pick = choose_next(
                    [repo.to_domain(r) for r in rows], _view(spec, win), now, self.settings.rules
                )
                chosen = next((r for r in rows if pick and r["id"] == pick.id), None)
            if chosen is None:
                win.update(current_ticket=None, updated_at=iso(now))
                repo.save_window(db, win)
            else:
                chosen.update(
                    status=next_status(chosen["status"], Action.CALL).value,
                    called_at=iso(now),
                    window=spec.number,
                    staff=staff,
                )
                repo.update(
                    db,
                    chosen["id"],
                    {k: chosen[k] for k in ("status", "called_at", "window", "staff")},
                )
                streak = (win["priority_streak"] or 0) + 1 if chosen["priority_reason"] else 0
                # Priority calls keep the appointment streak: they serve no walk-in either.
                a_streak = win["appointment_streak"] or 0
                if not chosen["priority_reason"]:
                    due = is_due_appointment(repo.to_domain(chosen), now, self.settings.rules)
                    a_streak = a_streak + 1 if due else 0
                win.update(
                    current_ticket=chosen["id"],
                    priority_streak=streak,
                    appointment_streak=a_streak,
                    updated_at=iso(now),
                    staff=staff,
                )
                repo.save_window(db, win)
                if counts is not None:  # the called ticket was one of today's waiting
                    left = chosen["service"]
                    counts = {k: n - (k == left) for k, n in counts.items() if n - (k == left)}
                data = self._event_data(db, chosen, day, counts)
                published.append(self._publish(db, "ticket.called", now, data))
            result = self.ticket_view(db, chosen) if chosen else None
        for event_id in published:
            self._changed(event_id)
        return result

    def _finish_row(self, db, row: dict, now: datetime) -> None:
        row.update(
            status=next_status(row["status"], Action.FINISH).value,
            finished_at=iso(now),
            started_at=row["started_at"] or row["called_at"],
        )
        repo.update(db, row["id"], {k: row[k] for k in ("status", "finished_at", "started_at")})

    def _current(self, db, spec) -> tuple[dict, dict]:
        win = repo.window(db, spec.number)
        row = repo.get(db, win["current_ticket"]) if win["current_ticket"] else None
        if row is None or row["status"] not in ACTIVE:
            raise Conflict("Window {number} has no current ticket.", number=spec.number)
        return win, row

    def act(
        self, number: int, action: str, staff: str | None = None, service: str | None = None
    ) -> dict:
        """recall / start / no_show / finish / transfer on the window's current ticket."""
        spec = self._window_spec(number)
        action = Action(action)
        now = self.clock()
        day = hall_day(now).isoformat()
        extra = {}
        with self._write() as db:
            win, row = self._current(db, spec)
            if action == Action.TRANSFER:
                target = self._service(service)
                if target.code == row["service"]:
                    raise InvalidField(
                        "The ticket is already in {service}.",
                        field="service",
                        service=target.name["zh_CN"],
                    )
                extra = {"from_service": row["service"], "to_service": target.code}
            new_status = next_status(row["status"], action).value
            changes: dict = {"status": new_status}
            if action == Action.RECALL:
                changes["recalls"] = (row["recalls"] or 0) + 1
                changes["called_at"] = iso(now)
            elif action == Action.START:
                changes["started_at"] = iso(now)
            elif action == Action.FINISH:
                changes["finished_at"] = iso(now)
                changes["started_at"] = row["started_at"] or row["called_at"]
            elif action == Action.TRANSFER:
                # 一票到底: same number, original take time, so it is not sent to the back.
                # The next visit is timed from its own call or start (reports, wait estimates).
                changes.update(
                    service=service,
                    queue_at=row["issued_at"],
                    window=None,
                    started_at=None,
                    transfers=(row["transfers"] or 0) + 1,
                )
            repo.update(db, row["id"], changes)
            row.update(changes)
            if action != Action.RECALL and action != Action.START:
                win.update(current_ticket=None)
            win["updated_at"] = iso(now)
            repo.save_window(db, win)
            type_ = {
                Action.RECALL: "ticket.recalled",
                Action.START: "ticket.started",
                Action.NO_SHOW: "ticket.no_show",
                Action.FINISH: "ticket.finished",
                Action.TRANSFER: "ticket.transferred",
            }[action]
            data = self._event_data(db, row, day, **extra)
            if action in (Action.NO_SHOW, Action.FINISH, Action.TRANSFER):
                data["window"] = self._window_public(spec.number)
            event_id = self._publish(db, type_, now, data)
            view = self.ticket_view(db, row)
        self._changed(event_id)
        return view

    # --- the guide desk: cancel and reprint ----------------------------------------------------

    def _todays_ticket(self, db, ticket_id, now: datetime) -> dict:
        row = (
            repo.get(db, ticket_id) if isinstance(ticket_id, str) and len(ticket_id) <= 64 else None
        )
        if row is None:
            raise NotFound("No such ticket.")
        if row["day"] != hall_day(now).isoformat():
            raise Conflict("Only today's tickets can be cancelled or reprinted.")
        return row

    def find_today(self, number) -> dict:
        """Today's ticket by its printed number (the guide desk types it), staff only."""
        if not isinstance(number, str) or not re.fullmatch(r"[A-Za-z]\d{3}", number.strip()):
            raise InvalidField("Type a ticket number such as B012.", field="number")
        now = self.clock()
        db = self.store.db
        row = repo.by_number(db, hall_day(now).isoformat(), number.strip().upper())
        if row is None:
            raise NotFound("No ticket {number} today.", number=number.strip().upper())
        return self.ticket_view(db, row)

    def cancel(self, ticket_id, reason, staff: str | None = None) -> dict:
        """The citizen left (or took two tickets): the ticket ends as cancelled, and leaves the
        window if it was there. Only today's waiting or called tickets."""
        if reason not in CANCEL_REASONS:
            raise InvalidField("Choose why the ticket is cancelled.", field="reason")
        now = self.clock()
        day = hall_day(now).isoformat()
        with self._write() as db:
            row = self._todays_ticket(db, ticket_id, now)
            status = next_status(row["status"], Action.CANCEL).value
            repo.update(db, row["id"], {"status": status})
            row["status"] = status
            window = row["window"]
            if window is not None:
                win = repo.window(db, window)
                if win["current_ticket"] == row["id"]:
                    win.update(current_ticket=None, updated_at=iso(now))
                    repo.save_window(db, win)
            event_id = self._publish(
                db, "ticket.cancelled", now, self._event_data(db, row, day, reason=reason, by=staff)
            )
            view = self.ticket_view(db, row)
        self._changed(event_id)
        return view

    def record_reprint(self, ticket_id, reason, printed: bool, staff: str | None = None) -> dict:
        """A ticket printed again (paper jam, lost slip) — an event either way, so reprints are
        counted and a reprint that failed is seen. Only today's tickets still open."""
        if reason not in REPRINT_REASONS:
            raise InvalidField("Choose why the ticket is printed again.", field="reason")
        now = self.clock()
        day = hall_day(now).isoformat()
        with self._write() as db:
            row = self._todays_ticket(db, ticket_id, now)
            if row["status"] not in OPEN:
                raise Conflict("Only a ticket that is still in the queue can be printed again.")
            event_id = self._publish(
                db,
                "ticket.reprinted",
                now,
                self._event_data(db, row, day, reason=reason, printed=printed, by=staff),
            )
            view = self.ticket_view(db, row)
        self._changed(event_id)
        return view

    def reprintable(self, ticket_id, reason) -> dict:
        """The ticket as it would be printed again, or why it cannot be."""
        if reason not in REPRINT_REASONS:
            raise InvalidField("Choose why the ticket is printed again.", field="reason")
        now = self.clock()
        db = self.store.db
        row = self._todays_ticket(db, ticket_id, now)
        if row["status"] not in OPEN:
            raise Conflict("Only a ticket that is still in the queue can be printed again.")
        return self.ticket_view(db, row)

    # --- the end of the day -----------------------------------------------------------------

    def last_closed_day(self, now: datetime):
        """The latest hall day that has closed by ``now``: today once its closing time passed,
        else yesterday. A hall that issues at any hour closes at midnight."""
        today = hall_day(now)
        hall = self.settings.hall
        periods = [] if hall.issue_outside_hours else hall.opening_hours
        closes = day_closes_at(today, periods, self.settings.rules.expire_after_close_min)
        return today if now >= closes else today - timedelta(days=1)

    def close_day(self) -> int:
        """Expire every ticket still open from a closed day and clear the windows, so nobody is
        promised a place in yesterday's queue and the board starts clean. Returns how many
        tickets expired; does nothing when nothing is left open."""
        now = self.clock()
        closed = self.last_closed_day(now).isoformat()
        with self._write() as db:
            rows = repo.open_until(db, closed)
            if not rows:
                return 0
            for row in rows:
                repo.update(
                    db, row["id"], {"status": next_status(row["status"], Action.EXPIRE).value}
                )
            for number, win in repo.all_windows(db).items():
                win.update(
                    state="closed",
                    current_ticket=None,
                    priority_streak=0,
                    appointment_streak=0,
                    staff=None,
                    updated_at=iso(now),
                )
                repo.save_window(db, win)
            event_id = self._publish(
                db,
                "day.closed",
                now,
                {
                    "day": closed,
                    "expired": [r["number"] for r in rows if r["day"] == closed],
                    "expired_count": len(rows),
                    "waiting": repo.waiting_counts(db, hall_day(now).isoformat()),
                },
            )
        self._changed(event_id)
        return len(rows)

    def reinstate(self, ticket_id: str) -> dict:
        now = self.clock()
        day = hall_day(now).isoformat()
        with self._write() as db:
            row = (
                repo.get(db, ticket_id)
                if isinstance(ticket_id, str) and len(ticket_id) <= 64
                else None
            )
            if row is None:
                raise NotFound("No such ticket.")
            if row["day"] != day:
                raise Conflict("Only today's tickets can be reinstated.")
            status = next_status(row["status"], Action.REINSTATE).value
            same = [repo.to_domain(r) for r in repo.waiting(db, day, [row["service"]])]
            queue_at = reinstate_position(same, now, self.settings.rules)
            repo.update(
                db, row["id"], {"status": status, "queue_at": iso(queue_at), "window": None}
            )
            row.update(status=status, queue_at=iso(queue_at), window=None)
            event_id = self._publish(db, "ticket.reinstated", now, self._event_data(db, row, day))
            view = self.ticket_view(db, row)
        self._changed(event_id)
        return view
