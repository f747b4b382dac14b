"""The kiosk's staff PIN (issue 9, defect 6): no PIN shipped, 5 wrong PINs lock staff mode for
5 minutes, ``set-pin`` writes the kiosk's own PIN, ``check-config`` warns about a known PIN."""

from __future__ import annotations

import getpass
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kiosk import commands, staffpin
from kiosk.config import load_config
from kiosk.controller import Controller, SyncRunner
from kiosk.flow import Screen
from kiosk.voice import Voice
from printer import open_printer

ROOT = Path(__file__).resolve().parents[2]
KIOSK_EXAMPLE = ROOT / "config" / "kiosk.example.toml"
KIOSK = [sys.executable, "-m", "kiosk"]


@pytest.fixture(scope="module")
def pin_hash():
    return staffpin.hash_pin("5791")


# --- the guard -----------------------------------------------------------------------------


def test_five_wrong_pins_lock_staff_mode_for_five_minutes(pin_hash):
    guard = staffpin.PinGuard(pin_hash)
    for i in range(4):
        assert guard.attempt("0000", 100.0 + i) == staffpin.Verdict(False, staffpin.WRONG)
    locked = guard.attempt("0000", 104.0)
    assert not locked.ok and locked.notice == staffpin.LOCKED and locked.params == {"minutes": 5}
    # Locked: even the right PIN is refused until the five minutes are over.
    assert not guard.attempt("5791", 104.0 + 299).ok
    assert guard.attempt("5791", 104.0 + 299).params == {"minutes": 1}
    assert guard.attempt("5791", 104.0 + 300).ok


def test_a_right_pin_resets_the_count(pin_hash):
    guard = staffpin.PinGuard(pin_hash)
    for i in range(4):
        guard.attempt("0000", float(i))
    assert guard.attempt("5791", 10.0).ok
    for i in range(4):
        assert guard.attempt("0000", 20.0 + i).notice == staffpin.WRONG
    assert guard.attempt("0000", 30.0).notice == staffpin.LOCKED


def test_without_a_pin_staff_mode_is_refused_with_how_to_set_one():
    guard = staffpin.PinGuard("")
    assert guard.state(0.0) == staffpin.Verdict(False, staffpin.NO_PIN)
    for pin in ("", "2468", "0000"):
        assert guard.attempt(pin, 0.0) == staffpin.Verdict(False, staffpin.NO_PIN)
    assert "set-pin" in staffpin.NO_PIN


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def controller(tmp_path):
    """A controller with no server behind it: the PIN never leaves the kiosk."""

    def make(staff_pin_hash):
        cfg = load_config(
            None,
            staff_pin_hash=staff_pin_hash,
            server_url="http://127.0.0.1:9",
            printer_url=f"virtual://{tmp_path}/printer",
        )
        c = Controller(
            cfg,
            runner=SyncRunner(),
            printer=open_printer(cfg.printer_url),
            voice=Voice(enabled=False),
            clock=Clock(),
        )
        return c

    return make


def _enter(c, pin):
    for d in pin:
        c.pin_key(d)
    c.submit_pin()


def test_the_kiosk_locks_after_five_wrong_pins_and_says_so(controller, pin_hash):
    c = controller(pin_hash)
    for _ in range(3):
        c.flow.corner_tap(c.now())
    assert c.flow.screen is Screen.STAFF_PIN
    for _ in range(5):
        _enter(c, "1111")
    assert c.flow.notice == staffpin.LOCKED and c.flow.notice_params == {"minutes": 5}
    assert "5 分钟后再试" in c.t(c.flow.notice, **c.flow.notice_params)
    _enter(c, "5791")
    assert c.flow.screen is Screen.STAFF_PIN  # locked
    c.clock.now += 300
    _enter(c, "5791")
    assert c.flow.screen is Screen.STAFF


def test_a_kiosk_without_a_pin_never_enters_staff_mode(controller):
    c = controller("")
    for _ in range(3):
        c.flow.corner_tap(c.now())
    _enter(c, "2468")
    assert c.flow.screen is Screen.STAFF_PIN and c.flow.notice == staffpin.NO_PIN
    assert "python -m kiosk set-pin" in c.t(c.flow.notice)


# --- the shipped example and check-config ---------------------------------------------------


def test_the_example_kiosk_config_ships_no_pin():
    assert load_config(KIOSK_EXAMPLE).staff_pin_hash == ""


def _check(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KIOSK, "check-config", "--config", str(path)], capture_output=True, text=True, timeout=60
    )


def test_check_config_warns_about_a_missing_or_known_pin(tmp_path):
    out = _check(KIOSK_EXAMPLE)
    assert out.returncode == 0, out.stderr
    assert "未设置导引员 PIN" in out.stdout and "no staff PIN" in out.stdout
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[kiosk]\nstaff_pin_hash = "{staffpin.hash_pin("2468")}"\n', encoding="utf-8")
    out = _check(cfg)
    assert out.returncode == 0, out.stderr
    assert "众所周知的 PIN（2468" in out.stdout and "well-known PIN (2468" in out.stdout
    cfg.write_text(f'[kiosk]\nstaff_pin_hash = "{staffpin.hash_pin("5791")}"\n', encoding="utf-8")
    out = _check(cfg)
    assert "PIN" not in out.stdout.split("\n", 1)[1]


def test_check_config_rejects_a_bad_kiosk_config(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[kiosk]\nrefresh_s = 'soon'\n", encoding="utf-8")
    out = _check(cfg)
    assert out.returncode == 2 and "kiosk.refresh_s" in out.stderr and "Traceback" not in out.stderr


# --- set-pin ----------------------------------------------------------------------------------


def _set_pin_stdin(path, pin) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KIOSK, "set-pin", "--config", str(path), "--pin-stdin"],
        input=pin + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_set_pin_writes_the_hash_into_the_kiosk_config_and_keeps_the_rest(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    original = KIOSK_EXAMPLE.read_text(encoding="utf-8")
    cfg.write_text(original, encoding="utf-8")
    cfg.chmod(0o640)
    out = _set_pin_stdin(cfg, "5791")
    assert out.returncode == 0, out.stderr
    stored = load_config(cfg).staff_pin_hash
    assert staffpin.check_pin("5791", stored) and not staffpin.check_pin("2468", stored)
    assert (cfg.stat().st_mode & 0o777) == 0o640
    others = [
        ln for ln in cfg.read_text(encoding="utf-8").splitlines() if "staff_pin_hash" not in ln
    ]
    assert others == [ln for ln in original.splitlines() if "staff_pin_hash" not in ln]
    assert _set_pin_stdin(cfg, "8642").returncode == 0  # a second run replaces the hash
    assert staffpin.check_pin("8642", load_config(cfg).staff_pin_hash)
    assert cfg.read_text(encoding="utf-8").count("staff_pin_hash =") == 1


@pytest.mark.parametrize(
    "pin, says", [("2468", "choose another"), ("12a4", "4–8 digits"), ("123", "4–8 digits")]
)
def test_set_pin_refuses_known_and_malformed_pins(tmp_path, pin, says):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(KIOSK_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    before = cfg.read_text(encoding="utf-8")
    out = _set_pin_stdin(cfg, pin)
    assert out.returncode == 2 and says in out.stderr
    assert cfg.read_text(encoding="utf-8") == before


def test_set_pin_asks_twice_and_refuses_a_mismatch(tmp_path, monkeypatch, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[kiosk]\nvoice = false\n", encoding="utf-8")
    answers = iter(["5791", "5792"])
    prompts = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    assert commands.set_pin(["--config", str(cfg)]) == 2
    assert len(prompts) == 2 and "不一致" in capsys.readouterr().err
    assert "staff_pin_hash" not in cfg.read_text(encoding="utf-8")
    answers = iter(["5791", "5791"])
    assert commands.set_pin(["--config", str(cfg)]) == 0
    assert staffpin.check_pin("5791", load_config(cfg).staff_pin_hash)
    assert load_config(cfg).voice is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# nothing yet\n",
        "[kiosk]\nvoice = true\n",
        '[kiosk]\n# staff_pin_hash = ""\nvoice = true\n',
    ],
)
def test_the_hash_lands_in_the_kiosk_table_whatever_the_layout(text):
    out = commands.with_pin_hash(text, "scrypt$abc$def")
    assert tomllib.loads(out)["kiosk"]["staff_pin_hash"] == "scrypt$abc$def"
