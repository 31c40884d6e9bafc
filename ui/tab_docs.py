"""The documents tab: metadata and validity of each document; upload and re-index (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.errors import AssistantError
from ui.render import esc
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

    def listing_html(self) -> str:
        """The documents with metadata, validity (judged today) and clause counts."""
        clauses = self.service.clauses()
        counts: dict[str, int] = {}
        first: dict[str, str] = {}
        for c in clauses:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
            first.setdefault(c.doc_id, c.id)
        return documents_list(self.service.documents(), counts, first, date.today())


def _paths(files: Any) -> list[str]:
    if not files:
        return []
    files = files if isinstance(files, list) else [files]
    return [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files]


def build(service: UiService) -> DocsTab:
    """Lay out the documents tab (inside a ``gr.Tab``) and wire upload and re-index."""
    import gradio as gr

    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            listing = linked_html("", elem_id="documents")
        with gr.Column(scale=2):
            gr.HTML(f'<h3>上传文件</h3><p class="hint">支持 {esc("、".join(s[1:].upper() for s in UPLOAD_SUFFIXES))}，'
                    f'单个文件不超过 {service.settings.max_file_mb} MB。上传后自动导入索引。</p>', js_on_load=None)
            files = gr.File(label="选择文件", file_count="multiple", file_types=list(UPLOAD_SUFFIXES),
                            elem_id="upload-files")
            password = gr.Textbox(label="管理员密码", type="password", elem_id="admin-password",
                                  visible=service.gate.required)
            with gr.Row():
                upload_button = gr.Button("上传并导入", variant="primary", elem_id="upload-run")
                reindex_button = gr.Button("重新索引", elem_id="reindex-run")
            rebuild = gr.Checkbox(label="完全重建（删除现有索引后重建，较慢）", value=False, elem_id="reindex-rebuild")
            report = gr.HTML("", elem_id="ingest-report", js_on_load=None)
    tab = DocsTab(listing, upload_button, reindex_button, report, service)

    def do_upload(uploaded, pw, progress=gr.Progress()):
        paths = _paths(uploaded)
        if not paths:
            return ingest_report([], [], None), gr.skip(), gr.skip()
        try:
            saved, rejected, rep = service.upload(paths, pw, progress=lambda m: progress(None, desc=m))
        except AssistantError as err:
            return f'<div class="ingest-report error"><p>{esc(err)}</p></div>', gr.skip(), gr.skip()
        return ingest_report(saved, rejected, rep), tab.listing_html(), None

    def do_reindex(pw, full, progress=gr.Progress()):
        try:
            rep = service.reindex(pw, rebuild=bool(full), progress=lambda m: progress(None, desc=m))
        except AssistantError as err:
            return f'<div class="ingest-report error"><p>{esc(err)}</p></div>', gr.skip()
        return ingest_report([], [(p, r) for p, r in rep.skipped], rep), tab.listing_html()

    tab.upload_event = upload_button.click(do_upload, [files, password], [report, listing, files],
                                           api_visibility="private")
    tab.reindex_event = reindex_button.click(do_reindex, [password, rebuild], [report, listing],
                                             api_visibility="private")
    return tab
