"""A hall's recorded segment pack: ``<segment_dir>/<language>/<clip>.wav`` played in order.

Clip names are the Words' clip stems (请, 号, 到, 号窗口, 办理业务, 0–9, 十, 百, A–Z …; see README).
Clips are read once and kept; a missing clip is reported by its full path.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .audio import Clip, join, read_clip
from .errors import VoiceError
from .reading import Word


class SegmentPack:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._clips: dict[tuple[str, str], Clip] = {}
        self._lock = threading.Lock()

    def clip(self, lang: str, stem: str) -> Clip:
        key = (lang, stem)
        with self._lock:
            if key in self._clips:
                return self._clips[key]
        path = self.root / lang / f"{stem}.wav"
        if "/" in stem or stem.startswith("."):
            raise VoiceError(f"bad clip name {stem!r}")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise VoiceError(f"segment pack is missing {path}") from None
        clip = read_clip(data, str(path))
        with self._lock:
            self._clips[key] = clip
        return clip

    def stems(self, words: list[Word]) -> list[str]:
        return [stem for w in words for stem in w.clips]

    def render(self, lang: str, words: list[Word]) -> Clip:
        stems = self.stems(words)
        return join([self.clip(lang, s) for s in stems], [f"{lang}/{s}.wav" for s in stems])

    def version(self) -> str:
        """Changes when clips are added, removed or replaced, so the cache never serves stale calls."""
        try:
            return str(max((p.stat().st_mtime_ns for p in self.root.rglob("*.wav")), default=0))
        except OSError:
            return "0"
