"""The default answer: deterministic, extractive, every statement quoted and cited.

A short direct answer comes first when the text gives one (a table cell, the department of
a duty, a member's unit, the sentence with the number or date asked for), then the
supporting clauses quoted with their ``[n]`` markers.
"""

from __future__ import annotations

import re

from assistant.answer.cite import CitationList
from assistant.clauses.parser import child_titles
from assistant.index.tokenize import words
from assistant.models import Answer, Clause
from assistant.retrieve.gate import specificity
from assistant.retrieve.hybrid import Hit

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万元|亿元|亿|万平方米|平方米|亩|天|个|家|年|月|日|倍)")
_DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:底前|前|底)?|\d{1,2}月底前")
ASKS_NUMBER = re.compile(r"多少|几|比例|百分|多大|多高|多长|上限|下限|最低|最高|额度|标准|how (much|many)", re.I)
ASKS_DATE = re.compile(r"什么时候|何时|哪天|哪年|几月|日期|期限|截止|时间|when", re.I)
ASKS_WHO = re.compile(r"哪个部门|哪个单位|哪家单位|谁|哪些部门|负责|牵头|which (department|bureau)|who", re.I)
LISTS = re.compile(r"哪些|哪几|有什么|包括|分为|几种|几个方面|what are", re.I)
MAX_CITATIONS = 3


def sentences(text: str) -> list[str]:
    """Split clause text into sentences (kept verbatim, ending punctuation included)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _score(sentence: str, qwords: set[str]) -> float:
    return sum(specificity(w) for w in qwords if w in sentence)


WANTS_AMOUNT = re.compile(r"补助|补贴|奖励|资助|多少|比例|几|标准|上限|how (much|many)", re.I)


def best_sentence(clause: Clause, qwords: set[str], wants_number: bool = False) -> tuple[str, float]:
    """The clause sentence that shares the most specific words with the question.

    When the question asks for an amount, a sentence that states one is preferred.
    """
    best, score = "", -1.0
    for s in sentences(clause.text):
        sc = _score(s, qwords)
        if wants_number and sc > 0 and _NUMBER.search(s):
            sc *= 1.6
        if sc > score:
            best, score = s, sc
    return best, score


def _fragment(sentence: str, pattern: re.Pattern, qwords: set[str]) -> str | None:
    """The comma-delimited piece(s) of a sentence that hold what the pattern finds."""
    parts = re.split(r"(?<=[，,：:])", sentence)
    hits = [i for i, p in enumerate(parts) if pattern.search(p)]
    if not hits:
        return None
    i = max(hits, key=lambda j: (_score(parts[j], qwords), -j))
    piece = parts[i]
    if i > 0 and len(piece) < 14:
        piece = parts[i - 1] + piece
    return piece.rstrip("，,：:")


def _column(row: Clause, question: str) -> int | None:
    """Index of the Annex table column the question asks about, if one stands out."""
    qw = set(words(question))
    scores = []
    for i, col in enumerate(row.table.columns):
        scores.append(sum(specificity(w) for w in qw if w in col))
    best = max(range(len(scores)), key=lambda i: scores[i]) if scores else None
    if best is None or scores[best] <= 0:
        return None
    return best


def compose(question: str, hits: list[Hit]) -> Answer:
    """Build an extractive answer from retrieved clauses.

    Args:
        question: the normalised question.
        hits: retrieved clauses, best first (already past the abstention gate).
    Returns:
        The answer contract with markers pointing only at cited, retrieved clauses.
    """
    cites = CitationList()
    qwords = set(words(question))
    scored = []
    wants_number = bool(WANTS_AMOUNT.search(question))
    for rank, hit in enumerate(hits):
        sent, sc = best_sentence(hit.clause, qwords, wants_number)
        scored.append((hit, sent, sc + 0.01 * (len(hits) - rank)))
    top_hit, top_sent, top_score = max(scored, key=lambda x: x[2])
    lead = _direct(question, hits, top_hit, top_sent, qwords, cites)
    lines = [lead, "", "依据："]
    used = [s for s in scored if s[0].clause.id in {c.id for c in cites.citations}]
    for hit, sent, _ in used:
        quote = hit.clause.text if len(hit.clause.text) <= 320 else sent
        lines.append(f"{cites.mark(hit.clause, hit.score)} {hit.clause.label}：“{quote}”")
    return Answer(question=question, answer="\n".join(lines), abstained=False, citations=cites.citations)


def _direct(question: str, hits: list[Hit], top: Hit, sent: str, qwords: set[str], cites: CitationList) -> str:
    """The first line: the most specific answer the text supports."""
    # A table cell: the question names a row (a street) and a column.
    for hit in hits[:3]:
        c = hit.clause
        if c.table is not None and c.table.key and c.table.key in question:
            col = _column(c, question)
            if col is not None:
                return (f"{c.table.key}：{c.table.columns[col]}为{c.table.values[col]}"
                        f"{cites.mark(c, hit.score)}。")
            return f"{c.text}{cites.mark(c, hit.score)}"
    flat_q = question.replace(" ", "")
    for hit in hits:
        c = hit.clause
        # A person named in the question, or the group's 组长/副组长 asked for.
        m = re.search(r"成员 (\S+?)（", c.label)
        if c.kind == "member" and m and m.group(1) in flat_q:
            return f"{c.text}{cites.mark(c, hit.score)}"
        if c.kind == "leader" and c.title and c.title in flat_q and not ("副" + c.title in flat_q):
            return f"{c.text}{cites.mark(c, hit.score)}"
    c = top.clause
    for hit in hits[:3]:
        parts = child_titles(hit.clause)
        if parts and (LISTS.search(question) or hit is top and sent == c.text.split("\n")[0]):
            return f"{hit.clause.label.split(' ', 1)[-1]}包括：{'；'.join(parts)}{cites.mark(hit.clause, hit.score)}。"
    if c.kind == "duty" and ASKS_WHO.search(question):
        return f"由{c.title or c.text.split('负责')[0]}负责：{c.text.split('.', 1)[-1]}{cites.mark(c, top.score)}"
    if c.kind in ("member", "leader"):
        return f"{c.text}{cites.mark(c, top.score)}"
    if ASKS_DATE.search(question) and (frag := _fragment(sent, _DATE, qwords)):
        return _cited(frag, cites.mark(c, top.score))
    if ASKS_NUMBER.search(question) and (frag := _fragment(sent, _NUMBER, qwords)):
        return _cited(frag, cites.mark(c, top.score))
    marker = cites.mark(c, top.score)
    # "有什么补助？" answered by a sentence without the amount: add the clause's sentences
    # that state an amount of the kind asked for (补助 30%, 补助 10%).
    extra = [x for x in _amount_sentences(c, question) if x != sent] if not _NUMBER.search(sent) else []
    return "".join(_cited(x, marker) for x in [sent, *extra[:MAX_AMOUNT_SENTENCES]])


MAX_AMOUNT_SENTENCES = 2
_REWARD = re.compile(r"补助|补贴|奖励|资助|奖补|扶持资金")


def _amount_sentences(clause: Clause, question: str) -> list[str]:
    """Sentences of ``clause`` that state an amount of the kind of support the question names."""
    kinds = set(_REWARD.findall(question))
    if not kinds:
        return []
    return [x for x in sentences(clause.text) if _NUMBER.search(x) and any(k in x for k in kinds)]


def _cited(span: str, marker: str) -> str:
    """A quoted span with its marker before the closing punctuation: ``…50天以内[1]。``"""
    body = span.rstrip("。；;，,")
    return f"{body}{marker}。"


def abstain(question: str, reason: str, documents: list[str]) -> Answer:
    """The answer when the corpus does not support one: no citation is presented."""
    held = "、".join(documents) if documents else "（无）"
    text = (f"现有文件不涉及这个问题，无法给出有依据的回答（{reason}）。\n"
            f"目前收录的文件：{held}。如需了解其他政策，请咨询相关主管部门。")
    return Answer(question=question, answer=text, abstained=True, citations=[])
