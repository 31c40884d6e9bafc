"""Shared gradio pieces: an HTML panel whose clause links and example questions are clickable.

Clicking ``[data-clause]`` or ``[data-question]`` inside such a panel triggers the panel's
``click`` event with ``{"clause": id, "spans": "a-b;…"}`` or ``{"question": text}``; a
modified click (new tab) follows the link's ``?clause=ID`` href instead. ``[data-copy]``
copies the clause text. ``[data-cite]`` (an answer's ``[n]`` marker or a citation card's
title) stays on the page: the citation panel shows that answer's set and scrolls to card n;
clicking an answer shows its set.
"""

from __future__ import annotations

from typing import Any

CLICK_JS = r"""
const focusCite = (turn, n) => {
  // Show the citation set of one answer in the panel; with n, scroll to card [n] and mark it.
  const panel = document.getElementById('citations');
  if (!panel) return;
  let set = null;
  panel.querySelectorAll('.cite-set').forEach((s) => {
    const on = turn === null ? s.classList.contains('active') : s.getAttribute('data-turn') === String(turn);
    s.hidden = !on; s.classList.toggle('active', on);
    if (on) set = s;
  });
  document.querySelectorAll('#chat-log .msg.bot.selected').forEach((m) => m.classList.remove('selected'));
  if (turn !== null) {
    const msg = document.querySelector('#chat-log .msg.bot[data-turn="' + turn + '"]');
    if (msg) msg.classList.add('selected');
  }
  panel.querySelectorAll('.citation.focused').forEach((c) => c.classList.remove('focused'));
  if (!set || !n) return;
  const card = set.querySelector('.citation[data-n="' + n + '"]');
  if (!card) return;
  card.classList.add('focused');
  card.scrollIntoView({block: 'nearest'});
};
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-cite],[data-clause],[data-question],[data-copy]');
  if (!el || !element.contains(el)) {
    const msg = ev.target.closest('.msg.bot[data-turn]');
    if (msg && element.contains(msg)) focusCite(msg.getAttribute('data-turn'), null);
    return;
  }
  if (el.hasAttribute('data-copy')) {
    ev.preventDefault();
    const card = el.closest('.clause-card');
    const pre = card && (card.querySelector('.copy-source') || card.querySelector('.clause-text'));
    if (!pre) return;
    const done = () => { el.textContent = '已复制'; setTimeout(() => { el.textContent = '复制原文'; }, 1500); };
    const fallback = () => {
      pre.hidden = false;
      const range = document.createRange(); range.selectNodeContents(pre);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      try { document.execCommand('copy'); done(); } catch (e) { /* the text stays selected */ }
      if (pre.classList.contains('copy-source')) pre.hidden = true;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(pre.textContent).then(done, fallback);
    } else { fallback(); }
    return;
  }
  if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  if (el.hasAttribute('data-cite')) {
    focusCite(el.getAttribute('data-turn'), el.getAttribute('data-cite'));
  } else if (el.hasAttribute('data-clause')) {
    const id = el.getAttribute('data-clause');
    try { history.replaceState(null, '', '?clause=' + encodeURIComponent(id)); } catch (e) { /* no history */ }
    trigger('click', {clause: id, spans: el.getAttribute('data-spans') || ''});
  } else {
    trigger('click', {question: el.getAttribute('data-question')});
  }
});
"""

# The chat log: after each update, scroll so that the newest exchange starts at the top of
# the log (or the log's end, when shorter) and keep the question box on screen.
CHAT_JS = CLICK_JS + r"""
const follow = () => {
  const log = element.querySelector('.chat-log');
  if (log) {
    const users = log.querySelectorAll('.msg.user');
    const last = users[users.length - 1];
    log.scrollTop = last ? Math.max(0, last.offsetTop - log.offsetTop - 8) : log.scrollHeight;
  }
  const box = document.getElementById('question');
  if (box) box.scrollIntoView({block: 'nearest'});
};
watch('value', () => requestAnimationFrame(follow));
"""


def linked_html(value: str = "", js: str = CLICK_JS, **kwargs: Any):
    """A ``gr.HTML`` with clickable clause links (see the module docstring)."""
    import gradio as gr

    return gr.HTML(value, js_on_load=js, **kwargs)


def event_data(evt: Any) -> dict[str, Any]:
    """The data a panel click carried (``{}`` when none)."""
    data = getattr(evt, "_data", None)
    return dict(data) if isinstance(data, dict) else {}
