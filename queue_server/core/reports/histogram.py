"""Durations as mergeable histograms, so percentiles of a year come from 365 days' pre-aggregates.

A histogram is one Python int: bucket ``i`` is the 32-bit field at bit ``32 * i``. Adding two
histograms is adding two ints (fields never carry: a year of a large hall puts a few million
samples in a field that holds four billion), so merging a year's days costs microseconds.

Bucket ``0`` holds 0 s; bucket ``i`` holds durations in ``(EDGES[i-1], EDGES[i]]``; the last one
holds everything above the last edge. Resolution: 15 s up to 30 min, 1 min up to 3 h, 15 min up
to 12 h. A percentile is the upper edge of the bucket that holds the nearest-rank sample ("90 %
waited at most this long"), never more than the largest sample: exact for durations that are
whole multiples of the resolution, at most one bucket high otherwise.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import accumulate

EDGES: tuple[int, ...] = tuple(
    [15 * i for i in range(0, 121)]  # 0, 15 … 1800 s
    + [1800 + 60 * i for i in range(1, 151)]  # … 10 800 s (3 h)
    + [10800 + 900 * i for i in range(1, 37)]  # … 43 200 s (12 h)
)
BUCKETS = len(EDGES) + 1
_FIELD = 32
_MASK = (1 << _FIELD) - 1


def bucket(seconds: float) -> int:
    """The bucket a duration falls in (negative durations, clock slips, count as 0)."""
    return bisect_left(EDGES, seconds) if seconds > 0 else 0


def add(hist: int, seconds: float) -> int:
    return hist + (1 << (_FIELD * bucket(seconds)))


def of(samples: list[float]) -> int:
    """The histogram of ``samples`` (one pass in C through bisect)."""
    out = 0
    for i, n in Counter(bisect_left(EDGES, s) if s > 0 else 0 for s in samples).items():
        out += n << (_FIELD * i)
    return out


EDGES_US: tuple[int, ...] = tuple(e * 1_000_000 for e in EDGES)


def of_us(samples: list[int]) -> int:
    """``of`` for durations in whole microseconds (the same buckets as ``of(us / 1e6)``)."""
    out = 0
    for i, n in Counter(bisect_left(EDGES_US, s) if s > 0 else 0 for s in samples).items():
        out += n << (_FIELD * i)
    return out


def counts(hist: int) -> list[int]:
    """The count of every bucket."""
    if hist <= 0:
        return [0] * BUCKETS
    raw = hist.to_bytes(BUCKETS * _FIELD // 8, "little")
    out = array("I")
    out.frombytes(raw)
    if out.itemsize != 4:  # pragma: no cover - every platform we run on has 4-byte "I"
        return [(hist >> (_FIELD * i)) & _MASK for i in range(BUCKETS)]
    return out.tolist()


def percentile(hist: int, p: float, largest: float | None = None) -> float | None:
    """The ``p`` (0–1) percentile by nearest rank, read as its bucket's upper edge and capped by
    ``largest`` (the exact maximum, kept beside the histogram); None for an empty histogram."""
    running = list(accumulate(counts(hist)))
    n = running[-1]
    if n == 0:
        return None
    i = bisect_left(running, max(1, math.ceil(p * n)))  # the first bucket reaching the rank
    edge = EDGES[i] if i < len(EDGES) else math.inf
    return float(min(edge, largest)) if largest is not None else float(edge)


def over(hist: int, seconds: float) -> int:
    """How many samples are longer than ``seconds``: exact when ``seconds`` is a bucket edge
    (any whole minute up to 3 h), otherwise the samples of ``seconds``' bucket count as over."""
    cs = counts(hist)
    first = bisect_left(EDGES, seconds)
    if first < len(EDGES) and EDGES[first] == seconds:
        first += 1
    return sum(cs[first:])


def encode(hist: int) -> bytes:
    """Little-endian bytes without the empty high buckets (the SQLite BLOB)."""
    return hist.to_bytes((hist.bit_length() + 7) // 8, "little") if hist > 0 else b""


def decode(blob: bytes | None) -> int:
    return int.from_bytes(blob, "little") if blob else 0
