"""The espeak-ng engine: offline synthesis, one process per language, argument lists only.

Text goes in on standard input (``--stdin``) so nothing in it can be read as an option.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from .audio import Clip, read_clip
from .errors import VoiceError
from .templates import ESPEAK_VOICES

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
    fd, out = tempfile.mkstemp(suffix=".wav", prefix="espeak-")
    os.close(fd)
    try:
        # -w writes a complete WAV header (--stdout leaves the length unset).
        proc = subprocess.run(
            [espeak_binary(), "-v", voice, "-s", str(int(speed)), "-b", "1", "-w", out, "--stdin"],
            input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S, check=False,
        )
        if proc.returncode != 0:
            raise VoiceError(f"espeak-ng failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[:300]}")
        with open(out, "rb") as fh:
            return read_clip(fh.read(), f"espeak-ng {voice}")
    except subprocess.TimeoutExpired:
        raise VoiceError(f"espeak-ng took longer than {TIMEOUT_S} s") from None
    finally:
        os.unlink(out)
