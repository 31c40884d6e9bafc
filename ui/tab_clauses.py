"""The clause browser: the documents' trees, a search box, and one clause verbatim."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.errors import AssistantError
from ui import render
from ui.errors import message_for
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

    def show(self, clause_id: str | None, spans: str | None = None, from_chat: bool = False) -> tuple[str, str]:
        """Open one clause: (tree HTML, clause view HTML); an unknown id is explained.

        Args:
            clause_id: the clause to show (None: the prompt to choose one).
            spans: parts of its text to highlight, as ``"a-b;c-d"`` (from a chat citation).
            from_chat: opened from the chat: the card is marked so.
        """
        if not clause_id:
            return self.tree_html(), render.clause_view(None)
        try:
            clause = self.service.clause(clause_id)
        except AssistantError as err:
            return self.tree_html(), render.clause_view(None, message_for(err))
        marks = render.parse_spans(spans, len(clause.text))
        return self.tree_html(clause.id), render.clause_view(clause, lookup=self.service.lookup, spans=marks,
                                                             from_chat=from_chat)

    def find(self, query: str, view: str | None = None) -> tuple[str, Any]:
        """The tree for an empty query, else the clauses that contain it; a red error in
        the clause view (a bad permalink) is cleared, a clause being read stays."""
        import gradio as gr

        cleared = render.clause_view(None) if view and "clause-card missing" in view else gr.skip()
        if not (query or "").strip():
            return self.tree_html(), cleared
        clauses = self.service.clauses()
        q = query.strip()
        related = None if render.search_hits(q, clauses) else self.service.related(q)
        return render.search_results(q, clauses, related), cleared


def build(service: UiService) -> ClauseTab:
    """Lay out the clause browser (inside a ``gr.Tab``) and wire its search.

    The search box spans the tab; below it the tree and the clause. On a narrow screen the
    clause comes first (CSS ``#browser-row``), so a permalink shows its text above the fold.
    """
    import gradio as gr

    search = gr.Textbox(label="搜索条文", placeholder="条文中的词语或条款编号（忽略空格）",
                        elem_id="clause-search")
    with gr.Row(equal_height=False, elem_id="browser-row"):
        with gr.Column(scale=2, min_width=280, elem_id="tree-column"):
            tree = linked_html("", elem_id="clause-tree", max_height=720)
        with gr.Column(scale=3, elem_id="view-column"):
            view = linked_html(render.clause_view(None), elem_id="clause-view")
    tab = ClauseTab(search, tree, view, service)
    search.submit(tab.find, [search, view], [tree, view], api_visibility="private")
    search.change(tab.find, [search, view], [tree, view], api_visibility="private", trigger_mode="always_last",
                  show_progress="hidden")
    return tab
