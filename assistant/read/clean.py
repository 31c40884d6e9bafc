"""Undo what extraction breaks: page furniture, wrapped lines, stray spaces, split table rows.

The output is a list of logical paragraphs, each with the page it starts on. The same
document read from its PDF and from its text export gives the same paragraph texts up to
where paragraph breaks fall (callers compare clause texts with whitespace removed).
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.read.base import Page, Paragraph, RawDocument
from assistant.read.limits import too_many_paragraphs

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
# Punctuation after which a paragraph may end.
TERMINAL = "。！？；：…”’」』）)》!?;:"
# Characters after which a line is certainly wrapped mid-sentence.
CONTINUING = "，、（(《“‘「-—"

# Lines that start a new paragraph whatever the previous line looked like.
MARKER_RE = re.compile(
    rf"^\s*(?:"
    rf"[一二三四五六七八九十百]+、"                       # 一、
    rf"|[（(][一二三四五六七八九十百]+[）)]"              # （一） (一)
    rf"|\d{{1,3}}\s*[.．、](?!\d)\s*[{CJK}]"               # 1. 区政府办…
    rf"|第[一二三四五六七八九十百千零〇\d]+(?:[章节条]|分?编)"  # 第一编 第一章 第一节 第一条
    rf"|[-•]?\s*附\s*件"                                  # 附件 / - 附件：
    rf"|抄\s*送[：:]"                                     # 抄送：
    rf")"
)
PAGE_NUMBER_RES = (
    re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$"),
    re.compile(r"^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^\d+\s*/\s*\d+$"),
    re.compile(r"^(page|Page|PAGE)\s*\d+(\s*(of|/)\s*\d+)?$"),
)
NUM_CELL = r"-?\d+(?:\.\d+)?%?"
_ROW_RE = re.compile(rf"^\s*([{CJK}A-Za-z（）()]{{1,12}})\s+((?:{NUM_CELL}\s+){{2,}}{NUM_CELL})\s*$")
_NUMS_ONLY_RE = re.compile(rf"^\s*((?:{NUM_CELL}\s+){{2,}}{NUM_CELL})\s*$")


def visual_width(text: str) -> int:
    """Width of a line in half-width units (a CJK character or full-width sign counts 2)."""
    return sum(2 if ord(ch) > 0x2E80 or ch in "“”‘’…—" else 1 for ch in text)


def normalize_spaces(text: str) -> str:
    """Remove spaces that extraction put between Chinese and digits/Latin/signs.

    Spaces between two Chinese characters (名 字 alignment, 发文机关 separators) and between
    two Latin/digit runs are kept, collapsed to one.
    """
    text = re.sub(r"[\u3000\xa0\u1680\u2000-\u200a\u202f\u205f]", " ", text)
    text = re.sub(r"[\u200b-\u200d\ufeff]", "", text)
    text = re.sub(r"[ \t]+", " ", text)
    # Chinese (or full-width punctuation) next to anything non-Chinese
    wide = rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’]"
    text = re.sub(rf"(?<={wide}) (?=[^ {CJK}])", "", text)
    text = re.sub(rf"(?<=[^ {CJK}]) (?={wide})", "", text)
    text = re.sub(r"(?<=\d) (?=[%％‰])", "", text)
    text = re.sub(r"(?<=[(（]) | (?=[)）])", "", text)
    return text.strip()


def _strip_furniture(pages: list[Page]) -> list[list[str]]:
    """Per page, the lines without page numbers and repeated running headers/footers."""
    page_lines = [[ln.rstrip("\r") for ln in p.text.split("\n")] for p in pages]
    edges: Counter[str] = Counter()
    for lines in page_lines:
        nonblank = [ln.strip() for ln in lines if ln.strip()]
        for ln in set(nonblank[:2] + nonblank[-2:]):
            edges[ln] += 1
    running = {ln for ln, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) // 2)}
    out = []
    for lines in page_lines:
        kept = []
        for ln in lines:
            s = ln.strip()
            if s and (s in running or any(r.match(s) for r in PAGE_NUMBER_RES)):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _join(a: str, b: str) -> str:
    """Join a wrapped line to the next without inventing a space inside Chinese text."""
    spaced = a != a.rstrip()
    a = a.rstrip()
    b = b.lstrip()
    if not a or not b:
        return a + b
    if spaced:
        # A space before the break was in the text ("张三 " / "某某街道办事处"); keep one,
        # normalize_spaces drops it again where it sat between Chinese and digits.
        return a + " " + b
    if a.endswith("-") or _CJK_RE.match(a[-1]) or _CJK_RE.match(b[0]) or ord(a[-1]) > 0x2E80 or ord(b[0]) > 0x2E80:
        return a + b
    return a + " " + b


def _tabular(line: str) -> list[str] | None:
    """Cells of a table row, or None. Tab-separated, or a label followed by numbers."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    m = _ROW_RE.match(line)
    if m:
        return [m.group(1)] + m.group(2).split()
    m = _NUMS_ONLY_RE.match(line)
    if m:
        return [""] + m.group(1).split()
    return None


def _ends_paragraph_text(prev: str, nxt: str) -> bool:
    """Text mode: is the break between two non-empty runs a paragraph break?"""
    if MARKER_RE.match(nxt):
        return True
    last = prev.rstrip()[-1:]
    if not last or last in TERMINAL:
        return True
    # A page turn mid-sentence leaves a long run ending in a Chinese character or comma.
    return not (last in CONTINUING or _CJK_RE.match(last)) or len(prev) < 24


def clean(doc: RawDocument) -> list[Paragraph]:
    """Turn a document's pages into logical paragraphs.

    PDF lines are joined when the line above is full width (it wrapped) and the line below
    does not start a clause; text files keep their lines, and a blank line breaks a paragraph
    unless a sentence was plainly cut by a page turn.

    Raises:
        TooManyParagraphsError: more paragraphs than ``doc.max_paragraphs`` (checked as they
            are formed, so a huge document stops early).
    """
    pages = _strip_furniture(doc.pages)
    limit = doc.max_paragraphs
    is_pdf = doc.format == "pdf"
    widths = sorted(visual_width(ln.strip()) for lines in pages for ln in lines if ln.strip())
    full = widths[int(len(widths) * 0.9)] - 5 if widths else 0

    paras: list[list] = []  # [text, page, tabular, open]
    for page, lines in zip(doc.pages, pages):
        for ln in lines:
            s = ln.strip()
            if not s:
                continue
            if limit is not None and len(paras) > limit:
                raise too_many_paragraphs(doc.path, len(paras), limit)
            cells = _tabular(ln)
            if cells is not None:
                if cells[0] == "":
                    # Row whose label wrapped onto lines above the numbers ("戚家" / "山").
                    label = []
                    while paras and not paras[-1][2] and re.fullmatch(f"[{CJK}]{{1,4}}", paras[-1][0].strip()):
                        label.insert(0, paras.pop()[0].strip())
                    if label:
                        cells[0] = "".join(label)
                paras.append(["\t".join(cells), page.number, True, False])
                continue
            prev = paras[-1] if paras else None
            if prev is not None and prev[3] and not prev[2]:
                if is_pdf:
                    merge = not MARKER_RE.match(s)
                else:
                    # Lines are paragraphs, except where a sentence was cut (often by a page turn).
                    merge = not _ends_paragraph_text(prev[0], s)
                if merge:
                    prev[0] = _join(prev[0], ln.lstrip())
                    prev[3] = _is_open(ln, full) if is_pdf else True
                    continue
            # Trailing spaces are kept until the end: one may separate a name from what follows.
            paras.append([ln.lstrip(), page.number, False, _is_open(ln, full) if is_pdf else True])
    out = []
    for text, page_no, tab, _ in paras:
        text = text if tab else normalize_spaces(text)
        if text:
            out.append(Paragraph(text=text, page=page_no, tabular=tab))
    return out


def _is_open(line: str, full: int) -> bool:
    """PDF: a line that reaches the right margin continues on the next line."""
    s = line.rstrip()
    if not s:
        return False
    if s[-1] in CONTINUING:
        return True
    return visual_width(s.strip()) >= full
