"""Announcements for call and recall events, rendered when the call happens and cached on disk.

``Announcer.follow()`` runs a background thread that follows the events table (woken by the
EventBus, like an SSE stream), so the WAV is on disk before the display asks for it.
``wav_path(event_id)`` renders on demand when it is not cached yet (e.g. after a restart).
Cache files are named by a hash of everything that changes the sound (engine, languages,
speed, pack version, number, window): a recall of the same number reuses the file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from ..core.settings import Settings
from ..eventbus import EventBus
from ..store import Store
from ..store import events as event_log
from . import templates
from .audio import Clip, join, silence, to_wav
from .errors import VoiceError
from .espeak import synthesize
from .segments import SegmentPack

log = logging.getLogger("hallqueue.voice")

CALL_EVENTS = ("ticket.called", "ticket.recalled")
PAUSE_BETWEEN_LANGUAGES_S = 0.5


class NotAnnounced(Exception):
    """The event does not exist or is not a call/recall."""


def call_of(event: dict | None) -> tuple[str, int]:
    """(ticket number, window number) of a call/recall event."""
    if event is None or event["type"] not in CALL_EVENTS:
        raise NotAnnounced()
    data = event["data"]
    window = (data.get("window") or {}).get("number") or data["ticket"].get("window")
    if not isinstance(window, int):
        raise NotAnnounced()
    return data["ticket"]["number"], window


class Announcer:
    def __init__(self, settings: Settings, store: Store, bus: EventBus):
        self.voice = settings.voice
        self.store = store
        self.bus = bus
        self.cache_dir = Path(settings.hall.data_dir) / "voice"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._pack = SegmentPack(self.voice.segment_dir) if self.voice.engine == "segments" else None
        self._pack_version = self._pack.version() if self._pack else ""
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._thread: threading.Thread | None = None

    # --- rendering ---------------------------------------------------------------------------

    def texts(self, number: str, window: int) -> dict[str, str]:
        return {lang: templates.text(lang, number, window) for lang in self.voice.languages}

    def _key(self, number: str, window: int) -> str:
        if self._pack is not None:
            version = self._pack.version()
            if version != self._pack_version:  # clips were re-recorded: forget the old ones
                self._pack, self._pack_version = SegmentPack(self.voice.segment_dir), version
        ident = json.dumps([self.voice.engine, self.voice.languages, self.voice.espeak_speed,
                            self.voice.segment_dir, self._pack_version, number, window])
        return hashlib.sha256(ident.encode()).hexdigest()[:32]

    def render(self, number: str, window: int) -> Clip:
        parts: list[Clip] = []
        for lang in self.voice.languages:
            if self._pack is not None:
                clip = self._pack.render(lang, templates.words(lang, number, window))
            else:
                clip = synthesize(templates.text(lang, number, window), lang, self.voice.espeak_speed)
            if parts:
                parts.append(silence(clip.format, PAUSE_BETWEEN_LANGUAGES_S))
            parts.append(clip)
        return join(parts)

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def wav_for(self, number: str, window: int) -> Path:
        key = self._key(number, window)
        path = self.cache_dir / f"{key}.wav"
        if path.exists():
            return path
        with self._lock_for(key):  # the follower and a display request never render twice
            if not path.exists():
                data = to_wav(self.render(number, window))
                fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)  # readers see a whole file or none
        return path

    def wav_path(self, event_id: int) -> Path:
        number, window = call_of(event_log.get(self.store.db, event_id))
        return self.wav_for(number, window)

    # --- following calls ----------------------------------------------------------------------

    def follow(self) -> None:
        """Start the background renderer (idempotent)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="voice-announcer", daemon=True)
        self._thread.start()

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def _run(self) -> None:
        try:
            last = event_log.last_id(self.store.db)
            while self.bus.wait_beyond(last, timeout=30):
                for event in event_log.after(self.store.db, last, 500):
                    last = event["id"]
                    if event["type"] in CALL_EVENTS:
                        try:
                            self.wav_for(*call_of(event))
                        except (VoiceError, NotAnnounced, ValueError):
                            log.exception("announcement for event %s failed", event["id"])
        except Exception:  # the store closed under us at shutdown, or a bug: never kill the server
            if not self.bus.closed:
                log.exception("voice announcer stopped")
