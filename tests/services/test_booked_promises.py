"""The wait promised at issue counts the day's bookings still to check in (§9, issue 15): a
booked citizen is due when they come and goes before the walk-ins, so a walk-in's promise is
later when bookings are still expected — and only those that may still check in on time,
each as likely to come as the hall's history of bookings says. Booked tickets of past days are
left out of the usual arrivals (the day's own bookings stand for them)."""

from __future__ import annotations

from datetime import timedelta

from queue_server.core.numbering import hall_day
from queue_server.eventbus import EventBus
from queue_server.services.queue import QueueService
from queue_server.store import appointments as bookings

from .test_usual_arrivals import history, promise_afresh, promise_of_a_walk_in


def book(hall, clock, n: int, slot_minutes: int, status: str = "booked", days_ago: int = 0) -> None:
    """``n`` pension bookings for the slot starting ``slot_minutes`` after now, ``days_ago``
    days back; checked-in ones came 5 minutes before their slot."""
    start = clock() + timedelta(days=-days_ago, minutes=slot_minutes)
    day = hall_day(start).isoformat()
    checked_in = (start - timedelta(minutes=5)).isoformat(timespec="microseconds")
    with hall.store.write() as db:
        for i in range(n):
            bookings.insert(
                db,
                {
                    "id": f"bk{days_ago}-{slot_minutes}-{status}-{i}",
                    "code": f"{slot_minutes % 100:02d}{i:02d}{len(status):02d}",
                    "service": "pension",
                    "day": day,
                    "slot_start": start.isoformat(timespec="microseconds"),
                    "slot_end": (start + timedelta(minutes=30)).isoformat(timespec="microseconds"),
                    "status": status,
                    "source": "kiosk",
                    "id_hmac": f"h{i}",
                    "id_masked": "1101**********0021",
                    "name_masked": "张*",
                    "phone": "13800000000",
                    "phone_masked": "138****0000",
                    "phone_last4": "0000",
                    "created_at": clock().isoformat(),
                    "checked_in_at": checked_in if status == "checked_in" else None,
                },
            )


def test_bookings_still_to_come_lengthen_a_walk_ins_promise(hall, clock):
    without = promise_of_a_walk_in(hall)
    assert promise_afresh(hall) == without
    book(hall, clock, 4, slot_minutes=30, status="cancelled")  # will not come
    book(hall, clock, 4, slot_minutes=-20)  # check-in closed 5 minutes ago (15 late minutes)
    assert promise_afresh(hall) == without
    book(hall, clock, 4, slot_minutes=30)  # at 09:30, before the last walk-in's turn
    assert promise_afresh(hall) > without + 3 * 600  # four visits of ~12 min more


def test_booked_tickets_of_past_days_are_not_usual_walk_ins(hall, clock):
    """Ten past days with 12 booked tickets an hour are not the hall's usual walk-ins (the
    day's own bookings stand for them): the usual arrivals hold none of them, and the promise is
    that of a hall without that history."""
    without = promise_of_a_walk_in(hall)
    history(hall, clock, days=10, priority_per_hour=0, walk_ins=12, booked=True)
    today = hall_day(clock())
    queue = QueueService(hall.settings, hall.store, EventBus(), hall.clock)
    assert queue._usual_now(hall.store.db, today.isoformat())[0]["pension"][10] == (0.0, 0.0)
    assert promise_afresh(hall) == without


def test_a_hall_whose_bookings_are_often_missed_expects_fewer_of_them(hall, clock):
    """Over the past week a third of the pension bookings were missed (20 kept, 5 late, 5
    no-shows): the four bookings due in half an hour lengthen a walk-in's promise by about
    two thirds of what they would if every booked citizen came. Fewer than 20 past bookings
    tell nothing."""
    without = promise_of_a_walk_in(hall)
    book(hall, clock, 4, slot_minutes=30)
    every_one = promise_afresh(hall)
    assert every_one > without + 3 * 600
    for back in range(1, 6):
        book(hall, clock, 4, slot_minutes=0, status="checked_in", days_ago=back)
    book(hall, clock, 5, slot_minutes=0, status="late", days_ago=6)
    book(hall, clock, 5, slot_minutes=0, status="no_show", days_ago=7)
    told = promise_afresh(hall)  # a fresh service reads the history
    assert without < told < every_one
    assert abs((told - without) - (every_one - without) * 2 / 3) < 120, (without, told, every_one)
