"""`python -m kiosk.devices.fakes`: a person (or the demo) drives the fake devices."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.devices.idcard import IdCardReader
from kiosk.devices.qrscanner import SerialQrScanner

from .conftest import collect, has, kinds

ROOT = Path(__file__).resolve().parents[3]


def start(*args: str) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.devices.fakes", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    info = {}
    while len(info) < 2:
        key, _, value = proc.stdout.readline().strip().partition(" ")
        info[key] = value
    return proc, info


def say(proc: subprocess.Popen, line: str) -> None:
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


@pytest.fixture
def procs():
    started = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for pipe in (proc.stdin, proc.stdout):
            if not pipe.closed:
                pipe.close()


def test_insert_and_remove_typed_at_the_fake_reader(procs, tmp_path):
    link = tmp_path / "idcard"
    proc, info = start("idcard", "--card", "uyghur", "--link", str(link))
    procs.append(proc)
    assert info["url"] == f"serial://{info['path']}?baudrate=115200"
    assert os.readlink(link) == info["path"]
    with IdCardReader(str(link), poll_s=0.05) as reader:  # through the stable link
        reader.arm()
        say(proc, "insert")
        events = collect(reader, has("CardRead"))
        assert events[-1].card.nation == "维吾尔"
        say(proc, "remove")
        assert kinds(collect(reader, has("CardRemoved"))) == ["CardRemoved"]
        say(proc, "insert expired")
        assert collect(reader, has("CardRead"))[-1].card.name == "赵敏"
    say(proc, "quit")
    assert proc.wait(timeout=10) == 0
    assert not os.path.lexists(link)


def test_the_fake_reader_in_the_background_stops_on_sigterm(procs):
    proc, info = start("idcard", "--inserted")
    procs.append(proc)
    proc.stdin.close()  # like `make run` starting it without a terminal
    with IdCardReader(info["path"], poll_s=0.05) as reader:
        reader.arm()
        assert collect(reader, has("CardRead"))[-1].card.name == "王秀兰"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


def test_the_fake_scanner_sends_its_code_on_enter(procs):
    proc, info = start("scanner", "--code", "ESSC-CLI-0001")
    procs.append(proc)
    with SerialQrScanner(info["path"]) as scanner:
        scanner.arm()
        collect(scanner, lambda e: scanner.status == "ok", timeout=2)
        say(proc, "")
        say(proc, "send ESSC-CLI-0002")
        events = collect(scanner, has("CodeScanned", 2))
    assert [e.code for e in events] == ["ESSC-CLI-0001", "ESSC-CLI-0002"]
    say(proc, "quit")
    assert proc.wait(timeout=10) == 0


def test_a_card_for_a_given_person_takes_birth_and_sex_from_the_number(procs):
    proc, info = start("idcard", "--person", "钱多多,110108198510231537", "--inserted")
    procs.append(proc)
    with IdCardReader(info["path"], poll_s=0.05) as reader:
        reader.arm()
        card = collect(reader, has("CardRead"))[-1].card
    assert (card.name, card.id_number, card.sex) == ("钱多多", "110108198510231537", "男")
    assert card.birth_date.isoformat() == "1985-10-23"
    say(proc, "quit")
    assert proc.wait(timeout=10) == 0
