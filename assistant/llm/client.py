"""Talking to an OpenAI-compatible endpoint through the ``openai`` client.

:func:`converse` runs the exchange for one answer: the model may call tools (each call is
handed to ``execute``, which runs the real calculator) for at most ``max_tool_rounds``
turns, then writes its answer. The whole exchange is bounded by ``timeout_s``: each request
gets what is left of it, and a streamed reply is abandoned when it runs out.

Every way the endpoint can fail (refused connection, timeout, an HTTP error, a body that is
not JSON, a stream cut short) becomes :class:`LLMFailure` with a one-line Chinese reason;
the caller answers extractively instead. ``openai`` is imported here only, when a model is
asked.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from assistant.llm.config import LLMConfig
from assistant.llm.stream import Assembler, ModelToolCall, Reply, StreamCut, from_completion

log = logging.getLogger(__name__)

TokenSink = Callable[[str], None]


class LLMFailure(Exception):
    """The endpoint gave no usable reply; ``str(err)`` is a one-line Chinese reason
    (``status``: the HTTP status when the endpoint answered with an error)."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


def _reason(err: BaseException, config: LLMConfig) -> str:
    """The Chinese line for an exception raised while talking to the endpoint."""
    import openai

    if isinstance(err, LLMFailure):
        return str(err)
    if isinstance(err, openai.APITimeoutError):
        return f"大模型接口在 {config.timeout_s:g} 秒内没有答完"
    if isinstance(err, openai.APIConnectionError):
        cause = type(err.__cause__).__name__ if err.__cause__ is not None else ""
        if cause in ("RemoteProtocolError", "ReadError"):
            return "大模型的回复中途中断"  # connected, then the body stopped short
        return f"无法连接大模型接口 {config.shown_url}"
    if isinstance(err, openai.APIStatusError):
        return f"大模型接口返回错误（HTTP {err.status_code}）"
    if isinstance(err, StreamCut):
        return "大模型接口的回复不是有效的流式数据" if err.empty else "大模型的回复中途中断"
    if isinstance(err, (json.JSONDecodeError, openai.APIResponseValidationError, ValueError)):
        return "大模型接口的回复不是有效的 JSON"
    name = type(err).__name__
    if "Protocol" in name or "Read" in name or "Remote" in name:
        return "大模型的回复中途中断"
    return f"大模型接口的回复无法使用（{name}）"


def _client(config: LLMConfig):
    import openai

    key = config.api_key.get_secret_value() if config.api_key is not None else "not-needed"
    # No retries: a retry would double the time a person waits before the fallback answer.
    return openai.OpenAI(base_url=config.url, api_key=key, timeout=config.timeout_s, max_retries=0)


def _remaining(deadline: float, config: LLMConfig) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise LLMFailure(f"大模型接口在 {config.timeout_s:g} 秒内没有答完")
    return left


def complete(client: Any, config: LLMConfig, messages: list[dict[str, Any]], tools: list[dict[str, Any]],
             deadline: float, on_token: TokenSink | None = None) -> Reply:
    """One model turn (streamed when ``on_token`` is given, its text passed on piece by piece).

    Raises:
        LLMFailure: the endpoint failed, stalled past the deadline, or its reply was cut.
    """
    kwargs: dict[str, Any] = {"model": config.model, "messages": messages, "temperature": config.temperature,
                              "max_tokens": config.max_tokens, "timeout": _remaining(deadline, config)}
    if tools:
        kwargs["tools"] = tools
    try:
        if on_token is None:
            return from_completion(client.chat.completions.create(**kwargs))
        assembler = Assembler()
        stream = client.chat.completions.create(stream=True, **kwargs)
        try:
            for chunk in stream:
                piece = assembler.feed(chunk)
                if piece:
                    on_token(piece)
                _remaining(deadline, config)  # a server that trickles forever is cut off too
        finally:
            stream.close()
        return assembler.reply()
    except Exception as err:  # noqa: BLE001 - every endpoint failure becomes the extractive answer
        reason = config.scrub(_reason(err, config))
        log.warning("LLM endpoint failed: %s (%s)", reason, config.scrub(f"{type(err).__name__}: {err}"))
        raise LLMFailure(reason, getattr(err, "status_code", None)) from None


def converse(config: LLMConfig, messages: list[dict[str, Any]], tools: list[dict[str, Any]],
             execute: Callable[[ModelToolCall], dict[str, Any]], on_token: TokenSink | None = None) -> Reply:
    """The exchange for one answer: tool rounds, then the model's final reply.

    Args:
        config: the endpoint.
        messages: the opening messages (:func:`assistant.llm.prompt.messages`).
        tools: OpenAI ``tools`` entries (empty: none offered).
        execute: runs one tool call and returns what the model is told (a result or an error).
        on_token: receives streamed text; None for a non-streamed exchange.
    Returns:
        The final :class:`Reply` (with no tool calls).
    Raises:
        LLMFailure: the endpoint failed, or the model kept calling tools past the limit.
    """
    deadline = time.monotonic() + config.timeout_s
    messages = list(messages)
    client = _client(config)
    try:
        for _round in range(config.max_tool_rounds + 1):
            try:
                reply = complete(client, config, messages, tools, deadline, on_token)
            except LLMFailure as err:
                # A server or model without tool support (vLLM without a tool parser, an
                # Ollama model without tools) refuses the request: ask again without tools.
                if err.status != 400 or not tools or _round:
                    raise
                tools = []
                reply = complete(client, config, messages, tools, deadline, on_token)
            if not reply.calls:
                return reply
            calls = [c.model_copy(update={"id": c.id or f"call_{_round}_{i}"}) for i, c in enumerate(reply.calls)]
            messages.append({"role": "assistant", "content": reply.text or None,
                             "tool_calls": [{"id": c.id, "type": "function",
                                             "function": {"name": c.name, "arguments": c.arguments}}
                                            for c in calls]})
            for call in calls:
                messages.append({"role": "tool", "tool_call_id": call.id,
                                 "content": json.dumps(execute(call), ensure_ascii=False)})
        raise LLMFailure(f"模型调用计算工具超过 {config.max_tool_rounds} 轮仍未给出回答")
    finally:
        client.close()
