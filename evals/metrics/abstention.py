"""Abstention precision and recall over a run.

Precision: of the answers that abstained, the share that should have. Recall: of the items
that must abstain, the share that did.
"""

from __future__ import annotations

from collections.abc import Iterable


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """Compute both scores.

    Args:
        pairs: (must_abstain, abstained) per item.
    Returns:
        ``{"abstention_precision": …, "abstention_recall": …}``; a score is None when its
        denominator is zero (nothing abstained / nothing had to).
    """
    pairs = list(pairs)
    abstained = [must for must, did in pairs if did]
    required = [did for must, did in pairs if must]
    return {
        "abstention_precision": sum(abstained) / len(abstained) if abstained else None,
        "abstention_recall": sum(required) / len(required) if required else None,
    }
