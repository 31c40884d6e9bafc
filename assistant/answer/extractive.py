"""The default answer: deterministic, extractive, the answer first, every statement cited.

The first line states what was asked for — a table cell, the department of a duty, the
number, date, time limit, penalty, authority or definition the text gives, with its ``[n]``
marker — taken from the best clause's best sentence (headings such as “（八）安排专项资金”
never lead). Other clauses that bear on the question add a sentence each, with their own
markers. A short list of the cited clauses follows, each with a short quote only when the
lines above do not already show it. Multi-part questions are answered part by part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from assistant.answer import bearing
from assistant.answer.cite import MARKER_RE, CitationList
from assistant.answer.shapes import (
    ASKS_DATE,
    AUTHORITY,
    ASKS_LIABILITY,
    CREDIT_RECORD,
    ASKS_NUMBER,
    ASKS_PENALTY,
    ASKS_SOURCE,
    ASKS_TIME_LIMIT,
    ASKS_WHO,
    DATE,
    DEFINITION,
    LIABILITY,
    LISTS,
    NUMBER,
    STATED_NUMBER,
    PENALTY,
    SOURCE,
    SHAPES,
    TIME_LIMIT,
    UNSETTLED,
    WANTS_AMOUNT,
    is_heading,
    sentences,
)
from assistant.clauses.numerals import cn_to_int
from assistant.clauses.parser import child_titles
from assistant.index.tokenize import words
from assistant.models import Answer, Clause, ToolCall
from assistant.retrieve.gate import specificity
from assistant.retrieve.hybrid import Hit
from assistant.understand.lexicon import default_lexicon
from assistant.understand.names import ASKS_DUTY, ASKS_PERSON, HOLDS_ROLE
from assistant.understand.spelling import titles_written
from assistant.tables.answer import asks_one_year, total_cell_stating
from assistant.understand.vocabulary import BRACKETED_END
from assistant.understand.reading import (ASK_PATTERNS, ASKS_LAWFUL, HANDLED_CONDUCT, MEDIUM, SPECIFIC, content_words, negated,
                                          quotations, quoted_pattern)

MAX_CITATIONS = 3
# A sentence of the best clause may supply the shape asked for (a fine, a time limit) when it
# shares at least this share of the best sentence's words with the question.
SHAPE_SHARE = 0.5
# Another clause is cited beside the best one when its best sentence scores at least this
# share of the best one's and says something the lead does not.
SUPPORT_SHARE = 0.85
# A clause whose title the question writes leads when it scores at least this share of the best
# (政府收储改造…取得土地的方式 → （一）政府收储改造, not a step elsewhere that shares more words).
TITLED_SHARE = 0.4
# Words that point or place (这事, 那边, 区里, 厂里) rather than name a subject.
_POINTING = re.compile(r"^[这那此该哪本其各每某]|^.[里上下中内边头]$")
# Two words at least this rare (层高, 荷载) that the question asks about and no document holds
# say that what is asked is not in the texts.
RARE_UNHELD = 13.0
# A close clause that states the time limit asked leads when the top one states none: its score
# must be at least this share of the top's.
TIMED_SHARE = 0.4
# …and it leads at any such score when its sentence holds more of the asking part's own words
# than the top clause, else only from this share up.
TIMED_CLOSE = 0.6
# Asking what the asker may do about a wrong (能怎么办, 怎么维权), and a sentence granting it.
_ASKS_REMEDY = re.compile(r"(?:能|可以|该|应该|要)(?:怎么|如何|怎样)(?:办|处理|维权|应对)|怎么维权|如何维权|有什么办法|有啥办法|能做什么")
_GRANTS = re.compile(r"有权|可以向|可以依法|可以申请|可以要求|可以投诉|可以举报")
# A sentence granting the asker a right leads 我们能怎么办 when it is at least this much about
# the question as the best sentence.
REMEDY_SHARE = 0.5
MAX_AMOUNT_SENTENCES = 2
# A quote under 依据 is cut to this many characters (the citation holds the full text).
QUOTE_CHARS = 120
# Up to this many supporting sentences are quoted per clause, each at least this share of the
# best sentence's score.
MAX_QUOTES = 2
QUOTE_SHARE = 0.5
# A clause this short is quoted whole under 依据 (less what the answer already states).
SHORT_CLAUSE_CHARS = 200
# A sentence this short leads whole rather than as the piece that holds the shape asked for.
WHOLE_CHARS = 90
# Only a question that plainly asks for a fine or a time limit is told the text sets none.
_EXPLICIT = re.compile(r"罚|多久|多长时间|几天|几日|多少天|多少日|多少个工作日|几个工作日|期限|时限|有效期")
_MARKER = re.compile(r"\[\d+\]")
# Everyday words that ask for a shape (多久, 最晚, 谁管, 罚多少): the shape is sought as such,
# not as the words the lexicon gives them for retrieval.
_ASKS_SHAPE = re.compile("|".join(p.pattern for p, _ in SHAPES) + "|" + ASKS_DATE.pattern)
# What those words stand for (日内, 期限, 罚款, 主管部门): words of a shape, not of a subject.
_SHAPE_TERM = re.compile(r"日内|期限|时限|之日|罚款|处罚|负责|主管|部门|日期|时间")
_ASKS_AMOUNT = re.compile(r"多少|百分之几|标准是|额度")  # 按什么比例 asks a basis, not a figure
# Words with these characters ask (由谁来, 谁来管, 啥时候): never quoted as a subject the text lacks.
_ASKY = re.compile(r"多|几|怎|什么|哪|吗|呢|谁|啥|么|咋|([\u4e00-\u9fff])[不没]\1|^最[长短快慢晚早迟低高]$")  # …, 行不行, 最长
_REWARD = re.compile(r"补助|补贴|奖励|资助|奖补|扶持资金")

_AMOUNT_UNSETTLED = "具体数额或标准"
# A figure that answers "多少": a number with a unit other than a date's year or month.
_FIGURE = re.compile(NUMBER.pattern.replace("年|月|", ""))
# Words that negate or ask (没拿到, 不申请): never a subject the documents lack.
# A negated verb (没约定) or a phrase that points at text (那句话, 这一段, 那条规定) names no subject.
_NOT_SUBJECT = re.compile(r"^[没不未别无]|^[这那此该][一]?[句段条款项处个]")

__all__ = ["abstain", "best_sentence", "compose", "compose_parts", "sentences"]


def _score(sentence: str, qwords: set[str], bridged: frozenset[str] = frozenset()) -> float:
    """The specificity of the question's words the sentence holds; a policy term that stands for
    an everyday word of the question (``bridged``) counts half: it is the asker's meaning, not
    their words."""
    return (sum(specificity(w) for w in qwords if w in sentence)
            + BRIDGED_WEIGHT * sum(specificity(w) for w in bridged if w in sentence))


BRIDGED_WEIGHT = 0.5
# The original wording asked (原文是什么): an article this short is quoted whole, not its paragraph.
_ASKS_ORIGINAL = re.compile(r"原文|原话|条文(?:是|怎么)")
# …是怎么规定的: what the provision on a matter says, not where one phrase stands (原话怎么写的).
_ASKS_PROVISION = re.compile(r"(?:怎么|如何|怎样)规定|规定了(?:什么|哪些)|有(?:什么|哪些)规定|作了(?:什么|哪些)规定")
WHOLE_ARTICLE_CHARS = 300
# A sentence stating a figure is preferred, when a figure is asked, only over sentences that
# match the question at most this much better than it does.
NUMBER_TIE = 0.75


# How many characters a quoted phrase has (哪八个字, 几个字), a forgotten word in a quotation,
# and how many best clauses are read for a quotation.
_CHAR_COUNT = re.compile(r"哪([一二三四五六七八九十两\d]+)个字")
_PLACEHOLDER_ASKED = re.compile(r"[“\"「『‘][^”\"」』’]*(?:什么|啥|某)[^”\"」』’]*[”\"」』’]")
_CJK_CHARS = re.compile(r"[\u4e00-\u9fff]")
# What a text names by a quotation (按照“…”的原则, 实行“…”模式).
_NAMED_BY_QUOTE = re.compile(r"(?:什么|哪些|哪个|啥)(原则|方针|理念|机制|模式|口号|要求)")
READ_QUOTED = 5

# Two things asked to be told apart (A和B有什么区别, A跟B有啥不同).
_DIFFERENCE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:和|与|跟|同)([\u4e00-\u9fff]{2,12}?)(?:之间)?(?:有|的)?(?:什么|啥|哪些)?"
                         r"(?:区别|不同|差别|差异)")
# Words before or after the compared things that are not part of them.
_EDGE = re.compile(r"^(?:请问|那么|那|这个|这|就是)|(?:之间|两者|二者)$")
# A paragraph about the other thing compared this short is said whole.
CONTRAST_WHOLE = 120

# How much a clause with exactly as many parts as the question names (哪三种) is preferred.
COUNT_NAMED = 2

# A word the question negates (没约定, 未办理, 不按期): the sentence that negates it too states
# the case asked about; the one that affirms it (有约定的) states the other case.
_NEGATION = r"(?:没有?|未作?|未经|不|无)"
NEGATION_AGREES, NEGATION_DIFFERS = 1.3, 0.7


def negated_words(question: str, qwords: set[str]) -> set[str]:
    """The question's words that it writes negated (没约定 → 约定); a question asked as A-not-A
    (有没有规定, 要不要补交, 有无限制) negates nothing."""
    asked = re.sub(r"([\u4e00-\u9fff])[不没]\1|有无", "", question)
    return {w for w in qwords if len(w) >= 2 and re.search(_NEGATION + re.escape(w), asked)}


def _polarity(sentence: str, negated: set[str]) -> float:
    """How a sentence's polarity on the negated words agrees with the question's."""
    factor = 1.0
    for w in negated:
        if w not in sentence:
            continue
        if re.search(_NEGATION + r"\S?" + re.escape(w), sentence):
            factor *= NEGATION_AGREES
        elif re.search("有" + re.escape(w), sentence):
            factor *= NEGATION_DIFFERS
    return factor


# A sentence that forbids: what settles whether conduct is lawful.
_RULES = re.compile(r"不得|禁止|严禁|不准")
RULE_BOOST = 1.3


def best_sentence(clause: Clause, qwords: set[str], wants_number: bool = False,
                  negated: set[str] | None = None, bridged: frozenset[str] = frozenset(),
                  wants_rule: bool = False, kind: re.Pattern | None = None) -> tuple[str, float]:
    """The clause sentence that shares the most specific words with the question.

    Headings never win (they state nothing); when the question asks for an amount, a
    sentence that states one is preferred, and when it names the kind of figure (a rate: 按多少
    利率算), one that states a figure of that kind wins over every one that does not (…按照每日
    利率万分之五支付 over …应当支付逾期利息); when it asks whether conduct is lawful (这合法吗),
    a sentence that forbids (不得, 禁止) is; when it negates a word (没约定的), a
    sentence that negates it too is preferred to one that affirms it.
    """
    best, score, heading = "", -1.0, 0.0
    for s in sentences(clause.text):
        if is_heading(s, clause):
            # A heading that names the question's subject picks the clause; it does not lead.
            heading = max(heading, _score(s, qwords))
            continue
        sc = _score(s, qwords, bridged)
        if wants_number and sc > 0 and STATED_NUMBER.search(s):
            sc *= 1.6
        if wants_rule and sc > 0 and _RULES.search(s):
            sc *= RULE_BOOST
        if negated and sc > 0:
            sc *= _polarity(s, negated)
        if kind is not None and sc > 0 and kind.search(s):
            sc += KIND_FIRST  # of the sentences about the question, one of the kind asked leads
        if sc > score:
            best, score = s, sc
    if not best:  # a clause that is only a heading
        best, score = clause.text.split("\n")[0], 0.0
    return best, max(score, heading)


# Added to the score of a sentence that states the kind of figure asked: more than any sentence scores.
KIND_FIRST = 1000.0
# Added per question word in a sentence's opening: breaks ties only.
HEAD_TIE = 0.001
_HEAD_END = re.compile(r"应当|应|须|必须|不得|可以|[，,：:；;]")


def _head(sentence: str) -> str:
    """A sentence's opening, up to its first modal or comma: what it is about (empty when it has
    neither)."""
    body = _ARTICLE_START.sub("", sentence.strip())
    m = _HEAD_END.search(body)
    return body[:m.start()] if m else ""  # a sentence without one (鼓励…) has no subject apart


def _head_tie(sentence: str, qwords: set[str]) -> float:
    """Of sentences that share as much with the question, the one whose subject (its opening,
    before 应当/，) holds the question's words is about it (处理投诉部门应当…30日内 over 受理投诉部门
    应当…转交…（以下统称处理投诉部门））: a bonus that breaks ties only."""
    head = _head(sentence)
    return HEAD_TIE * sum(1 for w in qwords if len(w) >= 2 and w in head)


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
    """Index of the table column the question asks about, if one stands out."""
    qw = set(words(question))
    scores = [sum(specificity(w) for w in qw if w in col) for col in row.table.columns]
    best = max(range(len(scores)), key=lambda i: scores[i]) if scores else None
    if best is None or scores[best] <= 0:
        return None
    return best


class _Composer:
    """Builds the lines of one answer, sharing one citation list across parts."""

    def __init__(self, reading=None, vocab=None, clauses: Mapping[str, Clause] | None = None) -> None:
        self.cites = CitationList()
        self.reading = reading
        self.vocab = vocab
        self.clauses = clauses or {}  # every indexed clause by id: a hit's parent, a cited article
        self.shown: list[str] = []  # sentences already stated, so quotes do not repeat them
        self.unsettled: str | None = None  # what was asked that the best clause does not state
        self.not_given: str | None = None  # what was asked that no cited clause gives (所问的具体期限)
        self.lead_sentence = ""
        self.missing_subject: str | None = None  # the question's main subject, held by no document
        self.subject_elsewhere = False  # that subject is held, but by no clause found
        self.added: set[str] = set()  # clauses cited for a role or a version: their sentence is shown
        self.whole_ids: set[str] = set()  # articles quoted whole: the original wording was asked
        self.whole_lead = False  # the lead is a whole entry (a member, a unit's duty): nothing to add

    def _remedy(self, question: str, hits: list[Hit], qwords: set[str], top: Hit,
                top_score: float) -> tuple[Hit, str] | None:
        """我们能怎么办 asks what the asker may do: a sentence that grants a right (有权拒绝和举报,
        可以向…投诉) leads, before one that only states the rule broken: the lead clause's own,
        else another clause's about the question."""
        if not _ASKS_REMEDY.search(self._asking(question)):
            return None
        found = [(_score(s, qwords), hit, s) for hit in hits for s in sentences(hit.clause.text)
                 if _GRANTS.search(s) and not is_heading(s, hit.clause)]
        own = [x for x in found if x[1] is top]
        found = own or [x for x in found if x[0] >= REMEDY_SHARE * top_score and x[0] > 0]
        if not found:
            return None
        _, hit, sent = max(found, key=lambda x: x[0])
        return hit, sent

    def _quoted_lead(self, asking: str, hits: list[Hit]) -> tuple[Hit, str] | None:
        """A question about words the texts quote leads with the sentence that quotes them, cited
        as the narrowest clause that holds it: what the asker quotes with a word forgotten
        (“双什么一什么” → “双随机、一公开”), phrases of a given length (哪八个字 → “空间整合、产业更新”),
        or the quoted phrases that share what the asker quotes (哪几个“一批” → “拆除改造一批”
        “梳理提升一批”“环境优化一批”)."""
        pattern = quoted_pattern(asking)
        count = _CHAR_COUNT.search(asking)
        named = _NAMED_BY_QUOTE.search(asking)
        if pattern is None and count is None and named is not None:
            # 按照什么原则: the sentence that names it by a quotation (按照“属地管理、分级负责…”的原则).
            pattern = re.compile(r"[“\"「][^”\"」]{2,40}[”\"」]的?" + named.group(1))
            found = [(hit, x) for hit in hits[:READ_QUOTED] for x in sentences(hit.clause.text) if pattern.search(x)]
            if found:
                hit, sent = found[0]
                return Hit(clause=self._narrowest(hit.clause, sent), score=hit.score), sent
            return None
        if pattern is None and count is None:
            return None
        n = count.group(1) if count else ""
        size = (int(n) if n.isdigit() else cn_to_int(n.replace("两", "二"))) if count else None
        forgot = _PLACEHOLDER_ASKED.search(asking) is not None
        for hit in hits[:READ_QUOTED]:
            for sent in sentences(hit.clause.text):
                quoted = quotations(sent)
                if size is not None:
                    found = [x for x in quoted if len(_CJK_CHARS.findall(x)) == size]
                elif forgot:
                    found = [x for x in quoted if pattern.fullmatch(x)]
                else:
                    found = [x for x in quoted if pattern.search(x) and x != pattern.pattern]
                    found = found if len(found) >= 2 and LISTS.search(asking) else []
                if found:
                    return Hit(clause=self._narrowest(hit.clause, sent), score=hit.score), sent
        return None

    def _narrowest(self, clause: Clause, text: str) -> Clause:
        """The clause under ``clause`` (or itself) with the shortest text that holds ``text``."""
        best = clause
        for cid in clause.children:
            child = self.clauses.get(cid)
            if child is not None and text in child.text:
                inner = self._narrowest(child, text)
                if len(inner.text) < len(best.text):
                    best = inner
        return best

    def _party_lead(self, question: str, asking: str, top: Hit, qwords: set[str], wants_number: bool,
                    negated: set[str]) -> tuple[Hit, str] | None:
        """A penalty asked of a party the question names (这家事业单位要承担什么责任): the article
        of the lead's document that sanctions that party leads, by the item or sentence about the
        question's conduct, when the lead sanctions nothing (a duty: 应当自交付之日起30日内支付) or
        another party (行业协会商会… for 某个部门强制我们参加评比)."""
        if not self.clauses or "penalty" not in bearing.asked_roles(asking):
            return None
        own = bearing.article_of(top.clause, self.clauses)
        arts = bearing.party_articles(question, top.clause.doc_id, self.clauses)
        if not arts and own is not None and not LIABILITY.search(own.text) \
                and not bearing.sanction_restating(top.clause, self.clauses):
            # 没办规划许可就把房子盖了，会怎么处理 — a lead that sanctions nothing (实施规划许可，应当
            # 遵循便民的原则) and whose duty no sanction restates: the article that sanctions the told
            # conduct (未取得…规划许可证…的，由…). A duty a sanction restates (…告知备案机关) keeps the
            # lead; its sanction is said beside it.
            arts = bearing.conduct_articles(question, top.clause.doc_id, self.clauses)
        if not arts or own is None or own.id in {a.id for a, _ in arts}:
            return None
        if LIABILITY.search(own.text) and not bearing.party_of(own):
            return None  # the lead sanctions whom it names (…进行恐吓、打击报复的，…依法给予处分或者处罚)
        # The conduct, not the party its head names nor the words that point at it (这种行为),
        # says which item (收费、评比, not 行业协会; 逼我们接受 → 强制…接受).
        pointing = set(words("".join(m.group(0) for m in re.finditer(HANDLED_CONDUCT, question))))
        bridged = frozenset(default_lexicon().expand(question))

        def conduct(party: str) -> set[str]:
            return {w for w in qwords if w not in party and w not in pointing}

        def told(sentence: str, party: str) -> float:
            # What the item says, how much of it was told: the item that is the told conduct
            # (未在规定的期限内支付…款项 for 过了付款期限还不付), not a longer one that shares a
            # word with it (…变相延长付款期限).
            shared = _score(sentence, conduct(party), bridged - set(party))
            whole = _score(sentence, set(words(sentence)))
            return shared * (shared / whole) ** 0.5 if shared > 0 and whole > 0 else 0.0

        sc, sent, art = max(((told(x, party), x, a) for a, party in arts for x in sentences(a.text)
                             if not is_heading(x, a)), key=lambda x: x[0], default=(0.0, "", None))
        return (Hit(clause=art, score=top.score), sent) if sc > 0 and art is not None else None

    def _contrast(self, asking: str, hits: list[Hit], top: Hit, lead: str) -> str | None:
        """核准管理和备案管理有什么区别: when the lead states one of the two things compared and
        not the other, the text that states the other (in the lead's article, else a close hit)
        is said too, whole when it is one short paragraph."""
        m = _DIFFERENCE.search(asking)
        if m is None:
            return None
        said = _bare(re.sub(r"《[^》]*》", "", _MARKER.sub("", lead)))  # a title names, it does not state
        pair = [_EDGE.sub("", x) for x in (m.group(1), m.group(2))]
        missing = [x for x in pair if len(x) >= 2 and x not in said]
        if len(missing) != 1 or not any(x in said for x in pair if x not in missing):
            return None
        other = missing[0]
        article = bearing.article_of(top.clause, self.clauses) if self.clauses else None
        # The lead's article, else the clause above it (两种改造模式: the parts of one section).
        above = article or (self.clauses.get(top.clause.parent_id or "") if self.clauses else None)
        places = [above] if above is not None else []
        places += [self.clauses.get(i) for i in (above.children if above is not None else [])]
        places += [h.clause for h in hits]
        for c in places:
            if c is None or other not in c.text or c.children:
                continue
            text = c.text.strip()
            head = text.split("。", 1)
            if c.title and len(head) == 2 and c.title in head[0] and is_heading(head[0], c):
                text = head[1].strip()  # the heading is in the label the line names
            body = _ARTICLE_START.sub("", text) if len(text) <= CONTRAST_WHOLE else \
                next((x for x in sentences(text) if other in x), text)
            if _bare(body) in said:
                continue
            return _after(self._doc_prefix(c), body, self.mark(Hit(clause=c, score=top.score)))
        return None

    def _bridged(self, question: str) -> list[str]:
        """The policy terms for the everyday words of ``question`` that the texts do not use
        (出让金 → 土地价款, 补交 → 增收): words that name a subject, not those that ask for a
        shape (多久, 最晚, 谁管), and none the texts write themselves (拖欠 is their own word)."""
        held = self.vocab.text if self.vocab is not None else ""
        terms = default_lexicon().expand(question, skip=lambda w: bool(_ASKS_SHAPE.search(w)) or w in held)
        return [t for t in terms if not _SHAPE_TERM.search(t)]

    def _with_list_head(self, hit: Hit, sent: str, qwords: set[str] | None = None) -> tuple[Hit, str] | None:
        """A list item leads with the words that introduce its list, cited as the clause that
        holds both: （四）没有…依据，要求以审计结果作为结算依据 alone does not say that it is
        forbidden, nor what follows (有下列情形之一的，由…责令改正；拒不改正的，…依法给予处分)."""
        c = hit.clause
        if DEFINITION.search(_ARTICLE_START.sub("", sent.strip())):
            return None  # （四）新市镇是指… states its meaning whole; 下列用语的含义 adds nothing to it
        parent = self.clauses.get(c.parent_id or "") if c.kind == "item" else None
        if parent is not None and _bare(sent) == _bare(c.text):
            shown = _under_head(sent, parent)
            return (Hit(clause=parent, score=hit.score, dense=hit.dense, sparse=hit.sparse), shown) if shown else None
        # An item of the clause itself (第三十一条's （二）拖延检验、验收).
        shown = _under_head(sent, c)
        if shown is None and qwords and bearing.LIST_HEAD.search(sent) and not bearing.ITEM_START.match(sent):
            # The head itself (有下列情形之一的，由…责令改正；拒不改正的，…依法给予处分：): said whole,
            # with the item the question tells of (拖着不验收 → （二）拖延检验、验收).
            head = bearing.whole_head(sent, c)
            if "".join(head).strip().endswith(("：", ":")) and len(head) > 1:
                items = [x for x in sentences(c.text) if bearing.ITEM_START.match(x) and not bearing.catch_all(x)]
                told = {w for w in qwords if len(w) >= 2 and specificity(w) >= MEDIUM}
                best = max(items, key=lambda x: _score(x, told), default=None)
                shown = _ARTICLE_START.sub("", bearing.under_head(head, best) if best is not None and _score(best, told) > 0
                                           else "".join(head).rstrip("：:"))
        return (hit, shown) if shown else None

    def mark(self, hit: Hit) -> str:
        return self.cites.mark(hit.clause, hit.score)

    def _doc_prefix(self, clause: Clause) -> str:
        """"据《…》第X条，" when the index holds several documents, so the reader knows which."""
        if self.vocab is None or len(self.vocab.documents) < 2:
            return ""
        doc = self.vocab.document(clause.doc_id)
        if doc is None:
            return ""
        where = clause.label.split(" ", 1)[1] if " " in clause.label else ""
        # Two versions of one regulation share a title: the year says which one speaks.
        twin = any(d.title == doc.title and d.doc_id != doc.doc_id for d in self.vocab.documents)
        year = bearing.version_year(doc) if twin else None
        version = f"（{year}年版）" if year else ""
        return f"据{doc.display}{version}{where}，"

    def answer_lines(self, question: str, hits: list[Hit], context: str = "") -> list[str]:
        """The lead and the supporting statements for one question (or one part).

        ``context``: the situation the asker described before a part (…要我们交现金保证金，…
        他们违规了会怎样): its words say which penalty or rule bears on the lead.
        """
        # The words of the asking phrase (有没有规定多少天内) say what shape the answer takes, and a
        # held title (营商环境条例) which text: neither says what it is about, and a sentence is not
        # chosen for sharing them (未在规定的期限内, …损害营商环境的情形).
        about = _ASKING_PHRASE.sub("，", question)
        for title in sorted(titles_written(question, self.vocab), key=len, reverse=True):
            about = about.replace(title, "，")
        lead_words = set(words(about)) or set(words(question))
        qwords = set(words(question))  # what else bears on the question is measured on all its words
        # What is asked, not what is told (几家企业联合改造，… asks no number).
        asking = self._asking(question)
        wants_number = bool(WANTS_AMOUNT.search(asking))
        wants_rule = bool(ASKS_LAWFUL.search(asking))
        kind = _asked_figure(asking)
        negated = negated_words(question, qwords)

        # A fine asked (罚款比例最高) is stated by the penalty articles: they lead by their shape.
        tie_only = wants_number and not ASK_PATTERNS["penalty"].search(asking)

        def score_all(bridged: frozenset[str] = frozenset(), qw: set[str] = qwords) -> list[tuple[Hit, str, float]]:
            plain = [best_sentence(hit.clause, qw, False, negated, bridged, wants_rule) for hit in hits] \
                if tie_only else []
            top = max((sc for _, sc in plain), default=0.0)
            out = []
            for rank, hit in enumerate(hits):
                sent, sc = best_sentence(hit.clause, qw, wants_number, negated, bridged, wants_rule)
                if tie_only and _score(sent, qw, bridged) < NUMBER_TIE * top:
                    # A figure breaks near ties; it does not make a sentence about something else
                    # (评估时限…30个工作日 for 企业开办时限) outrank one about what is asked.
                    sent, sc = plain[rank]
                if kind is not None:
                    # Within the clause, the sentence of the kind of figure asked; the clause's
                    # standing among the others stays what its best sentence earns.
                    sent = best_sentence(hit.clause, qw, wants_number, negated, bridged, wants_rule, kind)[0]
                out.append((hit, sent, sc + 0.01 * (len(hits) - rank)))
            return out

        scored = score_all()
        # The lead is chosen with everyday words counted as the policy terms they stand for
        # (出让金 → 土地价款, 补交 → 增收), as retrieval and the gate count them; what else bears
        # on the question is measured on the asker's own words.
        bridged = frozenset(self._bridged(question)) - qwords
        # The lead is chosen on the words that say what the question is about (no asking phrase,
        # no title); how much it and the rest bear on the question is measured on all of them.
        top_hit, top_sent, top_score = _prior(question, score_all(bridged, lead_words) if bridged or lead_words != qwords
                                              else scored, self.reading)
        top_score = next((sc for h, _, sc in scored if h is top_hit), top_score)
        party = self._party_lead(question, asking, top_hit, qwords, wants_number, negated)
        if party is not None:
            top_hit, top_sent = party
        quoted = self._quoted_lead(asking, hits)
        if quoted is not None:
            top_hit, top_sent = quoted
        remedy = self._remedy(question, hits, qwords, top_hit, top_score)
        if remedy is not None:
            top_hit, top_sent = remedy
        # An article and its own paragraph that lead with the same sentence: the paragraph is
        # the narrower cite (and the one a reader checks).
        inner = [x for x in scored if x[0].clause.id.startswith(top_hit.clause.id + ".") and x[0].clause.table is None
                 and _bare(x[1]) == _bare(top_sent)]
        if inner and top_hit.clause.table is None:
            top_hit, top_sent = max(inner, key=lambda x: x[2])[:2]
        timed = _timed_lead(asking, scored, top_hit, top_sent, top_score, qwords, bridged) \
            or _condition_lead(asking, scored, top_hit, top_sent, top_score)
        if timed is not None:
            top_hit, top_sent, top_score = timed
        whole = self._whole_article(asking, top_hit)
        if whole is not None:
            top_hit = whole  # 对…是怎么规定的？原文是什么？ — the article's wording, every paragraph
            self.whole_ids.add(whole.clause.id)
        top_sent = _told_apart(top_hit.clause, top_sent, qwords, bridged, context)
        headed = self._with_list_head(top_hit, top_sent, qwords)
        if headed is not None:
            top_hit, top_sent = headed
        self.scores = {h.clause.id: sc for h, _, sc in scored}
        self.whole_lead = False
        if quoted is not None:  # the sentence that quotes what is asked is the answer, whole
            self.shown.append(top_sent)
            lead = self._doc_prefix(top_hit.clause) + _cited(top_sent, self.mark(top_hit))
        else:
            lead = self._direct(question, hits, top_hit, top_sent, qwords)
        self.lead_sentence = _ARTICLE_START.sub("", top_sent.strip())
        self.lead_hit = top_hit
        lines = [lead]
        contrast = self._contrast(asking, hits, top_hit, lead)
        if contrast is not None:
            lines.append(contrast)
        shape = next((p for ask, p in SHAPES if ask.search(question)), None)
        # Other clauses that bear on the question: one sentence each, with their own marker.
        cited_ids = {c.id for c in self.cites.citations}
        party = _penalised_party(top_hit.clause, top_sent) if ASK_PATTERNS["penalty"].search(asking) else ""
        if party:
            # The same article's other paragraphs that sanction the lead's party (…记入信用档案)
            # bear on what befalls it; one about another party (施工单位 for 设计单位) does not.
            scored = [x for x in scored if not _other_party(x[0].clause, top_hit.clause, party)]
            for para in _party_paragraphs(top_hit.clause, party, self.clauses):
                if para.id not in cited_ids and len(self.cites) < MAX_CITATIONS:
                    sent = next(x for x in sentences(para.text) if _sanctions(x))
                    lines.append(self._doc_prefix(para) + _cited(sent, self.mark(Hit(clause=para, score=top_hit.score))))
                    self.shown.append(sent)
                    cited_ids.add(para.id)
        for hit, sent, sc in sorted(scored, key=lambda x: -x[2]):
            if len(self.cites) >= MAX_CITATIONS or top_score <= 0 or self.whole_lead:
                break
            if hit.clause.id in cited_ids or sc < SUPPORT_SHARE * top_score or sc <= 0:
                continue
            if (any(_related(hit.clause.id, cid) for cid in cited_ids) or _bare(sent) in _bare(lead)
                    or any(_bare(sent) == _bare(x) for x in self.shown)):
                continue
            if shape is not None and not shape.search(sent):
                continue  # the question asks for a time limit (a fine…): only sentences that state one
            if bearing.boilerplate(sent, hit.clause, bool(ASKS_DATE.search(question))) or bearing.catch_all(sent) \
                    or "\t" in sent:
                continue  # a heading, a purpose article, a preamble, a list's catch-all, a table's header row
            headed = self._with_list_head(hit, sent, qwords)
            if headed is not None:
                hit, sent = headed
                if hit.clause.id in cited_ids:
                    continue
            lines.append(self._doc_prefix(hit.clause) + _cited(sent, self.mark(hit)))
            self.shown.append(sent)
            cited_ids.add(hit.clause.id)
        lines += self._bearing(question, hits, top_hit, top_sent, top_score, lines, cited_ids, context)
        lines += self._in_table(top_hit, _MARKER.sub("", lines[0]), cited_ids)
        gap = self._not_settled(question, lines)
        if gap:
            lines.append(gap)
        return lines

    def _bearing(self, question: str, hits: list[Hit], top: Hit, top_sent: str, top_score: float,
                 lines: list[str], cited_ids: set[str], context: str = "") -> list[str]:
        """Clauses that add an asked role the lead does not state (the penalty, the time limit)
        or the same rule in another version the question names: one sentence each, with its
        own marker."""
        if top.clause.table is not None or top.clause.kind in ("member", "leader") or self.whole_lead:
            return []  # a table cell, a person, a unit's duty: the lead states it whole
        asking = self._asking(question)
        named = bearing.named_versions(self.reading, self.vocab, top.clause)
        # Another version of the lead's document speaks only when the question names it.
        unasked = bearing.other_versions(self.vocab, top.clause) - named
        adds = bearing.role_additions(asking, question, hits, top.clause, top_sent, "".join(lines), top_score,
                                      cited_ids, self.shown, unasked, clauses=self.clauses or None, context=context)
        if named:
            adds += bearing.version_additions(question, top.clause, top_sent, top_score, hits,
                                              cited_ids | {a.hit.clause.id for a in adds}, named)
        out = []
        qwords = set(words(question))
        for add in adds:
            if len(self.cites) >= bearing.MAX_WITH_BEARING:
                break
            headed = self._with_list_head(add.hit, add.sentence, qwords) if add.why != "version" else None
            if headed is not None and headed[0].clause.id not in cited_ids:
                add = bearing.Addition(hit=headed[0], sentence=headed[1], why=add.why)
            out.append(self._doc_prefix(add.hit.clause) + _cited(add.sentence, self.mark(add.hit)))
            self.shown.append(add.sentence)
            if add.why != "version":
                self.added.add(add.hit.clause.id)  # its sentence is shown; another version's wording is compared
            if self.unsettled and self.unsettled == UNSETTLED.get(bearing.ROLE_SHAPES.get(add.why, _MARKER).pattern):
                self.unsettled = None  # the added clause states what the lead left open (the penalty)
            cited_ids.add(add.hit.clause.id)
        return out

    def _in_table(self, top: Hit, lead: str, cited_ids: set[str]) -> list[str]:
        """The same target in the annex table's total row (合计行 “某项任务” 300家) when
        the lead of the answer, from the body, states it (帮扶提升低效企业300家): cited beside it."""
        if not self.clauses or top.clause.table is not None:
            return []
        found = total_cell_stating(lead, top.clause.doc_id, self.clauses)
        if found is None or found[0].clause.id in cited_ids:
            return []
        row, col = found
        cited_ids.add(row.clause.id)
        return [f"附件表格中{row.key}“{col.name}”为{row.cell(col)}{col.unit}{self.mark(Hit(clause=row.clause, score=top.score))}。"]

    def _whole_article(self, asking: str, hit: Hit) -> Hit | None:
        """The article a paragraph lead belongs to, when the question asks for the original
        wording (原文) of what is provided on a matter (…是怎么规定的) and the article is short
        enough to quote whole; None otherwise."""
        if not (_ASKS_ORIGINAL.search(asking) and _ASKS_PROVISION.search(asking)) \
                or self.clauses is None or not hit.clause.parent_id:
            return None
        up = self.clauses.get(hit.clause.parent_id)
        if up is None or up.kind != "article" or len(_bare(up.text)) > WHOLE_ARTICLE_CHARS:
            return None
        return Hit(clause=up, score=hit.score)

    def unstated(self, text: str) -> str | None:
        """An abstention when the question asks for a figure, standard or time limit that none of
        the cited clauses gives (补助标准另行制定), or about a subject no document holds; it says
        what the documents do say. None when the answer states what was asked.

        Args:
            text: the composed answer, quotes included.
        """
        if not self.cites.citations:
            return None
        if self.missing_subject:  # what is asked about: said first, it is why nothing answers
            where = "现有文件中与问题相关的条文" if self.subject_elsewhere else "现有文件"
            return (f"{where}没有关于“{self.missing_subject}”的规定，无法给出有依据的回答。\n"
                    f"如需了解，请咨询相关主管部门。")
        body = _MARKER.sub("", text.split("\n依据：")[0]) + "".join(_supporting_text(text))
        if self.unsettled:
            if self.unsettled in (UNSETTLED.get(TIME_LIMIT.pattern), _AMOUNT_UNSETTLED) and not _states(self.unsettled, body):
                return self._not_given(self.unsettled)
        asking = self._asking(self.reading.question) if self.reading is not None else ""
        row = self.clauses.get(self.cites.citations[0].id) if self.clauses else None
        if row is not None and row.table is not None and asks_one_year(asking, row.label, list(row.table.columns)):
            # 某街道2025年当年要完成多少亩 answered by a row of a table of the whole period's tasks.
            return (f"现有文件没有给出所问年份的数字：{row.label.rsplit(' ', 1)[0]}只列出整个实施期的数字，"
                    f"没有分年度的数字。\n如需分年度的安排，请咨询相关主管部门。")
        missing = _facet_missing(asking, body, [c.text for c in self.cites.citations]) if asking else None
        if missing is not None:
            return self._not_given(missing)
        return None

    def none_stated(self) -> bool:
        """Whether what was found missing is a time limit or a figure that the lead clause does not
        state at all (投诉…及时处理: no days), rather than one it states of something else (临时许可证…两年)."""
        shape = {UNSETTLED.get(TIME_LIMIT.pattern): TIME_LIMIT, _AMOUNT_UNSETTLED: STATED_NUMBER}.get(self.not_given)
        lead = self.cites.citations[:1]  # what the answer says is left open is said of [1]
        return shape is not None and bool(lead) and not shape.search(lead[0].text)

    def _not_given(self, what: str) -> str:
        """The abstention that says the first cited clause does not give ``what`` was asked."""
        self.not_given = what
        first = self.cites.citations[0]
        said = _short(self.lead_sentence).rstrip("。；;") if self.lead_sentence else ""
        return f"现有文件没有给出所问的{what}：{first.label}只写道“{said}”，未规定{what}。\n如需{what}，请咨询相关主管部门。"

    def _asked_words(self, question: str) -> str:
        """The segments of the question that ask (a story told inside a part, 城管还乱罚我们款，
        …能怎么办, asks for no fine)."""
        from assistant.understand.reading import _is_asking

        asking = self._asking(question)
        asked = [seg for seg in re.split(r"[，,；;]", asking) if _is_asking(seg)]
        return "，".join(asked) or asking

    def _asking(self, question: str) -> str:
        """The question less its background ("合同里没写付款期限" states, it does not ask)."""
        for segment in (self.reading.background if self.reading is not None else []):
            question = question.replace(segment, "")
        return question

    def _not_settled(self, question: str, lines: list[str]) -> str | None:
        """A specific word the question asks about that no cited clause (nor the corpus) holds:
        say the text does not settle it instead of pretending it does."""
        if self.reading is None or self.vocab is None:
            return None
        cited = "".join(c.text for c in self.cites.citations)

        def unheld(w: str) -> bool:  # no document holds it, nor a policy term it stands for
            return w not in self.vocab.text and not default_lexicon().supported(w, self.vocab.text)

        # A kind named by a compound (土地增值税, 契税) no document holds, though its head (增值税)
        # or its parts may be: the question is about it, and nothing answers it.
        kinds = [w for w in default_lexicon().named_kinds(self._asking(question)) if w not in cited and unheld(w)]
        if kinds:
            self.missing_subject = kinds[0]
            return f"现有文件没有关于“{'、'.join(kinds[:2])}”的规定。"
        # A class the question names by its label (A类企业, 丙级) that no document sets up: the
        # texts grade into other classes (C、D类), or none.
        labels = [m for m in class_labels(self._asking(question)) if m[0] not in cited and not held_class(m[0], self.vocab.text)]
        if labels:
            self.missing_subject = labels[0][1]
            return f"现有文件没有关于“{labels[0][1]}”的规定。"
        # …拿到的补助要不要交企业所得税？ — a kind (a tax) the question asks about that another
        # document names but no clause found speaks of: what is asked is not what they settle.
        last = [x for x in re.split(r"[。？?！!，,]", self._asking(question)) if x.strip()]
        kinds = [w for w in default_lexicon().named_kinds(last[-1] if last else "") if w not in cited and not unheld(w)]
        if kinds and self.cites.citations:
            self.missing_subject = kinds[0]
            self.subject_elsewhere = True
            return f"所引条文没有关于“{kinds[0]}”的规定。"
        if self.unsettled and self.cites.citations:
            if (self.unsettled in (UNSETTLED.get(TIME_LIMIT.pattern), _AMOUNT_UNSETTLED)
                    and _states(self.unsettled, "".join(_MARKER.sub("", x) for x in lines))):
                self.unsettled = None  # another cited clause states it (…30日内确认…)
                return None
            return f"所引条文未规定{self.unsettled}[1]。"
        # Words that name a subject: dictionary words, not phrasing (最多能), not negated verbs (解决不了).
        naming = [w for w in self.reading.subject if _a_term(w) and not _ASKY.search(w)
                  and not _NOT_SUBJECT.search(w) and not negated(w) and not ASKS_LAWFUL.search(w)
                  and not _HOW_MANY.match(w)]
        missing = [w for w in naming if len(w) >= 3 and specificity(w) >= SPECIFIC and w in question
                   and w not in cited and unheld(w) and not _parts_held(w, cited, self.vocab.text)]
        # The sentence that asks (the last of the asking part): a story told before it (…的小厂。
        # 一拖就是好几个月。) names no subject of the question.
        asked = [x for x in re.split(r"[。？?！!]", self.reading.asking) if x.strip()]
        asked = asked[-1] if asked else ""
        rare = [w for w in naming if specificity(w) >= RARE_UNHELD and w in asked and w in question
                and w not in cited and unheld(w) and not _POINTING.search(w)]
        if len(rare) >= 2:
            # …厂房的层高和楼面荷载有没有具体要求: two rare words the question asks about that no
            # document holds — what is asked is not in the texts, whatever else they share.
            self.missing_subject = rare[0]
            return f"现有文件没有关于“{'、'.join(rare[:2])}”的规定。"
        if not missing:
            return None
        top = naming[:2]
        if top and missing[0] == top[0]:
            self.missing_subject = missing[0]  # what the question is about: nothing answers it
        elif len(top) == 2 and all(specificity(w) >= SPECIFIC and unheld(w) for w in top) \
                and any(not _parts_held(w, cited, self.vocab.text) for w in top):
            # 劳动合同试用期最长多久, 土地增值税和契税: the two words that say most what is asked are
            # held by no document (劳动合同 only as 劳动 and 合同 apart), one of them not even in
            # part — the clause found shares only the question's everyday words (最长, 约定).
            self.missing_subject = next(w for w in top if not _parts_held(w, cited, self.vocab.text))
        return f"现有文件没有关于“{'、'.join(missing[:2])}”的规定。"

    def _points(self, clause: Clause) -> list[str]:
        """The points of a clause whose sub-clauses are all points (一是…；二是…), as written."""
        kids = [self.clauses.get(x) for x in clause.children]
        if not kids or any(k is None or k.kind != "point" for k in kids):
            return []
        return [k.own_text.strip().rstrip("。；;") for k in kids]

    def _parent_list(self, question: str, hits: list[Hit], qwords: set[str]) -> str | None:
        """哪三种改造方式 answered by one of them: the parts of the clause above it, when the
        question asks for a list and that clause's heading names what is asked."""
        if not LISTS.search(question):
            return None
        m = re.search(r"哪([两二三四五六七八九十]+)", question)
        count = cn_to_int(m.group(1).replace("两", "二")) if m else None
        best: tuple[float, Clause, list[str], Hit] | None = None
        # The heading must name what is asked about as well as the retrieved sentences do
        # (…重大招引项目有哪些金融支持 is not a list of 改造提升模式).
        floor = SUPPORT_SHARE * max(self.scores.values(), default=0.0)
        # A heading the question names (…有哪几种改造提升模式, 实施路经里有哪三种: one slip
        # allowed) is what is asked into, wherever retrieval ranked its clause.
        named = [c for c in self.clauses.values() if _names_heading(question, c)]
        top = hits[0] if hits else None
        for hit, named_one in [*((h, False) for h in hits), *((Hit(c, top.score), True) for c in named if top)]:
            parent = hit.clause if hit.clause.kind != "point" else self.clauses.get(hit.clause.parent_id or "")
            while parent is not None:
                # (A named heading is listed by the titles under it, not by its points: 梳理提升式
                # 改造中…通过哪些途径 asks into one of them.)
                parts = child_titles(parent, whole_items=True) or ([] if named_one else self._points(parent))
                score = _heading_score(parent, qwords) + (floor if named_one else 0.0)
                if len(parts) >= 2 and score > 0 and score >= floor:
                    # 哪三种 names how many: the clause with that many parts is the one meant.
                    score *= COUNT_NAMED if count == len(parts) else 1
                    if best is None or score > best[0]:
                        best = (score, parent, parts, hit)
                parent = None if named_one else self.clauses.get(parent.parent_id or "")
        if best is None:
            return None
        _, parent, parts, hit = best
        return f"{parent.label.split(' ', 1)[-1]}包括：{'；'.join(parts)}{self.cites.mark(parent, hit.score)}。"

    def _direct(self, question: str, hits: list[Hit], top: Hit, sent: str, qwords: set[str]) -> str:
        """The first line: the most specific answer the text supports."""
        # A table cell: the question names a row and a column.
        # A row named only in the asker's story (我们是某街道的企业…) answers only a figure asked.
        figure = self.reading is None or not self.reading.background or bool(WANTS_AMOUNT.search(self._asking(question)))
        for hit in hits[:3]:
            c = hit.clause
            if c.table is not None and c.table.key and c.table.key in question \
                    and (figure or c.table.key in self._asking(question)):
                col = _column(c, question)
                if col is not None:
                    return f"{c.table.key}：{c.table.columns[col]}为{c.table.values[col]}{self.mark(hit)}。"
                return f"{c.text}{self.mark(hit)}"
        flat_q = question.replace(" ", "")
        asking = self._asking(question).replace(" ", "")
        # A unit named in the question: what it is to do (某局主要负责什么), or who sits for it in
        # the group (某局进领导小组的是谁). The last thing asked decides.
        for kind, ask in sorted((("duty", ASKS_DUTY), ("member", ASKS_PERSON)),
                                key=lambda ka: -max((m.end() for m in ka[1].finditer(asking)), default=-1)):
            if not ask.search(asking):
                continue
            unit = next((h for h in hits if h.clause.kind == kind and h.clause.title and h.clause.title in flat_q), None)
            if unit is None:
                # 区府办…负责什么: the body's duty line may name it in full (区政府办).
                named = {h.clause.title for h in hits if h.clause.title and h.clause.title in flat_q}
                unit = next((h for h in hits if h.clause.kind == kind and h.clause.title
                             and any(_abbreviates(n, h.clause.title) for n in named)), None)
            if unit is not None:
                self.whole_lead = True
                self.shown.append(unit.clause.text)  # stated whole: the basis need not quote it again
                return f"{unit.clause.text}{self.mark(unit)}"
        for hit in hits:
            c = hit.clause
            # A person named in the question, or the group's 组长/副组长 asked for.
            m = re.search(r"成员 (\S+?)（", c.label)
            # 由什么层级的领导任组长 asks the rank the text sets, not who holds the post.
            if (c.kind == "member" and m and m.group(1) in flat_q) or (
                    c.kind == "leader" and c.title and c.title in flat_q and not ("副" + c.title in flat_q)
                    and not _ASKS_RANK.search(asking)):
                self.whole_lead = True
                self.shown.append(c.text)
                return f"{c.text}{self.mark(hit)}"
            held = [x for x in sentences(c.text) if any(r.group(1) in flat_q for r in HOLDS_ROLE.finditer(x))]
            if held and not c.children and (ASKS_PERSON.search(asking) or re.search(r"由谁|谁(?:来)?(?:担任|兼任)", asking)):
                # 办公室主任是哪位: the sentence that says who holds the post asked about.
                self.shown.append(held[0])
                return self._doc_prefix(c) + _cited(held[0], self.mark(hit))
        c = top.clause
        best = max(self.scores.values(), default=0.0)
        asks_sanction = bool(ASKS_PENALTY.search(question) or ASKS_LIABILITY.search(question)
                             or ASKS_TIME_LIMIT.search(question))
        for hit in hits[:3]:
            parts = child_titles(hit.clause, whole_items=bool(LISTS.search(question)))
            near = hit is top or self.scores.get(hit.clause.id, 0.0) >= SUPPORT_SHARE * best
            # A clause picked by its heading (七、实施步骤 for 下一步呢) is answered with its parts.
            # A question asking for a penalty, a time limit or a definition asks for a sentence
            # that states it, not for the list a heading introduces.
            by_heading = hit is top and not any(ask.search(question) for ask, _ in SHAPES) and (
                sent == c.text.split("\n")[0] or _heading_score(c, qwords) >= _score(sent, qwords) > 0
                                         or (_heading_score(c, qwords) > 0 and _score(sent, qwords) == 0))
            if parts and near and (LISTS.search(question) or by_heading) and not asks_sanction:
                return f"{hit.clause.label.split(' ', 1)[-1]}包括：{'；'.join(parts)}{self.mark(hit)}。"
        # A penalty or a time limit asked is a sentence that states it, not the list of items
        # under its head (第七十条包括：(一)…) which leaves out what befalls them.
        listed = self._parent_list(question, hits[:3], qwords) if not asks_sanction else None
        if listed is not None:
            return listed
        if c.kind == "duty" and ASKS_WHO.search(question):
            return f"由{c.title or c.text.split('负责')[0]}负责：{c.text.split('.', 1)[-1]}{self.mark(top)}"
        if c.kind in ("member", "leader"):
            return f"{c.text}{self.mark(top)}"
        prefix = self._doc_prefix(c)
        # Legal shapes: a penalty, a time limit, the responsible authority, a definition.
        sent_score = _score(sent, qwords)
        for ask, pattern in SHAPES:
            if not ask.search(question):
                continue
            about = [x for x in sentences(c.text) if x != sent and not is_heading(x, c)
                     and _score(x, qwords) >= SHAPE_SHARE * sent_score]
            # The sentence that states the shape may share fewer words with the question than the
            # best one (…公开征求意见… / …期限一般不少于30日): any sentence of the clause about the
            # question that states it answers before "not settled" is said.
            rest = sorted((x for x in sentences(c.text) if x != sent and x not in about and not is_heading(x, c)
                           and _score(x, qwords) > 0), key=lambda x: -_score(x, qwords))
            for s in [sent, *about, *rest]:
                if not pattern.search(s):
                    continue
                # A definition, a short sentence, or a list's head with the item asked about
                # (…由有关部门责令改正……（三）强制…参加评比) reads whole; a long one as the piece
                # that holds the shape.
                frag = s if pattern is DEFINITION or len(s) <= WHOLE_CHARS or "……" in s \
                    else (_fragment(s, pattern, qwords) or s)
                frag = frag if len(frag) >= 8 else s
                self.shown.append(frag)
                return _after(prefix, frag, self.mark(top))
            if _EXPLICIT.search(self._asked_words(question)):
                self.unsettled = UNSETTLED.get(pattern.pattern)
            break
        if ASKS_DATE.search(question) and (frag := _fragment(sent, DATE, qwords)):
            self.shown.append(frag)
            return _after(prefix, frag, self.mark(top))
        if ASKS_NUMBER.search(question) and (frag := _fragment(sent, STATED_NUMBER, qwords)):
            self.shown.append(frag)
            return _after(prefix, frag, self.mark(top))
        if _ASKS_AMOUNT.search(question) and not any(STATED_NUMBER.search(x) for x in sentences(c.text)):
            # 亩均税收低于多少算D类: the text names D类 but sets no figure; 多少天内 asks a period.
            self.unsettled = (UNSETTLED[TIME_LIMIT.pattern] if ASKS_TIME_LIMIT.search(question)
                              else _AMOUNT_UNSETTLED)
        marker = self.mark(top)
        # "有什么补助？" answered by a sentence without the amount: add the clause's sentences
        # that state an amount of the kind asked for (补助 20%, 补助 5%).
        # "有什么补助" with two amounts in the clause (20% for land, 5% for equity) states both.
        extra = ([x for x in _amount_sentences(c, question) if x != sent]
                 if not NUMBER.search(sent) or LISTS.search(question) else [])
        order = sentences(c.text)
        chosen = sorted([sent, *extra[:MAX_AMOUNT_SENTENCES]], key=lambda x: order.index(x) if x in order else 0)
        self.shown.extend(chosen)
        return prefix + "".join(_cited(x, marker) for x in chosen)

    def basis(self, hits_by_id: dict[str, Hit], qwords: set[str]) -> list[str]:
        """The 依据 list: each cited clause's label, and a short quote when the answer above
        does not already show its words."""
        out = ["依据："]
        for i, cit in enumerate(self.cites.citations, start=1):
            hit = hits_by_id.get(cit.id)
            line = f"[{i}] {cit.label}"
            if hit is not None and cit.id in self.whole_ids:
                # The original wording asked: the rest of the article, every sentence as written.
                rest = [_ARTICLE_START.sub("", x).strip() for x in sentences(hit.clause.text)
                        if not is_heading(x, hit.clause) and not any(_bare(x) in _bare(s) for s in self.shown)]
                if rest:
                    line += "：" + "".join(f"“{q}”" for q in rest)
            elif hit is not None and cit.id not in self.added:
                quotes = [_short(x) for x in _supporting(hit.clause, qwords)
                          if not any(_bare(x) in _bare(s) for s in self.shown)]
                if quotes:
                    line += "：" + "".join(f"“{q}”" for q in quotes[:MAX_QUOTES])
            out.append(line)
        return out


# A clause title this long, written in the question, names that clause.
MIN_TITLE = 4
# Asked shapes that pick the clause to lead with: a definition (所称…是指), a time limit, a
# penalty. "Who" is left out: 负责/实施 occur in nearly every clause.
_PRIOR_SHAPES = (DEFINITION, TIME_LIMIT, PENALTY)
_PRIOR_KIND = {DEFINITION.pattern: "definition", TIME_LIMIT.pattern: "time_limit", PENALTY.pattern: "penalty"}


def _prior(question: str, scored: list[tuple[Hit, str, float]], reading=None) -> tuple[Hit, str, float]:
    """The clause to lead with: the best-scoring one, unless the question asks for a definition,
    a time limit or a penalty and other retrieved clauses about as relevant state one; then the
    best of those, and of an article and its own paragraph both stating it, the paragraph (the
    narrower cite)."""
    best = max(scored, key=lambda x: x[2])
    # 村集体主导改造这种模式是谁来牵头: a part the question names by its own title speaks for
    # itself, not its parent that lists it among others.
    titled = [x for x in scored if x[0].clause.title and len(bare := BRACKETED_END.sub("", x[0].clause.title)) >= MIN_TITLE
              and bare in question and x[2] > 0
              and (x[0].clause.id.startswith(best[0].clause.id + ".") or x[2] >= TITLED_SHARE * best[2])]
    if titled:
        best = max(titled, key=lambda x: x[2])
    pattern = next((p for ask, p in SHAPES if ask.search(question)), None)
    if pattern not in _PRIOR_SHAPES:
        return best
    if reading is not None and reading.asks and reading.asks[0] != _PRIOR_KIND[pattern.pattern]:
        return best  # 算中小企业还是大型企业按什么时候定 asks when, not what 中小企业 means
    stating = [x for x in scored if x[2] > 0 and any(pattern.search(s) for s in sentences(x[0].clause.text)
                                                      if not is_heading(s, x[0].clause))]
    if pattern is DEFINITION:
        # The clause that defines the asked term: the term stands just before 是指 (郊区是指…).
        qwords = [w for w in words(question) if len(w) >= 2]
        defining = [x for x in stating if any(any(w in m.group(1) for w in qwords)
                                              for s in sentences(x[0].clause.text)
                                              for m in re.finditer(r"([^。；]{0,24})是指", s))]
        # Of clauses that hold one definition (an item, its article, its chapter) the narrowest;
        # otherwise retrieval's order.
        inner = [x for x in defining if not any(y is not x and len(y[0].clause.text) < len(x[0].clause.text)
                                                 and _bare(y[0].clause.text) in _bare(x[0].clause.text)
                                                 for y in defining)]
        if inner:
            return inner[0]
    # A time limit or penalty about something else (临时许可证的有效期 for 许可证多久失效) does not lead.
    stating = [x for x in stating if x[2] >= SUPPORT_SHARE * best[2]]
    if not stating or best in stating and not any(_related(best[0].clause.id, x[0].clause.id) for x in stating):
        return best
    narrow = [x for x in stating if not any(y[0].clause.id.startswith(x[0].clause.id + ".") for y in stating)]
    # Of several that state it, the best-scoring.
    return max(narrow or stating, key=lambda x: x[2])


# A heading this long can be named in a question (实施路径, 改造提升模式; not 附则).
NAMED_HEADING_CHARS = 4


def _names_heading(question: str, clause: Clause) -> bool:
    """Does the question name the clause's heading, verbatim or with one character slipped
    (实施路经 for 实施路径)? Only a clause with parts under it is a heading to list."""
    title = clause.title or ""
    if len(title) < NAMED_HEADING_CHARS or not clause.children or not re.fullmatch(r"[\u4e00-\u9fff]+", title):
        return False
    flat = question.replace(" ", "")
    return title in flat or any(re.search(re.escape(title[:i]) + "[\u4e00-\u9fff]" + re.escape(title[i + 1:]), flat)
                                for i in range(1, len(title)))


def _heading_score(clause: Clause, qwords: set[str]) -> float:
    """How well the clause's heading line matches the question (0 when it has none)."""
    first = sentences(clause.text)[:1]
    return _score(first[0], qwords) if first and is_heading(first[0], clause) else 0.0


def _supporting(clause: Clause, qwords: set[str]) -> list[str]:
    """The clause's sentences about the question, best first (headings aside)."""
    scored = [(x, _score(x, qwords)) for x in sentences(clause.text) if not is_heading(x, clause)]
    if sum(len(x) for x, _ in scored) <= SHORT_CLAUSE_CHARS:
        return [x for x, _ in scored]  # a short clause is quoted whole, sentence by sentence
    top = max((sc for _, sc in scored), default=0.0)
    return [x for x, sc in sorted(scored, key=lambda t: -t[1]) if sc > 0 and sc >= QUOTE_SHARE * top]


def _short(sentence: str) -> str:
    s = _ARTICLE_START.sub("", sentence.strip())
    return s if len(s) <= QUOTE_CHARS else s[:QUOTE_CHARS] + "…"


# A sum of money or a rate asked for, and the figures that give one.
_ASKS_MONEY = re.compile(r"多少钱|几块钱|多少元|几万块|金额是多少|费用是多少|收多少费|"
                         r"多少(?:奖励|补助|补贴|奖补)?(?:资金|经费|奖金)|(?:奖励|补助|补贴|奖补)?(?:资金|经费|奖金)(?:有|是|能拿|能给)?多少")
_ASKS_RATE = re.compile(r"(?:利率|税率|费率|缴费比例|比例)(?:具体|现在|目前)?(?:是|为|大概是)?多少|百分之几|几个点|"
                        r"多少的?(?:利率|税率|费率|比例)|"
                        r"\b(?:tax |interest |fee )?rate\b|\bpercentage\b", re.I)
# What a rate asked for is a rate of: the two characters before 比例/利率 (缴费比例, 利息的利率).
_RATE_OF = re.compile(r"((?!多少|少的)[\u4e00-\u9fff]{2})的?(?:比例|利率|税率|费率)")
_MONEY_FIGURE = re.compile(r"[\d一二三四五六七八九十百千两]\s*(?:万|亿|千)?元|%|百分之|‰|千分之|万分之")
_RATE_FIGURE = re.compile(r"%|百分之|‰|千分之|万分之|[\d一二三四五六七八九十]\s*成")


# A figure asked per a unit of measure (每度电多少钱, 每平方米补多少), and the ways texts write
# each unit.
_UNIT_WRITINGS = {"度": ("度", "千瓦时", "kwh"), "千瓦时": ("度", "千瓦时", "kwh"), "kwh": ("度", "千瓦时", "kwh"),
                  "平方米": ("平方米", "平米", "㎡"), "平米": ("平方米", "平米", "㎡"), "亩": ("亩",),
                  "吨": ("吨",), "立方米": ("立方米", "方"), "方": ("立方米", "方"), "公斤": ("公斤", "千克"),
                  "千克": ("公斤", "千克")}
_PER_UNIT = re.compile(r"(?:每一?|多少钱?一)(千瓦时|kwh|平方米|平米|立方米|公斤|千克|度|亩|吨|方)|"
                       # 一度电多收多少钱, 一亩地补多少: one unit of a thing named after it.
                       r"(?<![\d一二三四五六七八九十])一(度|亩|吨|平方米|平米|立方米)(?=电|地|水|气|土地|用地|厂房)", re.I)


def _per_unit_stated(unit: str, sentence: str) -> bool:
    """Does ``sentence`` give a figure per ``unit`` (每平方米200元, 0.3元/千瓦时)?"""
    low = sentence.lower()
    return bool(_FIGURE.search(sentence)) and any(
        re.search(rf"(?:每|/|／)(?:一)?{re.escape(w)}|{re.escape(w)}(?:补|奖|收|加|计)", low)
        for w in _UNIT_WRITINGS.get(unit.lower(), (unit,)))


# How to obtain something asked (怎么申请, 要带哪些材料, 去哪里办), and what a text that says so
# holds: asked and not said, the texts name the thing without saying how to obtain it.
_ASKS_PROCEDURE = (
    ("所需材料", re.compile(r"(?:哪些|什么|啥|几样)(?:申请)?材料|材料(?:有哪些|是什么|要哪些)"),
     re.compile(r"材料|资料|证明|文件|提交|提供|报送")),
    ("办理地点", re.compile(r"(?:去|到|在)哪(?:里|儿|个部门)?(?:办|申请|申报|办理|交|报)|(?:去|到)哪(?:个|家|一个|一家)(?:法院|窗口)"),
     re.compile(r"向[^。；，]{1,24}(?:申请|提出|报送|提交|申报|备案|告知)|受理|(?:在|通过)[^。；，]{1,24}(?:办理|平台)|窗口")),
    ("申请程序", re.compile(r"(?:怎么|如何|怎样|咋)(?:申请|申报|办理|报名|备案|登记|报批)|申请(?:流程|程序|手续)|办理(?:流程|程序|手续)|"
                            r"(?:流程|程序|手续)(?:要|该|应该)?(?:怎么|如何|咋)(?:走|办)"),
     re.compile(r"申请|申报|办理|提交|受理|报送|告知|备案|登记|报批|审核|审定|认定")),
    # How a class or a list is decided (C类、D类是咋划的, 白名单是怎么评出来的): the lead's clause
    # sets the criteria (是指, 符合下列条件, …的为D类, 分为, 由…制定), or only names the class.
    ("认定标准", re.compile(r"(?:怎么|如何|怎样|咋|(?:按|依据|根据|凭)(?:什么|啥)(?:标准|条件|指标)?)(?:来)?(?:划分?|分类|分的|认定|评定?|评出来|评选|评比|"
                            r"界定|定级|划型|确定的)|(?:认定|划分|评定|评选|分类|划型|入选|准入|入园|入驻)(?:标准|条件|依据|办法)"
                            r"(?:是|有)?(?:什么|啥|哪些)|(?:满足|符合|具备|达到)(?:什么|哪些|啥)(?:样的)?(?:条件|标准|要求)"
                            r"(?:才)?(?:能|可以)?(?:入选|评上|列入|纳入|进入|认定为|评为|成为)|"
                            # 企业怎么才能进“白名单”: what it takes to get on a list.
                            r"(?:怎么|如何|怎样|咋)(?:样)?才(?:能|可以)(?:进|进入|入选|评上|列入|纳入|成为|当上)"),
     re.compile(r"是指|所称|(?:标准|条件|依据)(?:为|是|如下|包括)|符合下列|下列条件|具备[^。；]{0,10}条件|"
                r"(?:的|者)[，,]?(?:为|属于|认定为|列为|划为|评为|确定为|视为)[^。；，]{1,12}(?:类|级|档|企业|单位)|"
                r"分为|划分为|划型|(?:标准|条件|办法|规则)(?:由|另行|按照|依照)|由[^。；]{1,40}(?:制定|确定|规定|认定|评定|公布|评选)|"
                r"按照[^。；]{1,40}(?:划分|认定|确定|评定|评价)|(?:低于|高于|不足|超过|达到)[^。；，]{0,16}的[，,]")),
    # How a charge is levied (差别化电费是怎么收的): a sentence that sets how (按…收取, 加价…).
    ("收取办法", re.compile(r"(?:怎么|如何|怎样|咋)(?:个)?(?:收|征收|收取|计收|计征)(?:的|费|法)?|(?:收费|征收|收取)(?:标准|办法|方式)"),
     re.compile(r"(?:按|按照|依照|依据)[^。；]{1,40}(?:收取|征收|计收|计征|加价|收费)|(?:收取|征收|计收|加价)[^。；]{0,12}\d")),
    # What was actually done (2024年实际完成了多少亩, 进展怎么样): a plan sets targets (到2026年…以上);
    # only a sentence that reports what was done (已完成, 截至…) answers it.
    ("实际完成情况", re.compile(r"实际(?:完成|达到|建成|改造|实现|做了|进展|情况)|(?:已经|目前|现在|截至目前|到现在|今年)"
                               r"(?:已经)?(?:完成|改造|建成|实现|做)了(?:多少|几)|完成(?:得|的)(?:怎么样|如何)|"
                               r"完成情况(?:怎么样|如何)|进展(?:如何|怎么样|到哪)|"
                               r"(?:现在|目前|已经|至今)[^，。？?]{0,4}(?:入驻|进驻|落户|引进|签约|入园)了?(?:哪些|多少|几)"),
     re.compile(r"已(?:经)?(?:完成|建成|改造|实现|累计)|实际完成|截至|截止|共完成|完成了")),
)


# Every pattern of what is asked of a thing and what gives it: their words name no thing.
_PROCEDURE_WORDS = tuple(p for _, asks, gives in _ASKS_PROCEDURE for p in (asks, gives))


def _facet_missing(asking: str, body: str, cited: list[str]) -> str | None:
    """What the question asks that none of the cited texts gives: a figure of the kind asked
    (money, a rate; per the unit asked; of the thing asked), or how to obtain something (the
    materials, the place, the procedure). None when the texts give it.

    Args:
        asking: the asking part of the question.
        body: the composed answer without markers (a computed figure counts as given).
        cited: the cited clauses' texts.
    """
    kind = _asked_figure(asking)
    if kind is not None and not kind.search(body) and not any(kind.search(t) for t in cited):
        # 多少钱一平方米 answered with an area, 利率是多少 with the name of a rate: no figure of
        # the kind asked is given.
        return _AMOUNT_UNSETTLED
    said = [x for t in cited for x in sentences(t)]
    if kind is _MONEY_FIGURE and _REWARD_WORDS.search(asking) \
            and not any(kind.search(x) and _REWARD_WORDS.search(x) for x in [*said, *sentences(body)]):
        # 评上…有多少奖励资金 answered with a target (新增若干家以上, 年均增长若干个百分点): no figure of a reward.
        return _AMOUNT_UNSETTLED
    unit = _PER_UNIT.search(asking)
    if unit and (kind is not None or re.search(r"多少|几", asking[unit.start():])) \
            and not any(_per_unit_stated(unit.group(1) or unit.group(2), x) for x in said):
        # 每度电要加多少钱 answered with a rate of something else (…收入的百分之一): no cited
        # sentence gives a figure per the unit asked.
        return _AMOUNT_UNSETTLED
    noun = _RATE_OF.search(asking) if kind is _RATE_FIGURE else None
    if noun and not any(noun.group(1) in x and kind.search(x) for x in said):
        # 社保单位缴费比例是多少 answered with 预留…的比例不低于百分之六十: a rate, but of something
        # else; no cited sentence gives a rate of what is asked.
        return _AMOUNT_UNSETTLED
    measure = _MEASURE_ASKED.search(asking)
    if measure and not any(_names(measure.group(1) or measure.group(2), x) and STATED_NUMBER.search(x) for x in [*said, *sentences(body)]):
        # 标准厂房的容积率上限是多少 answered with a clause on 标准厂房 that sets a height (8米): no cited
        # sentence gives a figure of the measure asked.
        return _AMOUNT_UNSETTLED
    if ASKS_TIME_LIMIT.search(asking):
        timed = [x for x in said if TIME_LIMIT.search(x)]
        if timed and not any(_speaks_of(asking, x, ASKS_TIME_LIMIT, _TIME_WORDS) for x in timed):
            # 备案有没有有效期 answered with the term of another permit: no cited sentence gives a
            # time limit of what is asked.
            return UNSETTLED[TIME_LIMIT.pattern]
    lead = sentences(cited[0]) if cited else []
    for what, asks, gives in _ASKS_PROCEDURE:
        # How to obtain what the lead speaks of: the lead's clause says it, or nothing does. A lead
        # that says how to obtain something else (申请破产要提交哪些材料 → the materials of a
        # project application) does not speak of what is asked.
        if asks.search(asking) and not (any(gives.search(x) for x in lead) and _speaks_of(asking, cited[0], *_PROCEDURE_WORDS)):
            return what
    return None


# A figure asked of a measure named (容积率上限是多少, 建筑密度要求多少): the measure, by its head
# (…率, …密度, …面积, …高度, …比例).
_MEASURE_ASKED = re.compile(r"([\u4e00-\u9fff]{1,4}(?:率|密度|面积|高度|间距|限高))(?:的)?(?:上限|下限|最高|最低|标准|要求|指标|控制)?"
                            r"(?:具体|一般|大概)?(?:最多|最大|最高|最少|最低)?(?:是|为|有|能|可以|可)?(?:到|达到|批|建|盖|要|应|得)?"
                            r"(?:多少|几)"
                            # 容积率上限是怎么规定的: a bound asked, by way of its rule.
                            r"|([\u4e00-\u9fff]{1,4}(?:率|密度|面积|高度|间距|限高))(?:的)?(?:上限|下限|最高值|最低值)"
                            r"(?:是|为)?(?:怎么|如何|怎样|咋)(?:规定|定|确定|设定|设置)")


def _names(word: str, text: str) -> bool:
    """Whether ``text`` names ``word`` or a policy term it stands for."""
    return word in text or any(x in text for x in default_lexicon().expand(word))


# Words of time (期限, 有效期, 工作日): what a time limit is asked in, not what it is of.
_TIME_WORDS = re.compile(r"期限|时限|期|时间|日|天|月|年|多久|多长|最长|最短|最晚|最迟|至少|最多|一般|通常|大概")
# Words that say what is asked of a thing (its 流程, 材料, 标准), not which thing.
_FACET_WORDS = re.compile(r"流程|程序|手续|材料|资料|地点|地方|部门|窗口|条件|标准|办法|收费|收取|征收")


def _speaks_of(asking: str, text: str, *facet: re.Pattern) -> bool:
    """Whether ``text`` holds what ``asking`` is about: one of its words of some weight (破产,
    境外) that is not a word of the facet asked (申请, 材料), or a policy term it stands for.
    True when the question names nothing of weight."""
    named = [w for w in content_words(asking) if specificity(w) >= MEDIUM and not _FACET_WORDS.search(w)
             and not any(p.search(w) for p in facet)]
    lex = default_lexicon()
    # 能延多久: a modal verb the segmenter glued to the word (能延) is not what the word names.
    named = [_MODAL_GLUED.sub("", w) or w for w in named]
    return not named or any(w in text or any(x in text for x in lex.expand(w)) for w in named)


_MODAL_GLUED = re.compile(r"^[能会要可该](?=[\u4e00-\u9fff])")


# Words of a sum granted (补助, 奖励资金): a figure asked of one is given by a sentence that grants.
_REWARD_WORDS = re.compile(_REWARD.pattern + r"|奖金|专项资金|经费")


def _asked_figure(asking: str) -> re.Pattern | None:
    """The kind of figure the question asks for, when it names one (money, a rate)."""
    if _ASKS_RATE.search(asking):
        return _RATE_FIGURE
    if _ASKS_MONEY.search(asking):
        return _MONEY_FIGURE
    return None


def _states(unsettled: str, text: str) -> bool:
    """Whether ``text`` gives what was found unsettled: a time limit, or a figure."""
    wanted = TIME_LIMIT if unsettled == UNSETTLED.get(TIME_LIMIT.pattern) else _FIGURE
    return bool(wanted.search(text))


def _supporting_text(text: str) -> list[str]:
    """The quotes under 依据 (they show the cited clauses' own words)."""
    return re.findall(r"“([^”]*)”", text.split("\n依据：", 1)[1]) if "\n依据：" in text else []


def _a_term(word: str) -> bool:
    """A dictionary word, or a compound of dictionary words (经济补偿金, 土地增值税)."""
    from assistant.index.tokenize import _jieba

    if _in_dictionary(word):
        return True
    parts = _jieba().lcut(word, HMM=False)
    return len(word) >= 4 and len(parts) >= 2 and all(len(p) >= 2 and _in_dictionary(p) for p in parts)


# A class named by its label: a letter or 甲乙丙丁 with 类/级/档 (A类, 丙级), with the noun after it.
_CLASS_LABEL = re.compile(r"(?<![A-Za-z])([A-Za-z甲乙丙丁](?:类|级|档))([\u4e00-\u9fff]{0,2}?(?:企业|单位|用地|地块|项目|资质))?")
# Labels written together (C、D类, 甲、乙级): each is a class the text sets up.
_LABEL_RUN = re.compile(r"((?:[A-Za-z甲乙丙丁][、，,和及与或至到-]?)+)(类|级|档)")


def class_labels(text: str) -> list[tuple[str, str]]:
    """The class labels ``text`` names, as (label, label with its noun): 那A类企业呢 → ("A类", "A类企业")."""
    return [(m.group(1).upper(), m.group(0).upper()) for m in _CLASS_LABEL.finditer(text)]


def held_class(label: str, corpus: str) -> bool:
    """Whether the corpus writes the class ``label`` (A类), alone or in a run of labels (A、B类)."""
    for m in _LABEL_RUN.finditer(corpus):
        if m.group(2) == label[-1] and label[0].upper() in m.group(1).upper():
            return True
    return False


def _parts_held(word: str, cited: str, corpus: str) -> bool:
    """Whether a compound the corpus lacks (成员名单) is made of words the documents hold, one of
    them in the cited text (成员 …): then the lead speaks of it, and "no provision on it" would
    be false."""
    from assistant.index.tokenize import _jieba

    parts = [p for p in _jieba().lcut_for_search(word) if len(p) >= 2 and p != word]
    return bool(parts) and all(p in corpus for p in parts)


# Asking the rank or level of a post (什么层级, 哪一级, 什么级别的领导).
_ASKS_RANK = re.compile(r"层级|级别|哪一?级|什么级")


def _abbreviates(short: str, full: str) -> bool:
    """Is ``short`` a short form of ``full`` that keeps its first and last characters and drops
    some in between (区府办 of 区政府办, 经信局 of 经济和信息化局)?"""
    if not 2 <= len(short) < len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


def _names_own(text: str, vocab) -> bool:
    """Does a part name a subject of its own: a dictionary word the texts hold that says
    something (not 能延, jieba's glue of 能 and 延; not 多久)?"""
    return any(_in_dictionary(w) and specificity(w) >= MEDIUM and w in vocab.text and not _ASKY.search(w)
               for w in content_words(text))


def speaks_only_of(text: str, clause_text: str, vocab) -> bool:
    """Does a part name only what a clause already speaks of (直接负责的主管人员又怎么罚, after a part
    answered by the article that fines them too)?"""
    own = [w for w in content_words(text) if _in_dictionary(w) and specificity(w) >= MEDIUM and w in vocab.text
           and not _ASKY.search(w)]
    return bool(own) and all(w in clause_text for w in own)


def _in_dictionary(word: str) -> bool:
    from assistant.retrieve.gate import _freq

    return bool(_freq()[0].get(word))


def _bare(text: str) -> str:
    """A sentence without its article number, markers and punctuation, for comparisons."""
    return re.sub(r"[\s。；;，,：:“”]|\[\d+\]", "", _ARTICLE_START.sub("", text.strip()))


def _related(a: str, b: str) -> bool:
    """Is one clause id inside the other (an article and its paragraph)?"""
    return a.startswith(b + ".") or b.startswith(a + ".")


def compose(question: str, hits: list[Hit], reading=None, vocab=None,
            clauses: Mapping[str, Clause] | None = None) -> Answer:
    """Build an extractive answer from retrieved clauses.

    Args:
        question: the normalised question.
        hits: retrieved clauses, best first (already past the abstention gate).
        reading: the typed reading of the question (optional).
        vocab: the index vocabulary (optional): names the document when several are held.
        clauses: every indexed clause by id (optional): the clause above a hit, when the
            question asks for the list it heads.
    Returns:
        The answer contract with markers pointing only at cited clauses.
    """
    comp = _Composer(reading, vocab, clauses)
    lines = comp.answer_lines(question, hits)
    qwords = set(words(question))
    led = {comp.lead_hit.clause.id: comp.lead_hit} if getattr(comp, "lead_hit", None) is not None else {}
    basis = ["", *comp.basis({**led, **{h.clause.id: h for h in hits}}, qwords)]
    text = "\n".join(lines + basis)
    unstated = comp.unstated(text)
    if unstated is not None and (comp.unsettled or comp.none_stated()) and _asks_whether(question, reading):
        # 2020年版有没有规定多少天？ — "no figure; it says 及时…" (the answer says so) is the
        # answer, not a refusal.
        if not comp.unsettled:
            text = "\n".join([*lines, f"所引条文未规定{comp.not_given}[1]。", *basis])
        return Answer(question=question, answer=text, abstained=False, citations=comp.cites.citations)
    if unstated is not None:
        return Answer(question=question, answer=unstated, abstained=True, citations=[])
    return Answer(question=question, answer=text, abstained=False, citations=comp.cites.citations)


# 有没有规定, 有无…期限, 是否规定: whether the text sets a figure at all.
_WHETHER = re.compile(r"有没有|有无|是否|有没|规定了吗|有规定吗|有(?:明确|具体)?的?(?:期限|时限|时间限制|时间要求)(?:了|吗)")
# An asking phrase of whether something is set or of how long (有没有规定, 多少天内, 多久): not the
# noun it asks of (付款期限是…).
_ASKING_PHRASE = re.compile(rf"(?:{_WHETHER.pattern})(?:规定|要求|明确)?|(?:多久|多长时间|多少天|几天|几日|多少日|(?:多少|几)个?"
                            rf"(?:工作日|小时|星期|礼拜|月))(?:以内|之内|内)?")


def _asks_whether(question: str, reading) -> bool:
    """Does the question ask whether the text sets a figure (2020年版有没有规定多少天), or about
    a version named (the version's own wording is the answer)?"""
    return bool(_WHETHER.search(question)) or bool(reading is not None and reading.versions)


def compose_parts(question: str, reading, part_hits: list[list[Hit]], vocab=None,
                  settled: list[Answer | str | None] | None = None,
                  clauses: Mapping[str, Clause] | None = None) -> Answer:
    """Answer a multi-part question part by part, each part with its own lead and markers.

    A part that only asks to add up the parts before it (加起来呢, 一共多少) is answered with
    the sum of the figures those parts stated, when they share a unit.

    ``settled`` holds, per part, what was decided before composing: an answer a calculator
    gave for that part (its markers are renumbered into this answer), or the reason the
    texts do not state what that part asks (the part says so and cites nothing).
    """
    comp = _Composer(reading, vocab, clauses)
    lines: list[str] = []
    all_hits: dict[str, Hit] = {}
    stated: list[str] = []
    calls: list[ToolCall] = []
    settled = settled or [None] * len(reading.parts)
    context = "，".join(getattr(reading, "background", None) or [])
    leads: list[Hit] = []  # the clause each composed part led with
    unsettled: list[str] = []  # per part the texts leave open, what they do not give
    for i, (part, hits, done) in enumerate(zip(reading.parts, part_hits, settled), start=1):
        if isinstance(done, str):
            lines.append(f"（{i}）{part.text}：现有文件未作规定（{done}）。")
            unsettled.append(f"（{i}）{part.text}：现有文件未作规定（{done}）。")
            continue
        if isinstance(done, Answer):
            got = _adopted(done, comp.cites)
            stated.append(got[0])
            calls.extend(done.tool_calls)
            lines.append(f"（{i}）{part.text}：{got[0]}")
            lines.extend(got[1:])
            continue
        if "sum" in part.asks and not part.subject and stated:
            total = _sum_line(stated)
            if total is not None:
                line, call = total
                lines.append(f"（{i}）{part.text}：{line}")
                calls.append(call)
                continue
        if not hits:
            lines.append(f"（{i}）{part.text}：现有文件中没有找到相关规定。")
            unsettled.append(lines[-1])
            continue
        all_hits.update({h.clause.id: h for h in hits})
        query = part.query
        shape = next((p for ask, p in SHAPES if ask.search(part.text)), None)
        if leads and not part.cue and shape is not None and vocab is not None and (
                not _names_own(part.text, vocab)
                or (shape is not AUTHORITY and speaks_only_of(part.text, leads[-1].clause.text, vocab))):
            # 核准机关多长时间内要作出决定？最多能延多久？ — a part that names nothing of its own
            # asks about what the part before was answered by: when that clause states what this
            # part asks (a time limit, a penalty) in a sentence not yet said, that sentence answers.
            prior = leads[-1]
            unsaid = [x for x in sentences(prior.clause.text) if shape.search(x) and not is_heading(x, prior.clause)
                      and not any(_bare(x) in _bare(y) for y in lines)]
            if unsaid:
                qwords = set(words(part.text))
                sent = max(unsaid, key=lambda x: _score(x, qwords))
                frag = sent if len(sent) <= WHOLE_CHARS else (_fragment(sent, shape, qwords) or sent)
                line = comp._doc_prefix(prior.clause) + _cited(frag, comp.mark(prior))
                all_hits.setdefault(prior.clause.id, prior)
                comp.shown.append(frag)
                leads.append(prior)
                stated.append(line)
                lines.append(f"（{i}）{part.text}：{line}")
                continue
        if part.cue and leads:
            # …这合规吗？不改的话怎么处理？ — the penalty for the conduct the part before answered
            # about: that answer's lead is the duty, and what bears on it by the legal structure
            # (the penalty item that restates it) answers this part.
            hits = [leads[-1], *(h for h in hits if h.clause.id != leads[-1].clause.id)]
            query = f"{leads[-1].clause.text}{part.cue}"
        got = comp.answer_lines(query, hits, context)
        leads.append(comp.lead_hit)
        all_hits.setdefault(comp.lead_hit.clause.id, comp.lead_hit)  # an article led with for its paragraph
        stated.append(got[0])
        if any(_bare(got[0]) == _bare(x.split("：", 1)[-1]) for x in lines):
            # The same sentence answers this part too: say so instead of repeating it, and add
            # the best other clause that speaks to what only this part asks (…有没有时间限制).
            marks = "".join(_MARKER.findall(got[0]))
            rest = _unsaid_piece(comp.lead_sentence, part.text, lines)
            if ASK_PATTERNS["wording"].search(part.text) and len(_bare(comp.lead_hit.clause.text)) <= WHOLE_ARTICLE_CHARS:
                # …？原话怎么写的？ — the wording of what the part above was answered by: its clause, whole.
                got = [f"原文：“{_ARTICLE_START.sub('', comp.lead_hit.clause.text.strip())}”{marks}。"]
            elif rest is not None:
                # …什么时候前报领导小组办公室？批准之后怎么实施？ — the part above was answered by a
                # piece of the sentence; the piece about this part (经批准同意后分年度实施) answers it.
                got = [comp._doc_prefix(comp.lead_hit.clause) + _cited(rest, marks), *got[1:]]
            else:
                other = _other_lead(part, reading.parts[:i - 1], hits, {c.id for c in comp.cites.citations}, lines)
                more = comp.answer_lines(part.query, [other])[:1] if other is not None else []
                got = [f"见上{marks}。", *more, *got[1:]]
        missing = _part_missing(comp, part.text, got, lines)
        if missing is None and got and got[0].startswith("见上") and len(got) == 1 \
                and any(u.startswith(f"（{i - 1}）") for u in unsettled):
            # …白名单的入选条件是啥？营收要达到多少？ — answered only by pointing at the part above,
            # which the clause leaves open: this part is left open by it too.
            missing = _AMOUNT_UNSETTLED if "amount" in part.asks else "相关内容"
        if missing is None and any(_LEFT_OPEN.match(x) and (got[0].startswith("见上") or x.startswith(("现有文件没有关于", "所引条文没有关于")))
                                   for x in got):
            # A subject no document holds, or 见上 and a note that the clause above does not give
            # what this part asks.
            unsettled.append(f"（{i}）{part.text}：{next(x for x in got[::-1] if _LEFT_OPEN.match(x))}")
        elif missing is not None:
            # 发展基金怎么申请 answered by the article that sets the fund up: say what it leaves open.
            got = [*got, f"所引条文未规定{missing}。"]
            unsettled.append(f"（{i}）{part.text}：现有文件没有给出所问的{missing}。")
        lines.append(f"（{i}）{part.text}：{got[0]}")
        lines.extend(x for x in got[1:] if not any(_bare(x) == _bare(y.split("：", 1)[-1]) for y in lines))
    if unsettled and len(unsettled) == len(reading.parts) and not calls:
        # No part is answered: the question is one the texts do not settle.
        return Answer(question=question, answer="\n".join([*(_MARKER.sub("", x) for x in unsettled), "如需了解，请咨询相关主管部门。"]),
                      abstained=True, citations=[])
    lines += ["", *comp.basis(all_hits, set(words(question)))]
    return Answer(question=question, answer="\n".join(lines), abstained=False,
                  citations=comp.cites.citations, tool_calls=calls)


# A count or an amount of things (一整片, 一大批, 全部): how many, not what the question is about.
_HOW_MANY = re.compile(r"^(?:[一两几整全][整大小]?[片批堆些部块群排]|全部|所有)")


# A line that says the cited texts leave the part open.
_LEFT_OPEN = re.compile(r"所引条文未规定|所引条文没有关于|现有文件没有(?:关于|给出)")


def _part_missing(comp: "_Composer", part: str, got: list[str], above: list[str] = ()) -> str | None:
    """What one part asks that the clauses its lines cite do not give (see :func:`_facet_missing`);
    a part answered 见上[1] is answered by the lines ``above`` that cite the same clauses."""
    marks = {int(m) for x in got for m in re.findall(r"\[(\d+)\]", x)}
    cited = [c.text for n, c in enumerate(comp.cites.citations, start=1) if n in marks]
    if not cited:
        return None
    said = list(got)
    if got and got[0].startswith("见上"):
        said += [x for x in above if marks & {int(m) for m in re.findall(r"\[(\d+)\]", x)}]
    return _facet_missing(comp._asking(part), "".join(_MARKER.sub("", x) for x in said), cited)


# A period that runs out (核发后满一年仍未开工的): the top clause states a time too.
_ELAPSED = re.compile(r"满\s*[\d一二三四五六七八九十两]+\s*(?:个工作日|个月|日|天|年)|届满")


def _timed_lead(asking: str, scored: list[tuple[Hit, str, float]], top: Hit, top_sent: str, top_score: float,
                qwords: set[str], bridged: frozenset[str] = frozenset()) -> tuple[Hit, str, float] | None:
    """A time limit asked (投诉…多久能有个结果) that the top clause does not state, when a close
    clause of the same document states one in a sentence about the question (…自收到投诉材料之日起
    30日内形成处理结果): that clause leads, with that sentence. Where money comes from (这笔钱从哪来)
    is led the same way by a sentence that says it (提取…作为专项经费). None otherwise."""
    for asks, states, close in ((ASKS_TIME_LIMIT, lambda x: bool(TIME_LIMIT.search(x) or _ELAPSED.search(x)), TIMED_CLOSE),
                                (ASKS_SOURCE, lambda x: bool(SOURCE.search(x)), TIMED_SHARE)):
        if asks.search(asking):
            return _shaped_lead(asking, scored, top, top_sent, top_score, qwords, states, close, bridged)
    return None


def _condition_lead(asking: str, scored: list[tuple[Hit, str, float]], top: Hit, top_sent: str,
                    top_score: float) -> tuple[Hit, str, float] | None:
    """In which case something applies (什么情况下实行核准管理) is said by the sentence where it is
    what follows from the case (对关系国家安全…的项目，实行核准管理), not by one where it is part of
    the case (…属于…实行核准管理的，应当及时告知企业): a close clause whose sentence ends with what
    is asked leads when the top one does not. None otherwise."""
    m = ASK_PATTERNS["condition"].search(asking)
    if m is None:
        return None
    asked = {w for w in words(asking[m.end():]) if len(w) >= 2}
    if not asked:
        return None

    def ends_with(sent: str) -> int:  # how many asked words the sentence's last piece holds
        last = [x for x in re.split(r"[，,：:]", sent.rstrip("。；;")) if x.strip()]
        return sum(w in last[-1] for w in asked) if last else 0

    if ends_with(top_sent) * 2 >= len(asked):
        return None
    for hit, sent, sc in sorted(scored, key=lambda x: -x[2]):
        if hit is not top and hit.clause.doc_id == top.clause.doc_id and sc >= TIMED_SHARE * top_score \
                and ends_with(sent) * 2 >= len(asked):
            return hit, sent, sc
    return None


def _shaped_lead(asking: str, scored: list[tuple[Hit, str, float]], top: Hit, top_sent: str, top_score: float,
                 qwords: set[str], states: Callable[[str], bool], close: float,
                 bridged: frozenset[str] = frozenset()) -> tuple[Hit, str, float] | None:
    """The clause that leads instead of ``top`` when the shape asked (a time limit, a source of
    money) is stated by a close clause of the same document and not by the top one."""
    if any(states(x) for x in sentences(top.clause.text)):
        return None
    own = {w for w in words(asking) if len(w) >= 2}  # the asking part's words (结果), not the story's
    for hit, _, sc in sorted(scored, key=lambda x: -x[2]):
        if hit is top or hit.clause.doc_id != top.clause.doc_id or sc < TIMED_SHARE * top_score:
            continue
        shaped = [x for x in sentences(hit.clause.text) if states(x) and _score(x, qwords, bridged) > 0]
        best = max(shaped, key=lambda x: _score(x, qwords, bridged) + _head_tie(x, qwords), default=None)
        # It must say as much of what is asked as the top's sentence (大型企业…付款期限 is not
        # answered by 机关…30日内), and be close, or say more of it.
        if best is not None and _score(best, own) >= _score(top_sent, own) and (
                sc >= close * top_score or _score(best, own) > _score(top.clause.text, own)):
            return hit, best, sc
    return None


def _penalised_party(clause: Clause, sent: str) -> str:
    """The party a sanctioning paragraph lead names (对…造成违法建设的设计单位，由…处以罚款 →
    设计单位), or empty: the head noun of its opening phrase, after its last 的."""
    if not clause.parent_id or not LIABILITY.search(sent):
        return ""
    head = _ARTICLE_START.sub("", sent.strip()).split("，", 1)[0]
    m = re.search(r"的([^的]{2,10}?(?:单位|企业|机构|机关|部门|人员|个人|组织|协会|商会))$", head)
    return m.group(1) if m else ""


def _party_paragraphs(lead: Clause, party: str, clauses: Mapping[str, Clause] | None) -> list[Clause]:
    """The other paragraphs of the lead's article that name ``party`` and sanction it."""
    if clauses is None or (up := clauses.get(lead.parent_id)) is None:
        return []
    kids = [clauses.get(x) for x in up.children]
    return [k for k in kids if k is not None and k.id != lead.id and party in k.text
            and any(_sanctions(x) for x in sentences(k.text))]


def _sanctions(text: str) -> bool:
    """A fine, a disciplinary measure, or a record against the offender's credit."""
    return bool(LIABILITY.search(text) or CREDIT_RECORD.search(text))


def _other_party(clause: Clause, lead: Clause, party: str) -> bool:
    """A paragraph of the lead's article that sanctions a party other than the lead's."""
    return (clause.parent_id == lead.parent_id and clause.id != lead.id and party not in clause.text
            and _sanctions(clause.text))


def _told_apart(clause: Clause, sent: str, qwords: set[str], bridged: frozenset[str], context: str) -> str:
    """The sentence of ``clause`` that answers a part as well as ``sent`` does and holds more of
    what the asker told before it: 我们是租的厂房，补助比例最高多少？ — two sentences of one clause
    each grant a share (one to owners, one to tenants); the one about 租 is the asker's."""
    told = {w for w in words(context) if len(w) >= 2} - qwords if context else set()
    if not told:
        return sent
    base = _score(sent, qwords, bridged)
    rivals = [x for x in sentences(clause.text) if not is_heading(x, clause) and _score(x, qwords, bridged) >= base > 0]
    best = max(rivals, key=lambda x: _score(x, told), default=sent)
    return best if _score(best, told) > _score(sent, told) else sent


def _unsaid_piece(sentence: str, asked: str, said: list[str]) -> str | None:
    """The piece of ``sentence`` (between commas) not said in ``said`` that holds the most of
    the words ``asked``, or None when no unsaid piece holds any."""
    qwords = {w for w in words(asked) if len(w) >= 2}
    told = _bare("".join(_MARKER.sub("", x) for x in said))
    pieces = [p.strip("，,；;。 ") for p in re.split(r"[，,；;]", sentence)]
    unsaid = [(p, _score(p, qwords)) for p in pieces if len(p) >= 4 and _bare(p) not in told]
    best = max(unsaid, key=lambda x: x[1], default=None)
    return best[0] if best is not None and best[1] > 0 else None


def _other_lead(part, earlier: list, hits: list[Hit], cited: set[str], said: list[str]) -> Hit | None:
    """The best hit not cited yet whose best sentence holds a word that only this part asks
    about (not a word of the parts before it) and says what the answer has not said yet (the
    same sentence in another version of the regulation adds nothing)."""
    own = {w for w in part.subject if not any(w in p.subject for p in earlier)}
    # …钱主要用在哪: the policy terms of the part's own everyday words count as its own (用于).
    own |= set(default_lexicon().expand(part.text))
    qwords = set(words(part.query))
    # …必须配合确认吗？有没有时间限制？ — a part asking a shape (a time limit, a penalty, who)
    # that the sentence above does not state: the clause that states it about the matter of the
    # parts before.
    shape = next((p for ask, p in SHAPES if ask.search(part.text)), None)
    if shape is not None:
        qwords |= {w for p in earlier for w in words(p.query)}
    best: tuple[float, Hit] | None = None
    for hit in hits:
        if hit.clause.id in cited or any(hit.clause.id.startswith(c + ".") or c.startswith(hit.clause.id + ".")
                                         for c in cited):
            continue
        sent, score = best_sentence(hit.clause, qwords)
        if score <= 0 or any(_bare(_ARTICLE_START.sub("", sent)) in _bare(x) for x in said):
            continue
        states = shape is not None and any(shape.search(x) for x in sentences(hit.clause.text))
        if shape is not None and not states:
            continue  # 办公室主任由谁兼任 is not answered by a clause that names no one who does anything
        if (any(w in sent for w in own) or (states and not any(shape.search(_MARKER.sub("", x)) for x in said))) \
                and (best is None or score > best[0]):
            best = (score, hit)
    return best[1] if best else None


def _adopted(answer: Answer, cites: CitationList) -> list[str]:
    """The lines of another composer's answer, its markers renumbered into ``cites``."""
    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        return cites.adopt(answer.citations[n - 1]) if 1 <= n <= len(answer.citations) else ""

    body = answer.answer.split("\n依据：\n", 1)[0]  # its own 依据 list: the whole answer has one
    return [MARKER_RE.sub(sub, x) for x in body.split("\n") if x.strip()]


_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万平方米|平方米|万元|亿元|元|亩|家|个|%)")


def _sum_line(stated: list[str]) -> tuple[str, ToolCall] | None:
    """"a+b=c" over the one figure each earlier part stated, when all share a unit."""
    found = []
    for line in stated:
        amounts = _AMOUNT.findall(re.sub(r"\[\d+\]", "", line))
        if len(amounts) != 1:
            return None
        found.append(amounts[0])
    units = {u for _, u in found}
    if len(found) < 2 or len(units) != 1:
        return None
    unit = units.pop()
    values = [Decimal(v) for v, _ in found]
    total = sum(values, Decimal(0))
    expr = "+".join(f"{v}" for v in values)
    call = ToolCall(name="sum_of_parts", arguments={"values": [str(v) for v in values], "unit": unit},
                    result={"total": str(total), "formula": f"{expr}={total}{unit}"})
    return f"合计{expr}={total}{unit}。", call


def _amount_sentences(clause: Clause, question: str) -> list[str]:
    """Sentences of ``clause`` that state an amount of the kind of support the question names."""
    kinds = set(_REWARD.findall(question))
    if not kinds:
        return []
    return [x for x in sentences(clause.text) if NUMBER.search(x) and any(k in x for k in kinds)]


def _under_head(item: str, clause: Clause) -> str | None:
    """``item`` (a list item of ``clause``) after the head that introduces the list, up to its
    colon; None when ``item`` is no item or the clause has no such head before it."""
    if not bearing.ITEM_START.match(item):
        return None
    order = sentences(clause.text)
    before = order[:order.index(item)] if item in order else order
    opening = next((x for x in before if bearing.LIST_HEAD.search(x) and not bearing.ITEM_START.match(x)), None)
    if opening is None:
        return None
    head = bearing.whole_head(opening, clause)
    if not "".join(head).strip().endswith(("：", ":")):
        return None  # 处…以上…以下的罚款 names no list
    return _ARTICLE_START.sub("", bearing.under_head(head, item))


def _cited(span: str, marker: str) -> str:
    """A quoted span with its marker before the closing punctuation: ``…20个工作日内[1]。``"""
    # The article number is in the label the answer names; the statement starts after it.
    body = _ARTICLE_START.sub("", span.strip()).rstrip("。；;，,")
    return f"{body}{marker}。"


def _after(prefix: str, span: str, marker: str) -> str:
    """The lead line: the source named, then what it says — once, when the label that names
    the source already says it (a heading that states the dates: （三）全面推进实施（2024年7月至…）)."""
    body = _bare(_ARTICLE_START.sub("", span.strip()).rstrip("。；;，,"))
    if prefix and body and body in _bare(prefix):
        return f"{prefix.rstrip('，')}{marker}。"
    return prefix + _cited(span, marker)


_ARTICLE_START = re.compile(r"^第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)?\s*")


def abstain(question: str, reason: str, documents: list[str]) -> Answer:
    """The answer when the corpus does not support one: no citation is presented.

    It says why, and what the corpus does hold, so the person knows where else to ask.
    """
    held = "、".join(documents) if documents else "（无）"
    text = (f"现有文件不涉及这个问题，无法给出有依据的回答（{reason}）。\n"
            f"目前收录的文件：{held}。如需了解其他政策，请咨询相关主管部门。")
    return Answer(question=question, answer=text, abstained=True, citations=[])
