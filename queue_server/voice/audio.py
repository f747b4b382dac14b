"""PCM WAV pieces with the standard-library ``wave`` module: read, join with pauses, write."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

from .errors import VoiceError


@dataclass(frozen=True)
class Format:
    channels: int
    sample_width: int
    rate: int


@dataclass(frozen=True)
class Clip:
    format: Format
    frames: bytes

    @property
    def seconds(self) -> float:
        f = self.format
        return len(self.frames) / (f.channels * f.sample_width * f.rate)


def read_clip(data: bytes, name: str = "clip") -> Clip:
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            fmt = Format(w.getnchannels(), w.getsampwidth(), w.getframerate())
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise VoiceError(f"{name}: not a PCM WAV file ({exc})") from None
    return Clip(fmt, frames)


def silence(fmt: Format, seconds: float) -> Clip:
    n = int(fmt.rate * seconds)
    return Clip(fmt, b"\x00" * (n * fmt.channels * fmt.sample_width))


def join(clips: list[Clip], names: list[str] | None = None) -> Clip:
    """Concatenate clips of one format; a mismatch names the odd clip instead of mangling sound."""
    if not clips:
        raise VoiceError("nothing to join")
    fmt = clips[0].format
    for i, c in enumerate(clips):
        if c.format != fmt:
            who = names[i] if names else f"clip {i}"
            raise VoiceError(f"{who}: format {c.format} differs from {fmt}; record every clip alike")
    return Clip(fmt, b"".join(c.frames for c in clips))


def to_wav(clip: Clip) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(clip.format.channels)
        w.setsampwidth(clip.format.sample_width)
        w.setframerate(clip.format.rate)
        w.writeframes(clip.frames)
    return buf.getvalue()
