"""Announcement audio: espeak-ng WAVs for zh and ug, segment packs joined in order, the cache,
and the renderer that follows calls so the WAV is on disk before the display asks."""

from __future__ import annotations

import dataclasses
import io
import math
import os
import struct
import time
import wave

import pytest

from queue_server.core.settings import VoiceSettings
from queue_server.store import Store
from queue_server.voice import Announcer, VoiceError
from queue_server.voice import templates
from queue_server.voice.announcer import PAUSE_BETWEEN_PHRASES_S
from queue_server.voice.audio import trimmed
from queue_server.voice.espeak import synthesize
from tests.support.waiting import wait_for

RATE = 16000


def announcer_for(settings, tmp_path, **voice) -> Announcer:
    tmp_path.mkdir(parents=True, exist_ok=True)
    s = dataclasses.replace(
        settings,
        voice=VoiceSettings(**voice),
        hall=dataclasses.replace(settings.hall, data_dir=str(tmp_path / "data")),
    )
    return Announcer(s, Store(tmp_path / "voice-test.db"))


def read_wav(data: bytes) -> tuple[wave._wave_params, bytes]:
    with wave.open(io.BytesIO(data), "rb") as w:
        return w.getparams(), w.readframes(w.getnframes())


def rms(frames: bytes) -> float:
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def longest_silence_s(frames: bytes, rate: int, threshold: int = 300) -> float:
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    longest = run = 0
    for s in samples:
        run = run + 1 if -threshold <= s <= threshold else 0
        longest = max(longest, run)
    return longest / rate


def test_a_mandarin_call_is_a_valid_wav_of_a_few_seconds(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    params, frames = read_wav(a.wav_for("B012", 3).wav)
    assert (params.nchannels, params.sampwidth, params.comptype) == (1, 2, "NONE")
    seconds = params.nframes / params.framerate
    assert 2.0 < seconds < 10.0, seconds
    assert rms(frames) > 300  # speech, not silence


def test_a_call_is_its_phrases_spoken_once_each_and_joined_with_short_pauses(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], espeak_speed=170)
    params, frames = read_wav(a.wav_for("B012", 3).wav)
    spoken = [
        trimmed(synthesize(p, "zh_CN", 170))
        for p in ["请 B", "零", "一", "二 号 到", "三 号窗口 办理业务"]
    ]
    pause = b"\x00" * (int(params.framerate * PAUSE_BETWEEN_PHRASES_S) * 2)
    assert frames == pause.join(c.frames for c in spoken)
    assert frames != read_wav(a.wav_for("B012", 4).wav)[1]


def test_a_joined_call_sounds_as_long_as_the_sentence_said_at_once(settings, tmp_path):
    """No espeak-ng lead-in or 0.4 s tail left between pieces: the rhythm stays a sentence's."""
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    params, frames = read_wav(a.wav_for("C307", 11).wav)
    whole = synthesize(templates.text("zh_CN", "C307", 11), "zh_CN", 150)
    assert 0.85 < (params.nframes / params.framerate) / whole.seconds < 1.2
    assert longest_silence_s(frames, params.framerate) < 0.2


def test_a_uyghur_call_is_a_valid_wav_of_the_uyghur_phrases(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["ug"])
    params, frames = read_wav(a.wav_for("B012", 3).wav)
    assert 2.0 < params.nframes / params.framerate < 12.0
    assert rms(frames) > 300
    pause = b"\x00" * (int(params.framerate * PAUSE_BETWEEN_PHRASES_S) * 2)
    assert frames == pause.join(
        trimmed(synthesize(p, "ug", 150)).frames for p in templates.phrases("ug", "B012", 3)
    )


def test_languages_are_spoken_in_the_configured_order_with_a_pause(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN", "ug"])
    params, frames = read_wav(a.wav_for("C007", 11).wav)
    zh = read_wav(announcer_for(settings, tmp_path, languages=["zh_CN"]).wav_for("C007", 11).wav)[1]
    ug = read_wav(announcer_for(settings, tmp_path, languages=["ug"]).wav_for("C007", 11).wav)[1]
    pause = b"\x00" * (int(params.framerate * 0.5) * 2)
    assert frames == zh + pause + ug


def test_a_recall_of_the_same_number_and_window_is_the_same_announcement(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    first = a.wav_for("B012", 3)
    assert a.wav_for("B012", 3) == first
    assert a.wav_for("B012", 4).key != first.key
    assert a.wav_for("B013", 3).key != first.key


# --- segment packs ---------------------------------------------------------------------------


def tone(freq: float, seconds: float, rate: int = RATE) -> bytes:
    n = int(rate * seconds)
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(n)
    )


def write_clip(path, frames: bytes, rate: int = RATE, channels: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


@pytest.fixture
def pack(tmp_path):
    """A tiny pack: every clip a tone of its own frequency and length."""
    root = tmp_path / "pack"
    stems = ["请", "号", "到", "号窗口", "办理业务", "十", "百", *"0123456789", *"ABCDE"]
    clips = {}
    for i, stem in enumerate(stems):
        clips[stem] = tone(300 + 40 * i, 0.02 + 0.005 * i)
        write_clip(root / "zh_CN" / f"{stem}.wav", clips[stem])
    return root, clips


def test_a_segment_pack_is_joined_in_the_order_of_the_template(settings, tmp_path, pack):
    root, clips = pack
    a = announcer_for(
        settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root)
    )
    params, frames = read_wav(a.wav_for("B012", 13).wav)
    order = ["请", "B", "0", "1", "2", "号", "到", "十", "3", "号窗口", "办理业务"]
    assert params.framerate == RATE
    assert frames == b"".join(clips[s] for s in order)
    # Lengths differ per clip, so a different order could not produce the same bytes.
    assert frames != b"".join(
        clips[s] for s in ["请", "B", "0", "1", "2", "号", "到", "3", "十", "号窗口", "办理业务"]
    )


def test_a_missing_clip_is_named(settings, tmp_path, pack):
    root, _ = pack
    (root / "zh_CN" / "号窗口.wav").unlink()
    a = announcer_for(
        settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root)
    )
    with pytest.raises(VoiceError, match="号窗口.wav"):
        a.wav_for("B012", 3)


def test_a_clip_recorded_differently_is_refused(settings, tmp_path, pack):
    root, _ = pack
    write_clip(root / "zh_CN" / "到.wav", tone(500, 0.05, rate=8000), rate=8000)
    a = announcer_for(
        settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root)
    )
    with pytest.raises(VoiceError, match="到.wav"):
        a.wav_for("B012", 3)


def test_re_recorded_clips_give_a_new_announcement(settings, tmp_path, pack):
    root, clips = pack
    a = announcer_for(
        settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root)
    )
    before = a.wav_for("A001", 1)
    new_clip = tone(1000, 0.3)
    write_clip(root / "zh_CN" / "请.wav", new_clip)
    os.utime(root / "zh_CN" / "请.wav", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    after = a.wav_for("A001", 1)
    assert after != before
    assert read_wav(after.wav)[1].startswith(new_clip)


# --- rendered when the call happens -----------------------------------------------------------


def test_a_call_is_prepared_in_the_background_before_anyone_asks(app, hall, client):
    announcer = hall.announcer
    hall.queue.set_window_state(3, "open")
    hall.queue.issue("pension", "req-voice-0001")
    before = len(announcer.calls)
    hall.queue.call_next(3, "win1")
    assert wait_for(lambda: len(announcer.calls) > before), "no call was prepared"
    event_id = hall.store.db.execute(
        "SELECT max(id) FROM events WHERE type = 'ticket.called'"
    ).fetchone()[0]
    ticket = hall.store.db.execute("SELECT number FROM tickets ORDER BY rowid DESC").fetchone()[0]
    prepared = announcer.calls.get(announcer.wav_for(ticket, 3).key)
    with client.get(f"/api/v1/announcements/{event_id}.wav") as r:
        assert r.status_code == 200 and r.mimetype == "audio/wav"
        assert r.data == prepared
    with wave.open(io.BytesIO(prepared)) as w:
        assert w.getnframes() > 0
