"""One check on every answer before it leaves: markers, citations, figures, tool rules, validity.

Whatever composed an answer (the extractive composer, a calculator, the matcher, an LLM),
:func:`finalise` holds it to the answer contract:

1. citations are clauses of the index; a citation that is not is removed with its markers;
2. every ``[n]`` resolves; markers that point nowhere are removed;
3. a calculator result cites the clause that defines its rule, and that clause is indexed;
4. every figure the answer states (amounts, percentages, dates, areas, counts) occurs in a
   cited clause, a calculator's arguments or result, or the question; a sentence with a
   figure from nowhere is dropped;
5. an answer left with no citation (unless it is only a rule-free calculation such as a unit
   conversion), or with nothing said, becomes an abstention that says why;
6. notes on the validity of the documents cited (expired, superseded, a date outside the
   period) are added last, from the documents' metadata.

It returns what it changed as notes (Chinese, for a log or an LLM retry), so the same check
serves every way of answering.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field

from assistant.answer.cite import MARKER_RE
from assistant.answer.extractive import abstain
from assistant.models import Answer, Citation, Clause, DocumentMeta

# A date as written in Chinese text or ISO form; its parts are compared, not its digits.
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# A number with the magnitude word after it (万, 亿) and a percent sign when there is one.
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万|千|%|‰)?")
_MULTIPLIER = {None: Decimal(1), "千": Decimal(1000), "万": Decimal(10) ** 4, "亿": Decimal(10) ** 8,
               "万亿": Decimal(10) ** 12, "%": Decimal(1), "‰": Decimal(1)}
# Numbers that order rather than state: list markers (1. / 2、/ （3）) and ordinals (第2宗).
_ORDINAL = re.compile(r"(?:^|(?<=[\n：:；;。]))\s*\d{1,3}\s*[.．、)）](?!\d)|[（(]\d{1,3}[）)]|第\s*\d+")
_SENTENCE = re.compile(r"[^。；！？!?\n]+[。；！？!?]?")
_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")


class Finalised(BaseModel):
    """The checked answer and what the check changed."""

    answer: Answer
    notes: list[str] = Field(default_factory=list, description="what was changed and why, in Chinese")

    @property
    def changed(self) -> bool:
        """True when the check altered the answer (validity notes aside)."""
        return any(not n.startswith("有效性") for n in self.notes)


class Figures(BaseModel):
    """The figures a text states, normalised: dates as (y, m, d), numbers as Decimal values."""

    dates: set[tuple[int, int, int]] = Field(default_factory=set)
    values: set[Decimal] = Field(default_factory=set)

    def add(self, other: "Figures") -> None:
        """Merge another text's figures into these."""
        self.dates |= other.dates
        self.values |= other.values


def _norm(text: str) -> str:
    """Full-width digits and signs to ASCII; markers removed (they are not figures)."""
    return MARKER_RE.sub("", unicodedata.normalize("NFKC", text))


def figures(text: str, loose: bool = False) -> Figures:
    """The figures of ``text``.

    A date ``2026年12月31日`` (or ``2026-12-31``) counts as one date; a month without a day
    is kept with day 0. A number counts with its magnitude applied (``1.2亿`` is 120000000);
    a percentage as written and as a fraction (``25%`` is 25 and 0.25).

    Args:
        text: any text.
        loose: also record each number without its magnitude (for sources: a calculator
            result holds bare yuan, a clause may write 万元 where the answer writes 元).
    Returns:
        The :class:`Figures`.
    """
    text = _norm(text)
    out = Figures()

    def take_date(m: re.Match) -> str:
        out.dates.add((int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)))
        if m.group(3) and loose:
            out.dates.add((int(m.group(1)), int(m.group(2)), 0))
        return " "

    text = _DATE_ISO.sub(take_date, _DATE_CN.sub(take_date, text))
    for m in _NUMBER.finditer(text):
        try:
            bare = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
        unit = m.group(2)
        out.values.add(bare * _MULTIPLIER[unit])
        if unit in ("%", "‰"):
            out.values.add(bare / (100 if unit == "%" else 1000))
        if loose:
            out.values.add(bare)
    return out


def _strings(value: Any) -> Iterable[str]:
    """Every key and scalar of a nested tool argument/result, as text."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple, set)):
        for v in value:
            yield from _strings(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def supported(answer: Answer) -> Figures:
    """The figures an answer may state: those of its cited clauses (text and label), its
    tool calls' arguments and results, and the question."""
    sources = Figures()
    parts = [answer.question]
    for c in answer.citations:
        parts += [c.text, c.label]
    for call in answer.tool_calls:
        parts += list(_strings(call.arguments)) + list(_strings(call.result))
    for part in parts:
        sources.add(figures(part, loose=True))
    return sources


def unsupported_figures(sentence: str, sources: Figures) -> list[str]:
    """The figures of ``sentence`` (as written) that ``sources`` do not hold."""
    bad = []
    text = _norm(sentence)
    for m in _DATE_CN.finditer(text):
        key = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
        if key not in sources.dates:
            bad.append(m.group(0))
    rest = _ORDINAL.sub(" ", _DATE_ISO.sub(" ", _DATE_CN.sub(" ", text)))
    for m in _NUMBER.finditer(rest):
        fig = figures(m.group(0))
        if not fig.values & sources.values:
            bad.append(m.group(0).strip())
    return bad


def _renumber(text: str, mapping: Mapping[int, int]) -> str:
    """Rewrite markers by ``mapping`` (old -> new); markers not in it are removed."""
    return MARKER_RE.sub(lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "",
                         text)


def _drop_sentences(text: str, sources: Figures, notes: list[str]) -> str:
    """Remove each sentence that states a figure the sources do not hold."""
    lines = []
    for line in text.split("\n"):
        kept, dropped = [], False
        for sentence in _SENTENCE.findall(line):
            bad = unsupported_figures(sentence, sources)
            if bad:
                notes.append(f"删除了一句无依据的数字（{'、'.join(bad)}）：{sentence.strip()}")
                dropped = True
                continue
            kept.append(sentence)
        if not dropped:
            lines.append(line)  # untouched lines stay byte for byte
        elif _says_something("".join(kept)):
            lines.append("".join(kept))
    out = "\n".join(lines)
    return out if out == text else re.sub(r"\n{3,}", "\n\n", out).strip("\n")


def _says_something(text: str) -> bool:
    """True when text holds a statement beyond headings like ``依据：`` and markers."""
    body = MARKER_RE.sub("", text)
    lines = [ln for ln in body.split("\n") if ln.strip() and not re.fullmatch(r"\s*依据[：:]\s*", ln)]
    return any(_CONTENT.search(ln) for ln in lines)


def _refuse(answer: Answer, reason: str, documents: Sequence[DocumentMeta], notes: list[str]) -> Finalised:
    notes.append(f"改为拒答：{reason}")
    names = [d.short_name for d in documents]
    out = abstain(answer.question, reason, names)
    return Finalised(answer=out.model_copy(update={"tool_calls": answer.tool_calls}), notes=notes)


def finalise(answer: Answer, clauses: Mapping[str, Clause], documents: Sequence[DocumentMeta] = (),
             today: date | None = None) -> Finalised:
    """Hold an answer to the answer contract (see the module docstring).

    Args:
        answer: the composed answer.
        clauses: the indexed clauses by id (citations and tool rules must be among them).
        documents: metadata of the indexed documents (for validity notes and abstentions).
        today: the date validity is judged at; no validity notes when None.
    Returns:
        :class:`Finalised`: the answer to send (its ``notes`` extended by what the check
        changed) and those notes.
    """
    done = _finalise(answer, clauses, documents, today)
    if done.notes:
        merged = [*answer.notes, *(n for n in done.notes if n not in answer.notes)]
        done = done.model_copy(update={"answer": done.answer.model_copy(update={"notes": merged})})
    return done


def _finalise(answer: Answer, clauses: Mapping[str, Clause], documents: Sequence[DocumentMeta],
              today: date | None) -> Finalised:
    notes: list[str] = []
    if answer.abstained:
        if answer.citations:
            notes.append("拒答不应附带引文：已移除引文")
            answer = answer.model_copy(update={"citations": []})
        return Finalised(answer=answer, notes=notes)

    # 1. Citations must be indexed clauses.
    citations: list[Citation] = []
    mapping: dict[int, int] = {}
    for i, c in enumerate(answer.citations, start=1):
        if c.id in clauses:
            citations.append(c)
            mapping[i] = len(citations)
        else:
            notes.append(f"引文[{i}]（{c.id}）不是索引中的条款：已移除")
    # 2. Markers must resolve.
    dangling = sorted({int(m) for m in MARKER_RE.findall(answer.answer) if int(m) not in mapping
                       and not 1 <= int(m) <= len(answer.citations)})
    if dangling:
        notes.append("删除了无对应引文的标记：" + "、".join(f"[{n}]" for n in dangling))
    text = _renumber(answer.answer, mapping)

    # 3. A calculator result rests on its rule's clause, which is indexed and cited.
    for call in answer.tool_calls:
        if call.result is None:
            continue
        if call.result.get("clause_id") is None:
            continue  # a rule-free tool (a unit conversion): arithmetic, not a policy claim
        rule = call.result["clause_id"]
        if rule not in clauses:
            return _refuse(answer, f"计算工具{call.name}的规则条款{rule or '（未注明）'}不在已收录的文件中，"
                                   "无法给出有依据的计算结果", documents, notes)
        if rule not in {c.id for c in citations}:
            clause = clauses[rule]
            citations.append(Citation(id=clause.id, label=clause.label, text=clause.text,
                                      source=clause.source, page=clause.page))
            first, _, rest = text.partition("\n")
            marker = f"[{len(citations)}]"
            first = first[:-1] + marker + first[-1] if first.endswith("。") else first + marker
            text = first + (f"\n{rest}" if rest else "")
            notes.append(f"补充了计算工具{call.name}的规则条款引文：{clause.label}")

    answer = answer.model_copy(update={"answer": text, "citations": citations})
    # 4. Figures must come from somewhere.
    text = _drop_sentences(text, supported(answer), notes)

    # 5. Something cited must remain.
    rule_free = bool(answer.tool_calls) and all(c.result is not None and c.result.get("clause_id") is None
                                                 for c in answer.tool_calls)
    if not citations and not rule_free:
        return _refuse(answer, "回答没有可引用的条款依据", documents, notes)
    if not _says_something(text):
        return _refuse(answer, "回答中的内容无法在所引条款中核实", documents, notes)
    if not MARKER_RE.search(text) and not answer.tool_calls:
        return _refuse(answer, "回答中没有指向所引条款的标记", documents, notes)
    answer = answer.model_copy(update={"answer": text})

    # 6. Validity of what is cited: a rule read in a superseded text is set beside the rule in force.
    if today is not None and documents:
        from assistant.documents.validity import validity_notes

        beside = _in_force_beside(answer, clauses, documents, today)
        if beside is not None:
            answer = beside
            notes.append(f"有效性：补充了现行版本的对应条款：{answer.citations[-1].label}")
        which = _which_in_force(answer, clauses, documents, today)
        if which is not None:
            answer = which
            notes.append(f"有效性：说明了现行版本及其施行日期：{answer.citations[-1].label}")
        extra = validity_notes(answer, documents, today)
        if extra:
            notes += [f"有效性：{n}" for n in extra]
            answer = answer.model_copy(update={"answer": answer.answer + "\n\n" + "\n".join(extra)})
    return Finalised(answer=answer, notes=notes)


# Asking which version holds now (现在按哪个, 以哪个为准, 现在适用哪一版).
ASKS_IN_FORCE = re.compile(r"现在(?:应该|应当|要)?(?:按|用|以|适用|执行|看)(?:哪个|哪一?版|哪部|哪一个|哪个版本)|"
                           r"以哪(?:个|一?版|一个)(?:版本)?为准|哪(?:个|一?版)(?:版本)?(?:现在)?(?:有效|管用|现行|还有效|适用)|"
                           r"现行(?:的)?(?:是|为)哪|(?:现在|目前)?(?:有效|现行|适用|管用)的(?:是|为)哪(?:个|一?版|一个|部)")
# A sentence that says when a text takes effect (本条例自2025年6月1日起施行).
_COMMENCES = re.compile(r"自[^。；]{0,20}?起施行")


def _which_in_force(answer: Answer, clauses: Mapping[str, Clause], documents: Sequence[DocumentMeta],
                    today: date) -> Answer | None:
    """The answer with the version in force named, with the sentence that says since when (据
    现行…（2025年版）第三十七条，本条例自2025年6月1日起施行[n]), when the question asks which
    version holds now and the answer cites a superseded one. None when nothing is added."""
    from assistant.answer.shapes import sentences
    from assistant.documents.validity import state, successor, version_date

    if not ASKS_IN_FORCE.search(answer.question) or not answer.citations:
        return None
    by_id = {d.id: d for d in documents}
    old = next((m for c in answer.citations if (m := by_id.get(c.id.split(":", 1)[0])) is not None
                and state(m, today, documents) == "superseded"), None)
    new = successor(old, documents, today) if old is not None else None
    if new is None or version_date(new) is None:
        return None
    from assistant.answer.document_facts import find_fact
    from assistant.answer.extractive import _ARTICLE_START

    # The clause that states the commencement is the one a question about it is answered with.
    fact = find_fact("effective", new, [c for c in clauses.values() if c.doc_id == new.id])
    clause = clauses.get(fact.clause_id) if fact is not None else None
    said = next((x for x in sentences(clause.text) if _COMMENCES.search(x)), None) if clause is not None else None
    if said is None or any(c.id == clause.id for c in answer.citations):
        return None

    said = _ARTICLE_START.sub("", said.strip()).rstrip("。；;，,")
    where = clause.label.split(" ", 1)[1] if " " in clause.label else ""
    n = len(answer.citations) + 1
    line = f"现行的是{version_date(new).year}年版：据《{new.title}》（{version_date(new).year}年版）{where}，{said}[{n}]。"
    body, sep, basis = answer.answer.partition("\n\n依据：")
    text = body + "\n" + line + (sep + basis + f"\n[{n}] {clause.label}" if sep else "")
    cited = Citation(id=clause.id, label=clause.label, text=clause.text, source=clause.source, page=clause.page)
    return answer.model_copy(update={"answer": text, "citations": [*answer.citations, cited]})


def _in_force_beside(answer: Answer, clauses: Mapping[str, Clause], documents: Sequence[DocumentMeta],
                     today: date) -> Answer | None:
    """The answer with the rule in force set beside a rule read in a superseded version (2020年
    那版…是怎么规定的 → 据现行…（2025年版）第九条第二款，…), when it cites nothing of the version in
    force and the question does not ask that version itself (…现在新版呢, …有什么变化: each version
    is answered in its own part). The counterpart is found by its rule, not its article number.
    None when nothing is added."""
    from assistant.answer import bearing
    from assistant.answer.extractive import _ARTICLE_START, _bare, best_sentence
    from assistant.answer.shapes import sentences
    from assistant.documents.validity import state, successor, version_date
    from assistant.index.tokenize import words
    from assistant.understand.versions import read_versions

    if answer.tool_calls or not answer.citations:
        return None
    by_id = {d.id: d for d in documents}
    first = answer.citations[0]
    meta = by_id.get(first.id.split(":", 1)[0])
    if meta is None or state(meta, today, documents) != "superseded":
        return None
    new = successor(meta, documents, today)
    year = version_date(new).year if new is not None and version_date(new) else None
    cue = read_versions(answer.question)
    if new is None or cue.compare or cue.new or year in cue.years \
            or any(c.id.split(":", 1)[0] == new.id for c in answer.citations):
        return None
    old = clauses.get(first.id)
    if old is None:
        return None
    body, sep, basis = answer.answer.partition("\n\n依据：")
    shown = [x for x in sentences(old.text) if _bare(x) and _bare(x) in _bare(body)]
    sentence = shown[0] if shown else next(iter(sentences(old.text)), "")
    twin = bearing.counterpart(sentence, [c for c in clauses.values() if c.doc_id == new.id])
    if twin is None:
        return None
    said, _ = best_sentence(twin, {w for w in words(sentence) if len(w) >= 2})
    said = _ARTICLE_START.sub("", said.strip()).rstrip("。；;，,")
    where = twin.label.split(" ", 1)[1] if " " in twin.label else ""
    n = len(answer.citations) + 1
    line = f"据现行《{new.title}》（{year}年版）{where}，{said}[{n}]。"
    text = body + "\n" + line + (sep + basis + f"\n[{n}] {twin.label}" if sep else "")
    cited = Citation(id=twin.id, label=twin.label, text=twin.text, source=twin.source, page=twin.page)
    return answer.model_copy(update={"answer": text, "citations": [*answer.citations, cited]})
