"""Further clauses that bear on a question, beside the one the answer leads with.

A question often needs more than one article: the time limit in one and the penalty for
missing it in another, the start of a period in one and its length in another, or the same
rule in the 2020 and the 2025 version of a regulation. After the lead is chosen, this module
picks retrieved clauses that each add a *different* supporting sentence:

1. a role the question asks for (a penalty, a time limit, a date, the authority, a
   definition) that the lead does not state, from a clause whose retrieval evidence is close
   to the lead's — "close" is calibrated on the fused scores of the same question: the hits
   above the largest relative drop in the ranking;
2. the same rule in another version of the lead's document, when the question names that
   version (by its year or its title) — then the counterpart sentence is quoted even when it
   reads the same, since "unchanged" is the answer.

Boilerplate never qualifies: headings, a purpose article (为了……，制定本条例), the date a
document takes effect (unless a date is asked), a preamble or covering notice. A single-fact
question whose lead states the asked fact gets nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.shapes import AUTHORITY, DATE, DEFINITION, PENALTY, TIME_LIMIT, is_heading, sentences
from assistant.index.tokenize import words
from assistant.models import Clause
from assistant.retrieve.gate import specificity
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import ask_kinds

# A relative drop in fused score at least this large separates the close hits from the rest;
# a ranking without one is close throughout.
MIN_DROP = 0.2
# A clause added for an asked role must be about the question: its sentence scores at least
# this share of the lead sentence's score on the question's words.
ROLE_SHARE = 0.5
# Another version's counterpart must share at least this share of the lead sentence's words
# (weighted by specificity).
VERSION_SHARE = 0.5
# At most this many citations in one answer once roles and versions are added.
MAX_WITH_BEARING = 5

_WHEN = re.compile(f"{TIME_LIMIT.pattern}|{DATE.pattern}")
# The asked roles and the shape of a sentence that states each (most specific first).
ROLE_SHAPES: dict[str, re.Pattern] = {
    "penalty": PENALTY,
    "time_limit": TIME_LIMIT,
    "when": _WHEN,
    "definition": DEFINITION,
    "who": AUTHORITY,
}
_PURPOSE = re.compile(r"^(?:第[一二三四五六七八九十百]+条\s*)?为了?[^。]{0,160}制定本(?:条例|法|办法|规定|方案|细则|决定|意见)")
_TAKES_EFFECT = re.compile(r"自[^。；]{0,30}起(?:施行|实施|执行)|本(?:条例|法|办法|规定|方案|细则)(?:自|由)[^。；]{0,30}(?:施行|解释)")
_BOILERPLATE_KINDS = frozenset({"preamble", "notice"})
_ARTICLE_START = re.compile(r"^第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)?\s*")
_MARKER = re.compile(r"\[\d+\]")


@dataclass
class Addition:
    """A clause to cite beside the lead, with the sentence that shows what it adds."""

    hit: Hit
    sentence: str
    why: str  # the role it states ("penalty", "time_limit", …) or "version"


def close_hits(hits: list[Hit]) -> list[Hit]:
    """The hits whose fused score is close to the best one's in this question's own ranking.

    Args:
        hits: the retrieved clauses of one question (or one part).
    Returns:
        The hits above the largest relative drop in score, when that drop is at least
        ``MIN_DROP``; otherwise all of them.
    """
    ranked = sorted(hits, key=lambda h: -h.score)
    scores = [h.score for h in ranked]
    if len(scores) < 2 or scores[0] <= 0:
        return ranked
    drops = [(scores[i] - scores[i + 1]) / scores[i] if scores[i] > 0 else 0.0 for i in range(len(scores) - 1)]
    cut = max(range(len(drops)), key=lambda i: drops[i])
    return ranked[:cut + 1] if drops[cut] >= MIN_DROP else ranked


def boilerplate(sentence: str, clause: Clause, asks_when: bool = False) -> bool:
    """Whether a sentence says nothing a question can be answered with: a heading, a purpose
    article, a preamble or notice line, or (unless a date is asked) when the text takes effect."""
    if clause.kind in _BOILERPLATE_KINDS or is_heading(sentence, clause):
        return True
    s = sentence.strip()
    return bool(_PURPOSE.search(s)) or (not asks_when and bool(_TAKES_EFFECT.search(s)))


def _score(sentence: str, qwords: set[str]) -> float:
    return sum(specificity(w) for w in qwords if w in sentence)


def _bare(text: str) -> str:
    return re.sub(r"[\s。；;，,：:“”]|\[\d+\]", "", _ARTICLE_START.sub("", text.strip()))


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def asked_roles(asking: str) -> list[str]:
    """The roles (penalty, time limit, date, authority, definition) the asking text asks for."""
    return [k for k in ask_kinds(asking) if k in ROLE_SHAPES]


def _pick(cands: list[tuple[float, Hit, str]], home_doc: str) -> tuple[float, Hit, str]:
    """The best candidate: of the lead's own document first, then the best-scoring, then the
    shortest clause (a paragraph before its article: the narrower cite is the one a reader checks)."""
    return max(cands, key=lambda c: (c[1].clause.doc_id == home_doc, round(c[0], 6), -len(c[1].clause.text)))


def role_additions(asking: str, question: str, hits: list[Hit], lead: Clause, lead_sentence: str, lead_text: str,
                   lead_score: float, cited: set[str], shown: list[str],
                   excluded_docs: set[str] | None = None) -> list[Addition]:
    """One clause per asked role that the lead does not state.

    Args:
        asking: the asking part of the question (background left out): it says the roles.
        question: the whole question: its words measure relevance, as for the lead.
        hits: the retrieved clauses of this question (or part).
        lead: the clause the answer leads with.
        lead_sentence: the sentence it leads with (a list item about the same conduct is shown).
        lead_text: what the answer has stated so far (markers are ignored).
        lead_score: the lead sentence's score on the question's words.
        cited: ids already cited.
        shown: sentences already stated.
        excluded_docs: documents the question does not ask about (other versions of the lead's).
    Returns:
        The additions, in the order the roles were asked.
    """
    stated = _MARKER.sub("", lead_text)
    qwords = set(words(question))
    focus = {w for w in qwords if w in lead_sentence} or qwords
    roles = asked_roles(asking)
    asks_when = "when" in roles
    near = [h for h in close_hits(hits) if h.clause.doc_id not in (excluded_docs or set())]
    out: list[Addition] = []
    taken = set(cited)
    for role in roles:
        shape = ROLE_SHAPES[role]
        if shape.search(stated):
            continue  # the lead (or a clause already added) states it
        cands = []
        for hit in near:
            c = hit.clause
            if any(_related(c.id, t) for t in taken):
                continue
            for s in sentences(c.text):
                if not shape.search(s) or boilerplate(s, c, asks_when):
                    continue
                shown_as, sc = _with_item(s, c, qwords, focus)
                if sc <= 0 or sc < ROLE_SHARE * lead_score:
                    continue
                if any(_bare(s) in _bare(x) or _bare(x) in _bare(s) for x in shown if _bare(x)):
                    continue
                cands.append((sc, hit, shown_as))
        if not cands:
            continue
        _, hit, s = _pick(cands, lead.doc_id)
        out.append(Addition(hit=hit, sentence=s, why=role))
        taken.add(hit.clause.id)
        stated += s
    return out


_LIST_HEAD = re.compile(r"下列|以下")


def _with_item(sentence: str, clause: Clause, qwords: set[str], focus: set[str]) -> tuple[str, float]:
    """A sentence and how well it answers the question. A list's head (有下列情形之一的，由……责令改正)
    is about the question through its item (（二）拖延检验、验收): it is scored by its best item and
    shown with it; the item is the one about what the question and the lead both speak of."""
    own = _score(sentence, qwords)
    if not _LIST_HEAD.search(sentence):
        return sentence, own
    # Items read like headings (（二）拖延检验、验收；): only the clause's own title is left out.
    items = [x for x in sentences(clause.text) if x != sentence and x.strip("。；; ") != (clause.title or "")]
    # Per character: an item wholly about the conduct (拖延检验、验收) before a long one that
    # mentions its words in passing.
    best = max(items, key=lambda x: (_score(x, focus) / max(len(_bare(x)), 8), _score(x, qwords)), default="")
    if not best or _score(best, focus) <= 0:
        return sentence, own
    about = max((_score(x, qwords) for x in items), default=0.0)
    return f"{sentence.rstrip('；;：:，,。')}……{best.rstrip('；;。')}", max(own, about)


def version_additions(question: str, lead: Clause, lead_sentence: str, lead_score: float, hits: list[Hit],
                      cited: set[str], named_docs: set[str]) -> list[Addition]:
    """The counterpart of the lead sentence in each named version not yet cited.

    A counterpart shares most of the lead sentence's words (the rule unchanged or reworded), or,
    where the version words it differently (及时处理 for 30日内), is about the question as much as
    a role addition must be and close in retrieval.

    Args:
        question: the whole question.
        lead: the clause the answer leads with.
        lead_sentence: the sentence it quotes.
        lead_score: the lead sentence's score on the question's words.
        hits: the retrieved clauses.
        cited: ids already cited.
        named_docs: documents the question names that are versions of the lead's document.
    Returns:
        At most one addition per named document.
    """
    cited_docs = {cid.split(":", 1)[0] for cid in cited}
    lwords = {w for w in words(lead_sentence) if len(w) >= 2}
    qwords = set(words(question))
    full = _score(lead_sentence, lwords)
    near = {h.clause.id for h in close_hits(hits)}
    out: list[Addition] = []
    for doc in sorted(named_docs - cited_docs - {lead.doc_id}):
        best: dict[str, tuple[float, Hit, str]] = {}
        for hit in hits:
            c = hit.clause
            if c.doc_id != doc or any(_related(c.id, t) for t in cited):
                continue
            for s in sentences(c.text):
                if boilerplate(s, c):
                    continue
                alike = full > 0 and _score(s, lwords) >= VERSION_SHARE * full
                about = c.id in near and _score(s, qwords) > 0 and _score(s, qwords) >= ROLE_SHARE * lead_score
                sc = _score(s, lwords) + _score(s, qwords)
                if (alike or about) and sc > best.get(c.id, (-1.0,))[0]:
                    best[c.id] = (sc, hit, s)
        if not best:
            continue
        # Retrieval (which read the question and its history) says which counterpart is meant;
        # of an article and its paragraph both alike, the paragraph is the narrower cite.
        _, hit, s = max(best.values(), key=lambda b: b[1].score)
        inner = [b for cid, b in best.items() if cid.startswith(hit.clause.id + ".")]
        if inner:
            _, hit, s = max(inner, key=lambda b: b[1].score)
        out.append(Addition(hit=hit, sentence=s, why="version"))
    return out


def other_versions(vocab, lead: Clause) -> set[str]:
    """Held documents that are other versions of the lead's document (the same title)."""
    mine = vocab.document(lead.doc_id) if vocab is not None else None
    if mine is None:
        return set()
    return {d.doc_id for d in vocab.documents if d.title == mine.title and d.doc_id != mine.doc_id}


def named_versions(reading, vocab, lead: Clause) -> set[str]:
    """Held documents the question names that share the lead document's title (its other
    versions): named by id (title, 文号) or by the year of their version."""
    if reading is None or vocab is None:
        return set()
    versions = [d for d in vocab.documents if d.doc_id in other_versions(vocab, lead)]
    return {d.doc_id for d in versions
            if d.doc_id in reading.doc_ids or (version_year(d) is not None and version_year(d) in reading.years)}


def version_year(doc) -> int | None:
    """The year of a document's version: its own record's, else the first year it is in force."""
    return getattr(doc, "version_year", None) or doc.start_year
