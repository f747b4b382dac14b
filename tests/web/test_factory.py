"""The app factory, as Flask's tutorial tests it (flaskr): ``create_app`` with a test config gives
an app whose Hall is opened once with everything the server runs, every blueprint registered,
and that closes cleanly; a second app in the same process shares nothing with the first."""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

import flask
import pytest

from queue_server.web import create_app
from tests.support.waiting import wait_for

BLUEPRINT_NAMES = {
    "headers",
    "auth",
    "api",
    "events",
    "openapi",
    "display",
    "faq",
    "ledger",
    "calendar",
    "evaluations",
    "notice",
    "staff",
    "admin",
    "health",
    "ticket_desk",
    "citizen",
    "reports",
    "appointments",
}
# The threads one serving hall runs: the event follower, its two subscribers with a thread of
# their own (the announcer, the journal), the day keeper and the device watch.
HALL_THREADS = ["day-keeper", "device-watch", "event-follower", "events-journal", "events-voice"]


def started_since(before: set[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t not in before]


@pytest.fixture
def make_app(settings, clock, tmp_path):
    """``make_app(name, **kw)``: an app on its own data folder and database, closed at the end."""
    halls = []

    def make(name: str = "a", **kw):
        data = dataclasses.replace(settings.hall, data_dir=str(tmp_path / name / "data"))
        app = create_app(
            dataclasses.replace(settings, hall=data),
            db_path=tmp_path / name / "hall.db",
            clock=clock,
            **kw,
        )
        halls.append(app.extensions["hall"])
        return app

    yield make
    for hall in halls:
        hall.close()


def test_the_test_config_is_applied(make_app):
    assert not make_app("plain").testing
    app = make_app("testing", test_config={"TESTING": True, "SOMETHING": 42})
    assert app.testing and app.config["SOMETHING"] == 42


def test_the_hall_is_opened_once_with_all_it_runs_and_every_blueprint(make_app):
    before = set(threading.enumerate())
    app = make_app(test_config={"TESTING": True})
    hall = app.extensions["hall"]
    assert sorted(t.name for t in started_since(before)) == HALL_THREADS
    assert set(app.blueprints) == BLUEPRINT_NAMES
    assert hall.announcer is not None and hall.display_font is not None
    assert Path(hall.display_font.path).parent == Path(hall.settings.hall.data_dir) / "fonts"
    # The FAQ file was loaded when the hall opened: the route answers from it.
    entries = app.test_client().get("/api/v1/faq").get_json()
    assert entries and len(entries) == len(hall.faq.search("", ""))


def test_flask_s_own_cookie_session_is_switched_off(make_app):
    # Staff state is server-side only (web/auth.py): code writing flask.session fails loudly.
    app = make_app(test_config={"TESTING": True})
    with app.test_request_context("/"):
        session = app.session_interface.open_session(app, flask.request)
        with pytest.raises(RuntimeError):
            session["user"] = "someone"


def test_each_event_reaches_the_announcer_and_the_journal(make_app, caplog):
    caplog.set_level(logging.INFO, logger="hallqueue.events")
    hall = make_app(test_config={"TESTING": True}).extensions["hall"]
    hall.queue.set_window_state(3, "open", "win1")
    hall.queue.issue("pension", "req-factory-0001")
    number = hall.queue.call_next(3, "win1")["number"]
    assert wait_for(lambda: len(hall.announcer.calls) == 1), "the announcer got no call"

    def journal() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "hallqueue.events"]

    assert wait_for(lambda: any("ticket.called" in line for line in journal()))
    assert sum(f"number={number}" in line for line in journal()) == 2  # issued, then called


def test_closing_the_hall_ends_every_thread_it_started(make_app):
    before = set(threading.enumerate())
    hall = make_app(test_config={"TESTING": True}).extensions["hall"]
    started = started_since(before)
    hall.queue.set_window_state(3, "open", "win1")
    hall.queue.issue("pension", "req-factory-0002")
    hall.queue.call_next(3, "win1")
    assert wait_for(lambda: len(hall.announcer.calls) == 1)
    hall.close()
    assert len(started) == len(HALL_THREADS)
    assert [t.name for t in started if t.is_alive()] == []


def test_a_second_app_in_the_same_process_shares_no_state(make_app):
    first, second = make_app("first"), make_app("second")
    one, two = first.extensions["hall"], second.extensions["hall"]
    assert one is not two and one.events is not two.events and one.bus is not two.bus
    first.config["ONLY_HERE"] = True
    assert "ONLY_HERE" not in second.config

    one.queue.set_window_state(3, "open", "win1")
    one.queue.issue("pension", "req-factory-0003")
    one.queue.call_next(3, "win1")
    assert wait_for(lambda: len(one.announcer.calls) == 1)
    assert len(two.announcer.calls) == 0  # the second hall's follower saw nothing
    state = second.test_client().get("/api/v1/display/state").get_json()
    assert state["last_event_id"] == 0
    assert first.test_client().get("/api/v1/display/state").get_json()["last_event_id"] > 0
