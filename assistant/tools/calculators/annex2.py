"""Row-by-column tables of targets: a cell, progress against a cell, totals against the sum.

Every value comes from the indexed table clauses (rows ``<table id>.r1`` …); the table's
clause id, the name of its total row and the words people use for its columns come from
the document's pack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from pydantic import BaseModel, Field

from assistant.errors import ClauseNotFoundError, ToolInputError
from assistant.models import Clause, TableRow
from assistant.packs.loader import ActiveTool
from assistant.tools.calculators.base import (
    CalcInput,
    Number,
    ToolResult,
    inputs_of,
)
from assistant.tools.units import PCT_PLACES, fmt, plain, round_to

STREET_SUFFIXES = ("街道办事处", "街道", "经济发展中心", "开发区", "区块", "区")


def table_id(tool: ActiveTool) -> str:
    """The full clause id of the tool's table."""
    t = str(tool.spec.params["table"])
    return t if ":" in t else f"{tool.doc_id}:{t}"


def total_key(tool: ActiveTool) -> str:
    """The row key of the table's total row."""
    return str(tool.spec.params.get("total_row", ""))


class Annex2Row(BaseModel):
    """One row of the table with the id of the clause it was parsed into."""

    clause_id: str
    row: TableRow


def load_rows(clauses: Mapping[str, Clause], table: str) -> list[Annex2Row]:
    """Return the rows of the table ``table`` (a clause id) from the indexed clauses, in order.

    Raises:
        ClauseNotFoundError: the index holds no rows of that table.
    """
    row_re = re.compile(re.escape(table) + r"\.r(\d+)$")
    found = []
    for cid, clause in clauses.items():
        m = row_re.match(cid)
        if m and clause.table is not None:
            found.append((int(m.group(1)), Annex2Row(clause_id=cid, row=clause.table)))
    if not found:
        raise ClauseNotFoundError(f"表格 {table} 的行（{table}.r1 起）不在索引中；请检查文件解析或重新导入。")
    return [r for _, r in sorted(found, key=lambda t: t[0])]


def normalize_street(name: str, total: str = "") -> str:
    """Strip suffixes like 街道/街道办事处/区 from a row name; 合计/总计 words name the total row."""
    s = name.strip()
    if total and (s in ("合计", "总计") or s in (total + "合计", total + "总计")):
        return total
    for suffix in STREET_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def find_row(rows: list[Annex2Row], street: str, total: str = "") -> Annex2Row:
    """The row of ``street`` (suffixes tolerated). Raises ToolInputError naming ``street``."""
    key = normalize_street(street, total)
    for r in rows:
        if r.row.key == key:
            return r
    valid = "、".join(r.row.key for r in rows)
    raise ToolInputError(f"street：表中没有“{street}”这一行。可用的行：{valid}。")


def find_column(columns: list[str], text: str, aliases: list[list[str]] | None = None) -> str:
    """The header meant by ``text``: an exact header, a unique part of one, or a known word.

    Raises:
        ToolInputError: naming ``column`` and listing the headers.
    """
    t = text.strip()
    if t in columns:
        return t
    hits = [c for c in columns if t and t in c]
    if len(hits) == 1:
        return hits[0]
    for word, part in aliases or []:
        if word in t:
            hits = [c for c in columns if part in c]
            if len(hits) == 1:
                return hits[0]
    raise ToolInputError(f"column：表中没有与“{text}”对应的列。可用的列：{'；'.join(columns)}。")


def column_unit(header: str) -> str:
    """The unit in a header's trailing brackets (``…（亩）`` -> ``亩``)."""
    m = re.search(r"[（(]([^（）()]+)[）)]\s*$", header)
    return m.group(1) if m else ""


def cell_value(row: Annex2Row, column: str) -> Decimal:
    """A cell as a Decimal. Raises ToolInputError when the cell is not a number."""
    text = row.row.cell(column)
    try:
        return plain(Decimal(text.strip()))
    except InvalidOperation:
        raise ToolInputError(f"表中 {row.row.key}“{column}”的单元格不是数字：{text!r}") from None


# -- street_target -----------------------------------------------------------------

class StreetTargetInput(CalcInput):
    street: str = Field(min_length=1, description="行名称（如街道、区块），或合计行的名称")
    column: str = Field(min_length=1, description="列：列名或其中的词")


class StreetTargetResult(ToolResult):
    street: str
    column: str
    target: Decimal
    unit: str


def _cell(tool: ActiveTool, inp: StreetTargetInput, rows: list[Annex2Row]) -> tuple[Annex2Row, str]:
    row = find_row(rows, inp.street, total_key(tool))
    return row, find_column(row.row.columns, inp.column, tool.spec.params.get("column_words"))


def street_target(tool: ActiveTool, inp: StreetTargetInput, rows: list[Annex2Row]) -> StreetTargetResult:
    """One cell of a table: a row's target in one column.

    Args:
        tool: the pack entry (table id, column words).
        inp: street and column (names tolerated, see :func:`find_column`).
        rows: the table rows from the index.
    Returns:
        The target with its unit, citing the row's clause.
    """
    row, col = _cell(tool, inp, rows)
    value, unit = cell_value(row, col), column_unit(col)
    return StreetTargetResult(
        tool=tool.name, clause_id=row.clause_id, formula=f"{row.row.key} × {col} = {fmt(value)}{unit}",
        inputs=inputs_of(inp), street=row.row.key, column=col, target=value, unit=unit,
        notes=list(tool.spec.notes))


# -- target_progress ---------------------------------------------------------------

class TargetProgressInput(StreetTargetInput):
    achieved: Number = Field(ge=0, description="已完成量，单位与该列相同")


class TargetProgressResult(StreetTargetResult):
    achieved: Decimal
    completion_pct: Decimal
    remaining: Decimal
    met: bool


def target_progress(tool: ActiveTool, inp: TargetProgressInput, rows: list[Annex2Row]) -> TargetProgressResult:
    """Progress against a street's target: completion % and what remains.

    Args:
        tool: the pack entry (table id, column words).
        inp: street, column and the amount achieved (in the column's unit).
        rows: the table rows from the index.
    Returns:
        Completion in % (rounded to 0.01), the remainder (0 when met), citing the row.
    Raises:
        ToolInputError: the target is 0 (no percentage can be formed).
    """
    row, col = _cell(tool, inp, rows)
    target, unit = cell_value(row, col), column_unit(col)
    if target == 0:
        raise ToolInputError(f"column：{row.row.key}“{col}”的任务为0，无法计算完成率。")
    pct = round_to(Fraction(inp.achieved) / Fraction(target) * 100, PCT_PLACES)
    remaining = plain(max(target - inp.achieved, Decimal(0)))
    return TargetProgressResult(
        tool=tool.name, clause_id=row.clause_id,
        formula=f"完成率 = 已完成 ÷ 任务 = {fmt(inp.achieved)}{unit} ÷ {fmt(target)}{unit} = {fmt(pct)}%",
        inputs=inputs_of(inp), street=row.row.key, column=col, target=target, unit=unit,
        achieved=plain(inp.achieved), completion_pct=pct, remaining=remaining, met=inp.achieved >= target,
        rounding="完成率四舍五入到0.01%")


# -- annex2_totals_check -----------------------------------------------------------

class TotalsCheckInput(CalcInput):
    """No arguments: the check runs over the whole table."""


class ColumnCheck(BaseModel):
    column: str
    unit: str
    district_total: Decimal
    streets_sum: Decimal | None
    matches: bool | None
    note: str | None = None


class TotalsCheckResult(ToolResult):
    columns: list[ColumnCheck]
    all_match: bool
    streets: list[str]


def annex2_totals_check(tool: ActiveTool, inp: TotalsCheckInput, rows: list[Annex2Row]) -> TotalsCheckResult:
    """Check the total row of a table against the sum of the other rows, column by column.

    A rate column (%) is not additive: instead every row is compared with the total.

    Args:
        tool: the pack entry (table id, total row).
        inp: nothing (kept for a uniform signature).
        rows: the table rows from the index.
    Returns:
        One check per column and whether all match, citing the table clause.
    """
    total_row = total_key(tool)
    district = find_row(rows, total_row, total_row)
    streets = [r for r in rows if r.row.key != total_row]
    checks = []
    for col in district.row.columns:
        unit, total = column_unit(col), cell_value(district, col)
        values = [cell_value(r, col) for r in streets]
        if unit == "%":
            same = all(v == total for v in values)
            checks.append(ColumnCheck(column=col, unit=unit, district_total=total, streets_sum=None, matches=same,
                                      note=f"比率不可相加：核对各行是否与{total_row}相同"))
        else:
            s = plain(sum(values, Decimal(0)))
            checks.append(ColumnCheck(column=col, unit=unit, district_total=total, streets_sum=s,
                                      matches=s == total))
    summary = "；".join(f"{c.column}：{fmt(c.streets_sum)} vs {fmt(c.district_total)}"
                       for c in checks if c.streets_sum is not None)
    return TotalsCheckResult(
        tool=tool.name, clause_id=table_id(tool),
        formula=f"各列：{len(streets)}行之和 = {total_row}？ {summary}",
        inputs={}, columns=checks, all_match=all(c.matches for c in checks),
        streets=[r.row.key for r in streets])
