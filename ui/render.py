"""HTML for the chat and the clause browser. Every piece of text is escaped here.

Document text, questions, file names and calculator values all pass through :func:`esc`
before they reach the page; the only markup is what these functions write themselves.
Links to a clause carry ``data-clause`` (the page opens it in the clause browser) and an
``href`` of ``?clause=ID`` (the permalink, for a new tab).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterable, Mapping
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import quote

from assistant.models import Answer, Citation, Clause, ToolCall
from ui.labels import compose, input_labels, result_labels, tool_title

MARKER_RE = re.compile(r"\[(\d+)\]")
# A quotation in the chat bubble longer than this is cut to its supporting part: the full
# clause is in the panel beside it.
BUBBLE_QUOTE_CHARS = 80
_QUOTE_LINE = re.compile(r"^(?P<head>\[(?P<n>\d+)\][^“\n]*“)(?P<quote>[^\n]*)(?P<tail>”[。．.]?)$")
# A supporting span shorter than this is a coincidence, not a quotation.
MIN_SPAN_CHARS = 6
# Keys of a calculator result that are shown in their own rows, not as results.
RESULT_META_KEYS = ("tool", "clause_id", "formula", "inputs", "conditions", "notes", "rounding")

def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute (``None`` becomes "")."""
    return "" if value is None else html.escape(str(value), quote=True)


def permalink(clause_id: str) -> str:
    """The relative permalink of a clause: ``?clause=ID`` (URL-encoded)."""
    return "?clause=" + quote(clause_id, safe=":.-_")


def clause_link(clause_id: str, text: str, css: str = "clause-link") -> str:
    """An ``<a>`` that opens a clause in the clause browser (``text`` is escaped)."""
    return (f'<a class="{css}" data-clause="{esc(clause_id)}" href="{esc(permalink(clause_id))}"'
            f' title="{esc(clause_id)}">{esc(text)}</a>')


# -- answers ----------------------------------------------------------------------------
def bubble_text(answer: Answer) -> str:
    """The answer as the chat bubble shows it: long quotations cut to their supporting part.

    A line ``[n] label：“…”`` quoting a whole clause is shortened to the part the answer
    rests on (the full clause is in the citation panel), at most :data:`BUBBLE_QUOTE_CHARS`.
    """
    lines = answer.answer.split("\n")
    for i, line in enumerate(lines):
        m = _QUOTE_LINE.match(line)
        if not m or len(m.group("quote")) <= BUBBLE_QUOTE_CHARS:
            continue
        n, quote = int(m.group("n")), m.group("quote")
        claims = "\n".join(x for j, x in enumerate(lines) if j != i)
        spans = support_spans(quote, claims, n) if 1 <= n <= len(answer.citations) else []
        start, end = spans[0] if spans else (0, BUBBLE_QUOTE_CHARS)
        end = min(end, start + BUBBLE_QUOTE_CHARS)
        short = ("…" if start > 0 else "") + quote[start:end] + ("…" if end < len(quote) else "")
        lines[i] = m.group("head") + short + m.group("tail")
    return "\n".join(lines)


def answer_html(answer: Answer, turn: int | None = None, short: bool = False) -> str:
    """The answer text with each valid ``[n]`` turned into a link to its citation.

    Args:
        answer: an answer contract.
        turn: the answer's place in the conversation; its markers then carry
            ``data-turn`` and ``data-cite`` (the page shows that citation in the panel).
        short: cut long quotations (:func:`bubble_text`).
    Returns:
        Escaped HTML; a marker that points at no citation stays plain text.
    """
    text = esc(bubble_text(answer) if short else answer.answer)
    where = "" if turn is None else f' data-turn="{turn}"'

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(answer.citations):
            return m.group(0)
        cid = answer.citations[n - 1].id
        return (f'<a class="cite-marker" data-cite="{n}"{where} href="{esc(permalink(cid))}"'
                f' title="{esc(answer.citations[n - 1].label)}">[{n}]</a>')

    return MARKER_RE.sub(link, text)


def support_spans(clause_text: str, answer_text: str, n: int) -> list[tuple[int, int]]:
    """Where the lines of an answer that carry marker ``[n]`` quote the clause.

    Args:
        clause_text: the cited clause's full text.
        answer_text: the answer with markers.
        n: the marker number.
    Returns:
        Sorted, non-overlapping ``(start, end)`` ranges of ``clause_text``.
    """
    per_line: list[list[tuple[int, int]]] = []
    for line in answer_text.splitlines():
        if f"[{n}]" not in line:
            continue
        plain = MARKER_RE.sub("", line)
        blocks = SequenceMatcher(None, clause_text, plain, autojunk=False).get_matching_blocks()
        found = [(b.a, b.a + b.size) for b in blocks if b.size >= MIN_SPAN_CHARS]
        if found:
            per_line.append(found)
    # A quotation of the whole clause supports everything; a shorter span says which part.
    partial = [f for f in per_line if sum(e - s for s, e in f) < 0.9 * len(clause_text)]
    spans = [sp for f in (partial or per_line) for sp in f]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def spans_attr(spans: Iterable[tuple[int, int]]) -> str:
    """Spans as an attribute value: ``"3-10;20-31"``."""
    return ";".join(f"{a}-{b}" for a, b in spans)


def parse_spans(value: Any, length: int) -> list[tuple[int, int]]:
    """Spans from :func:`spans_attr` (as a click sent them), clipped to ``length``; bad parts dropped."""
    out: list[tuple[int, int]] = []
    for part in str(value or "").split(";")[:50]:
        m = re.fullmatch(r"\s*(\d{1,7})-(\d{1,7})\s*", part)
        if m:
            a, b = int(m.group(1)), min(int(m.group(2)), length)
            if a < b and (not out or a >= out[-1][1]):
                out.append((a, b))
    return out


def highlighted(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, with each span wrapped in ``<mark>``."""
    out, pos = [], 0
    for start, end in spans:
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="support">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


# -- tables -----------------------------------------------------------------------------------
def table_rows(clause: Clause, lookup: Callable[[str], Clause | None] | None) -> list[Clause]:
    """The table rows a clause shows: itself when it is a row, else its children that are rows."""
    if clause.table is not None:
        return [clause]
    if lookup is None:
        return []
    rows = [lookup(cid) for cid in clause.children]
    return [r for r in rows if r is not None and r.table is not None]


def table_html(clause: Clause, lookup: Callable[[str], Clause | None] | None = None,
               marked: Iterable[str] = ()) -> str:
    """A table clause (or one row) as an HTML ``<table>``: headers, then one line per row.

    Args:
        clause: a row (``clause.table`` set) or a clause whose children are rows.
        lookup: clause id -> clause, to find the children.
        marked: cell texts to highlight (the figures an answer quotes).
    Returns:
        HTML, or "" when the clause holds no table.
    """
    rows = table_rows(clause, lookup)
    if not rows:
        return ""
    marks = {m for m in marked if m}
    groups: list[tuple[tuple[str, ...], list[Clause]]] = []
    for r in rows:  # rows under other headers start a table of their own
        cols = tuple(r.table.columns)
        if groups and groups[-1][0] == cols:
            groups[-1][1].append(r)
        else:
            groups.append((cols, [r]))
    out = []
    for cols, members in groups:
        head = "".join(f'<th scope="col">{esc(c)}</th>' for c in cols)
        body = []
        for r in members:
            cells = "".join(
                f'<td class="marked">{esc(v)}</td>' if v in marks else f"<td>{esc(v)}</td>" for v in r.table.values)
            body.append(f'<tr data-clause-row="{esc(r.id)}"><th scope="row">{esc(r.table.key)}</th>{cells}</tr>')
        out.append(f'<div class="table-wrap"><table class="clause-table"><thead><tr><th></th>{head}</tr></thead>'
                   f'<tbody>{"".join(body)}</tbody></table></div>')
    return "".join(out)


def _intro(clause: Clause) -> str:
    """The lines of a table clause's own text above the table (its title), headers left out."""
    if clause.table is not None:
        return ""
    lines = [x for x in clause.own_text.split("\n") if x.strip() and "\t" not in x]
    return "\n".join(lines)


def clause_body(clause: Clause, lookup: Callable[[str], Clause | None] | None = None,
                spans: Iterable[tuple[int, int]] = (), marked: Iterable[str] = ()) -> str:
    """A clause's text as shown anywhere: a ``<table>`` for a table or row, else the text
    verbatim with the supporting spans marked."""
    table = table_html(clause, lookup, marked)
    if table:
        intro = _intro(clause)
        lead = f'<pre class="clause-text table-title">{esc(intro)}</pre>' if intro else ""
        return lead + table
    return f'<pre class="clause-text">{highlighted(clause.text, spans)}</pre>'


# -- citations ----------------------------------------------------------------------------------
def _quoted_cells(clause: Clause | None, answer_text: str, n: int) -> list[str]:
    """Cells of a row that the lines carrying ``[n]`` quote (with their column name)."""
    if clause is None or clause.table is None:
        return []
    lines = "\n".join(x for x in answer_text.splitlines() if f"[{n}]" in x)

    def named(column: str) -> bool:  # the header, or the header without its unit (“…（亩）”)
        return column in lines or re.sub(r"[（(][^（）()]*[）)]$", "", column) in lines

    def quoted(value: str) -> bool:  # the figure itself, not part of a longer number
        return bool(value) and re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])", lines) is not None

    return [v for c, v in zip(clause.table.columns, clause.table.values) if named(c) and quoted(v)]


def citation_card(n: int, citation: Citation, answer_text: str, turn: int | None = None,
                  lookup: Callable[[str], Clause | None] | None = None) -> str:
    """One entry of the citation panel: label, source and page, full text (a table as a
    table), the supporting span highlighted, and a link into the clause browser."""
    page = f" · 第{citation.page}页" if citation.page else ""
    spans = support_spans(citation.text, answer_text, n)
    clause = lookup(citation.id) if lookup else None
    where = "" if turn is None else f' data-turn="{turn}"'
    card_id = f"cite-{turn}-{n}" if turn is not None else f"citation-{n}"
    if clause is not None and table_rows(clause, lookup):
        body = clause_body(clause, lookup, marked=_quoted_cells(clause, answer_text, n))
    else:
        body = f'<div class="clause-text">{highlighted(citation.text, spans)}</div>'
    return (
        f'<div class="citation" data-n="{n}"{where} id="{card_id}">'
        f'<div class="citation-head"><span class="num">[{n}]</span> '
        f'<a class="citation-label" data-cite="{n}"{where} href="{esc(permalink(citation.id))}"'
        f' title="{esc(citation.id)}">{esc(citation.label)}</a></div>'
        f'<div class="citation-meta">{esc(citation.source)}{esc(page)} · '
        f'<code>{esc(citation.id)}</code></div>'
        f"{body}"
        f'<div class="citation-actions"><a class="open-in-browser" data-clause="{esc(citation.id)}"'
        f' data-spans="{esc(spans_attr(spans))}" href="{esc(permalink(citation.id))}">在条文浏览中打开</a></div>'
        "</div>"
    )


PANEL_HINT = '<div class="panel-empty">回答引用的条款会显示在这里；点击回答中的 [n] 可定位到对应条款。</div>'


def citation_set(answer: Answer | None, turn: int | None = None, active: bool = True,
                 lookup: Callable[[str], Clause | None] | None = None, error: bool = False) -> str:
    """The citations of one answer (one set of the panel)."""
    where = "" if turn is None else f' data-turn="{turn}"'
    state = ' class="cite-set active"' if active else ' class="cite-set" hidden'
    if error or answer is None:
        inner = '<div class="panel-empty">这个问题没有得到回答，没有引用条款。</div>'
    elif answer.abstained or not answer.citations:
        inner = '<div class="panel-empty">本次回答没有引用条款。</div>'
    else:
        cards = "".join(citation_card(i, c, answer.answer, turn, lookup)
                        for i, c in enumerate(answer.citations, start=1))
        ask = f'<p class="cite-question">问：{esc(answer.question)}</p>' if turn is not None else ""
        inner = f"<h3>引用条款（{len(answer.citations)}）</h3>{ask}{cards}"
    return f"<div{state}{where}>{inner}</div>"


def citations_panel(answer: Answer | list[dict[str, Any]] | None,
                    lookup: Callable[[str], Clause | None] | None = None) -> str:
    """The side panel: the citations of every answer of the conversation, the latest shown.

    Args:
        answer: the conversation's turns (question + answer dict or error), one answer, or None.
        lookup: clause id -> clause, to show table clauses as tables.
    Returns:
        HTML; each answer's set is a ``.cite-set`` with ``data-turn``; only the latest is visible.
    """
    if answer is None or answer == []:
        return PANEL_HINT
    if isinstance(answer, Answer):
        return citation_set(answer, lookup=lookup)
    sets = []
    last = len(answer) - 1
    for i, t in enumerate(answer):
        ans = Answer.model_validate(t["answer"]) if t.get("answer") else None
        sets.append(citation_set(ans, i, i == last, lookup, error=ans is None))
    return f'<div class="citations">{"".join(sets)}</div>'


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(_value(v) for v in value) or "—"
    if isinstance(value, dict):  # a nested record: its keys in Chinese too
        return "；".join(f"{compose(k) or k}：{_value(v)}" for k, v in value.items())
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "—" if value is None else str(value)


def kv_table(rows: Mapping[str, Any], labels: Mapping[str, str] | None = None, css: str = "kv") -> str:
    """A two-column table of names and values (both escaped)."""
    labels = labels or {}
    body = "".join(f"<tr><th>{esc(labels.get(k, k))}</th><td>{esc(_value(v))}</td></tr>" for k, v in rows.items())
    return f'<table class="{css}">{body}</table>'


def tool_labels(tool: str) -> dict[str, str]:
    """Chinese labels of a calculator's arguments, from its schema descriptions."""
    return input_labels(tool)


def tool_call_html(call: ToolCall, open_: bool = False) -> str:
    """A collapsible “计算过程” titled with the tool's Chinese name: formula, inputs,
    results (Chinese field names), conditions and the clause."""
    labels = tool_labels(call.name)
    title = tool_title(call.name)
    parts = [f'<details class="calc" data-tool="{esc(call.name)}"{" open" if open_ else ""}>'
             f"<summary>计算过程：{esc(title)}</summary>"]
    result = call.result or {}
    if call.error:
        from ui.errors import message_for_reason

        parts.append(f'<div class="calc-error">{esc(message_for_reason(call.error))}</div>')
    if result.get("formula"):
        parts.append(f'<div class="formula">{esc(result["formula"])}</div>')
    inputs = result.get("inputs") or call.arguments
    parts.append("<h4>输入</h4>" + kv_table(inputs, {**result_labels(call.name, inputs), **labels}))
    # Clause ids are shown as the link below, not as results.
    values = {k: v for k, v in result.items() if k not in RESULT_META_KEYS and not k.endswith("clause_ids")}
    if values:
        parts.append("<h4>结果</h4>" + kv_table(values, result_labels(call.name, values)))
    for key, title_ in (("conditions", "适用条件"), ("notes", "说明")):
        if result.get(key):
            parts.append(f"<h4>{title_}</h4><ul>" + "".join(f"<li>{esc(x)}</li>" for x in result[key]) + "</ul>")
    if result.get("rounding"):
        parts.append(f'<div class="rounding">舍入：{esc(result["rounding"])}</div>')
    if result.get("clause_id"):
        parts.append(f'<div class="calc-clause">依据条款：{clause_link(result["clause_id"], result["clause_id"])}</div>')
    parts.append("</details>")
    return "".join(parts)


def turn_html(question: str, answer: Answer | None = None, error: str | None = None,
              turn: int | None = None) -> str:
    """One exchange: the question, then the answer (or an abstention, or an error)."""
    where = "" if turn is None else f' data-turn="{turn}"'
    q = f'<div class="msg user"{where}><div class="bubble">{esc(question)}</div></div>'
    if error is not None:
        return q + (f'<div class="msg bot error"{where}><div class="badge">无法回答</div>'
                    f'<div class="bubble">{esc(error)}</div></div>')
    assert answer is not None
    if answer.abstained:
        return q + (f'<div class="msg bot abstained"{where}><div class="badge">未找到依据</div>'
                    f'<div class="bubble answer">{answer_html(answer, turn, short=True)}</div></div>')
    calcs = "".join(tool_call_html(c) for c in answer.tool_calls)
    if answer.notes:  # what the checks of a model's answer removed, or why it was not used
        calcs += ('<details class="answer-notes"><summary>核对说明</summary><ul>'
                  + "".join(f"<li>{esc(n)}</li>" for n in answer.notes) + "</ul></details>")
    return q + (f'<div class="msg bot answered"{where}><div class="bubble answer">'
                f"{answer_html(answer, turn, short=True)}</div>{calcs}</div>")


def pending_html(question: str) -> str:
    """The question just sent and a waiting bubble, shown until the answer arrives."""
    return (f'<div class="msg user pending"><div class="bubble">{esc(question)}</div></div>'
            '<div class="msg bot pending" role="status" aria-live="polite"><div class="bubble">'
            '<span class="dots" aria-hidden="true"></span>正在检索条文并生成回答…</div></div>')


def progress_html(lines: list[str], done: bool = False) -> str:
    """The progress messages of an upload or re-index, newest last."""
    if not lines:
        return "" if done else '<div class="ingest-progress"><p class="step">正在开始…</p></div>'
    items = "".join(f'<li class="step">{esc(x)}</li>' for x in lines)
    head = "导入过程" if done else "正在导入…"
    return f'<div class="ingest-progress{" done" if done else ""}"><h4>{head}</h4><ol>{items}</ol></div>'


def notice_html(message: str | None) -> str:
    """A message under the question box (an empty question, say), or nothing."""
    if not message:
        return '<div class="chat-notice"></div>'
    return f'<div class="chat-notice shown" role="alert">{esc(message)}</div>'


def empty_chat(groups: Mapping[str, list[str]] | None = None) -> str:
    """The empty screen: example questions for each kind of user.

    Args:
        groups: who asks (企业, 街道工作人员, …) -> example questions, from the indexed
            documents' data (:func:`ui.examples.example_groups`).
    """
    blocks = []
    for who, questions in (groups or {}).items():
        items = "".join(f'<li><a class="example" href="#" data-question="{esc(q)}">{esc(q)}</a></li>'
                        for q in questions)
        blocks.append(f'<div class="example-group"><h4>{esc(who)}可以这样问</h4><ul>{items}</ul></div>')
    return ('<div class="chat-empty"><p>请输入问题。每个回答都标注所依据的条款，点击 [n] 可在右侧查看原文。</p>'
            f'<div class="examples">{"".join(blocks)}</div></div>')


def conversation_html(turns: list[dict[str, Any]], groups: Mapping[str, list[str]] | None = None,
                      pending: str | None = None) -> str:
    """The whole conversation, oldest first (``turns``: question + answer dict or error).

    Args:
        turns: the conversation so far.
        groups: example questions for the empty screen.
        pending: a question sent and not answered yet (shown with a waiting bubble).
    """
    if not turns and pending is None:
        return empty_chat(groups)
    parts = []
    for i, t in enumerate(turns):
        answer = Answer.model_validate(t["answer"]) if t.get("answer") else None
        parts.append(turn_html(t["question"], answer, t.get("error"), turn=i))
    if pending is not None:
        parts.append(pending_html(pending))
    return f'<div class="chat-log">{"".join(parts)}</div>'


# -- clause browser -------------------------------------------------------------------------
def short_name(clause: Clause, by_id: Mapping[str, Clause], doc_names: Mapping[str, str]) -> str:
    """The clause's label without its parent's (``（六）支持兼并收购`` under ``六、政策举措``)."""
    parent = by_id.get(clause.parent_id) if clause.parent_id else None
    if parent is not None and clause.label.startswith(parent.label):
        rest = clause.label[len(parent.label):].strip()
        if rest:
            return rest
    if parent is not None:
        # 附件1's label has the annex title; its duties' labels stop at "附件1 ".
        cut = os.path.commonprefix([clause.label, parent.label]).rfind(" ") + 1
        if cut > 0 and clause.label[cut:].strip():
            return clause.label[cut:].strip()
    prefix = doc_names.get(clause.doc_id)
    if prefix and clause.label.startswith(prefix):
        rest = clause.label[len(prefix):].strip()
        if rest:
            return rest
    return clause.label


def _ancestors(clause_id: str | None, by_id: Mapping[str, Clause]) -> set[str]:
    out: set[str] = set()
    while clause_id and clause_id in by_id:
        out.add(clause_id)
        clause_id = by_id[clause_id].parent_id
    return out


def clause_tree(clauses: list[Clause], doc_names: Mapping[str, str], current: str | None = None) -> str:
    """The documents' clause trees as nested lists; the current clause's branch is open.

    Args:
        clauses: every clause, in document order.
        doc_names: document id -> name shown (文号 or title).
        current: the clause being shown, marked and revealed.
    Returns:
        HTML.
    """
    by_id = {c.id: c for c in clauses}
    open_ids = _ancestors(current, by_id)
    kids: dict[str | None, list[Clause]] = {}
    for c in clauses:
        parent = c.parent_id if c.parent_id in by_id else None
        kids.setdefault(parent, []).append(c)

    def node(c: Clause) -> str:
        mark = " current" if c.id == current else ""
        link = clause_link(c.id, short_name(c, by_id, doc_names), f"tree-link{mark}")
        children = kids.get(c.id)
        if not children:
            return f"<li>{link}</li>"
        inner = "".join(node(k) for k in children)
        opened = " open" if c.id in open_ids else ""
        return f"<li><details{opened}><summary>{link}</summary><ul>{inner}</ul></details></li>"

    docs: dict[str, list[Clause]] = {}
    for c in kids.get(None, []):
        docs.setdefault(c.doc_id, []).append(c)
    parts = []
    for doc_id, roots in docs.items():
        parts.append(f'<div class="tree-doc"><h4>{esc(doc_names.get(doc_id, doc_id))}</h4>'
                     f'<ul class="tree">{"".join(node(c) for c in roots)}</ul></div>')
    return f'<nav class="clause-tree">{"".join(parts) or "索引中还没有条款。"}</nav>'


def _squashed(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased without whitespace, and for each kept character its index in ``text``."""
    kept, where = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            kept.append(ch.lower())
            where.append(i)
    return "".join(kept), where


def find_span(text: str, query: str) -> tuple[int, int] | None:
    """Where ``query`` occurs in ``text``, ignoring case and whitespace on both sides
    ("王程" finds "王 程"); the span covers the original characters."""
    q, _ = _squashed(query)
    if not q:
        return None
    flat, where = _squashed(text)
    i = flat.find(q)
    if i < 0:
        return None
    return where[i], where[i + len(q) - 1] + 1


def search_hits(query: str, clauses: list[Clause]) -> list[tuple[Clause, tuple[int, int] | None]]:
    """Clauses that contain ``query`` (whitespace and case ignored) in their id, label or own
    text, with the span in ``clause.text`` to show. A parent whose only match is inside a child
    is left out: the child is listed with that snippet."""
    hits = []
    for c in clauses:
        own = find_span(c.own_text, query)
        if own is not None:
            offset = c.text.find(c.own_text)
            hits.append((c, (own[0] + offset, own[1] + offset) if offset >= 0 else find_span(c.text, query)))
        elif find_span(c.label, query) or find_span(c.id, query):
            hits.append((c, None))
    return hits


def search_results(query: str, clauses: list[Clause], related: list[Clause] | None = None,
                   limit: int = 50) -> str:
    """Clauses whose id, label or own text contains ``query``, the match highlighted.

    Args:
        query: the search words (matched literally, ignoring case and whitespace).
        clauses: clauses to search, in document order.
        related: shown instead when nothing matches literally (e.g. retrieval hits).
        limit: most results shown.
    Returns:
        HTML.
    """
    q = query.strip()
    hits = search_hits(q, clauses)
    note = f"找到 {len(hits)} 条包含“{esc(q)}”的条款"
    if not hits and related:
        hits, note = [(c, None) for c in related], f"没有逐字包含“{esc(q)}”的条款，以下是相关条款"
    if not hits:
        return f'<div class="search-none">没有找到包含“{esc(q)}”的条款。请换个词语，或在目录中查找。</div>'
    items = []
    for c, span in hits[:limit]:
        if span is not None:
            start = max(0, span[0] - 30)
            snippet = highlighted(c.text[start:span[1] + 60], [(span[0] - start, span[1] - start)])
        else:
            snippet = esc(c.own_text[:90] or c.text[:90])
        items.append(f'<li>{clause_link(c.id, c.label, "tree-link")}<div class="snippet">{snippet}…</div></li>')
    more = f"（只显示前 {limit} 条）" if len(hits) > limit else ""
    return f'<div class="search-results"><p>{note}{more}</p><ul>{"".join(items)}</ul></div>'


def clause_view(clause: Clause | None, error: str | None = None,
                lookup: Callable[[str], Clause | None] | None = None,
                spans: Iterable[tuple[int, int]] = (), from_chat: bool = False) -> str:
    """One clause, verbatim (a table as a ``<table>``), with its label, location, copy
    button and permalink.

    Args:
        clause: the clause, or None for the prompt to choose one.
        error: a message shown instead (a bad permalink).
        lookup: clause id -> clause, to show a table clause's rows.
        spans: parts of the text to highlight (the support of an answer, from the chat).
        from_chat: opened from a chat citation: the card is marked as such.
    """
    if error:
        return f'<div class="clause-card missing" role="alert">{esc(error)}</div>'
    if clause is None:
        return '<div class="clause-card empty">在左侧选择条款，或搜索条文中的词语。</div>'
    page = f"第{clause.page}页 · " if clause.page else ""
    crumbs = " › ".join(esc(p) for p in clause.path)
    arrived = " from-chat" if from_chat else ""
    note = '<p class="arrived-note">从问答打开：高亮部分是回答所依据的原文。</p>' if from_chat and spans else ""
    body = clause_body(clause, lookup, spans)
    plain = "" if '<pre class="clause-text">' in body else \
        f'<pre class="clause-text copy-source" hidden>{esc(clause.text)}</pre>'
    return (
        f'<div class="clause-card{arrived}" data-id="{esc(clause.id)}">'
        f'<div class="crumbs">{crumbs}</div>'
        f'<h3 class="clause-label">{esc(clause.label)}</h3>'
        f'<div class="clause-meta">{esc(page)}{esc(clause.source)} · 编号 <code class="clause-id">{esc(clause.id)}</code>'
        f' · <a class="permalink" href="{esc(permalink(clause.id))}">永久链接</a></div>'
        f'<div class="clause-actions"><button type="button" class="copy-btn" data-copy="clause">复制原文</button></div>'
        f"{note}{body}{plain}</div>"
    )
