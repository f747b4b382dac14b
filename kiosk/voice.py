"""Spoken prompts in elder mode (长辈模式), offline with espeak-ng; never blocks and never fails
loudly (a kiosk without a speaker still works)."""

from __future__ import annotations

import logging
import shutil
import subprocess

from queue_server.core.languages import ESPEAK_VOICES

log = logging.getLogger(__name__)


class Voice:
    def __init__(self, enabled: bool = True):
        self.binary = shutil.which("espeak-ng") if enabled else None
        self._proc: subprocess.Popen | None = None
        self.spoken: list[str] = []  # what was said, for tests and the log

    def say(self, text: str, lang: str) -> None:
        self.spoken.append(text)
        if not self.binary or not text:
            return
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()  # a new screen interrupts the old prompt
        try:
            # argv list, no shell: the text is data
            self._proc = subprocess.Popen(
                [self.binary, "-v", ESPEAK_VOICES.get(lang, "cmn"), "--", text],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("espeak-ng failed: %s", exc)

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
