"""The voice keeps going through trouble and recovers by itself: a full disk, an unwritable voice
folder, espeak-ng failing, a malformed call event. Each is logged once, the announcer thread
stays alive, and the display gets its WAV as soon as the cause goes away (or right away, when
the trouble is only the disk: the disk is a cache)."""

from __future__ import annotations

import io
import logging
import shutil
import wave
from pathlib import Path

import pytest

from queue_server.store import events as event_log
from tests.support.waiting import wait_for
from tests.voice.test_voice_cache import CountingEspeak, espeak  # noqa: F401 (fixture)
from tests.web.faults import fill, tmpfs


class Calls:
    """Issues and calls tickets at window 3 and fetches their announcements like the display."""

    def __init__(self, hall, client):
        self.hall, self.client = hall, client
        self.announcer = hall.announcer
        self.n = 0
        hall.queue.set_window_state(3, "open")

    def call(self) -> int:
        self.n += 1
        self.hall.queue.issue("pension", f"req-voice-trouble-{self.n:04d}")
        self.hall.queue.call_next(3, "win1")
        return self.hall.store.db.execute(
            "SELECT max(id) FROM events WHERE type = 'ticket.called'"
        ).fetchone()[0]

    def alive(self) -> bool:
        """The thread the hall's event follower feeds the announcer in is still running."""
        return self.hall.events.thread_of("voice").is_alive()

    def prepared(self, count: int) -> bool:
        """True once the announcer thread has prepared ``count`` calls in all."""
        return wait_for(lambda: len(self.announcer.calls) >= count)

    def fetch(self, event_id: int):
        return self.client.get(f"/api/v1/announcements/{event_id}.wav")


def voice_log(caplog, words: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "hallqueue.voice" and words in r.getMessage()]


def is_speech(data: bytes) -> bool:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate() > 1.0


# --- a full disk ------------------------------------------------------------------------------


@pytest.fixture
def full_voice_disk(settings):
    """A 1 MB tmpfs as the voice folder, filled up (`mount` needs root; skipped otherwise)."""
    with tmpfs(Path(settings.hall.data_dir) / "voice", "1M") as folder:
        yield fill(folder)


def test_a_full_disk_neither_silences_the_hall_nor_stops_the_announcer(
    full_voice_disk, app, hall, client, caplog
):
    caplog.set_level(logging.INFO, logger="hallqueue.voice")
    calls = Calls(hall, client)
    voice = full_voice_disk.parent
    first, second = calls.call(), calls.call()
    assert calls.prepared(2), "the announcer stopped preparing calls"
    assert calls.alive()
    for event_id in (first, second):
        r = calls.fetch(event_id)
        assert r.status_code == 200 and is_speech(r.data)
    assert len(voice_log(caplog, "saving phrases failed")) == 1  # once, not once per phrase
    assert not list(voice.rglob("*.wav"))
    full_voice_disk.unlink()  # space is freed
    third = calls.call()
    assert calls.prepared(3)
    calls.call()  # the thread saves what it kept in memory on its next round
    assert wait_for(lambda: len(list(voice.rglob("*.wav"))) >= 4), "phrases never saved"
    assert voice_log(caplog, "saving phrases works again")
    assert calls.fetch(third).status_code == 200


def test_an_unwritable_voice_folder_is_a_logged_nuisance_not_a_silence(app, hall, client, caplog):
    voice = Path(hall.settings.hall.data_dir) / "voice"
    shutil.rmtree(voice, ignore_errors=True)
    voice.write_text("not a folder")  # every write below it fails, for root too
    calls = Calls(hall, client)
    event_id = calls.call()
    assert calls.prepared(1) and calls.alive()
    r = calls.fetch(event_id)
    assert r.status_code == 200 and is_speech(r.data)
    calls.call()
    assert calls.prepared(2)
    assert len(voice_log(caplog, "saving phrases failed")) == 1
    voice.unlink()
    calls.call()
    assert wait_for(lambda: voice.is_dir() and list(voice.rglob("*.wav")))


# --- espeak-ng failing ------------------------------------------------------------------------


def test_espeak_failing_is_logged_once_and_the_next_call_after_it_is_fixed_is_heard(
    espeak,  # noqa: F811 (the fixture imported above)
    app,
    hall,
    client,
    caplog,
):
    calls = Calls(hall, client)
    espeak.fail(True)
    failed = [calls.call() for _ in range(3)]
    assert wait_for(lambda: espeak.runs() >= 3)
    assert wait_for(lambda: len(voice_log(caplog, "preparing a call failed")) == 1)
    for event_id in failed:
        r = calls.fetch(event_id)
        assert r.status_code == 503
        assert r.get_json()["error"]["message"] == "叫号语音生成失败，请查看服务器日志。"
    assert len(voice_log(caplog, "preparing a call failed")) == 1
    assert len(voice_log(caplog, "serving an announcement failed")) == 1
    assert calls.alive()

    espeak.fail(False)
    fixed = calls.call()
    assert calls.prepared(1), "the announcer did not prepare the call after espeak-ng recovered"
    r = calls.fetch(fixed)
    assert r.status_code == 200 and is_speech(r.data)
    assert calls.fetch(failed[0]).status_code == 200  # the earlier ones too, on demand
    assert voice_log(caplog, "preparing a call works again")


def test_espeak_missing_is_named_in_the_log(app, hall, client, caplog, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    calls = Calls(hall, client)
    event_id = calls.call()
    assert calls.fetch(event_id).status_code == 503
    assert any("apt-get install espeak-ng" in r.getMessage() for r in voice_log(caplog, "failed"))


# --- a malformed event ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"ticket": {"number": "../../etc", "window": 3}},
        {"ticket": {"number": "B001"}, "window": {"number": 10**9}},
        {"ticket": None},
        {},
    ],
)
def test_a_malformed_call_event_is_skipped_and_the_next_call_is_prepared(
    app, hall, client, caplog, data
):
    calls = Calls(hall, client)
    with hall.store.write() as db:
        bad = event_log.append(db, "ticket.called", hall.clock().isoformat(), data)
    hall.bus.published(bad)
    good = calls.call()
    assert calls.prepared(1) and calls.alive()
    assert len(voice_log(caplog, "reading a call event failed")) == 1
    assert calls.fetch(bad).status_code == 404
    assert calls.fetch(good).status_code == 200


def test_a_malformed_event_after_good_calls_is_logged_again(app, hall, client, caplog):
    calls = Calls(hall, client)
    for n in range(2):
        with hall.store.write() as db:
            bad = event_log.append(db, "ticket.called", hall.clock().isoformat(), {"ticket": {}})
        hall.bus.published(bad)
        calls.call()
        assert calls.prepared(n + 1)
    assert len(voice_log(caplog, "reading a call event failed")) == 2
    assert not voice_log(caplog, "reading a call event works again")
