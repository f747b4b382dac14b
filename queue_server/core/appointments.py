"""Bookings (预约办理, DESIGN §5a; DOMAIN.md "Appointments"): the slots of a service's day, the
rules a booking must pass, the check-in window and the no-show limit. Standard library only;
callers pass ``now``, the hall calendar's ``is_workday`` and the settings.

Rules (each a setting of [appointments]): a booking is for a slot from ``min_days_ahead`` days
after today up to the ``horizon_working_days``-th working day, on a working day, inside the
booking hours, in a slot with room left; one person holds at most ``per_person_per_day``
bookings a day; cancelling ends ``cancel_before_min`` before the slot; ``no_show_limit``
no-shows within ``no_show_window_days`` stop booking for ``no_show_ban_days``. Check-in opens
``checkin_early_min`` before the slot and gives precedence until ``checkin_late_min`` after its
start; a booking not checked in when its slot ends is a no-show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable

from .errors import DomainError, InvalidField
from .numbering import HALL_TZ
from .settings import AppointmentSettings, ServiceSpec

SOURCES = ("platform", "import", "desk")
STATUSES = ("booked", "checked_in", "late", "no_show", "cancelled")
HOLDING = ("booked", "checked_in", "late")  # count against capacity and one-a-day
CANCEL_BY = ("citizen", "hall")
CODE = re.compile(r"^[0-9A-Z]{4,12}$")  # the booking code the citizen types at the kiosk
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # the platform's own booking id
PHONE = re.compile(r"^(?:1\d{10}|0\d{2,3}-?\d{7,8}|\+\d{8,15})$")


class Refused(DomainError):
    """A booking or check-in rule says no. ``code`` names the rule (the platform and the kiosk
    act on it); ``extra`` goes into the error answer (e.g. when check-in opens)."""

    status = 409

    def __init__(self, code: str, message: str, extra: dict | None = None, **params):
        super().__init__(message, **params)
        self.code = code
        self.extra = extra or {}


@dataclass(frozen=True)
class Slot:
    service: str
    start: datetime
    end: datetime
    capacity: int

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def capacity_of(s: AppointmentSettings, service: str) -> int:
    if not s.enabled:
        return 0
    return s.service_capacity.get(service, s.capacity)


def periods_of(s: AppointmentSettings, svc: ServiceSpec, hall_hours: list[str]) -> list[str]:
    """Booking periods: [appointments].hours, else the service's issuing hours, else the hall's."""
    return list(s.hours or svc.hours or hall_hours)


def day_slots(
    day: date, svc: ServiceSpec, s: AppointmentSettings, hall_hours: list[str]
) -> list[Slot]:
    """Whole slots of ``slot_minutes`` inside each booking period of the day (a remainder too
    short for a slot at a period's end is not bookable). Working days are the caller's check."""
    cap = capacity_of(s, svc.code)
    if cap <= 0:
        return []
    step = timedelta(minutes=s.slot_minutes)
    out = []
    for period in periods_of(s, svc, hall_hours):
        first, last = (time.fromisoformat(p) for p in period.split("-"))
        start = datetime.combine(day, first, HALL_TZ)
        stop = datetime.combine(day, last, HALL_TZ)
        while start + step <= stop:
            out.append(Slot(svc.code, start, start + step, cap))
            start += step
    return out


def find_slot(slots: Iterable[Slot], start: datetime) -> Slot | None:
    return next((sl for sl in slots if sl.start == start), None)


def horizon(today: date, s: AppointmentSettings, is_workday: Callable[[date], bool]) -> date:
    """The last bookable day: the ``horizon_working_days``-th working day after today."""
    day, left = today, s.horizon_working_days
    while left > 0:
        day += timedelta(days=1)
        left -= is_workday(day)
    return day


def bookable_days(
    today: date, s: AppointmentSettings, is_workday: Callable[[date], bool]
) -> list[date]:
    """Working days from ``min_days_ahead`` days after today up to the horizon."""
    last = horizon(today, s, is_workday)
    first = today + timedelta(days=s.min_days_ahead)
    return [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if is_workday(first + timedelta(days=i))
    ]


def check_day(
    day: date, today: date, s: AppointmentSettings, is_workday: Callable[[date], bool]
) -> None:
    """Refused unless ``day`` may be booked today."""
    if day < today + timedelta(days=s.min_days_ahead):
        raise Refused(
            "too_soon",
            "Bookings start {days} day(s) ahead; today please take a ticket at the kiosk.",
            days=s.min_days_ahead,
        )
    last = horizon(today, s, is_workday)
    if day > last:
        raise Refused(
            "too_far",
            "Bookings reach at most {days} working days ahead (until {date}).",
            days=s.horizon_working_days,
            date=last.isoformat(),
        )
    if not is_workday(day):
        raise Refused("not_working_day", "The hall does not open on {date}.", date=day.isoformat())


def check_slot(slot: Slot | None, booked: int) -> Slot:
    if slot is None:
        raise Refused("no_slot", "There is no such slot; choose one of the day's slots.")
    if booked >= slot.capacity:
        raise Refused(
            "slot_full", "The slot {slot} is fully booked; please choose another.", slot=slot.label
        )
    return slot


def check_one_a_day(held_that_day: int, s: AppointmentSettings, day: date) -> None:
    if held_that_day >= s.per_person_per_day:
        raise Refused(
            "one_per_day", "This person already has a booking on {date}.", date=day.isoformat()
        )


def banned_until(no_show_days: Iterable[date], s: AppointmentSettings) -> date | None:
    """The last day of the booking ban that the no-shows earn, or None. Every run of
    ``no_show_limit`` no-shows within ``no_show_window_days`` bans booking for
    ``no_show_ban_days`` from the last of them."""
    n = s.no_show_limit
    if n <= 0:
        return None
    days = sorted(no_show_days)
    ends = [
        days[i + n - 1] + timedelta(days=s.no_show_ban_days)
        for i in range(len(days) - n + 1)
        if (days[i + n - 1] - days[i]).days < s.no_show_window_days
    ]
    return max(ends) if ends else None


def check_no_shows(no_show_days: Iterable[date], today: date, s: AppointmentSettings) -> None:
    until = banned_until(no_show_days, s)
    if until is not None and today < until:
        raise Refused(
            "no_show_limit",
            "{limit} missed bookings within {window} days: booking is possible again from {date}.",
            limit=s.no_show_limit,
            window=s.no_show_window_days,
            date=until.isoformat(),
        )


def check_cancel(slot_start: datetime, now: datetime, s: AppointmentSettings) -> None:
    if now > slot_start - timedelta(minutes=s.cancel_before_min):
        raise Refused(
            "cancel_too_late",
            "A booking can be cancelled until {minutes} minutes before its slot.",
            minutes=s.cancel_before_min,
        )


# --- check-in ----------------------------------------------------------------------------------

ON_TIME, LATE = "on_time", "late"


def checkin_opens(slot_start: datetime, s: AppointmentSettings) -> datetime:
    return slot_start - timedelta(minutes=s.checkin_early_min)


def checkin_state(
    slot_start: datetime, slot_end: datetime, now: datetime, s: AppointmentSettings
) -> str:
    """on_time (a ticket with the slot's precedence) or late (past the grace, before the slot
    ends: a normal ticket); Refused when too early, or when the slot has ended (a no-show)."""
    opens = checkin_opens(slot_start, s)
    if now < opens:
        raise Refused(
            "checkin_early",
            "Please check in after {time}.",
            extra={"checkin_from": opens.isoformat()},
            time=f"{opens:%H:%M}",
        )
    if now >= slot_end:
        raise Refused(
            "checkin_missed",
            "The booked slot {slot} has ended; please take a normal ticket.",
            extra={"offer": "walk_in"},
            slot=f"{slot_start:%H:%M}",
        )
    if now > slot_start + timedelta(minutes=s.checkin_late_min):
        return LATE
    return ON_TIME


def is_no_show(status: str, slot_end: datetime, now: datetime) -> bool:
    """A booking still only booked when its slot has ended."""
    return status == "booked" and now >= slot_end


# --- personal data -------------------------------------------------------------------------------


def normalise_phone(raw) -> str:
    """A mobile (11 digits), a landline (0xx-xxxxxxxx) or an international number (+…)."""
    if not isinstance(raw, str):
        raise InvalidField("Type a phone number such as 13812345678.", field="phone")
    value = re.sub(r"[\s()]", "", raw.replace("（", "(").replace("）", ")"))
    if value.startswith("+86") and len(value) == 14:
        value = value[3:]
    if not PHONE.match(value):
        raise InvalidField("Type a phone number such as 13812345678.", field="phone")
    return value


def phone_last4(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-4:]


def normalise_code(raw) -> str | None:
    if not isinstance(raw, str):
        return None
    value = raw.strip().upper()
    return value if CODE.match(value) else None
