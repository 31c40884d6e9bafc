"""Document metadata read from the text itself, for files that come without a manifest entry.

What a Chinese policy document or regulation says about itself, and where:

* the title: a Markdown ``#`` line (the reader keeps it as the first paragraph), the 《…》 of
  a 印发 notice, or the first short line that is not a header, a 文号 or a date;
* the 文号: ``…〔YYYY〕N号`` of a 规范性文件, or an order ``国务院令第N号`` (the latest
  one when a regulation was revised);
* dates: ``YYYY年M月D日 … 通过 / 公布 / 修订 / 修正 / 施行`` in the adoption history, the
  落款 date of a notice, ``…印发`` in the colophon, ``本条例自…起施行`` in the body;
* the period of validity: ``有效期至…``, ``有效期N年``, a year range in the title
  (``（2024-2026年）`` runs to 2026-12-31), and ``试行``/``暂行`` in the title.

Nothing here knows any particular document: the patterns are those of the genre.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from assistant.clauses import patterns as P
from assistant.models import Clause, DocumentMeta
from assistant.read.base import Paragraph

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FILE_NO = re.compile(r"([\u4e00-\u9fff]{1,12})\s*[〔［\[【（(]\s*(\d{4})\s*[〕］\]】）)]\s*(\d+)\s*号")
_ORDER = re.compile(r"((?:中华人民共和国)?[\u4e00-\u9fff]{1,16}?令)\s*第\s*(\d+)\s*号")
_NOTICE_TITLE = re.compile(r"(?:印发|转发|发布)\s*《(.+?)》")
_EVENTS = ("通过", "公布", "发布", "修订", "修正", "施行", "印发")
_EFFECTIVE = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|印发之日|发布之日|公布之日)\s*起\s*(?:施行|实施|执行)")
_VALID_UNTIL = re.compile(r"有效期(?:至|到)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_VALID_YEARS = re.compile(r"有效期(?:为)?\s*(\d+|[一二三四五六七八九十])\s*年")
_TITLE_YEARS = re.compile(r"[（(]\s*(\d{4})\s*[-—–－~～至]\s*(\d{4})\s*年?\s*[）)]")
_TRIAL = re.compile(r"[（(]\s*(?:试行|暂行)\s*[）)]|暂行")
_HEADER = re.compile(r"文件$|^[\u4e00-\u9fff]{0,12}(?:通知|公告)$")
_ORG_END = re.compile(r"(?:人民政府|办公室|办公厅|委员会|管委会|党工委|局|厅|部|院|署|会|委|办|中心)$")
_CONGRESS = re.compile(r"^(?P<pre>[\u4e00-\u9fff]*?)第[\d一二三四五六七八九十百]+届(?P<org>全国人民代表大会常务委员会|"
                       r"人民代表大会常务委员会|人民代表大会)")
_COUNCIL = re.compile(r"^(?:中华人民共和国)?(?P<org>[\u4e00-\u9fff]{2,16}?)(?:令|第[\d一二三四五六七八九十百]+次)")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def strip_comments(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Paragraphs with ``<!-- … -->`` comments removed; paragraphs left empty are dropped.

    Markdown collections mark the end of their front matter with such a line; it is not
    part of the document and must not end up in a clause.
    """
    out = []
    for p in paragraphs:
        if "<!--" not in p.text:
            out.append(p)  # untouched: a table row's leading tab is its empty first cell
            continue
        text = _COMMENT.sub("", p.text).strip()
        if text:
            out.append(replace(p, text=text))
    return out


def _date(text: str) -> date | None:
    m = _CN_DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def clean_title(text: str) -> str:
    """A title as a person writes it: no spaces between Chinese characters, full-width
    brackets, no Markdown ``#``."""
    t = text.strip().lstrip("#").strip()
    t = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", t)
    return t.replace("(", "（").replace(")", "）")


def _front(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The paragraphs before the first heading or article of the body."""
    out = []
    for p in paragraphs:
        t = p.text
        if not getattr(p, "tabular", False) and (P.SECTION.match(t) or P.CHAPTER.match(t) or P.ARTICLE.match(t)
                                                 or P.PART.match(t)):
            break
        out.append(t)
    return out


def _events(front: str) -> list[tuple[date, str, str]]:
    """(date, event word, who) for each dated act of the adoption history."""
    out = []
    matches = list(_CN_DATE.finditer(front))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(front)
        seg = front[m.end():end].strip()
        found = [(seg.rfind(w), w) for w in _EVENTS if w in seg]
        d = _date(m.group(0))
        if not found or d is None:
            continue
        pos, word = max(found)
        # An event word far from its date belongs to other text (a notice's sentences).
        if pos > 120:
            continue
        out.append((d, word, _issuer_of(seg[:pos])))
    return out


def _issuer_of(seg: str) -> str:
    """Who acted, from the words between a date and its event word."""
    seg = re.sub(r"\s+", "", seg)
    if m := _CONGRESS.match(seg):
        return m.group("pre") + m.group("org")
    if m := _COUNCIL.match(seg):
        return m.group("org")
    return ""


def _title(paragraphs: Sequence[Paragraph], front: list[str]) -> str | None:
    for t in front:
        if m := _NOTICE_TITLE.search(t):
            return clean_title(m.group(1))
    for t in front:
        s = t.strip()
        if (not s or len(s) > 80 or _CN_DATE.search(s) or _FILE_NO.search(s) or _ORDER.search(s)
                or _HEADER.search(s) or P.TERMINAL_END.search(s)):
            continue
        return clean_title(s)
    return None


def _signature(front: list[str]) -> tuple[list[str], date | None]:
    """The issuers above the 落款 date of a notice, and that date."""
    for i, t in enumerate(front):
        if P.DATE_LINE.match(t.strip()):
            names = []
            for s in reversed(front[:i]):
                s = s.strip()
                if len(s) > 30 or P.TERMINAL_END.search(s) or "《" in s or not _ORG_END.search(s):
                    break
                names.insert(0, re.sub(r"\s+", "", s))
            return names, _date(t)
    return [], None


def _years(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return _CN_DIGITS.get(text)


def extract_meta(paragraphs: Sequence[Paragraph], path: str | Path, doc_id: str | None = None) -> DocumentMeta:
    """Metadata read from a document's own text (see the module docstring).

    Args:
        paragraphs: the cleaned paragraphs of the file.
        path: the file (its name is recorded, its stem may become the id).
        doc_id: the id to give; derived by :func:`document_id` when omitted.
    Returns:
        A :class:`DocumentMeta`; fields the text does not state stay empty.
    """
    path = Path(path)
    paragraphs = strip_comments(paragraphs)
    front = _front(paragraphs)
    front_text = "\n".join(front)
    all_text = "\n".join(p.text for p in paragraphs)
    title = _title(paragraphs, front) or path.stem
    events = _events(front_text)

    # 文号: a file number in the front matter, else the latest order number.
    doc_number = None
    if m := _FILE_NO.search(front_text):
        doc_number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    else:
        orders = []
        for m in _ORDER.finditer(front_text):
            before = [d for d in _CN_DATE.finditer(front_text, 0, m.start())]
            when = _date(before[-1].group(0)) if before else None
            orders.append((when or date.min, m.start(),
                           re.sub(r"^中华人民共和国", "", m.group(1)) + f"第{m.group(2)}号"))
        if orders:
            doc_number = max(orders)[2]

    def last(*words: str) -> date | None:
        ds = [d for d, w, _ in events if w in words]
        return max(ds) if ds else None

    adopted, promulgated = last("通过"), last("公布", "发布")
    revised = last("修订", "修正")
    names, signed = _signature(front)
    issuers = names or list(dict.fromkeys(who for _, _, who in events if who))
    printed = None
    for p in reversed(paragraphs):
        if m := re.search(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印发\s*$", p.text):
            printed = _date(m.group(1))
            break
    printed = printed or last("印发")

    valid_from = last("施行")
    if valid_from is None:
        effective = [m for m in _EFFECTIVE.finditer(all_text)]
        if effective:
            when = effective[-1].group(1)
            valid_from = _date(when) if _CN_DATE.match(when) else (signed or printed or promulgated)
    valid_to = None
    trial = bool(_TRIAL.search(title))
    if m := _TITLE_YEARS.search(title):
        first, end = int(m.group(1)), int(m.group(2))
        if first <= end:
            valid_from = valid_from or date(first, 1, 1)
            valid_to = date(end, 12, 31)
    if m := _VALID_UNTIL.search(all_text):
        valid_to = _date(m.group(1)) or valid_to
    elif (m := _VALID_YEARS.search(all_text)) and valid_from and (n := _years(m.group(1))):
        try:
            valid_to = valid_from.replace(year=valid_from.year + n) - timedelta(days=1)
        except ValueError:  # 29 February
            valid_to = date(valid_from.year + n, 2, 28)
    meta = DocumentMeta(
        id=doc_id or "pending", doc_number=doc_number, title=title, issuers=issuers, signed=signed,
        printed=printed, valid_from=valid_from, valid_to=valid_to, files=[path.name],
        adopted=adopted, promulgated=promulgated, revised=revised, trial=trial,
    )
    if doc_id is None:
        meta = meta.model_copy(update={"id": document_id(meta, path)})
    return meta


def document_id(meta: DocumentMeta, path: str | Path) -> str:
    """A stable document id: the file stem when it is ASCII (lower-cased, runs of other
    characters as ``-``),
    else the digits of the 文号 and a short hash of the title (``2024-22-1a2b3c4d``), else
    ``doc-`` and the hash. The same text under the same name always gets the same id."""
    stem = Path(path).stem.strip()
    if stem.isascii():
        # The same rule as ids have always had, so documents indexed earlier keep theirs.
        slug = re.sub(r"[^0-9a-z]+", "-", stem.lower()).strip("-")
        if slug:
            return slug
    digest = hashlib.sha1(meta.title.encode("utf-8")).hexdigest()[:8]
    digits = re.findall(r"\d+", meta.doc_number or "")
    return f"{'-'.join(digits)}-{digest}" if digits else f"doc-{digest}"


def version_date(meta: DocumentMeta) -> date | None:
    """The date that orders versions of one document: revised, else promulgated, signed,
    printed, in force from."""
    return meta.revised or meta.promulgated or meta.signed or meta.printed or meta.valid_from or meta.adopted


def date_years(meta: DocumentMeta) -> set[int]:
    """The years of a document's own dates (adopted, promulgated, revised, signed, printed, in
    force from): a year a question names for the document, not a period it asks about."""
    return {d.year for d in (meta.adopted, meta.promulgated, meta.revised, meta.signed, meta.printed,
                             meta.valid_from) if d is not None}


def label_names(metas: Sequence[DocumentMeta]) -> dict[str, str]:
    """How each document is named in its clause labels, given all indexed documents.

    A document is named by its 文号 (a 规范性文件) or its title (a law or regulation); when
    two documents would get the same name, each gets the year of its version in brackets
    (``保障中小企业款项支付条例（2025）``), and the id when even that is shared.

    Returns:
        document id -> name.
    """
    base = {m.id: m.model_copy(update={"cite_as": None}).short_name for m in metas}
    out = {}
    for m in metas:
        same = [o for o in metas if base[o.id] == base[m.id]]
        if len(same) == 1:
            out[m.id] = base[m.id]
            continue
        vd = version_date(m)
        name = f"{base[m.id]}（{vd.year}）" if vd else f"{base[m.id]}（{m.id}）"
        years = [version_date(o) for o in same]
        if vd and sum(1 for y in years if y and y.year == vd.year) > 1:
            name = f"{base[m.id]}（{vd.year}，{m.id}）"
        out[m.id] = name
    return out


def with_label_names(metas: Sequence[DocumentMeta]) -> list[DocumentMeta]:
    """The metas with ``cite_as`` set where :func:`label_names` differs from the plain name
    (parse with these, so clause labels tell two versions of one title apart)."""
    names = label_names(metas)
    out = []
    for m in metas:
        plain = m.model_copy(update={"cite_as": None})
        out.append(plain if names[m.id] == plain.short_name else plain.model_copy(update={"cite_as": names[m.id]}))
    return out


def relabel(clauses: Sequence[Clause], old: str, new: str) -> list[Clause]:
    """Clauses with the document name ``old`` at the head of their labels (and of their
    ancestors' labels in ``path``) replaced by ``new``: what parsing again with a changed
    ``cite_as`` would give, without reading the file again."""
    if old == new:
        return list(clauses)

    def swap(label: str) -> str:
        return new + label[len(old):] if label == old or label.startswith(old + " ") else label

    return [c.model_copy(update={"label": swap(c.label), "path": [swap(p) for p in c.path]}) for c in clauses]


def renamed(metas: Sequence[DocumentMeta]) -> list[tuple[DocumentMeta, DocumentMeta]]:
    """(as recorded, as it should be) for each document whose label name changes now that
    these are the indexed documents: a second version of a title arrived, or left. Relabel
    the clauses of each with :func:`relabel` and record the new meta."""
    return [(old, new) for old, new in zip(metas, with_label_names(metas)) if old.short_name != new.short_name]
