"""What the bench scripts share to print their figures."""

from __future__ import annotations


def pct(values, p: float) -> float:
    """The ``p``-th percentile (0–100) of ``values``: the nearest of the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
