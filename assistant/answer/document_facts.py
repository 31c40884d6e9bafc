"""Questions about a document itself: when it takes effect, its signing date, the years it
covers, who issued it, its 文号.

Such a fact is stated once, in a clause of the document ("本条例自2020年1月1日起施行",
the 通知's signature date, the title's "（2024-2026年）", the colophon), while retrieval ranks
clauses by topic words the question hardly has. This route reads which fact is asked, picks
the document (the one the question names, the only one held, or the one retrieval prefers),
finds the clause whose text holds the fact (from the document's record or the text's own
wording) and answers with that clause cited. When no clause holds the fact it answers nothing
and the question goes on to retrieval.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import BaseModel

from assistant.answer.cite import CitationList
from assistant.models import Answer, Clause, DocumentMeta
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import Reading, content_words

# The question must be about a document: it names one, or says 这个条例 / 本办法 / 通知 …
_DOC_WORD = re.compile(r"条例|法律|[^方办做]法(?![律规定人])|办法|规定|方案|文件|通知|细则|决定|意见|政策|文$|号文")
# A document named by what it is about (…项目的核准和备案管理办法), not pointed at (这个办法).
_OTHER_DOCUMENT = re.compile(r"([\u4e00-\u9fff]{4,})(?:管理办法|实施办法|办法|规定|细则|目录|名录)")
_THIS = re.compile(r"(?:这个|这份|这部|这项|该|本|此|那个|那份|上述)$")
_WHEN = re.compile(r"什么时候|何时|哪天|哪一天|哪日|几号|几月|日期|时间|哪年|起始|从哪|开始")
_FACTS: dict[str, re.Pattern] = {
    # 实行 and 生效 are how people write 施行.
    "effective": re.compile(r"施行|实行|生效|开始执行|起执行|开始实施|起实施|正式实施"),
    "signed": re.compile(r"落款|签发|发文日期|成文日期"),
    "printed": re.compile(r"印发(?:日期|时间|的日期|于)|哪天印发|什么时候印发|何时印发"),
    "promulgated": re.compile(r"公布|颁布|发布"),
    # Which meetings adopted it (经…会议审议通过): asked by 哪些/什么会议.
    "adopted_by": re.compile(r"(?:哪些|哪个|哪几个|哪次|什么|啥)(?:会议|会)[^，。？?]{0,8}(?:审议|通过|研究)|"
                             r"(?:谁|哪些部门|哪些机构)[^，。？?]{0,4}审议"),
    # 哪天修订的, 修订日期 — not 新修订的条例哪天施行 (a version named, its commencement asked).
    "revised": re.compile(r"(?:哪天|哪一天|何时|什么时候|哪年|几号)[^，。？?]{0,3}(?:修订|修正|修改)|"
                          r"(?:修订|修正|修改)(?:的)?(?:日期|时间|于)|(?:修订|修正|修改)通过"),
    "adopted": re.compile(r"通过"),
    "period": re.compile(r"哪几年|哪些年|几年|管到|到哪年|起止|执行期|实施期|有效期|期限是"),
    "issuer": re.compile(r"(哪个|哪些|哪家|什么)(单位|部门|机关|机构).{0,4}(印发|发布|制定|发文|出台|下发|颁布)|"
                         r"(哪|什么)[一两二三四几个家些]{0,3}(单位|部门|机关|机构|办公室|政府)(联合|共同)?(印发|发布|制定|发文|出台|下发|颁布)|"
                         r"(由|是)谁(印发|发布|制定|发的|出台|下发|颁布)|发文(单位|机关)|印发单位|制定机关"),
    "number": re.compile(r"文号|发文字号|几号文"),
    # The colophon of an official document (党政机关公文格式): 抄送：…。
    "copied": re.compile(r"抄送|抄报"),
}
_DATE_FACTS = ("effective", "signed", "printed", "promulgated", "revised", "adopted")
# The date a document was sent out, asked in everyday words (哪天发的, 什么时候下发的).
_ISSUED = re.compile(r"(?:哪天|哪一天|什么时候|何时|几号)[^，。？?]{0,4}(?:发的|发出|下发|出的)")
_EFFECTIVE_TEXT = re.compile(r"自\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[^，。；]{2,12}之日)\s*起"
                             r"\s*(?:施行|实施|执行|生效)")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")
_ADOPTED_BY_TEXT = re.compile(r"(?:已经|已由|经|由|^)\s*([^。；\n经]{2,120}?会议?[^。；\n]{0,60}?)\s*(?:审议)?通过", re.M)
_NAMES = {"adopted_by": "审议通过的会议", "effective": "施行日期", "signed": "落款日期", "printed": "印发日期", "promulgated": "公布日期",
          "revised": "修订日期", "adopted": "通过日期", "period": "实施期限", "issuer": "印发单位", "number": "文号", "copied": "抄送单位"}
_COPIED_TEXT = re.compile(r"(抄送|抄报)\s*[:：]\s*([^。\n]+)")


class DocumentFact(BaseModel):
    """One fact about a document and the clause that states it."""

    doc_id: str
    fact: str
    value: str
    clause_id: str


# Which of two versions governs (该按2020年版还是2025年版, 适用哪一版): answered with the date
# each version took effect.
_WHICH_VERSION = re.compile(r"(?:19|20)\d{2}\s*年?\s*的?\s*版[^，。？?]{0,8}还是|(?:适用|按|依照|执行|用)哪(?:个|一)?版")
_ASKED_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


def asked_fact(reading: Reading) -> str | None:
    """Which document-level fact the question asks for, or None."""
    facts = asked_facts(reading)
    return facts[0] if facts else None


# The words a document's dates are asked by: one of them written with a character slipped (印法日期,
# 哪天施形) where a date is asked is that word.
_FACT_WORDS = ("印发", "施行", "落款", "公布", "颁布", "发布", "通过", "生效", "成文", "签发", "实施")
_DATE_AFTER = re.compile(r"日期|时间|的|了")
# A window holding one of these (发的 of 哪天发的) is words, not a slipped date word.
_FUNCTION_CHARS = frozenset("的了是在和与及或吗呢么")
_DATE_BEFORE = re.compile(r"(?:哪天|哪一天|何时|什么时候|几号)$")


def mend_fact_words(text: str) -> str:
    """``text`` with a date word of a document slipped by one character (印法日期 → 印发日期)
    written as meant: only a two-character word no dictionary knows, one character from exactly
    one of :data:`_FACT_WORDS`, right before 日期/时间/的 or right after 哪天/什么时候."""
    from assistant.index.tokenize import _jieba

    freq = _jieba().dt.FREQ
    out = text
    for i in range(len(text) - 1):
        w = text[i:i + 2]
        if w in _FACT_WORDS or freq.get(w) or not re.fullmatch(r"[\u4e00-\u9fff]{2}", w) \
                or any(ch in _FUNCTION_CHARS for ch in w):
            continue
        near = [f for f in _FACT_WORDS if sum(a != b for a, b in zip(f, w)) == 1]
        if len(near) == 1 and (_DATE_AFTER.match(text, i + 2) or _DATE_BEFORE.search(text[:i])):
            out = out[:i] + near[0] + out[i + 2:]
    return out


def asked_facts(reading: Reading) -> list[str]:
    """The document-level facts the question asks for, first asked first (落款日期和印发日期分别是
    哪天: both). A date asked in words that name none (这文件到底是哪天发的？) takes the date
    facts the asker names beside it (我看落款日期和印发日期对不上), else the date it was signed."""
    text = mend_fact_words(reading.asking or reading.question)
    if _WHICH_VERSION.search(reading.question):
        return ["versions"]
    if not (reading.doc_ids or _DOC_WORD.search(text) or _FACTS["number"].search(text)):
        return []  # 文号 is a document's own: it needs no 文件 beside it (…，文号多少)
    if not reading.doc_ids and (m := _OTHER_DOCUMENT.search(text)) and not _THIS.search(m.group(1)):
        return []  # 国防科技工业企业…的管理办法由谁制定: a document the texts speak of, not a held one
    found: list[tuple[int, str]] = []
    for fact, pattern in _FACTS.items():
        m = pattern.search(text)
        if m is None:
            continue
        if fact in _DATE_FACTS and fact != "signed" and not _WHEN.search(text):
            continue  # 公布了哪些信息 asks about content, not the date
        found.append((m.start(), fact))
    if any(f == "revised" for _, f in found):
        found = [(at, f) for at, f in found if f != "adopted"]  # 哪天修订通过的: the revision's date
    if not found and _ISSUED.search(text):
        named = [(m.start(), f) for f in ("signed", "printed") if (m := _FACTS[f].search(reading.question))]
        found = named or [(0, "signed")]
    return [f for _, f in sorted(found)]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pick_document(reading: Reading, hits: Sequence[Hit], metas: Sequence[DocumentMeta]) -> DocumentMeta | None:
    by_id = {m.id: m for m in metas}
    named = [by_id[d] for d in reading.doc_ids if d in by_id]
    if len(named) > 1 and reading.years:
        # 2020年那版: the version whose name carries the year, else the one in force from that year.
        for year_of in (lambda m: str(m.cite_as or m.title), lambda m: str(m.valid_from or "")[:4]):
            dated = [m for m in named if any(str(y) in year_of(m) for y in reading.years)]
            if dated:
                named = dated
                break
    if len(named) > 1:
        ranked = [h.clause.doc_id for h in hits if h.clause.doc_id in {m.id for m in named}]
        if ranked:
            return by_id[ranked[0]]
    if named:
        return named[0]
    if len(metas) == 1:
        return metas[0]
    # 行动方案经过了哪些会议…: a word of the question that only some titles hold narrows the choice.
    words = content_words(reading.question)
    titled = {m.id for m in metas if any(w in m.title for w in words)}
    ranked = [h.clause.doc_id for h in hits if not titled or titled == set(by_id) or h.clause.doc_id in titled]
    if ranked:
        return by_id.get(ranked[0])
    return by_id[sorted(titled)[0]] if len(titled) == 1 else None


def _first_holding(clauses: Sequence[Clause], needle: str, prefer_articles: bool = False) -> Clause | None:
    flat = _flat(needle)
    holding = [c for c in clauses if flat and flat in _flat(c.own_text or c.text)]
    if prefer_articles:
        # The article that states it ("第七十二条 本条例自…起施行") over the front matter.
        stated = [c for c in holding if re.match(r"第[一二三四五六七八九十百千零〇]+条", c.text.strip())]
        holding = stated or holding
    return holding[0] if holding else None


def find_fact(fact: str, meta: DocumentMeta, clauses: Sequence[Clause]) -> DocumentFact | None:
    """The value of ``fact`` for the document and the clause whose text states it, or None.

    Args:
        fact: one of the keys of the fact patterns (effective, signed, period, issuer …).
        meta: the document's record.
        clauses: the document's clauses in document order.
    """
    def found(value: str, clause: Clause | None) -> DocumentFact | None:
        return DocumentFact(doc_id=meta.id, fact=fact, value=value, clause_id=clause.id) if clause else None

    if fact == "effective":
        # The text's own "自…起施行" sentence first: it is what a person would cite.
        texts = sorted(clauses, key=lambda c: 0 if re.match(r"第[一二三四五六七八九十百千零〇]+条", c.text.strip()) else 1)
        for c in texts:
            m = _EFFECTIVE_TEXT.search(c.own_text or c.text)
            if m and re.search(r"本(条例|法|办法|规定|细则|决定|方案|意见|通知)|自", m.group(0)):
                return found(_flat(m.group(1)), c)
        return found(_cn_date(meta.valid_from), _first_holding(clauses, _cn_date(meta.valid_from))) \
            if meta.valid_from else None
    if fact in ("signed", "printed", "promulgated", "revised", "adopted"):
        order = {"signed": ("signed", "printed"), "printed": ("printed", "signed"),
                 "promulgated": ("promulgated", "signed"), "revised": ("revised",), "adopted": ("adopted",)}[fact]
        for attr in order:
            d = getattr(meta, attr)
            if d is not None:
                hit = found(_cn_date(d), _first_holding(clauses, _cn_date(d)))
                if hit:
                    return hit
        return None
    if fact in ("adopted_by", "period"):
        # 经…会议审议通过 (the meetings), （2024-2026年） (the years): the first clause that writes it.
        pattern, group = (_ADOPTED_BY_TEXT, 1) if fact == "adopted_by" else (_RANGE, 0)
        for c in clauses:
            m = pattern.search(c.own_text or c.text)
            if m:
                return found(_flat(m.group(group)), c)
        return None
    if fact == "issuer":
        names = [n for n in meta.issuers if _first_holding(clauses, n)]
        return found("、".join(names), _first_holding(clauses, names[0])) if names else None
    if fact == "copied":
        for c in clauses:
            m = _COPIED_TEXT.search(c.own_text or c.text)
            if m:
                return found(m.group(2).strip().rstrip("，,；;"), c)
        return None
    if fact == "number" and meta.doc_number:
        return found(meta.doc_number, _first_holding(clauses, meta.doc_number))
    return None


def document_fact_answer(question: str, reading: Reading, hits: Sequence[Hit],
                         clauses: Mapping[str, Clause], metas: Sequence[DocumentMeta]) -> Answer | None:
    """Answer a question about a document itself, citing the clause that states the fact.

    Args:
        question: the question as shown to the user.
        reading: the typed reading of the question.
        hits: the question's retrieved clauses (they pick the document when none is named).
        clauses: all indexed clauses by id.
        metas: the records of the indexed documents.
    Returns:
        The cited answer, or None when the question asks no document fact or no clause states it.
    """
    facts = asked_facts(reading)
    if not facts or reading.unknown_documents:
        return None
    fact = facts[0]
    if fact == "versions" or (fact == "effective" and len(reading.versions) >= 2):
        # 该按哪一版？ / 老版本哪天施行，新修订的又是哪天？ — each version's date.
        return _versions_answer(question, reading, hits, clauses, metas)
    meta = _pick_document(reading, hits, metas)
    if meta is None:
        return None
    own = [c for c in clauses.values() if c.doc_id == meta.id]
    got = find_fact(fact, meta, own)
    if got is None and not reading.doc_ids:
        # "这份文件抄送给了哪些单位？" with several documents held: the one document that states
        # such a fact at all is the one meant; when several do, the question stays ambiguous.
        found = [g for m in metas if m.id != meta.id
                 if (g := find_fact(fact, m, [c for c in clauses.values() if c.doc_id == m.id]))]
        if len(found) == 1:
            got, meta = found[0], next(m for m in metas if m.id == found[0].doc_id)
    if got is None:
        return None
    # The other facts asked of the same document (…落款日期和印发日期分别是哪天), each with its cite.
    more = [(f, g) for f in facts[1:] if f in _NAMES and (g := find_fact(f, meta, own)) is not None]
    cites = CitationList()
    name = _display(meta)
    lines, basis = [], []
    for f, g in [(fact, got), *more]:
        marker = cites.mark(clauses[g.clause_id])
        text = f"{name}的{_NAMES[f]}：{g.value}{marker}。"
        if f == "adopted_by":
            text = f"{name}经{g.value}审议通过{marker}。"
        if f == "effective" and "之日" in g.value:
            text = f"{name}自{g.value}起施行{marker}。"
        lines.append(text)
        quote = _quote(clauses[g.clause_id], g.value)
        entry = f"{marker} {clauses[g.clause_id].label}" + (f"：“{quote}”" if quote else "")
        if not any(b.startswith(marker + " ") for b in basis):
            basis.append(entry)
    body = "\n".join(lines) + "\n\n依据：\n" + "\n".join(basis)
    return Answer(question=question, answer=body, abstained=False, citations=cites.citations)


def _family(reading: Reading, hits: Sequence[Hit], metas: Sequence[DocumentMeta]) -> list[DocumentMeta]:
    """The versions a which-version question is about: documents sharing one title (the one
    the question names, else the one retrieval prefers), narrowed to the years it names."""
    by_title: dict[str, list[DocumentMeta]] = {}
    for m in metas:
        by_title.setdefault(m.title, []).append(m)
    families = [f for f in by_title.values() if len(f) >= 2]
    named = [f for f in families if any(m.id in reading.doc_ids for m in f)]
    ranked = [h.clause.doc_id for h in hits]
    ranked_families = sorted(families, key=lambda f: min((ranked.index(m.id) for m in f if m.id in ranked),
                                                         default=len(ranked)))
    chosen = named[0] if len(named) == 1 else (ranked_families[0] if ranked_families else [])
    years = {str(y) for y in reading.years}
    dated = [m for m in chosen if str(m.cite_as or "") and any(y in str(m.cite_as) for y in years)]
    picked = dated if len(dated) >= 2 else chosen
    return sorted(picked, key=lambda m: m.valid_from or date.min)


def _versions_answer(question: str, reading: Reading, hits: Sequence[Hit], clauses: Mapping[str, Clause],
                     metas: Sequence[DocumentMeta]) -> Answer | None:
    """When each version asked about took effect, cited; and, for a date the question gives,
    which of them had taken effect by then."""
    by_id = {m.id: m for m in metas}
    named = [by_id[d] for d in reading.versions if d in by_id]
    family = sorted(named, key=lambda m: m.valid_from or date.min) if len(named) >= 2 else _family(reading, hits, metas)
    if len(family) < 2:
        return None
    cites = CitationList()
    lines: list[str] = []
    dated: list[tuple[date, DocumentMeta, str]] = []
    for meta in family:
        got = find_fact("effective", meta, [c for c in clauses.values() if c.doc_id == meta.id])
        if got is None:
            return None
        marker = cites.mark(clauses[got.clause_id])
        lines.append(f"{_display(meta)}自{got.value}起施行{marker}。")
        m = _ASKED_DATE.fullmatch(got.value)
        if m and m.group(3):
            dated.append((date(int(m.group(1)), int(m.group(2)), int(m.group(3))), meta, marker))
    asked = _ASKED_DATE.search(reading.question)
    if asked and len(dated) == len(lines) >= 2:
        year, month, day = int(asked.group(1)), int(asked.group(2)), asked.group(3)
        when = date(year, month, int(day)) if day else None
        in_force = [x for x in sorted(dated, key=lambda x: x[0])
                    if (when or date(year, month, 28)) >= x[0] and (when or (year, month) != (x[0].year, x[0].month))]
        if in_force and all((when or date(year, month, 1)) < x[0] or x in in_force for x in dated):
            eff, meta, marker = in_force[-1]
            later = [x for x in dated if x[0] > eff]
            said = asked.group(0).replace(" ", "")
            tail = (f"，{_display(later[0][1])}{_cn_date(later[0][0])}才施行{later[0][2]}" if later else "")
            lines.append(f"按施行日期，{said}时施行的是{_display(meta)}{marker}{tail}。")
    label_lines = [f"[{i}] {c.label}" for i, c in enumerate(cites.citations, start=1)]
    body = "\n".join([*lines, "", "依据：", *label_lines])
    return Answer(question=question, answer=body, abstained=False, citations=cites.citations)


def _display(meta: DocumentMeta) -> str:
    """X政办〔2025〕3号, 《某某条例》, or 《某某条例》（2020） for one
    of two versions."""
    if meta.doc_number and "〔" in meta.doc_number and not meta.cite_as:
        return meta.doc_number
    if meta.cite_as and meta.cite_as.startswith(meta.title):
        return f"《{meta.title}》{meta.cite_as[len(meta.title):]}"
    return f"《{meta.cite_as or meta.title}》"


def _quote(clause: Clause, value: str) -> str:
    """The sentence (or line) of the clause that holds the value, short."""
    flat_value = _flat(value.split("、")[0])
    for piece in re.split(r"(?<=[。；\n])", clause.own_text or clause.text):
        if flat_value and flat_value in _flat(piece):
            s = piece.strip()
            return s if len(s) <= 120 else s[:120] + "…"
    return ""
