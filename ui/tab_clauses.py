"""The clause browser: the documents' trees, a search box, and one clause verbatim."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.errors import AssistantError
from ui import render
from ui.service import UiService
from ui.widgets import linked_html


@dataclass
class ClauseTab:
    """The clause browser's components and functions."""

    search: Any
    tree: Any
    view: Any
    service: UiService

    @property
    def outputs(self) -> list[Any]:
        """Components :meth:`show` updates: the tree and the clause view."""
        return [self.tree, self.view]

    def tree_html(self, current: str | None = None) -> str:
        """The full tree, ``current`` marked and revealed."""
        return render.clause_tree(self.service.clauses(), self.service.doc_names(), current)

    def show(self, clause_id: str | None) -> tuple[str, str]:
        """Open one clause: (tree HTML, clause view HTML); an unknown id is explained."""
        if not clause_id:
            return self.tree_html(), render.clause_view(None)
        try:
            clause = self.service.clause(clause_id)
        except AssistantError:
            return self.tree_html(), render.clause_view(
                None, f"没有编号为“{clause_id}”的条款。请在左侧目录中选择，或搜索条文中的词语。")
        return self.tree_html(clause.id), render.clause_view(clause)

    def find(self, query: str) -> str:
        """The tree for an empty query, else the clauses that contain it."""
        if not (query or "").strip():
            return self.tree_html()
        clauses = self.service.clauses()
        q = query.strip()
        literal = [c for c in clauses if q.lower() in f"{c.id}\n{c.label}\n{c.text}".lower()]
        related = None if literal else self.service.related(q)
        return render.search_results(q, clauses, related)


def build(service: UiService) -> ClauseTab:
    """Lay out the clause browser (inside a ``gr.Tab``) and wire its search."""
    import gradio as gr

    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=280):
            search = gr.Textbox(label="搜索条文", placeholder="条文中的词语或条款编号，如 容积率、s6.6",
                                elem_id="clause-search")
            tree = linked_html("", elem_id="clause-tree", max_height=720)
        with gr.Column(scale=3):
            view = linked_html(render.clause_view(None), elem_id="clause-view")
    tab = ClauseTab(search, tree, view, service)
    search.submit(tab.find, search, tree, api_visibility="private")
    search.change(tab.find, search, tree, api_visibility="private", trigger_mode="always_last",
                  show_progress="hidden")
    return tab
