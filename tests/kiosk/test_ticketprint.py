"""What the paper ticket says about where to wait, from the server's window list."""

from __future__ import annotations

from queue_server.configfile import load_settings

from kiosk.ticketprint import window_hint

from ..conftest import EXAMPLE_CONFIG


def demo_windows(open_numbers=()):
    s = load_settings(EXAMPLE_CONFIG, environ={})
    return [
        {
            "number": w.number,
            "zone": w.zone,
            "services": list(w.services),
            "kind": w.kind,
            "state": "open" if w.number in open_numbers else "closed",
        }
        for w in s.windows
    ]


def test_a_consulting_ticket_sends_people_to_the_consulting_windows_only():
    zone, hint = window_hint(demo_windows(open_numbers=range(1, 12)), "consult")
    assert (zone, hint) == ("A区", "1-2号窗口")


def test_a_business_ticket_names_its_own_windows_and_prefers_open_ones():
    assert window_hint(demo_windows(open_numbers=(4,)), "pension") == ("B区", "4号窗口")
    assert window_hint(demo_windows(), "pension") == ("B区", "3-5号窗口")


def test_a_service_nobody_has_first_falls_back_to_every_window_serving_it():
    windows = [{"number": 7, "zone": "C区", "services": ["medical", "consult"], "state": "open"}]
    assert window_hint(windows, "consult") == ("C区", "7号窗口")
