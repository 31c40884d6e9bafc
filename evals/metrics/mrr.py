"""Reciprocal rank of the first expected clause (averaged over items: MRR)."""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.recall import as_groups, group_hits


def reciprocal_rank(ranking: Sequence[str] | Sequence[Sequence[str]],
                    expected: Sequence[str]) -> float | None:
    """1/rank of the first group holding an expected id (or one inside it); 0.0 when none does.

    Args:
        ranking: clause ids (or groups of ids) best first, already cut to the run's k.
        expected: ids of which any one counts as a hit.
    Returns:
        The reciprocal rank; None when nothing is expected.
    """
    if not expected:
        return None
    for rank, group in enumerate(as_groups(ranking), start=1):
        if group_hits(group, expected):
            return 1.0 / rank
    return 0.0
