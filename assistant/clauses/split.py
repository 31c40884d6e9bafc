"""Long runs of text cut into pieces of bounded length at sentence ends.

A clause is what a person cites and what retrieval returns: a 5 MB paragraph with no
numbering (a document saved as one line) must not become one 5 MB clause. Pieces break
after 。；！？ where they can, after ，、： where a sentence alone is too long, and
anywhere only when a run has no punctuation at all. Joining the pieces gives the text back.
"""

from __future__ import annotations

import re

# Longest text a clause holds of its own; longer runs become numbered parts. The embedding
# model reads 512 tokens, about 800 characters of policy Chinese (1.6 a token): a part of
# 700 is read whole with its label in front, so every sentence of it can be found.
MAX_CLAUSE_CHARS = 700

_SENTENCE_END = re.compile(r"(?<=[。；！？!?;…])")
_PHRASE_END = re.compile(r"(?<=[，、：,:）)”’」』 ])")


def _cut(text: str, pattern: re.Pattern, max_chars: int) -> list[str]:
    """``text`` split after each match of ``pattern``; runs still too long are cut finer."""
    out: list[str] = []
    for run in pattern.split(text):
        if not run:
            continue
        if len(run) <= max_chars:
            out.append(run)
        elif pattern is _SENTENCE_END:
            out.extend(_cut(run, _PHRASE_END, max_chars))
        else:
            out.extend(run[i:i + max_chars] for i in range(0, len(run), max_chars))
    return out


def split_text(text: str, max_chars: int = MAX_CLAUSE_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most ``max_chars`` characters, each as long as it
    can be while ending at a sentence end (or a phrase end, or anywhere, in that order).

    Args:
        text: any text.
        max_chars: the longest piece.
    Returns:
        The pieces, in order; ``"".join(pieces) == text``. ``[text]`` when it is short enough.
    """
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for run in _cut(text, _SENTENCE_END, max_chars):
        if size + len(run) > max_chars and current:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(run)
        size += len(run)
    if current:
        pieces.append("".join(current))
    return pieces


def pack_paragraphs(paras: list[str], max_chars: int = MAX_CLAUSE_CHARS) -> list[list[str]]:
    """Group paragraphs into parts of at most ``max_chars`` characters (joined by newlines);
    a paragraph longer than that is split by :func:`split_text` and its pieces are parts.

    Returns:
        The parts, each a list of paragraph texts (or pieces of one), in order.
    """
    parts: list[list[str]] = []
    current: list[str] = []
    size = 0
    for para in paras:
        for piece in split_text(para, max_chars):
            extra = len(piece) + (1 if current else 0)
            if current and size + extra > max_chars:
                parts.append(current)
                current, size = [], 0
                extra = len(piece)
            current.append(piece)
            size += extra
    if current:
        parts.append(current)
    return parts
