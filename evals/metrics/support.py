"""Whether cited evidence supports one statement: the judgement shared by citation recall
and citation precision.

A statement is supported when
1. every quoted span (「…」, “…”) occurs word for word in a cited clause;
2. every number with a unit (and every decimal) occurs in a cited clause, in a tool call
   of the answer (arguments or result), or in the question itself (600万元 matches 6000000);
3. it cites at least one clause, and the cited text covers at least ``OVERLAP_MIN`` of the
   statement's CJK character bigrams; a statement too short or too little Chinese to
   measure (an English sentence) passes this step on its quotes and numbers alone;
4. a statement that cites nothing is supported only when it is arithmetic: it has numbers,
   no quotes, and every number in it (with a unit or not) comes from a tool call, which
   cites its own clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evals.metrics import text as T

OVERLAP_MIN = 0.4
MIN_BIGRAMS = 4


@dataclass
class Verdict:
    """The outcome for one statement, with the reasons it failed (empty when supported)."""

    supported: bool
    reasons: list[str] = field(default_factory=list)
    overlap: float | None = None


def overlap(statement: str, sources: list[str]) -> float | None:
    """Share of the statement's CJK bigrams found in ``sources``; None when it has too few."""
    own = T.cjk_bigrams(statement)
    if len(own) < MIN_BIGRAMS:
        return None
    pool: set[str] = set()
    for src in sources:
        pool |= T.cjk_bigrams(src)
    return len(own & pool) / len(own)


def judge(statement: str, cited_texts: list[str], tool_texts: list[str],
          context_texts: list[str]) -> Verdict:
    """Judge one statement against its evidence.

    Args:
        statement: one statement of the answer (markers kept or not; they are ignored).
        cited_texts: full texts (and labels) of the clauses the statement cites.
        tool_texts: scalars of the answer's tool calls (see :func:`text.flatten_json`).
        context_texts: the question and earlier turns; numbers the user gave may be repeated.
    Returns:
        A :class:`Verdict`.
    """
    reasons: list[str] = []
    spans = T.quotes(statement)
    # 1. quotes must be in the cited clauses themselves.
    for span in spans:
        if not T.quote_in(span, cited_texts):
            reasons.append(f"quote not in any cited clause: 「{span[:40]}」")
    # 2. numbers may come from clauses, tools or the question.
    pool = T.number_pool(cited_texts + tool_texts + context_texts)
    nums = T.checked_numbers(statement)
    for value, unit in nums:
        if not T.number_supported(value, unit, pool):
            reasons.append(f"number {value}{unit or ''} is in no cited clause or tool result")
    # 4. nothing cited: only arithmetic from a tool stands on its own.
    if not cited_texts:
        tool_pool = T.number_pool(tool_texts)
        every = T.numbers(statement)
        arithmetic = bool(every) and not spans and all(
            T.number_supported(v, u, tool_pool) for v, u in every)
        if not arithmetic:
            reasons.append("cites nothing")
        return Verdict(supported=not reasons, reasons=reasons)
    # 3. the cited text must cover the statement's wording.
    share = overlap(statement, cited_texts)
    if share is not None and share < OVERLAP_MIN:
        tool_backed = bool(nums) and bool(tool_texts) and not any("number" in r for r in reasons)
        if not tool_backed:
            reasons.append(f"cited text covers {share:.0%} of the statement (< {OVERLAP_MIN:.0%})")
    return Verdict(supported=not reasons, reasons=reasons, overlap=share)
