"""``queue-server demo`` on a desktop (issue 9, item 1): the kiosk as a portrait window that fits
the screen, the hall display beside it (not under it) without Chromium's bars, and the path of
every ticket the virtual printer writes said in the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.window import fit_portrait
from queue_server.demo import (
    KIOSK_WINDOWED,
    desktop_layout,
    display_command,
    kiosk_env,
    prepare_chromium_profile,
    report_new_tickets,
)

SCREENS = [(1920, 1080), (1366, 768), (1280, 800), (2560, 1440), (1440, 900), (3840, 2160)]


def inside(rect, screen):
    x, y, w, h = rect
    return x >= 0 and y >= 0 and x + w <= screen[0] and y + h <= screen[1]


@pytest.mark.parametrize("screen", SCREENS)
def test_kiosk_and_display_side_by_side_on_the_screen(screen):
    places = desktop_layout(screen)
    kiosk, display = places["kiosk"], places["display"]
    # the size the kiosk gives itself with --windowed on this screen
    assert kiosk[2:] == fit_portrait(screen, KIOSK_WINDOWED)
    assert inside(kiosk, screen) and inside(display, screen)
    assert kiosk[0] + kiosk[2] < display[0]  # beside it, not over it
    assert abs(display[2] / display[3] - 16 / 9) < 0.01  # the board's landscape shape
    assert display[3] <= kiosk[3]


def test_kiosk_window_is_placed_through_kivy_config_variables():
    env = kiosk_env((40, 60, 540, 960))
    assert (env["KCFG_GRAPHICS_POSITION"], env["KCFG_GRAPHICS_LEFT"], env["KCFG_GRAPHICS_TOP"]) == (
        "custom",
        "40",
        "60",
    )
    assert "KCFG_GRAPHICS_POSITION" not in kiosk_env(None)


def test_display_as_root_has_no_sandbox_bar_and_sits_where_the_layout_says(tmp_path):
    place = desktop_layout((1920, 1080))["display"]
    cmd = display_command("chromium", "http://127.0.0.1:8080", tmp_path, place, as_root=True)
    assert "--no-sandbox" in cmd and "--test-type" in cmd  # --test-type hides the flag's bar
    assert f"--window-position={place[0]},{place[1]}" in cmd
    assert f"--window-size={place[2]},{place[3]}" in cmd
    assert "--app=http://127.0.0.1:8080/display" in cmd
    user = display_command("chromium", "http://h", tmp_path, None, as_root=False)
    assert "--no-sandbox" not in user and "--test-type" not in user


def test_display_profile_turns_translation_off_and_keeps_chromiums_own_settings(tmp_path):
    prefs = tmp_path / "Default" / "Preferences"
    prefs.parent.mkdir(parents=True)
    prefs.write_text(
        json.dumps({"intl": {"accept_languages": "zh-CN"}, "translate": {"enabled": True}})
    )
    prepare_chromium_profile(tmp_path)
    data = json.loads(prefs.read_text())
    assert data == {"intl": {"accept_languages": "zh-CN"}, "translate": {"enabled": False}}
    fresh = tmp_path / "fresh"
    prepare_chromium_profile(fresh)
    fresh_prefs = json.loads((fresh / "Default" / "Preferences").read_text())
    assert fresh_prefs["translate"]["enabled"] is False


def test_each_printed_ticket_is_reported_once_with_its_path(tmp_path, capsys):
    old = tmp_path / "20260101-090000-1-0001.png"
    old.write_bytes(b"png")
    seen = set(tmp_path.glob("*.png"))
    report_new_tickets(tmp_path, seen)
    assert capsys.readouterr().out == ""  # tickets of an earlier run are not news
    new = tmp_path / "20260101-090500-1-0002.png"
    new.write_bytes(b"png")
    (tmp_path / "20260101-090500-1-0002.bin").write_bytes(b"escpos")
    report_new_tickets(tmp_path, seen)
    report_new_tickets(tmp_path, seen)
    assert capsys.readouterr().out.splitlines() == [f"号票已打印 / ticket printed: {new}"]
