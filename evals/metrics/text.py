"""Chinese-aware text helpers shared by the metrics: normalising, splitting an answer into
statements, quoted spans, numbers with units, and character-bigram overlap.

Nothing here tokenises on whitespace: Chinese has none, so statements are cut at 。；！？
and newlines, content is compared as CJK character bigrams, and numbers are read with
their units (万元, 亩, %, …) so that 600万元 and 6000000 compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

MARKER_RE = re.compile(r"\[(\d+)\]")
_LEADING_MARKERS_RE = re.compile(r"\s*((?:\[\d+\])+)")
_REFERENCE_RE = re.compile(r"\[(\d+)\]")
_TERMINATORS = set("。；！？\n")
_QUOTE_PAIRS = {"「": "」", "『": "』", "“": "”", "\"": "\""}
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
# Units longest first, so that 万平方米 wins over 万 and 平方米.
_UNITS = ("万平方米", "平方米", "万元", "亿元", "万亩", "公顷", "元", "亩", "万", "亿", "%", "个",
          "家", "天", "年", "月", "日", "倍", "宗", "项", "人", "次", "m2", "m²")
_NUMBER_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(" + "|".join(
    re.escape(u) for u in _UNITS) + ")?")
_SCALE = {"万": Decimal(10000), "亿": Decimal(100000000)}


def normalise(text: str) -> str:
    """NFKC (full-width digits and ％ become ASCII), lower case, all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def strip_markers(text: str) -> str:
    """Remove ``[n]`` citation markers."""
    return MARKER_RE.sub("", text)


def markers(text: str) -> list[int]:
    """The marker numbers in ``text``, in order, repeats kept."""
    return [int(m) for m in MARKER_RE.findall(text)]


def _pieces(answer: str, respect_quotes: bool = True) -> list[tuple[str, bool]]:
    """Cut at 。；！？ and newlines outside quotes; each piece with whether it starts a line.

    A quotation mark that is never closed would swallow the rest of the answer, so then
    the answer is cut again as if it had no quotes.
    """
    pieces: list[tuple[str, bool]] = []
    current: list[str] = []
    stack: list[str] = []
    starts_line = True
    for ch in answer:
        current.append(ch)
        if stack and ch == stack[-1]:
            stack.pop()
        elif respect_quotes and ch in _QUOTE_PAIRS:
            stack.append(_QUOTE_PAIRS[ch])
        elif not stack and ch in _TERMINATORS:
            pieces.append(("".join(current), starts_line))
            current = []
            starts_line = ch == "\n"
    if stack:
        return _pieces(answer, respect_quotes=False)
    pieces.append(("".join(current), starts_line))
    return pieces


def _has_content(piece: str) -> bool:
    return bool(normalise(strip_markers(piece)).strip("。；！？,，.;:：-—*#>·•"))


def split_statements(answer: str) -> list[str]:
    """Cut an answer into statements at 。；！？ and newlines, outside quotation marks.

    Markers written after the full stop (``…补助。[1]``) belong to the statement before
    them. Reference-list entries (a line that starts with ``[n]``, see
    :func:`reference_entries`) are not statements of the answer and are left out.

    Args:
        answer: the answer text with ``[n]`` markers.
    Returns:
        Non-empty statements, stripped, markers kept.
    """
    out: list[str] = []
    for piece, starts_line in _pieces(answer):
        piece = piece.strip()
        if starts_line and _REFERENCE_RE.match(piece) and _has_content(piece):
            continue
        lead = _LEADING_MARKERS_RE.match(piece)
        if lead and out and (not starts_line or not _has_content(piece)):
            out[-1] += lead.group(1)
            piece = piece[lead.end():].strip()
        if _has_content(piece):
            out.append(piece)
    return out


def reference_entries(answer: str) -> list[tuple[int, str]]:
    """Reference-list entries: lines that start with ``[n]`` and go on to show the source.

    Such an entry (``[1] 仑政办〔2024〕22号 六、…：“原文…”``) restates citation n rather
    than claiming something; its quotes must still be citation n's words.

    Returns:
        (n, entry text without the leading marker) in order.
    """
    out = []
    for piece, starts_line in _pieces(answer):
        piece = piece.strip()
        m = _REFERENCE_RE.match(piece)
        if starts_line and m and _has_content(piece):
            out.append((int(m.group(1)), piece[m.end():].strip()))
    return out


def is_claim(statement: str) -> bool:
    """Whether a statement asserts something: not a bare lead-in such as ``根据规定：``.

    A statement ending in a colon and carrying no marker, quote or number introduces what
    follows; everything else with at least two letters or characters is a claim.
    """
    body = normalise(strip_markers(statement)).strip("。；！？,，.;")
    if len(re.findall(r"[\w]", body)) < 2:
        return False
    lead_in = body.endswith((":", "：")) and not markers(statement) and not quotes(statement) \
        and not checked_numbers(statement)
    return not lead_in


def quotes(text: str) -> list[str]:
    """Outermost quoted spans in 「」『』“” or ASCII double quotes, at least two characters long.

    Nested quotes (“以“2070”为纲领”) stay inside their outer span.
    """
    spans: list[str] = []
    stack: list[str] = []
    begin = 0
    for i, ch in enumerate(text):
        if stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                spans.append(text[begin:i])
        elif ch in _QUOTE_PAIRS:
            if not stack:
                begin = i + 1
            stack.append(_QUOTE_PAIRS[ch])
    return [s for s in spans if len(normalise(strip_markers(s))) >= 2]


def quote_in(span: str, sources: Iterable[str]) -> bool:
    """Whether a quoted span occurs in one of ``sources`` (whitespace-normalised).

    An ellipsis (…… or ...) inside the quote splits it; every part must occur, in the same source.
    """
    parts = [normalise(strip_markers(p)) for p in re.split(r"…+|\.{3,}", span)]
    parts = [p for p in parts if p]
    return any(all(p in normalise(src) for p in parts) for src in sources)


def _readings(value: Decimal, unit: str | None) -> set[Decimal]:
    """The values a number can stand for: as written, scaled by 万/亿, and % as a fraction."""
    out = {value}
    if unit:
        for prefix, factor in _SCALE.items():
            if unit.startswith(prefix):
                out.add(value * factor)
        if unit == "%":
            out.add(value / 100)
    return {v.normalize() for v in out}


def numbers(text: str) -> list[tuple[Decimal, str | None]]:
    """Every Arabic number in ``text`` (markers excluded) with the unit after it, if any."""
    text = unicodedata.normalize("NFKC", strip_markers(text))
    out = []
    for m in _NUMBER_RE.finditer(text):
        try:
            value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        except InvalidOperation:
            continue
        out.append((value, m.group(3)))
    return out


def checked_numbers(text: str) -> list[tuple[Decimal, str | None]]:
    """Numbers a statement must be able to source: those with a unit, and decimals."""
    return [(v, u) for v, u in numbers(text) if u or v != v.to_integral_value()
            or "." in str(v)]


def number_pool(texts: Iterable[str]) -> set[Decimal]:
    """All readings of all numbers in ``texts``."""
    pool: set[Decimal] = set()
    for text in texts:
        for value, unit in numbers(text):
            pool |= _readings(value, unit)
    return pool


def number_supported(value: Decimal, unit: str | None, pool: set[Decimal]) -> bool:
    """Whether a number (any of its readings) occurs in a pool from :func:`number_pool`."""
    return bool(_readings(value, unit) & pool)


def flatten_json(data: Any) -> list[str]:
    """Every scalar in a JSON-like value, as text (keys ending in ``_wan_yuan`` scaled to 元 too)."""
    out: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out += flatten_json(value)
            if isinstance(value, (str, int, float)) and str(key).endswith("_wan_yuan"):
                out.append(f"{value}万")
    elif isinstance(data, (list, tuple)):
        for value in data:
            out += flatten_json(value)
    elif data is not None and not isinstance(data, bool):
        out.append(str(data))
    return out


def cjk_bigrams(text: str) -> set[str]:
    """Character bigrams of the CJK runs of ``text`` (markers, digits, Latin dropped)."""
    runs = re.findall(r"[\u3400-\u9fff]+", unicodedata.normalize("NFKC", strip_markers(text)))
    return {run[i:i + 2] for run in runs for i in range(len(run) - 1)}


def has_cjk(text: str) -> bool:
    """Whether ``text`` contains any CJK character."""
    return bool(_CJK_RE.search(text))
