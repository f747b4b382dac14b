"""The espeak-ng engine: offline synthesis, one process per phrase, argument lists only.

Text goes in on standard input (``--stdin``) so nothing in it can be read as an option; the WAV
comes back on standard output, so synthesis needs no disk (a full disk must not silence the hall).
"""

from __future__ import annotations

import shutil
import subprocess

from ..core.languages import ESPEAK_VOICES
from .audio import Clip, read_clip
from .errors import VoiceError

TIMEOUT_S = 10


def espeak_binary() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        raise VoiceError("espeak-ng is not installed (apt-get install espeak-ng)")
    return path


def synthesize(text: str, lang: str, speed: int = 150) -> Clip:
    voice = ESPEAK_VOICES.get(lang)
    if voice is None:
        raise VoiceError(f"espeak-ng has no voice configured for {lang!r}")
    try:
        proc = subprocess.run(
            [espeak_binary(), "-v", voice, "-s", str(int(speed)), "-b", "1", "--stdout", "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise VoiceError(f"espeak-ng took longer than {TIMEOUT_S} s") from None
    except OSError as exc:  # not executable, out of processes or memory
        raise VoiceError(f"espeak-ng could not be started: {exc}") from None
    if proc.returncode != 0 or not proc.stdout:
        err = proc.stderr.decode(errors="replace")[:300]
        raise VoiceError(f"espeak-ng failed ({proc.returncode}): {err}")
    # On a pipe espeak-ng cannot go back to fill in the header's lengths; the wave module
    # then reads the frames that are there, which is all of them.
    return read_clip(proc.stdout, f"espeak-ng {voice}")
