"""Issue 17 #1: ``queue-server install --role …`` into a temporary root: users (sysusers),
/etc/hallqueue with a generated key and the kiosk's own PIN asked once, folders with owner and
mode, units with this venv's paths; idempotent; refuses an unsupported system clearly."""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from kiosk import staffpin
from kiosk.config import load_config as load_kiosk_config
from queue_server.configfile import load_settings

from .conftest import run_install
from .units import exec_words, parse_unit

VENV = str(Path(sys.executable).parent.parent)


def ids(root: Path, table: str) -> dict[str, int]:
    rows = (root / "etc" / table).read_text().splitlines()
    return {r.split(":")[0]: int(r.split(":")[2]) for r in rows if r}


def owner(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


def test_server_role_makes_its_user_config_folders_and_units(debian_root):
    out = run_install(debian_root, "--role", "server", "--public-url", "http://10.0.0.5:8080")
    assert out.returncode == 0, out.stderr
    users, groups = ids(debian_root, "passwd"), ids(debian_root, "group")
    assert "hallqueue" in users
    etc = debian_root / "etc/hallqueue"
    assert owner(etc / "hall.toml") == (0, groups["hallqueue"], 0o640)  # it holds the key
    settings = load_settings(etc / "hall.toml", environ={})
    assert re.fullmatch(r"[0-9a-f]{64}", settings.server.secret_key)
    assert settings.hall.data_dir == "/var/lib/hallqueue"
    assert settings.hall.public_url == "http://10.0.0.5:8080"
    assert settings.backup.folder == "/var/backups/hallqueue"
    assert (etc / "faq.toml").is_file()
    for folder in ("var/lib/hallqueue", "var/backups/hallqueue"):
        assert owner(debian_root / folder) == (users["hallqueue"], groups["hallqueue"], 0o700)
    unit = parse_unit(debian_root / "etc/systemd/system/hallqueue-server.service")["Service"]
    assert exec_words(unit["ExecStart"][0])[0] == f"{VENV}/bin/queue-server"
    assert unit["Type"] == ["notify"] and unit["User"] == ["hallqueue"]
    assert (debian_root / "etc/systemd/system/hallqueue-backup.timer").is_file()
    assert (
        "将运行 / would run: systemctl enable --now hallqueue-server.service hallqueue-backup.timer"
    ) in out.stdout
    assert "running: systemctl" not in out.stdout  # --root: printed, never run


def test_installing_again_keeps_the_key_and_edits_and_changes_nothing(debian_root):
    assert run_install(debian_root, "--role", "server").returncode == 0
    hall = debian_root / "etc/hallqueue/hall.toml"
    hall.write_text(hall.read_text().replace('name = "', 'name = "本馆 ', 1))
    before = {p: p.read_bytes() for p in debian_root.rglob("*") if p.is_file()}
    out = run_install(debian_root, "--role", "server")
    assert out.returncode == 0, out.stderr
    after = {p: p.read_bytes() for p in debian_root.rglob("*") if p.is_file()}
    assert after == before
    assert "写入 / written" not in out.stdout
    assert "保留 / kept: /etc/hallqueue/hall.toml" in out.stdout


def test_kiosk_role_asks_the_pin_once_and_runs_the_kiosk_in_cage(debian_root, tmp_path):
    token = tmp_path / "token"
    token.write_text("kiosk-token-1\n")
    out = run_install(
        debian_root,
        "--role",
        "kiosk",
        "--server-url",
        "http://10.0.0.5:8080",
        "--device-id",
        "kiosk-2",
        "--pin-stdin",
        "--token-file",
        str(token),
        "--rotate",
        "1",
        stdin="7391\n",
    )
    assert out.returncode == 0, out.stderr
    etc = debian_root / "etc/hallqueue"
    groups = ids(debian_root, "group")
    assert owner(etc / "kiosk.toml") == (0, groups["kiosk"], 0o640)
    assert owner(etc / "kiosk.token") == (0, groups["kiosk"], 0o640)
    text = (etc / "kiosk.toml").read_text()
    stored = re.search(r'(?m)^staff_pin_hash = "(.+)"$', text).group(1)
    assert staffpin.check_pin("7391", stored)
    # Asked once: a second run reads no PIN (an empty line would be refused) and keeps it.
    again = run_install(debian_root, "--role", "kiosk", "--pin-stdin", stdin="")
    assert again.returncode == 0, again.stderr
    assert (etc / "kiosk.toml").read_text() == text
    cfg = load_kiosk_config(etc / "kiosk.toml")
    assert (cfg.server_url, cfg.device_id, cfg.token_file) == (
        "http://10.0.0.5:8080",
        "kiosk-2",
        "/etc/hallqueue/kiosk.token",
    )
    assert (etc / "kiosk.token").read_text() == "kiosk-token-1\n"
    assert (etc / "kiosk.env").read_text() == "HALLQUEUE_CAGE_ARGS=-r\n"
    unit = parse_unit(debian_root / "etc/systemd/system/hallqueue-kiosk.service")["Service"]
    words = exec_words(unit["ExecStart"][0])
    assert words[0] == "/usr/bin/cage" and f"{VENV}/bin/python" in words
    assert unit["Restart"] == ["on-failure"] and unit["User"] == ["kiosk"]
    assert (debian_root / "etc/pam.d/hallqueue-session").is_file()
    assert "would run: systemctl enable --now hallqueue-kiosk.service" in out.stdout


def test_a_well_known_pin_is_refused(debian_root):
    out = run_install(
        debian_root,
        "--role",
        "kiosk",
        "--server-url",
        "http://s:8080",
        "--pin-stdin",
        stdin=f"{staffpin.DEMO_PIN}\n",
    )
    assert out.returncode == 1
    assert "人人都会先试" in out.stderr and not (debian_root / "etc/hallqueue/kiosk.toml").exists()


def test_display_role_opens_the_board_with_its_token_and_zone(debian_root, tmp_path):
    token = tmp_path / "token"
    token.write_text("board-token\n")
    out = run_install(
        debian_root,
        "--role",
        "display",
        "--server-url",
        "http://10.0.0.5:8080",
        "--token-file",
        str(token),
        "--zone",
        "B区",
    )
    assert out.returncode == 0, out.stderr
    env = debian_root / "etc/hallqueue/display.env"
    assert owner(env) == (0, ids(debian_root, "group")["hallqueue-display"], 0o640)
    assert env.read_text().splitlines()[0] == (
        "HALLQUEUE_DISPLAY_URL=http://10.0.0.5:8080/display?zone=B%E5%8C%BA&token=board-token"
    )
    # Again without the options: the address and token stay.
    assert run_install(debian_root, "--role", "display").returncode == 0
    assert "token=board-token" in env.read_text()
    unit = parse_unit(debian_root / "etc/systemd/system/hallqueue-display.service")["Service"]
    assert unit["EnvironmentFile"] == ["/etc/hallqueue/display.env"]
    assert unit["Restart"] == ["on-failure"] and unit["User"] == ["hallqueue-display"]


def test_an_unsupported_system_is_refused_in_chinese_then_english(debian_root):
    release = debian_root / "etc/os-release"
    release.write_text('PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nVERSION_ID="24.04"\n')
    out = run_install(debian_root, "--role", "server")
    assert out.returncode == 1
    zh, en = out.stderr.splitlines()[:2]
    assert "不支持的系统：Ubuntu 24.04 LTS" in zh and "Debian 12" in zh
    assert en.startswith("unsupported system: Ubuntu 24.04 LTS")
    assert not (debian_root / "etc/hallqueue").exists()
    release.write_text('ID=debian\nVERSION_ID="12"\n')
    os.remove(debian_root / "usr/lib/systemd/systemd")
    out = run_install(debian_root, "--role", "display", "--server-url", "http://s:8080")
    assert out.returncode == 1 and "没有安装 systemd" in out.stderr
    assert not (debian_root / "etc/hallqueue").exists()


def test_a_first_kiosk_install_needs_the_server_address(debian_root):
    out = run_install(debian_root, "--role", "kiosk", "--pin-stdin", stdin="7391\n")
    assert out.returncode == 1 and "--server-url" in out.stderr


def test_the_shipper_unit_is_enabled_only_once_the_city_is_configured(debian_root):
    """hallqueue-ship.service is always written, enabled only with [city] dsn and hall_id (the
    dsn may be in city.env, which keeps the password out of hall.toml); docs/install.md."""
    enable = "would run: systemctl enable --now hallqueue-ship.service"
    out = run_install(debian_root, "--role", "server")
    assert out.returncode == 0, out.stderr
    unit = parse_unit(debian_root / "etc/systemd/system/hallqueue-ship.service")["Service"]
    assert exec_words(unit["ExecStart"][0])[:2] == [f"{VENV}/bin/queue-server", "ship"]
    assert (
        enable not in out.stdout and "hallqueue-ship.service installed, not enabled" in out.stdout
    )

    etc = debian_root / "etc/hallqueue"
    hall = etc / "hall.toml"
    hall.write_text(hall.read_text().replace('hall_id = ""', 'hall_id = "futian-1"', 1))
    (etc / "city.env").write_text("HALLQUEUE_CITY_DSN=postgresql://hall:pw@city-db/city\n")
    out = run_install(debian_root, "--role", "server")
    assert out.returncode == 0, out.stderr
    assert enable in out.stdout and "not enabled" not in out.stdout

    (etc / "city.env").unlink()  # a hall_id but nowhere to ship: still not enabled
    out = run_install(debian_root, "--role", "server")
    assert enable not in out.stdout and "not enabled" in out.stdout
