"""The pure domain: transitions, numbering, policy, waits, ID numbers."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from queue_server.core.errors import InvalidIdNumber, InvalidTransition
from queue_server.core.idnumber import (
    check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    validate_id_number,
)
from queue_server.core.numbering import HALL_TZ, format_number, hall_day
from queue_server.core.policy import WindowView, choose_next, reinstate_position
from queue_server.core.settings import QueueRules, consulting_windows_required
from queue_server.core.tickets import Status, Ticket, next_status
from queue_server.core.waits import WindowLoad, estimate_wait, mean_service_seconds

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)


def ticket(
    number, service="pension", minutes=0, priority=None, appointment=None, status=Status.WAITING
):
    at = T0 + timedelta(minutes=minutes)
    return Ticket(
        id=number,
        number=number,
        service=service,
        status=status,
        issued_at=at,
        queue_at=at,
        priority_reason=priority,
        appointment_at=appointment,
    )


@pytest.mark.parametrize(
    "state, action, after",
    [
        ("waiting", "call", "called"),
        ("called", "recall", "called"),
        ("called", "start", "serving"),
        ("called", "finish", "done"),
        ("serving", "finish", "done"),
        ("called", "no_show", "no_show"),
        ("serving", "transfer", "waiting"),
        ("no_show", "reinstate", "waiting"),
    ],
)
def test_allowed_transitions(state, action, after):
    assert next_status(state, action) == Status(after)


@pytest.mark.parametrize(
    "state, action",
    [
        ("waiting", "finish"),
        ("done", "call"),
        ("serving", "no_show"),
        ("waiting", "reinstate"),
        ("done", "recall"),
        ("cancelled", "call"),
        ("serving", "start"),
    ],
)
def test_forbidden_transitions_raise(state, action):
    with pytest.raises(InvalidTransition):
        next_status(state, action)


@pytest.mark.parametrize(
    "prefix, seq, expected", [("B", 12, "B012"), ("A", 1, "A001"), ("E", 999, "E999")]
)
def test_number_format(prefix, seq, expected):
    assert format_number(prefix, seq) == expected


def test_hall_day_is_local_not_utc():
    # 16:30 UTC on the 24th is 00:30 on the 25th in Shanghai: a new day of numbers.
    assert hall_day(datetime(2026, 11, 24, 16, 30, tzinfo=timezone.utc)).isoformat() == "2026-11-25"
    assert hall_day(datetime(2026, 11, 24, 15, 59, tzinfo=timezone.utc)).isoformat() == "2026-11-24"


def test_policy_oldest_first():
    w = WindowView(3, ["pension"])
    assert (
        choose_next(
            [ticket("B002", minutes=2), ticket("B001", minutes=1)], w, T0, QueueRules()
        ).number
        == "B001"
    )


def test_policy_priority_jumps_the_queue():
    w = WindowView(3, ["pension"])
    chosen = choose_next(
        [ticket("B001"), ticket("B009", minutes=9, priority="elderly")], w, T0, QueueRules()
    )
    assert chosen.number == "B009"


def test_policy_limits_consecutive_priority_calls():
    waiting = [ticket("B001"), ticket("B009", minutes=9, priority="pregnant")]
    rules = QueueRules(max_consecutive_priority=2)
    assert (
        choose_next(waiting, WindowView(3, ["pension"], priority_streak=2), T0, rules).number
        == "B001"
    )
    # ...but a priority window always takes priority tickets first
    assert (
        choose_next(waiting, WindowView(11, ["pension"], "priority", 5), T0, rules).number == "B009"
    )
    # ...and with nobody else waiting the streak limit does not block the priority ticket
    assert (
        choose_next(waiting[1:], WindowView(3, ["pension"], priority_streak=9), T0, rules).number
        == "B009"
    )


def test_policy_due_appointment_before_oldest():
    waiting = [ticket("B001"), ticket("B005", minutes=5, appointment=T0 + timedelta(minutes=20))]
    w = WindowView(3, ["pension"])
    assert choose_next(waiting, w, T0, QueueRules()).number == "B001"  # slot not yet come
    assert choose_next(waiting, w, T0 + timedelta(minutes=20), QueueRules()).number == "B005"


def test_policy_window_service_preference():
    waiting = [ticket("A001", "consult"), ticket("B003", "pension", minutes=3)]
    w = WindowView(3, ["pension", "consult"])
    assert choose_next(waiting, w, T0, QueueRules(service_preference="ordered")).number == "B003"
    assert choose_next(waiting, w, T0, QueueRules(service_preference="oldest")).number == "A001"
    assert choose_next(waiting, WindowView(9, ["card"]), T0, QueueRules()) is None


@pytest.mark.parametrize("k, expected_after", [(3, "B003"), (1, "B001")])
def test_reinstated_ticket_goes_behind_next_k(k, expected_after):
    waiting = [ticket(f"B00{i}", minutes=i) for i in range(1, 6)]
    at = reinstate_position(waiting, T0 + timedelta(hours=1), QueueRules(reinstate_behind=k))
    order = sorted([(t.queue_at, t.number) for t in waiting] + [(at, "R")])
    assert order[[n for _, n in order].index(expected_after) + 1][1] == "R"


def test_reinstate_with_fewer_waiting_goes_to_the_end():
    now = T0 + timedelta(hours=1)
    assert reinstate_position([ticket("B001")], now, QueueRules(reinstate_behind=3)) == now


def test_wait_estimate_divides_by_open_windows_with_a_free_one():
    two = [WindowLoad(("pension",), is_open=True), WindowLoad(("pension",), is_open=True)]
    assert estimate_wait(4, 600, "pension", two).seconds == 1200
    assert estimate_wait(3, 300, "pension", [WindowLoad(("pension",))]).seconds is None


def test_nobody_ahead_and_a_free_window_is_no_wait():
    free = [WindowLoad(("pension",), is_open=True)]
    assert estimate_wait(0, 600, "pension", free).no_wait
    busy = [WindowLoad(("pension",), is_open=True, busy=True)]
    est = estimate_wait(0, 600, "pension", busy)
    assert not est.no_wait and est.seconds == 300  # half of the visit in progress


def test_priority_window_and_secondary_services_weigh_less():
    only = [WindowLoad(("consult",), is_open=True)]
    plus_business = only + [
        WindowLoad(("pension", "consult"), is_open=True, recent_services=("pension",) * 18),
        WindowLoad(("pension", "consult"), kind="priority", is_open=True),
    ]
    alone = estimate_wait(6, 300, "consult", only).seconds
    shared = estimate_wait(6, 300, "consult", plus_business).seconds
    # The business window gives consult about 1/20 of its time: barely faster than one window.
    assert alone == 1800 and 1650 < shared < 1800


def test_mean_service_falls_back_to_default():
    assert mean_service_seconds([], 480) == 480
    assert mean_service_seconds([-5, 0], 480) == 480  # clock slips are no visits


def test_mean_service_is_shrunk_toward_the_default():
    # The morning's first finished visit is a short one: it must not halve every promise.
    assert 450 < mean_service_seconds([120], 480) < 480
    # Many visits outweigh the configured minutes: 300 recent visits of 200 s.
    assert 200 < mean_service_seconds([200] * 300, 480) < 230


VALID_ID = "11010519491231002X"


def test_valid_id_number_normalised():
    assert validate_id_number(" 11010519491231002x ") == VALID_ID
    assert check_digit(VALID_ID[:17]) == "X"


@pytest.mark.parametrize(
    "bad",
    [
        "11010519491231002",
        "110105194912310021",
        "99010519491231002X",
        "11010519491331002X",
        "1101051949123100AX",
        "",
        "11010520250230002X",
    ],
)
def test_invalid_id_numbers_refused(bad):
    with pytest.raises(InvalidIdNumber):
        validate_id_number(bad)


def test_masking():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧阳**"
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize(
    "tier, insured, need",
    [
        ("large", 380_000, 2),
        ("large", 200_000, 1),
        ("small", 300_001, 3),
        ("county", 900_000, 1),
        ("large", 0, 1),
    ],
)
def test_consulting_windows_required_by_4_2(tier, insured, need):
    assert consulting_windows_required(tier, insured) == need


def test_core_imports_no_framework():
    code = (
        "import sys, pkgutil, importlib, queue_server.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('queue_server.core.' + m.name)\n"
        "bad = [m for m in ('flask', 'kivy', 'sqlite_utils', 'escpos', 'sqlite3', 'werkzeug', 'babel')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
