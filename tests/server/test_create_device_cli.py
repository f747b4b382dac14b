"""``queue-server create-device``: an evaluator is tied only to a window the hall has (§7.1),
the same rule as the admin API's (core.devices.tied_window)."""

from __future__ import annotations

from queue_server.cli import main

from .test_planner_cli import config_copy


def create(tmp_path, *extra) -> int:
    cfg = config_copy(tmp_path)
    db = str(tmp_path / "h.db")
    return main(["create-device", "--config", str(cfg), "--db", db, *extra])


def test_an_evaluator_at_a_window_the_hall_has_gets_a_token(tmp_path, capsys):
    assert create(tmp_path, "eval-3", "--kind", "evaluator", "--window", "3") == 0
    assert len(capsys.readouterr().out.strip()) >= 40


def test_a_window_the_hall_does_not_have_is_refused_in_both_languages(tmp_path, capsys):
    assert create(tmp_path, "eval-99", "--kind", "evaluator", "--window", "99") == 1
    out = capsys.readouterr()
    assert out.out == "" and "Traceback" not in out.err
    assert "没有 99 号窗口" in out.err and "There is no window 99." in out.err
