"""Answer a table question: read it, run the operation, compose the cited answer.

The answer states the result first, then the rows it used, each with a ``[n]`` marker
pointing at the row's clause; ``tool_calls`` names the operation with its arguments and
result so every figure can be checked against the cited rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from assistant.answer.cite import CitationList
from assistant.index.tokenize import words
from assistant.models import Answer, Clause, ToolCall
from assistant.tables import ops
from assistant.tables.reading import TableReading, entity_words, read_table_question
from assistant.tables.table import Column, Row, Table, tables_of
from assistant.understand.names import correction_note

_WORDS = {">": "超过", ">=": "不少于", "<": "少于", "<=": "不超过", "==": "为"}


def _q(value: str | None, unit: str) -> str:
    """A value with its unit; an empty cell says so."""
    return f"{value}{unit}" if value else "（空）"


def _name(column: Column) -> str:
    return f"“{column.name}”"


class _Composer:
    """Builds the answer lines and the citations of one reading."""

    def __init__(self, reading: TableReading) -> None:
        self.r = reading
        self.cites = CitationList()
        self.lines: list[str] = []
        self.cited_rows: list[Row] = []
        words = entity_words(reading.table)
        # How to count rows in a sentence: "3个街道" when the title says what the rows are.
        self.rows_word = f"个{words[0]}" if words else "行"

    def mark(self, row: Row) -> str:
        if row not in self.cited_rows:
            self.cited_rows.append(row)
        return self.cites.mark(row.clause)

    def row(self, key: str) -> Row:
        return next(r for r in self.r.table.rows if r.key == key)

    def marks(self, keys: list[str]) -> str:
        return "".join(self.mark(self.row(k)) for k in keys)

    def used(self, keys: list[str], column: Column) -> None:
        """The rows used, one line each: key, value with unit, marker."""
        self.lines.append(f"依据（{self.r.table.label}）：")
        for k in keys:
            row = self.row(k)
            self.lines.append(f"- {k}：{column.header}{row.cell(column)}{self.mark(row)}")


def _cell(c: _Composer) -> dict:
    r = c.r
    parts = []
    for row in r.rows:
        values = "；".join(f"{_name(col)}为{_q(row.cell(col), col.unit)}" for col in r.columns)
        parts.append(f"{row.key}{values}{c.mark(row)}。")
    c.lines.append("".join(parts) if len(parts) <= 1 else "\n".join(parts))
    return {"cells": [x.model_dump() for x in ops.cells(r.rows, r.columns)]}


def _row(c: _Composer) -> dict:
    table = c.r.table
    for row in c.r.rows:
        values = "；".join(f"{col.name}{_q(row.cell(col), col.unit)}" for col in table.columns)
        c.lines.append(f"{row.key}各列数值：{values}{c.mark(row)}。")
    return {"cells": [x.model_dump() for x in ops.cells(c.r.rows, table.columns)]}


def _column(c: _Composer) -> dict:
    table, col = c.r.table, c.r.columns[0]
    body = "；".join(f"{row.key}{_q(row.cell(col), col.unit)}{c.mark(row)}" for row in table.body)
    text = f"{_name(col)}各行数值：{body}。"
    if table.total is not None:
        text += f"{table.total.key}：{_q(table.total.cell(col), col.unit)}{c.mark(table.total)}。"
    c.lines.append(text)
    return {"cells": [x.model_dump() for x in ops.cells(table.rows, [col])]}


def _extreme(c: _Composer) -> dict:
    r = c.r
    col = r.columns[0]
    among = [row for row in r.rows if not row.is_total] if len([x for x in r.rows if not x.is_total]) >= 2 else None
    res = ops.extreme(r.table, col, r.direction or "max", among)
    word = "最多" if r.direction == "max" else "最少"
    scope = f"在{len(res.compared)}{c.rows_word}中比较" + (f"，不含{r.table.total.key}" if r.table.total and not among else "")
    if len(res.rows) == 1:
        c.lines.append(f"{_name(col)}{word}的是{res.rows[0]}，为{_q(res.value, col.unit)}{c.marks(res.rows)}"
                       f"（{scope}）。")
    else:
        c.lines.append(f"{_name(col)}{word}的是{'、'.join(res.rows)}（并列），各{_q(res.value, col.unit)}"
                       f"{c.marks(res.rows)}（{scope}）。")
    named = [row.key for row in r.rows if not row.is_total] if among is None else []
    for key in named:  # a row the question names: is it one of them?
        value = c.row(key).number(col)
        shown = f"（为{_q(ops.fmt(value), col.unit)}{c.mark(c.row(key))}）" if value is not None else ""
        c.lines.append(f"{key}{'是其中之一' if key in res.rows else '不是' + shown}。")
    out = res.model_dump()
    total = r.table.total
    if r.share and total is not None and total.number(col):
        whole = total.number(col)
        shares = {k: ops.percent(Decimal(res.value), whole) for k in res.rows}
        each = "各" if len(res.rows) > 1 else ""
        c.lines.append(f"{each}占{total.key}{_q(ops.fmt(whole), col.unit)}{c.mark(total)}的"
                       f"{shares[res.rows[0]]}%。")
        out.update(total_row=total.key, total=ops.fmt(whole), share_percent=shares[res.rows[0]])
    c.used(res.rows + [k for k in named if k not in res.rows] + ([total.key] if r.share and total is not None else []),
           col)
    out["compared_count"] = len(res.compared)
    return out


def _filter(c: _Composer) -> dict:
    r = c.r
    col = r.columns[0]
    res = ops.filter_rows(r.table, col, r.comparator or ">", r.threshold)
    cond = f"{_name(col)}{_WORDS[res.comparator]}{_q(res.threshold, col.unit)}"
    if res.rows:
        listed = "、".join(f"{k}{_q(v, col.unit)}{c.mark(c.row(k))}" for k, v in res.values.items())
        c.lines.append(f"{cond}的有{len(res.rows)}{c.rows_word}：{listed}。")
    else:
        c.lines.append(f"没有{cond}的{c.rows_word.removeprefix('个')}（不含{r.table.total.key if r.table.total else '合计行'}）。")
    if res.at_threshold:
        c.lines.append(f"恰为{_q(res.threshold, col.unit)}的{'、'.join(res.at_threshold)}"
                       f"{c.marks(res.at_threshold)}不算{_WORDS[res.comparator]}。")
    named = [row.key for row in r.rows if not row.is_total]
    for key in named:  # a row the question names: is it among them?
        value = c.row(key).number(col)
        shown = f"（为{_q(ops.fmt(value), col.unit)}{c.mark(c.row(key))}）" if value is not None else ""
        among = "在其中" if key in res.rows else f"不在其中{shown}"
        c.lines.append(f"{key}{among}。")
    shown_too = []
    for other in r.columns[1:]:  # …它们各自要完成多少亩: that column of each row found
        values = [(k, c.row(k).number(other)) for k in res.rows]
        shown = "；".join(f"{k}{_q(ops.fmt(v), other.unit)}{c.mark(c.row(k))}" for k, v in values if v is not None)
        if shown:
            c.lines.append(f"其中各{c.rows_word.removeprefix('个')}的{_name(other)}：{shown}。")
            shown_too.append(other)
    if res.rows:
        for column in (col, *shown_too):
            c.used(res.rows, column)
    return {**res.model_dump(), "count": len(res.rows)}


def _sum(c: _Composer) -> dict:
    r = c.r
    rows = [row for row in r.rows if not row.is_total] or r.table.body
    # Without a named column every column that adds up is summed (rates are not).
    columns = r.columns or [k for k in r.table.columns if not ops.is_rate(k)]
    results = []
    for col in columns:
        res = ops.sum_rows(r.table, col, rows, share=r.share)
        results.append(res.model_dump())
        formula = "+".join(res.values.values())
        text = (f"{'、'.join(res.rows)}的{_name(col)}合计{_q(res.sum, col.unit)}（{formula}）"
                f"{c.marks(res.rows)}")
        if res.share_percent is not None and r.table.total is not None:
            text += (f"，占{res.total_row}{_q(res.total, col.unit)}{c.mark(r.table.total)}的"
                     f"{res.share_percent}%")
        c.lines.append(text + "。")
    if len(results) == 1:
        first = results[0]
        c.used(first["rows"] + ([first["total_row"]] if first["total_row"] else []), columns[0])
    return {"sums": results}


def _compare(c: _Composer) -> dict:
    r = c.r
    first, second = [row for row in r.rows if not row.is_total][:2]
    results = []
    for col in r.columns or r.table.columns:
        res = ops.compare(col, first, second)
        results.append(res.model_dump())
        head = f"{_name(col)}：{first.key}{_q(res.first_value, col.unit)}，{second.key}{_q(res.second_value, col.unit)}"
        if res.larger is None:
            verdict = "两者相同"
        else:
            other = second.key if res.larger == first.key else first.key
            verdict = f"{res.larger}比{other}多{_q(res.difference, col.unit)}"
        c.lines.append(f"{head}，{verdict}{c.mark(first)}{c.mark(second)}。")
    return {"comparisons": results}


def _progress(c: _Composer) -> dict:
    r = c.r
    row, col = [x for x in r.rows if not x.is_total][0], r.columns[0]
    if r.achieved_unit and col.unit and r.achieved_unit != col.unit:
        raise ops.TableCellError(f"问题中的完成量单位是“{r.achieved_unit}”，而“{col.header}”列的单位是"
                                 f"“{col.unit}”。请用“{col.unit}”给出完成量再问。")
    res = ops.progress(row, col, r.achieved)
    text = (f"{row.key}{_name(col)}目标{_q(res.target, col.unit)}{c.mark(row)}，已完成{_q(res.achieved, col.unit)}，"
            f"完成率{res.rate_percent}%")
    text += f"，已超出目标{_q(res.exceeded, col.unit)}。" if res.exceeded != "0" else f"，尚差{_q(res.remaining, col.unit)}。"
    c.lines.append(text)
    return res.model_dump()


def _totals(c: _Composer) -> dict:
    r = c.r
    res = ops.totals_check(r.table, r.columns)
    total = r.table.total
    checked = [x for x in res.columns if x.matches is not None]
    bad = [x for x in checked if not x.matches]
    marks = "".join(c.mark(row) for row in r.table.rows)
    if bad:
        c.lines.append(f"{len(checked)}列中有{len(bad)}列各行之和与{res.total_row}不一致{marks}：")
    else:
        c.lines.append(f"核对的{len(checked)}列中，各行之和都等于{res.total_row}{marks}。")
    for x in res.columns:
        col = next(k for k in r.table.columns if k.header == x.column)
        if x.matches is None:
            c.lines.append(f"- {_name(col)}：{x.note}（{total.key}{_q(x.total, col.unit)}）")
        else:
            verdict = "一致" if x.matches else f"不一致，相差{_q(x.difference, col.unit)}"
            c.lines.append(f"- {_name(col)}：各行合计{_q(x.rows_sum, col.unit)}，{total.key}"
                           f"{_q(x.total, col.unit)}，{verdict}")
    return {**res.model_dump(), "checked_columns": len(checked), "mismatched_columns": len(bad)}


_OPS = {"cell": _cell, "row": _row, "column": _column, "extreme": _extreme, "filter": _filter,
        "sum": _sum, "compare": _compare, "progress": _progress, "totals": _totals}


def _arguments(reading: TableReading) -> dict:
    args: dict = {"table": reading.table.id, "rows": [r.key for r in reading.rows],
                  "columns": [c.header for c in reading.columns]}
    for field in ("direction", "comparator", "threshold", "achieved"):
        value = getattr(reading, field)
        if value is not None:
            args[field] = ops.fmt(value) if not isinstance(value, str) else value
    if reading.share:
        args["share"] = True
    return args


def _missing(question: str, c: _Composer, name: str, arguments: dict) -> Answer:
    """A question naming rows the table lacks: say which, list the rows it has, and give the
    figures of the rows it did name without computing over an incomplete set."""
    r = c.r
    lacked = "、".join(f"“{m}”" for m in r.missing)
    keys = "、".join(row.key for row in r.table.rows)
    error = (f"{r.table.label}中没有{lacked}这一行，无法按问题所列的行计算。表中的行有：{keys}。"
             "请核对名称后再问。")
    c.lines.append(error)
    found = [row for row in r.rows if not row.is_total]
    if found and r.columns:
        shown = "；".join(f"{row.key}{'、'.join(f'{_name(col)}为{_q(row.cell(col), col.unit)}' for col in r.columns)}"
                         f"{c.mark(row)}" for row in found)
        c.lines.append(f"问题中能找到的行：{shown}。")
    elif found:
        c.lines.append("问题中能找到的行：" + "、".join(f"{row.key}{c.mark(row)}" for row in found) + "。")
    return Answer(question=question, answer="\n".join(c.lines), abstained=False, citations=c.cites.citations,
                  tool_calls=[ToolCall(name=name, arguments=arguments, error=error)])


def _also_in_text(c: _Composer, clauses: Mapping[str, Clause] | None) -> None:
    """A cell of the total row (合计, 全县) that the document's own text states too (推动工业企业容积率
    提升项目100个以上): the text's words are cited beside the cell — the target as the body of the
    document sets it, often with its bound (以上, 不少于) that the table leaves out."""
    table = c.r.table
    if not clauses or c.r.operation != "cell" or table.total is None or c.r.rows != [table.total]:
        return
    doc = table.total.clause.doc_id
    for col in c.r.columns:
        value = table.total.cell(col)
        if not value:
            continue
        for clause in clauses.values():
            if clause.doc_id != doc or clause.table is not None or clause.children:
                continue
            piece = _piece_stating(clause.text, value, col)
            if piece is not None:
                c.lines.append(f"文件正文写明：“{piece.strip()}”{c.cites.mark(clause)}。")
                break


def _piece_stating(text: str, value: str, col: Column) -> str | None:
    """The piece of ``text`` (between commas or stops) that states ``value`` of ``col``: the
    value with the column's unit (a bare value only when the column has none), and at least
    half of the column's words; of several, the one with most of them."""
    named = [w for w in words(col.name) if len(w) >= 2]
    if not named:
        return None
    figure = re.compile(rf"(?<![\d.]){re.escape(value)}\s*{re.escape(col.unit)}" if col.unit
                        else rf"(?<![\d.]){re.escape(value)}(?![\d.])")
    pieces = [x for x in re.split(r"[，,；;。]", text) if figure.search(x)]
    piece = max(pieces, key=lambda x: sum(w in x for w in named), default=None)
    return piece if piece is not None and sum(w in piece for w in named) * 2 >= len(named) else None


def total_cell_stating(sentence: str, doc_id: str, clauses: Mapping[str, Clause]) -> tuple[Row, Column] | None:
    """The total row's cell (合计行 “某项任务” 300家) that states a figure of ``sentence``
    (帮扶提升低效企业300家), in a table of the same document: the same target in the annex, found
    by its value, its unit and most of its column's words in the piece of the sentence that
    holds the figure."""
    for table in tables_of(clauses):
        total = table.total
        if total is None or total.clause.doc_id != doc_id:
            continue
        for col in table.columns:
            value = total.cell(col)
            if value and col.unit and _piece_stating(sentence, value, col) is not None:
                return total, col
    return None


def answer_reading(question: str, reading: TableReading, clauses: Mapping[str, Clause] | None = None) -> Answer:
    """Compose the answer of one table reading (see :func:`table_answer`).

    A row name the question slipped (东三 for 东山) is answered as the row it is one character
    from, and the answer says so; a row name the table lacks is named, never silently dropped.
    A cell of the total row that the document's text states too is cited in the text as well.
    """
    c = _Composer(reading)
    name = f"table_{reading.operation}"
    arguments = _arguments(reading)
    if reading.missing:
        return _missing(question, c, name, arguments)
    try:
        result = _OPS[reading.operation](c)
        _also_in_text(c, clauses)
    except ops.TableCellError as err:
        marks = "".join(c.mark(r) for r in reading.rows)
        text = f"无法计算{marks}：{err}" if marks else f"无法计算：{err}"
        return Answer(question=question, answer=text, abstained=False, citations=c.cites.citations,
                      tool_calls=[ToolCall(name=name, arguments=arguments, error=str(err))])
    if reading.corrections:
        c.lines.append(correction_note(reading.corrections))
    text = "\n".join(c.lines)
    # The clause a check rests on is the first row cited; the figures stated with a unit
    # that carries a magnitude (万平方米) are recorded as written, so 3万平方米 in the text
    # is read as the table's 3 in a column counted in 万平方米, not as a new figure.
    if not c.cites.citations:  # no row meets the condition: nothing to cite, the text says so
        return Answer(question=question, answer=text, abstained=False, citations=[],
                      tool_calls=[ToolCall(name=name, arguments=arguments, result=result)])
    result = {**result, "clause_id": c.cites.citations[0].id,
              "row_clause_ids": [x.id for x in c.cites.citations],
              "stated": _stated(text, reading.table, result, c.cited_rows)}
    return Answer(question=question, answer=text, abstained=False, citations=c.cites.citations,
                  tool_calls=[ToolCall(name=name, arguments=arguments, result=result)])


def _stated(text: str, table: Table, result: dict, rows: list[Row]) -> list[str]:
    """Figures of ``text`` written with a magnitude unit whose number is a cell of ``rows``
    or a figure of ``result``."""
    units = sorted({col.unit for col in table.columns if col.unit[:1] in ("万", "亿", "千")}, key=len, reverse=True)
    if not units:
        return []
    known = {v for row in rows for v in row.cells} | set(_scalars(result))
    pattern = re.compile(r"(\d+(?:\.\d+)?)(" + "|".join(re.escape(u) for u in units) + ")")
    return list(dict.fromkeys(m.group(0) for m in pattern.finditer(text) if m.group(1) in known))


def _scalars(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [str(value)] if isinstance(value, str) else []


_LAST_TEXT: list = [None, 0, ""]  # the clause mapping last seen, its size, its text


def _corpus_text(clauses: Mapping[str, Clause]) -> str:
    """All clause texts without whitespace (a slipped row name is one the corpus lacks); kept
    for the mapping last seen, which the index replaces, never changes, when it changes."""
    if _LAST_TEXT[0] is clauses and _LAST_TEXT[1] == len(clauses):
        return _LAST_TEXT[2]
    text = re.sub(r"\s+", "", "\n".join(c.text for c in clauses.values()))
    _LAST_TEXT[:] = [clauses, len(clauses), text]
    return text


def table_answer(question: str, clauses: Mapping[str, Clause], history: list[str] | None = None,
                 home: Path | None = None, tables: list[Table] | None = None) -> Answer | None:
    """Answer ``question`` from the indexed tables, or return None when it asks no table figure.

    Args:
        question: the user's question.
        clauses: clauses by id (the tables are their ``row`` clauses).
        history: earlier questions, oldest first (a follow-up may take their row or column).
        home: the index home, as every route receives it (tables need nothing beside the clauses).
        tables: the tables, when the caller has read them already.
    Returns:
        The answer with its rows cited and one ``tool_calls`` entry, or None.
    """
    tables = tables if tables is not None else tables_of(clauses)
    if not tables:
        return None
    reading = read_table_question(question, tables, history, corpus=_corpus_text(clauses))
    if reading is None:
        return None
    flat = re.sub(r"\s+", "", question)
    if reading.operation in ("cell", "row", "column") and _ACTUAL.search(flat) and not re.search(r"\d", flat) \
            and _TARGETS.search(reading.table.label):
        # 某街道到现在实际已经改了多少亩 — the table sets tasks; what has been done it does not
        # say. Declined (the reason is the answer's text; the caller words the decline).
        return Answer(question=question, answer=f"{_table_name(reading.table)}只列出任务目标，没有实际完成情况",
                      abstained=True, citations=[])
    if reading.operation in ("cell", "row") and reading.rows and (which := _which_ones(flat, reading)) is not None:
        # 某街道要改造2个区块，具体是哪两个、在什么位置 — the table counts them; which they are it
        # does not say. Declined, as above.
        return Answer(question=question, answer=f"{_table_name(reading.table)}只列出{which}的数量，没有列出具体是哪些、在什么位置",
                      abstained=True, citations=[])
    if reading.operation in ("cell", "row", "column") and asks_one_year(flat, reading.table.label,
                                                                        [c.header for c in reading.table.columns]):
        # 某街道2025年当年要完成多少亩 — the table sets one figure for its whole period, none per
        # year: the year's share is not in it. Declined, as above.
        return Answer(question=question, answer=f"{_table_name(reading.table)}只列出整个实施期的数字，没有分年度的数字",
                      abstained=True, citations=[])
    return answer_reading(question, reading, clauses)


# Asking what has actually been done so far (到现在实际已经改了多少), and a table of tasks or targets.
_ACTUAL = re.compile(r"实际|(?:到现在|目前|现在|截至目前|至今|已经)[^，。？?]{0,8}(?:完成|改了|做了|干了|建了|达到)")
_TARGETS = re.compile(r"任务|目标|计划|分解")
# A figure asked of one year (2025年当年, 2026年全年), and a year a table's label
# or headers name (a table by year answers it).
_ONE_YEAR = re.compile(r"(?:19|20)\d{2}年(?:当年|全年|一年|这一年|那一年|度)")
_YEAR_IN = re.compile(r"(?:19|20)\d{2}|年度|每年")


def asks_one_year(question: str, label: str, headers: list[str]) -> bool:
    """Does ``question`` ask one year's figure of a table (labelled ``label``, with ``headers``)
    that names no year: a table of a period's totals, which does not give it?"""
    label = re.sub(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]", "", label)  # the year of a 文号 (〔2024〕) is no year of the table
    return bool(_ONE_YEAR.search(re.sub(r"\s+", "", question))) and not _YEAR_IN.search(label + "".join(headers))


# Asking which ones, or where, of things a cell counts (具体是哪两个区块, 在什么位置, 叫什么名字).
_WHICH_ONES = re.compile(r"哪(?:[两二三四五六七八九十几\d]+(?:个|家|块|处|项|所)|些)([\u4e00-\u9fff]{0,4})|"
                         r"(?:什么|哪个|哪些|具体)(?:位置|地方|地点|地段|地址)|在哪(?:里|儿)|叫什么(?:名字)?|具体名单|名称")


def _which_ones(flat: str, reading: TableReading) -> str | None:
    """The counted thing (改造提升老旧工业区块) when the question asks which ones of it a named row
    has, or where they are: a count names none of them. None when it asks no such thing, or asks
    which rows (哪几个街道: the rows are the answer)."""
    kinds = entity_words(reading.table)
    for m in _WHICH_ONES.finditer(flat):
        noun = m.group(1) or ""
        if noun and any(noun.startswith(k) or k.startswith(noun) for k in kinds if k):
            continue  # 哪几个街道 asks for rows
        counted = [c for c in reading.columns if c.unit in ("个", "家", "处", "项", "所", "块")]
        if counted:
            return counted[0].name
    return None


def _table_name(table: Table) -> str:
    """The table as its label names it, without the document's own name before it."""
    return table.label.split(" ", 1)[-1]
