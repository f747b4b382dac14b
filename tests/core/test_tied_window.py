"""Only an evaluator is tied to a window (it rates that window's visits only, §7.1), and only to
one of the hall's windows: one rule in core.devices for the device registration (CLI, admin API)
and the later tie or untie."""

from pathlib import Path

import pytest

import queue_server
from queue_server.core.devices import tied_window
from queue_server.core.errors import InvalidField

MESSAGE = "Only an evaluator is tied to a window."
HALL = {1, 2, 3}


@pytest.mark.parametrize(
    "kind, window",
    [
        ("kiosk", 1),
        ("display", 2),
        ("evaluator", True),
        ("evaluator", 0),
        ("evaluator", "3"),
        ("evaluator", 2.0),
    ],
)
def test_a_wrong_tie_names_the_window_field(kind, window):
    with pytest.raises(InvalidField) as exc:
        tied_window(kind, window, HALL)
    assert (exc.value.field, exc.value.message) == ("window", MESSAGE)


def test_an_evaluator_is_tied_and_any_device_untied():
    assert tied_window("evaluator", 3, HALL) == 3
    assert tied_window("kiosk", None, HALL) is None
    assert tied_window("evaluator", None, ()) is None


@pytest.mark.parametrize("window", [9, 10**30])
def test_a_window_the_hall_does_not_have_is_refused(window):
    with pytest.raises(InvalidField) as exc:
        tied_window("evaluator", window, HALL)
    assert exc.value.field == "window" and exc.value.message == "There is no window {number}."
    assert len(exc.value.params["number"]) <= 12


def test_the_rule_is_written_once():
    root = Path(queue_server.__file__).parent
    holders = [
        p.relative_to(root).as_posix()
        for p in sorted(root.rglob("*.py"))
        if MESSAGE in p.read_text("utf-8")
    ]
    assert holders == ["core/devices.py"]
