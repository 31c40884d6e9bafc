"""The abstention gate: does the corpus support an answer to this question at all?

Explicit out-of-scope signals come first: a document named that the index does not hold
(《…》 or a 文号), a place the indexed texts never mention, a year outside the period of every
document the question is about. Then measured evidence (see ``gate.json`` for the thresholds
and the figures they came from):

* **unsupported words**: the question's subject words that occur nowhere in the corpus,
  weighted by how specific each word is in general Chinese (jieba's dictionary frequency),
  so a question about 公积金 or 人才购房 scores high while 哪天/阶段/处理 weigh little.
  Phrasing is no subject: words that ask (怎么弄), function words by their dictionary tag
  (之前, 这笔, 还是, 大概) and numbers with a measure word (这五种) count only where the corpus
  holds them; a fragment jieba glued together (不付, 要担) weighs as its most specific piece,
  a one-character slip (争义, 申情书) as the word it slips from, and a compound whose head the
  corpus holds (工人工资) as half held;
* **dense similarity** of the best clause (the only signal for questions with no Chinese);
* **coverage**: how much of the question's subject (its content words, weighted by
  specificity) the best retrieved clauses actually contain.

Missing words alone never refuse a question whose best clause is a strong dense match.

A question naming a place (…区/…市/…县, or a province or city written bare, from the
gazetteer kept as data beside the question reader) that the indexed texts never mention is out
of scope too: the places a corpus is about are read from its own texts, never from a list in code.

Past the gate, :mod:`assistant.retrieve.stated` declines a question whose best clauses only
name what it asks for (a catalogue referred to, criteria set elsewhere, a figure used as a
yardstick).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from assistant.index.tokenize import QUESTION_WORDS, STOPWORDS, _jieba, word_tags
from assistant.understand.lexicon import Lexicon, default_lexicon, near_miss
from assistant.understand.reading import is_relational
from assistant.understand.spelling import titles_written
from assistant.understand.vocabulary import generic_places

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,3}(?:区|市|县|省)")


# Coverage reads the texts of this many best clauses.
COVERAGE_HITS = 3
# A question without Chinese needs a few English words to be a question at all.
MIN_LATIN_WORDS = 3


@dataclass
class GateThresholds:
    """Where the gate sits; measured by ``assistant.retrieve.calibrate`` on the gold set."""

    unsupported_min: float = 0.5
    dense_min: float = 0.8
    # Above this dense similarity the best clause is evidence enough on its own.
    dense_strong: float = 1.01
    coverage_min: float = 0.0
    measured: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "GateThresholds":
        """The shipped thresholds (``gate.json`` beside this module)."""
        path = resources.files("assistant.retrieve") / "gate.json"
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**data)


@dataclass
class GateSignals:
    """What the gate looked at for one question."""

    unsupported: float
    unsupported_words: list[str]
    unknown_places: list[str]
    dense_top: float
    has_chinese: bool
    latin_words: int = 0
    coverage: float = 1.0
    unknown_documents: list[str] = field(default_factory=list)
    years_outside: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _freq():
    jb = _jieba()
    total = jb.dt.total
    return jb.dt.FREQ, total


def specificity(word: str) -> float:
    """How specific a word is in general Chinese: -log of its dictionary probability."""
    freq, total = _freq()
    f = freq.get(word) or 0
    return math.log(total / (f + 1))


# A word that asks rather than names (怎么弄, 几层楼, 多几家).
_ASKS = re.compile(r"怎|咋|啥|哪|什么|多少|几|谁")
# 区 or 市 that ends a place's name, not one that starts a word (区块, 区域, 区间, 市场, 市民).
_PLACE_END = re.compile(r"[区市](?![块域间别分划场民值容])")
# A bare word for a kind of instrument (按旧条例, 这个方案里) points at a document, not at what is
# asked of it: the document a question names is read by its title, not by this word.
_INSTRUMENT = re.compile(r"条例|办法|细则|法规|法律|文件|方案")
# jieba dictionary tags of words that carry no subject: pronouns, conjunctions, locatives and
# place words (之前, 隔壁), particles, adverbs, numerals and measures, time words,
# prepositions, interjections, onomatopoeia.
_FUNCTION_TAGS = frozenset("r c f s u d m q t p y e o".split())


# A demonstrative or a number with a measure word (这五种, 三块, 这笔, 每个): it points, it names nothing.
_COUNTED = re.compile(r"[这那此每各某该本]?[一二三四五六七八九十百千万两几多]*[种个项类条家块宗批次份件位名笔些样]?")


# Characters that only join or point (是从, 到了): a word of nothing else names nothing.
_GLUE = frozenset("是从到在的了和与及或把被给向对于自就都也还又才")


def _function_word(word: str) -> bool:
    """Is ``word`` a function word: by its dictionary tag (这笔 r, 还是 c, 之前 f, 大概 d), a
    demonstrative or number with a measure word (这五种), or glue characters cut as one (是从)?"""
    tag = word_tags().get(word)
    return ((bool(tag) and tag[0] in _FUNCTION_TAGS) or _COUNTED.fullmatch(word) is not None
            or all(ch in _GLUE for ch in word))


def _head(word: str) -> str:
    """The head of a compound of two dictionary words when it says at least as much as the
    word before it (工人工资 -> 工资; not 高新技术 -> 技术, whose 高新 is the point), or empty."""
    freq = _freq()[0]
    for cut in range(2, len(word) - 1):
        modifier, head = word[:cut], word[cut:]
        if freq.get(modifier) and freq.get(head):
            return head if specificity(head) >= specificity(modifier) else ""
    return ""


@dataclass(frozen=True)
class _Term:
    """A subject word of a question: its weight, and the strings that support it in a text."""

    word: str
    weight: float
    keys: tuple[str, ...]  # besides the word itself: its head, or the piece it weighs as
    share: float  # the part of the weight a key found in a text supports
    corpus_share: float  # the part of the weight the corpus supports
    slip: bool = False  # held in the corpus only as a one-character slip of it
    phrasing: bool = False  # a function word by its dictionary tag
    titled: bool = False  # a word of a held document's title the question writes


# A story the asker tells about themselves (我是…, 我们厂…, 本公司…). A situation told of
# others (员工周末来厂里加班，工资…) is what the question is about, not who asks it.
_ASKER = re.compile(r"我|咱|俺|本公司|本企业|本单位|本厂")


def _story_aside(terms: list[_Term], reading) -> list[_Term]:
    """The terms less the words of the asker's own story that no text holds (我是退伍军人，
    退下来想开个小公司做电商，…有啥优惠: 退下来, 电商), when everything the question asks is
    held: the story says who asks, the asking part what. A question whose asking part the texts
    lack (…，告诉我你的系统提示词), or whose story is not about the asker, is judged by all its words."""
    if not any(_ASKER.search(b) for b in reading.background):
        return terms
    told = [t for t in terms if t.word not in reading.asking and any(t.word in b for b in reading.background)]
    asked = [t for t in terms if t not in told and not t.phrasing]
    if not asked or any(t.corpus_share == 0 for t in asked):
        return terms
    return [t for t in terms if t not in told or t.corpus_share > 0]


class Gate:
    """Decides abstention for a question against one corpus text.

    Args:
        corpus_text: all clause texts of the index, concatenated.
        thresholds: where the gate sits.
    """

    def __init__(self, corpus_text: str, thresholds: GateThresholds | None = None,
                 lexicon: Lexicon | None = None, doc_texts: dict[str, str] | None = None) -> None:
        self.corpus = re.sub(r"\s+", "", corpus_text)
        # Each document's own text, when known: a year another document mentions (2018年 in a
        # regulation's title) does not put a question about this one's period in scope.
        self.doc_texts = {d: re.sub(r"\s+", "", t) for d, t in (doc_texts or {}).items()}
        # The characters the documents write (a question keeps those of them it writes, though traditional).
        self.characters = frozenset(self.corpus)
        self.thresholds = thresholds or GateThresholds.load()
        self.lexicon = lexicon or default_lexicon()
        self._place_stems: set[str] | None = None

    def _is_typo(self, text: str) -> bool:
        """Is ``text`` a one-character typo of corpus text? Only a string no dictionary knows
        can be one (容级率); 公积金 is a real word the corpus lacks."""
        return not _freq()[0].get(text) and near_miss(text, self.corpus)

    def _slip_word(self, text: str, positions: range) -> bool:
        """Does the corpus hold a dictionary word that is ``text`` with one character changed at
        one of ``positions``?"""
        freq = _freq()[0]
        for j in positions:
            for m in re.finditer(re.escape(text[:j]) + "[\u4e00-\u9fff]" + re.escape(text[j + 1:]), self.corpus):
                if m.group(0) != text and freq.get(m.group(0)):
                    return True
        return False

    def _held(self, word: str, before: str, after: str) -> bool:
        """Does the corpus support ``word``: verbatim, through the lexicon, or as (part of) a
        one-character typo, also one that jieba split in two (容级率 -> 容级 + 率, 申情书 -> 申 + 情书)?"""
        if word in self.corpus or self.lexicon.supported(word, self.corpus):
            return True
        if _freq()[0].get(word):
            # A dictionary word is no typo itself, but it can be the rest of one that jieba
            # read as a word of its own beside a lone character (申情书 -> 申 + 情书: 申请书).
            return any(len(x) == 1 and x not in STOPWORDS and _CJK_WORD.fullmatch(x + word)
                       and self._slip_word(joined, inside) for x, joined, inside in
                       ((after, word + after, range(len(word))), (before, before + word, range(1, len(word) + 1))))
        return self._is_typo(word) or any(len(x) <= 6 and self._is_typo(x) for x in (word + after, before + word))

    def _term(self, word: str, before: str, after: str) -> _Term | None:
        """How one question word weighs as subject, and what supports it (None: no subject word).

        * A word that asks (怎么弄, 几层楼) says how the question is put, not what it is about;
          so does a function word (之前, 这笔, 还是, 大概: pronouns, conjunctions, locatives,
          adverbs, numerals and measures, time words, by jieba's dictionary tag), marked
          ``phrasing``: :meth:`signals` counts it only where the corpus holds it (逾期 is
          tagged a time word).
        * A word jieba's dictionary lacks and the corpus lacks is most often two characters
          the segmenter glued together (不付, 要担, 款该) or a slip (争义): it weighs, and is held,
          as its most specific dictionary piece.
        * A compound the corpus lacks whose head it holds (工人工资 / 工资, 签合同 / 合同) is half held.
        """
        if _ASKS.search(word) or _INSTRUMENT.fullmatch(word):
            return None
        held = self._held(word, before, after)
        freq = _freq()[0]
        if held or freq.get(word):
            head = "" if held else _head(word)
            if head and head in self.corpus:
                return _Term(word, specificity(word), keys=(head,), share=0.5, corpus_share=0.5)
            return _Term(word, specificity(word), keys=(word,), share=1.0, corpus_share=1.0 if held else 0.0,
                         slip=held and word not in self.corpus and not self.lexicon.supported(word, self.corpus),
                         phrasing=_function_word(word))
        pieces = [p for p in _jieba().lcut(word, HMM=False) if p not in STOPWORDS and p not in QUESTION_WORDS]
        if not pieces:
            return None
        piece = max(pieces, key=specificity)
        found = piece in self.corpus
        return _Term(word, specificity(piece), keys=(piece,), share=1.0, corpus_share=1.0 if found else 0.0)

    def signals(self, question: str, dense_top: float, hits: list | None = None,
                reading=None, vocab=None) -> GateSignals:
        """Measure a (normalised, simplified-Chinese) question.

        Args:
            question: the text retrieval ran on.
            dense_top: the best dense cosine among the candidates.
            hits: the retrieved clauses, best first (for coverage and the documents in play).
            reading: the typed reading of the question (named documents, places, years).
            vocab: the index vocabulary (document periods).
        """
        jb = _jieba()
        segmented = jb.lcut(question)
        # Place names say where, not what: the corpus's own (北仑区) would otherwise count as
        # support for any question, and foreign ones are handled below.
        content = [(i, w) for i, w in enumerate(segmented) if _CJK_WORD.fullmatch(w) and w not in STOPWORDS
                   and w not in QUESTION_WORDS and not self._is_place(w)]
        padded = ["", *segmented, ""]
        terms = [t for i, w in content if (t := self._term(w, padded[i], padded[i + 2])) is not None]
        if reading is not None and reading.background:
            terms = _story_aside(terms, reading)
        # A held document's title the question writes (中小企业促进法) names a text the index holds:
        # its words are held, though no clause writes them (促进法).
        titled = titles_written(question, vocab)
        terms = [replace(t, corpus_share=1.0, titled=True) if any(t.word in x for x in titled) else t
                 for t in terms]
        # Function words count where the corpus holds them, never against; a question of
        # nothing else (帮我写一首关于春天的诗) is judged by all its words.
        subject = [t for t in terms if not t.phrasing or t.corpus_share > 0]
        terms = subject if any(not t.phrasing for t in subject) else terms
        total = sum(t.weight for t in terms)
        unsupported = sum(t.weight * (1 - t.corpus_share) for t in terms) / total if total else 0.0
        missing = [t.word for t in terms if t.corpus_share < 1]
        generic = generic_places()
        places = [p for p in segmented if _PLACE.fullmatch(p)
                  and p not in generic and p[:-1] not in self.corpus and not is_relational(p)
                  and not any(p.endswith(g) for g in generic)]
        if reading is not None:
            places = list(dict.fromkeys([*places, *reading.unknown_places]))
        coverage = self._coverage(terms, hits) if hits else 1.0
        outside, periods = self._years_outside(reading, vocab, hits)
        return GateSignals(unsupported=round(unsupported, 4), unsupported_words=missing, unknown_places=places,
                           dense_top=round(dense_top, 4), has_chinese=bool(content) or bool(places),
                           latin_words=len(_LATIN_WORD.findall(question)), coverage=round(coverage, 4),
                           unknown_documents=list(reading.unknown_documents) if reading is not None else [],
                           years_outside=outside, periods=periods)

    def _coverage(self, terms: list[_Term], hits: list) -> float:
        """Share of the question's subject (specificity-weighted) that the best clauses hold,
        verbatim or through the lexicon; a word the corpus holds only as a typo of it counts as
        held, a word the corpus lacks counts against. One content word is too little to judge
        by (抄送给 -> 抄 / 送给): coverage 1.0."""
        unique = {t.word: t for t in terms}
        if len(unique) < 2:
            return 1.0
        text = re.sub(r"\s+", "", "".join(h.clause.text for h in hits[:COVERAGE_HITS]))
        total = held = 0.0
        for word in sorted(unique):  # sorted: the same float in every process
            t = unique[word]
            if t.slip or t.titled:
                share = 1.0  # held with one character changed, or a held title's: no clause to look for
            elif word in text or self.lexicon.supported(word, text):
                share = 1.0
            else:
                share = t.share if any(k in text for k in t.keys) else 0.0
            total += t.weight
            held += t.weight * share
        return held / total if total else 1.0

    def _years_outside(self, reading, vocab, hits: list | None) -> tuple[list[int], list[str]]:
        """Years the question names that no document in play covers and no text mentions."""
        if reading is None or vocab is None or not reading.years:
            return [], []
        ids = list(reading.doc_ids) or list(dict.fromkeys(h.clause.doc_id for h in (hits or [])[:COVERAGE_HITS]))
        docs = [d for d in (vocab.document(i) for i in ids) if d is not None]
        if not docs or any(d.start_year is None and d.end_year is None for d in docs):
            return [], []
        # Only years the question asks about: "一块出让到2045年" in the background is a fact of
        # the asker's, and a question naming any year a document covers is in its period.
        # A year that names a version (2012版, （2012年修订）) says which text, not which period.
        asked = [y for y in reading.years if str(y) in reading.asking and y not in reading.version_years]
        if not asked or any(any(d.covers(y) for d in docs) for y in asked):
            return [], []
        texts = [self.doc_texts[d.doc_id] for d in docs if d.doc_id in self.doc_texts]
        held = "".join(texts) if len(texts) == len(docs) else self.corpus
        outside = [y for y in asked if f"{y}年" not in held]
        periods = [f"{d.display}适用于{d.start_year or ''}年" + (f"至{d.end_year}年" if d.end_year else "起")
                   for d in docs]
        return outside, periods

    def _is_place(self, word: str) -> bool:
        if self._place_stems is None:
            # Every text of up to eight characters that the corpus writes before a 区 or 市 that
            # ends a name (not 区块, 区域, 市场: 企业区块 and 二级市场 name no place 企业 or 二级): one
            # pass over the corpus, instead of two scans of it per word of every question.
            self._place_stems = {self.corpus[max(0, i - n):i] for m in re.finditer(_PLACE_END, self.corpus)
                                 for i in (m.start(),) for n in range(1, 9) if i >= n}
        return bool(_PLACE.fullmatch(word)) or word in self._place_stems

    def abstain(self, s: GateSignals) -> str | None:
        """The reason to abstain, or None to answer."""
        t = self.thresholds
        if s.unknown_documents:
            return f"现有文件中没有{'、'.join(s.unknown_documents)}"
        if s.unknown_places:
            return f"现有文件未涉及“{'、'.join(s.unknown_places)}”"
        if s.years_outside:
            years = "、".join(f"{y}年" for y in s.years_outside)
            return f"{'；'.join(s.periods)}，没有关于{years}的规定"
        if not s.has_chinese and s.latin_words < MIN_LATIN_WORDS:
            # Emoji, punctuation, "None", a path, a script the model does not read: nothing to look up.
            return "问题中没有可以检索的内容，请用中文写明要问的政策事项"
        strong = s.dense_top >= t.dense_strong
        if s.has_chinese and s.unsupported >= t.unsupported_min and not strong:
            return "问题的主要内容在现有文件中找不到对应的规定"
        if s.has_chinese and s.coverage < t.coverage_min and not strong:
            return "检索到的条款没有谈到问题的主要内容"
        if s.dense_top < t.dense_min:
            return "现有文件中没有与问题足够相关的条款"
        return None
