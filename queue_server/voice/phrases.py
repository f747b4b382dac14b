"""espeak-ng phrases (see templates.phrases), each synthesized once and kept in memory and on disk.

Files live in ``<data_dir>/voice/phrases/<profile>/``, the profile being everything that changes
the sound of every phrase (speed, trimming); ``prune`` removes other profiles' folders, so the
folder holds at most 3 × 36 number phrases per language plus one per window, a few MB.
The disk is only a cache: when it cannot be written (full, read-only) phrases stay in memory and
``flush`` saves them once it can. Synthesis itself never touches the disk.
One espeak-ng runs at a time, so a burst of new phrases cannot take every core; a caller waits
for the engine at most ENGINE_WAIT_S.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from .audio import Clip, read_clip, to_wav, trimmed
from .errors import VoiceError
from .espeak import TIMEOUT_S, synthesize
from .faults import Faults

FORMAT = 1  # bump when trimming or the file layout changes: old profiles are pruned
ENGINE_WAIT_S = TIMEOUT_S + 5


class PhraseCache:
    def __init__(self, root: Path, speed: int, faults: Faults):
        self.root = root
        self.speed = speed
        self.faults = faults
        profile = hashlib.sha256(json.dumps([FORMAT, speed]).encode()).hexdigest()[:12]
        self.folder = root / profile
        self._clips: dict[tuple[str, str], Clip] = {}
        self._unsaved: set[tuple[str, str]] = set()
        self._engine = threading.Lock()

    def _path(self, key: tuple[str, str]) -> Path:
        return self.folder / (hashlib.sha256("\0".join(key).encode()).hexdigest()[:24] + ".wav")

    def clip(self, lang: str, text: str) -> Clip:
        key = (lang, text)
        clip = self._clips.get(key)
        if clip is None:
            clip = self._load(key) or self._synthesize(key)
            self._clips[key] = clip
        return clip

    def _synthesize(self, key: tuple[str, str]) -> Clip:
        if not self._engine.acquire(timeout=ENGINE_WAIT_S):
            raise VoiceError(f"espeak-ng is busy for more than {ENGINE_WAIT_S} s")
        try:
            clip = self._clips.get(key)  # made by another thread while this one waited
            if clip is None:
                clip = trimmed(synthesize(key[1], key[0], self.speed))
                self._clips[key] = clip
                self._save(key)
            return clip
        finally:
            self._engine.release()

    def _load(self, key: tuple[str, str]) -> Clip | None:
        try:
            return read_clip(self._path(key).read_bytes())
        except (OSError, VoiceError):  # not there yet, unreadable or torn: synthesize again
            return None

    def _save(self, key: tuple[str, str]) -> bool:
        path = self._path(key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(to_wav(self._clips[key]))
            os.replace(tmp, path)  # readers see a whole file or none
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            self._unsaved.add(key)
            self.faults.report("saving phrases", exc, f" in {path.parent}")
            return False
        self._unsaved.discard(key)
        self.faults.recovered("saving phrases")
        return True

    def flush(self) -> None:
        """Save the phrases made while the disk could not be written; stops at the first failure."""
        for key in list(self._unsaved):
            if not self._save(key):
                return

    def prune(self) -> None:
        """Remove other profiles' phrases (an old speed) and files left half-written by a crash."""
        with contextlib.suppress(OSError):
            for entry in self.root.iterdir():
                if entry == self.folder:
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink()
            for part in self.folder.glob("*.part"):
                if time.time() - part.stat().st_mtime > 60:  # not one being written now
                    part.unlink()

    def __len__(self) -> int:
        return len(self._clips)
