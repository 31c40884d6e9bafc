"""Street targets of 附件2 各街道（区块）工作任务分解表: cells, progress, totals.

Every value comes from the parsed corpus (rows ``lzb-2024-22:a2.r1`` .. ``a2.r13``);
nothing of the table is written here except words that help find a column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from pydantic import BaseModel, Field

from assistant.errors import ClauseNotFoundError, ToolInputError
from assistant.models import Clause, TableRow
from assistant.tools.calculators.base import (
    CalcInput,
    Number,
    ToolResult,
    clause_id,
    inputs_of,
)
from assistant.tools.units import PCT_PLACES, fmt, plain, round_to

TABLE_ID = clause_id("a2")
ROW_ID_RE = re.compile(re.escape(TABLE_ID) + r"\.r(\d+)$")
DISTRICT_KEY = "全区"

# Words a person uses for a column -> a part of its header text.
COLUMN_ALIASES: list[tuple[str, str]] = [
    ("容积率", "容积率提升项目"),
    ("亩均税", "亩均税"),
    ("增长率", "亩均税"),
    ("绿色工厂", "绿色工厂"),
    ("散乱污", "散乱污"),
    ("低效企业", "低效企业"),
    ("建筑面积", "新增竣工建筑面积"),
    ("挖潜", "新增竣工建筑面积"),
    ("万平方米", "新增竣工建筑面积"),
    ("涉企用地", "涉企用地"),
    ("用地", "涉企用地"),
    ("亩", "涉企用地"),
    ("老旧工业区块", "改造提升老旧工业区块"),
    ("区块", "改造提升老旧工业区块"),
]
STREET_SUFFIXES = ("街道办事处", "街道", "经济发展中心", "开发区", "区块", "区")


class Annex2Row(BaseModel):
    """One row of the table with the id of the clause it was parsed into."""

    clause_id: str
    row: TableRow


def load_rows(clauses: Mapping[str, Clause] | None = None) -> list[Annex2Row]:
    """Return the rows of 附件2 from the parsed corpus, in document order.

    Args:
        clauses: clauses by id; the shipped corpus when omitted.
    Returns:
        The rows (first is 全区).
    Raises:
        ClauseNotFoundError: the corpus holds no 附件2 rows.
    """
    if clauses is None:
        from assistant.corpus import clause_map

        clauses = clause_map()
    found = []
    for cid, clause in clauses.items():
        m = ROW_ID_RE.match(cid)
        if m and clause.table is not None:
            found.append((int(m.group(1)), Annex2Row(clause_id=cid, row=clause.table)))
    if not found:
        raise ClauseNotFoundError(f"附件2 的行（{TABLE_ID}.r1 起）不在语料中；请检查语料解析。")
    return [r for _, r in sorted(found, key=lambda t: t[0])]


def normalize_street(name: str) -> str:
    """Strip suffixes like 街道/街道办事处/区 from a street name (保税区 -> 保税)."""
    s = name.strip()
    if s in ("全区合计", "合计", "全区", "北仑区", "全区总计"):
        return DISTRICT_KEY
    for suffix in STREET_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def find_row(rows: list[Annex2Row], street: str) -> Annex2Row:
    """The row of ``street`` (suffixes tolerated). Raises ToolInputError naming ``street``."""
    key = normalize_street(street)
    for r in rows:
        if r.row.key == key:
            return r
    valid = "、".join(r.row.key for r in rows)
    raise ToolInputError(f"street：附件2 中没有“{street}”。可用的街道（区块）：{valid}。")


def find_column(columns: list[str], text: str) -> str:
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
    for word, part in COLUMN_ALIASES:
        if word in t:
            hits = [c for c in columns if part in c]
            if len(hits) == 1:
                return hits[0]
    raise ToolInputError(f"column：附件2 中没有与“{text}”对应的列。可用的列：{'；'.join(columns)}。")


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
        raise ToolInputError(f"附件2 {row.row.key}“{column}”的单元格不是数字：{text!r}") from None


# -- street_target -----------------------------------------------------------------

class StreetTargetInput(CalcInput):
    street: str = Field(min_length=1, description="街道（区块）名称，如 新碶、保税；全区 为合计行")
    column: str = Field(min_length=1, description="任务列：列名或其中的词，如 用地、绿色工厂、容积率、亩均税")


class StreetTargetResult(ToolResult):
    street: str
    column: str
    target: Decimal
    unit: str


def street_target(inp: StreetTargetInput, rows: list[Annex2Row] | None = None) -> StreetTargetResult:
    """One cell of 附件2: a street's target in one column.

    Args:
        inp: street and column (names tolerated, see :func:`find_column`).
        rows: the table rows; the shipped corpus when omitted.
    Returns:
        The target with its unit, citing the row's clause.
    """
    rows = rows if rows is not None else load_rows()
    row = find_row(rows, inp.street)
    col = find_column(row.row.columns, inp.column)
    value, unit = cell_value(row, col), column_unit(col)
    return StreetTargetResult(
        tool="street_target", clause_id=row.clause_id, formula=f"附件2：{row.row.key} × {col} = {fmt(value)}{unit}",
        inputs=inputs_of(inp), street=row.row.key, column=col, target=value, unit=unit,
        notes=["2024—2026年的任务分解（见三、实施目标）"])


# -- target_progress ---------------------------------------------------------------

class TargetProgressInput(StreetTargetInput):
    achieved: Number = Field(ge=0, description="已完成量，单位与该列相同")


class TargetProgressResult(StreetTargetResult):
    achieved: Decimal
    completion_pct: Decimal
    remaining: Decimal
    met: bool


def target_progress(inp: TargetProgressInput, rows: list[Annex2Row] | None = None) -> TargetProgressResult:
    """Progress against a street's target: completion % and what remains.

    Args:
        inp: street, column and the amount achieved (in the column's unit).
        rows: the table rows; the shipped corpus when omitted.
    Returns:
        Completion in % (rounded to 0.01), the remainder (0 when met), citing the row.
    Raises:
        ToolInputError: the target is 0 (no percentage can be formed).
    """
    rows = rows if rows is not None else load_rows()
    row = find_row(rows, inp.street)
    col = find_column(row.row.columns, inp.column)
    target, unit = cell_value(row, col), column_unit(col)
    if target == 0:
        raise ToolInputError(f"column：{row.row.key}“{col}”的任务为0，无法计算完成率。")
    pct = round_to(Fraction(inp.achieved) / Fraction(target) * 100, PCT_PLACES)
    remaining = plain(max(target - inp.achieved, Decimal(0)))
    return TargetProgressResult(
        tool="target_progress", clause_id=row.clause_id,
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


def annex2_totals_check(inp: TotalsCheckInput | None = None,
                        rows: list[Annex2Row] | None = None) -> TotalsCheckResult:
    """Check the 全区 row of 附件2 against the sum of the street rows, column by column.

    A rate column (%) is not additive: instead every street is compared with 全区.

    Args:
        inp: nothing (kept for a uniform signature).
        rows: the table rows; the shipped corpus when omitted.
    Returns:
        One check per column and whether all match, citing the table clause.
    """
    rows = rows if rows is not None else load_rows()
    district = find_row(rows, DISTRICT_KEY)
    streets = [r for r in rows if r.row.key != DISTRICT_KEY]
    checks = []
    for col in district.row.columns:
        unit, total = column_unit(col), cell_value(district, col)
        values = [cell_value(r, col) for r in streets]
        if unit == "%":
            same = all(v == total for v in values)
            checks.append(ColumnCheck(column=col, unit=unit, district_total=total, streets_sum=None, matches=same,
                                      note="比率不可相加：核对各街道是否与全区相同"))
        else:
            s = plain(sum(values, Decimal(0)))
            checks.append(ColumnCheck(column=col, unit=unit, district_total=total, streets_sum=s,
                                      matches=s == total))
    summary = "；".join(f"{c.column}：{fmt(c.streets_sum)} vs {fmt(c.district_total)}"
                       for c in checks if c.streets_sum is not None)
    return TotalsCheckResult(
        tool="annex2_totals_check", clause_id=TABLE_ID,
        formula=f"各列：{len(streets)}个街道（区块）之和 = 全区？ {summary}",
        inputs={}, columns=checks, all_match=all(c.matches for c in checks),
        streets=[r.row.key for r in streets])
