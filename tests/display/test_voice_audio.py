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
from queue_server.eventbus import EventBus
from queue_server.voice import Announcer, VoiceError
from queue_server.voice.espeak import synthesize
from queue_server.voice import templates

RATE = 16000


def announcer_for(settings, tmp_path, **voice) -> Announcer:
    s = dataclasses.replace(settings, voice=VoiceSettings(**voice))
    return Announcer(s, Store(tmp_path / "voice-test.db"), EventBus())


def read_wav(path) -> tuple[wave._wave_params, bytes]:
    with wave.open(str(path), "rb") as w:
        return w.getparams(), w.readframes(w.getnframes())


def rms(frames: bytes) -> float:
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def test_a_mandarin_call_is_a_valid_wav_of_a_few_seconds(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    params, frames = read_wav(a.wav_for("B012", 3))
    assert (params.nchannels, params.sampwidth, params.comptype) == (1, 2, "NONE")
    seconds = params.nframes / params.framerate
    assert 2.0 < seconds < 10.0, seconds
    assert rms(frames) > 300  # speech, not silence


def test_the_mandarin_wav_speaks_the_template_text(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], espeak_speed=170)
    _, frames = read_wav(a.wav_for("B012", 3))
    expected = synthesize("请 B 零 一 二 号 到 三 号窗口 办理业务", "zh_CN", 170)
    assert frames == expected.frames
    assert frames != synthesize("请 B 零 一 二 号 到 四 号窗口 办理业务", "zh_CN", 170).frames


def test_a_uyghur_call_is_a_valid_wav_of_the_uyghur_text(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["ug"])
    params, frames = read_wav(a.wav_for("B012", 3))
    assert 2.0 < params.nframes / params.framerate < 12.0
    assert frames == synthesize(templates.text("ug", "B012", 3), "ug", 150).frames


def test_languages_are_spoken_in_the_configured_order_with_a_pause(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN", "ug"])
    params, frames = read_wav(a.wav_for("C007", 11))
    zh = synthesize(templates.text("zh_CN", "C007", 11), "zh_CN", 150).frames
    ug = synthesize(templates.text("ug", "C007", 11), "ug", 150).frames
    pause = b"\x00" * (int(params.framerate * 0.5) * 2)
    assert frames == zh + pause + ug


def test_the_cache_is_reused_for_the_same_number_and_window(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    first = a.wav_for("B012", 3)
    first.write_bytes(first.read_bytes() + b"")  # same content, touched
    marker = first.stat().st_mtime_ns
    assert a.wav_for("B012", 3) == first and first.stat().st_mtime_ns == marker
    assert a.wav_for("B012", 4) != first
    assert first.parent == tmp_path / "data" / "voice"


# --- segment packs ---------------------------------------------------------------------------

def tone(freq: float, seconds: float, rate: int = RATE) -> bytes:
    n = int(rate * seconds)
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(n))


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
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root))
    params, frames = read_wav(a.wav_for("B012", 13))
    order = ["请", "B", "0", "1", "2", "号", "到", "十", "3", "号窗口", "办理业务"]
    assert params.framerate == RATE
    assert frames == b"".join(clips[s] for s in order)
    # Lengths differ per clip, so a different order could not produce the same bytes.
    assert frames != b"".join(clips[s] for s in ["请", "B", "0", "1", "2", "号", "到", "3", "十", "号窗口", "办理业务"])


def test_a_missing_clip_is_named(settings, tmp_path, pack):
    root, _ = pack
    (root / "zh_CN" / "号窗口.wav").unlink()
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root))
    with pytest.raises(VoiceError, match="号窗口.wav"):
        a.wav_for("B012", 3)


def test_a_clip_recorded_differently_is_refused(settings, tmp_path, pack):
    root, _ = pack
    write_clip(root / "zh_CN" / "到.wav", tone(500, 0.05, rate=8000), rate=8000)
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root))
    with pytest.raises(VoiceError, match="到.wav"):
        a.wav_for("B012", 3)


def test_re_recorded_clips_give_a_new_announcement(settings, tmp_path, pack):
    root, clips = pack
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], engine="segments", segment_dir=str(root))
    before = a.wav_for("A001", 1)
    new_clip = tone(1000, 0.3)
    write_clip(root / "zh_CN" / "请.wav", new_clip)
    os.utime(root / "zh_CN" / "请.wav", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    after = a.wav_for("A001", 1)
    assert after != before
    assert read_wav(after)[1].startswith(new_clip)


# --- rendered when the call happens -----------------------------------------------------------

def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_call_is_rendered_in_the_background_before_anyone_asks(app, hall, client):
    voice_dir = os.path.join(hall.settings.hall.data_dir, "voice")
    hall.queue.set_window_state(3, "open")
    hall.queue.issue("pension", "req-voice-0001")
    def wavs():
        return {f for f in os.listdir(voice_dir) if f.endswith(".wav")}

    before = wavs()
    hall.queue.call_next(3, "win1")
    assert wait_for(lambda: wavs() - before), "no WAV was rendered for the call"
    (new,) = wavs() - before
    event_id = hall.store.db.execute("SELECT max(id) FROM events WHERE type = 'ticket.called'").fetchone()[0]
    with client.get(f"/api/v1/announcements/{event_id}.wav") as r:
        assert r.status_code == 200 and r.mimetype == "audio/wav"
        data = r.data
    with open(os.path.join(voice_dir, new), "rb") as fh:
        assert data == fh.read()
    with wave.open(io.BytesIO(data)) as w:
        assert w.getnframes() > 0
