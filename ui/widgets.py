"""Shared gradio pieces: an HTML panel whose clause links and example questions are clickable.

Clicking ``[data-clause]`` or ``[data-question]`` inside such a panel triggers the panel's
``click`` event with ``{"clause": id}`` or ``{"question": text}``; a modified click (new tab)
follows the link's ``?clause=ID`` href instead. ``[data-copy]`` copies the clause text.
"""

from __future__ import annotations

from typing import Any

CLICK_JS = r"""
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-clause],[data-question],[data-copy]');
  if (!el || !element.contains(el)) return;
  if (el.hasAttribute('data-copy')) {
    ev.preventDefault();
    const card = el.closest('.clause-card');
    const pre = card && card.querySelector('.clause-text');
    if (!pre) return;
    const done = () => { el.textContent = '已复制'; setTimeout(() => { el.textContent = '复制原文'; }, 1500); };
    const fallback = () => {
      const range = document.createRange(); range.selectNodeContents(pre);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      try { document.execCommand('copy'); done(); } catch (e) { /* the text stays selected */ }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(pre.textContent).then(done, fallback);
    } else { fallback(); }
    return;
  }
  if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  if (el.hasAttribute('data-clause')) {
    const id = el.getAttribute('data-clause');
    try { history.replaceState(null, '', '?clause=' + encodeURIComponent(id)); } catch (e) { /* no history */ }
    trigger('click', {clause: id});
  } else {
    trigger('click', {question: el.getAttribute('data-question')});
  }
});
"""


def linked_html(value: str = "", **kwargs: Any):
    """A ``gr.HTML`` with clickable clause links (see the module docstring)."""
    import gradio as gr

    return gr.HTML(value, js_on_load=CLICK_JS, **kwargs)


def event_data(evt: Any) -> dict[str, Any]:
    """The data a panel click carried (``{}`` when none)."""
    data = getattr(evt, "_data", None)
    return dict(data) if isinstance(data, dict) else {}
