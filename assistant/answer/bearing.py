"""Further clauses that bear on a question, beside the one the answer leads with.

A question often needs more than one article: the time limit in one and the penalty for
missing it in another, the start of a period in one and its length in another, or the same
rule in the 2020 and the 2025 version of a regulation. After the lead is chosen, this module
picks retrieved clauses that each add a *different* supporting sentence:

1. a role the question asks for (a penalty, a time limit, a date, the authority, a
   definition) that the lead does not state, from a clause whose retrieval evidence is close
   to the lead's — "close" is calibrated on the fused scores of the same question: the hits
   above the largest relative drop in the ranking;
2. for an asked penalty or definition, what the legal structure of the lead's own document
   says bears comes before what is merely close (the clause mapping holds every clause, so
   an article retrieval ranked far down is found): a penalty article that names the lead's
   article (违反本条例第十条规定…), or one whose list item is about the conduct the question
   and the lead speak of (有下列情形之一的…责令改正……（二）拖延检验、验收); a definition
   article that defines a word of the question (本条例所称X是指…). A penalty asked only as
   "what happens" (会被怎么处理, 要担什么责任) is answered by such an article alone;
3. when the answer leads with a penalty and the question asks what the rule says or whether
   the conduct is allowed (这合法吗, 条例怎么规定的), the rule it enforces: the article the
   penalty names by number, or the sentence outside the penalty articles that restates the
   listed conduct;
4. the same rule in another version of the lead's document, when the question names that
   version (by its year or its title) — then the counterpart sentence is quoted even when it
   reads the same, since "unchanged" is the answer.

Boilerplate never qualifies: headings, a purpose article (为了……，制定本条例), the date a
document takes effect (unless a date is asked), a preamble or covering notice. A single-fact
question whose lead states the asked fact gets nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.answer.shapes import (
    ASKS_LIABILITY,
    AUTHORITY,
    DATE,
    DEFINITION,
    LIABILITY,
    PENALTY,
    TIME_LIMIT,
    is_heading,
    sentences,
)
from assistant.index.tokenize import words
from assistant.models import Clause
from assistant.retrieve.gate import specificity
from assistant.retrieve.hybrid import Hit
from assistant.understand.lexicon import default_lexicon
from assistant.understand.reading import ASK_PATTERNS, ask_kinds, content_words

# A relative drop in fused score at least this large separates the close hits from the rest;
# a ranking without one is close throughout.
MIN_DROP = 0.2
# A clause added for an asked role must be about the question: its sentence scores at least
# this share of the lead sentence's score on the question's words.
ROLE_SHARE = 0.5
# Another version's counterpart must share at least this share of the lead sentence's words
# (weighted by specificity).
VERSION_SHARE = 0.5
# A counterpart's sentence opens with at least this share of the best opening's words (who does what).
HEAD_SHARE = 0.95
_HEAD = re.compile(r"[，,：:；;]")
# At most this many citations in one answer once roles and versions are added.
MAX_WITH_BEARING = 5
# The rule a penalty item restates shares at least this share of the item's words (weighted
# by specificity): （六）以…等待竣工验收批复…为由，拒绝或者迟延支付 and 不得以…为由，拒绝或者迟延支付.
RULE_SHARE = 0.6
# A word of the question found in at most this share of a document's articles is about one
# matter of that document (拖延验收); one found in more is the document's own subject
# (中小企业 in a regulation on paying them) and says nothing about which article bears.
# A phrase a penalty shares with the duty it punishes: this many characters at least (at most
# this many are tried).
PHRASE_MIN = 5
PHRASE_MAX = 12
RARE_SHARE = 0.15
# …but a word a rule, its penalty and one more article share is still rare in a short text.
RARE_MIN_ARTICLES = 3

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
# The roles the lead's whole document is read for when no close hit states them, and the
# shape a sentence that states each has there.
DOCUMENT_ROLES: dict[str, re.Pattern] = {"penalty": LIABILITY, "time_limit": TIME_LIMIT, "definition": DEFINITION}
# A time limit is stated in nearly every article of a procedure: one bears only when what it
# is about holds at least this many rare words of the question and the lead.
TIME_LIMIT_SHARED = 2
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
# Words that ask (有什么说法, 怎么处理) or only join a rule's parts (作为, 条件, 之日起): they name no matter.
_ASKING_WORDS = frozenset("说法 处理 规定 情况 问题 办法 后果 责任 合法 可以 应当 作为 条件 或者 之日起 之日".split())
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


# Asking how conduct is dealt with, in words that name no penalty (怎么处理, 怎么管, 谁来管).
_HANDLING = re.compile(r"(?:怎么|如何|怎样|咋)(?:处理|处置|管|办)|(?:有|作)(?:什么|哪些|啥)(?:处理|处置|说法)|谁(?:来)?管")
# A sentence that forbids conduct: doing it anyway is what such a question asks about.
_FORBIDS = re.compile(r"不得|禁止|严禁|不准")


def asked_roles(asking: str) -> list[str]:
    """The roles (penalty, time limit, date, authority, definition) the asking text asks for.

    What happens to whoever breaks the rule (会被怎么处理, 要担什么责任) asks for the penalty
    too, though it names none.
    """
    roles = [k for k in ask_kinds(asking) if k in ROLE_SHAPES]
    if "penalty" not in roles and ASKS_LIABILITY.search(asking):
        roles.insert(0, "penalty")
    return roles


# The party a sanctioning article is about: what its first sentence names before the conduct
# (机关、事业单位违反本条例，有下列情形之一的; 行业协会商会、中介服务机构有下列情形之一的).
_PARTY_HEAD = re.compile(r"^(?:第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)?\s*)?(?:对)?"
                         r"([^，。；：:]{2,30}?)(?:违反|有下列|有以下|未按|未依|未经|拒不|拒绝|不履行)")


def party_of(article: Clause) -> str:
    """The party a sanctioning article names before the conduct, or empty."""
    if not LIABILITY.search(article.text):
        return ""
    m = _PARTY_HEAD.match(article.text.strip())
    # A party is who is sanctioned (机关、事业单位, 大型企业, 中介服务机构): a head that names no one
    # (未取得建设工程规划许可证或者…) is conduct, not a party.
    return m.group(1) if m and _PARTY_NOUN.search(m.group(1)) else ""


_PARTY_NOUN = re.compile(r"(?:单位|机关|企业|部门|机构|组织|人员|个人|公司|协会|商会|政府|中心|法人|经营者|当事人|"
                         r"责任人|负责人|主体)$")


def party_articles(question: str, doc_id: str, clauses: Mapping[str, Clause]) -> list[tuple[Clause, str]]:
    """The sanctioning articles of a document whose party the question names (这家事业单位要承担
    什么责任 → 机关、事业单位违反本条例…; 行业协会硬拉我们参加评比 → 行业协会商会、中介服务机构有下列
    情形之一的…), each with the party as its first sentence names it; empty unless the document
    sanctions two parties or more and the question names one of them more than the others. Read
    from the articles' own first sentences."""
    parties = [(c, party) for c in clauses.values()
               if c.doc_id == doc_id and c.kind == "article" and (party := party_of(c))]
    if len({p for _, p in parties}) < 2:
        return []
    asked = {w for w in content_words(question) if len(w) >= 2} | set(default_lexicon().expand(question))
    scored = [(sum(specificity(w) for w in asked if w in party), c, party) for c, party in parties]
    best = max(sc for sc, _, _ in scored)
    if best <= 0 or all(sc == best for sc, _, _ in scored):
        return []
    return [(c, party) for sc, c, party in scored if sc == best]


# The conduct a sanctioning article opens with (未取得建设工程规划许可证或者未按照…进行建设的，由…).
_CONDUCT_HEAD = re.compile(r"^(?:第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)?\s*)?([^。；：:]{4,80}?的)[，,]")


def conduct_articles(question: str, doc_id: str, clauses: Mapping[str, Clause]) -> list[tuple[Clause, str]]:
    """The sanctioning articles of a document that name no party but open with the conduct they
    sanction (未取得建设工程规划许可证…进行建设的，由…责令停止建设), the one whose conduct shares
    most of the question's words first; each with its conduct. Empty when none shares two words."""
    asked = {w for w in content_words(question) if len(w) >= 2} | set(default_lexicon().expand(question))
    scored = []
    for c in clauses.values():
        if c.doc_id != doc_id or c.kind != "article" or party_of(c) or not LIABILITY.search(c.text):
            continue
        m = _CONDUCT_HEAD.match(c.text.strip())
        if m is None:
            continue
        shared = [w for w in asked if w in m.group(1)]
        if len(shared) >= 2:
            scored.append((sum(specificity(w) for w in shared), c, m.group(1)))
    scored.sort(key=lambda x: -x[0])
    return [(c, head) for _, c, head in scored[:1]]


def sanction_restating(lead: Clause, clauses: Mapping[str, Clause]) -> bool:
    """Whether a sanctioning article of the lead's document restates the lead's duty: it shares a
    phrase of at least :data:`RESTATED_CHARS` characters with it (…告知备案机关)."""
    own = _bare(lead.text)
    for c in clauses.values():
        if c.doc_id != lead.doc_id or c.kind != "article" or c.id == lead.id or not LIABILITY.search(c.text):
            continue
        other = _bare(c.text)
        if any(own[i:i + RESTATED_CHARS] in other for i in range(len(own) - RESTATED_CHARS + 1)):
            return True
    return False


# A sanction restates a duty when they share a phrase this long.
RESTATED_CHARS = 6


def _pick(cands: list[tuple[float, Hit, str]], home_doc: str) -> tuple[float, Hit, str]:
    """The best candidate: of the lead's own document first, then the best-scoring, then the
    shortest clause (a paragraph before its article: the narrower cite is the one a reader checks)."""
    return max(cands, key=lambda c: (c[1].clause.doc_id == home_doc, round(c[0], 6), -len(c[1].clause.text)))


def role_additions(asking: str, question: str, hits: list[Hit], lead: Clause, lead_sentence: str, lead_text: str,
                   lead_score: float, cited: set[str], shown: list[str],
                   excluded_docs: set[str] | None = None,
                   clauses: Mapping[str, Clause] | None = None, context: str = "") -> list[Addition]:
    """One clause per asked role that the lead does not state.

    For a penalty or a definition, a clause that bears on the lead by the legal structure (see
    :meth:`_Structure.bears` and :func:`document_candidates`) is cited before one merely close
    in retrieval; for the other roles, a close hit that states the role. With the clause
    mapping, a penalty lead also gets the rule it enforces (:func:`rule_additions`).

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
        clauses: every indexed clause by id, to read the lead's document beyond the hits.
        context: the situation the asker described before this part (…要我们交现金保证金): its
            words say which article of the lead's document bears on it.
    Returns:
        The additions, in the order the roles were asked.
    """
    stated = _MARKER.sub("", lead_text)
    qwords = set(words(question))
    focus = {w for w in qwords if w in lead_sentence} or qwords
    roles = asked_roles(asking)
    if "penalty" not in roles and _HANDLING.search(asking) and _FORBIDS.search(lead_sentence):
        # 乱收费…怎么处理/怎么管 of conduct the lead forbids asks what befalls it.
        roles.append("penalty")
    # A penalty asked only as "what happens" (会被怎么处理) is answered only by what bears on
    # the lead: the words say too little to trust a clause that is merely close.
    named_roles = {k for k in ask_kinds(asking) if k in ROLE_SHAPES}
    asks_when = "when" in roles
    near = [h for h in close_hits(hits) if h.clause.doc_id not in (excluded_docs or set())]
    out: list[Addition] = []
    taken = set(cited)
    told = f"{context}，{question}" if context else question
    ctx = _Structure(told, lead, lead_sentence, clauses) if clauses is not None else None
    for role in roles:
        shape = ROLE_SHAPES[role]
        said = bool(shape.search(stated) or (role in DOCUMENT_ROLES and DOCUMENT_ROLES[role].search(stated)))
        if said and (ctx is None or role not in DOCUMENT_ROLES or ctx.states(DOCUMENT_ROLES[role], stated)):
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
        if ctx is not None and role in DOCUMENT_ROLES:
            # What the legal structure says bears on the lead (an article that names it, a list
            # item about its conduct) comes before what is merely close in retrieval.
            # A chapter holds every article under it: it bears on anything and is no cite.
            structural = [x for x in cands if ctx.bears(role, x[2], x[1].clause) and not _is_chapter(x[1].clause, ctx.clauses)
                          and (role in named_roles or x[1].clause.doc_id == lead.doc_id)]
            structural += [x for x in document_candidates(role, ctx, taken, shown)
                           if not any(x[1].clause.id == y[1].clause.id for y in structural)]
            # What the answer states about something else (the time limit to extend, asked for
            # the time limit to assess) leaves only what bears on the question.
            # A close hit without the most specific word the lead shares with the question, the
            # role's own words aside (评估时限…30个工作日 for 企业开办时限), is about something else.
            about = [w for w in focus if not (role in ASK_PATTERNS and ASK_PATTERNS[role].search(w))]
            key = max(about, key=specificity, default="")
            close = [x for x in cands if key in shape.sub("", x[2])]
            cands = structural or (close if role in named_roles and not said else [])
        elif role not in named_roles:
            cands = []  # "what happens" alone: nothing without the document to read
        if not cands:
            continue
        _, hit, s = _pick(cands, lead.doc_id)
        if role == "penalty":
            s = with_fine(s, hit.clause)
        out.append(Addition(hit=hit, sentence=s, why=role))
        taken.add(hit.clause.id)
        stated += s
    if ctx is not None:  # a penalty lead brings the rule it enforces: the duty and its sanction
        out += rule_additions(ctx, hits, taken, [*shown, *(a.sentence for a in out)])
    return out


_FINE = re.compile(r"(?:罚款|罚金|没收)")


def with_fine(sentence: str, clause: Clause) -> str:
    """A penalty sentence that orders a correction, with the fine that follows it in the same
    paragraph (责令限期改正；逾期不改正的，处2万元以上5万元以下的罚款)."""
    if _FINE.search(sentence):
        return sentence
    for para in clause.text.split("\n"):
        parts = sentences(para)
        core = _bare(sentence)
        at = next((i for i, x in enumerate(parts) if core and core in _bare(x)), None)
        if at is None:
            continue
        more = next((x for x in parts[at + 1:at + 3] if _FINE.search(x)), None)
        if more is not None:
            return f"{sentence.rstrip('。；;')}；{more.strip()}"
    return sentence


def rule_additions(ctx: _Structure, hits: list[Hit], taken: set[str], shown: list[str]) -> list[Addition]:
    """The rule behind a penalty the answer leads with: the duty beside its sanction, whether
    the question asks who handles it, what befalls the offender or whether it is allowed.

    A penalty article names the rule it enforces by number (违反本条例第四十二条第一款规定…),
    lists the conduct in items that restate the rules (（六）以…等待竣工验收…为由，拒绝或者
    迟延支付 for 不得以…为由，拒绝或者迟延支付), or words one conduct as its rule does (未按照规定…
    公示逾期尚未支付中小企业款项信息 for 第十八条). The rule is the article named, the sentence of the
    document, outside its penalty articles, that shares most of the item's words, or the one that
    shares a rare phrase with the penalty (:meth:`_Structure.shared_phrase`).

    Args:
        ctx: the lead, its article, the question's words and the clause mapping.
        hits: the retrieved clauses (an item of the penalty article among them says which conduct).
        taken: ids already cited.
        shown: sentences already stated.
    Returns:
        At most one addition (why = "rule").
    """
    lead, clauses = ctx.lead, ctx.clauses
    art = ctx.article
    # A list's head holds the penalty (art.own_text); an article of paragraphs, the paragraph.
    head = art.own_text + "\n" + lead.text if art is not None else ""
    if art is None or not any(LIABILITY.search(s) for s in sentences(head)):
        return []  # the lead is no penalty
    named = named_articles(head, lead.doc_id, clauses)
    conduct = _conduct(lead, art, hits, ctx)
    asked = ctx.subject & ctx.rare(lead.doc_id)
    cands: list[tuple[bool, float, Clause, str]] = []  # (named by number, how well it matches, …)
    for c in ctx.own():
        if c.id == art.id or _related(c.id, art.id) or any(c.id == t or _related(c.id, t) for t in taken):
            continue
        if any(LIABILITY.search(s) for s in sentences(c.text)):
            continue  # another penalty, not a rule
        home = article_of(c, clauses)
        for s in sentences(c.text):
            if boilerplate(s, c) or is_heading(s, c):
                continue
            if any(_bare(s) in _bare(x) or _bare(x) in _bare(s) for x in shown if _bare(x)):
                continue
            if home is not None and home.id in named:
                cands.append((True, _score(s, ctx.qwords), c, s))
            elif not conduct and not named and (phrase := ctx.shared_phrase(s)) >= PHRASE_MIN:
                # A penalty of one conduct (…未按照规定…公示逾期尚未支付中小企业款项信息…的，由…处理):
                # the rule that words the same conduct.
                cands.append((False, phrase / PHRASE_MAX, c, s))
            elif conduct:
                share = _share(s, conduct)
                # The conduct the question describes in its own words (强制…参加评比) says it
                # too, when the item words it briefly (违法开展收费、评比).
                told = _share(s, asked) if sum(w in s for w in asked) >= 2 and any(w in s for w in conduct) else 0.0
                if share >= RULE_SHARE or told >= RULE_SHARE:
                    cands.append((False, share + told, c, s))
    if not cands:
        return []
    # The best match; of an article and its paragraph saying it, the paragraph (narrower).
    _, _, c, s = max(cands, key=lambda x: (x[0], round(x[1], 6), -len(x[2].text)))
    return [Addition(hit=Hit(clause=c, score=0.0), sentence=s, why="rule")]


def _share(sentence: str, wanted: set[str]) -> float:
    """The share of ``wanted`` (weighted by specificity) that the sentence holds."""
    weight = sum(specificity(w) for w in wanted)
    return sum(specificity(w) for w in wanted if w in sentence) / weight if weight else 0.0


def named_articles(text: str, doc_id: str, clauses: Mapping[str, Clause]) -> set[str]:
    """Ids of the articles of the document that a penalty names (违反本条例第四十二条…)."""
    numbers = set(re.findall(rf"(?:本(?:条例|法|办法|规定|细则)|违反)[^。；]{{0,6}}?第([{_CN_DIGITS}]+)条(?!之)", text))
    return {c.id for c in clauses.values() if c.doc_id == doc_id and c.kind == "article" and c.number in numbers}


def _conduct(lead: Clause, art: Clause, hits: list[Hit], ctx: "_Structure") -> set[str]:
    """The words of the conduct a penalty list is about: the lead when it is an item of the
    list, else an item retrieval found, else the item that holds rare words of the question."""
    items = [ctx.clauses[i] for i in art.children if i in ctx.clauses and ctx.clauses[i].kind == "item"]
    if not items:
        return set()
    found = [lead] if lead in items else [h.clause for h in hits if h.clause in items]
    if not found:
        # The question's own rare words name the conduct; failing those, the lead's (two of them).
        asked = ctx.subject & ctx.rare(lead.doc_id)
        rare, need = (asked, 1) if asked else (ctx.focus & ctx.rare(lead.doc_id), ctx.shared)
        best = max(items, key=lambda i: sum(w in i.text for w in rare))
        found = [best] if sum(w in best.text for w in rare) >= need else []
    if not found:
        return set()
    return {w for w in content_words(_ITEM_NUMBER.sub("", found[0].text)) if w not in _ASKING_WORDS}


_ITEM_NUMBER = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]")


LIST_HEAD = re.compile(r"下列|以下")
# Where a list item starts: （二）, 二、, 2. (_ITEM_NUMBER above is the bracketed form alone).
ITEM_START = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.、．])")


class _Structure:
    """What the lead's document says about which of its articles bear on the lead: the lead's
    article (by number), the words of the question and the lead, and which of them are rare in
    a document (found in few of its articles)."""

    def __init__(self, question: str, lead: Clause, lead_sentence: str, clauses: Mapping[str, Clause]) -> None:
        self.lead = lead
        self.clauses = clauses
        self.article = article_of(lead, clauses)
        # The question's own words less those that only ask (会被怎么处理, 有什么说法).
        asked = ASKS_LIABILITY.sub("", question)
        for pattern in ASK_PATTERNS.values():
            asked = pattern.sub("", asked)
        subject = {w for w in content_words(asked) if w not in _ASKING_WORDS}
        self.subject = subject
        # What the question and the lead both speak of. A part that names nothing of it
        # (会被怎么处理？) asks about the lead itself: the lead's words say what, and then two
        # of them must meet in what a sentence is about, since one may be a word of any rule.
        self.focus = {w for w in subject if w in lead_sentence}
        self.shared = 1
        if not self.focus:
            self.focus = {w for w in content_words(_ARTICLE_START.sub("", lead_sentence)) if w not in _ASKING_WORDS}
            self.shared = 2
        self.qwords = subject | self.focus
        self._rare: dict[str, set[str]] = {}
        self.lead_sentence = _ARTICLE_START.sub("", lead_sentence) if lead_sentence else None
        self._arts: list[str] | None = None
        self._holding: dict[str, int] = {}  # phrase -> articles of the lead's document holding it

    def own(self) -> list[Clause]:
        """The articles and paragraphs of the lead's document."""
        return [c for c in self.clauses.values() if c.doc_id == self.lead.doc_id and c.kind in ("article", "paragraph")]

    def rare(self, doc_id: str) -> set[str]:
        """The question's words found in at most ``RARE_SHARE`` of the document's articles
        (or ``RARE_MIN_ARTICLES`` of them, in a short text)."""
        if doc_id not in self._rare:
            arts = [c.text for c in self.clauses.values() if c.doc_id == doc_id and c.kind == "article"]
            limit = max(RARE_MIN_ARTICLES, RARE_SHARE * len(arts))
            self._rare[doc_id] = {w for w in self.qwords if arts and sum(w in a for a in arts) <= limit}
        return self._rare[doc_id]

    def states(self, shape: re.Pattern, text: str) -> bool:
        """Whether ``text`` states the shape about what the question asks: a sentence of it
        that states the shape holds a word of the question rare in the lead's document (a fine
        for the 设计单位 does not answer what the 建设单位 is fined). A question without such
        words is answered by any sentence that states the shape."""
        rare = self.subject & self.rare(self.lead.doc_id)
        said = [s for s in sentences(text) if shape.search(s)]
        return bool(said) and (not rare or any(w in s for s in said for w in rare))

    def _paragraph(self, sentence: str, clause: Clause) -> str:
        """The narrowest text of the clause (itself or one of its paragraphs) holding the sentence."""
        inner = [self.clauses[i].text for i in clause.children if i in self.clauses and sentence in self.clauses[i].text]
        return min(inner, key=len) if inner else clause.text

    def names_lead(self, sentence: str) -> bool:
        """Whether the sentence names the lead's article by number."""
        return self.article is not None and _refers(sentence, self.article)

    def bears(self, role: str, shown_as: str, clause: Clause) -> bool:
        """Whether a sentence that states ``role`` (as shown: a list head with its item) bears
        on the lead: it names the lead's article, or what it is about (the item, else its
        clause) holds a rare word of the question and the lead, or two rare words of the
        question; a definition, when it defines a word of the question."""
        if role == "definition":
            term = _defined_term(shown_as)
            return bool(term) and any(w in term for w in self.qwords if len(w) >= 3 or w in self.rare(clause.doc_id))
        if clause.doc_id == self.lead.doc_id and self.names_lead(shown_as):
            return True
        # What a list's head is about is its item; what a sentence is about, its clause (a
        # paragraph's fine is about the conduct its first sentence names).
        about = shown_as.split("……", 1)[1] if "……" in shown_as else self._paragraph(shown_as, clause)
        rare = self.rare(clause.doc_id)
        need = max(self.shared, TIME_LIMIT_SHARED) if role == "time_limit" else self.shared
        return (sum(w in about for w in self.focus & rare) >= need
                or sum(w in about for w in self.subject & rare) >= 2
                or (role == "penalty" and clause.doc_id == self.lead.doc_id and self.restates_lead(about)))

    def restates_lead(self, about: str) -> bool:
        """Whether a penalty restates the lead's duty in its words (:meth:`shared_phrase`)."""
        return self.shared_phrase(about) > 0

    def shared_phrase(self, text: str) -> int:
        """The length of the longest phrase, ``PHRASE_MIN`` characters or more, that ``text``
        shares with the lead's sentence and that at most ``RARE_MIN_ARTICLES`` articles of the
        document hold (企业未…将项目信息…告知备案机关 for 应当…将下列信息告知备案机关); 0 when none."""
        if self.lead_sentence is None:
            return 0
        arts = self._articles()
        limit = RARE_MIN_ARTICLES  # the duty, its penalty and at most one more article
        bare = re.sub(r"[^\u4e00-\u9fff]", "", text)
        best = 0
        for run in re.findall(r"[\u4e00-\u9fff]{%d,}" % PHRASE_MIN, self.lead_sentence):
            for n in range(min(len(run), PHRASE_MAX), max(PHRASE_MIN, best + 1) - 1, -1):
                if any(run[i:i + n] in bare and self._held_by(run[i:i + n], arts) <= limit
                       for i in range(len(run) - n + 1)):
                    best = n
                    break
        return best

    def _held_by(self, phrase: str, arts: list[str]) -> int:
        if phrase not in self._holding:
            self._holding[phrase] = sum(phrase in a for a in arts)
        return self._holding[phrase]

    def _articles(self) -> list[str]:
        if self._arts is None:
            self._arts = [re.sub(r"\s", "", c.text) for c in self.clauses.values()
                          if c.doc_id == self.lead.doc_id and c.kind == "article"]
        return self._arts


def document_candidates(role: str, ctx: _Structure, taken: set[str], shown: list[str]) -> list[tuple[float, Hit, str]]:
    """Sentences of the lead's own document that state an asked role and bear on the lead.

    The legal structure says which: a penalty article names the duty it punishes by number
    (违反本条例第十条规定…) or lists the conduct (有下列情形之一的……（二）拖延检验、验收); a
    definition article names the term it defines (本条例所称中小企业，是指…). Retrieval may rank
    such an article far down (it shares few words with the question), so every article of the
    document is read — but one is cited only when it bears (:meth:`_Structure.bears`). Nothing
    is read when a clause already cited from the document states the role about what is asked
    (:meth:`_Structure.states`).

    Args:
        role: "penalty" or "definition".
        ctx: the lead, its article, the question's words and the clause mapping.
        taken: ids already cited (they and their articles or paragraphs are skipped).
        shown: sentences already stated.
    Returns:
        (score, hit, sentence as shown) for each bearing sentence; the hit's score is 0 (no
        retriever found it).
    """
    shape = DOCUMENT_ROLES[role]
    cited = [ctx.clauses[t] for t in taken if t in ctx.clauses]
    if any(c.doc_id == ctx.lead.doc_id and ctx.states(shape, c.text) for c in cited):
        return []
    out: list[tuple[float, Hit, str]] = []
    for c in ctx.own():
        if c.id == ctx.lead.id or _related(c.id, ctx.lead.id) or _covered(c, taken, shape, ctx.clauses):
            continue
        for s in sentences(c.text):
            if not shape.search(s) or boilerplate(s, c):
                continue
            if any(_bare(s) in _bare(x) or _bare(x) in _bare(s) for x in shown if _bare(x)):
                continue
            # A list's item is chosen by the words that tell this matter from the document's
            # others (拖延检验、验收, not every item that names 款项).
            about = ctx.focus & ctx.rare(c.doc_id) or ctx.focus
            shown_as, sc = (s, _score(s, ctx.qwords)) if role == "definition" else _with_item(s, c, ctx.qwords, about)
            if sc <= 0 and role == "penalty":
                # The item restates the lead's duty in the lead's own words though it shares
                # none of the asker's (禁止在法律、法规规定之外要求市场主体提供财力、物力或者人力的
                # 摊派行为 → （四）在法律、法规规定之外要求市场主体提供财力、物力或者人力).
                shown_as, sc = _item_restating(s, c, ctx)
            if sc <= 0 or not ctx.bears(role, shown_as, c):
                continue
            out.append((sc, Hit(clause=c, score=0.0), shown_as))
    return out


def _covered(clause: Clause, taken: set[str], shape: re.Pattern, clauses: Mapping[str, Clause]) -> bool:
    """Whether a cited clause already speaks for ``clause``: the clause itself, one that holds
    it, or one it holds that states the shape. (The lead's sibling paragraphs are not covered;
    nor is a list's head (…追究责任) when only an item ((七)不履行…) is cited for its conduct.)"""
    for t in taken:
        if clause.id == t or clause.id.startswith(t + "."):
            return True
        if t.startswith(clause.id + ".") and (t not in clauses or shape.search(clauses[t].text)):
            return True
    return False


def _is_chapter(clause: Clause, clauses: Mapping[str, Clause]) -> bool:
    """Whether a clause holds whole articles (a chapter or section of a regulation)."""
    return any(clauses[i].kind == "article" for i in clause.children if i in clauses)


def article_of(clause: Clause, clauses: Mapping[str, Clause]) -> Clause | None:
    """The article a clause belongs to (itself when it is one)."""
    c: Clause | None = clause
    while c is not None and c.kind != "article":
        c = clauses.get(c.parent_id) if c.parent_id else None
    return c


def _refers(sentence: str, article: Clause) -> bool:
    """Whether a sentence names the article by number (违反本条例第十条规定), not a longer
    number that ends the same way (第二十条) nor an inserted article (第十条之一)."""
    if not article.number:
        return False
    return bool(re.search(rf"(?<![{_CN_DIGITS}])第{article.number}条(?!之)", sentence))


def _defined_term(sentence: str) -> str:
    """The term a definition sentence defines: what stands between 所称 and 是指 (or before 是指)."""
    m = re.search(r"所称([^。；]{1,40}?)[，,]?(?:是指|指)", sentence) or re.search(r"^(.{1,30}?)是指", sentence)
    return _ARTICLE_START.sub("", m.group(1)) if m else ""


def _with_item(sentence: str, clause: Clause, qwords: set[str], focus: set[str]) -> tuple[str, float]:
    """A sentence and how well it answers the question. A list's head (有下列情形之一的，由……责令改正)
    is about the question through its item (（二）拖延检验、验收): it is scored by its best item and
    shown with it; the item is the one about what the question and the lead both speak of."""
    own = _score(sentence, qwords)
    if not LIST_HEAD.search(sentence):
        return sentence, own
    head = whole_head(sentence, clause)
    # Items read like headings (（二）拖延检验、验收；): only the clause's own title is left out.
    items = [x for x in sentences(clause.text) if x not in head and x.strip("。；; ") != (clause.title or "")]
    # The list's catch-all (（十一）其他…损害营商环境的情形) names no conduct: it speaks of anything
    # in the list's own words, and says nothing of the question.
    items = [x for x in items if not catch_all(x)]
    # Per character: an item wholly about the conduct (拖延检验、验收) before a long one that
    # mentions its words in passing.
    best = max(items, key=lambda x: (_score(x, focus) / max(len(_bare(x)), 8), _score(x, qwords)), default="")
    if not best or _score(best, focus) <= 0:
        return sentence, own
    about = max((_score(x, qwords) for x in items), default=0.0)
    return under_head(head, best), max(own, about)


# A list's catch-all item: （十一）其他…的情形 / (七)其他违反…的行为.
_CATCH_ALL = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]\s*其他")


def catch_all(sentence: str) -> bool:
    """Whether a sentence is a list's catch-all item (（十一）其他…的情形): it names no conduct."""
    return bool(_CATCH_ALL.match(sentence))


def _item_restating(sentence: str, clause: Clause, ctx: "_Structure") -> tuple[str, float]:
    """A list head shown with the item that shares the longest rare phrase with the lead's
    sentence, scored by that phrase's length; (sentence, 0) when no item does."""
    if not LIST_HEAD.search(sentence):
        return sentence, 0.0
    head = whole_head(sentence, clause)
    items = [x for x in sentences(clause.text) if x not in head and ITEM_START.match(x)]
    found = max(((ctx.shared_phrase(x), x) for x in items), default=(0, ""))
    if found[0] < PHRASE_MIN:
        return sentence, 0.0
    return under_head(head, found[1]), float(found[0])


def under_head(head: list[str], item: str) -> str:
    """A list item as shown after the sentences that introduce its list:
    ``有下列情形之一的，由…责令改正……（二）拖延检验、验收``."""
    return f"{''.join(head).rstrip('；;：:，,。')}……{item.strip().rstrip('；;。')}"


def whole_head(sentence: str, clause: Clause) -> list[str]:
    """The sentences that introduce a list, up to its colon: 有下列情形之一的，由…责令改正；
    拒不改正的，…依法给予处分： is one head in two sentences, and the sanction is in the second."""
    order = sentences(clause.text)
    if sentence not in order or sentence.rstrip().endswith(("：", ":")):
        return [sentence]
    i = order.index(sentence)
    head = [sentence]
    for nxt in order[i + 1:i + 3]:
        if ITEM_START.match(nxt):
            break
        head.append(nxt)
        if nxt.rstrip().endswith(("：", ":")):
            return head
    return [sentence]


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


def counterpart(sentence: str, candidates: list[Clause]) -> Clause | None:
    """The clause of another version that states the rule ``sentence`` states: the one whose
    sentence shares most of its words (at least :data:`VERSION_SHARE` of them), and of an
    article and its paragraph both alike, the paragraph (the narrower cite)."""
    # The article's number is no word of its rule (第十五条 in one version is another rule in the next).
    sentence = _ARTICLE_START.sub("", sentence.strip())
    lwords = {w for w in words(sentence) if len(w) >= 2}
    full = _score(sentence, lwords)
    if full <= 0:
        return None
    # Who does what is named first (大型企业从中小企业采购…); the figures and limits after it are
    # what a revision changes (…60日内 where the old text said 合理约定). Of the alike clauses, those
    # whose sentence opens as this one does nearly as well as the best are the counterparts.
    head = _HEAD.split(sentence, 1)[0]
    hwords = {w for w in words(head) if len(w) >= 2}
    alike: list[tuple[float, float, int, Clause]] = []
    for c in candidates:
        scored = [(_score(t, lwords), t) for s in sentences(c.text) if not boilerplate(s, c)
                  for t in [_ARTICLE_START.sub("", s.strip())]]
        sc = max((x[0] for x in scored), default=0.0)
        if sc >= VERSION_SHARE * full:
            opens = max(_alike_heads(head, hwords, _HEAD.split(t, 1)[0]) for _, t in scored)
            alike.append((opens, sc, -len(c.text), c))
    if not alike:
        return None
    if not head.endswith("的"):  # 合同另有约定的，… opens with a condition, not with who does what
        top_head = max(a[0] for a in alike)
        alike = [a for a in alike if a[0] >= HEAD_SHARE * top_head]
    # Of an article and its paragraph both alike, the paragraph (the narrower cite).
    narrow = [a for a in alike if not any(b[3].id.startswith(a[3].id + ".") for b in alike)]
    return max(narrow or alike, key=lambda a: a[1:3])[3]


def _alike_heads(head: str, hwords: set[str], other: str) -> float:
    """How alike two sentence openings are: the lesser of the shares of each one's words the other
    holds (机关、事业单位从中小企业采购… is not 大型企业从中小企业采购…, nor is a longer opening that
    holds it among other parties)."""
    owords = {w for w in words(other) if len(w) >= 2}
    mine, theirs = _score(head, hwords), _score(other, owords)
    if mine <= 0 or theirs <= 0:
        return 0.0
    return min(_score(other, hwords) / mine, _score(head, owords) / theirs)


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
