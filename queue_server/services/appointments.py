"""Bookings (预约) as use cases: book (the platform, an import, the guide desk), cancel, check in
at the kiosk (a ticket with ``appointment_at``), no-shows, and what the pages show.

The rules are core.appointments'; the call order is core.policy's. A booking keeps the ID number
only as its HMAC with the hall's secret (core.citizen.id_digest, as the records audit does) and
its masked form; the phone is kept to reach the person and shown masked everywhere. Events are
public: they carry service, day and slot only.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Callable

from ..calendar_cn import HallCalendar
from ..core import appointments as rules
from ..core.appointments import Refused
from ..core.citizen import id_digest
from ..core.errors import InvalidIdNumber
from ..core.idnumber import mask_id_number, mask_name, mask_phone, validate_id_number
from ..core.issuing import REQUEST_ID
from ..core.numbering import HALL_TZ, hall_day
from ..core.settings import AppointmentSettings, ServiceSpec, Settings
from ..errors import Conflict, Forbidden, InvalidField, NotFound
from ..eventbus import EventBus
from ..store import Store
from ..store import appointments as repo
from ..store import events as event_log
from .common import iso
from .queue import QueueService

BOOK_FIELDS = ("external_id", "service", "slot_start", "id_number", "name", "phone", "code")
ONE_WAY = "Send exactly one of id_number or code (with phone_last4 if you like)."


def parse_slot_start(value) -> datetime:
    """An ISO date-time; without an offset it is the hall's local time."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidField(
            "{field} must be a date and time such as 2026-11-25T09:00.", field="slot_start"
        )
    try:
        dt = datetime.fromisoformat(value.strip())
        return (dt.replace(tzinfo=HALL_TZ) if dt.tzinfo is None else dt).astimezone(HALL_TZ)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved into our zone
        raise InvalidField(
            "{field} must be a date and time such as 2026-11-25T09:00.", field="slot_start"
        ) from None


def _id_number(data: dict) -> str:
    try:
        return validate_id_number(_text(data, "id_number", 40, required=True))
    except InvalidIdNumber as exc:
        raise InvalidField(exc.message, field="id_number", **exc.params) from None


def _text(data: dict, key: str, max_len: int, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise InvalidField("{field} is required.", field=key)
        return ""
    if not isinstance(value, str):
        raise InvalidField("{field} must be text.", field=key)
    if len(value.strip()) > max_len:
        raise InvalidField("{field} is too long.", field=key)
    return value.strip()


class AppointmentService:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        bus: EventBus,
        clock: Callable[[], datetime],
        calendar: HallCalendar,
        queue: QueueService,
        secret: bytes,
    ):
        self._settings = settings  # read at each use: the rules follow a config reload
        self.store = store
        self.bus = bus
        self.clock = clock
        self.calendar = calendar
        self.queue = queue
        self.secret = secret

    @property
    def settings(self) -> AppointmentSettings:
        return self._settings().appointments

    def _service(self, code, bookable: bool = True) -> ServiceSpec:
        svc = self._settings().service(code) if isinstance(code, str) else None
        if svc is None:
            raise InvalidField(
                "Unknown service {service}.", field="service", service=str(code)[:40]
            )
        if bookable and rules.capacity_of(self.settings, svc.code) <= 0:
            raise InvalidField("{service} takes no bookings.", field="service", service=svc.name)
        return svc

    def _slots(self, svc: ServiceSpec, day: date) -> list[rules.Slot]:
        return rules.day_slots(day, svc, self.settings, self._settings().hall.opening_hours)

    def _publish(self, db, type_: str, row: dict, now: datetime, **extra) -> int:
        return event_log.append(
            db,
            type_,
            iso(now),
            {
                "appointment": {
                    "service": row["service"],
                    "day": row["day"],
                    "slot_start": row["slot_start"],
                    "source": row["source"],
                    "status": row["status"],
                    **extra,
                }
            },
        )

    @staticmethod
    def view(row: dict) -> dict:
        """A booking as staff, the platform and the kiosk see it: masked, never the phone."""
        return {
            k: row.get(k)
            for k in (
                "id",
                "code",
                "service",
                "day",
                "slot_start",
                "slot_end",
                "status",
                "source",
                "external_id",
                "id_masked",
                "name_masked",
                "phone_masked",
                "created_at",
                "checked_in_at",
                "cancelled_at",
                "no_show_at",
            )
        }

    # --- slots ---------------------------------------------------------------------------------

    def bookable_days(self) -> list[date]:
        today = hall_day(self.clock())
        view = self.calendar.view()
        return rules.bookable_days(today, self.settings, view.is_workday)

    def _check_view_day(self, day: date) -> None:
        today = hall_day(self.clock())
        if abs((day - today).days) > 366:
            raise InvalidField(
                "The date must lie within a year back and a year ahead.", field="day"
            )

    def slots(self, service, day: date) -> list[dict]:
        """The service's slots of a day with the places left (no personal data)."""
        svc = self._service(service)
        self._check_view_day(day)
        if not self.calendar.view().is_workday(day):
            return []
        db = self.store.db
        counts = repo.counts_by_slot(db, day.isoformat())
        out = []
        for sl in self._slots(svc, day):
            held = sum(counts.get((svc.code, iso(sl.start)), {}).get(s, 0) for s in rules.HOLDING)
            out.append(
                {
                    "start": iso(sl.start),
                    "end": iso(sl.end),
                    "label": sl.label,
                    "capacity": sl.capacity,
                    "booked": held,
                    "left": max(sl.capacity - held, 0),
                }
            )
        return out

    # --- booking -------------------------------------------------------------------------------

    def _person(self, data: dict) -> dict:
        number = _id_number(data)
        phone = rules.normalise_phone(_text(data, "phone", 30, required=True))
        name = _text(data, "name", 40)
        return {
            "id_hmac": id_digest(self.secret, number),
            "id_masked": mask_id_number(number),
            "name_masked": mask_name(name),
            "phone": phone,
            "phone_masked": mask_phone(phone),
            "phone_last4": rules.phone_last4(phone),
        }

    def book(self, data: dict, source: str, actor: str | None) -> tuple[dict, bool]:
        """A booking, or the one this platform booking id already made (created=False)."""
        if not isinstance(data, dict):
            raise InvalidField("The request body must be a JSON object.")
        external_id = _text(data, "external_id", 64, required=source != "desk") or None
        if external_id is not None and not rules.EXTERNAL_ID.match(external_id):
            raise InvalidField(
                "{field} must be 1–64 letters, digits or - _ . :", field="external_id"
            )
        svc = self._service(data.get("service"))
        start = parse_slot_start(data.get("slot_start"))
        person = self._person(data)
        code = data.get("code")
        if code is not None:
            code = rules.normalise_code(code)
            if code is None:
                raise InvalidField("{field} must be 4–12 digits or capital letters.", field="code")
        now = self.clock()
        today, day = hall_day(now), start.date()
        is_workday = self.calendar.view().is_workday
        if self._known(self.store.db, external_id, svc, start, person) is None:
            # Rules that need no lock first: a file of bad rows costs no write transactions.
            rules.check_day(day, today, self.settings, is_workday)
            rules.check_slot(rules.find_slot(self._slots(svc, day), start), 0)
        with self.store.write() as db:
            old = self._known(db, external_id, svc, start, person)
            if old is not None:
                return old, False
            rules.check_day(day, today, self.settings, is_workday)
            slot = rules.find_slot(self._slots(svc, day), start)
            rules.check_slot(slot, repo.booked_in_slot(db, svc.code, iso(start)) if slot else 0)
            rules.check_one_a_day(
                repo.held_on(db, person["id_hmac"], day.isoformat()), self.settings, day
            )
            since = today - timedelta(
                days=self.settings.no_show_window_days + self.settings.no_show_ban_days
            )
            rules.check_no_shows(
                [
                    date.fromisoformat(d)
                    for d in repo.no_show_days(db, person["id_hmac"], since.isoformat())
                ],
                today,
                self.settings,
            )
            if code is None:
                code = self._new_code(db, day.isoformat())
            elif repo.code_taken(db, day.isoformat(), code):
                raise Conflict("The booking code {code} is taken that day.", code=code)
            row = {
                "id": secrets.token_urlsafe(12),
                "code": code,
                "service": svc.code,
                "day": day.isoformat(),
                "slot_start": iso(slot.start),
                "slot_end": iso(slot.end),
                "status": "booked",
                "source": source,
                "external_id": external_id,
                "created_at": iso(now),
                "created_by": actor,
                **person,
            }
            repo.insert(db, row)
            event_id = self._publish(db, "appointment.booked", row, now)
        self.bus.published(event_id)
        return self.view(row), True

    def _known(
        self, db, external_id, svc: ServiceSpec, start: datetime, person: dict
    ) -> dict | None:
        """The booking this platform id already made (a retry), or None; the same id for
        another booking is a conflict."""
        old = repo.by_external_id(db, external_id) if external_id is not None else None
        if old is None:
            return None
        if (old["service"], old["slot_start"], old["id_hmac"]) != (
            svc.code,
            iso(start),
            person["id_hmac"],
        ):
            raise Conflict("This booking id was already used for another booking.")
        return self.view(old)

    @staticmethod
    def _new_code(db, day: str) -> str:
        while True:  # 6 digits are easy on a kiosk keypad; unique within the day
            code = f"{secrets.randbelow(900000) + 100000}"
            if not repo.code_taken(db, day, code):
                return code

    def get(self, appointment_id) -> dict:
        return self.view(self._row(self.store.db, appointment_id))

    @staticmethod
    def _row(db, appointment_id) -> dict:
        row = (
            repo.get(db, appointment_id)
            if isinstance(appointment_id, str) and len(appointment_id) <= 64
            else None
        )
        if row is None:
            raise NotFound("No such booking.")
        return row

    def cancel(self, appointment_id, by, actor: str | None, platform: bool = False) -> dict:
        """The citizen cancels (until ``cancel_before_min`` before the slot) or the hall does
        (staff only, until the slot ends: a closure). A platform cancels only its own bookings."""
        if by not in rules.CANCEL_BY:
            raise InvalidField("{field} must be citizen or hall.", field="by")
        if platform and by != "citizen":
            raise Forbidden("You are not allowed to do this.")
        now = self.clock()
        with self.store.write() as db:
            row = self._row(db, appointment_id)
            if platform and row["source"] != "platform":
                raise Forbidden("You are not allowed to do this.")
            if row["status"] == "cancelled":
                return self.view(row)  # a retried cancel
            if row["status"] != "booked":
                raise Refused("not_booked", "Only a booking not yet checked in can be cancelled.")
            start = datetime.fromisoformat(row["slot_start"])
            if by == "citizen":
                rules.check_cancel(start, now, self.settings)
            elif now >= datetime.fromisoformat(row["slot_end"]):
                raise Refused("not_booked", "Only a booking not yet checked in can be cancelled.")
            changes = {"status": "cancelled", "cancelled_at": iso(now), "cancelled_by": by}
            repo.update(db, row["id"], changes)
            row.update(changes)
            event_id = self._publish(db, "appointment.cancelled", row, now, by=by)
        self.bus.published(event_id)
        return self.view(row)

    # --- check-in ------------------------------------------------------------------------------

    def _find_today(self, db, data: dict, today: str) -> dict:
        given = [k for k in ("id_number", "code") if data.get(k) not in (None, "")]
        if len(given) != 1:
            raise InvalidField(ONE_WAY, field="code")
        if given == ["id_number"]:
            found = repo.of_person(db, id_digest(self.secret, _id_number(data)), today)
            open_ = [r for r in found if r["status"] != "cancelled"] or found
            if not open_:
                raise NotFound("No booking today for this ID card.")
            return next((r for r in open_ if r["status"] == "booked"), open_[0])
        code = rules.normalise_code(data.get("code"))
        row = repo.by_code(db, today, code) if code else None
        last4 = data.get("phone_last4")
        if last4 is not None and (
            not isinstance(last4, str) or len(last4) != 4 or not last4.isdigit()
        ):
            raise InvalidField(
                "{field} must be the phone number's last 4 digits.", field="phone_last4"
            )
        if row is None or (last4 is not None and last4 != row["phone_last4"]):
            raise NotFound("No booking today with this code; please check it.")
        return row

    def check_in(self, data: dict, actor: str | None, channel: str = "kiosk") -> dict:
        """The booking's ticket: on time → a ticket with ``appointment_at`` (channel
        appointment); late (past the grace, before the slot ends) → 409 offering a normal
        ticket, which ``walk_in: true`` takes. Too early → 409 with the time check-in opens."""
        if not isinstance(data, dict):
            raise InvalidField("The request body must be a JSON object.")
        walk_in = data.get("walk_in", False)
        if not isinstance(walk_in, bool):
            raise InvalidField("{field} must be true or false.", field="walk_in")
        request_id = data.get("request_id")
        if request_id is not None and (
            not isinstance(request_id, str) or not REQUEST_ID.match(request_id)
        ):
            raise InvalidField(
                "request_id must be 8–64 letters, digits or - _ . :", field="request_id"
            )
        now = self.clock()
        today = hall_day(now).isoformat()
        self.mark_no_shows()
        db = self.store.db
        row = self._find_today(db, data, today)
        if row["status"] in ("checked_in", "late"):
            ticket = self.queue.get_ticket(row["ticket_id"]) if row["ticket_id"] else None
            if ticket and request_id and row.get("checkin_request_id") == request_id:
                # The kiosk's retry after a lost answer: the same ticket again, to print.
                return {"state": "replayed", "ticket": ticket, "appointment": self.view(row)}
            raise Refused(
                "already_checked_in",
                "This booking was checked in at {time}; ticket {number}.",
                extra={"ticket_number": ticket and ticket["number"]},
                time=row["checked_in_at"][11:16],
                number=ticket and ticket["number"],
            )
        if row["status"] == "cancelled":
            raise Refused("cancelled", "This booking was cancelled.")
        if row["status"] == "no_show":
            start = datetime.fromisoformat(row["slot_start"])
            raise Refused(
                "checkin_missed",
                "The booked slot {slot} has ended; please take a normal ticket.",
                extra={"offer": "walk_in"},
                slot=f"{start:%H:%M}",
            )
        start = datetime.fromisoformat(row["slot_start"])
        state = rules.checkin_state(
            start, datetime.fromisoformat(row["slot_end"]), now, self.settings
        )
        if state == rules.LATE and not walk_in:
            raise Refused(
                "checkin_late",
                "You are more than {minutes} minutes late for your "
                "slot; you can take a normal ticket.",
                extra={"offer": "walk_in"},
                minutes=self.settings.checkin_late_min,
            )
        on_time = state == rules.ON_TIME
        # Retries and two kiosks at once get the same ticket: its request id is the booking's.
        ticket, _ = self.queue.issue(
            row["service"],
            f"appt-{row['id']}",
            channel="appointment" if on_time else channel,
            appointment_code=row["code"],
            appointment_at=start if on_time else None,
        )
        status = "checked_in" if on_time else "late"
        with self.store.write() as db:
            fresh = repo.get(db, row["id"])
            if fresh["status"] == "booked":
                changes = {
                    "status": status,
                    "ticket_id": ticket["id"],
                    "checked_in_at": iso(now),
                    "checkin_request_id": request_id,
                }
                repo.update(db, row["id"], changes)
                fresh.update(changes)
                event_id = self._publish(db, "appointment.checked_in", fresh, now, on_time=on_time)
            else:
                event_id = None
        if event_id:
            self.bus.published(event_id)
        return {"state": state, "ticket": ticket, "appointment": self.view(fresh)}

    # --- no-shows --------------------------------------------------------------------------------

    def mark_no_shows(self) -> int:
        """Every booking not checked in by the end of its slot becomes a no-show, with an event."""
        now = self.clock()
        if not repo.overdue(self.store.db, iso(now)):
            return 0  # the usual case: no write transaction
        events = []
        with self.store.write() as db:
            for row in repo.overdue(db, iso(now)):
                repo.update(db, row["id"], {"status": "no_show", "no_show_at": iso(now)})
                row["status"] = "no_show"
                events.append(self._publish(db, "appointment.no_show", row, now))
        if events:
            self.bus.published(max(events))
        return len(events)

    # --- what the pages show ---------------------------------------------------------------------

    def day_view(self, day: date) -> dict:
        """A day's bookings per service and slot (checked in, waiting, late, no-show, cancelled)
        and the bookings themselves, masked."""
        self._check_view_day(day)
        self.mark_no_shows()
        db = self.store.db
        counts = repo.counts_by_slot(db, day.isoformat())
        workday = self.calendar.view().is_workday(day)
        services = []
        for svc in self._settings().services:
            slots = []
            for sl in self._slots(svc, day) if workday else []:
                c = counts.get((svc.code, iso(sl.start)), {})
                slots.append(
                    {
                        "start": iso(sl.start),
                        "label": sl.label,
                        "capacity": sl.capacity,
                        **{s: c.get(s, 0) for s in rules.STATUSES},
                    }
                )
            if slots:
                services.append(
                    {"code": svc.code, "prefix": svc.prefix, "name": svc.name, "slots": slots}
                )
        return {
            "day": day.isoformat(),
            "working_day": workday,
            "services": services,
            "bookings": [self.view(r) for r in repo.of_day(db, day.isoformat())],
        }

    def capacity(self) -> dict:
        """Per bookable day and service: places in all and places held."""
        days = self.bookable_days()
        held = (
            repo.holding_by_day(self.store.db, days[0].isoformat(), days[-1].isoformat())
            if days
            else {}
        )
        out = []
        for day in days:
            per = []
            for svc in self._settings().services:
                places = sum(sl.capacity for sl in self._slots(svc, day))
                if places:
                    per.append(
                        {
                            "service": svc.code,
                            "capacity": places,
                            "booked": held.get((day.isoformat(), svc.code), 0),
                        }
                    )
            out.append({"day": day.isoformat(), "services": per})
        return {"days": out}
