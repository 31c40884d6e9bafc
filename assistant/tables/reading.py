"""Read a question against the indexed tables: which table, rows, columns and operation.

The vocabulary comes from the tables themselves: a row is named by its key (with or
without an administrative suffix such as 街道 or 区块), a column by the distinctive words
of its header (the parts of the header the question repeats that no other header shares
as well), or by its unit ("多少亩"). Only the words of operations (最多, 超过, 一共,
完成率 …) are fixed here, and they are ordinary Chinese, not any document's words.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.clauses.numerals import cn_to_int
from assistant.tables.table import Column, Row, Table
from assistant.understand.names import NameMatch, find_names

Operation = Literal["cell", "row", "column", "extreme", "filter", "sum", "compare", "progress", "totals"]
Comparator = Literal[">", ">=", "<", "<=", "=="]

# Suffixes a person adds to a row name (某某街道, 某某区块): generic administrative words.
_SUFFIX = r"(?:街道办事处|街道|区块|功能区|开发区|园区|片区|社区|镇|乡|村|县|区|市)"
_MASK = "□"
_TOTAL_WORDS = re.compile(r"全[区市县省镇乡]|合计|总计")

_TOTALS = re.compile(r"核对|核验|验证|校验|对得上|对不上|对不对|是否一致|一致吗|一致|吻合|相符|是否等于|等不等于|等于")
_SUM = re.compile(r"一共|总共|合计|加起来|加在一起|加一块|加一起|加到一起|相加|之和|总和|合起来|共计|总计|共有|累计")
_SHARE = re.compile(r"占(?!地|用)|比例|比重|百分之几|百分比|几成|份额")
_EXTREME = re.compile(r"最(多|少|高|低|大|小)")
# A superlative asked of one row against the whole table (是不是全县最少的, 是否全省最高).
_WHOLE = re.compile(r"全[区市县镇省]|所有|全部|是不是|是否")
_COMPARE = re.compile(r"哪个(多|少|大|小|高|低|重|轻)|谁(多|少|大|小|高|低|重|轻)|哪(一)?个更|比较|对比|相比|相差|"
                      r"差多少|差几|差距|[多少高低]多少|[多少]几|比.{1,10}?(多|少|高|低|重|轻)|"
                      r"谁的.{0,16}?更?(多|少|大|小|高|低|重|轻)|"
                      r"多出(?:多少|几)|少了?(?:多少|几)|\S{1,8}和\S{1,8}比")
_PROGRESS = re.compile(r"完成率|完成进度|进度|完成比例|完成了?(?:任务|目标)?的?(?:百分之|多少|几成)|还差|还剩|剩余|尚差|"
                       r"差多少|达成率|完成情况|百分之(?:多少|几)|多少%")
_DONE = re.compile(r"已经?完成|已经?|完成了|目前|现在|截至目前|实际")
# All rows of a table: 各街道, 每个, 所有 (but not 各项 = all columns, 各是 = each named).
_ALL_ROWS = re.compile(r"各(?![是为有自项])|每个|每一个|所有|排名|排序")
# 哪个 / 谁: which row, for a superlative or a filter (not enough alone to list a column).
_WHICH = re.compile(r"哪|谁")
# A short follow-up that names only what changes: 那东城呢？ 绿色工厂呢？
_FOLLOW_UP = re.compile(r"呢[？?。！!]*$|^那")
# A follow-up that opens with the earlier question asked of something else (那东城呢？…) and goes on.
_ELLIPTIC_LEAD = re.compile(r"那(?:么)?[^，。？?,]{1,12}呢[？?，,。](?=.)")
# Questions about who, when, how or the wording ask no figure unless they say 多少 / 几.
_NOT_FIGURE = re.compile(r"什么时候|何时|多久|哪天|谁(?![多少大小高低])|哪(?:个|几个|几家)(?:部门|单位|局|机构)|哪些(?:部门|单位)|"
                         r"怎么|如何|为什么|为何|怎样|原文|条款|规定|政策|能否|可不可以|是否可以")
_FIGURE = re.compile(r"多少|(?<!哪)几")  # 哪几个部门 asks which, not how many
# A single cell is asked for with these words (not merely named in a story).
_CELL_ASKS = re.compile(r"多少|几|任务|指标|目标|数值|数据|数字|分别|各是|列")
# A period the table does not break down (the table gives one figure per cell).
_PERIOD = re.compile(r"\d{4}\s*年|当年|年度|季度|上半年|下半年|\d{1,2}\s*月份?")
# The amount done so far: 已完成120亩, 完成了42家, 目前…达到3万平方米.
_DONE_AMOUNT = re.compile(r"(?:已经?完成了?|完成了|已经?|目前|现在|实际|累计)[^，,。？?；;\d]{0,12}?"
                          r"(\d+(?:\.\d+)?)(?!\s*年|\d)")
_ROW_ALL_COLUMNS = re.compile(r"各项|全部|所有|都列|列一下|列出|列举|任务|指标|目标|有哪些|都有什么|都是多少|各是多少|数据|数字")
# A number is asked for (or given): not a question about wording.
_ASKS = re.compile(r"多少|几|任务|指标|目标|数值|数据|数字|是什么|列|分别|各是|情况|百分之|比例|占|最|超过|多于|"
                   r"高于|低于|少于|不足|以上|以下|一共|总共|合计|加起来|加一块|加一起|之和|完成率|进度|核对|对得上|一致|相差|哪个|谁[多少大小高低]")

# Comparators before a number (longest first so 不超过 is not read as 超过).
_BEFORE = [(r"不超过|不高于|不多于|至多|小于等于|≤|<=", "<="), (r"不少于|不低于|不小于|至少|大于等于|≥|>=", ">="),
           (r"超过|超出|多于|高于|大于|>", ">"), (r"少于|低于|小于|不到|不足|<", "<")]
_AFTER = [(r"及以上|以上", ">="), (r"及以下|以下", "<=")]
# A value named exactly (正好是9家的, 只有3家的街道): the rows at it.
_EXACT = re.compile(r"(?:正好|恰好|刚好|刚刚好|只有|仅有|仅为|都是|等于)\s*(?:是|为|有)?\s*"
                    r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)\s*[^\d\s，。？?]{0,5}?的")
_NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"
# A value named before 的 and a which (要改造2个老旧工业区块的是哪几个, 任务是12家的街道有哪些,
# 涉企用地90亩的有哪些): the rows at it. Read only when the question asks which rows.
_UNIT_AT = r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:个|家|亩|所|公里|万平方米|平方米|万元|项|处|%)"
_AT_VALUE = re.compile(_UNIT_AT + r"[\u4e00-\u9fff（）()]{0,12}?的(?=[\u4e00-\u9fff（）()]{0,10}(?:是哪|有哪|都有|都是|包括))|"
                       r"哪[几些个][^，。？?\d]{0,10}?(?:要|是|为|有|需要)[^，。？?\d]{0,8}?" + _UNIT_AT
                       + r"[\u4e00-\u9fff（）()]{0,14}[？?]?$")
# Which rows (哪些街道, 哪几个): with a value named, the rows at it are asked.
_WHICH_ROWS = re.compile(r"哪[几些个]")
# Each of the rows found asked of another column (它们各自…, 分别…多少).
_EACH_OF = re.compile(r"各自|分别|各是|每个")
# Ask words that would otherwise match a header's characters (完成, 提升 …): masked first.
_OP_WORDS = re.compile("|".join(p.pattern for p in (_TOTALS, _SUM, _SHARE, _EXTREME, _COMPARE, _PROGRESS, _DONE))
                       + r"|多少|是多少|几|任务|指标|目标|要求|分别|各是|各项|数值|数据")


class TableReading(BaseModel):
    """What a table question asks: the operation, on which table, rows and columns."""

    model_config = ConfigDict(frozen=True)

    table: Table
    operation: Operation
    rows: list[Row]
    columns: list[Column]
    direction: Literal["max", "min"] | None = None
    comparator: Comparator | None = None
    threshold: Decimal | None = None
    achieved: Decimal | None = None
    achieved_unit: str = ""
    share: bool = False
    corrections: list[tuple[str, str]] = Field(default_factory=list,
                                               description="(as written, row key read) for a slipped row name")
    missing: list[str] = Field(default_factory=list, description="row names the question writes that the table lacks")


class _Match(BaseModel):
    table: Table
    rows: list[Row]
    columns: list[Column]
    strength: int  # characters of the longest header piece the question repeats
    masked: str
    score: float
    slips: list[tuple[str, str]] = []
    unmasked: str = ""  # the text with its rows masked, ask words kept


def _to_number(text: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    try:
        return Decimal(cn_to_int(text))
    except ValueError:
        return None


def _row_names(row: Row) -> list[str]:
    """How a question may name a row: its key, and its key less a suffix (东城区块 -> 东城)."""
    names = [row.key]
    m = re.fullmatch(rf"(.{{2,}}?){_SUFFIX}", row.key)
    if m:
        names.append(m.group(1))
    return [n for n in names if len(n) >= 2]


def row_slips(text: str, table: Table, corpus: str = "") -> list[NameMatch]:
    """Row names ``text`` writes with one character slipped (东三 for 东山, 东三街道 for 东山),
    each mapped to the one row name that near (see :func:`assistant.understand.names.find_names`)."""
    names = [n for r in table.rows for n in _row_names(r)]
    return [m for m in find_names(text, names, corpus or _table_text(table)) if m.how == "slip"]


def _table_text(table: Table) -> str:
    return "".join(r.clause.text for r in table.rows)


# Characters that make a piece before 街道 no name (哪个街道, 三个街道, 各街道); a phrase such
# as 属地街道 is caught by the corpus, which holds it.
_NOT_NAME = re.compile(r"[哪几个各每本这那该全所其此某我你他们\d一二两三四五六七八九十]")
_ENUM_SPLIT = re.compile(r"([、，,]|和|与|及|跟|同)")
# What may follow the last name of an enumeration: a suffix, a count (三个), 的, an ask word.
_AFTER_LAST = re.compile(rf"([\u4e00-\u9fff]{{2,4}}?)(?={_SUFFIX}|[一二两三四五六七八九十几\d]+个|的|加|合|一共|总|分别|各|都|"
                         r"多|少|哪|这|$)")


def missing_rows(masked: str, table: Table, corpus: str = "") -> list[str]:
    """Row names ``masked`` (the question with its rows masked) writes that the table lacks:
    a piece before the table's row word (某某街道), or an unmatched member of an enumeration
    whose other members are rows (东山、□□、西湖). A piece the corpus holds is a real word,
    not a row name.
    """
    from assistant.index.tokenize import _jieba

    corpus = corpus or _table_text(table)
    words = set(entity_words(table)) or set(_SUFFIX[3:-1].split("|"))  # the row word, else any suffix
    out: list[str] = []
    toks = _jieba().lcut(masked)
    for i, tok in enumerate(toks[:-1]):
        if (toks[i + 1] in words and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", tok) and not _NOT_NAME.search(tok)
                and tok + toks[i + 1] not in corpus and tok not in corpus):
            out.append(tok)
    pieces = _ENUM_SPLIT.split(masked)
    names = pieces[0::2]
    for i, piece in enumerate(names):
        if _MASK in piece:
            continue
        before = re.sub(rf"{_SUFFIX}$", "", names[i - 1]) if i > 0 else ""
        left = before.endswith(_MASK)
        right = i + 1 < len(names) and names[i + 1].startswith(_MASK)
        if not (left or right):
            continue
        if i + 1 < len(names) and re.fullmatch(rf"[\u4e00-\u9fff]{{2,6}}?{_SUFFIX}?", piece):
            name = re.sub(rf"(?<=..){_SUFFIX}$", "", piece)
        elif i + 1 == len(names) and (m := _AFTER_LAST.match(piece)):
            name = m.group(1)
        else:
            continue
        if len(name) >= 2 and not _NOT_NAME.search(name) and name not in corpus and name not in out:
            out.append(name)
    return out


def find_rows(text: str, table: Table) -> tuple[list[Row], str]:
    """The rows ``text`` names, in the order it names them, and ``text`` with them masked."""
    names = sorted(((n, r) for r in table.rows for n in _row_names(r)), key=lambda x: -len(x[0]))
    found: list[tuple[int, Row]] = []
    for name, row in names:
        for m in re.finditer(re.escape(name) + f"(?:{_SUFFIX})?", text):
            if _MASK in m.group(0):
                continue
            found.append((m.start(), row))
            text = text[: m.start()] + _MASK * (m.end() - m.start()) + text[m.end():]
    total = table.total
    if total is not None and all(r is not total for _, r in found):
        # 全县 / 合计 name the total row whatever its key (合计, 全市 …).
        m = _TOTAL_WORDS.search(text)
        if m:
            found.append((m.start(), total))
            text = text[: m.start()] + _MASK * (m.end() - m.start()) + text[m.end():]
    rows: list[Row] = []
    for _, row in sorted(found, key=lambda x: x[0]):
        if row not in rows:
            rows.append(row)
    return rows, text


def find_columns(text: str, columns: list[Column]) -> tuple[list[Column], int]:
    """The columns whose distinctive header words ``text`` repeats, in header order, and
    the length of the longest such piece.

    For each position of the text the longest piece (two characters or more) that some
    header contains is taken; a piece found in one header only votes for it. A column
    is chosen when its longest such piece is three characters long, or half as long as
    the best one: "帮扶几家，整治几家" picks two columns, a long header and 绿色工厂 both,
    and a stray two-character echo beside a six-character match is dropped.
    """
    names = [c.name for c in columns]
    best: dict[int, int] = {}
    spans: list[tuple[int, int, list[int]]] = []
    longest = max((len(n) for n in names), default=0)
    for i in range(len(text)):
        for j in range(min(len(text), i + longest), i + 1, -1):
            piece = text[i:j]
            if _MASK in piece:
                continue
            owners = [k for k, n in enumerate(names) if piece in n]
            if owners:
                if not any(s <= i and j <= e for s, e, _ in spans):
                    spans.append((i, j, owners))
                break
    for s, e, owners in spans:
        if len(owners) == 1:
            best[owners[0]] = max(best.get(owners[0], 0), e - s)
    if not best:
        return [], 0
    top = max(best.values())
    keep = min(top / 2, 3)
    return [columns[k] for k in sorted(best) if best[k] >= keep], top


def weak_columns(text: str, columns: list[Column]) -> list[Column]:
    """Columns sharing a two-character piece of ``text`` with others (no distinctive match)."""
    out = []
    for c in columns:
        if any(text[i:i + 2] in c.name for i in range(len(text) - 1) if _MASK not in text[i:i + 2]):
            out.append(c)
    return out


def unit_columns(text: str, columns: list[Column], loose: bool = False) -> list[Column]:
    """Columns whose unit the question asks or gives a number in (多少亩, 120亩, 几所).

    Strictly, a unit before a row word is not a column's ("几个街道" counts rows); with
    ``loose`` it is ("几个区块" may be what a column counts).
    """
    units = sorted({c.unit for c in columns if c.unit}, key=len, reverse=True)
    hits = []
    for unit in units:
        # 几个街道 counts rows, not a column's 个.
        guard = "" if loose else rf"(?!{_SUFFIX})"
        pattern = rf"(?:多少|几|\d|[一二两三四五六七八九十百千])\s*{re.escape(unit)}{guard}"
        if re.search(pattern, text):
            hits.append(unit)
            text = re.sub(pattern, "", text)
    return [c for c in columns if c.unit in hits]


def _match(text: str, table: Table, corpus: str = "") -> _Match:
    slips = row_slips(text, table, corpus)
    for m in slips:
        text = text[:m.start] + m.form + text[m.end:]  # same length: positions stay
    rows, masked = find_rows(text, table)
    masked_ops = _OP_WORDS.sub(lambda m: _MASK * len(m.group(0)), masked)
    columns, strength = find_columns(masked_ops, table.columns)
    score = len(rows) * 2 + len(columns) * 2
    return _Match(table=table, rows=rows, columns=columns, strength=strength, masked=masked_ops, score=score,
                  slips=[(m.written, m.form) for m in slips], unmasked=masked)


def _threshold(text: str) -> tuple[Comparator, Decimal] | None:
    for words, op in _BEFORE:
        m = re.search(rf"(?:{words})\s*{_NUM}", text)
        if m and (value := _to_number(m.group(1))) is not None:
            return op, value  # type: ignore[return-value]
    for words, op in _AFTER:
        m = re.search(rf"{_NUM}\s*[^\d\s]{{0,4}}?(?:{words})", text)
        if m and (value := _to_number(m.group(1))) is not None:
            return op, value  # type: ignore[return-value]
    m = _EXACT.search(text) or _AT_VALUE.search(text)
    if m and (value := _to_number(next(g for g in m.groups() if g))) is not None:
        return "==", value
    return None


def read_table_question(question: str, tables: list[Table], history: list[str] | None = None,
                        corpus: str = "") -> TableReading | None:
    """Read ``question`` as a question about one of ``tables`` (see :func:`_read`), with the
    row names it slips (东三 read as 东山) and those the table lacks recorded on the reading.

    ``corpus``: the whole corpus text without whitespace; a written form it holds is a real
    word, never a slipped row name (the table's own text is used when it is empty).
    """
    reading = _read(question, tables, history, corpus)
    if reading is None:
        return None
    text = re.sub(r"\s+", "", question)
    best = _match(text, reading.table, corpus)
    missing = missing_rows(best.unmasked, reading.table, corpus)
    return reading.model_copy(update={"corrections": best.slips, "missing": missing})


def names_table(text: str, tables: list[Table]) -> bool:
    """Whether ``text`` names anything of one of ``tables``: a row, a column by a header piece of
    three or more characters, or a column by its unit (多少亩). A part that names none (累计新增工业
    投资要超过多少) is no question about a table, whatever the other parts of its question are."""
    flat = re.sub(r"\s+", "", text)
    for t in tables:
        m = _match(flat, t)
        # The words of an operation are masked first (谁的…多): a header they hold counts too.
        strength = max(m.strength, find_columns(flat, t.columns)[1])
        if m.rows or strength >= 3 or _columns_by_unit(m.masked, flat, t):
            return True
    return False


def _read(question: str, tables: list[Table], history: list[str] | None = None,
          corpus: str = "") -> TableReading | None:
    """Read ``question`` as a question about one of ``tables``, or None when it is not one.

    Args:
        question: the user's question.
        tables: the indexed tables (see :func:`assistant.tables.table.tables_of`).
        history: earlier questions, oldest first: a follow-up ("那东城呢？", "已经完成45家了，
            进度是多少？") takes the column, or the row, of the latest earlier table question.
    Returns:
        The reading, or None (quickly) for a question that asks no table figure.
    """
    text = re.sub(r"\s+", "", question)
    history = history or []
    follow_up = bool(history) and bool(_FOLLOW_UP.search(text)) and len(text) <= 24
    if not tables or not (_ASKS.search(text) or _EXACT.search(text) or follow_up
                          or (_WHICH_ROWS.search(text) and _AT_VALUE.search(text))):
        return None
    if _NOT_FIGURE.search(text) and not _FIGURE.search(text):
        return None
    annex = re.search(r"附件\s*([\d一二三四五六七八九十]+)", text)
    matches = [_match(text, t, corpus) for t in tables]
    for m in matches:
        if annex and m.table.number and _to_number(annex.group(1)) == _to_number(m.table.number):
            m.score += 1
    best = max(matches, key=lambda m: m.score)
    table, rows, columns, masked = best.table, best.rows, best.columns, best.masked
    if not columns:
        columns = _columns_by_unit(masked, text, table)
    if not columns:
        # 谁的绿色工厂任务多: the words of the comparison, masked first, held the header named.
        named, strength = find_columns(text, table.columns)
        columns = named if strength >= 3 else []
    unit_named = any(c in columns for c in unit_columns(text, table.columns))  # 多少所 + 学校
    plain = best_numbers_text(text, rows)
    done = _DONE_AMOUNT.search(plain)
    progress = bool(_PROGRESS.search(text) and done)
    earlier = _from_history(history, table) if history else None
    # 那最少的呢 / 那里面任务是12家的有哪几个 / 那超过10家的呢 take the earlier column.
    filtered = bool(_EXTREME.search(text) or _threshold(text) or (_WHICH_ROWS.search(text) and _AT_VALUE.search(text)))
    if not (rows or columns or progress or (follow_up and earlier is not None and filtered)):
        return None  # the question names nothing of the table
    if earlier and follow_up and not rows and filtered and set(columns) - set(earlier.columns) \
            and not best.strength and any(c in earlier.columns for c in unit_columns(text, table.columns)):
        columns = []  # …12家的 names the earlier column by its unit, not another column of that unit
    if not columns and earlier and (follow_up or rows or progress):
        columns = earlier.columns
    elif columns and earlier and _ELLIPTIC_LEAD.match(text):
        # 那东城呢？新建学校又是几所？ — the earlier question asked again of this row, and
        # one more column besides.
        columns = [*earlier.columns, *(c for c in columns if c not in earlier.columns)]
    if not rows and earlier and (follow_up or progress):
        rows = earlier.rows
    if not rows and not columns:
        return None
    body = [r for r in rows if not r.is_total]
    base = dict(table=table, rows=rows, columns=columns)
    if columns and _PERIOD.search(text) and not any(_PERIOD.search(c.header) or "年" in c.name for c in columns):
        return None  # a year or month the table gives no figure for: left to retrieval

    everyone = bool(_ALL_ROWS.search(text))              # 各街道, 每个, 所有
    named_kind = any(len(w) >= 2 and w in masked for w in entity_words(table))  # 街道 said, not in a name
    # 那最少的呢？ after 哪个街道…最多？ asks the earlier question's which of the other extreme.
    which = bool(_WHICH.search(text)) or bool(follow_up and earlier is not None and _WHICH.search(history[-1]))
    share = bool(_SHARE.search(text)) and table.total is not None

    if _TOTALS.search(text) and not body and (_SUM.search(text) or table.total in rows or everyone):
        return TableReading(**{**base, "columns": columns or table.columns}, operation="totals")
    if len(body) == 1 and progress:
        achieved = Decimal(done.group(1))
        units = sorted({c.unit for c in table.columns if c.unit}, key=len, reverse=True)
        unit = next((u for u in units if plain[done.end(1):].startswith(u)), "")
        if not columns and unit:
            columns = [c for c in table.columns if c.unit == unit]
        if len(columns) != 1:
            return None
        return TableReading(**{**base, "columns": columns}, operation="progress", achieved=achieved,
                            achieved_unit=unit)
    # A value named in one sentence of several (哪些街道要改造2个…？它们各自…？) is read in its own.
    limit = _threshold(text) or next((x for seg in re.split(r"(?<=[？?。；;！!])", text) if seg
                                      and (x := _threshold(seg))), None)
    if len(body) == 1 and columns and limit and which:
        # …不到1万平方米的街道有哪些？我们那个街道算不算？ — a filter over all rows; the one named is
        # asked whether it is among them.
        return TableReading(**{**base, "rows": body, "columns": columns[:1]}, operation="filter",
                            comparator=limit[0], threshold=limit[1])
    if len(body) == 1 and columns and (m := _EXTREME.search(text)) and (everyone or which or _WHOLE.search(text)):
        # 我们镇…是不是全县最少的？有没有并列的？ — the extreme over all rows; the one named is
        # asked whether it is among them.
        return TableReading(**{**base, "rows": body, "columns": columns[:1]}, operation="extreme",
                            direction=_direction(m.group(1)), share=share)
    if not body and columns:
        # Questions over all rows must say so: 各街道 / 每个 / 哪个街道 / 最多的街道.
        if limit and (everyone or which or (follow_up and earlier is not None)):
            # 那超过10家的呢 after 各街道…怎么分的: the rows of the earlier column past the value.
            # …？它们各自要完成多少亩？ — the rows found, with another column of each besides.
            shown = columns if _EACH_OF.search(text) else columns[:1]
            return TableReading(**{**base, "columns": shown}, operation="filter",
                                comparator=limit[0], threshold=limit[1])
        if (m := _EXTREME.search(text)) and (everyone or which):
            return TableReading(**base, operation="extreme", direction=_direction(m.group(1)), share=share)
        if (_SUM.search(text) or share) and everyone:
            return TableReading(**{**base, "rows": table.body}, operation="sum", share=share)
        # 各类的分数线 is about every class, not every row: "each" is of the table's rows when it
        # names their kind (各街道) or a column it repeats well.
        if (everyone and (named_kind or best.strength >= 3)) or (which and named_kind):
            if _CELL_ASKS.search(text) or which:
                return TableReading(**base, operation="column")
            return None
    if len(body) >= 2 and columns and (m := _EXTREME.search(text)):
        return TableReading(**base, operation="extreme", direction=_direction(m.group(1)), share=share)
    if len(body) >= 2 and _COMPARE.search(text) and not _SUM.search(text):
        return TableReading(**base, operation="compare")
    if (len(body) >= 2 and _SUM.search(text)) or (body and share):
        return TableReading(**base, operation="sum", share=share)
    if rows and columns and (_CELL_ASKS.search(text) or follow_up) and (body or best.strength >= 3 or unit_named):
        return TableReading(**base, operation="cell")
    if rows and not columns and _ROW_ALL_COLUMNS.search(text):
        return TableReading(**base, operation="row")
    return None


def _direction(word: str) -> Literal["max", "min"]:
    return "max" if word in "多高大" else "min"


def entity_words(table: Table) -> list[str]:
    """What the table's rows are, from its title: 各街道（区块）… -> 街道, 区块."""
    words = [w for m in re.finditer(rf"各({_SUFFIX})(?:[（(]({_SUFFIX})[）)])?", table.label)
             for w in m.groups() if w]
    return list(dict.fromkeys(words))


def best_numbers_text(text: str, rows: list[Row]) -> str:
    """``text`` without the row names (a row key may hold digits) and without 附件N."""
    for r in rows:
        text = text.replace(r.key, _MASK)
    return re.sub(r"附件\s*[\d一二三四五六七八九十]+", _MASK, text)


def _columns_by_unit(masked: str, text: str, table: Table) -> list[Column]:
    """The one column a unit picks (多少亩), helped by header words several columns share."""
    weak = weak_columns(masked, table.columns)
    for loose in (False, True):
        by_unit = unit_columns(text, table.columns, loose=loose)
        if weak and by_unit:
            both = [c for c in by_unit if c in weak]
            if len(both) == 1:
                return both
        elif len(by_unit) == 1:
            return by_unit
    return []


def _from_history(history: list[str], table: Table) -> _Match | None:
    """The latest earlier question that names a row or a column of ``table``."""
    for earlier in reversed(history):
        m = _match(re.sub(r"\s+", "", earlier), table)
        if not m.columns:
            m = m.model_copy(update={"columns": _columns_by_unit(m.masked, earlier, table)})
        if m.rows or m.columns:
            return m
    return None
