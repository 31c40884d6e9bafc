"""The documents tab: metadata and validity of each document; upload and re-index (admin)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ui.errors import message_for, message_for_reason
from ui.render import esc, progress_html
from ui.render_results import documents_list, ingest_report
from ui.service import UPLOAD_SUFFIXES, UiService
from ui.widgets import linked_html


@dataclass
class DocsTab:
    """The documents tab's components; ``changed`` events fire after an ingestion."""

    listing: Any
    upload_button: Any
    reindex_button: Any
    report: Any
    service: UiService
    upload_event: Any = None
    reindex_event: Any = None
    remove_event: Any = None

    def listing_html(self) -> str:
        """The documents with metadata, validity (judged today) and clause counts."""
        clauses = self.service.clauses()
        counts: dict[str, int] = {}
        first: dict[str, str] = {}
        for c in clauses:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
            first.setdefault(c.doc_id, c.id)
        return documents_list(self.service.documents(), counts, first, date.today())


def tab_choices(service: UiService) -> list[tuple[str, str]]:
    """(shown name, document id) of each indexed document, for the remove list."""
    try:
        return [(f"{d.short_name}（{d.id}）", d.id) for d in service.documents()]
    except Exception:  # noqa: BLE001 - an index that cannot be read lists nothing here
        return []


def _paths(files: Any) -> list[str]:
    if not files:
        return []
    files = files if isinstance(files, list) else [files]
    return [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files]


_DONE = object()


def with_progress(work: Callable[[Callable[[str], None]], Any]) -> Iterator[tuple[list[str], Any, BaseException | None]]:
    """Run ``work(say)`` in a thread; yield the progress messages so far after each one, then
    once more with the result (or the exception it raised).

    Yields:
        (messages so far, result or None, exception or None) — the last item has the outcome.
    """
    messages: queue.Queue = queue.Queue()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work(messages.put)
        except BaseException as err:  # noqa: BLE001 - handed to the caller, which reports it
            outcome["error"] = err
        finally:
            messages.put(_DONE)

    threading.Thread(target=run, name="ingest", daemon=True).start()
    lines: list[str] = []
    while (msg := messages.get()) is not _DONE:
        lines.append(str(msg))
        yield list(lines), None, None
    yield lines, outcome.get("value"), outcome.get("error")


def _error_html(lines: list[str], err: BaseException) -> str:
    return (f'<div class="ingest-report error" role="alert"><p>{esc(message_for(err))}</p></div>'
            + progress_html(lines, done=True))


def unlock_status(service: UiService, password: str | None, answer: str | None) -> tuple[str, bool]:
    """What the page says after "验证密码", and whether uploading is now open.

    Args:
        service: checks the password itself (the button state must not trust the page).
        password: the password typed.
        answer: the JSON the unlock request returned in the browser (``{"ok", "message"}``).
    Returns:
        (status HTML, whether the upload button is enabled).
    """
    import json

    try:
        service.gate.check(password)
    except Exception as err:  # noqa: BLE001 - a wrong password, said in Chinese
        return f'<p class="unlock-status error" role="alert">{esc(message_for(err))}</p>', False
    try:
        data = json.loads(answer or "")
    except ValueError:
        data = {}
    if not isinstance(data, dict) or data.get("ok") is not True:
        message = data.get("message") if isinstance(data, dict) else None
        return (f'<p class="unlock-status error" role="alert">'
                f'{esc(str(message or "密码验证没有完成：请刷新页面后重试。"))}</p>'), False
    return f'<p class="unlock-status ok">{esc(str(data.get("message") or "密码正确。"))}</p>', True


def build(service: UiService, temp_dir: Path | None = None) -> DocsTab:
    """Lay out the documents tab (inside a ``gr.Tab``) and wire upload and re-index.

    Both show each progress message as it comes (reading a file, embedding, indexing), then
    the report. The upload control is a button whose label is ours, so it reads Chinese
    whatever the browser's language. When the admin password is required, the upload button
    opens only after "验证密码" (which also gets the browser the pass the server wants before
    it accepts an upload, :mod:`ui.limits`). ``temp_dir``: gradio's upload folder; an
    upload's temporary copies there are removed once it has been ingested or refused.
    """
    import gradio as gr

    from ui.limits import UNLOCK_JS, discard_uploads

    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            listing = linked_html("", elem_id="documents")
        with gr.Column(scale=2):
            types = "、".join(s[1:].upper() for s in UPLOAD_SUFFIXES)
            gr.HTML(f'<h3>上传文件</h3><p class="hint">支持 {esc(types)}，单个文件不超过 '
                    f'{service.settings.max_file_mb} MB；文本文件请用 UTF-8 编码。选择文件后自动导入索引。</p>',
                    js_on_load=None)
            password = gr.Textbox(label="管理员密码（先填写并验证，再选择文件）", type="password",
                                  elem_id="admin-password", visible=service.gate.required)
            with gr.Row(visible=service.gate.required):
                unlock_button = gr.Button("验证密码", elem_id="admin-unlock", size="sm")
            unlock_answer = gr.Textbox(visible=False, elem_id="admin-unlock-answer")
            unlock_html = gr.HTML("", elem_id="admin-unlock-status", js_on_load=None)
            files = gr.UploadButton(f"选择文件并导入（{types}）", file_count="multiple",
                                    file_types=list(UPLOAD_SUFFIXES), elem_id="upload-files", variant="primary",
                                    interactive=not service.gate.required)
            with gr.Row():
                reindex_button = gr.Button("重新索引", elem_id="reindex-run")
            rebuild = gr.Checkbox(label="完全重建（删除现有索引后重建，较慢）", value=False, elem_id="reindex-rebuild")
            report = gr.HTML("", elem_id="ingest-report", js_on_load=None)
            with gr.Accordion("移除文件", open=False, elem_id="remove-box"):
                doc_choice = gr.Dropdown(label="要移除的文件", choices=tab_choices(service), value=None,
                                         elem_id="remove-doc", allow_custom_value=False)
                remove_button = gr.Button("从索引中移除", variant="stop", elem_id="remove-run")
    tab = DocsTab(listing, files, reindex_button, report, service)

    def do_upload(uploaded, pw):
        paths = _paths(uploaded)
        if not paths:
            yield ingest_report([], [], None), gr.skip()
            return

        def work(say):
            try:
                return service.upload(paths, pw, progress=say)
            finally:
                # Here, not in this generator: the work runs on even if the page goes away.
                # Ingested files were copied into the home; refused ones are not kept at all.
                if temp_dir is not None:
                    discard_uploads(paths, temp_dir)

        for lines, out, err in with_progress(work):
            if err is not None:
                yield _error_html(lines, err), gr.skip()
            elif out is None:
                yield progress_html(lines), gr.skip()
            else:
                saved, rejected, rep = out
                yield ingest_report(saved, rejected, rep) + progress_html(lines, done=True), tab.listing_html()

    def do_unlock(pw, answer):
        html, open_ = unlock_status(service, pw, answer)
        return html, gr.UploadButton(interactive=open_)

    if service.gate.required:
        for trigger in (unlock_button.click, password.submit):
            trigger(do_unlock, [password, unlock_answer], [unlock_html, files], js=UNLOCK_JS,
                    api_visibility="private", show_progress="hidden")

    def do_reindex(pw, full):
        for lines, rep, err in with_progress(lambda say: service.reindex(pw, rebuild=bool(full), progress=say)):
            if err is not None:
                yield _error_html(lines, err), gr.skip()
            elif rep is None:
                yield progress_html(lines), gr.skip()
            else:
                rejected = [(Path(p).name, message_for_reason(r, Path(p).name)) for p, r in rep.skipped]
                yield ingest_report([], rejected, rep) + progress_html(lines, done=True), tab.listing_html()

    def do_remove(doc_id, pw):
        if not doc_id:
            return ('<div class="ingest-report error" role="alert"><p>请先在“要移除的文件”中选择一个文件。</p></div>',
                    gr.skip(), gr.skip())
        try:
            rep = service.remove(str(doc_id), pw)
        except Exception as err:  # noqa: BLE001 - every failure is shown, in Chinese
            return f'<div class="ingest-report error" role="alert"><p>{esc(message_for(err))}</p></div>', gr.skip(), gr.skip()
        return (ingest_report([], [], rep), tab.listing_html(),
                gr.Dropdown(choices=tab_choices(service), value=None))

    tab.remove_event = remove_button.click(do_remove, [doc_choice, password], [report, listing, doc_choice],
                                           api_visibility="private")
    tab.upload_event = files.upload(do_upload, [files, password], [report, listing], api_visibility="private",
                                    show_progress="minimal")
    tab.reindex_event = reindex_button.click(do_reindex, [password, rebuild], [report, listing],
                                             api_visibility="private", show_progress="minimal")
    refresh_choices = lambda: gr.Dropdown(choices=tab_choices(service), value=None)  # noqa: E731
    tab.upload_event.then(refresh_choices, None, doc_choice, api_visibility="private")
    tab.reindex_event.then(refresh_choices, None, doc_choice, api_visibility="private")
    return tab
