"""Run a gold set through a system and score every item with every metric.

Systems are scored the same way whatever produced the answers: the assistant
(``Assistant().ask``), a file of answers in the answer-contract shape (``--answers``), or a
retrieval baseline (:mod:`evals.baselines`). For answers, the ranking used by recall@k and
MRR is the citation list in order (what the system presents as support); for retrieval
baselines it is the retrieved list.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from statistics import mean
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from assistant.errors import ConfigError
from assistant.models import Answer
from evals.gold import CorpusSpec, GoldItem, Thresholds, load_gold, load_thresholds, set_config_path
from evals.metrics.abstention import abstention_scores
from evals.metrics.article_recall import article_recall_at_k, found_ids, is_multi_article
from evals.metrics.calculator import calculator_exactness
from evals.metrics.citation_precision import citation_precision
from evals.metrics.citation_recall import citation_recall
from evals.metrics.dangling import dangling_markers
from evals.metrics.facts import fact_accuracy
from evals.metrics.latency import latency_summary
from evals.metrics.mrr import reciprocal_rank
from evals.metrics.recall import as_groups, clause_recall_at_k

# Per-item scores averaged into the overall figure of the same name.
MEAN_METRICS = ("clause_recall_at_k", "mrr", "citation_recall", "citation_precision",
                "dangling_marker_rate", "fact_accuracy", "calc_exactness", "tool_selection",
                "fully_correct", "false_refusal_rate", "article_recall_at_k", "article_recall_multi")
# The order of columns in summaries.
SUMMARY_METRICS = ("fully_correct",) + MEAN_METRICS[:6] + (
    "article_recall_at_k", "article_recall_multi",
    "calc_exactness", "abstention_precision", "abstention_recall", "false_refusal_rate",
    "latency_p50_s", "latency_p95_s")


class ItemResult(BaseModel):
    """One gold item as one system answered it, with its scores and what went wrong."""

    id: str
    kind: str
    variant: str
    doc: str | None = None
    question: str
    history: list[str] | None = None
    expected_clause_ids: list[str]
    expected_facts: list[str]
    expected_tool: str | None = None
    expected_result: dict[str, str] = Field(default_factory=dict)
    must_abstain: bool
    answer: str = ""
    abstained: bool = False
    cited_ids: list[str] = Field(default_factory=list)
    ranking: list[list[str]] = Field(default_factory=list)
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    latency_s: float | None = None
    scores: dict[str, float | None] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list)


class SystemResult(BaseModel):
    """All items of one system, with overall, per-kind and per-variant figures."""

    name: str
    description: str
    answers: bool = Field(description="scored as answers (citations, tools, abstention) or as retrieval only")
    overall: dict[str, float | None]
    per_kind: dict[str, dict[str, float | None]]
    per_variant: dict[str, dict[str, float | None]]
    per_doc: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    items: list[ItemResult]

    @property
    def failures(self) -> list[ItemResult]:
        """Items with at least one problem."""
        return [i for i in self.items if i.problems]


class EvalRun(BaseModel):
    """A whole evaluation: the system under test first, then the baselines."""

    gold_file: str
    k: int
    n_items: int
    systems: list[SystemResult]
    thresholds: Thresholds
    violations: list[str]
    targets_missed: list[str] = Field(default_factory=list,
                                      description="bounds of a set whose thresholds are targets, not gates")
    notes: list[str] = Field(default_factory=list)

    @property
    def primary(self) -> SystemResult:
        """The system the thresholds apply to."""
        return self.systems[0]


def corpus_texts() -> dict[str, str]:
    """Texts of the shipped clauses by id: the authority a citation is checked against."""
    from assistant.corpus import clause_map

    return {cid: c.text for cid, c in clause_map().items()}


def score_answer(item: GoldItem, answer: Answer, k: int, latency_s: float | None = None,
                 ranking: list[list[str]] | None = None, as_answer: bool = True,
                 clause_texts: dict[str, str] | None = None) -> ItemResult:
    """Score one answer against one gold item.

    Args:
        item: the gold item.
        answer: the system's answer (contract shape).
        k: cut-off for recall@k and MRR.
        latency_s: seconds the answer took, if measured.
        ranking: retrieved clause ids (groups) best first; the citations when omitted.
        as_answer: False for retrieval baselines: citation, calculator and dangling
            metrics are not applicable and stay None.
        clause_texts: authoritative clause texts by id; the corpus's when omitted.
    Returns:
        An :class:`ItemResult` with scores and problems.
    """
    cited = [c.id for c in answer.citations]
    clause_texts = corpus_texts() if clause_texts is None else clause_texts
    ranking = as_groups(ranking if ranking is not None else cited)[:k]
    context = list(item.history or []) + [item.question]
    scores: dict[str, float | None] = {}
    problems: list[str] = []
    should_answer = not item.must_abstain
    # 1. abstention: wrong either way is a problem; an abstention is not scored further.
    if item.must_abstain and not answer.abstained:
        problems.append("answered a question the corpus does not cover")
    if should_answer and answer.abstained:
        problems.append("abstained on a question the corpus answers")
    # 2. retrieval of the expected clauses.
    scores["clause_recall_at_k"] = clause_recall_at_k(ranking, item.expected_clause_ids, k) \
        if should_answer else None
    scores["mrr"] = reciprocal_rank(ranking, item.expected_clause_ids) if should_answer else None
    if scores["clause_recall_at_k"] == 0.0:
        problems.append(f"none of the expected clauses in the top {k}")
    # 2b. each expected article, for questions several articles bear on (scored apart too).
    scores["article_recall_at_k"] = article_recall_at_k(ranking, item.expected_clause_ids, k) \
        if should_answer else None
    multi = is_multi_article(item.expected_clause_ids, item.multi_article)
    scores["article_recall_multi"] = scores["article_recall_at_k"] if multi else None
    if multi and scores["article_recall_at_k"] not in (None, 0.0, 1.0):
        found = found_ids(ranking, item.expected_clause_ids, k)
        missed = [e for e in dict.fromkeys(item.expected_clause_ids) if e not in found]
        problems.append(f"expected clauses not in the top {k}: {missed}")
    # 3. citations, markers and tools (answers only).
    scores["citation_recall"] = scores["citation_precision"] = None
    scores["dangling_marker_rate"] = scores["calc_exactness"] = scores["tool_selection"] = None
    if as_answer:
        dangling = dangling_markers(answer)
        scores["dangling_marker_rate"] = 1.0 if dangling else 0.0
        if dangling:
            problems.append(f"markers point at no citation: {dangling}")
        rec = citation_recall(answer, context, clause_texts)
        prec = citation_precision(answer, context, clause_texts)
        scores["citation_recall"], scores["citation_precision"] = rec.score, prec.score
        for st in rec.unsupported:
            problems.append(f"unsupported statement 「{st.statement[:60]}」: {'; '.join(st.verdict.reasons)}")
        if prec.irrelevant:
            problems.append(f"citations supporting nothing: {[cited[n - 1] for n in prec.irrelevant]}")
        if item.expected_tool:
            calc = calculator_exactness(answer.tool_calls, item.expected_tool, item.expected_tool_args,
                                        item.expected_result)
            scores["calc_exactness"], scores["tool_selection"] = calc.exact, float(calc.tool_ok)
            problems += calc.problems
    # 4. facts.
    facts = item.expected_facts if should_answer and not answer.abstained else []
    scores["fact_accuracy"], missing = fact_accuracy(answer.answer, facts)
    if should_answer and answer.abstained and item.expected_facts:
        scores["fact_accuracy"] = 0.0
        missing = list(item.expected_facts)
    if missing:
        problems.append(f"missing facts: {missing}")
    # 5. the whole item: abstained when it must; otherwise answered, with every expected fact,
    #    an expected clause among the citations, no dangling marker and the exact calculation.
    if not as_answer:
        scores["fully_correct"] = scores["false_refusal_rate"] = None  # a ranking is not an answer
    elif item.must_abstain:
        scores["fully_correct"] = 1.0 if answer.abstained else 0.0
        scores["false_refusal_rate"] = None
    else:
        scores["false_refusal_rate"] = 1.0 if answer.abstained else 0.0
        ok = not answer.abstained and not missing
        ok = ok and (not item.expected_clause_ids or bool(scores["clause_recall_at_k"]))
        ok = ok and not scores.get("dangling_marker_rate")
        if item.expected_tool:
            ok = ok and scores.get("calc_exactness") == 1.0
        scores["fully_correct"] = 1.0 if ok else 0.0
    return ItemResult(
        id=item.id, kind=item.kind, variant=item.variant, doc=item.doc, question=item.question,
        history=item.history,
        expected_clause_ids=item.expected_clause_ids, expected_facts=item.expected_facts,
        expected_tool=item.expected_tool, expected_result=item.expected_result,
        must_abstain=item.must_abstain, answer=answer.answer, abstained=answer.abstained,
        cited_ids=cited, ranking=ranking, tool_calls=[c.model_dump(mode="json") for c in answer.tool_calls],
        latency_s=latency_s, scores=scores, problems=problems,
    )


def aggregate(items: Iterable[ItemResult]) -> dict[str, float | None]:
    """Overall figures for a list of item results (means of the non-None item scores)."""
    items = list(items)
    out: dict[str, float | None] = {"n": float(len(items))}
    for name in MEAN_METRICS:
        values = [i.scores[name] for i in items if i.scores.get(name) is not None]
        out[name] = mean(values) if values else None
    out.update(abstention_scores((i.must_abstain, i.abstained) for i in items))
    out.update(latency_summary([i.latency_s for i in items if i.latency_s is not None]))
    return out


def system_result(name: str, description: str, items: list[ItemResult], answers: bool) -> SystemResult:
    """Bundle item results with their overall, per-kind and per-variant aggregates."""
    def by(attr: str) -> dict[str, dict[str, float | None]]:
        keys = sorted({getattr(i, attr) for i in items})
        return {key: aggregate(i for i in items if getattr(i, attr) == key) for key in keys}

    def by_doc() -> dict[str, dict[str, float | None]]:
        docs = sorted({i.doc or "(none)" for i in items})
        if docs == ["(none)"]:
            return {}
        return {d: aggregate(i for i in items if (i.doc or "(none)") == d) for d in docs}

    return SystemResult(name=name, description=description, answers=answers, overall=aggregate(items),
                        per_kind=by("kind"), per_variant=by("variant"), per_doc=by_doc(), items=items)


def run_answers_fn(gold: list[GoldItem], ask: Callable[[GoldItem], Answer], k: int,
                   texts: dict[str, str] | None = None) -> list[ItemResult]:
    """Ask every gold item through ``ask`` and score it, timing each call.

    A question on which the system raises is scored as an empty answer and listed with
    the error, so one failing question does not hide the figures of all the others.
    ``texts`` are the authoritative clause texts (the shipped corpus's when omitted).
    """
    from evals.progress import progress_bar

    results = []
    texts = corpus_texts() if texts is None else texts
    for item in progress_bar(gold, "评测提问", total=len(gold)):  # a bar on a terminal only
        start = time.perf_counter()
        error = None
        try:
            answer = ask(item)
        except Exception as err:  # noqa: BLE001 - any failure is a scored failure here
            error = f"raised {type(err).__name__}: {err}"
            answer = Answer(question=item.question, answer="", abstained=False)
        result = score_answer(item, answer, k, latency_s=time.perf_counter() - start, clause_texts=texts)
        if error:
            result.problems.insert(0, error)
        results.append(result)
    return results


def run_assistant(gold: list[GoldItem], k: int, assistant: Any = None, llm: bool = False) -> SystemResult:
    """Score ``Assistant().ask`` over the gold set (one warm-up question is not timed).

    Args:
        gold: the items.
        k: cut-off for recall@k.
        assistant: an object with ``ask(question, history=None)``; a new
            :class:`assistant.Assistant` when omitted.
        llm: answer through the configured model endpoint (``eval --llm``); otherwise an
            :class:`assistant.Assistant` answers extractively even when an endpoint is set.
    """
    from assistant.core import Assistant

    if assistant is None:
        assistant = Assistant()
    mode = {"llm": llm} if llm or isinstance(assistant, Assistant) else {}
    assistant.ask(gold[0].question, history=None, **mode)
    texts = _index_texts(assistant)
    items = run_answers_fn(gold, lambda it: assistant.ask(it.question, history=it.history, **mode), k, texts)
    if llm:
        return system_result("assistant+llm", "Assistant().ask(llm=True): the model's answer, checked sentence "
                             "by sentence, the extractive answer as fallback", items, answers=True)
    return system_result("assistant", "Assistant().ask: hybrid retrieval, gate, extractive answer, calculators",
                         items, answers=True)


class AnswerRow(Answer):
    """A line of an ``--answers`` file: the answer contract, optionally with the gold id and timing."""

    id: str | None = None
    latency_s: float | None = None
    latency_ms: float | None = None


def read_answers(path: str | Path) -> list[AnswerRow]:
    """Read a JSON-lines file of answers in the answer-contract shape.

    Raises:
        ConfigError: a missing file or an invalid line, naming the file, line and field.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"answers file {path} does not exist. Give a JSON-lines file of answers.")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(AnswerRow.model_validate(json.loads(line)))
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}:{lineno}: not JSON ({err.msg}). One answer object per line.") from err
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(x) for x in first["loc"]) or "answer"
            raise ConfigError(f"{path}:{lineno}: field '{field}': {first['msg']} "
                              "(expected the answer contract: question, answer, abstained, citations, tool_calls).") from err
    return rows


def run_answer_file(gold: list[GoldItem], path: str | Path, k: int,
                    texts: dict[str, str] | None = None) -> tuple[SystemResult, list[str]]:
    """Score a file of answers, matched to gold items by ``id`` or else by question text.

    A gold item with no answer is scored as an empty, non-abstaining answer and listed.
    ``texts`` are the authoritative clause texts (the shipped corpus's when omitted).

    Returns:
        The system result and notes (unmatched gold items, answers matching no item).
    """
    rows = read_answers(path)
    texts = corpus_texts() if texts is None else texts
    by_id = {r.id: r for r in rows if r.id}
    by_question = {r.question.strip(): r for r in rows}
    used: set[int] = set()
    items, notes = [], []
    for item in gold:
        row = by_id.get(item.id) or by_question.get(item.question.strip())
        if row is None:
            notes.append(f"no answer for {item.id}: {item.question}")
            row = AnswerRow(question=item.question, answer="", abstained=False)
        else:
            used.add(id(row))
        latency = row.latency_s if row.latency_s is not None else (
            row.latency_ms / 1000 if row.latency_ms is not None else None)
        result = score_answer(item, Answer.model_validate(row.model_dump(include=set(Answer.model_fields))),
                              k, latency_s=latency, clause_texts=texts)
        if not row.answer and not row.abstained:
            result.problems.insert(0, "no answer in the file")
        items.append(result)
    extra = [r for r in rows if id(r) not in used]
    if extra:
        notes.append(f"{len(extra)} answers match no gold item (by id or question)")
    return system_result(Path(path).stem, f"answers read from {path}", items, answers=True), notes


def thresholds_for(gold_path: Path | None, explicit: Path | None) -> Thresholds:
    """Thresholds given explicitly, else the set's own TOML (``NAME.toml`` beside ``NAME.jsonl``),
    else ``thresholds.toml`` beside the gold file, else none."""
    if explicit:
        return load_thresholds(explicit)
    if gold_path is None:
        return load_thresholds()
    own = set_config_path(gold_path)
    if own.is_file():
        return load_thresholds(own)
    beside = Path(gold_path).parent / "thresholds.toml"
    return load_thresholds(beside) if beside.is_file() else Thresholds()


def _index_texts(assistant: Any) -> dict[str, str] | None:
    """Clause texts of the assistant's own index (None for an object without one)."""
    index = getattr(assistant, "index", None)
    if index is None or not hasattr(index, "clauses"):
        return None
    return {cid: c.text for cid, c in index.clauses().items()}


def corpus_assistant(spec: CorpusSpec, gold_file: Path, progress: Callable[[str], None] | None = None) -> Any:
    """An assistant over the documents a gold set names, in a home of its own.

    The home lives under the configured home (``eval-<hash of the document list>``), so the
    user's index is never touched; ingestion is incremental, so a second run, or another set
    over the same documents, reuses it.
    """
    from assistant import Assistant
    from assistant.config import Settings
    from assistant.index.ingest import ingest

    import hashlib

    # Named by what it holds, so sets asked over the same documents share one index.
    key = "\n".join([str(spec.shipped)] + sorted(str(d) for d in spec.documents))
    base = Settings.from_env()
    settings = Settings.from_env(home=Path(base.home) / f"eval-{hashlib.sha256(key.encode()).hexdigest()[:12]}")
    if spec.shipped:
        ingest(None, settings, progress=progress, wait=600)
    if spec.documents:
        ingest(list(spec.documents), settings, progress=progress, wait=600)
    return Assistant(settings, auto_ingest=False)


def run_eval(gold_path: str | Path | None = None, answers_path: str | Path | None = None, k: int = 5,
             baselines: bool | None = None, thresholds_path: str | Path | None = None,
             assistant: Any = None, llm: bool = False) -> EvalRun:
    """Run a whole evaluation.

    Args:
        gold_path: the gold set; the shipped one when omitted.
        answers_path: score this answer file instead of running the assistant.
        k: cut-off for recall@k and MRR.
        baselines: run the retrieval baselines too; by default only when the assistant runs.
        thresholds_path: bounds to check; ``thresholds.toml`` beside the gold set by default.
        assistant: an already built assistant (tests, or to reuse loaded models).
        llm: answer through the configured model endpoint (see :func:`run_assistant`).
    Returns:
        An :class:`EvalRun`; ``violations`` lists the thresholds the primary system broke.
    """
    from evals.gold import DEFAULT_GOLD

    gold_file = Path(gold_path) if gold_path else DEFAULT_GOLD
    gold = load_gold(gold_file)
    thresholds = thresholds_for(Path(gold_path) if gold_path else None,
                                Path(thresholds_path) if thresholds_path else None)
    notes: list[str] = []
    if assistant is None and thresholds.corpus is not None:
        assistant = corpus_assistant(thresholds.corpus, gold_file)
    if answers_path:
        primary, notes = run_answer_file(gold, answers_path, k,
                                         _index_texts(assistant) if assistant is not None else None)
    else:
        if assistant is None:
            from assistant import Assistant

            assistant = Assistant()
        primary = run_assistant(gold, k, assistant, llm=llm)
    systems = [primary]
    if baselines if baselines is not None else not answers_path:
        from evals.baselines import run_baselines

        if assistant is None:
            from assistant import Assistant

            assistant = Assistant()
        systems += run_baselines(gold, k, assistant)
    outside = thresholds.violations(primary.overall)
    return EvalRun(gold_file=str(gold_file), k=k, n_items=len(gold), systems=systems,
                   thresholds=thresholds, violations=outside if thresholds.gate else [],
                   targets_missed=[] if thresholds.gate else outside, notes=notes)
