"""Issue 17 #2: every unit's ExecStart names a program that exists: our console script with a
subcommand and options its parser accepts, the kiosk module with options it accepts, or a
Debian program; the server is Type=notify with a watchdog, kiosk and display restart on
failure; ``systemd-analyze verify`` passes where it can run."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from kiosk.__main__ import parse_args as kiosk_args
from queue_server import install
from queue_server.cli import parser

from .units import exec_words, parse_unit

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "systemd").glob("*.service"))
SCRIPTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
DEBIAN_PROGRAMS = {"/usr/bin/cage": "cage", "/usr/bin/chromium": "chromium", "/bin/kill": "procps"}


def program_of(words: list[str]) -> list[str]:
    """The program cage runs (after ``--``), or the command itself."""
    if words[0] == "/usr/bin/cage":
        assert "--" in words, words
        return words[words.index("--") + 1 :]
    return words


def check_command(words: list[str]) -> str:
    """What the command is, or an AssertionError saying why it is not real."""
    program = words[0]
    if program.startswith(install.SHIPPED_VENV + "/bin/"):
        name = program.rsplit("/", 1)[1]
        if name == "python":
            assert words[1] == "-m", words
            assert importlib.util.find_spec(f"{words[2]}.__main__"), words[2]
            assert words[2] == "kiosk"
            kiosk_args(words[3:])  # SystemExit if an option is unknown
            return "python -m kiosk"
        assert name in SCRIPTS, f"{name} is not a console script of pyproject.toml"
        parser().parse_args(words[1:])  # SystemExit if the subcommand or an option is unknown
        return f"{name} {words[1]}"
    assert program in DEBIAN_PROGRAMS, program
    return program


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_exec_start_names_a_real_console_script_module_or_program(unit):
    service = parse_unit(unit)["Service"]
    (start,) = service["ExecStart"]
    words = program_of(exec_words(start))
    assert check_command(words)
    for reload in service.get("ExecReload", []):
        assert check_command(exec_words(reload)) == "/bin/kill"


def test_a_console_script_that_does_not_exist_would_be_caught():
    with pytest.raises(AssertionError):
        check_command([f"{install.SHIPPED_VENV}/bin/hall-server", "serve"])
    with pytest.raises(SystemExit):
        check_command([f"{install.SHIPPED_VENV}/bin/queue-server", "serv", "--config", "x"])


def test_the_server_tells_systemd_it_is_ready_and_is_watched():
    service = parse_unit(ROOT / "systemd" / "hallqueue-server.service")["Service"]
    assert service["Type"] == ["notify"]
    assert int(service["WatchdogSec"][0]) >= 10
    assert service["Restart"] == ["always"]


@pytest.mark.parametrize("name", ["hallqueue-kiosk.service", "hallqueue-display.service"])
def test_kiosk_and_display_restart_on_failure_in_a_cage_session(name):
    service = parse_unit(ROOT / "systemd" / name)["Service"]
    assert service["Restart"] == ["on-failure"]
    assert exec_words(service["ExecStart"][0])[0] == "/usr/bin/cage"
    assert service["PAMName"] == ["hallqueue-session"]
    assert (ROOT / "systemd" / "hallqueue-session.pam").is_file()


def test_the_display_plays_sound_without_a_click_full_screen():
    words = exec_words(
        parse_unit(ROOT / "systemd" / "hallqueue-display.service")["Service"]["ExecStart"][0]
    )
    assert "--kiosk" in words and "--autoplay-policy=no-user-gesture-required" in words
    assert words[-1] == "${HALLQUEUE_DISPLAY_URL}"


def test_the_backup_timer_starts_the_backup_service_nightly_and_catches_up():
    timer = parse_unit(ROOT / "systemd" / "hallqueue-backup.timer")
    assert timer["Timer"]["OnCalendar"][0].startswith("*-*-* ")
    assert timer["Timer"]["Persistent"] == ["true"]
    service = parse_unit(ROOT / "systemd" / "hallqueue-backup.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert exec_words(service["ExecStart"][0])[1] == "backup"


def test_every_unit_the_installer_names_is_shipped():
    for units in install.UNITS.values():
        for name in units:
            assert (ROOT / "systemd" / name).is_file(), name
    for role in install.ROLES:
        assert (ROOT / "systemd" / f"hallqueue-{role}.sysusers.conf").is_file()


def verifiable(unit: Path) -> str | None:
    """Why ``systemd-analyze verify`` cannot judge this unit here, or None."""
    if shutil.which("systemd-analyze") is None:
        return "systemd-analyze is not installed"
    if unit.suffix != ".service":
        return None
    words = exec_words(parse_unit(unit)["Service"]["ExecStart"][0])
    for word in {words[0], program_of(words)[0]}:
        if not Path(word).exists():
            return f"{word} is not installed here ({DEBIAN_PROGRAMS.get(word, 'venv')})"
    return None


def test_systemd_analyze_verify_passes_on_every_installed_unit(tmp_path, debian_root):
    """The units as the installer writes them (this venv's paths) into a temporary root."""
    for role in install.ROLES:
        out = install_role(debian_root, role)
        assert out.returncode == 0, out.stderr
    units = sorted((debian_root / "etc/systemd/system").iterdir())
    shipped = Path(__file__).resolve().parents[2] / "systemd"
    # Every unit the project ships is installed by one role or another (the shipper's too,
    # enabled only once [city] is set).
    assert [u.name for u in units] == sorted(
        p.name for p in shipped.iterdir() if p.suffix in (".service", ".timer")
    )
    skipped = []
    for unit in units:
        why = verifiable(unit)
        if why:
            skipped.append(f"{unit.name}: {why}")
            continue
        result = subprocess.run(
            ["systemd-analyze", "verify", str(unit)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
        assert result.returncode == 0 and not result.stderr.strip(), (unit.name, result.stderr)
    if len(skipped) == len(units):
        pytest.skip("; ".join(skipped))


def install_role(root: Path, role: str) -> subprocess.CompletedProcess:
    from .conftest import run_install

    return run_install(
        root, "--role", role, "--server-url", "http://10.0.0.5:8080", "--pin-stdin", stdin="7391\n"
    )
