"""One metric per module; each is a pure, deterministic function of answers and gold items.

- :mod:`recall` clause recall@k, :mod:`mrr` mean reciprocal rank
- :mod:`article_recall` the share of the expected clauses found in the top k (overall, and on
  questions that several articles bear on)
- :mod:`citation_recall` statements supported by the clauses they cite
- :mod:`citation_precision` citations that support something (ALCE-style)
- :mod:`dangling` markers that point at no citation
- :mod:`facts` expected facts present in the answer
- :mod:`calculator` the expected tool called with the expected result (Decimal compare)
- :mod:`abstention` abstention precision and recall
- :mod:`latency` p50/p95

:mod:`text` and :mod:`support` hold the Chinese-aware helpers they share.
"""

from __future__ import annotations

from typing import Any

from assistant.models import Answer


def as_answer(data: Answer | dict[str, Any]) -> Answer:
    """Accept an :class:`~assistant.models.Answer` or a dict in the answer-contract shape."""
    return data if isinstance(data, Answer) else Answer.model_validate(data)
