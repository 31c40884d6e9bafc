"""Tables as the index holds them: row clauses (``kind="row"``) grouped under their table.

A table is read from the clauses alone: its columns are the headers its rows repeat, its
rows are the row clauses, and its total row is the one whose key is a total word (合计,
全县 …) or, failing that, the first or last row whose figures are the sums of the others.
Nothing here knows a particular document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict

from assistant.models import Clause

# Keys that name the total of a table in Chinese administrative tables.
_TOTAL_KEY = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|总数|汇总|共计|全部|全\s*[区市县省镇乡州盟旗])$")
# A unit in parentheses at the end of a header: 创建绿色工厂（家） -> 家.
_UNIT = re.compile(r"[（(]([^（）()]{1,8})[）)]\s*$")


class Column(BaseModel):
    """A value column: its full header, the header less its unit, and the unit."""

    model_config = ConfigDict(frozen=True)

    index: int
    header: str
    name: str
    unit: str = ""


class Row(BaseModel):
    """One row: its key, its clause (to cite), its cell texts and their numbers."""

    model_config = ConfigDict(frozen=True)

    key: str
    clause: Clause
    cells: list[str]
    numbers: list[Decimal | None]
    is_total: bool = False

    def number(self, column: Column) -> Decimal | None:
        """The row's number under ``column`` (None for a cell that is not a number)."""
        return self.numbers[column.index] if column.index < len(self.numbers) else None

    def cell(self, column: Column) -> str:
        """The row's cell text under ``column``."""
        return self.cells[column.index] if column.index < len(self.cells) else ""


class Table(BaseModel):
    """A table of the index: the clause that holds it, its columns and rows."""

    model_config = ConfigDict(frozen=True)

    id: str
    clause: Clause | None
    label: str
    number: str | None = None
    columns: list[Column]
    rows: list[Row]

    @property
    def total(self) -> Row | None:
        """The total row (全县 / 合计 …), if the table has one."""
        return next((r for r in self.rows if r.is_total), None)

    @property
    def body(self) -> list[Row]:
        """The rows other than the total: the ones superlatives, filters and sums range over."""
        return [r for r in self.rows if not r.is_total]


def parse_number(cell: str) -> Decimal | None:
    """The number a cell holds ("1.8", "12%", "1,500"), or None when it holds none."""
    text = cell.strip().replace(",", "").replace("，", "").rstrip("%％").strip()
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def column_of(index: int, header: str) -> Column:
    """A column from its header: the unit in its closing parentheses is split off."""
    m = _UNIT.search(header)
    name = header[: m.start()].strip() if m else header.strip()
    return Column(index=index, header=header, name=name or header, unit=m.group(1).strip() if m else "")


def _sums_others(row: Row, others: list[Row]) -> bool:
    """Does ``row`` hold the sums of ``others`` in at least two columns (and most numeric ones)?"""
    hits = tried = 0
    for i, value in enumerate(row.numbers):
        parts = [o.numbers[i] for o in others if i < len(o.numbers)]
        if value is None or any(p is None for p in parts) or not parts:
            continue
        tried += 1
        hits += sum(parts) == value
    return hits >= 2 and hits * 2 > tried


_LAST_TABLES: list = [None, 0, []]  # the clause mapping last seen, its size, its tables


def tables_of(clauses: Mapping[str, Clause]) -> list[Table]:
    """The tables among ``clauses``: row clauses grouped by parent and header, in order.

    The tables of the mapping last seen are kept: the index's mapping is asked at every
    question and is replaced, never changed in place, when the index changes.

    Args:
        clauses: clauses by id (the index's, or one document's).
    Returns:
        One :class:`Table` per run of rows sharing a parent and the same headers.
    """
    if _LAST_TABLES[0] is clauses and _LAST_TABLES[1] == len(clauses):
        return list(_LAST_TABLES[2])
    tables = _tables_of(clauses)
    _LAST_TABLES[:] = [clauses, len(clauses), tables]
    return list(tables)


def _tables_of(clauses: Mapping[str, Clause]) -> list[Table]:
    groups: dict[tuple[str, tuple[str, ...]], list[Clause]] = {}
    for clause in clauses.values():
        if clause.kind == "row" and clause.table is not None and clause.table.columns:
            key = (clause.parent_id or clause.doc_id, tuple(clause.table.columns))
            groups.setdefault(key, []).append(clause)
    tables = []
    per_parent: dict[str, int] = {}
    for parent_id, _ in groups:
        per_parent[parent_id] = per_parent.get(parent_id, 0) + 1
    seen: dict[str, int] = {}
    for (parent_id, headers), members in groups.items():
        members.sort(key=lambda c: c.order)
        rows = [Row(key=c.table.key.strip(), clause=c, cells=list(c.table.values),
                    numbers=[parse_number(v) for v in c.table.values]) for c in members]
        totals = [i for i, r in enumerate(rows) if _TOTAL_KEY.match(r.key)]
        if not totals and len(rows) >= 3:
            for i in (0, len(rows) - 1):
                if _sums_others(rows[i], rows[:i] + rows[i + 1:]):
                    totals = [i]
                    break
        rows = [r.model_copy(update={"is_total": i in totals}) for i, r in enumerate(rows)]
        parent = clauses.get(parent_id)
        label = parent.label if parent is not None else members[0].label.rsplit(" ", 1)[0]
        seen[parent_id] = seen.get(parent_id, 0) + 1
        # Two tables under one annex (different headers) get #1, #2 after the annex id.
        table_id = parent_id if per_parent[parent_id] == 1 else f"{parent_id}#{seen[parent_id]}"
        tables.append(Table(id=table_id, clause=parent, label=label,
                            number=parent.number if parent is not None else None,
                            columns=[column_of(i, h) for i, h in enumerate(headers)], rows=rows))
    return tables

