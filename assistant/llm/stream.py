"""A model's reply as one typed record, whether it came whole or in streamed pieces.

A streamed reply arrives as chunks whose ``delta`` holds a piece of text or a piece of a
tool call (its name first, its JSON arguments in fragments, keyed by ``index``);
:class:`Assembler` joins them. A stream that ends without a finish reason was cut, and is
reported as such rather than taken as a short answer.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

# Reasoning models (Qwen3, DeepSeek-R1 behind vLLM or Ollama) may put their thinking in the text.
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S)


class ModelToolCall(BaseModel):
    """A tool call as the model wrote it: the arguments are raw text, not yet trusted JSON."""

    id: str = ""
    name: str = ""
    arguments: str = ""


class Reply(BaseModel):
    """One model turn: its text, its tool calls, and why it stopped."""

    text: str = ""
    calls: list[ModelToolCall] = Field(default_factory=list)
    finish: str | None = None
    refusal: str | None = None

    @property
    def answer_text(self) -> str:
        """The text without any ``<think>`` block."""
        return _THINK.sub("", self.text).strip()


class StreamCut(Exception):
    """The stream ended before the model said it was done (``empty``: it carried no chunk at all)."""

    def __init__(self, message: str, empty: bool = False) -> None:
        super().__init__(message)
        self.empty = empty


class Assembler:
    """Joins streamed chunks into a :class:`Reply`."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._calls: dict[int, ModelToolCall] = {}
        self._finish: str | None = None
        self._refusal: list[str] = []
        self._chunks = 0

    def feed(self, chunk: Any) -> str:
        """Take one chunk (an OpenAI ``ChatCompletionChunk``); return the text it adds."""
        added = ""
        self._chunks += 1
        for choice in getattr(chunk, "choices", None) or []:
            if getattr(choice, "index", 0) not in (0, None):
                continue
            delta = choice.delta
            if delta is not None:
                if delta.content:
                    added += delta.content
                if getattr(delta, "refusal", None):
                    self._refusal.append(delta.refusal)
                for piece in delta.tool_calls or []:
                    call = self._calls.setdefault(piece.index if piece.index is not None else len(self._calls),
                                                  ModelToolCall())
                    if piece.id:
                        call.id = piece.id
                    fn = piece.function
                    if fn is not None:
                        call.name += fn.name or ""
                        call.arguments += fn.arguments or ""
            if choice.finish_reason:
                self._finish = choice.finish_reason
        self._text.append(added)
        return added

    def reply(self) -> Reply:
        """The assembled reply.

        Raises:
            StreamCut: the stream carried no finish reason.
        """
        if self._finish is None:
            raise StreamCut("stream ended without a finish reason", empty=not self._chunks)
        return Reply(text="".join(self._text), calls=[self._calls[i] for i in sorted(self._calls)],
                     finish=self._finish, refusal="".join(self._refusal) or None)


def from_completion(completion: Any) -> Reply:
    """A non-streamed ``ChatCompletion`` as a :class:`Reply`.

    Raises:
        ValueError: the completion has no choice or no message (a reply that is not one).
    """
    choices = getattr(completion, "choices", None)
    if not choices:
        raise ValueError("completion without choices")
    message = choices[0].message
    if message is None:
        raise ValueError("choice without message")
    calls = [ModelToolCall(id=c.id or "", name=(c.function.name or "") if c.function else "",
                           arguments=(c.function.arguments or "") if c.function else "")
             for c in (message.tool_calls or [])]
    return Reply(text=message.content or "", calls=calls, finish=choices[0].finish_reason or "stop",
                 refusal=getattr(message, "refusal", None))
