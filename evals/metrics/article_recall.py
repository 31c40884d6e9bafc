"""Article recall@k: the share of the expected clauses found among the first k results.

Clause recall@k (:mod:`evals.metrics.recall`) asks whether *one* expected clause is there; a
question that several articles bear on (a time limit in one, the penalty for missing it in
another; the 2020 and the 2025 version of one rule) is answered well only when each of them
is cited. This metric counts them: 2 of 3 expected articles among the first k citations (or
retrieved groups, for a retrieval baseline) scores 0.667.

Steps: 1. cut the ranking to its first k groups; 2. an expected id is found when a clause of
those groups is it or lies inside it (:func:`evals.metrics.recall.within`: a paragraph of the
expected article, a row of the expected table); 3. score = found / expected.

A gold item may say whether all its expected ids are needed (``multi_article``); when it does
not, an item with two or more expected ids counts as a multi-article question.
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.recall import as_groups, within


def found_ids(ranking: Sequence[str] | Sequence[Sequence[str]], expected: Sequence[str], k: int) -> list[str]:
    """The expected ids that a clause among the first ``k`` groups is, or lies inside.

    Args:
        ranking: clause ids (or groups of ids) best first.
        expected: the ids an answer should cite.
        k: how many groups to look at.
    Returns:
        The found ids, in the order of ``expected`` (repeats dropped).
    """
    shown = [cid for group in as_groups(ranking)[:k] for cid in group]
    return [e for e in dict.fromkeys(expected) if any(within(c, e) for c in shown)]


def article_recall_at_k(ranking: Sequence[str] | Sequence[Sequence[str]], expected: Sequence[str],
                        k: int) -> float | None:
    """The share of ``expected`` found among the first ``k`` groups of ``ranking``.

    Args:
        ranking: clause ids (or groups of ids) best first.
        expected: the ids an answer should cite.
        k: how many groups to look at.
    Returns:
        A fraction in [0, 1]; None when nothing is expected (the item is not scored).
    """
    wanted = list(dict.fromkeys(expected))
    if not wanted:
        return None
    return len(found_ids(ranking, wanted, k)) / len(wanted)


def is_multi_article(expected: Sequence[str], multi_article: bool | None = None) -> bool:
    """Whether an item asks for several articles at once.

    Args:
        expected: the item's expected clause ids.
        multi_article: the item's own say, when it gives one.
    Returns:
        ``multi_article`` when given, else whether two or more distinct ids are expected.
    """
    if multi_article is not None:
        return multi_article
    return len(set(expected)) >= 2
