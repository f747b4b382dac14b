"""The SAM frame layer on a real pty: published frames, bad checksums, noise, silence, cut-offs.

Expected bytes are the ones printed in public reader documentation and SDK sources, not
computed with our encoder."""

from __future__ import annotations

import os
import time
import tty

import pytest

from kiosk.devices import sam
from kiosk.devices.errors import DeviceUnavailable, FrameError, ReaderSilent
from kiosk.devices.fakes import reply_frame
from kiosk.devices.port import open_serial

FIND_OK = bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")
NO_CARD = bytes.fromhex("AAAAAA9669 0004 000080 84")
SELECT_OK = bytes.fromhex("AAAAAA9669 000C 000090 0000000000000000 9C")
READ_FAILED = bytes.fromhex("AAAAAA9669 0004 000041 45")


@pytest.fixture
def line():
    """(master fd, FrameReader on the pty's far end through pyserial)."""
    master, slave = os.openpty()
    tty.setraw(slave)
    port = open_serial(os.ttyname(slave), 115200)
    yield master, sam.FrameReader(port)
    port.close()
    os.close(master)
    os.close(slave)


def test_command_frames_are_the_published_bytes():
    assert sam.command(sam.FIND) == bytes.fromhex("AAAAAA9669 0003 2001 22")
    assert sam.command(sam.SELECT) == bytes.fromhex("AAAAAA9669 0003 2002 21")
    assert sam.command(sam.READ_BASE) == bytes.fromhex("AAAAAA9669 0003 3001 32")
    assert sam.command(sam.STATUS_CHECK) == bytes.fromhex("AAAAAA9669 0003 11FF ED")


def test_the_fake_builds_the_published_replies():
    assert reply_frame(0x9F, bytes(4)) == FIND_OK
    assert reply_frame(0x80) == NO_CARD
    assert reply_frame(0x90, bytes(8)) == SELECT_OK
    assert reply_frame(0x41) == READ_FAILED


@pytest.mark.parametrize(
    "frame, sw3, data",
    [
        (FIND_OK, 0x9F, bytes(4)),
        (NO_CARD, 0x80, b""),
        (SELECT_OK, 0x90, bytes(8)),
        (READ_FAILED, 0x41, b""),
    ],
)
def test_published_replies_parse(line, frame, sw3, data):
    master, frames = line
    os.write(master, frame)
    reply = frames.read_reply(1.0)
    assert (reply.sw1, reply.sw2, reply.sw3, reply.data) == (0, 0, sw3, data)


def test_a_wrong_checksum_is_refused_and_the_next_frame_still_reads(line):
    master, frames = line
    os.write(master, FIND_OK[:-1] + bytes([FIND_OK[-1] ^ 0x01]) + NO_CARD)
    with pytest.raises(FrameError) as caught:
        frames.read_reply(1.0)
    assert caught.value.word == "bad_frame" and "checksum" in caught.value.detail
    assert frames.read_reply(1.0).sw3 == 0x80


def test_noise_before_the_header_is_skipped(line):
    master, frames = line
    os.write(master, b"\x00\xff\xaa\xaa\x96\x13garbage" + FIND_OK)
    assert frames.read_reply(1.0).sw3 == 0x9F


def test_a_header_split_across_reads_is_found(line):
    master, frames = line
    os.write(master, b"\x01\x02" + FIND_OK[:3])
    time.sleep(0.05)
    os.write(master, FIND_OK[3:])
    assert frames.read_reply(1.0).sw3 == 0x9F


def test_silence_is_a_reader_silent_error(line):
    _master, frames = line
    with pytest.raises(ReaderSilent) as caught:
        frames.read_reply(0.2)
    assert caught.value.word == "no_answer"
    assert "身份证阅读器没有响应" in caught.value.message_zh


def test_a_reply_cut_off_half_way_is_a_frame_error(line):
    master, frames = line
    whole = reply_frame(0x90, bytes(600))
    os.write(master, whole[:300])
    with pytest.raises(FrameError) as caught:
        frames.read_reply(0.3)
    assert "cut off after 300 of" in caught.value.detail


@pytest.mark.parametrize("length", [b"\x00\x02", b"\xff\xff"])
def test_an_impossible_length_is_a_frame_error(line, length):
    master, frames = line
    os.write(master, sam.PREAMBLE + length + bytes(8))
    with pytest.raises(FrameError):
        frames.read_reply(0.3)


def test_transact_drops_the_rest_of_an_earlier_cut_off_reply(line):
    master, frames = line
    os.write(master, reply_frame(0x90, bytes(40))[:20])  # stale half frame
    time.sleep(0.05)
    # the reader sends a fresh command; what was waiting in the input is thrown away first
    with pytest.raises(ReaderSilent):
        frames.transact(sam.FIND, 0.2)
    assert os.read(master, 100) == sam.command(sam.FIND)


def test_a_pulled_adapter_is_device_unavailable_not_a_crash():
    # the far end gone, the flush before a command fails with EIO (termios.error, not OSError)
    master, slave = os.openpty()
    port = open_serial(os.ttyname(slave), 115200)
    os.close(master)
    os.close(slave)
    try:
        with pytest.raises(DeviceUnavailable):
            sam.FrameReader(port).transact(sam.FIND, 0.2)
    finally:
        port.close()
