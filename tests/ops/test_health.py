"""Issue 17 #6: GET /healthz (database writable, disk space, voice engine, last event age) and
``queue-server doctor``, which words the same checks in Chinese and English with what to do."""

from __future__ import annotations

import dataclasses

from queue_server.cli import main
from queue_server.web.health import MiB, Facts, judge


def check(body: dict, name: str) -> dict:
    (found,) = [c for c in body["checks"] if c["name"] == name]
    return found


def test_healthz_reports_every_check(client):
    r = client.get("/healthz")
    body = r.get_json()
    assert r.status_code == 200 and body["status"] == "ok", body
    assert [c["name"] for c in body["checks"]] == [
        "database",
        "data_files",
        "disk_space",
        "voice",
        "last_event",
    ]
    assert check(body, "database")["message"] == "数据库正常，可以写入。"
    assert check(body, "disk_space")["free_mb"] > 0
    assert check(body, "voice")["engine"] == "espeak"


def test_a_quiet_hall_during_opening_hours_is_a_warning(client, hall, clock, kiosk_token):
    r = client.post(
        "/api/v1/tickets",
        json={"service": "pension", "request_id": "quiet-hall-1"},
        headers={"Authorization": f"Bearer {kiosk_token}"},
    )
    assert r.status_code == 201, r.get_json()
    assert check(client.get("/healthz").get_json(), "last_event")["age_s"] == 0
    clock.advance(minutes=61)  # 10:01 on a Tuesday: open, and nothing happened for an hour
    body = client.get("/healthz?lang=en").get_json()
    quiet = check(body, "last_event")
    assert body["status"] == "warn" and quiet["status"] == "warn"
    assert quiet["message"].startswith("No ticket, call or other event for 61 minutes")
    assert "advice" in quiet
    clock.advance(hours=2, minutes=30)  # 12:31: lunch break, the hall is closed
    assert check(client.get("/healthz").get_json(), "last_event")["status"] == "ok"


def facts(**changes) -> Facts:
    from datetime import datetime

    base = Facts(
        now=datetime(2026, 11, 24, 9),
        database="ok",
        disk_free=50_000 * MiB,
        disk_total=100_000 * MiB,
        database_size=10 * MiB,
    )
    return dataclasses.replace(base, **changes)


def test_disk_space_warns_low_and_fails_nearly_full():
    assert judge(facts(), "en")[0] == "ok"
    status, checks = judge(facts(disk_free=500 * MiB), "zh_CN")
    assert status == "warn" and checks[2]["message"] == "数据盘只剩 500 MB。"
    # A large database needs room for a checkpoint and tonight's backup: three times its size.
    assert judge(facts(disk_free=2000 * MiB, database_size=900 * MiB), "en")[0] == "warn"
    status, checks = judge(facts(disk_free=50 * MiB), "en")
    assert status == "fail" and "backup" in checks[2]["advice"]


def test_voice_and_database_troubles_are_worded():
    status, checks = judge(facts(voice_ready=False, voice_engine="espeak"), "zh_CN")
    assert status == "warn" and "espeak-ng 未安装" in checks[3]["message"]
    status, checks = judge(facts(database="full"), "zh_CN")
    assert status == "fail" and checks[0]["message"] == "数据库无法写入：磁盘已满。"


def test_doctor_says_in_both_languages_what_is_wrong_and_what_to_do(tmp_path, capsys, monkeypatch):
    from ..support.live_server import EXAMPLE, free_port

    config = tmp_path / "hall.toml"
    data = tmp_path / "data"
    config.write_text(
        EXAMPLE.read_text().replace('data_dir = "../var/demo"', f'data_dir = "{data}"')
    )
    (tmp_path / "faq.toml").write_text((EXAMPLE.parent / "faq.toml").read_text())
    data.mkdir(mode=0o700)
    (data / "hall.db").write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("HALLQUEUE_SERVER_PORT", str(free_port()))  # nothing answers there
    code = main(["doctor", "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 2
    lines = out.splitlines()
    server = next(i for i, line in enumerate(lines) if " server: " in line)
    assert (
        lines[server].startswith("[故障 FAIL] 服务器 server:")
        and "does not answer" in lines[server]
    )
    assert lines[server + 1].startswith("    处理 / what to do: systemctl status hallqueue-server")
    assert (
        "[故障 FAIL] 数据库 database: 数据库无法读取或写入。 / The database cannot be read or "
        "written." in out
    )
    assert "[注意 warn] 备份 backup: 还没有备份 / no backup yet" in out
    assert "[正常 ok] 磁盘空间 disk_space:" in out
    assert lines[-1].startswith("大厅无法正常工作")


def test_doctor_is_content_with_a_running_hall(tmp_path, capsys, monkeypatch):
    from ..support.live_server import start_server

    srv = start_server(tmp_path / "hall")
    try:
        assert main(["backup", "--config", str(srv.config), "--db", str(srv.db)]) == 0
        monkeypatch.setenv("HALLQUEUE_SERVER_PORT", str(srv.port))
        capsys.readouterr()
        code = main(["doctor", "--config", str(srv.config), "--db", str(srv.db)])
        out = capsys.readouterr().out
    finally:
        srv.stop()
    assert "[正常 ok] 服务器 server:" in out and "answers ok" in out
    assert "[正常 ok] 备份 backup: 最新备份 0 小时前" in out
    assert "[正常 ok] 数据库 database:" in out
    # The example config's placeholder public_url is a warning of check-config, and so here.
    assert "[注意 warn] 配置 config: hall.public_url" in out
    assert code == 1, out
