"""Clause recall@k: is any expected clause among the first k results?

A ranking is a list of groups of clause ids: one id per group for a clause retriever or an
answer's citations, several for a chunk retriever whose chunk spans several clauses.

A clause inside an expected one counts as that clause: ids are paths, so ``…:a2.r4`` (a row)
is within ``…:a2`` (its table) and ``…:art59.k1`` (a paragraph) within ``…:art59`` — its text
is part of the expected clause's text. A broader clause (the whole chapter for an expected
article) does not count.
"""

from __future__ import annotations

from collections.abc import Sequence


def as_groups(ranking: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    """Turn a flat list of ids into one-id groups; leave groups as they are."""
    return [[r] if isinstance(r, str) else list(r) for r in ranking]


def within(cited: str, expected: str) -> bool:
    """Whether clause ``cited`` is ``expected`` or lies inside it (a descendant in the id path)."""
    return cited == expected or cited.startswith(expected + ".")


def group_hits(group: Sequence[str], expected: Sequence[str]) -> bool:
    """Whether any id of ``group`` is, or lies inside, one of ``expected``."""
    return any(within(c, e) for c in group for e in expected)


def clause_recall_at_k(ranking: Sequence[str] | Sequence[Sequence[str]], expected: Sequence[str],
                       k: int) -> float | None:
    """1.0 when one of ``expected`` (or a clause inside it) is in the first ``k`` groups of ``ranking``, else 0.0.

    Args:
        ranking: clause ids (or groups of ids) best first.
        expected: ids of which any one counts as a hit.
        k: how many groups to look at.
    Returns:
        1.0 or 0.0; None when nothing is expected (the item is not scored).
    """
    if not expected:
        return None
    return 1.0 if any(group_hits(group, expected) for group in as_groups(ranking)[:k]) else 0.0
