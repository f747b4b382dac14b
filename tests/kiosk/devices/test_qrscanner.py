"""The QR scanner: CR / LF / CRLF lines over a pty, noise ignored, keyboard-wedge keys."""

from __future__ import annotations

import time

from kiosk.devices import open_qr_scanner
from kiosk.devices.base import CodeScanned
from kiosk.devices.qrscanner import (
    MAX_LEN,
    KeyboardQrScanner,
    NoQrScanner,
    SerialQrScanner,
    clean_code,
)

from .conftest import collect, has

CODE = "ESSC1.9A8B7C6D5E4F3G2H1J"


def codes(events) -> list[str]:
    return [e.code for e in events if isinstance(e, CodeScanned)]


def test_lines_ending_in_cr_lf_or_crlf_each_give_one_code(fake_scanner, scanner):
    fake_scanner.send(CODE + "1", "\r")
    fake_scanner.send(CODE + "2", "\r\n")
    fake_scanner.send(CODE + "3", "\n")
    assert codes(collect(scanner, has("CodeScanned", 3))) == [CODE + "1", CODE + "2", CODE + "3"]


def test_spaces_around_a_code_are_stripped(fake_scanner, scanner):
    fake_scanner.send(f"  {CODE} \t")
    assert codes(collect(scanner, has("CodeScanned"))) == [CODE]


def test_noise_is_ignored_and_the_next_code_still_comes(fake_scanner, scanner):
    fake_scanner.send_raw(b"\x00\xff\xfe\x13\r")  # power-up garbage
    fake_scanner.send_raw(b"\r\n\r\n")  # lone Enters
    fake_scanner.send("12345")  # too short to be a code
    fake_scanner.send("\u00e9t\u00e9-" + CODE[:5])  # not ASCII
    fake_scanner.send_raw(b"X" * (MAX_LEN + 50) + b"\r")  # an endless line
    fake_scanner.send(CODE)
    events = collect(scanner, has("CodeScanned"))
    time.sleep(0.2)
    assert codes(events + scanner.poll()) == [CODE]


def test_a_stale_half_line_is_not_glued_to_the_next_code(fake_scanner, scanner):
    fake_scanner.send_raw(b"GARBAGE")
    time.sleep(0.7)  # longer than a scanner ever pauses inside one code
    fake_scanner.send(CODE)
    assert codes(collect(scanner, has("CodeScanned"))) == [CODE]


def test_codes_scanned_while_disarmed_are_dropped(fake_scanner, scanner):
    scanner.disarm()
    fake_scanner.send(CODE + "A")
    time.sleep(0.3)
    assert scanner.poll() == []
    scanner.arm()
    fake_scanner.send(CODE + "B")
    assert codes(collect(scanner, has("CodeScanned"))) == [CODE + "B"]


def test_a_missing_port_is_reported_offline():
    with SerialQrScanner("/dev/nonexistent-qr-scanner") as s:
        events = collect(s, has("DeviceDown"))
    assert events[0].error.word == "offline" and s.status == "offline"


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def typed(scanner: KeyboardQrScanner, clock: Clock, text: str, per_key: float = 0.01) -> None:
    for ch in text:
        clock.now += per_key
        scanner.feed(ch)


def test_keyboard_wedge_keys_ending_in_enter_give_a_code():
    clock = Clock()
    s = KeyboardQrScanner(0.5, clock=clock)
    s.arm()
    typed(s, clock, CODE + "\r")
    typed(s, clock, CODE[::-1] + "\n")
    assert codes(s.poll()) == [CODE, CODE[::-1]]


def test_keyboard_keys_after_a_long_pause_start_a_new_code():
    clock = Clock()
    s = KeyboardQrScanner(0.5, clock=clock)
    s.arm()
    typed(s, clock, "stray")
    clock.now += 2.0
    typed(s, clock, CODE + "\r")
    assert codes(s.poll()) == [CODE]


def test_keyboard_feed_line_and_noise():
    s = KeyboardQrScanner()
    s.arm()
    s.feed_line(f" {CODE} ")
    s.feed_line("abc")
    s.feed_line("")
    assert codes(s.poll()) == [CODE]
    s.disarm()
    s.feed_line(CODE)
    assert s.poll() == []


def test_clean_code_bounds():
    assert clean_code("x" * MAX_LEN) == "x" * MAX_LEN
    assert clean_code("x" * (MAX_LEN + 1)) is None
    assert clean_code("abc\x07defgh") is None
    assert clean_code("  abcdef  ") == "abcdef"


def test_the_code_is_not_shown_in_logs():
    assert CODE not in repr(CodeScanned(CODE))


def test_urls_choose_the_scanner(fake_scanner):
    assert isinstance(open_qr_scanner("none"), NoQrScanner)
    keyboard = open_qr_scanner("keyboard?gap_ms=200")
    assert isinstance(keyboard, KeyboardQrScanner) and keyboard._assembler.gap_s == 0.2
    serial = open_qr_scanner(fake_scanner.url)
    assert isinstance(serial, SerialQrScanner) and serial.baud == 9600
