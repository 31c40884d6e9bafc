"""Route a plain Chinese question to a calculator, without a language model.

The calculators are those of the packs of the indexed documents. ``route`` tries them in
pack order: a tool is chosen when all its trigger words occur in the question, the
question gives the quantities it needs, and the question gives numbers or asks for one
(a question that names a rule but gives no number asks for the rule's wording and is left
to retrieval). Its arguments are read from the question's quantities (see
:mod:`assistant.tools.extract`). Follow-ups reuse the previous calculation: "那股权收购呢？"
takes the amount of the earlier question, and says so in ``from_history``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.models import Clause
from assistant.packs.loader import ActiveTool, active_tools
from assistant.tools import extract as ex
from assistant.tools.extract import Filled, Parsed

_CONVERT_TARGET = re.compile(r"(?:是|等于|合|折合|换算成?|换成|为|约)?\s*多少\s*(?:个)?(平方米|平米|亩|公顷|万平方米|万元|亿元|元)")
_PROGRESS = r"已完成|完成了|已经完成|进度|完成率|完成情况|已"
_UNKNOWN_ROW_RE = re.compile(r"([\u4e00-\u9fff]{2})(?:街道|区块)")
_NOT_A_NAME = re.compile(r"^[各每该本此哪某个些的其全所]|[各每该本此哪某个些的其]$")
_DATE_KINDS = ("date", "month_day")
_TERM_KINDS = ("year", "date")


class Routed(BaseModel):
    """The calculator a question asks for, its arguments, and what is still missing."""

    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=list, description="Chinese description of each missing argument")
    from_history: list[str] = Field(default_factory=list, description="arguments taken from an earlier question")


# -- table rows and columns --------------------------------------------------------

def _rows(tool: ActiveTool, clauses: Mapping[str, Clause]) -> list[str]:
    from assistant.tools.calculators.annex2 import load_rows, table_id

    try:
        return [r.row.key for r in load_rows(clauses, table_id(tool))]
    except Exception:  # noqa: BLE001 - no rows: the table tools do not apply
        return []


def find_row_name(p: Parsed, tool: ActiveTool, clauses: Mapping[str, Clause]) -> str | None:
    """The table row a question names, or an unknown ``XX街道`` name, or None."""
    for key in sorted(_rows(tool, clauses), key=len, reverse=True):
        if key in p.text:
            return key
    words = tool.spec.params.get("total_words")
    if words and re.search(words, p.text):
        return str(tool.spec.params.get("total_row", ""))
    m = _UNKNOWN_ROW_RE.search(p.text)
    if m and not _NOT_A_NAME.search(m.group(1)):
        return m.group(1)
    return None


def _column_word(p: Parsed, tool: ActiveTool) -> str | None:
    # The most specific column word (listed last) wins, wherever it stands.
    for entry in reversed(tool.spec.params.get("question_columns", [])):
        pattern, _, meant = str(entry).partition("=")
        m = re.search(pattern, p.text)
        if m:
            return meant or m.group(0)
    return None


def read_table_cell(p: Parsed, tool: ActiveTool, clauses: Mapping[str, Clause], lenient: bool) -> Filled | None:
    """Row and column of a table cell question; None when no row is named."""
    row = find_row_name(p, tool, clauses)
    if row is None:
        return None
    column = _column_word(p, tool)
    if column is None and not p.has(r"任务|指标"):
        return None
    f = Filled(arguments={"street": row})
    if column:
        f.arguments["column"] = column
    else:
        f.missing["column"] = str(tool.spec.params.get("column_hint", "列"))
    return f


def read_table_progress(p: Parsed, tool: ActiveTool, clauses: Mapping[str, Clause], lenient: bool) -> Filled | None:
    """Row, column and the amount achieved; None when no row or no number is given."""
    row = find_row_name(p, tool, clauses)
    numbers = [q for q in p.quantities if q.kind in ("number", "area", "count", "percent")]
    if row is None or not numbers:
        return None
    q = numbers[0]
    f = Filled(arguments={"street": row, "achieved": ex.as_text(q.value)})
    column = _column_word(p, tool) or tool.spec.params.get("unit_columns", {}).get(q.unit or "")
    if column:
        f.arguments["column"] = column
    else:
        f.missing["column"] = str(tool.spec.params.get("column_hint", "列"))
    return f


def read_table_totals(p: Parsed, tool: ActiveTool, clauses: Mapping[str, Clause], lenient: bool) -> Filled | None:
    """A totals check takes no arguments."""
    return Filled()


# -- readers by name -----------------------------------------------------------------

Reader = Callable[[Parsed, ActiveTool, Mapping[str, Clause], bool], "Filled | None"]


def _fixed(fn: Callable[..., Filled], **params: str) -> Reader:
    def read(p: Parsed, tool: ActiveTool, clauses: Mapping[str, Clause], lenient: bool) -> Filled:
        extra = {k: tool.spec.params[v] for k, v in params.items() if v in tool.spec.params}
        return fn(p, lenient, **extra)
    return read


READERS: dict[str, Reader] = {
    "table_cell": read_table_cell,
    "table_progress": read_table_progress,
    "table_totals": read_table_totals,
    "ratio_against_floor": _fixed(ex.extract_plot_ratio),
    "share_within_cap": _fixed(ex.extract_ancillary, part_words="part_words"),
    "quotient_per_area": _fixed(ex.extract_tax_per_mu),
    "growth_path": _fixed(ex.extract_tax_growth_path),
    "growth_rate": _fixed(ex.extract_tax_growth_rate),
    "latest_term": _fixed(ex.extract_joint),
}


def read(p: Parsed, tool: ActiveTool, clauses: Mapping[str, Clause], lenient: bool = False) -> Filled | None:
    """Fill ``tool``'s arguments from ``p`` with its named reader, or from its pack arguments."""
    reader = READERS.get(tool.spec.reader or "")
    if reader is not None:
        return reader(p, tool, clauses, lenient)
    return ex.read_arguments(p, tool.spec.arguments, lenient)


# -- choosing a tool -------------------------------------------------------------------

def _triggered(p: Parsed, tool: ActiveTool) -> bool:
    if not tool.spec.triggers or not all(p.has(t) for t in tool.spec.triggers):
        return False
    return all(len(p.of_kind(kind)) >= n for kind, n in tool.spec.needs.items())


def _is_calculation(p: Parsed, tool: ActiveTool) -> bool:
    """A rule question becomes a calculation when it gives the numbers the rule takes or asks for one."""
    asks = bool(tool.spec.asks) and p.has(tool.spec.asks)
    kinds = {a.kind for a in tool.spec.arguments}
    if "date" in kinds:
        return bool(p.of_kind(*_DATE_KINDS)) or asks
    if tool.spec.mechanism == "latest_term":
        return bool(p.of_kind(*_TERM_KINDS)) or asks
    return any(q.kind != "number" for q in p.quantities) or asks


def _table(tool: ActiveTool) -> bool:
    return tool.spec.mechanism.startswith("table_")


def _convert(p: Parsed) -> Routed | None:
    m = _CONVERT_TARGET.search(p.text)
    if not m:
        return None
    target = m.group(1)
    kind = "money" if target.endswith("元") else "area"
    qs = [q for q in p.quantities if q.kind == kind and q.start < m.start() + 1]
    if len(qs) != 1:
        return None
    f = ex.extract_convert(Parsed(p.text, qs), kind)
    return Routed(tool="convert_area" if kind == "area" else "convert_money", arguments=f.arguments)


def _routed(tool: str, f: Filled) -> Routed:
    return Routed(tool=tool, arguments=f.arguments, missing=f.still_missing(f.arguments))


def route_one(question: str, clauses: Mapping[str, Clause], follow_up: bool = False,
              tools: list[ActiveTool] | None = None) -> Routed | None:
    """Route ``question`` on its own (no history). See :func:`route`.

    ``follow_up`` drops the requirement that a rule question give or ask for a number
    ("那股权收购呢？" continues an earlier calculation).
    """
    p = Parsed.of(question)
    tools = tools if tools is not None else active_tools(clauses)
    claimed = False
    for tool in tools:
        if not _triggered(p, tool):
            continue
        if _table(tool):
            f = read(p, tool, clauses)
            if f is not None:
                return _routed(tool.name, f)
            continue
        claimed = True
        if follow_up or _is_calculation(p, tool):
            f = read(p, tool, clauses)
            if f is not None:
                return _routed(tool.name, f)
    return None if claimed else _convert(p)


_FOLLOW_UP = r"呢|如果|要是|换成|改成|假如|假设"


def route(question: str, history: list[str] | None = None, clauses: Mapping[str, Clause] | None = None,
          dirs: Iterable[Path] | None = None, tables: bool = True) -> Routed | None:
    """Pick the calculator a question asks for and fill its arguments.

    Args:
        question: the user's question.
        history: the user's earlier questions, oldest first. A follow-up that names a rule
            but no amount ("那股权收购呢？") reuses the amount of the latest earlier
            question that gives one; one that gives only a number ("如果是3000万呢？")
            reruns the earlier calculator with it. Reused arguments are listed in
            ``from_history``.
        clauses: the indexed clauses (they decide which packs are active); the index in
            the data folder when omitted.
        dirs: folders holding the packs (default: the data folder's ``packs/`` and the shipped corpus).
        tables: also route to the packs' table tools (``table_*`` mechanisms). In chat the
            table route (:mod:`assistant.tables`) reads any indexed table, so chat passes False
            and a table tool cannot claim a question because a row-like word occurs in it.
    Returns:
        The routing, or None when the question is not a calculation.
    """
    if clauses is None:
        from assistant.tools.registry import indexed_clauses

        clauses = indexed_clauses()
    tools = [t for t in active_tools(clauses, dirs) if tables or not _table(t)]
    by_name = {t.name: t for t in tools}
    history = history or []
    p = Parsed.of(question)
    follow_up = bool(history) and p.has(_FOLLOW_UP)
    routed = route_one(question, clauses, follow_up=follow_up, tools=tools)
    if routed is not None:
        return _reuse_amount(routed, history, by_name, clauses) if routed.missing else routed
    if not follow_up or not p.quantities:
        return None
    prev = next((r for r in (route_one(h, clauses, tools=tools) for h in reversed(history)) if r is not None), None)
    if prev is None or prev.tool not in by_name or _table(by_name[prev.tool]):
        return None
    f = read(p, by_name[prev.tool], clauses, lenient=True)
    if f is None or not f.arguments:
        return None
    args = {**prev.arguments, **f.arguments}
    return Routed(tool=prev.tool, arguments=args, missing=f.still_missing(args),
                  from_history=[k for k in prev.arguments if k not in f.arguments])


def _reuse_amount(routed: Routed, history: list[str], by_name: dict[str, ActiveTool],
                  clauses: Mapping[str, Clause]) -> Routed:
    """Fill a follow-up's missing amount from the latest earlier question that gives one.

    Only the argument the pack marks ``reusable`` is taken; with ``reuse_lenient`` any single
    amount of the earlier question will do, otherwise it must be labelled as that argument.
    """
    tool = by_name.get(routed.tool)
    if tool is None or not tool.spec.reusable or tool.spec.reusable in routed.arguments:
        return routed
    arg = tool.spec.reusable
    for h in reversed(history):
        hp = Parsed.of(h)
        if len(hp.of_kind("money")) != 1:
            continue
        f = read(hp, tool, clauses, lenient=tool.spec.reuse_lenient)
        if f is not None and arg in f.arguments:
            args = {**routed.arguments, arg: f.arguments[arg]}
            return Routed(tool=routed.tool, arguments=args, missing=[], from_history=[arg])
    return routed
