"""Operations over a table: cells, superlatives, filters, sums and shares, comparisons,
progress against a target, and the check that the rows add up to the total row.

Each returns a typed result whose figures are strings of exact Decimals (so a tool call
can be checked against the cited rows); percentages are rounded to two places. The
total row never takes part in a superlative, a filter or a sum of rows: it is the whole.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel

from assistant.errors import AssistantError
from assistant.tables.table import Column, Row, Table

_CENT = Decimal("0.01")


class TableCellError(AssistantError):
    """A table cell that an operation needs is not a number (or a target is zero)."""


def fmt(value: Decimal) -> str:
    """A Decimal as a person writes it: 1500, 0.5, 48.5 (no exponent, no trailing zeros)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def percent(part: Decimal, whole: Decimal) -> str:
    """``part`` as a percentage of ``whole``, to two places ("48.00")."""
    return str((part * 100 / whole).quantize(_CENT, rounding=ROUND_HALF_UP))


def is_rate(column: Column) -> bool:
    """A rate column (unit %, or a header ending in 率): its cells do not add up."""
    return column.unit in ("%", "％") or column.name.endswith("率")


def _need(row: Row, column: Column) -> Decimal:
    value = row.number(column)
    if value is None:
        raise TableCellError(f"表格“{row.key}”行“{column.header}”列的内容是“{row.cell(column)}”，不是数字，"
                             "无法计算。请查看该行原文。")
    return value


class Cell(BaseModel):
    """One cell: row key, column header, cell text, unit."""

    row: str
    column: str
    value: str
    unit: str


def cells(rows: list[Row], columns: list[Column]) -> list[Cell]:
    """The cells of ``rows`` under ``columns`` (all columns when ``columns`` is empty)."""
    return [Cell(row=r.key, column=c.header, value=r.cell(c), unit=c.unit)
            for r in rows for c in (columns or [])]


class Extreme(BaseModel):
    """The rows holding the largest or smallest value of a column (all tied rows)."""

    column: str
    direction: Literal["max", "min"]
    value: str
    unit: str
    rows: list[str]
    compared: dict[str, str]


def extreme(table: Table, column: Column, direction: Literal["max", "min"],
            among: list[Row] | None = None) -> Extreme:
    """The row(s) with the largest/smallest number under ``column``; ties all returned.

    Args:
        table: the table.
        column: the column compared.
        direction: ``max`` or ``min``.
        among: rows to compare (default: every row but the total).
    """
    pool = [r for r in (among or table.body) if not r.is_total and r.number(column) is not None]
    if not pool:
        raise TableCellError(f"表格“{table.label}”的“{column.header}”列没有可比较的数字。")
    values = {r.key: r.number(column) for r in pool}
    best = max(values.values()) if direction == "max" else min(values.values())
    return Extreme(column=column.header, direction=direction, value=fmt(best), unit=column.unit,
                   rows=[k for k, v in values.items() if v == best],
                   compared={k: fmt(v) for k, v in values.items()})


class Filtered(BaseModel):
    """The rows whose value passes a comparison with a threshold."""

    column: str
    comparator: Literal[">", ">=", "<", "<=", "=="]
    threshold: str
    unit: str
    rows: list[str]
    values: dict[str, str]
    at_threshold: list[str]


def filter_rows(table: Table, column: Column, comparator: Literal[">", ">=", "<", "<=", "=="],
                threshold: Decimal) -> Filtered:
    """The rows (total excluded) whose number under ``column`` passes ``comparator threshold``.

    ``at_threshold`` lists rows exactly at the threshold that a strict comparison left out.
    """
    test = {">": lambda v: v > threshold, ">=": lambda v: v >= threshold,
            "<": lambda v: v < threshold, "<=": lambda v: v <= threshold, "==": lambda v: v == threshold}[comparator]
    pool = [r for r in table.body if r.number(column) is not None]
    passed = [r for r in pool if test(r.number(column))]
    at = [r.key for r in pool if r.number(column) == threshold and r not in passed]
    return Filtered(column=column.header, comparator=comparator, threshold=fmt(threshold), unit=column.unit,
                    rows=[r.key for r in passed], values={r.key: fmt(r.number(column)) for r in passed},
                    at_threshold=at)


class Summed(BaseModel):
    """The sum of a column over some rows, and its share of the total row."""

    column: str
    unit: str
    rows: list[str]
    values: dict[str, str]
    sum: str
    total_row: str | None = None
    total: str | None = None
    share_percent: str | None = None
    formula: str = ""


def sum_rows(table: Table, column: Column, rows: list[Row], share: bool = False) -> Summed:
    """Add ``column`` over ``rows`` (the total row left out); with ``share``, the sum as a
    percentage of the total row."""
    body = [r for r in rows if not r.is_total]
    values = {r.key: _need(r, column) for r in body}
    total = sum(values.values(), Decimal(0))
    shown = {k: fmt(v) for k, v in values.items()}
    out = Summed(column=column.header, unit=column.unit, rows=list(values), values=shown, sum=fmt(total),
                 formula=f"{'+'.join(shown.values())}={fmt(total)}")
    if share and table.total is not None:
        whole = _need(table.total, column)
        if whole == 0:
            raise TableCellError(f"“{table.total.key}”行“{column.header}”列为0，无法计算占比。")
        share_percent = percent(total, whole)
        out = out.model_copy(update={"total_row": table.total.key, "total": fmt(whole), "share_percent": share_percent,
                                     "formula": f"{out.formula}；{fmt(total)}÷{fmt(whole)}×100%={share_percent}%"})
    return out


class Compared(BaseModel):
    """Two rows compared under one column."""

    column: str
    unit: str
    first: str
    second: str
    first_value: str
    second_value: str
    larger: str | None
    difference: str


def compare(column: Column, first: Row, second: Row) -> Compared:
    """Which of two rows has more under ``column``, and by how much (None when equal)."""
    a, b = _need(first, column), _need(second, column)
    larger = first.key if a > b else second.key if b > a else None
    return Compared(column=column.header, unit=column.unit, first=first.key, second=second.key,
                    first_value=fmt(a), second_value=fmt(b), larger=larger, difference=fmt(abs(a - b)))


class Progress(BaseModel):
    """Progress of a row against its target cell."""

    row: str
    column: str
    unit: str
    target: str
    achieved: str
    rate_percent: str
    remaining: str
    exceeded: str
    formula: str


def progress(row: Row, column: Column, achieved: Decimal) -> Progress:
    """``achieved`` against the row's target under ``column``: rate, what remains, any excess."""
    target = _need(row, column)
    if target == 0:
        raise TableCellError(f"“{row.key}”行“{column.header}”列的目标为0，无法计算完成率。")
    rate = percent(achieved, target)
    return Progress(row=row.key, column=column.header, unit=column.unit, target=fmt(target),
                    achieved=fmt(achieved), rate_percent=rate, formula=f"{fmt(achieved)}÷{fmt(target)}×100%={rate}%",
                    remaining=fmt(max(target - achieved, Decimal(0))),
                    exceeded=fmt(max(achieved - target, Decimal(0))))


class ColumnCheck(BaseModel):
    """One column of a totals check."""

    column: str
    unit: str
    rows_sum: str | None
    total: str | None
    matches: bool | None
    difference: str | None = None
    note: str | None = None


class TotalsCheck(BaseModel):
    """Do the rows add up to the total row, column by column?"""

    total_row: str
    rows: list[str]
    columns: list[ColumnCheck]


def totals_check(table: Table, columns: list[Column] | None = None) -> TotalsCheck:
    """Compare, per column, the sum of the rows with the total row.

    A rate column (unit %, or a header ending in 率) is not a sum of its rows: it is
    reported with a note instead of a verdict, as is a column with a non-numeric cell.
    """
    total = table.total
    if total is None:
        raise TableCellError(f"表格“{table.label}”没有合计行（如“合计”“总计”），无法核对各行之和。")
    checks = []
    for c in columns or table.columns:
        if is_rate(c):
            checks.append(ColumnCheck(column=c.header, unit=c.unit, rows_sum=None, total=total.cell(c),
                                      matches=None, note="比率列，各行不相加"))
            continue
        values = [r.number(c) for r in table.body]
        whole = total.number(c)
        if whole is None or any(v is None for v in values):
            checks.append(ColumnCheck(column=c.header, unit=c.unit, rows_sum=None, total=total.cell(c),
                                      matches=None, note="有非数字单元格，未核对"))
            continue
        s = sum(values, Decimal(0))
        checks.append(ColumnCheck(column=c.header, unit=c.unit, rows_sum=fmt(s), total=fmt(whole),
                                  matches=s == whole, difference=fmt(s - whole)))
    return TotalsCheck(total_row=total.key, rows=[r.key for r in table.body], columns=checks)
