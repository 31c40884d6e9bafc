"""HTML for calculator results, eligibility matches, documents and ingestion reports.

Escaping follows :mod:`ui.render`: every value goes through :func:`ui.render.esc`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from assistant.models import DocumentMeta, ToolCall
from ui.render import clause_link, esc, tool_call_html

GROUP_TITLES = (("applies", "适用"), ("may_apply", "可能适用（须满足所列条件）"), ("obligations", "义务与倒逼措施"))


def _summary(result: Mapping[str, Any]) -> str | None:
    try:
        from assistant.tools.registry import get_tool
        from assistant.tools.render import summary

        name = str(result.get("tool", ""))
        tool = get_tool(name).active if not name.startswith("convert_") else None
        return summary(dict(result), tool)
    except Exception:  # a result the sentence renderer does not know: the table still shows it
        return None


def calc_result(name: str, result: Mapping[str, Any] | None = None, error: str | None = None,
                labels: Mapping[str, str] | None = None) -> str:
    """A calculator's result: one sentence, then the formula, inputs and clause.

    Args:
        name: the calculator name.
        result: its JSON-able result (``run_tool``), or None on error.
        error: the message of a refused input.
        labels: clause id -> label, to name the clause cited.
    Returns:
        HTML.
    """
    if error is not None:
        return f'<div class="calc-result error"><div class="badge">输入有误</div><p>{esc(error)}</p></div>'
    if result is None:
        return '<div class="calc-result empty">填写参数后点击“计算”。</div>'
    sentence = _summary(result)
    cid = result.get("clause_id")
    cited = ""
    if cid:
        label = (labels or {}).get(cid, cid)
        cited = f'<p class="calc-clause">依据：{clause_link(cid, label)}</p>'
    call = ToolCall(name=name, arguments=dict(result.get("inputs") or {}), result=dict(result))
    lead = f'<p class="calc-sentence">{esc(sentence)}</p>' if sentence else ""
    return f'<div class="calc-result ok">{lead}{cited}{tool_call_html(call, open_=True)}</div>'


def _item(item: Any, labels: Mapping[str, str], field_titles: Mapping[str, str]) -> str:
    parts = [f'<li class="match-item" data-rule="{esc(item.rule_id)}"><h4>{esc(item.title)}</h4>',
             f"<p>{esc(item.text)}</p>"]
    if item.condition:
        parts.append(f'<p class="condition">条件：{esc(item.condition)}</p>')
    if item.unknown_facts:
        names = "、".join(field_titles.get(f, f) for f in item.unknown_facts)
        parts.append(f'<p class="unknown">尚不清楚：{esc(names)}</p>')
    if item.excluded_by:
        names = "、".join(field_titles.get(f, f) for f in item.excluded_by)
        parts.append(f'<p class="unknown">与所填情况不符：{esc(names)}</p>')
    if item.tool_call is not None and item.tool_call.result:
        sentence = _summary(item.tool_call.result)
        if sentence:
            parts.append(f'<p class="amount">测算：{esc(sentence)}</p>')
        parts.append(tool_call_html(item.tool_call))
    elif item.tool_call is not None and item.tool_call.error:
        parts.append(f'<p class="calc-error">{esc(item.tool_call.error)}</p>')
    elif item.missing_inputs:
        names = "、".join(field_titles.get(f, f) for f in item.missing_inputs)
        parts.append(f'<p class="missing">填写“{esc(names)}”后可测算金额。</p>')
    links = "、".join(clause_link(cid, labels.get(cid, cid)) for cid in item.clause_ids)
    parts.append(f'<p class="cites">依据：{links}</p></li>')
    return "".join(parts)


def match_result(result: Any, labels: Mapping[str, str], field_titles: Mapping[str, str]) -> str:
    """A :class:`~assistant.eligibility.MatchResult` grouped: applies / may apply / obligations.

    Args:
        result: the match result.
        labels: clause id -> label.
        field_titles: profile field -> Chinese title.
    Returns:
        HTML.
    """
    parts = ['<div class="match-result">']
    if result.outside_period:
        parts.append(f'<p class="warning">{esc(result.outside_period)}</p>')
    for attr, title in GROUP_TITLES:
        items = getattr(result, attr)
        body = ("".join(_item(i, labels, field_titles) for i in items)
                if items else '<li class="none">（无）</li>')
        parts.append(f'<section class="group group-{attr}"><h3>{esc(title)}（{len(items)}）</h3><ul>{body}</ul></section>')
    if result.excluded:
        body = "".join(_item(i, labels, field_titles) for i in result.excluded)
        parts.append(f'<details class="group excluded"><summary>已排除（{len(result.excluded)}）</summary><ul>{body}</ul></details>')
    if result.external_documents:
        docs = "、".join(result.external_documents)
        parts.append(f'<p class="note">注：具体标准见{esc(docs)}，这些文件不在本助手收录的文件中。</p>')
    if result.period is not None:
        period_links = "、".join(clause_link(cid, labels.get(cid, cid)) for cid in result.period.clause_ids)
        parts.append(f'<p class="period">{esc(result.period.note())} 依据：{period_links}</p>')
    parts.append("</div>")
    return "".join(parts)


def validity(meta: DocumentMeta, today: date) -> tuple[str, str]:
    """The validity period in words and its status class (``valid``, ``expired``, ``pending``, ``unknown``)."""
    if not meta.valid_from and not meta.valid_to:
        return "未注明", "unknown"
    span = f"{meta.valid_from.isoformat() if meta.valid_from else '—'} 至 {meta.valid_to.isoformat() if meta.valid_to else '—'}"
    if meta.valid_to and today > meta.valid_to:
        return span + "（已过期）", "expired"
    if meta.valid_from and today < meta.valid_from:
        return span + "（尚未生效）", "pending"
    return span + "（有效期内）", "valid"


def documents_list(docs: list[DocumentMeta], clause_counts: Mapping[str, int], first_clause: Mapping[str, str],
                   today: date) -> str:
    """Each document with its metadata and validity period.

    Args:
        docs: the indexed documents.
        clause_counts: document id -> number of clauses.
        first_clause: document id -> id of its first clause (to open it).
        today: the date validity is judged on.
    Returns:
        HTML.
    """
    if not docs:
        return '<div class="docs empty">索引中还没有文件。</div>'
    cards = []
    for meta in docs:
        period, status = validity(meta, today)
        rows = {
            "文号": meta.doc_number or "—",
            "发文机关": "、".join(meta.issuers) or "—",
            "成文日期": meta.signed.isoformat() if meta.signed else "—",
            "印发日期": meta.printed.isoformat() if meta.printed else "—",
            "有效期": period,
            "文件": "、".join(meta.files) or "—",
            "条款数": clause_counts.get(meta.id, 0),
        }
        body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows.items())
        notes = f'<p class="doc-notes">{esc(meta.notes)}</p>' if meta.notes else ""
        open_link = (clause_link(first_clause[meta.id], "在条文浏览中打开")
                     if meta.id in first_clause else "")
        cards.append(f'<div class="doc-card status-{status}" data-doc="{esc(meta.id)}"><h3 class="doc-title">{esc(meta.title)}</h3>'
                     f'<table class="kv">{body}</table>{notes}<p>{open_link}</p></div>')
    return f'<div class="docs">{"".join(cards)}</div>'


def ingest_report(saved: list[str], rejected: list[tuple[str, str]], report: Any | None) -> str:
    """What an upload or re-index did: files imported, unchanged, and rejected with reasons.

    Args:
        saved: file names saved to the uploads folder.
        rejected: (file name, reason) for files refused before or during ingestion.
        report: the :class:`~assistant.index.ingest.IngestReport`, when ingestion ran.
    Returns:
        HTML.
    """
    parts = ['<div class="ingest-report">']
    if report is not None:
        for attr, title in (("added", "已导入"), ("updated", "已更新"), ("unchanged", "未变化"), ("removed", "已移除")):
            names = getattr(report, attr)
            if names:
                parts.append(f'<p class="{attr}">{title}：{esc("、".join(names))}</p>')
        parts.append(f'<p class="total">索引中共有 {esc(report.clauses)} 条条款（用时 {report.seconds:.1f} 秒）。</p>')
    elif saved:
        parts.append(f'<p>已保存：{esc("、".join(saved))}</p>')
    if rejected:
        items = "".join(f"<li><b>{esc(name)}</b>：{esc(reason)}</li>" for name, reason in rejected)
        parts.append(f'<div class="rejected"><h4>未导入的文件</h4><ul>{items}</ul></div>')
    if len(parts) == 1:
        parts.append("<p>没有选择文件。</p>")
    parts.append("</div>")
    return "".join(parts)
