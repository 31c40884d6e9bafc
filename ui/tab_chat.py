"""The chat tab: a conversation with cited answers and the panel of cited clauses.

Asking is two steps, so that the page shows the question and a waiting bubble at once:
:meth:`ChatTab.start` (instant: the question appears, the input clears, ``pending`` holds
the question) then :meth:`ChatTab.finish` (the answer; it does nothing when ``pending`` is
empty, e.g. after an empty question).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AssistantError, EmptyQuestionError
from ui import render
from ui.errors import message_for
from ui.service import UiService
from ui.widgets import CHAT_JS, linked_html

log = logging.getLogger(__name__)


@dataclass
class ChatTab:
    """The chat tab's components and its ask functions."""

    question: Any
    send: Any
    clear: Any
    turns: Any
    pending: Any
    log: Any
    panel: Any
    notice: Any
    service: UiService
    # Switches that change how an answer is made (e.g. an answer mode) are laid out in the
    # ``options`` row and passed to :meth:`finish` as extra inputs, in this order.
    options: Any = None
    option_inputs: list[Any] = field(default_factory=list)
    # The keyword each option input is passed to ``UiService.ask`` as (e.g. ``llm``).
    option_names: list[str] = field(default_factory=list)

    @property
    def start_outputs(self) -> list[Any]:
        """Components :meth:`start` updates, in the order it returns them."""
        return [self.question, self.log, self.pending, self.notice]

    @property
    def finish_outputs(self) -> list[Any]:
        """Components :meth:`finish` updates, in the order it returns them."""
        return [self.turns, self.log, self.panel, self.pending]

    def start(self, question: str | None, turns: list[dict[str, Any]] | None) -> tuple:
        """Show the question with a waiting bubble; an empty question is explained instead.

        Returns:
            (input box, conversation HTML, pending question or None, notice HTML).
        """
        import gradio as gr

        text = question or ""
        if not text.strip():
            note = message_for(EmptyQuestionError(""))
            return gr.skip(), gr.skip(), None, render.notice_html(note)
        return "", render.conversation_html(list(turns or []), pending=text), text, render.notice_html(None)

    def finish(self, pending: str | None, turns: list[dict[str, Any]] | None, *options: Any,
               on_token: Any = None) -> tuple:
        """Answer the pending question after ``turns``.

        Returns:
            (new turns, conversation HTML, citation panel HTML, cleared pending).
        """
        import gradio as gr

        if pending is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        turns = list(turns or [])
        history = [t["question"] for t in turns if t.get("answer")]
        try:
            mode = {name: bool(value) for name, value in zip(self.option_names, options)}
            answer = self.service.ask(pending, history, on_token=on_token, **mode)
        except Exception as err:  # noqa: BLE001 - the waiting bubble must always be replaced
            if not isinstance(err, AssistantError):
                log.exception("answering %r failed", pending)
            turns.append({"question": pending, "error": message_for(err)})
        else:
            turns.append({"question": pending, "answer": answer.model_dump(mode="json")})
        return (turns, render.conversation_html(turns),
                render.citations_panel(turns, self.service.lookup), None)

    def finish_streaming(self, pending: str | None, turns: list[dict[str, Any]] | None, *options: Any):
        """:meth:`finish`, showing the model's draft as it streams (a generator for gradio).

        The draft is shown under the question, marked as not yet checked, and replaced by the
        checked answer (or the extractive one) when it is done.
        """
        import queue
        import threading
        import time

        mode = dict(zip(self.option_names, options))
        if pending is None or not mode.get("llm"):
            yield self.finish(pending, turns, *options)
            return
        pieces: queue.Queue = queue.Queue()
        done: dict[str, tuple] = {}

        def work() -> None:
            try:
                done["out"] = self.finish(pending, turns, *options, on_token=pieces.put)
            finally:
                pieces.put(None)

        threading.Thread(target=work, daemon=True).start()
        draft, shown_at = "", 0.0
        while (piece := pieces.get()) is not None:
            draft += piece
            if time.monotonic() - shown_at > 0.2:  # a redraw per piece would flood the browser
                shown_at = time.monotonic()
                yield (self._skip(), draft_html(list(turns or []), pending, draft), self._skip(), self._skip())
        yield done["out"]

    @staticmethod
    def _skip() -> Any:
        import gradio as gr

        return gr.skip()

    def clear_all(self) -> tuple:
        """A new conversation: the example questions again, the panel empty."""
        return ("", [], render.empty_chat(self.service.example_groups()),
                render.citations_panel(None), None, render.notice_html(None))


def build(service: UiService) -> ChatTab:
    """Lay out the chat tab (inside a ``gr.Tab``) and wire its own events."""
    import gradio as gr

    turns = gr.State([])
    pending = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            log = linked_html(render.empty_chat(service.example_groups()), js=CHAT_JS, elem_id="chat-log",
                              min_height=300)
            with gr.Row(elem_id="question-row"):
                question = gr.Textbox(show_label=False, placeholder="输入问题，按回车或点击“发送”",
                                      elem_id="question", scale=6, lines=1, max_lines=4,
                                      max_length=service.settings.max_question_chars)
                send = gr.Button("发送", variant="primary", elem_id="ask", scale=1, min_width=80)
                clear = gr.Button("新对话", elem_id="clear", scale=1, min_width=80)
            notice = gr.HTML(render.notice_html(None), elem_id="chat-notice", js_on_load=None)
            options = gr.Row(elem_id="chat-options")  # answer-mode switches go here
        with gr.Column(scale=2, elem_id="citations-column"):
            panel = linked_html(render.citations_panel(None), elem_id="citations")
    tab = ChatTab(question, send, clear, turns, pending, log, panel, notice, service, options)
    add_llm_switch(tab)
    finish = tab.finish_streaming if tab.option_names else tab.finish
    for trigger in (send.click, question.submit):
        trigger(tab.start, [question, turns], tab.start_outputs, api_visibility="private",
                show_progress="hidden", queue=False).then(
            finish, [pending, turns, *tab.option_inputs], tab.finish_outputs, api_visibility="private",
            show_progress="hidden")
    clear.click(tab.clear_all, None, [question, turns, log, panel, pending, notice], api_visibility="private")
    return tab


def draft_html(turns: list[dict[str, Any]], pending: str, draft: str) -> str:
    """The conversation with a model's draft under the pending question, marked unchecked."""
    html = render.conversation_html(turns, pending=pending)
    bubble = (f'<div class="msg bot draft" role="status" aria-live="polite"><div class="badge">草稿（核对中）</div>'
              f'<div class="bubble">{render.esc(draft)}</div></div>')
    return html[: -len("</div>")] + bubble + "</div>"


def add_llm_switch(tab: ChatTab) -> None:
    """When a model endpoint is configured, a switch in the options row for the model answer
    mode (on by default); its value reaches ``UiService.ask`` as ``llm``."""
    import gradio as gr

    config = tab.service.llm_config()
    if config is None or tab.options is None:
        return
    with tab.options:
        box = gr.Checkbox(value=True, label="大模型回答（逐句核对引文、引语和数字后显示）", info=config.describe(),
                          elem_id="llm-mode")
    tab.option_inputs.append(box)
    tab.option_names.append("llm")
