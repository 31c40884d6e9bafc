"""The Assistant: one object that ingests, retrieves and answers (the Python API)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

from assistant.answer.extractive import abstain, compose
from assistant.answer.normalize import normalize_question, retrieval_query
from assistant.config import Settings
from assistant.corpus import get_clause
from assistant.errors import EmptyQuestionError, IndexBusyError
from assistant.index.store import ClauseIndex
from assistant.models import Answer, Clause, DocumentMeta
from assistant.retrieve.gate import Gate, GateSignals
from assistant.retrieve.hybrid import Hit, Mode, Retriever
from assistant.understand.lexicon import default_lexicon

# Composers tried before retrieval: each returns an Answer, or None when the question is
# not for it. Optional modules that are not installed are skipped.
ROUTES = (
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


def _has_number(question: str) -> bool:
    return bool(_DIGIT.search(question))


class Assistant:
    """Answers questions over the indexed corpus with citations.

    Args:
        settings: configuration (read from the environment when omitted).
        auto_ingest: ingest the shipped corpus when the index is empty.
        progress: receives messages about slow steps (e.g. the first ingestion).
    """

    def __init__(self, settings: Settings | None = None, auto_ingest: bool = True,
                 progress: Callable[[str], None] | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.auto_ingest = auto_ingest
        self.progress = progress or (lambda msg: None)
        self._index: ClauseIndex | None = None
        self._retriever: Retriever | None = None
        self._gate: Gate | None = None
        self._routes: list[tuple[str, Callable]] | None = None

    # -- setup --------------------------------------------------------------------
    @property
    def index(self) -> ClauseIndex:
        """The clause index, ingesting the shipped corpus first if it is empty.

        With ``auto_ingest`` an empty index is built, an index in an older format is
        rebuilt, and one left by a killed ingestion is repaired, before it is used.
        """
        if self._index is None:
            index = ClauseIndex(self.settings)
            if self.auto_ingest and (index.is_empty() or index.outdated_format() or index.journal()):
                from assistant.index.ingest import ingest

                if index.is_empty() or index.outdated_format():
                    self.progress(f"索引为空或格式过旧：正在导入内置文件到 {self.settings.home} …")
                try:
                    # Several workers may start on one fresh home: the first builds, the others wait.
                    report = ingest(None, self.settings, index=index, progress=self.progress,
                                    wait=0 if not index.is_empty() else 600)
                    if report.changed:
                        self.progress(report.summary())
                except IndexBusyError:
                    index.refresh()  # another process is ingesting and will finish the job
            index.check_compatible()
            self._index = index
        return self._index

    def reload(self) -> None:
        """Forget cached index state (after an ingestion by another object or process)."""
        if self._index is not None:
            self._index.close()
        self._index = self._retriever = self._gate = None

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
            self._gate = Gate("\n".join(c.text for c in self.index.clauses().values()))
        return self._gate

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
    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        """Answer one question.

        Args:
            question: the question, in Chinese (or English).
            history: earlier questions of the conversation, oldest first, for follow-ups.
        Returns:
            The answer contract: text with ``[n]`` markers, citations, tool calls, and
            ``abstained`` when the corpus does not support an answer.
        Raises:
            EmptyQuestionError, QuestionTooLongError.
        """
        self._sync()
        q = normalize_question(question, self.settings.max_question_chars)
        # The question as the user wrote it, less what cannot be encoded (lone surrogates).
        shown = _SURROGATE.sub("\ufffd", question)
        hist = []
        for h in history or []:
            try:
                hist.append(normalize_question(h, self.settings.max_question_chars))
            except EmptyQuestionError:
                continue  # an earlier turn with nothing in it adds no context
        clauses = self.index.clauses()
        query = retrieval_query(q, hist)
        hits, dense_top = self.retriever.search_with_dense_top(query, k=self.settings.top_k,
                                                               sparse_query=sparse_query(query))
        reason = self.gate.abstain(self.gate.signals(query, dense_top))
        # A calculation with numbers in it is answered by the tool even when the gate hesitates
        # (its words may be rare); anything else the gate rejects is out of scope.
        for name, route in self._route_fns():
            if not _route_applies(name, q, hist):
                continue
            answer = route(q, clauses, history=hist)
            if answer is None:
                continue
            if name == "tool" and not answer.tool_calls and not _has_number(q):
                continue  # a rule question without numbers: quote the rule instead of asking
            if reason and not (name == "tool" and answer.tool_calls):
                break
            return answer.model_copy(update={"question": shown})
        if not hits:
            reason = "索引中没有任何条款"
        if reason:
            return abstain(shown, reason, self._document_names())
        answer = compose(q, hits)
        return answer.model_copy(update={"question": shown})

    def gate_signals(self, question: str, history: list[str] | None = None) -> GateSignals:
        """What the abstention gate measures for a question (for calibration and reports)."""
        self._sync()
        q = retrieval_query(normalize_question(question, self.settings.max_question_chars), history)
        _, dense_top = self.retriever.search_with_dense_top(q, k=1, sparse_query=sparse_query(q))
        return self.gate.signals(q, dense_top)

    def retrieve(self, question: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """Retrieve clauses without composing an answer (``mode``: hybrid, dense, bm25)."""
        self._sync()
        q = normalize_question(question, self.settings.max_question_chars)
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
