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
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import quote

from assistant.models import Answer, Citation, Clause, ToolCall

MARKER_RE = re.compile(r"\[(\d+)\]")
# A supporting span shorter than this is a coincidence, not a quotation.
MIN_SPAN_CHARS = 6
# Keys of a calculator result that are shown in their own rows, not as results.
RESULT_META_KEYS = ("tool", "clause_id", "formula", "inputs", "conditions", "notes", "rounding")

EXAMPLES: dict[str, list[str]] = {
    "企业": [
        "我们是白名单企业，收购隔壁厂房有补助吗？",
        "评估价2000万，能补多少？",
        "企业自用提高的容积率要补缴土地价款吗？",
    ],
    "街道工作人员": [
        "新碶街道要完成多少亩老工业区块改造？",
        "区财政局负责哪些工作？",
        "改造项目开工前审批要在多少天以内完成？",
    ],
}


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
def answer_html(answer: Answer) -> str:
    """The answer text with each valid ``[n]`` turned into a link to its clause.

    Args:
        answer: an answer contract.
    Returns:
        Escaped HTML; a marker that points at no citation stays plain text.
    """
    text = esc(answer.answer)

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(answer.citations):
            return m.group(0)
        cid = answer.citations[n - 1].id
        return (f'<a class="cite-marker" data-clause="{esc(cid)}" href="{esc(permalink(cid))}"'
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


def highlighted(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, with each span wrapped in ``<mark>``."""
    out, pos = [], 0
    for start, end in spans:
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="support">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def citation_card(n: int, citation: Citation, answer_text: str) -> str:
    """One entry of the citation panel: label, source and page, full text, span highlighted."""
    page = f" · 第{citation.page}页" if citation.page else ""
    spans = support_spans(citation.text, answer_text, n)
    return (
        f'<div class="citation" data-n="{n}" id="citation-{n}">'
        f'<div class="citation-head"><span class="num">[{n}]</span> '
        f'{clause_link(citation.id, citation.label, "citation-label")}</div>'
        f'<div class="citation-meta">{esc(citation.source)}{esc(page)} · '
        f'<code>{esc(citation.id)}</code></div>'
        f'<div class="clause-text">{highlighted(citation.text, spans)}</div>'
        "</div>"
    )


def citations_panel(answer: Answer | None) -> str:
    """The side panel: the clauses the latest answer cites, or a hint."""
    if answer is None:
        return '<div class="panel-empty">回答引用的条款会显示在这里，点击条款标题可在“条文浏览”中打开。</div>'
    if answer.abstained or not answer.citations:
        return '<div class="panel-empty">本次回答没有引用条款。</div>'
    cards = "".join(citation_card(i, c, answer.answer) for i, c in enumerate(answer.citations, start=1))
    return f'<div class="citations"><h3>引用条款（{len(answer.citations)}）</h3>{cards}</div>'


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_value(v)}" for k, v in value.items())
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
    try:
        from assistant.tools.registry import get_tool

        props = get_tool(tool).parameters.get("properties", {})
    except Exception:  # the registry is optional; raw names are shown without it
        return {}
    return {k: (v.get("description") or k).split("，")[0] for k, v in props.items()}


def tool_call_html(call: ToolCall, open_: bool = False) -> str:
    """A collapsible “计算过程”: formula, inputs, results, conditions and the clause."""
    labels = tool_labels(call.name)
    parts = [f'<details class="calc"{" open" if open_ else ""}><summary>计算过程：{esc(call.name)}</summary>']
    result = call.result or {}
    if call.error:
        parts.append(f'<div class="calc-error">{esc(call.error)}</div>')
    if result.get("formula"):
        parts.append(f'<div class="formula">{esc(result["formula"])}</div>')
    parts.append("<h4>输入</h4>" + kv_table(result.get("inputs") or call.arguments, labels))
    values = {k: v for k, v in result.items() if k not in RESULT_META_KEYS}
    if values:
        parts.append("<h4>结果</h4>" + kv_table(values))
    for key, title in (("conditions", "适用条件"), ("notes", "说明")):
        if result.get(key):
            parts.append(f"<h4>{title}</h4><ul>" + "".join(f"<li>{esc(x)}</li>" for x in result[key]) + "</ul>")
    if result.get("rounding"):
        parts.append(f'<div class="rounding">舍入：{esc(result["rounding"])}</div>')
    if result.get("clause_id"):
        parts.append(f'<div class="calc-clause">依据条款：{clause_link(result["clause_id"], result["clause_id"])}</div>')
    parts.append("</details>")
    return "".join(parts)


def turn_html(question: str, answer: Answer | None = None, error: str | None = None) -> str:
    """One exchange: the question, then the answer (or an abstention, or an error)."""
    q = f'<div class="msg user"><div class="bubble">{esc(question)}</div></div>'
    if error is not None:
        return q + f'<div class="msg bot error"><div class="badge">无法回答</div><div class="bubble">{esc(error)}</div></div>'
    assert answer is not None
    if answer.abstained:
        return q + ('<div class="msg bot abstained"><div class="badge">未找到依据</div>'
                    f'<div class="bubble answer">{answer_html(answer)}</div></div>')
    calcs = "".join(tool_call_html(c) for c in answer.tool_calls)
    return q + (f'<div class="msg bot answered"><div class="bubble answer">{answer_html(answer)}</div>'
                f"{calcs}</div>")


def empty_chat() -> str:
    """The empty screen: example questions for each kind of user."""
    groups = []
    for who, questions in EXAMPLES.items():
        items = "".join(f'<li><a class="example" href="#" data-question="{esc(q)}">{esc(q)}</a></li>'
                        for q in questions)
        groups.append(f'<div class="example-group"><h4>{esc(who)}可以这样问</h4><ul>{items}</ul></div>')
    return ('<div class="chat-empty"><p>请输入问题。每个回答都标注所依据的条款，点击 [n] 可查看原文。</p>'
            f'<div class="examples">{"".join(groups)}</div></div>')


def conversation_html(turns: list[dict[str, Any]]) -> str:
    """The whole conversation, oldest first (``turns``: question + answer dict or error)."""
    if not turns:
        return empty_chat()
    parts = []
    for t in turns:
        answer = Answer.model_validate(t["answer"]) if t.get("answer") else None
        parts.append(turn_html(t["question"], answer, t.get("error")))
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


def search_results(query: str, clauses: list[Clause], related: list[Clause] | None = None,
                   limit: int = 50) -> str:
    """Clauses whose id, label or text contains ``query``, the match highlighted.

    Args:
        query: the search words (matched literally, case-insensitively).
        clauses: clauses to search, in document order.
        related: shown instead when nothing matches literally (e.g. retrieval hits).
        limit: most results shown.
    Returns:
        HTML.
    """
    q = query.strip()
    hits = [c for c in clauses if q.lower() in f"{c.id}\n{c.label}\n{c.text}".lower()]
    note = f"找到 {len(hits)} 条包含“{esc(q)}”的条款"
    if not hits and related:
        hits, note = related, f"没有逐字包含“{esc(q)}”的条款，以下是相关条款"
    if not hits:
        return f'<div class="search-none">没有找到包含“{esc(q)}”的条款。</div>'
    items = []
    for c in hits[:limit]:
        i = c.text.lower().find(q.lower())
        if i >= 0:
            start = max(0, i - 30)
            snippet = highlighted(c.text[start:i + len(q) + 60], [(i - start, i - start + len(q))])
        else:
            snippet = esc(c.text[:90])
        items.append(f'<li>{clause_link(c.id, c.label, "tree-link")}<div class="snippet">{snippet}…</div></li>')
    more = f"（只显示前 {limit} 条）" if len(hits) > limit else ""
    return f'<div class="search-results"><p>{note}{more}</p><ul>{"".join(items)}</ul></div>'


def clause_view(clause: Clause | None, error: str | None = None) -> str:
    """One clause, verbatim, with its label, location, copy button and permalink."""
    if error:
        return f'<div class="clause-card missing">{esc(error)}</div>'
    if clause is None:
        return '<div class="clause-card empty">在左侧选择条款，或搜索条文中的词语。</div>'
    page = f"第{clause.page}页 · " if clause.page else ""
    crumbs = " › ".join(esc(p) for p in clause.path)
    table = ""
    if clause.table is not None:
        rows = dict(zip(clause.table.columns, clause.table.values))
        table = f"<h4>{esc(clause.table.key)}</h4>" + kv_table(rows, css="kv row-table")
    return (
        f'<div class="clause-card" data-id="{esc(clause.id)}">'
        f'<div class="crumbs">{crumbs}</div>'
        f'<h3 class="clause-label">{esc(clause.label)}</h3>'
        f'<div class="clause-meta">{esc(page)}{esc(clause.source)} · 编号 <code class="clause-id">{esc(clause.id)}</code>'
        f' · <a class="permalink" href="{esc(permalink(clause.id))}">永久链接</a></div>'
        f'<div class="clause-actions"><button type="button" class="copy-btn" data-copy="clause">复制原文</button></div>'
        f'<pre class="clause-text" id="clause-text">{esc(clause.text)}</pre>'
        f"{table}</div>"
    )
