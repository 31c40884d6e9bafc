"""Dangling markers: ``[n]`` in the answer with no ``citations[n-1]``."""

from __future__ import annotations

from typing import Any

from assistant.models import Answer
from evals.metrics import as_answer
from evals.metrics.text import markers


def dangling_markers(answer: Answer | dict[str, Any]) -> list[int]:
    """Return the marker numbers that point at no citation (repeats kept, in order).

    Args:
        answer: an answer in the contract shape.
    Returns:
        The offending numbers; empty when every marker resolves.
    """
    ans = as_answer(answer)
    return [n for n in markers(ans.answer) if not 1 <= n <= len(ans.citations)]
