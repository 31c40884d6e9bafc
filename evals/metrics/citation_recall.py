"""Citation recall: the share of an answer's claims that the clauses they cite support.

Steps: 1. split the answer into statements (。；！？ and newlines, outside quotes);
2. keep the claims (drop bare lead-ins such as ``根据规定：``); 3. judge each claim against the
texts of the citations its own markers point at, the answer's tool calls and the question
(:func:`evals.metrics.support.judge`); 4. score = supported claims / claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.models import Answer, Citation
from evals.metrics import as_answer
from evals.metrics import text as T
from evals.metrics.support import Verdict, judge


@dataclass
class StatementResult:
    """One claim of an answer with the citations it marks and the verdict."""

    statement: str
    cited: list[int]
    verdict: Verdict


@dataclass
class CitationRecall:
    """Per-answer citation recall with the statement-level detail."""

    score: float | None
    statements: list[StatementResult] = field(default_factory=list)

    @property
    def unsupported(self) -> list[StatementResult]:
        """The claims that failed."""
        return [s for s in self.statements if not s.verdict.supported]


def citation_texts(citations: list[Citation], numbers: list[int],
                   clause_texts: Mapping[str, str] | None = None) -> list[str]:
    """Texts and labels of the citations that valid marker numbers point at.

    Args:
        citations: the answer's citations.
        numbers: marker numbers (1-based).
        clause_texts: the corpus's clause texts by id. When a cited id is there, its
            text is used instead of the text the answer supplies, so that an answer cannot
            support a claim by rewriting the clause it cites.
    """
    out: list[str] = []
    for n in dict.fromkeys(numbers):
        if 1 <= n <= len(citations):
            c = citations[n - 1]
            text = clause_texts.get(c.id, c.text) if clause_texts is not None else c.text
            out += [text, c.label]
    return out


def tool_texts(answer: Answer) -> list[str]:
    """Scalars of the answer's successful tool calls (arguments and results)."""
    out: list[str] = []
    for call in answer.tool_calls:
        if call.error is None:
            out += T.flatten_json(call.arguments) + T.flatten_json(call.result or {})
    return out


def citation_recall(answer: Answer | dict[str, Any], context: list[str] | None = None,
                    clause_texts: Mapping[str, str] | None = None) -> CitationRecall:
    """Score one answer.

    Reference-list entries (``[1] label：“…”`` lines) are not claims; one whose quotes are
    not the words of the citation it names counts as an unsupported statement.

    Args:
        answer: an answer in the contract shape.
        context: the question and earlier turns (numbers the user gave may be repeated).
        clause_texts: authoritative clause texts by id (see :func:`citation_texts`).
    Returns:
        A :class:`CitationRecall`; its score is None for an abstention or an answer
        with no claim.
    """
    ans = as_answer(answer)
    if ans.abstained:
        return CitationRecall(score=None)
    context = list(context or []) + [ans.question]
    tools = tool_texts(ans)
    results = []
    for statement in T.split_statements(ans.answer):
        if not T.is_claim(statement):
            continue
        cited = T.markers(statement)
        texts = citation_texts(ans.citations, cited, clause_texts)
        results.append(StatementResult(statement, cited, judge(statement, texts, tools, context)))
    for n, entry in T.reference_entries(ans.answer):
        texts = citation_texts(ans.citations, [n], clause_texts)
        bad = [q for q in T.quotes(entry) if not T.quote_in(q, texts)]
        if not texts or bad:
            why = "reference entry names no citation" if not texts else \
                f"reference entry misquotes citation [{n}]: 「{bad[0][:40]}」"
            results.append(StatementResult(f"[{n}] {entry}", [n], Verdict(False, [why])))
    if not results:
        return CitationRecall(score=None)
    score = sum(r.verdict.supported for r in results) / len(results)
    return CitationRecall(score=score, statements=results)
