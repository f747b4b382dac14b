"""Voice cost and size: espeak-ng says each recurring phrase once (a call is joined from them),
calls are kept in a bounded memory cache, the voice folder holds only phrases, and a day's
cleanup removes what earlier days and earlier versions left behind."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from queue_server.core.settings import Settings, SettingsError, VoiceSettings, build
from queue_server.store import Store
from queue_server.voice import Announcer
from tests.conftest import EXAMPLE_CONFIG
from tests.support.waiting import wait_for

REAL_ESPEAK = "/usr/bin/espeak-ng"


class CountingEspeak:
    """espeak-ng on PATH that records each run, then runs the real one (or fails when told)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "runs.txt"
        self.fail_flag = folder / "fail"
        script = folder / "espeak-ng"
        script.write_text(
            "#!/bin/sh\n"
            f'echo run >> "{self.log}"\n'
            f'if [ -e "{self.fail_flag}" ]; then echo "simulated failure" >&2; exit 1; fi\n'
            f'exec {REAL_ESPEAK} "$@"\n'
        )
        script.chmod(0o755)

    def runs(self) -> int:
        return len(self.log.read_text().splitlines()) if self.log.exists() else 0

    def fail(self, failing: bool) -> None:
        if failing:
            self.fail_flag.touch()
        else:
            self.fail_flag.unlink(missing_ok=True)


@pytest.fixture
def espeak(tmp_path, monkeypatch) -> CountingEspeak:
    if not os.path.exists(REAL_ESPEAK):
        pytest.skip("espeak-ng is not installed")
    wrapper = CountingEspeak(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return wrapper


def announcer_for(settings, tmp_path, **voice) -> Announcer:
    s = dataclasses.replace(settings, voice=VoiceSettings(**voice))
    return Announcer(s, Store(tmp_path / "voice-test.db"))


def voice_files(settings) -> list[Path]:
    return [p for p in (Path(settings.hall.data_dir) / "voice").rglob("*") if p.is_file()]


def test_once_its_phrases_exist_a_new_call_runs_no_espeak(settings, tmp_path, espeak):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    for d in range(10):  # 请 B, every digit in the middle and at the end, window 3
        a.wav_for(f"B{d}{d}{d}", 3)
    warm = espeak.runs()
    assert warm <= 1 + 10 + 10 + 1
    for n in (123, 456, 789, 907, 310, 58, 264, 999, 101, 642):
        a.wav_for(f"B{n:03d}", 3)
    assert espeak.runs() == warm


def test_phrases_are_kept_on_disk_so_a_restart_synthesizes_nothing(settings, tmp_path, espeak):
    first = announcer_for(settings, tmp_path, languages=["zh_CN", "ug"]).wav_for("A017", 5)
    runs = espeak.runs()
    again = announcer_for(settings, tmp_path, languages=["zh_CN", "ug"]).wav_for("A017", 5)
    assert espeak.runs() == runs
    assert again == first


def test_a_new_speed_synthesizes_again_and_the_old_phrases_are_pruned(settings, tmp_path, espeak):
    announcer_for(settings, tmp_path, languages=["zh_CN"]).wav_for("A017", 5)
    old = {p.parent for p in voice_files(settings)}
    faster = announcer_for(settings, tmp_path, languages=["zh_CN"], espeak_speed=190)
    runs = espeak.runs()
    faster.wav_for("A017", 5)
    assert espeak.runs() > runs
    faster.cleanup(faster.clock().date())
    assert old and not any(folder.exists() for folder in old)
    assert voice_files(settings)


def test_the_call_cache_stays_within_its_size_and_still_serves_evicted_calls(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"], cache_mb=1)
    first = a.wav_for("B000", 1)
    for i in range(1, 30):
        a.wav_for(f"B{i:03d}", 1 + i % 9)
    assert a.calls.nbytes <= 1024 * 1024
    assert 0 < len(a.calls) < 30
    assert a.calls.get(first.key) is None  # dropped, the least recently used
    assert a.wav_for("B000", 1) == first  # joined again, the same sound


def test_ten_days_of_calls_leave_only_phrases_on_disk(settings, tmp_path):
    """Earlier versions kept every call's WAV: 1.56 GB after 10,000 tickets."""
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    for i in range(400):
        a.wav_for(f"{'ABCDE'[i % 5]}{i:03d}", 1 + i % 9)
    files = voice_files(settings)
    # 请 + 5 letters, 10 middle digits, 10 final digits, 9 windows.
    assert len(files) <= 5 + 10 + 10 + 9
    assert sum(p.stat().st_size for p in files) < 3 * 1024 * 1024
    assert a.calls.nbytes <= settings.voice.cache_mb * 1024 * 1024


def test_the_daily_cleanup_removes_old_calls_old_profiles_and_old_call_files(settings, tmp_path):
    a = announcer_for(settings, tmp_path, languages=["zh_CN"])
    today = a.clock().date()
    yesterday = a.wav_for("B001", 3)
    a.calls.put(yesterday.key, yesterday.wav, today - timedelta(days=1))
    kept = a.wav_for("B002", 3)
    voice = Path(settings.hall.data_dir) / "voice"
    legacy = [voice / "0f3c9a.wav", voice / "tmpx1.part"]  # what earlier versions left
    for p in legacy:
        p.write_bytes(b"RIFF")
    stale_profile = voice / "phrases" / "0123456789ab"
    stale_profile.mkdir()
    (stale_profile / "x.wav").write_bytes(b"RIFF")
    phrases_before = [p for p in voice_files(settings) if p.parent == a.phrases.folder]
    a.cleanup(today)
    assert a.calls.get(yesterday.key) is None and a.calls.get(kept.key) == kept.wav
    assert not any(p.exists() for p in legacy) and not stale_profile.exists()
    assert phrases_before and all(p.exists() for p in phrases_before)


def test_the_announcer_thread_cleans_up_when_the_day_changes(app, hall, clock):
    announcer = hall.announcer
    hall.queue.set_window_state(3, "open")
    hall.queue.issue("pension", "req-day-0001")
    number = hall.queue.call_next(3, "win1")["number"]
    assert wait_for(lambda: len(announcer.calls) == 1)  # prepared by the thread, dated today
    today = announcer.wav_for(number, 3)
    clock.advance(days=1)
    hall.queue.issue("pension", "req-day-0002")
    hall.queue.call_next(3, "win1")  # a call wakes the thread on the next day (or a quiet minute)
    assert wait_for(lambda: announcer.calls.get(today.key) is None)


# --- the route --------------------------------------------------------------------------------


def called_event(hall) -> tuple[int, str]:
    hall.queue.set_window_state(3, "open")
    hall.queue.issue("pension", "req-route-0001")
    number = hall.queue.call_next(3, "win1")["number"]
    event_id = hall.store.db.execute(
        "SELECT max(id) FROM events WHERE type = 'ticket.called'"
    ).fetchone()[0]
    return event_id, number


def test_the_display_may_revalidate_and_fetch_ranges_of_an_announcement(hall, client):
    event_id, _ = called_event(hall)
    url = f"/api/v1/announcements/{event_id}.wav"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == whole.data[:100]


@pytest.mark.parametrize("event_id", ["9223372036854775808", "99999999999999999999999", "0"])
def test_an_announcement_id_beyond_any_event_is_a_404(client, event_id):
    r = client.get(f"/api/v1/announcements/{event_id}.wav")
    assert r.status_code == 404


@pytest.mark.parametrize("cache_mb", [0, 1025, -1])
def test_a_call_cache_size_out_of_range_names_the_key(cache_mb):
    with open(EXAMPLE_CONFIG, "rb") as fh:
        data = tomllib.load(fh)
    data["voice"]["cache_mb"] = cache_mb
    with pytest.raises(SettingsError) as exc:
        build(Settings, data, "hall.toml")
    assert exc.value.key == "voice.cache_mb"
