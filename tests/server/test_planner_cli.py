"""The planner's faces: ``queue-server plan`` and /admin/planner (issue 15 item 6)."""

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


def test_the_planner_page_plans_from_history_or_typed_figures(small_day, supervisor_client):
    r = supervisor_client.get("/admin/planner?from=2026-11-24&to=2026-11-24&target=15")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "窗口配置测算" in page and 'id="plan-table"' in page
    assert 'name="a.consult.9" value="3.0"' in page  # A001, A002 and A003 came at 9:xx
    typed = supervisor_client.get(
        "/admin/planner?from=2026-11-24&to=2026-11-24&target=15&a.pension.10=12"
    )
    assert 'name="a.pension.10" value="12.0"' in typed.get_data(as_text=True)
    bad = supervisor_client.get("/admin/planner?target=0")
    assert bad.status_code == 422
