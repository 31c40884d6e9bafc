"""The chat tab: a conversation with cited answers and the panel of cited clauses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.errors import AssistantError
from ui import render
from ui.service import UiService
from ui.widgets import linked_html


@dataclass
class ChatTab:
    """The chat tab's components and its ask function."""

    question: Any
    send: Any
    clear: Any
    turns: Any
    log: Any
    panel: Any
    service: UiService

    @property
    def outputs(self) -> list[Any]:
        """Components an ask updates, in the order :meth:`ask` returns them."""
        return [self.question, self.turns, self.log, self.panel]

    def ask(self, question: str, turns: list[dict[str, Any]] | None) -> tuple:
        """Answer ``question`` after ``turns``; returns updates for :attr:`outputs`.

        Args:
            question: the new question.
            turns: the conversation so far (question + answer dict, or question + error).
        Returns:
            (cleared input, new turns, conversation HTML, citation panel HTML).
        """
        turns = list(turns or [])
        history = [t["question"] for t in turns if t.get("answer")]
        try:
            answer = self.service.ask(question or "", history)
        except AssistantError as err:
            turns.append({"question": question or "", "error": str(err)})
            return "", turns, render.conversation_html(turns), render.citations_panel(None)
        turns.append({"question": question, "answer": answer.model_dump(mode="json")})
        return "", turns, render.conversation_html(turns), render.citations_panel(answer)


def build(service: UiService) -> ChatTab:
    """Lay out the chat tab (inside a ``gr.Tab``) and wire its own events."""
    import gradio as gr

    turns = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            log = linked_html(render.empty_chat(), elem_id="chat-log", min_height=360)
            with gr.Row():
                question = gr.Textbox(show_label=False, placeholder="输入问题，例如：白名单企业收购厂房有补助吗？",
                                      elem_id="question", scale=6, lines=1, max_lines=4,
                                      max_length=service.settings.max_question_chars)
                send = gr.Button("发送", variant="primary", elem_id="ask", scale=1, min_width=80)
                clear = gr.Button("新对话", elem_id="clear", scale=1, min_width=80)
        with gr.Column(scale=2):
            panel = linked_html(render.citations_panel(None), elem_id="citations")
    tab = ChatTab(question, send, clear, turns, log, panel, service)
    send.click(tab.ask, [question, turns], tab.outputs, api_visibility="private")
    question.submit(tab.ask, [question, turns], tab.outputs, api_visibility="private")
    clear.click(lambda: ("", [], render.conversation_html([]), render.citations_panel(None)),
                None, tab.outputs, api_visibility="private")
    return tab
