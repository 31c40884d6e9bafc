"""The messages a model is given: the rules, the conversation, the numbered clauses, the tools.

The clauses are numbered ``[1]..[k]`` in the order given; a marker in the model's answer is
read against this numbering and nothing else. Tool schemas come from the calculator
registry (:func:`assistant.tools.registry.list_tools`), the same ones every caller uses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.models import Citation, Clause, ToolCall

SYSTEM = """你是政策文件问答助手，只根据用户消息中编号的条款回答，用简体中文。
规则：
1. 每句话末尾用方括号编号标出它依据的条款，例如“……给予补助[1]。”；只能使用给出的编号，不要写条款号或文件名作标记。
2. 引用原文时用「」括起，并逐字照抄所引条款中的文字。
3. 金额、比例、日期、面积、数量等数字，只能照抄所引条款中的数字或计算工具返回的结果；需要计算时调用计算工具，不要自己计算。
4. 所给条款不能回答问题时，直接说明所给条款未涉及，不要编造条款、文件或数字。
5. 回答简洁：先给结论，再列依据。"""


def context_block(citations: Sequence[Citation], max_chars: int) -> str:
    """The clauses as the model reads them: ``[n] label（id）`` then the text.

    A clause past ``max_chars`` in total is shortened (the rest of the budget) so one long
    annex does not crowd out the others; its number stays valid.
    """
    parts, left = [], max_chars
    for i, c in enumerate(citations, start=1):
        text = c.text if len(c.text) <= max(left, 200) else c.text[:max(left, 200)] + "……"
        left -= len(text)
        parts.append(f"[{i}] {c.label}（{c.id}）\n{text}")
    return "\n\n".join(parts)


def tool_block(calls: Sequence[ToolCall]) -> str:
    """Calculator results already computed for the question, as lines the model may quote."""
    lines = []
    for call in calls:
        if call.result is None:
            continue
        lines.append(f"- {call.name}({json.dumps(call.arguments, ensure_ascii=False)}) → "
                     f"{json.dumps(call.result, ensure_ascii=False)}")
    return "\n".join(lines)


def messages(question: str, history: Sequence[str], citations: Sequence[Citation],
             done: Sequence[ToolCall], max_chars: int) -> list[dict[str, Any]]:
    """The chat messages for one question.

    Args:
        question: the question as asked.
        history: earlier questions of the conversation, oldest first.
        citations: the clauses the model may cite, numbered from 1 in this order.
        done: calculator runs already made for this question (their results may be quoted).
        max_chars: budget for clause text.
    Returns:
        OpenAI-style messages (system, then one user message).
    """
    user = ["条款：", context_block(citations, max_chars)]
    tools = tool_block(done)
    if tools:
        user += ["", "计算工具已算出：", tools]
    if history:
        user += ["", "此前的问题（供理解追问）："] + [f"- {h}" for h in history]
    user += ["", f"问题：{question}"]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(user)}]


def tool_schemas(clauses: Mapping[str, Clause]) -> list[dict[str, Any]]:
    """The calculators of the indexed documents as OpenAI ``tools`` entries."""
    from assistant.tools.registry import list_tools

    return [{"type": "function",
             "function": {"name": s.name, "description": s.description, "parameters": s.parameters}}
            for s in list_tools(clauses)]
