"""Announcements for call and recall events, joined from cached pieces and kept in memory.

A call is never synthesized whole: espeak-ng says each recurring phrase once (templates.phrases,
cached by PhraseCache), or a hall's recorded pack supplies the clips (SegmentPack); a call is
those pieces joined, about a millisecond of work. The whole-call WAV is kept in a bounded
in-memory LRU (``voice.cache_mb``) under a hash of everything that changes the sound.

``Announcer.on_events`` is a subscriber of the hall's event follower (``Hall.events``, in a
thread of its own): it prepares each call before the display asks for it; ``for_event``
prepares it on demand otherwise (e.g. after a restart). It outlives any trouble — a full disk,
espeak-ng failing, a malformed event — logging it once (Faults) and carrying on; the follower
guards it too, and deals with the database being busy.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..core.numbering import HALL_TZ
from ..core.settings import Settings
from ..store import Store
from ..store import events as event_log
from . import templates
from .audio import Clip, join, silence, to_wav
from .calls import CallCache
from .faults import Faults
from .phrases import FORMAT, PhraseCache
from .segments import SegmentPack

log = logging.getLogger("hallqueue.voice")

CALL_EVENTS = ("ticket.called", "ticket.recalled")
PAUSE_BETWEEN_LANGUAGES_S = 0.5
# Between synthesized phrases; espeak-ng leaves 40–55 ms between words inside a sentence.
PAUSE_BETWEEN_PHRASES_S = 0.05


class NotAnnounced(Exception):
    """The event does not exist or is not a well-formed call/recall."""


@dataclass(frozen=True)
class Announcement:
    key: str  # changes whenever the sound would
    wav: bytes


def call_of(event: dict | None) -> tuple[str, int]:
    """(ticket number, window number) of a call/recall event; NotAnnounced for anything else."""
    if event is None or event.get("type") not in CALL_EVENTS:
        raise NotAnnounced()
    try:
        data = event["data"]
        window = (data.get("window") or {}).get("number") or data["ticket"].get("window")
        number = data["ticket"]["number"]
    except (KeyError, TypeError, AttributeError):
        raise NotAnnounced() from None
    if not (
        isinstance(number, str) and number.isascii() and number.isalnum() and len(number) <= 12
    ):
        raise NotAnnounced()
    if not (isinstance(window, int) and 0 <= window <= 999):
        raise NotAnnounced()
    return number, window


class Announcer:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        clock: Callable[[], datetime] | None = None,
    ):
        self.voice = settings.voice
        self.store = store
        self.clock = clock or (lambda: datetime.now(HALL_TZ))
        self.folder = Path(settings.hall.data_dir) / "voice"
        self.faults = Faults(log)
        self.calls = CallCache(self.voice.cache_mb * 1024 * 1024)
        self.phrases = (
            PhraseCache(self.folder / "phrases", self.voice.espeak_speed, self.faults)
            if self.voice.engine == "espeak"
            else None
        )
        segments = self.voice.engine == "segments"
        self._pack = SegmentPack(self.voice.segment_dir) if segments else None
        self._pack_version = self._pack.version() if self._pack else ""
        self._cleaned_on: date | None = None

    # --- rendering ---------------------------------------------------------------------------

    def _key(self, number: str, window: int) -> str:
        if self._pack is not None:
            version = self._pack.version()
            if version != self._pack_version:  # clips were re-recorded: forget the old ones
                self._pack, self._pack_version = SegmentPack(self.voice.segment_dir), version
        v = self.voice
        ident = json.dumps(
            [
                FORMAT,
                v.engine,
                v.languages,
                v.espeak_speed,
                v.segment_dir,
                self._pack_version,
                number,
                window,
            ]
        )
        return hashlib.sha256(ident.encode()).hexdigest()[:32]

    def _speak(self, lang: str, number: str, window: int) -> Clip:
        if self._pack is not None:
            return self._pack.render(lang, templates.words(lang, number, window))
        pieces = [self.phrases.clip(lang, p) for p in templates.phrases(lang, number, window)]
        gap = silence(pieces[0].format, PAUSE_BETWEEN_PHRASES_S)
        return join([c for piece in pieces for c in (gap, piece)][1:])

    def render(self, number: str, window: int) -> Clip:
        parts: list[Clip] = []
        for lang in self.voice.languages:
            clip = self._speak(lang, number, window)
            if parts:
                parts.append(silence(clip.format, PAUSE_BETWEEN_LANGUAGES_S))
            parts.append(clip)
        return join(parts)

    def wav_for(self, number: str, window: int) -> Announcement:
        key = self._key(number, window)
        wav = self.calls.get(key)
        if wav is None:
            wav = to_wav(self.render(number, window))
            self.calls.put(key, wav, self.clock().date())
        return Announcement(key, wav)

    def for_event(self, event_id: int) -> Announcement:
        if not 0 < event_id < 2**63:  # SQLite integers are 64-bit
            raise NotAnnounced()
        return self.wav_for(*call_of(event_log.get(self.store.db, event_id)))

    # --- housekeeping ------------------------------------------------------------------------

    def cleanup(self, today: date) -> None:
        """Once a day: forget earlier days' calls, other profiles' phrases, and the whole-call
        WAV files earlier versions kept in the voice folder without limit."""
        self.calls.drop_before(today)
        if self.phrases is not None:
            self.phrases.prune()
        try:
            for old in [*self.folder.glob("*.wav"), *self.folder.glob("*.part")]:
                old.unlink()
        except OSError as exc:
            self.faults.report("cleaning the voice folder", exc)

    def _housekeeping(self) -> None:
        today = self.clock().date()
        if today != self._cleaned_on:
            self._cleaned_on = today
            self.cleanup(today)
        if self.phrases is not None:
            self.phrases.flush()

    # --- following calls ----------------------------------------------------------------------

    def on_events(self, batch: list[dict]) -> None:
        """A subscriber of the hall's event follower, in a thread of its own: prepares each
        call in ``batch``, then keeps house (an empty batch comes while the hall is quiet)."""
        for event in batch:
            self._announce(event)
        try:
            self._housekeeping()
        except Exception as exc:  # the disk: the calls themselves are kept in memory
            self.faults.report("keeping the voice folder", exc)
        else:
            self.faults.recovered("keeping the voice folder")

    def _announce(self, event: dict) -> None:
        if event["type"] not in CALL_EVENTS:
            return
        try:
            self.wav_for(*call_of(event))
        except NotAnnounced:
            self.faults.report(
                "reading a call event",
                ValueError("malformed call event"),
                f" (event {event['id']})",
            )
        except Exception as exc:  # a full disk, espeak-ng missing, a bug: the next call may work
            self.faults.report("preparing a call", exc, f" (event {event['id']})")
        else:
            self.faults.recovered("preparing a call")
            self.faults.recovered("reading a call event", quietly=True)
