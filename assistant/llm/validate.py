"""A model's draft, checked sentence by sentence against the clauses it was given.

A sentence is kept only when

1. every marker in it is ``[n]`` with ``n`` one of the clauses given to the model (a marker
   past the end, ``[art9]``, ``[来源]``, ``【来源：附件】`` fail the sentence); ``［1］``,
   ``【1】``, ``[1,2]`` are read as markers first;
2. it rests on at least one clause: its own markers, else those of its paragraph;
3. every quoted span (「…」, “…”, 『…』, "…") occurs word for word in a clause it rests on
   (an ellipsis inside a quote may skip text); every 《title》 names a given clause's text or
   an indexed document;
4. every figure (amounts, percentages, dates, areas, counts) occurs in a clause it rests on, a
   calculator's arguments or result, the question or an earlier question
   (:func:`assistant.answer.finalise.figures` reads both sides, ``1.2亿`` and ``120000000``
   alike).

A failing sentence is removed and the reason noted in Chinese. The caller falls back to the
extractive answer when too little survives (:attr:`Checked.kept_share`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from assistant.answer.cite import MARKER_RE, prune_unused
from assistant.answer.finalise import Figures, figures, unsupported_figures
from assistant.models import Citation, ToolCall

_FULL_MARKER = re.compile(r"[［【]\s*(\d+)\s*[］】]")
_LIST_MARKER = re.compile(r"\[\s*\^?(\d+(?:\s*[,，、]\s*\^?\d+)+)\s*\]")
_CARET_MARKER = re.compile(r"\[\^(\d+)\]")
# Anything that looks like a citation: [..], ［..］, and 【..】 unless it opens the sentence
# (a heading such as 【结论】).
_BRACKET = re.compile(r"\[([^\[\]\n]{0,40})\]|［([^］\n]{0,40})］|【([^】\n]{0,40})】")
_ENDS = "。！？!?；;"
_TRAIL = re.compile(r"(?:[ \t]*\[[^\[\]\n]{0,40}\])*")
_PAIRS = {"「": "」", "“": "”", "『": "』", "《": "》"}
_QUOTE = re.compile(r"「([^」\n]+)」|“([^”\n]+)”|『([^』\n]+)』|\"([^\"\n]+)\"")
_TITLE = re.compile(r"《([^》\n]+)》")
_ELLIPSIS = re.compile(r"…+|\.{3,}|⋯+")
_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_EDGE_PUNCT = "。，、；：！？,.;:!? \t"
# A list item's own number ("1. ", "（2）") is layout, not a figure the text states.
_ITEM = re.compile(r"^\s*(?:[-*•]\s*)?(?:\d{1,2}[.、)）](?!\d)|[（(]\d{1,2}[）)])\s*")


class SentenceCheck(BaseModel):
    """One sentence of the draft and why it was dropped (no problems: kept)."""

    text: str
    problems: list[str] = Field(default_factory=list)

    @property
    def kept(self) -> bool:
        """True when the sentence passed every check."""
        return not self.problems


class Checked(BaseModel):
    """The draft after the checks: the text to show, its citations (renumbered densely)."""

    text: str
    citations: list[Citation]
    sentences: list[SentenceCheck]
    notes: list[str] = Field(default_factory=list)
    kept_share: float = Field(description="share of the draft's content characters that survived")

    @property
    def cited(self) -> bool:
        """True when the text keeps at least one marker."""
        return bool(MARKER_RE.search(self.text))


def normalise_markers(text: str) -> str:
    """Markers written another way as ``[n]``: ``［1］``, ``【1】``, ``[^1]``, ``[1,2]`` → ``[1][2]``."""
    text = _FULL_MARKER.sub(r"[\1]", text)
    text = _LIST_MARKER.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text)
    return _CARET_MARKER.sub(r"[\1]", text)


def split_sentences(line: str) -> list[str]:
    """A line cut after each sentence end outside quotes; markers after the end stay with
    the sentence they follow (``……补助。[1]``)."""
    out, buf, depth, i = [], [], [], 0
    while i < len(line):
        ch = line[i]
        buf.append(ch)
        if ch in _PAIRS:
            depth.append(_PAIRS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        elif ch in _ENDS and not depth:
            j = i + 1
            while j < len(line) and line[j] in _ENDS:
                buf.append(line[j])
                j += 1
            trail = _TRAIL.match(line, j)
            buf.append(trail.group())
            out.append("".join(buf))
            buf, i = [], trail.end()
            continue
        i += 1
    if buf:
        out.append("".join(buf))
    return out


def _squash(text: str) -> str:
    """Text for substring tests: NFKC, no whitespace, no markers."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", MARKER_RE.sub("", text)))


def _quote_found(span: str, sources: Sequence[str]) -> bool:
    """True when every piece of ``span`` (split at ellipses) occurs, in order, in one source."""
    pieces = [p for p in (_squash(x).strip(_EDGE_PUNCT) for x in _ELLIPSIS.split(span)) if p]
    if not pieces:
        return True
    for source in sources:
        at = 0
        for piece in pieces:
            at = source.find(piece, at)
            if at < 0:
                break
            at += len(piece)
        else:
            return True
    return False


def _tool_strings(calls: Iterable[ToolCall]) -> list[str]:
    from assistant.answer.finalise import _strings

    out: list[str] = []
    for call in calls:
        if call.result is not None and call.error is None:
            out += list(_strings(call.arguments)) + list(_strings(call.result))
    return out


def _markers(sentence: str, n_given: int) -> tuple[list[int], list[str]]:
    """The valid marker numbers of a sentence and the bracket texts that are not valid markers."""
    good, bad = [], []
    opening = len(sentence) - len(sentence.lstrip())
    for m in _BRACKET.finditer(sentence):
        if m.group(3) is not None and m.start() == opening:
            continue
        body = next(g for g in m.groups() if g is not None).strip()
        if m.group(1) is not None and body.isdigit() and 1 <= int(body) <= n_given:
            good.append(int(body))
        else:
            bad.append(m.group(0))
    return good, bad


def check_sentence(sentence: str, rests_on: Sequence[int], given: Sequence[Citation], base: Figures,
                   titles: Sequence[str]) -> list[str]:
    """What is wrong with one sentence (empty: nothing).

    Args:
        sentence: the sentence, markers included.
        rests_on: the clause numbers it rests on (its markers, else its paragraph's).
        given: the clauses the model was given, numbered from 1.
        base: figures any sentence may state (calculator runs, the question, the history).
        titles: names of the indexed documents (a 《title》 may name one).
    """
    problems = []
    _, bad = _markers(sentence, len(given))
    if bad:
        problems.append(f"标记{'、'.join(bad)}不对应给出的任何条款（共{len(given)}条）")
    if not rests_on:
        if _CONTENT.search(MARKER_RE.sub("", sentence)):
            problems.append("没有引文标记")
        return problems
    cited = [given[n - 1] for n in rests_on]
    texts = [_squash(c.text) for c in cited]
    for m in _QUOTE.finditer(sentence):
        span = next(g for g in m.groups() if g is not None)
        if not _quote_found(span, texts):
            problems.append(f"引语「{span[:40]}」不在所引条款{''.join(f'[{n}]' for n in rests_on)}中")
    all_texts = [_squash(c.text + c.label) for c in given] + [_squash(t) for t in titles]
    for m in _TITLE.finditer(sentence):
        if not _quote_found(m.group(1), all_texts):
            problems.append(f"文件名《{m.group(1)[:40]}》不在给出的条款或已收录文件中")
    sources = Figures()
    sources.add(base)
    for c in cited:
        sources.add(figures(c.text, loose=True))
        sources.add(figures(c.label, loose=True))
    wrong = unsupported_figures(_ITEM.sub("", sentence), sources)
    if wrong:
        problems.append(f"数字{'、'.join(wrong)}不在所引条款或计算结果中")
    return problems


def check_draft(draft: str, given: Sequence[Citation], tool_calls: Sequence[ToolCall] = (),
                question: str = "", history: Sequence[str] = (), titles: Sequence[str] = ()) -> Checked:
    """Check a model's draft sentence by sentence (see the module docstring).

    Args:
        draft: the model's answer text.
        given: the clauses the model was given, in the order it saw them numbered.
        tool_calls: calculator runs made for this answer (failed ones support nothing).
        question: the question; its figures may be repeated.
        history: earlier questions; their figures may be repeated.
        titles: names of the indexed documents.
    Returns:
        :class:`Checked`: the kept text with markers renumbered to the citations it uses.
    """
    draft = normalise_markers(draft.replace("\r\n", "\n"))
    base = Figures()
    for text in [question, *history, *_tool_strings(tool_calls)]:
        base.add(figures(text, loose=True))
    lines_out, checks, notes = [], [], []
    total = kept = 0
    for line in draft.split("\n"):
        parts = split_sentences(line)
        line_markers = sorted({n for p in parts for n in _markers(p, len(given))[0]})
        out = []
        for part in parts:
            own, _ = _markers(part, len(given))
            problems = check_sentence(part, own or line_markers, given, base, titles)
            size = len(_CONTENT.findall(MARKER_RE.sub("", part)))
            total += size
            checks.append(SentenceCheck(text=part.strip(), problems=problems))
            if problems:
                notes.append(f"删去一句（{'；'.join(problems)}）：{part.strip()[:80]}")
                continue
            kept += size
            out.append(part)
        joined = "".join(out).rstrip()
        if out and _CONTENT.search(MARKER_RE.sub("", joined)):
            lines_out.append(joined)
        elif not parts:
            lines_out.append("")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines_out)).strip()
    text, citations = prune_unused(text, list(given))
    return Checked(text=text, citations=citations, sentences=checks, notes=notes,
                   kept_share=(kept / total) if total else 0.0)
