"""Answer a calculation question: route it, run the calculator, compose the cited answer.

The answer states the result with its unit, shows the formula and the conditions the
rule sets, cites the clause that defines the rule with a ``[n]`` marker, and lists the
calculator run in ``tool_calls``. A missing argument is asked for (the clause is still
cited); an invalid one is reported by field, and no number is given as a result.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from assistant.answer.cite import CitationList
from assistant.errors import ToolInputError
from assistant.models import Answer, Clause, ToolCall
from assistant.packs.loader import pack_dirs
from assistant.tools.registry import get_tool, run_tool
from assistant.tools.render import details, summary
from assistant.tools.router import Routed, route
from assistant.tools.units import fmt_yuan


def _with_marker(sentence: str, marker: str) -> str:
    """Put the marker before the sentence's final 。 (or at its end)."""
    if not marker:
        return sentence
    return sentence[:-1] + marker + "。" if sentence.endswith("。") else sentence + marker


def _reused(routed: Routed, labels: dict[str, str]) -> str:
    if not routed.from_history:
        return ""
    parts = []
    for key in routed.from_history:
        value = routed.arguments.get(key)
        name = labels.get(key, key)
        if key.endswith("_yuan") and isinstance(value, str):
            value = fmt_yuan(Decimal(value))
        parts.append(f"{value}作为{name}")
    return "沿用前面问题中的" + "、".join(parts) + "。"


def tool_answer(question: str, clauses: Mapping[str, Clause], history: list[str] | None = None,
                home: Path | None = None) -> Answer | None:
    """Answer ``question`` with a calculator, or return None when it is not a calculation.

    Args:
        question: the user's question.
        clauses: clauses by id (to cite; 附件2 rows are read from here when present).
        history: the user's earlier questions, oldest first (for follow-ups).
        home: the data folder whose ``packs/`` hold the packs of ingested files (default: from
            the environment).
    Returns:
        The answer (``abstained`` False) with citations and ``tool_calls``, or None.
    """
    dirs = pack_dirs(home)
    routed = route(question, history, clauses, dirs)
    if routed is None:
        return None
    spec = get_tool(routed.tool, clauses, dirs)
    labels = {a.name: a.label for a in spec.active.spec.arguments} if spec.active is not None else {}
    cites = CitationList()

    def mark(clause_id: str | None) -> str:
        clause = clauses.get(clause_id) if clause_id else None
        return cites.mark(clause) if clause is not None else ""

    if routed.missing:
        text = (f"这可以按{_label(clauses, spec.clause_id)}的规定计算{mark(spec.clause_id)}，"
                f"但问题中缺少：{'；'.join(routed.missing)}。请补充后再问。")
        return Answer(question=question, answer=text, abstained=False,
                      citations=cites.citations, tool_calls=[])
    try:
        result = run_tool(routed.tool, routed.arguments, clauses=clauses, dirs=dirs)
    except ToolInputError as err:
        text = f"无法计算{mark(spec.clause_id)}：{err}"
        return Answer(question=question, answer=text, abstained=False, citations=cites.citations,
                      tool_calls=[ToolCall(name=routed.tool, arguments=routed.arguments, error=str(err))])
    sentence = _with_marker(summary(result, spec.active), mark(result.get("clause_id")))
    lines = [_reused(routed, labels) + sentence] + details(result)
    return Answer(question=question, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=[ToolCall(name=routed.tool, arguments=routed.arguments, result=result)])


def _label(clauses: Mapping[str, Clause], clause_id: str | None) -> str:
    clause = clauses.get(clause_id) if clause_id else None
    return clause.label if clause is not None else "本文件"
