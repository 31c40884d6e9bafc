"""Citation precision (ALCE-style): the share of an answer's citations that support something.

A citation counts as precise when some statement marking it is supported by it alone, or
is supported with it and not without it. A citation that no statement marks, or that only
rides along with others that already carry the statement, counts against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.models import Answer
from evals.metrics import as_answer
from evals.metrics import text as T
from evals.metrics.citation_recall import citation_texts, tool_texts
from evals.metrics.support import judge


@dataclass
class CitationPrecision:
    """Per-answer citation precision and the citation numbers that supported nothing."""

    score: float | None
    irrelevant: list[int] = field(default_factory=list)


def citation_precision(answer: Answer | dict[str, Any], context: list[str] | None = None,
                       clause_texts: Mapping[str, str] | None = None) -> CitationPrecision:
    """Score one answer. Reference-list entries do not make a citation precise.

    Args:
        answer: an answer in the contract shape.
        context: the question and earlier turns.
        clause_texts: authoritative clause texts by id (see ``citation_texts``).
    Returns:
        A :class:`CitationPrecision`; None for an abstention or an answer with no citation.
    """
    ans = as_answer(answer)
    if ans.abstained or not ans.citations:
        return CitationPrecision(score=None)
    context = list(context or []) + [ans.question]
    tools = tool_texts(ans)
    statements = [(s, [n for n in dict.fromkeys(T.markers(s)) if 1 <= n <= len(ans.citations)])
                  for s in T.split_statements(ans.answer) if T.is_claim(s)]
    precise: set[int] = set()
    for statement, cited in statements:
        with_all = judge(statement, citation_texts(ans.citations, cited, clause_texts), tools, context).supported
        for n in cited:
            if n in precise:
                continue
            alone = judge(statement, citation_texts(ans.citations, [n], clause_texts), tools, context).supported
            others = [m for m in cited if m != n]
            needed = with_all and not (others and judge(
                statement, citation_texts(ans.citations, others, clause_texts), tools, context).supported)
            if alone or needed:
                precise.add(n)
    irrelevant = [n for n in range(1, len(ans.citations) + 1) if n not in precise]
    return CitationPrecision(score=len(precise) / len(ans.citations), irrelevant=irrelevant)
