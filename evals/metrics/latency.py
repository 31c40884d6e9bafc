"""Latency percentiles (linear interpolation between closest ranks, as numpy's default)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) of ``values``; None for no values.

    Args:
        values: durations in seconds.
        q: the percentile, e.g. 50 or 95.
    Returns:
        The interpolated value.
    """
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q={q} is outside 0..100")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def latency_summary(values: Sequence[float]) -> dict[str, float | None]:
    """``{"latency_p50_s": …, "latency_p95_s": …}`` for durations in seconds."""
    return {"latency_p50_s": percentile(values, 50), "latency_p95_s": percentile(values, 95)}
