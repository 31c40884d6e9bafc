"""The Assistant: one object that ingests, retrieves and answers (the Python API)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.answer.arith import ASKS_FORMER, FORMER_LINE, arith_answer
from assistant.answer.document_facts import asked_fact, document_fact_answer
from assistant.answer.bearing import article_of, counterpart
from assistant.answer.extractive import MIN_TITLE, abstain, best_sentence, compose, compose_parts, speaks_only_of
from assistant.answer.finalise import finalise
from assistant.answer.shapes import SHAPES, sentences
from assistant.answer.normalize import (RETRIEVAL_MAX_CHARS, converts, is_followup, normalize_history, normalize_question,
                                       retrieval_query)
from assistant.config import Settings
from assistant.index.tokenize import words
from assistant.corpus import get_clause
from assistant.documents.validity import current_version_first, prefer_in_force
from assistant.index.store import ClauseIndex
from assistant.models import Answer, Clause, DocumentMeta
from assistant.retrieve.gate import Gate, GateSignals, specificity
from assistant.retrieve.hybrid import Hit, Mode, Retriever
from assistant.retrieve.stated import named_only, unheld_contents
from assistant.tables.reading import names_table
from assistant.tables.table import tables_of
from assistant.understand.lexicon import default_lexicon
from assistant.understand.names import correction_note, prefer_named
from assistant.understand.spelling import correct_slips, correct_titles
from assistant.understand.reading import (CONDITION, MEDIUM, SPECIFIC, Part, Reading, content_words, leans_on_history, names_subject, negated, quote_held,
                                          names_own_subject, read_question, retrieval_text)
from assistant.understand.versions import read_versions, resolve, strip_cues, version_name
from assistant.understand.vocabulary import Vocabulary, build_vocabulary

# Composers tried before retrieval: each returns an Answer, or None when the question is
# not for it. Optional modules that are not installed are skipped.
ROUTES = (
    ("table", "assistant.tables.answer", "table_answer"),
    ("tool", "assistant.tools.answer", "tool_answer"),
    ("eligibility", "assistant.eligibility.chat", "match_answer"),
)
# An eligibility answer is for an enterprise describing itself, not for a question about
# what the text says of 国有企业 in general.
_SELF = re.compile(r"我们|我司|我厂|我公司|本公司|本企业|我单位|俺|咱|我家|我方|\b(we|our|us)\b", re.I)
_DIGIT = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+(?:万|亿|亩|元|平方米|%|年)")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _route_applies(name: str, question: str, history: list[str]) -> bool:
    if name == "eligibility":
        return bool(_SELF.search(question)) or (bool(history) and bool(_SELF.search(history[-1])))
    return True


def sparse_query(query: str) -> str:
    """The BM25 query: the question plus the policy terms of its everyday words."""
    extra = default_lexicon().expand(query)
    return f"{query} {' '.join(extra)}" if extra else query


# What a table cell never answers: a multi-part question with a part asking one of these (and
# naming no row) is answered part by part, not by the table route.
_NOT_TABLE = frozenset({"who", "when", "time_limit", "penalty", "definition"})
# …unless the same part compares rows or asks an extreme (谁的任务更多 asks who of the rows).
_TABLE_OPS = frozenset({"compare", "superlative", "filter", "sum", "share"})
# What a listing of the measures that apply to the asker never answers: who leads, a time
# limit, a date or a definition, asked with the asker's situation as background.
_NOT_ELIGIBILITY = frozenset({"who", "when", "time_limit", "definition"})
# A sum of money asked for (能补多少钱, 补助多少).
_ASKS_SUM_OF_MONEY = re.compile(r"多少钱|补多少|奖多少|补助多少|奖励多少|几万|多少万")
# …or of an award, a subsidy or a fine, in any order of words (能拿多少奖励, 罚多少).
_ASKS_MONEY = re.compile(_ASKS_SUM_OF_MONEY.pattern + r"|多少(?:奖励|补助|补贴|资金|罚款)|拿多少|罚多少")
# What asks for a figure (a table cell answers these).
_FIGURE_ASKS = frozenset({"amount", "share", "sum", "filter", "superlative", "compare", "calculation"})
# A figure with its unit, as an answer states it (300亩, 1.2万平方米, 48家).
_FOUND = re.compile(r"\d+(?:\.\d+)?(?:万平方米|平方米|万元|亿元|元|亩|家|个)")
# What a part can ask of the situation the asker told before it: a shape of its rule.
_SHAPE_ASKS = frozenset({"time_limit", "amount", "when", "who", "definition", "penalty"})
# How far down a later part's ranking a clause of the first part's document still leads it.
HOME_RANK = 3
# A later part is answered from the first part's document when that document's best clause for it
# scores at least this share of the best clause of any other on the part's own words.
HOME_SHARE = 0.8
# A version's counterpart of the leading version's clause answers for it when it scores at least
# this share of that version's own best clause on the question's words.
ALIGN_SHARE = 0.75
# How far down each version's ranking a clause is tried as the provision the versions compare.
ALIGN_DEPTH = 3
# Pairings whose clauses' retrieval scores add up to within this much of the best are alike (about
# one step of rank in fused scores).
ALIGN_TIE = 0.0005
# A question of at most this many characters, naming no document or place, after a turn that named
# one, is asked about what that turn asked of.
SHORT_FOLLOW_UP = 12
# A part that opens by pointing back at what was told (这种…, 那个…, 此类…).
_POINTS_BACK = re.compile(r"(?:那么|那|这|此|该|上述|其)")


# A follow-up this long (less 那…呢) that names a word of weight the earlier question lacks tells a
# case of its own.
OWN_FOLLOW_UP_CHARS = 8


def _own_follow_up(question: str, earlier: str, vocab: Vocabulary) -> str | None:
    """A follow-up (那…呢) that tells a case of its own — long enough, with a word of weight
    (竣工) the earlier question does not have — asked as the earlier question asked of that
    case: 那竣工以后一直没交竣工资料呢？ after …擅自开工，会罚多少？ is 竣工以后一直没交竣工资料，会罚多少？
    None for any other follow-up (那大型企业呢 borrows the earlier question whole)."""
    from assistant.retrieve.gate import specificity

    bare = re.sub(r"^(?:那么|那|还有|另外)|呢?[？?。！!\s]*$", "", question)
    if read_versions(bare).named:
        return None  # 那2025年修订后的版本呢: the earlier question of another version
    own = [w for w in content_words(bare) if w not in earlier and specificity(w) >= MEDIUM and w in vocab.text]
    asked = [x for x in re.split(r"[，,。；;]", earlier.rstrip("？?。！! ")) if _ASKS_WORD.search(x)]
    shared = [w for w in content_words(bare) if w in earlier and specificity(w) >= MEDIUM]
    if len(bare) < OWN_FOLLOW_UP_CHARS or not own or not asked or _ASKS_WORD.search(bare) \
            or shared or CONDITION.match(bare):
        return None  # 那要是没法整改消除影响呢: the earlier case with one condition changed
    # …还能整改的话怎么罚: the earlier condition gives way to the follow-up's own case.
    ask = re.split(r"的话|的情况下|情况下", asked[-1])[-1].strip("，, ")
    return f"{bare}，{ask}？"


# A word that asks (多少, 怎么, 吗…): a follow-up that has one asks its own question.
_ASKS_WORD = re.compile(r"多少|几|怎么|如何|什么|哪|谁|吗|能否|是否|可以")


def _eligibility_fits(answer: Answer, reading: Reading, hits: list[Hit]) -> bool:
    """Whether a listing of what applies to the asker answers this question: it asks no
    specific thing with the asker's situation as background (哪个部门牵头, 补助标准是多少, 能统一吗), and
    its best clause is of a document the listing draws on (上海的厂房罚款 is no question about
    the plan whose rules list measures)."""
    asks = set(reading.asks)
    if not {"eligibility", "calculation"} & asks and (asks & _NOT_ELIGIBILITY or asks in ({"amount"}, {"yesno"})):
        return False  # …出让到期时间都不一样，能统一吗: whether one thing is allowed, not what applies
    if reading.multi_part and not any("eligibility" in p.asks for p in reading.parts):
        return False  # …最多能占多少亩？建筑面积占比上限又是多少？ — each part asks one thing of its own
    cited = {c.id.split(":", 1)[0] for c in answer.citations}
    return not hits or hits[0].clause.doc_id in cited

# 负责人呢, 那个人呢: the question before, asked about something else.
_ELLIPTICAL = re.compile(r"(?:那|那么)?[^，。？?]{1,8}呢")


def _also(answer: Answer | None, former: bool = False) -> Answer | None:
    """Only the 另：… lines of a computed answer (what the clause sets beside the computed
    rule), or with ``former`` its 调整前… line (the rate a change replaced); None when it has none."""
    if answer is None:
        return None
    extra = [x for x in answer.answer.splitlines() if x.startswith(FORMER_LINE)] if former else \
        ["同一条款规定：" + x.removeprefix("另：") for x in answer.answer.splitlines() if x.startswith("另：")]
    # A computed line keeps the calculation that backs its figure.
    calls = answer.tool_calls if former else []
    return answer.model_copy(update={"answer": "\n".join(extra), "tool_calls": calls}) if extra else None


# A year (到2026年, 2025年版) dates what is asked; it is no quantity of the asker's to compute with.
_A_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


def _has_number(question: str) -> bool:
    return bool(_DIGIT.search(_A_YEAR.sub("", question)))


def _tool_ran(answer: Answer) -> bool:
    return bool(answer.tool_calls) and all(c.error is None for c in answer.tool_calls)


def _related(a: str, b: str) -> bool:
    """Whether two clause ids are the same clause or one holds the other (``doc:ch2`` / ``doc:ch2.art9``)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _retrieval_agrees(answer: Answer, hits: list[Hit]) -> bool:
    """Whether the question's own retrieval found the clause a calculator answer rests on.

    A calculator that could not run (an argument missing or refused) only shows that its
    trigger words occur in the question; the answer is kept when the clause defining the
    rule is among the retrieved clauses, otherwise the retrieval answer serves the question.
    """
    cited = [c.id for c in answer.citations]
    return any(_related(cid, h.clause.id) for cid in cited for h in hits)


@dataclass(frozen=True)
class Evidence:
    """What :meth:`Assistant.evidence` found for one question."""

    question: str          # normalised
    history: list[str]     # normalised, oldest first
    reading: Reading
    query: str             # what retrieval searched
    hits: list[Hit]        # retrieved clauses, best first (before the in-force preference)
    signals: GateSignals
    note: str = ""         # how a slipped name was read (（问题中的“付组长”按“副组长”理解。）)


class Assistant:
    """Answers questions over the indexed corpus with citations.

    Args:
        settings: configuration (read from the environment when omitted).
        auto_ingest: ingest the shipped corpus when the index is empty.
        progress: receives messages about slow steps (e.g. the first ingestion).
    """

    def __init__(self, settings: Settings | None = None, auto_ingest: bool = True,
                 progress: Callable[[str], None] | None = None, llm: Any = None) -> None:
        self.settings = settings or Settings.from_env()
        # A model endpoint (assistant.llm.config.LLMConfig), False for none, or None: the
        # POLICY_ASSISTANT_LLM_* variables, read when an answer first needs them.
        self._llm = llm
        self.auto_ingest = auto_ingest
        self.progress = progress or (lambda msg: None)
        self._index: ClauseIndex | None = None
        self._retriever: Retriever | None = None
        self._gate: Gate | None = None
        self._vocab: Vocabulary | None = None
        self._routes: list[tuple[str, Callable]] | None = None

    # -- setup --------------------------------------------------------------------
    @property
    def index(self) -> ClauseIndex:
        """The clause index, ingesting the shipped corpus first into a home that never held one.

        With ``auto_ingest`` an index in an older format is rebuilt, and one left by a
        killed ingestion or with a dense store that disagrees with its clauses is repaired,
        before it is used (:func:`assistant.index.startup.prepare_for_questions`).
        """
        if self._index is None:
            from assistant.index.startup import prepare_for_questions

            index = ClauseIndex(self.settings)
            prepare_for_questions(index, self.settings, self.auto_ingest, self.progress)
            index.check_compatible()
            self._index = index
        return self._index

    def reload(self) -> None:
        """Forget cached index state (after an ingestion by another object or process)."""
        if self._index is not None:
            self._index.close()
        self._index = self._retriever = self._gate = self._vocab = None

    def _sync(self) -> None:
        """Pick up a new commit of the index by another process (a cheap stat of index.json)."""
        if self._index is not None and self._index.is_stale():
            self.reload()

    @property
    def retriever(self) -> Retriever:
        """The hybrid retriever over the index."""
        if self._retriever is None:
            self._retriever = Retriever(self.index)
        return self._retriever

    @property
    def gate(self) -> Gate:
        """The abstention gate, built from the indexed text."""
        if self._gate is None:
            clauses = list(self.index.clauses().values())
            by_doc: dict[str, list[str]] = {}
            for c in clauses:
                by_doc.setdefault(c.doc_id, []).append(c.text)
            self._gate = Gate("\n".join(c.text for c in clauses),
                              doc_texts={d: "\n".join(t) for d, t in by_doc.items()})
        return self._gate

    @property
    def vocabulary(self) -> Vocabulary:
        """The index's own words (documents, places, rows, defined terms) for reading questions."""
        if self._vocab is None:
            self._vocab = build_vocabulary(self.index.clauses().values(), self.documents())
        return self._vocab

    def _evidence(self, q: str, hist: list[str], k: int) -> tuple[Reading, str, list[Hit], GateSignals]:
        """Read the question, retrieve on its asking part (within the documents it names) and
        measure what the gate weighs."""
        vocab = self.vocabulary
        reading = read_question(q, vocab)
        text = retrieval_text(reading, vocab)
        query = retrieval_query(text, hist)
        if hist and query == text[:RETRIEVAL_MAX_CHARS] and self._leans(reading, hist):
            # 旧版那条写的是…: the earlier question says what "那条" is.
            room = RETRIEVAL_MAX_CHARS - len(text) - 1
            query = f"{hist[-1][-room:]} {text}" if room > 0 else query
        reading, query = self._versions(reading, query, hist, k)
        hits, dense_top = self.retriever.search_with_dense_top(query, k=k, sparse_query=sparse_query(query),
                                                               doc_ids=reading.doc_ids or None)
        signals = self.gate.signals(query, dense_top, hits=hits, reading=reading, vocab=self.vocabulary)
        # The clauses the question's names name (a department's duty, a row, 副组长) come first.
        named = self._named(q, reading.asking, reading.asks) if reading.background else vocab.named_clauses(q)
        hits = prefer_named(q, hits, named, self.index.clauses())
        return reading, query, hits, signals

    def _leans(self, reading: Reading, hist: list[str]) -> bool:
        """Does a question asked after earlier turns need the last one to be understood: it points
        back or names no subject of its own (:func:`leans_on_history`), or it is a short question
        naming no document or place after a turn that named one (能延期吗？能延多久？ after
        上海临时建设工程规划许可证有效期最长多久？)."""
        if leans_on_history(reading, self.vocabulary):
            return True
        return len(reading.asking or reading.question) <= SHORT_FOLLOW_UP and not reading.doc_ids \
            and not reading.places and bool(read_question(hist[-1], self.vocabulary).doc_ids)

    def _versions(self, reading: Reading, query: str, hist: list[str], k: int) -> tuple[Reading, str]:
        """Point retrieval at the version(s) of a regulation the question names (2012版, 旧版,
        现行…): ``doc_ids`` and ``versions`` of the reading, and the query without the version
        words. A question that names no version is returned as it is."""
        cue = read_versions(reading.question)
        if not cue.named:
            return reading, query
        vocab = self.vocabulary
        earlier = [i for h in hist[-1:] for i in read_question(h, vocab).doc_ids]

        def ranked() -> list[str]:
            return [h.clause.doc_id for h in self.retriever.search(query, k=k, sparse_query=sparse_query(query))]

        chosen, family = resolve(cue, vocab, reading.doc_ids, earlier, ranked)
        if not chosen:
            return reading, query
        kin = {d.doc_id for d in family}
        doc_ids = [d for d in reading.doc_ids if d not in kin] + chosen
        return reading.model_copy(update={"doc_ids": doc_ids, "versions": chosen}), strip_cues(query, cue)

    def _version_answer(self, q: str, reading: Reading, query: str) -> Answer:
        """Answer from each version asked about, part by part (2012年版：…[1] 2021年版：…[2])."""
        vocab = self.vocabulary
        parts, part_hits = [], []
        for doc_id in reading.versions:
            doc = vocab.document(doc_id)
            parts.append(Part(text=version_name(doc) if doc else doc_id, asks=reading.asks,
                              subject=reading.subject, query=query))
            part_hits.append(self.retriever.search(query, k=self.settings.top_k, sparse_query=sparse_query(query),
                                                   doc_ids=[doc_id]))
        part_hits = self._aligned(query, part_hits)
        return compose_parts(q, reading.model_copy(update={"parts": parts}), part_hits, vocab,
                             clauses=self.index.clauses())

    def _carried_to_version(self, reading: Reading, hist: list[str], clauses: dict) -> Answer | None:
        """那2020年版呢？ — the earlier question answered again from the one version now named:
        the clause that answered it there, and that clause's counterpart in the version named
        (the provision found once, not searched for again in words the follow-up lacks). None
        when the version states no counterpart (it may say it otherwise: the usual answer reads it)."""
        if not hist or len(reading.versions) != 1 or names_own_subject(reading, self.vocabulary):
            return None
        target = reading.versions[0]
        before = self.evidence(hist[-1], hist[:-1])
        if not before.hits or before.reading.multi_part:
            return None
        first = compose(before.question, before.hits, reading=before.reading, vocab=self.vocabulary, clauses=clauses)
        lead = clauses.get(first.citations[0].id) if first.citations and not first.abstained else None
        if lead is None or lead.doc_id == target:
            return None
        sentence, _ = best_sentence(lead, set(words(before.question)))
        twin = counterpart(sentence, [c for c in clauses.values() if c.doc_id == target])
        if twin is None:
            return None
        return compose(before.question, [Hit(clause=twin, score=before.hits[0].score)], reading=before.reading,
                       vocab=self.vocabulary, clauses=clauses)

    def _aligned(self, query: str, part_hits: list[list[Hit]]) -> list[list[Hit]]:
        """Versions compared answer with the same provision. Each of the first clauses retrieval
        found in any version is tried as the provision: with its counterpart in each other version
        (核算并退还 in 2025 beside 核实和结算 in 2020), it makes a pairing. The pairing whose
        clauses retrieval ranked highest in their own versions wins, so that the versions agree
        on what is compared and neither is answered with a clause that only shares more words
        (验收合格之日起算 beside 大型企业…60日内)."""
        qwords = set(words(query))
        # A time limit or a penalty asked: a pairing whose clauses state one answers before one
        # retrieval ranks higher (受理投诉的渠道 beside 10个工作日内转交).
        shape = next((p for ask, p in SHAPES if ask.search(query)), None)

        def states(clause: Clause, score: float) -> bool:  # it states the shape asked, about the question
            return shape is not None and score > 0 and any(shape.search(s) for s in sentences(clause.text))

        def found(hits: list[Hit], clause: Clause) -> float:  # how high retrieval ranked it (or its article)
            return max((h.score for h in hits if h.clause.id == clause.id or clause.id.startswith(h.clause.id + ".")
                        or h.clause.id.startswith(clause.id + ".")), default=0.0)

        own = [best_sentence(hits[0].clause, qwords)[1] if hits else 0.0 for hits in part_hits]
        if sum(bool(h) for h in part_hits) < 2:
            return part_hits
        clauses = self.index.clauses()
        by_doc: dict[str, list[Clause]] = {}
        for c in clauses.values():
            by_doc.setdefault(c.doc_id, []).append(c)
        tried: list[tuple[int, float, float, list[Hit | None]]] = []
        for i, hits in enumerate(part_hits):
            for hit in hits[:ALIGN_DEPTH]:
                sentence, score = best_sentence(hit.clause, qwords)
                if score <= 0:
                    continue
                chosen: list[Hit | None] = [None] * len(part_hits)
                chosen[i] = hit
                n_states, total = int(states(hit.clause, score)), hit.score
                for j, other in enumerate(part_hits):
                    if j == i or not other:
                        continue
                    twin = counterpart(sentence, by_doc.get(other[0].clause.doc_id, []))
                    twin_score = best_sentence(twin, qwords)[1] if twin is not None else 0.0
                    # The counterpart must be about the question nearly as much as the version's own
                    # first clause: a version that says what is asked elsewhere answers with its own.
                    if twin is None or twin_score < ALIGN_SHARE * own[j]:
                        continue
                    chosen[j] = Hit(clause=twin, score=other[0].score)
                    n_states += states(twin, twin_score)
                    total += found(other, twin)
                tried.append((n_states, total, score, chosen))
        if not tried:
            return part_hits
        # Of pairings retrieval ranks alike (an article and its paragraph score the same), the one
        # whose clause says most of what is asked (保证期限届满后…核算并退还 for 到期后的要求).
        most = max(t[0] for t in tried)
        top = max(t[1] for t in tried if t[0] == most)
        best = max((t for t in tried if t[0] == most and t[1] >= top - ALIGN_TIE), key=lambda t: t[2])[3]
        # Each version answers from its clause of the pairing, its own paragraphs and, when a time
        # limit or penalty is asked, the paragraphs of its article that state one (10个工作日内转交
        # beside 30日内形成处理结果) — not from a sibling paragraph about something else (不得收取
        # 其他保证金 beside 届满后…核实和结算), nor from the article that holds both, nor from
        # another article.
        out = []
        for hits, pick in zip(part_hits, best):
            if pick is None or not hits:
                out.append(hits)
                continue
            article = article_of(pick.clause, clauses)
            out.append([pick, *(h for h in hits if h.clause.id != pick.clause.id and (
                h.clause.id.startswith(pick.clause.id + ".")
                or (article is not None and article_of(h.clause, clauses) is article and states(h.clause, 1.0))))])
        return out

    def _route_fns(self) -> list[tuple[str, Callable]]:
        if self._routes is None:
            self._routes = []
            for key, module, name in ROUTES:
                try:
                    self._routes.append((key, getattr(importlib.import_module(module), name)))
                except ModuleNotFoundError as err:
                    if err.name and module.startswith(err.name):
                        continue
                    raise
        return self._routes

    # -- API ------------------------------------------------------------------------
    @property
    def llm(self) -> Any:
        """The model endpoint answers are written with (an ``LLMConfig``), or None."""
        if self._llm is None:
            from assistant.llm.config import LLMConfig

            self._llm = LLMConfig.from_env() or False
        return self._llm or None

    def ask(self, question: str, history: list[str] | None = None, llm: bool | None = None,
            on_token: Callable[[str], None] | None = None) -> Answer:
        """Answer one question (see :meth:`_answer`); every answer passes the finaliser
        (:func:`assistant.answer.finalise.finalise`) before it leaves.

        ``llm``: True requires the model endpoint, False answers extractively, None uses the
        endpoint when one is configured (:mod:`assistant.llm`: the model's answer is checked
        sentence by sentence, the extractive one is the fallback). ``on_token`` receives the
        model's draft as it streams.
        """
        evidence = self.evidence(question, history)
        answer = self._answer(question, evidence)
        if evidence.note and not answer.abstained and evidence.note not in answer.answer:
            answer = answer.model_copy(update={"answer": f"{answer.answer}\n{evidence.note}"})
        final = finalise(answer, self.index.clauses(), self.documents(), self.settings.clock()).answer
        if llm is False or (llm is None and self.llm is None):
            return final
        from assistant.llm.config import resolve
        from assistant.llm.flow import llm_answer

        return llm_answer(self, resolve(self.llm, llm), question, history, final, on_token, evidence=evidence)

    def evidence(self, question: str, history: list[str] | None = None) -> Evidence:
        """What one question's answer rests on: the question and history as read, the typed
        reading, the retrieval query, the retrieved clauses and the gate's measurements.

        Computed once per question; the extractive answer and the model-written one share it.

        Raises:
            EmptyQuestionError, QuestionTooLongError, AmountOutOfRangeError.
        """
        self._sync()
        q = self._normalized(question)
        # A name written with a slip (付组长, 新契) is read as the index writes it, everywhere after,
        # and so is a word with one character slipped (容级率, 规化许可证).
        q, names = self.vocabulary.correct_names(q)
        q, titled = correct_titles(q, [d.title for d in self.vocabulary.documents])
        q, slips = correct_slips(q, self.vocabulary.text, self.vocabulary.terms)
        slips = [*titled, *slips]
        hist = normalize_history(history, self.settings.max_question_chars)
        if any(converts(h) for h in history or []):
            hist = normalize_history(history, self.settings.max_question_chars, keep=self.gate.characters)
        own = _own_follow_up(q, hist[-1], self.vocabulary) if hist and is_followup(q) else None
        q = own or q  # a follow-up telling a case of its own now stands alone
        reading, query, hits, signals = self._evidence(q, [] if own else hist, self.settings.top_k)
        return Evidence(question=q, history=hist, reading=reading, query=query, hits=hits, signals=signals,
                        note=correction_note([*names, *slips]))

    def _answer(self, question: str, evidence: Evidence) -> Answer:
        """Answer one question.

        Args:
            question: the question, in Chinese (or English), as asked.
            evidence: what :meth:`evidence` found for it (and its history of earlier questions).
        Returns:
            The answer contract: text with ``[n]`` markers, citations, tool calls, and
            ``abstained`` when the corpus does not support an answer. (A question that cannot
            be read is refused earlier, by :meth:`evidence`.)
        """
        q, hist = evidence.question, evidence.history
        # The question as the user wrote it, less what cannot be encoded (lone surrogates).
        shown = _SURROGATE.sub("\ufffd", question)
        clauses = self.index.clauses()
        reading, query, signals = evidence.reading, evidence.query, evidence.signals
        hits = self._current(evidence.hits, reading)
        reason = self.gate.abstain(signals)
        # A question about a document itself (its dates, issuer, 抄送) has few topic words: the
        # measured signals say little about it, the explicit ones (a document, place or year
        # not held) still decline it.
        explicit = signals.unknown_documents or signals.unknown_places or signals.years_outside
        if reason and not explicit and quote_held(reading.asking, self.gate.corpus):
            reason = None  # 那个“双什么一什么”监管叫啥: the texts quote it (“双随机、一公开”)
        part_readings = self._part_readings(reading) if reading.multi_part else []
        # Parts that each name their own version (按2020年版…？现在的新版呢？) are answered part by
        # part, each from its version; two versions named for one question are compared.
        own_versions = {tuple(p.versions) for p in part_readings if p.versions}
        # (A document fact asked of each version — 老版本哪天施行？新修订的呢？ — is answered whole.)
        parted = reading.multi_part and (len(reading.versions) < 2 or (
            len(own_versions) >= 2 and not any(asked_fact(p) for p in part_readings)))
        part_readings = part_readings if parted else []
        if reason and parted and not explicit and self._part_passes(part_readings[0]):
            # The question's words measured against its first part's clauses: three questions
            # in one (…会被怎么处理？利息怎么算？能去哪投诉？) are no subject five clauses cover.
            reason = None
        if parted and not explicit and any(asked_fact(p) for p in part_readings):
            reason = None  # a part asks about a document itself (该按哪一版…？多少天内付款？)
        elif not reason or reading.doc_ids or (asked_fact(reading) and not explicit):
            fact = document_fact_answer(shown, self._fact_reading(reading, hist), hits, clauses, self.documents())
            if fact is not None:
                return fact
        # A calculation with numbers in it is answered by the tool even when the gate hesitates
        # (its words may be rare); anything else the gate rejects is out of scope.
        arith = arith_answer(q, [h.clause for h in hits], clauses)  # a rate, interest or deadline the clauses state
        if not reason and arith is None:
            # 某名单上有哪些企业 / 破产重整的申请流程: contents the documents only name.
            reason = unheld_contents(reading.parts[0].text if parted else reading.asking, self.gate.corpus)
        for name, route in self._route_fns():
            if not _route_applies(name, q, hist):
                continue
            if name == "table" and parted and not reading.rows and any(
                    set(p.asks) & _NOT_TABLE and not set(p.asks) & _TABLE_OPS for p in reading.parts):
                continue  # 谁来考核、多久考一次？…奖励标准是多少？ asks no table figure
            if name == "table" and parted and part_readings[0].rows and any(
                    not r.rows and _ASKS_MONEY.search(p.text) for p, r in zip(reading.parts[1:], part_readings[1:])):
                continue  # …任务是多少亩？…按每亩奖励标准能拿多少？ — a later part computes with the figure
            if name == "table" and parted and any(not names_table(p.text, tables_of(clauses)) and names_subject(p.text, self.vocabulary)
                                                  for p in reading.parts):
                # …创建多少家绿色工厂？累计新增工业投资要超过多少？ — a part with a subject of its own that
                # no table names (多几家, 有没有并列的 lean on the part before).
                continue
            if name == "table" and arith is not None and arith.tool_calls and not parted \
                    and not reading.rows and not reading.columns:
                continue  # …改造做了120亩，能拿多少奖励: the clause's rule computes with the asker's figure
            answer = route(q, clauses, history=hist, home=self.settings.home)  # packs live in the home
            if answer is None:
                continue
            if name == "table" and answer.abstained:
                return abstain(shown, answer.answer, self._document_names())  # a figure the table does not give
            if name == "eligibility" and not _eligibility_fits(answer, reading, hits):
                continue
            if name == "eligibility" and arith is not None and arith.tool_calls and not parted:
                continue  # 总用地40亩…最多能占多少亩: the clause's own rule computes what is asked
            if name == "eligibility" and not parted and _ASKS_SUM_OF_MONEY.search(reading.asking) \
                    and compose(q, hits, reading=reading, vocab=self.vocabulary, clauses=clauses).abstained:
                # …按新进园企业的产出能补多少钱？ — the sum asked is one the texts leave open (一定补助,
                # 标准另行制定): saying so answers it; a listing of what applies does not.
                continue
            if name == "tool" and not answer.tool_calls and not _has_number(q):
                continue  # a rule question without numbers: quote the rule instead of asking
            if name == "tool" and not _tool_ran(answer) and not _retrieval_agrees(answer, hits):
                continue  # trigger words alone: the question is about something else
            if name == "tool" and not _tool_ran(answer) and arith is not None and arith.tool_calls:
                continue  # the pack tool lacks an input; the clause's own rule computes with what is given
            if reason and not (name in ("tool", "table") and answer.tool_calls):
                break
            if reason and name == "table" and not reading.columns \
                    and not any(row in reading.asking for row in reading.rows):
                break  # 我们是某街道的企业…研发费用占比要多少: a row named only in the asker's situation
            return answer.model_copy(update={"question": shown})
        if not hits:
            reason = "索引中没有任何条款"
        if not reason and (arith is None or not arith.tool_calls) and len(reading.versions) < 2 and not parted:
            # The best clauses may only name what is asked for (…目录, 划分标准由…制定), also when
            # a rule of theirs would want the asker's figures (这个利率具体是多少 names no amount).
            reason = named_only(reading.asking, hits, self.gate.corpus, q)
        if reason and arith is not None and arith.tool_calls and not explicit:
            reason = None  # the clause's own rule computes with the asker's figures (its words may be rare)
        if reason:
            return abstain(shown, reason, self._document_names())
        if arith is not None and not parted:
            return arith.model_copy(update={"question": shown})
        if len(reading.versions) >= 2 and not parted:
            answer = self._version_answer(q, reading, query)
        elif parted:
            answer = self._parts_answer(q, reading, part_readings, hist)
            if isinstance(answer, str):  # the texts only name what the first part asks
                return abstain(shown, answer, self._document_names())
        else:
            # A follow-up that leans on the earlier question (那2020年版呢？) is answered about
            # what that question asked: its words choose the sentences, as they chose the clauses.
            # 那市场监管局呢？ names its own subject: its words choose.
            leaning = bool(hist) and (bool(reading.versions) or not names_own_subject(reading, self.vocabulary))
            carried = self._carried_to_version(reading, hist, clauses) if leaning else None
            answer = carried or compose(query if leaning else q, hits, reading=reading, vocab=self.vocabulary,
                                        clauses=clauses)
        return answer.model_copy(update={"question": shown})

    def _parts_answer(self, q: str, reading: Reading, part_readings: list[Reading], hist: list[str]) -> Answer | str:
        """Answer a multi-part question part by part, each part settled as a question of its
        own would be: computed when the clause's rule takes the asker's figures, declined when
        the texts only name what it asks, else composed from its own clauses.

        Returns the reason, instead of an answer, when the first part is declined (or the declined
        answer to that part, when its clauses do not give the figure it asks for): the parts
        after it build on it. ``part_readings``: each part read as its own question
        (:meth:`_part_readings`).
        """
        clauses = self.index.clauses()
        # Each part is retrieved with the situation the asker described (…一直拖着不验收，…
        # 这种拖延验收会怎么处理), less the asker's own figures; a calculation takes them all.
        context = "，".join(b for b in reading.background if not re.search(r"\d", b))
        part_hits: list[list[Hit]] = []
        settled: list[Answer | str | None] = []
        previous = ""
        home: list[str] | None = None
        asked_before = ""
        leans = bool(hist) and self._leans(reading, hist)
        last_scope: Reading | None = None
        composed = list(reading.parts)  # each part as the answer is composed for it
        found: list[str] = []  # figures with their units that earlier parts computed or read (300亩)
        for part, own_reading in zip(reading.parts, part_readings):
            # A question that names versions: each part within its own (none named: the one in force).
            scope = own_reading if reading.versions else reading
            if reading.versions and not scope.doc_ids and read_versions(part.text).named:
                # 2025年修订后…？旧版写的是…？ — a part that names a version but no title means a
                # version of what the whole question compares.
                scope, _ = self._versions(scope.model_copy(update={"doc_ids": reading.versions}), scope.question, [],
                                          self.settings.top_k)
            asked = strip_cues(part.query, read_versions(part.query)) if reading.versions else part.query
            # Its case told inside it counts (竣工资料逾期又不补报的，罚多少): it names what is asked of.
            own_subject = names_own_subject(read_question(asked, self.vocabulary), self.vocabulary) \
                or names_subject(strip_cues(part.text, read_versions(part.text)), self.vocabulary)
            asked_subject = own_subject  # whether what the part is asked by names a subject
            # 老版本呢 — a part that names nothing but a version, though its query carries the
            # part before (老版本，新条例对…也有限制吗).
            bare = strip_cues(part.text, read_versions(part.text)) if reading.versions else part.text
            borrowed = bool(asked_before) and not (
                own_subject and names_own_subject(read_question(bare, self.vocabulary), self.vocabulary))
            if borrowed and reading.versions and not read_versions(part.text).named and last_scope is not None:
                scope = last_scope  # 2020年那版…怎么规定的，有没有60天的硬性要求 — the same version
            if asked_before and not own_subject:
                asked = asked_before  # 2025版的说法一样吗: the part before says what
                asked_subject = names_own_subject(read_question(asked, self.vocabulary), self.vocabulary)
                before = {h.clause.doc_id for h in part_hits[-1][:1]} if part_hits else set()
                if len(scope.versions) > 1 and before & set(scope.versions):
                    # …？和2020版比有啥变化 — the version the part before was answered from is what
                    # this one is compared with: it is answered from the other.
                    rest = [d for d in scope.versions if d not in before]
                    scope = scope.model_copy(update={"versions": rest,
                                                     "doc_ids": [d for d in scope.doc_ids if d not in before] or rest})
            # A later part that names a subject of its own and does not point back (…？市场准入这块
            # 又是哪个部门把关) has moved on from the situation told; one that points back (这种拖延
            # 验收会怎么处理) has not.
            moved_on = bool(part_hits) and self._new_subject(part.text, context) and not _POINTS_BACK.match(part.text)
            # A later part that asks what befalls whoever breaks the rule and has not moved on
            # (…部门会不会被追责？ 不改的话怎么处理？) asks under the regulation the first part is answered from.
            within = home if home and "penalty" in part.asks and not own_reading.doc_ids and not moved_on else None
            if context and not moved_on and (not asked_subject or (part.asks and set(part.asks) <= _SHAPE_ASKS)):
                # 合同里写了按审计结果结算，按2020年那版条例行不行？ / …收了不合理的费用，条例怎么规定？ —
                # a part that names nothing of its own asks about the situation told: its words say
                # what. 大企业从中小企业采购，没约定的话多少天内要付款？ — a time limit, a sum or an
                # authority for the situation told: its words say whose (大型企业…60日, not 机关…30日).
                composed[len(part_hits)] = part.model_copy(update={"query": f"{context}，{part.text}{part.cue}"})
            asked_before = asked
            told = bool(context) and not moved_on
            searched = f"{context}，{asked}" if told else asked
            if leans and (not asked_subject or len(reading.asking or q) <= SHORT_FOLLOW_UP):
                # 能延期吗？能延多久？ after …临时建设工程规划许可证有效期最长多久？ — the parts ask about
                # what the earlier turn asked of.
                room = RETRIEVAL_MAX_CHARS - len(searched) - 1
                searched = f"{hist[-1][-room:]} {searched}" if room > 0 else searched
            hits = self._part_hits(searched, hist, scope, within,
                                   asking=part.text if told else "", asks=part.asks if told else [*_FIGURE_ASKS])
            if home is None and hits:
                # The first part's document is the one its answer leads with: the clause among the
                # first found whose sentence says most of the part and the situation told.
                said = {w for w in words(searched) if len(w) >= 2}
                home = [max(hits[:HOME_RANK], key=lambda h: best_sentence(h.clause, said)[1]).clause.doc_id]
            elif moved_on and home and hits and not own_reading.doc_ids and hits[0].clause.doc_id not in home \
                    and any(h.clause.doc_id in home for h in hits[:HOME_RANK]):
                # The parts of one question are about one document unless a part names another: a
                # part that left the situation behind is answered from the first part's document
                # when that document is close to the top (a part that kept it is anchored by it).
                hits = [h for h in hits if h.clause.doc_id in home]
            elif home and hits and hits[0].clause.doc_id not in home and not own_reading.doc_ids \
                    and not reading.versions and not reading.doc_ids:
                # …贷款产品由哪个单位负责推进？银行在贷款期限上有什么倾斜？ — a later part that names no
                # document is answered from the first part's document when a clause of it speaks of
                # the part nearly as well as the best clause of another (…优先给予…中长期贷款支持).
                mine = self._part_hits(searched, hist, scope, home, asking=part.text if told else "",
                                       asks=part.asks if told else [*_FIGURE_ASKS])
                pwords = {w for w in words(part.text) if len(w) >= 2}
                if mine and best_sentence(mine[0].clause, pwords)[1] >= HOME_SHARE * best_sentence(hits[0].clause, pwords)[1] > 0:
                    hits = mine
            if asked_before and not own_subject and part_hits and set(part.asks) <= {"wording", "yesno"} \
                    and "wording" in part.asks and not read_versions(part.text).named:
                hits = part_hits[-1]  # …？原话怎么写的？ — the wording of what the part before found
            last_scope = scope
            if borrowed and reading.versions and part_hits and part_hits[-1] and hits \
                    and hits[0].clause.doc_id != part_hits[-1][0].clause.doc_id:
                # The same provision in the other version: the two parts are aligned as versions
                # compared in one question are.
                part_hits[-1], hits = self._aligned(asked, [part_hits[-1], hits])
            part_hits.append(hits)
            own = own_reading.question
            # …的落款日期和印发日期分别是哪天 — a later part asks a fact of the document the question names.
            of_doc = own_reading if own_reading.doc_ids else own_reading.model_copy(update={"doc_ids": reading.doc_ids})
            done: Answer | str | None = document_fact_answer(part.text, of_doc, hits, clauses, self.documents())
            if done is None and settled and isinstance(settled[-1], Answer) and settled[-1].tool_calls \
                    and ASKS_FORMER.search(part.text):
                # …最多能占多少亩？按原来的上限是多少？ — the rate the computed rule replaced.
                done = _also(arith_answer(f"{previous}，{part.text}", [h.clause for h in part_hits[-2]], clauses),
                             former=True)
            if done is None and settled and isinstance(settled[-1], Answer) and settled[-1].tool_calls \
                    and (part.query != part.text or _ELLIPTICAL.fullmatch(part.text)
                         or (settled[-1].citations and speaks_only_of(part.text, settled[-1].citations[0].text, self.vocabulary))):
                # 企业会被罚多少？负责人呢？ — the same question about someone else, after a computed
                # part: what the same clause sets for the party it names.
                done = _also(arith_answer(f"{previous}，{part.text}", [h.clause for h in part_hits[-2]], clauses))
            if done is None:
                done = arith_answer(own, [h.clause for h in hits], clauses)
                if (done is None or not done.tool_calls) and found:
                    # …任务是多少亩？…按每亩奖励标准最多能拿多少？ — the figure a part before found
                    # is what this part's rule computes with.
                    done = arith_answer(f"{'，'.join(found)}，{own}", [h.clause for h in hits], clauses)
                if done is not None and not done.tool_calls:
                    done = None  # a rule that still lacks a figure: the part is quoted instead
            if done is None and not settled and own_reading.rows and set(part.asks) & _FIGURE_ASKS:
                # A table figure asked first: settled from the table, so later parts can use it.
                from assistant.tables.answer import table_answer

                cell = table_answer(part.text, clauses, home=self.settings.home)
                done = cell if cell is not None and cell.tool_calls and not cell.abstained else None
                if cell is not None and cell.abstained:
                    done = cell.answer  # a figure the table does not give (one year's of a period's total)
            if isinstance(done, Answer) and done.tool_calls:
                found += _FOUND.findall(done.answer.split("\n", 1)[0])
            if done is None and hits:
                done = named_only(part.text, hits, self.gate.corpus, own)
            if done is None and hits and not settled and "amount" in part.asks:
                # …加计扣除比例是多少？能扣多少？ — the first part asks a figure its clauses do not
                # give (…完善加计扣除政策): declined as that question alone is; the parts after it
                # build on it.
                alone = compose(own, hits, reading=own_reading, vocab=self.vocabulary, clauses=clauses)
                if alone.abstained:
                    return alone
            settled.append(done)
            previous = own
        if settled and isinstance(settled[0], str):
            # The first part is what is asked; the parts after it build on it (…我们算不算小微？).
            return settled[0]
        return compose_parts(q, reading.model_copy(update={"parts": composed}), part_hits, self.vocabulary,
                             settled=settled, clauses=clauses)

    def _fact_reading(self, reading: Reading, hist: list[str]) -> Reading:
        """The reading that says which fact about a document is asked: a follow-up that names
        only a version (那2020年版呢？) asks what the question before it asked."""
        if not hist or asked_fact(reading) or names_own_subject(reading, self.vocabulary) \
                or not read_versions(reading.question).named:
            return reading
        earlier = strip_cues(hist[-1], read_versions(hist[-1]))
        return reading.model_copy(update={"asking": earlier})

    def _new_subject(self, text: str, context: str) -> bool:
        """Does a part name a specific subject of its own that the situation told does not
        (市场准入 after 存量工业用地转让; 后果 is no subject, nor is a negated verb: 不改的话)?"""
        return any(specificity(w) >= SPECIFIC and w in self.vocabulary.text and w not in context
                   and not negated(w) for w in content_words(text))

    def _part_passes(self, own: Reading) -> bool:
        """Whether the gate answers one part of a multi-part question asked on its own (with
        the asker's situation before it)."""
        query = retrieval_query(own.question, [])
        hits, dense_top = self.retriever.search_with_dense_top(query, k=self.settings.top_k,
                                                               sparse_query=sparse_query(query),
                                                               doc_ids=own.doc_ids or None)
        return self.gate.abstain(self.gate.signals(query, dense_top, hits=hits, reading=own,
                                                   vocab=self.vocabulary)) is None

    def _part_readings(self, reading: Reading) -> list[Reading]:
        """Each part read as a question of its own, with the asker's situation (and figures)
        before it."""
        figures = "，".join(reading.background)
        out = []
        for p in reading.parts:
            own = read_question(f"{figures}，{p.query}" if figures else p.query, self.vocabulary)
            # 老版本哪天施行的？新修订的又是哪天？ — each part within the version it names: its own
            # words and the situation's, not those it borrows from the part before (…新条例…？老版本呢？).
            # A version the situation names (按2020年版条例，…) holds for the parts that name none.
            told = p.text if read_versions(p.text).named or not figures else f"{figures}，{p.text}"
            named = read_question(told, self.vocabulary)
            chosen, _ = self._versions(named.model_copy(update={"doc_ids": own.doc_ids}), own.question, [],
                                       self.settings.top_k)
            out.append(own.model_copy(update={"doc_ids": chosen.doc_ids, "versions": chosen.versions}))
        return out

    def _part_hits(self, query: str, hist: list[str], reading: Reading, within: list[str] | None = None,
                   asking: str = "", asks: list[str] | None = None) -> list[Hit]:
        """Clauses for one part of a multi-part question (``within``: only those documents;
        ``asking``/``asks``: what the part itself asks, when its query carries the asker's story)."""
        q = retrieval_query(query, hist)
        hits = self.retriever.search(q, k=self.settings.top_k, sparse_query=sparse_query(q),
                                     doc_ids=within or reading.doc_ids or None)
        if asking and not set(asks or []) & _FIGURE_ASKS:
            # The asker's story named a row (我们是某街道的…): a part asking no figure is not about it.
            hits = [h for h in hits if h.clause.table is None or (h.clause.table.key or "") in asking] or hits
        clauses = self.index.clauses()
        hits = prefer_named(query, hits, self._named(query, asking or query, asks or []), clauses)
        # A part that names a part of a text by its title (政府收储改造…是怎么规定的) is about that clause.
        titled = [c for c in clauses.values() if c.title and len(c.title) >= MIN_TITLE and c.title in query
                  and c.kind != "document" and (reading.doc_ids == [] or c.doc_id in reading.doc_ids)]
        if len(titled) == 1:
            hits = [Hit(clause=titled[0], score=hits[0].score if hits else 0.0),
                    *(h for h in hits if h.clause.id != titled[0].id)]
        return self._current(hits, reading)

    def _named(self, text: str, asking: str, asks: list[str]) -> list[str]:
        """The clauses the names in ``text`` name, less a table row named only in the asker's
        story (我们是某街道的企业…这个工作是区里牵头还是街道负责？) when what is asked is no figure:
        the row says where the asker is, not what is asked."""
        named = self.vocabulary.named_clauses(text)
        if set(asks) & _FIGURE_ASKS:
            return named
        clauses = self.index.clauses()
        return [i for i in named if i not in clauses or clauses[i].table is None
                or (clauses[i].table.key or "") in asking]

    def _current(self, hits: list[Hit], reading: Reading) -> list[Hit]:
        """The in-force preference: a question that names no version is answered from the
        version in force (an older version's clause only where the new one has no such rule)."""
        if reading.versions or read_versions(reading.question).named:
            return prefer_in_force(hits, self.documents(), self.settings.clock())
        return current_version_first(hits, self.documents(), self.settings.clock())

    def _normalized(self, question: str) -> str:
        """The question as read (:func:`normalize_question`), refused before the index is
        touched when it is bad; traditional characters the documents write are kept."""
        plain = normalize_question(question, self.settings.max_question_chars)
        if not converts(question):
            return plain
        return normalize_question(question, self.settings.max_question_chars, keep=self.gate.characters)

    def gate_signals(self, question: str, history: list[str] | None = None) -> GateSignals:
        """What the abstention gate measures for a question (for calibration and reports)."""
        self._sync()
        q = self._normalized(question)
        return self._evidence(q, list(history or []), self.settings.top_k)[3]

    def retrieve(self, question: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """Retrieve clauses without composing an answer (``mode``: hybrid, dense, bm25)."""
        self._sync()
        q = self._normalized(question)
        query = retrieval_query(q, None)
        return self.retriever.search(query, k=k, mode=mode, sparse_query=sparse_query(query))

    def clause(self, clause_id: str) -> Clause:
        """One clause by id, verbatim. Raises ClauseNotFoundError."""
        self._sync()
        return get_clause(clause_id, self.index.clauses())

    def clauses(self, doc: str | None = None) -> list[Clause]:
        """All clauses in document order, optionally of one document (id or 文号)."""
        self._sync()
        out = list(self.index.clauses().values())
        if doc:
            out = [c for c in out if c.doc_id == doc or c.label.startswith(doc)]
        return out

    def documents(self) -> list[DocumentMeta]:
        """Metadata of the indexed documents."""
        self._sync()
        seen = {}
        for rec in self.index.state.get("files", {}).values():
            meta = DocumentMeta(**rec["meta"])
            seen[meta.id] = meta
        return list(seen.values())

    def _document_names(self) -> list[str]:
        return [m.short_name for m in self.documents()]
