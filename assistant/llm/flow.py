"""One answer written by a model, proven before it is shown, with the extractive answer behind it.

1. The extractive answer is made first, by the same retrieval, gate and calculators as
   always; when it abstains (the gate, or an empty index) the model is not asked.
2. The model gets the question, the earlier questions, the clauses numbered ``[1]..[k]``
   (those the extractive answer cites, then the retrieved ones) and the calculators; any
   calculator result already computed is given as such.
3. A tool call it makes runs the real calculator; bad arguments come back to it as an error
   message, and every call is recorded in ``tool_calls``.
4. Its draft is checked sentence by sentence (:mod:`assistant.llm.validate`); failing
   sentences are removed and noted; then the finaliser every answer passes.
5. An endpoint that fails, stalls, refuses or returns garbage, and a draft of which too little
   survives, give the extractive answer with a one-line note saying why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.answer.finalise import finalise
from assistant.errors import AssistantError
from assistant.llm import prompt
from assistant.llm.client import LLMFailure, converse
from assistant.llm.config import LLMConfig
from assistant.llm.stream import ModelToolCall
from assistant.llm.validate import check_draft
from assistant.models import Answer, Citation, Clause, ToolCall

if TYPE_CHECKING:  # pragma: no cover
    from assistant.core import Assistant, Evidence

_REFUSAL = re.compile(r"未涉及|没有涉及|无法回答|不能回答|无法确定|抱歉|对不起|I cannot|I can't|sorry", re.I)


def fallback(default: Answer, reason: str, notes: list[str] | None = None) -> Answer:
    """The extractive answer with one Chinese line saying why the model's was not used."""
    line = f"未采用大模型的回答：{reason}；以下为抽取式回答。"
    return default.model_copy(update={"notes": [*default.notes, line, *(notes or [])]})


def given_clauses(default: Answer, hits: list[Any], limit: int) -> list[Citation]:
    """The clauses the model may cite: the extractive answer's, then the retrieved ones."""
    out: list[Citation] = []
    seen: set[str] = set()
    for c in default.citations:
        if c.id not in seen:
            out.append(c)
            seen.add(c.id)
    for hit in hits:
        c = hit.clause
        if c.id not in seen and len(out) < limit:
            out.append(Citation(id=c.id, label=c.label, text=c.text, source=c.source, page=c.page,
                                score=hit.score))
            seen.add(c.id)
    return out


def tool_runner(clauses: dict[str, Clause], record: list[ToolCall],
                scrub: Callable[[str], str]) -> Callable[[ModelToolCall], dict[str, Any]]:
    """A function that runs one model tool call with the real calculator and records it."""
    from assistant.tools.registry import run_tool

    def execute(call: ModelToolCall) -> dict[str, Any]:
        name = call.name.strip() or "（未命名）"
        try:
            arguments = json.loads(call.arguments or "{}")
        except json.JSONDecodeError:
            msg = f"{name} 的参数不是有效的 JSON：{scrub(call.arguments[:200])}"
            record.append(ToolCall(name=name, arguments={}, error=msg))
            return {"error": msg}
        if not isinstance(arguments, dict):
            msg = f"{name} 的参数应为 JSON 对象，收到：{scrub(str(arguments)[:200])}"
            record.append(ToolCall(name=name, arguments={}, error=msg))
            return {"error": msg}
        try:
            result = run_tool(name, arguments, clauses)
        except (AssistantError, ValueError, ArithmeticError) as err:
            record.append(ToolCall(name=name, arguments=arguments, error=str(err)))
            return {"error": str(err)}
        record.append(ToolCall(name=name, arguments=arguments, result=result))
        return result

    return execute


def llm_answer(assistant: "Assistant", config: LLMConfig, question: str, history: list[str] | None,
               default: Answer, on_token: Callable[[str], None] | None = None,
               evidence: "Evidence | None" = None) -> Answer:
    """Answer through the model, or give ``default`` (the finalised extractive answer).

    Args:
        assistant: the assistant whose index, retrieval and gate are used.
        config: the endpoint.
        question: the question as asked.
        history: earlier questions, oldest first.
        default: the extractive answer, already finalised.
        on_token: receives the draft as it streams (None: not streamed).
        evidence: what the extractive answer rested on (:meth:`Assistant.evidence`); found
            again when omitted.
    Returns:
        The checked model answer (``notes`` lists what the checks removed), or ``default``
        with a note when the model's answer cannot be used.
    """
    if default.abstained:
        return default  # the gate declined: no model is asked to answer what the corpus lacks
    settings = assistant.settings
    evidence = evidence if evidence is not None else assistant.evidence(question, history)
    hist, hits, signals = evidence.history, evidence.hits, evidence.signals
    if assistant.gate.abstain(signals) and not default.tool_calls:
        return default
    from assistant.documents.validity import prefer_in_force

    documents = assistant.documents()
    hits = prefer_in_force(hits, documents, settings.clock())
    clauses = assistant.index.clauses()
    given = given_clauses(default, hits, settings.top_k + len(default.citations))
    done = [c for c in default.tool_calls if c.result is not None and c.error is None]
    messages = prompt.messages(default.question, hist, given, done, config.max_context_chars)
    made: list[ToolCall] = []
    try:
        reply = converse(config, messages, prompt.tool_schemas(clauses) if config.max_tool_rounds else [],
                         tool_runner(clauses, made, config.scrub), on_token)
    except LLMFailure as err:
        return fallback(default, str(err))
    if reply.refusal:
        return fallback(default, "大模型拒绝回答")
    draft = reply.answer_text
    if not draft:
        return fallback(default, "大模型没有给出回答")
    titles = [t for d in documents for t in (d.title, d.short_name)]
    checked = check_draft(draft, given, done + made, f"{default.question}\n{evidence.question}", hist, titles)
    if not checked.cited or checked.kept_share < config.min_kept_share:
        if not checked.cited and _REFUSAL.search(draft):
            return fallback(default, "大模型认为所给条款不能回答这个问题")
        share = f"{checked.kept_share:.0%}"
        return fallback(default, f"大模型的回答只有 {share} 通过引文与数字核对", checked.notes)
    answer = Answer(question=default.question, answer=checked.text, abstained=False,
                    citations=checked.citations, tool_calls=done + made, notes=checked.notes)
    final = finalise(answer, clauses, documents, settings.clock())
    if final.answer.abstained:
        return fallback(default, "核对后没有可引用的内容", checked.notes + final.notes)
    extra = [n for n in final.notes if not n.startswith("有效性")]
    return final.answer.model_copy(update={"notes": checked.notes + extra})
