"""Answer a calculation question: route it, run the calculator, compose the cited answer.

The answer states the result with its unit, shows the formula and the conditions the
rule sets, cites the clause that defines the rule with a ``[n]`` marker, and lists the
calculator run in ``tool_calls``. A missing argument is asked for (the clause is still
cited); an invalid one is reported by field, and no number is given as a result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from assistant.answer.cite import CitationList
from assistant.errors import ToolInputError
from assistant.models import Answer, Clause, ToolCall
from assistant.packs.loader import pack_dirs
from assistant.tools.extract import Parsed
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
                home: Path | None = None, tables: bool = False) -> Answer | None:
    """Answer ``question`` with a calculator, or return None when it is not a calculation.

    Args:
        question: the user's question.
        clauses: clauses by id (to cite; 附件2 rows are read from here when present).
        history: the user's earlier questions, oldest first (for follow-ups).
        home: the data folder whose ``packs/`` hold the packs of ingested files (default: from
            the environment).
        tables: also answer with the packs' table tools. Chat leaves tables to the table route
            (:mod:`assistant.tables`), which reads any indexed table.
    Returns:
        The answer (``abstained`` False) with citations and ``tool_calls``, or None.
    """
    dirs = pack_dirs(home)
    routed = route(question, history, clauses, dirs, tables=tables)
    if routed is None:
        return None
    spec = get_tool(routed.tool, clauses, dirs)
    labels = {a.name: a.label for a in spec.active.spec.arguments} if spec.active is not None else {}
    cites = CitationList()

    def mark(clause_id: str | None) -> str:
        clause = clauses.get(clause_id) if clause_id else None
        return cites.mark(clause) if clause is not None else ""

    if routed.missing and not routed.arguments and Parsed.of(question).quantities:
        # The question gives figures, none of them this calculator's inputs (三年累计…多少亿 beside
        # a growth-rate rule): it asks about something else, not for this calculation.
        return None
    if routed.missing:
        text = (f"这可以按{_label(clauses, spec.clause_id)}的规定计算{mark(spec.clause_id)}，"
                f"但问题中缺少：{'；'.join(routed.missing)}。请补充后再问。")
        return Answer(question=question, answer=text, abstained=False,
                      citations=cites.citations, tool_calls=[])
    try:
        result = run_tool(routed.tool, routed.arguments, clauses=clauses, dirs=dirs)
    except ToolInputError as err:
        text = f"无法计算{mark(spec.clause_id)}：{chinese_error(str(err), labels, routed.tool)}"
        return Answer(question=question, answer=text, abstained=False, citations=cites.citations,
                      tool_calls=[ToolCall(name=routed.tool, arguments=routed.arguments, error=str(err))])
    sentence = _with_marker(summary(result, spec.active), mark(result.get("clause_id")))
    lines = [_reused(routed, labels) + sentence] + details(result)
    return Answer(question=question, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=[ToolCall(name=routed.tool, arguments=routed.arguments, result=result)])


_CLI_HINT = re.compile(r"[。；]?[^。；]*policy-assistant[^。；]*[。；]?")


def chinese_error(message: str, labels: Mapping[str, str], tool: str) -> str:
    """A calculator's error as a person reads it in chat: code field names (``street``,
    ``rate_wan_yuan_per_mu``) become the fields' Chinese labels, the tool's code name and the
    command-line hint go.

    Args:
        message: the ``ToolInputError`` message.
        labels: Chinese labels of the tool's arguments, by argument name.
        tool: the tool's code name.
    Returns:
        The message without code names.
    """
    message = message.replace(f"{tool} 的参数有误：", "").replace(tool, "计算")
    for name in sorted(labels, key=len, reverse=True):
        message = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])\s*[：:]?\s*",
                         lambda m, n=name: f"{labels[n]}：", message)
    # A field without a label (a table's row or column): the message names the value itself.
    message = re.sub(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\s*[：:]\s*", "", message)
    message = _CLI_HINT.sub("。", message).replace("。。", "。")
    return message


def _label(clauses: Mapping[str, Clause], clause_id: str | None) -> str:
    clause = clauses.get(clause_id) if clause_id else None
    return clause.label if clause is not None else "本文件"
