"""The gradio app: chat, clause browser, calculators, eligibility and documents in tabs."""

import os
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
import gradio as gr  # noqa: E402 - after the analytics switch

from assistant.errors import AssistantError
from ui.errors import message_for
from ui.limits import RequestGuard, policy_for, remove_on_shutdown, unlock_route, upload_temp_dir
from ui.service import AdminGate, UiService
from ui.widgets import event_data

TAB_IDS = ("chat", "browser", "calc", "match", "docs")

CSS = """
.gradio-container { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
#app-header h1 { margin: 0.2em 0; font-size: 1.5em; }
#app-header p { margin: 0; color: #666; }
.chat-log { display: flex; flex-direction: column; gap: 10px; }
.msg { display: flex; flex-direction: column; }
.msg.user { align-items: flex-end; }
.msg .bubble { padding: 10px 14px; border-radius: 10px; max-width: 92%; white-space: pre-wrap; line-height: 1.6; }
.msg.user .bubble { background: #e8f0fe; }
.msg.bot.answered .bubble { background: #f6f8fa; border-left: 4px solid #2563eb; }
.msg.bot.abstained .bubble { background: #fff7e6; border-left: 4px solid #d97706; color: #5b3d00; }
.msg.bot.error .bubble { background: #fdecec; border-left: 4px solid #dc2626; }
.badge { display: inline-block; font-size: 0.8em; padding: 1px 8px; border-radius: 8px; margin-bottom: 4px;
         background: #d97706; color: white; width: fit-content; }
.msg.bot.error .badge { background: #dc2626; }
a.cite-marker { font-weight: 600; text-decoration: none; color: #2563eb; padding: 0 1px; }
a.cite-marker:hover { text-decoration: underline; }
details.calc { margin-top: 6px; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px 10px; background: white; }
details.calc summary { cursor: pointer; font-weight: 600; }
.formula { font-family: monospace; background: #f6f8fa; padding: 6px; border-radius: 6px; margin: 6px 0; white-space: pre-wrap; }
table.kv { border-collapse: collapse; margin: 4px 0; }
table.kv th { text-align: left; padding: 2px 10px 2px 0; color: #555; font-weight: normal; vertical-align: top; }
table.kv td { padding: 2px 0; }
.citation { border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.citation-head a { font-weight: 600; }
.citation-meta, .clause-meta, .crumbs { color: #666; font-size: 0.85em; margin: 2px 0 6px; }
.clause-text { white-space: pre-wrap; line-height: 1.7; font-family: inherit; background: #fafafa;
               padding: 8px; border-radius: 6px; margin: 0; }
mark.support { background: #fff3a3; }
.clause-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 12px; }
.clause-card.missing { border-color: #dc2626; color: #991b1b; }
.copy-btn { border: 1px solid #2563eb; color: #2563eb; background: white; border-radius: 6px; padding: 2px 10px;
            cursor: pointer; margin-bottom: 6px; }
nav.clause-tree ul { list-style: none; padding-left: 14px; margin: 0; }
nav.clause-tree summary { cursor: pointer; }
a.tree-link { text-decoration: none; }
a.tree-link.current { font-weight: 700; background: #e8f0fe; border-radius: 4px; padding: 0 3px; }
.search-results .snippet { color: #555; font-size: 0.85em; margin-bottom: 6px; }
.examples { display: flex; gap: 24px; flex-wrap: wrap; }
.example-group ul { padding-left: 18px; }
a.example { cursor: pointer; }
.group h3 { border-bottom: 2px solid #e5e7eb; }
.group-applies h3 { color: #15803d; } .group-may_apply h3 { color: #b45309; } .group-obligations h3 { color: #b91c1c; }
.match-item { margin-bottom: 10px; } .match-item h4 { margin: 4px 0; }
.condition, .unknown, .missing { color: #92400e; } .amount { font-weight: 600; color: #15803d; }
.doc-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
.doc-card.status-expired { border-left: 4px solid #9ca3af; } .doc-card.status-valid { border-left: 4px solid #16a34a; }
.rejected { color: #991b1b; } .ingest-report.error, .calc-result.error, .match-result.error { color: #991b1b; }
.calc-sentence { font-weight: 600; font-size: 1.05em; }
/* chat: the log scrolls inside itself so the question box stays on screen */
#chat-log .chat-log { max-height: calc(100vh - 300px); min-height: 280px; overflow-y: auto; padding-right: 4px; }
.msg.bot.selected .bubble { box-shadow: 0 0 0 2px #93c5fd; }
.msg.bot.answered, .msg.bot.abstained { cursor: pointer; }
.msg.bot.pending .bubble { background: #f3f4f6; color: #4b5563; }
.dots::before { content: "●"; display: inline-block; margin-right: 6px; color: #2563eb; animation: blink 1s infinite; }
@keyframes blink { 50% { opacity: 0.2; } }
.chat-notice.shown { color: #991b1b; background: #fdecec; border-radius: 6px; padding: 6px 10px; }
/* the citation panel keeps every answer's set; one is shown */
#citations { max-height: calc(100vh - 160px); overflow-y: auto; }
.cite-set[hidden] { display: none; }
.cite-question { color: #555; font-size: 0.9em; margin: 0 0 6px; }
.citation.focused { border-color: #2563eb; box-shadow: 0 0 0 3px #bfdbfe; background: #f8fbff; }
.citation-actions { margin-top: 6px; font-size: 0.9em; }
/* tables of the documents */
.table-wrap { overflow-x: auto; }
table.clause-table { border-collapse: collapse; font-size: 0.9em; margin: 6px 0; }
table.clause-table th, table.clause-table td { border: 1px solid #d0d7de; padding: 3px 6px; vertical-align: top; }
table.clause-table thead th { background: #f3f4f6; font-weight: 600; }
table.clause-table td.marked { background: #fff3a3; font-weight: 600; }
.clause-card.from-chat { border-color: #2563eb; box-shadow: 0 0 0 3px #bfdbfe; }
.arrived-note { color: #1d4ed8; font-size: 0.9em; margin: 4px 0; }
.ingest-progress ol { margin: 4px 0; padding-left: 22px; color: #374151; }
.ingest-progress h4 { margin: 6px 0 2px; }
.unlock-status.ok { color: #15803d; } .unlock-status.error { color: #991b1b; }
/* a phone: the clause before the tree, the tree shorter */
@media (max-width: 700px) {
  #browser-row { flex-direction: column-reverse !important; }
  #clause-tree { max-height: 45vh; overflow-y: auto; }
  #chat-log .chat-log { max-height: calc(100vh - 260px); }
}
"""


MAX_API_HISTORY = 50  # earlier questions accepted by the ``ask`` endpoint
MAX_QUEUE = 256  # requests waiting for a worker, all clients together


def _user_error(message: str) -> Exception:
    """A ``gr.Error`` for a mistake of the caller: its message reaches the client, and the
    server log gets no traceback (it is not a bug)."""
    return gr.Error(message, title="无法回答", print_exception=False)


def api_ask(service: UiService):
    """The function behind the public ``ask`` endpoint, bound to ``service``.

    The endpoint takes ``question`` and ``history`` (earlier questions, oldest first, may be
    empty) and returns the answer contract as ``policy-assistant ask --json`` prints it
    (``Answer.model_dump(mode="json")``). A user error comes back as a ``gr.Error`` whose
    message names the problem (the client sees it; no traceback, no 500).
    """

    def ask(question: str, history: list[str]) -> dict[str, Any]:
        """Answer a question about the indexed policy documents, with cited clauses.

        Args:
            question: the question, in Chinese (or English).
            history: earlier questions of the conversation, oldest first (may be empty).
        Returns:
            The answer contract: question, answer (text with [n] markers), abstained, citations, tool_calls.
        """
        if question is None:
            question = ""
        if not isinstance(question, str):
            raise _user_error(f"question 应为字符串（收到 {type(question).__name__}）。请把问题作为文本发送。")
        history = [] if history is None else history
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise _user_error("history 应为先前问题（字符串）的列表，按时间从早到晚；没有时传 []。")
        if len(history) > MAX_API_HISTORY:
            raise _user_error(f"history 有 {len(history)} 个先前问题，上限是 {MAX_API_HISTORY} 个。请只发送最近的问题。")
        try:
            answer = service.ask(question, history)
        except AssistantError as err:
            raise _user_error(message_for(err)) from None
        return answer.model_dump(mode="json")  # what ``policy-assistant ask --json`` prints

    return ask


def build_app(assistant: Any, host: str = "127.0.0.1"):
    """Build the gradio Blocks app around an assistant.

    Args:
        assistant: an :class:`assistant.core.Assistant` (its index is opened lazily).
        host: the address the server will bind; beyond loopback, admin actions need the
            password from ``POLICY_ASSISTANT_ADMIN_PASSWORD``.
    Returns:
        A ``gr.Blocks``; launch it with :func:`launch`. Besides the tabs (whose events are
        left out of the API docs) it serves one public API endpoint, ``ask`` (see :func:`api_ask`).
    Raises:
        ConfigError: ``host`` is beyond loopback and no admin password is configured.
    """
    from ui import tab_calc, tab_chat, tab_clauses, tab_docs, tab_match

    service = UiService(assistant, AdminGate(host, assistant.settings.admin_password))
    # Before any component exists: gradio fixes each component's file cache when it is made.
    upload_dir = upload_temp_dir()
    with gr.Blocks(title="北仑政策助手", analytics_enabled=False) as demo:
        # The one public endpoint: POST /gradio_api/call/ask (gradio_client: api_name="/ask").
        # Registered first so that it, not the chat tab's private ``ask`` handler, gets the name.
        # Limit 1 in its own concurrency group: the service lock serialises asks anyway, so more
        # would only park worker threads on the lock; and as the chat tab's events are in other
        # groups, a browser question waits for the API call in progress (the lock), not behind
        # the API's whole queue (measured: ~0.1 s instead of ~1 s with 20 API clients).
        gr.api(api_ask(service), api_name="ask", concurrency_limit=1, concurrency_id="api-ask",
               api_visibility="public")
        gr.HTML('<div id="app-header"><h1>北仑政策助手</h1><p>依据政策原文作答，每个回答标注条款出处；'
                '金额由计算工具按条款规则算出。</p></div>', js_on_load=None)
        with gr.Tabs(selected="chat", elem_id="tabs") as tabs:
            with gr.Tab("智能问答", id="chat", elem_id="tab-chat"):
                chat = tab_chat.build(service)
            with gr.Tab("条文浏览", id="browser", elem_id="tab-browser"):
                browser = tab_clauses.build(service)
            with gr.Tab("计算工具", id="calc", elem_id="tab-calc"):
                calc = tab_calc.build(service)
            with gr.Tab("政策匹配", id="match", elem_id="tab-match"):
                matcher = tab_match.build(service)
            with gr.Tab("文件管理", id="docs", elem_id="tab-docs"):
                docs = tab_docs.build(service, upload_dir)

        # A click in any panel: an example question is asked in the chat (start, then finish);
        # a clause link opens the clause browser, with the answer's support highlighted when
        # the link came from a chat citation.
        link_outputs = [tabs, *browser.outputs, *chat.start_outputs]
        skip_chat = (gr.skip(), gr.skip(), None, gr.skip())

        def on_link(evt: gr.EventData, turns: list | None):
            data = event_data(evt)
            if data.get("question"):
                return (gr.Tabs(selected="chat"), gr.skip(), gr.skip(), *chat.start(str(data["question"]), turns))
            if data.get("clause"):
                spans = str(data.get("spans") or "")
                return (gr.Tabs(selected="browser"), *browser.show(str(data["clause"]), spans, from_chat=bool(spans)),
                        *skip_chat)
            return (gr.skip(), gr.skip(), gr.skip(), *skip_chat)

        for panel in (chat.log, chat.panel, browser.tree, browser.view, calc.result, matcher.result, docs.listing):
            panel.click(on_link, [chat.turns], link_outputs, api_visibility="private", show_progress="hidden").then(
                chat.finish, [chat.pending, chat.turns, *chat.option_inputs], chat.finish_outputs,
                api_visibility="private", show_progress="hidden")

        def on_load(request: gr.Request):
            clause_id = (request.query_params.get("clause") if request else None) or None
            tree, view = browser.show(clause_id)
            # The notice gets a mark once the page's first load has run (tests wait for it).
            return ((gr.Tabs(selected="browser") if clause_id else gr.skip()), tree, view, docs.listing_html(),
                    '<div class="chat-notice" data-loaded="1"></div>')

        demo.load(on_load, None, [tabs, browser.tree, browser.view, docs.listing, chat.notice],
                  api_visibility="private")
        refresh = lambda: browser.tree_html()  # noqa: E731 - a new document changes the tree
        docs.upload_event.then(refresh, None, browser.tree, api_visibility="private")
        docs.reindex_event.then(refresh, None, browser.tree, api_visibility="private")
        docs.remove_event.then(refresh, None, browser.tree, api_visibility="private")
    demo.ui_service = service
    demo.upload_dir = upload_dir
    demo.request_policy = policy_for(service.settings, service.gate.required, demo)
    return demo


def launch(demo: Any, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> Any:
    """Serve the app. ``block=False`` returns at once (for tests); the server runs in a thread.

    Args:
        demo: from :func:`build_app`.
        host: address to bind.
        port: TCP port.
        block: wait until interrupted.
    Returns:
        What ``gr.Blocks.launch`` returns.

    In front of gradio's routes: request bodies over ``POLICY_ASSISTANT_MAX_REQUEST_MB`` are
    refused (413) before they are read, uploads need the pass that ``POST /admin/unlock`` sets
    when the admin password is required, and the upload folder is removed when the server
    stops (:mod:`ui.limits`).
    """
    from starlette.middleware import Middleware

    settings = demo.ui_service.settings
    policy = demo.request_policy
    # gradio's server app reads the folder from the environment when it is made; another app
    # built in this process since may have pointed it elsewhere.
    os.environ["GRADIO_TEMP_DIR"] = str(demo.upload_dir)
    demo.upload_dir.mkdir(parents=True, exist_ok=True)
    app_kwargs = {
        "middleware": [Middleware(RequestGuard, policy=policy)],
        "routes": [unlock_route(demo.ui_service.gate.check, policy.admin_pass)],
        "lifespan": remove_on_shutdown(demo.upload_dir),
    }
    # A bounded queue: beyond it a client is told the server is busy instead of waiting unboundedly.
    demo.queue(default_concurrency_limit=1, max_size=MAX_QUEUE)
    return demo.launch(
        server_name=host, server_port=port, share=False, inbrowser=False, show_error=False,
        prevent_thread_lock=not block, ssr_mode=False, quiet=True, css=CSS,
        max_file_size=settings.max_file_bytes, footer_links=["gradio"], mcp_server=False,
        pwa=False, app_kwargs=app_kwargs,
    )


