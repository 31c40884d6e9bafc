"""What the index itself is about, read from the indexed clauses and document records.

The question reader and the abstention gate compare a question with this vocabulary: the
documents held (titles, 文号, the years they cover), the places their texts name, table row
keys and column headers, clause titles and defined terms (本条例所称X，是指…). Nothing here is
written for one document: it is all derived from whatever was ingested.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, Field, PrivateAttr

from assistant.documents.meta import date_years, version_date
from assistant.models import Clause, DocumentMeta
from assistant.understand.names import (NameIndex, NameMatch, asks_duty, asks_person, correct, find_names,
                                        index_names)

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Places as texts write them: 2–6 characters before an administrative suffix.
PLACE_RE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:省|市|区|县|镇|乡|街道)")
_DEFINED = re.compile(r"(?:本(?:条例|法|办法|规定|细则|方案|通知|意见)所称|本(?:条例|法|办法|规定)中)"
                      r"的?([\u4e00-\u9fff、（）()“”]{2,30}?)[，,]?(?:是指|指|包括)")
# A title's bracketed note at its end (全面推进实施（2024年7月至2026年12月底前）): people name the
# title without it.
BRACKETED_END = re.compile(r"[（(][^（()）]*[)）]$")
# An item of a list of definitions (本条例下列用语的含义：……（三）新城是指…).
_DEFINED_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]\s*([\u4e00-\u9fff]{2,12}?)[，,]?是指", re.M)
# The prefix a law's title carries that people leave out (中华人民共和国中小企业促进法 -> 中小企业促进法).
_TITLE_PREFIX = re.compile(r"^(?:中华人民共和国|中国)")


@lru_cache(maxsize=1)
def generic_places() -> frozenset[str]:
    """Place words that name no particular place (全市, 开发区, 街道 …), read from
    ``places.toml`` beside this module: ordinary words, kept as data with the lexicon."""
    text = (resources.files("assistant.understand") / "places.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return frozenset(data.get("whole", [])) | frozenset(data.get("kinds", []))


class HeldDocument(BaseModel):
    """One indexed document as questions name it."""

    doc_id: str
    title: str
    number: str | None = Field(default=None, description="文号")
    start_year: int | None = None
    end_year: int | None = Field(default=None, description="last year it covers; None when open-ended")
    version_year: int | None = Field(default=None, description="year of this version (revised, else promulgated …)")
    date_years: list[int] = Field(default_factory=list, description="years of its own dates (adopted, revised …)")

    @property
    def display(self) -> str:
        """How an answer names the document, as people cite it: a 规范性文件 by its 文号
        (某政办〔2023〕9号), a law or regulation by 《title》."""
        if self.number and "〔" in self.number:
            return self.number
        return f"《{self.title}》"

    def covers(self, year: int) -> bool:
        """Does the document's period include ``year``?"""
        if self.start_year is not None and year < self.start_year:
            return False
        return self.end_year is None or year <= self.end_year


@lru_cache(maxsize=1)
def body_aliases() -> dict[str, list[str]]:
    """Everyday names of public bodies and the official words for them (``aliases.toml``)."""
    text = (resources.files("assistant.understand") / "aliases.toml").read_text(encoding="utf-8")
    return {k: list(v) for k, v in tomllib.loads(text).get("aliases", {}).items()}


class Vocabulary(BaseModel):
    """The index's own words, for reading questions and judging scope."""

    documents: list[HeldDocument] = Field(default_factory=list)
    row_keys: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)
    clause_titles: list[str] = Field(default_factory=list)
    defined_terms: dict[str, str] = Field(default_factory=dict, description="term -> clause id")
    places: list[str] = Field(default_factory=list, description="place names the texts write (…区/…街道)")
    names: dict[str, list[str]] = Field(default_factory=dict,
                                        description="row keys, member-line and duty departments, leader "
                                                    "titles -> the clause ids each names")
    _text: str = PrivateAttr(default="")
    _name_index: NameIndex | None = PrivateAttr(default=None)
    _terms: frozenset[str] | None = PrivateAttr(default=None)

    @property
    def text(self) -> str:
        """All clause texts without whitespace (for containment checks)."""
        return self._text

    @property
    def terms(self) -> frozenset[str]:
        """The index's own names: terms its texts define, clause titles (without a bracketed
        note) and table row keys."""
        if self._terms is None:
            titles = {BRACKETED_END.sub("", t) for t in self.clause_titles}
            self._terms = frozenset({*self.defined_terms, *titles, *self.row_keys})
        return self._terms

    def find_names(self, question: str) -> list[NameMatch]:
        """The index's names ``question`` writes: exactly, in a short form (水务公司 for
        区水务公司) or with one character slipped (付组长 for 副组长); see
        :func:`assistant.understand.names.find_names`."""
        if self._name_index is None:
            self._name_index = NameIndex.build(self.names)
        return find_names(question, self._name_index, self._text)

    def correct_names(self, question: str) -> tuple[str, list[NameMatch | tuple[str, str]]]:
        """``question`` with everyday names of bodies (工商局, 供电局) and slipped names (付组长)
        written as the index writes them, and, when it asks who a unit sends or what it does,
        its short forms written in full (水务公司 -> 区水务公司); with what was read differently
        (matches, and (as written, as read) pairs for the everyday names)."""
        full = asks_person(question) or asks_duty(question)
        # 工商局在这里管什么: an everyday name read as the body the index names (a question
        # that only mentions 工商局 in passing keeps it).
        question, aliased = self._aliases(question) if full else (question, [])
        matches = self.find_names(question)
        return correct(question, matches, full=full), [*aliased, *matches]

    def _aliases(self, question: str) -> tuple[str, list[tuple[str, str]]]:
        """Everyday names of bodies (``aliases.toml``) the question writes, each replaced by the
        one indexed name that holds an official word for it; a name with none (or several) stays."""
        read: list[tuple[str, str]] = []
        for alias, official in sorted(body_aliases().items(), key=lambda kv: -len(kv[0])):
            if alias not in question or any(alias in w for _, w in read):
                continue
            # The body must be what its own clause asks about (工商局在这里管什么), not a party
            # in the asker's story (规划局让限期拆违，…谁来强拆).
            if not any(alias in seg and (asks_duty(seg) or asks_person(seg))
                       for seg in re.split(r"[，,。；;！!？?]", question)):
                continue
            held = sorted({n for n in self.names for o in official if o in n}, key=len)
            if held and alias not in self.names and all(held[0] in n for n in held):
                question = question.replace(alias, held[0])
                read.append((alias, held[0]))
        return question, read

    def named_clauses(self, question: str) -> list[str]:
        """Ids of the clauses the names in ``question`` name (a department's member line and
        duty item, a row, a leader line), in the order the question names them."""
        ids: list[str] = []
        for m in self.find_names(question):
            ids.extend(i for i in self.names.get(m.name, []) if i not in ids)
        return ids

    def document(self, doc_id: str) -> HeldDocument | None:
        """The held document with this id, if any."""
        return next((d for d in self.documents if d.doc_id == doc_id), None)

    def match_title(self, name: str) -> list[str]:
        """Ids of held documents a title written in a question (《…》, prefix optional) names."""
        want = _TITLE_PREFIX.sub("", _clean_title(name))
        if len(want) < 2:
            return []
        out = []
        for d in self.documents:
            have = _TITLE_PREFIX.sub("", _clean_title(d.title))
            if want == have or (len(want) >= 4 and (want in have or have in want)):
                out.append(d.doc_id)
        return out

    def match_number(self, number: str) -> list[str]:
        """Ids of held documents with this 文号 (brackets of any kind)."""
        want = _clean_number(number)
        return [d.doc_id for d in self.documents if d.number and _clean_number(d.number) == want]


def _clean_title(title: str) -> str:
    return re.sub(r"[（(].*?[)）]|\s", "", title)


def _clean_number(number: str) -> str:
    return re.sub(r"[〔〕\[\]［］()（）【】\s]", "", number)


def _period(meta: DocumentMeta, title: str) -> tuple[int | None, int | None]:
    """The years a document covers: its record's validity, else the years its title names
    (2024-2026年), else open-ended from when it was adopted or promulgated."""
    start = meta.valid_from.year if meta.valid_from else None
    end = meta.valid_to.year if meta.valid_to else None
    if start is None and end is None:
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", title)]
        if len(years) >= 2:
            return min(years), max(years)
    if start is None:
        dates = [d for d in (getattr(meta, "adopted", None), getattr(meta, "promulgated", None),
                             meta.signed, meta.printed) if d]
        start = min(d.year for d in dates) if dates else None
    return start, end


def build_vocabulary(clauses: Iterable[Clause], metas: Iterable[DocumentMeta]) -> Vocabulary:
    """Read the vocabulary of an index.

    Args:
        clauses: every indexed clause, in document order.
        metas: the records of the indexed documents.
    Returns:
        The vocabulary; its ``text`` is the whole corpus without whitespace.
    """
    clauses = list(clauses)
    by_doc: dict[str, list[Clause]] = {}
    for c in clauses:
        by_doc.setdefault(c.doc_id, []).append(c)
    docs = []
    for meta in metas:
        start, end = _period(meta, meta.title)
        vd = version_date(meta)
        docs.append(HeldDocument(doc_id=meta.id, title=meta.title, number=meta.doc_number,
                                 start_year=start, end_year=end, version_year=vd.year if vd else None,
                                 date_years=sorted(date_years(meta))))
    text = re.sub(r"\s+", "", "\n".join(c.text for c in clauses))
    rows = [c.table for c in clauses if c.table is not None]
    defined = {}
    for c in clauses:
        for m in _DEFINED.finditer(c.own_text):
            for term in re.split(r"[、和]", re.sub(r"[（(].*?[)）]", "", m.group(1)).strip("“”")):
                if len(term) >= 2:
                    defined.setdefault(term, c.id)
        for m in _DEFINED_ITEM.finditer(c.own_text):
            defined.setdefault(m.group(1), c.id)
    vocab = Vocabulary(documents=docs,
                       row_keys=sorted({r.key for r in rows}, key=lambda k: (-len(k), k)),
                       columns=sorted({col for r in rows for col in r.columns}),
                       clause_titles=sorted({c.title for c in clauses if c.title}),
                       defined_terms=defined,
                       places=sorted({p for p in PLACE_RE.findall(text) if p not in generic_places()}),
                       names=index_names(clauses))
    vocab._text = text
    return vocab
