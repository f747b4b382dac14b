"""``queue-server plan`` (issue 15 item 6); its page is tested in tests/web/test_planner_page.py."""

from __future__ import annotations

import re

from queue_server.cli import main

from ..conftest import EXAMPLE_CONFIG


def config_copy(tmp_path):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^data_dir = .*$", f'data_dir = "{(tmp_path / "data").as_posix()}"', text)
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "faq.toml").write_text(
        (EXAMPLE_CONFIG.parent / "faq.toml").read_text("utf-8"), encoding="utf-8"
    )
    return path


def test_plan_prints_the_windows_per_hour(tmp_path, capsys):
    cfg = config_copy(tmp_path)
    rc = main(
        [
            "plan",
            "--config",
            str(cfg),
            "--db",
            str(tmp_path / "h.db"),
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--target-p90",
            "20m",
            "--days",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "窗口配置测算 / staffing plan" in out and "90% 等候 ≤ 20.0 分钟" in out
    hours = [line for line in out.splitlines() if re.match(r"^\d\d:00 ", line)]
    assert [h[:5] for h in hours] == [
        "08:00",
        "09:00",
        "10:00",
        "11:00",
        "13:00",
        "14:00",
        "15:00",
        "16:00",
        "17:00",
    ]
    # No history: only the §4.2 minimum (2 consulting windows for 380,000 insured) stays open.
    assert all(h.split()[1] == "2" for h in hours)


def test_plan_refuses_a_bad_target(tmp_path, capsys):
    cfg = config_copy(tmp_path)
    rc = main(
        [
            "plan",
            "--config",
            str(cfg),
            "--db",
            str(tmp_path / "h.db"),
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--target-p90",
            "soon",
        ]
    )
    assert rc == 1
    assert "目标应为时长" in capsys.readouterr().err
