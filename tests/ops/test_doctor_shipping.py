"""``queue-server doctor`` reports the shipping lag when [city] is configured: events the city
has not acknowledged and the age of the last acknowledgement (issue 18, docs/city.md)."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta

from queue_server.cli import main
from queue_server import doctor
from queue_server.doctor import _shipping, _units
from queue_server.hall import Hall
from queue_server.store import shipping
from queue_server.store import events as event_log


def configured(settings, hall_id="futian-1"):
    return dataclasses.replace(settings, city=dataclasses.replace(settings.city, hall_id=hall_id))


def a_hall_with_events(settings, db_path, clock) -> int:
    hall = Hall.open(settings, db_path, clock=clock)
    try:
        for i in range(3):
            hall.queue.issue("consult", f"req-{i:04d}")
        return event_log.last_id(hall.store.db)
    finally:
        hall.close()


def ack(db_path, settings, clock, event_id, minutes_ago):
    hall = Hall.open(settings, db_path, clock=clock)
    try:
        with hall.store.write() as db:
            at = (clock() - timedelta(minutes=minutes_ago)).isoformat()
            shipping.acknowledge(db, "futian-1", event_id, at)
    finally:
        hall.close()


def test_no_city_no_line(settings, db_path, clock):
    a_hall_with_events(settings, db_path, clock)
    assert _shipping(settings, db_path, 2000, clock()) is None


def test_events_never_acknowledged_are_a_warning_with_what_to_do(settings, db_path, clock):
    newest = a_hall_with_events(settings, db_path, clock)
    line = _shipping(configured(settings), db_path, 2000, clock())
    assert line.status == "warn"
    assert line.en == (
        f"{newest} events not yet acknowledged by the city, the city never acknowledged any"
    )
    assert line.zh.startswith(f"{newest} 条事件待市局确认")
    assert "journalctl -u hallqueue-ship" in line.do_en


def test_a_recent_acknowledgement_is_fine_an_old_one_with_events_waiting_is_not(
    settings, db_path, clock
):
    newest = a_hall_with_events(settings, db_path, clock)
    s = configured(settings)
    ack(db_path, settings, clock, newest - 1, minutes_ago=2)
    line = _shipping(s, db_path, 2000, clock())
    assert (line.status, line.en) == (
        "ok",
        "1 events not yet acknowledged by the city, last acknowledged 2 min ago",
    )
    ack(db_path, settings, clock, newest - 1, minutes_ago=25)
    line = _shipping(s, db_path, 2000, clock())
    assert line.status == "warn" and "25 min ago" in line.en
    ack(db_path, settings, clock, newest, minutes_ago=300)  # all shipped, the hall idle since
    assert _shipping(s, db_path, 2000, clock()).status == "ok"


def test_the_doctor_prints_the_line(settings, db_path, clock, tmp_path, capsys, monkeypatch):
    from ..support.live_server import EXAMPLE, free_port

    a_hall_with_events(settings, db_path, clock)
    config = tmp_path / "hall.toml"
    config.write_text(EXAMPLE.read_text().replace('hall_id = ""', 'hall_id = "futian-1"', 1))
    (tmp_path / "faq.toml").write_text((EXAMPLE.parent / "faq.toml").read_text())
    monkeypatch.setenv("HALLQUEUE_SERVER_PORT", str(free_port()))  # nothing answers there
    main(["doctor", "--config", str(config), "--db", str(db_path)])
    out = capsys.readouterr().out
    assert "[注意 warn] 上报市局 city_shipping: 3 条事件待市局确认" in out
    assert "处理 / what to do: systemctl status hallqueue-ship" in out


def fake_systemctl(tmp_path, monkeypatch, disabled: str) -> None:
    """systemd at its interface: a systemctl that says every unit but one is enabled."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "systemctl"
    script.write_text(f'#!/bin/sh\n[ "$2" = "{disabled}" ] && echo disabled || echo enabled\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    booted = tmp_path / "run-systemd-system"
    booted.mkdir()
    monkeypatch.setattr(doctor, "SYSTEMD_RUN", booted)


def test_a_hall_that_ships_wants_its_ship_unit_enabled(settings, tmp_path, monkeypatch):
    fake_systemctl(tmp_path, monkeypatch, disabled="hallqueue-ship.service")
    line = _units(configured(settings))
    assert line.status == "warn"
    assert line.en == "not enabled: hallqueue-ship.service (disabled)"
    assert line.do_en.endswith("hallqueue-backup.timer hallqueue-ship.service")


def test_a_hall_without_a_city_does_not_ask_for_the_ship_unit(settings, tmp_path, monkeypatch):
    fake_systemctl(tmp_path, monkeypatch, disabled="hallqueue-ship.service")
    line = _units(settings)
    assert line.status == "ok"
    assert line.en == "enabled: hallqueue-server.service, hallqueue-backup.timer"
