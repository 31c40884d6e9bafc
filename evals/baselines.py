"""Baselines scored beside the assistant on the same questions and the same corpus.

- ``bm25`` / ``dense`` / ``hybrid``: the assistant's own clause retriever in one mode
  (``Assistant.retrieve(question, k, mode)``), no gate, no composer.
- ``llamaindex``: a stock LlamaIndex pipeline: the shipped ``.txt`` cut by
  ``SentenceSplitter``, a ``VectorStoreIndex`` over the same embedding model, the top-k
  chunks as citations. A chunk is mapped to the clauses whose text it contains (at least
  ``CONTAINED`` of the clause's character trigrams), or else to the one it overlaps most.

Each baseline "answers" with its retrieved texts concatenated, so fact accuracy measures
whether the facts are in what it shows; it never abstains, and citation and calculator
metrics do not apply.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from typing import Any

from assistant.models import Answer, Citation, Clause
from evals.gold import GoldItem
from evals.metrics.text import normalise
from evals.runner import ItemResult, SystemResult, score_answer, system_result

CONTAINED = 0.5
CHUNK_SIZE = 256
CHUNK_OVERLAP = 32
_LEAD_RE = re.compile(r"^(成员|组长|副组长)[:：]")


def _probe(clause: Clause) -> str:
    """The clause's own words as they stand in the source text (rows: key and cells)."""
    if clause.table is not None:
        return normalise(clause.table.key + "".join(clause.table.values))
    return _LEAD_RE.sub("", normalise(clause.own_text))


def _trigrams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


def coverage(clause_probe: str, chunk_norm: str, chunk_grams: set[str]) -> float:
    """Share of a clause's character trigrams present in a chunk (1.0 if wholly contained)."""
    if not clause_probe:
        return 0.0
    if clause_probe in chunk_norm:
        return 1.0
    grams = _trigrams(clause_probe)
    return len(grams & chunk_grams) / len(grams) if grams else 0.0


def chunk_clause_ids(chunk_text: str, clauses: list[Clause]) -> list[str]:
    """Clause ids a chunk stands for, most covered first.

    Args:
        chunk_text: the chunk as retrieved.
        clauses: the corpus clauses.
    Returns:
        The ids of clauses at least ``CONTAINED`` covered; else the single best one.
    """
    norm = normalise(chunk_text)
    grams = _trigrams(norm)
    scored = [(coverage(_probe(c), norm, grams), len(_probe(c)), c) for c in clauses]
    inside = [s for s in scored if s[0] >= CONTAINED]
    if inside:
        return [c.id for _, _, c in sorted(inside, key=lambda s: (-s[0], s[2].order))]
    best = max(scored, key=lambda s: (s[0] * s[1], -s[2].order))
    return [best[2].id] if best[0] > 0 else []


def _retrieval_answer(question: str, texts: list[str], citations: list[Citation]) -> Answer:
    body = "\n".join(f"{t}[{n}]" for n, t in enumerate(texts, start=1))
    return Answer(question=question, answer=body, abstained=False, citations=citations)


def retrieval_baseline(gold: list[GoldItem], k: int, assistant: Any, mode: str) -> SystemResult:
    """Score ``assistant.retrieve(question, k, mode)`` as a system.

    Args:
        gold: the items.
        k: how many clauses to retrieve.
        assistant: an :class:`assistant.Assistant` (its index is reused).
        mode: ``bm25``, ``dense`` or ``hybrid``.
    """
    assistant.retrieve(gold[0].question, k=k, mode=mode)  # warm-up, not timed
    items: list[ItemResult] = []
    for item in gold:
        start = time.perf_counter()
        hits = assistant.retrieve(item.question, k=k, mode=mode)
        latency = time.perf_counter() - start
        cits = [Citation(id=h.clause.id, label=h.clause.label, text=h.clause.text, source=h.clause.source,
                         page=h.clause.page, score=h.score) for h in hits]
        answer = _retrieval_answer(item.question, [h.clause.text for h in hits], cits)
        items.append(score_answer(item, answer, k, latency_s=latency, as_answer=False, clause_texts={}))
    return system_result(mode, f"Assistant.retrieve(mode='{mode}'), top {k} clauses", items, answers=False)


def llamaindex_baseline(gold: list[GoldItem], k: int, settings: Any = None,
                        chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP) -> SystemResult:
    """Score a stock LlamaIndex vector pipeline over the shipped ``.txt`` files.

    Args:
        gold: the items.
        k: how many chunks to retrieve.
        settings: assistant settings (which embedding model to use).
        chunk_size: ``SentenceSplitter`` chunk size in tokens.
        chunk_overlap: ``SentenceSplitter`` overlap in tokens.
    """
    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    from assistant.corpus import load_manifest, shipped_clauses, shipped_corpus_dir
    from assistant.index.embeddings import make_embedding

    with contextlib.redirect_stdout(io.StringIO()):  # llama-index prints a notice here
        Settings.llm = None
    folder = shipped_corpus_dir()
    docs = [Document(text=(folder / name).read_text(encoding="utf-8"), metadata={"file_name": name})
            for meta in load_manifest(folder) for name in meta.files if name.endswith(".txt")]
    nodes = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap).get_nodes_from_documents(docs)
    index = VectorStoreIndex(nodes, embed_model=make_embedding(settings))
    retriever = index.as_retriever(similarity_top_k=k)
    clauses = shipped_clauses()
    retriever.retrieve(gold[0].question)  # warm-up, not timed
    items: list[ItemResult] = []
    for item in gold:
        start = time.perf_counter()
        found = retriever.retrieve(item.question)
        latency = time.perf_counter() - start
        texts = [n.node.get_content() for n in found]
        groups = [chunk_clause_ids(t, clauses) for t in texts]
        cits = [Citation(id=f"chunk:{n.node.node_id}", label=f"chunk {i}", text=t,
                         source=n.node.metadata.get("file_name", ""), score=n.score)
                for i, (n, t) in enumerate(zip(found, texts), start=1)]
        answer = _retrieval_answer(item.question, texts, cits)
        items.append(score_answer(item, answer, k, latency_s=latency, ranking=groups, as_answer=False, clause_texts={}))
    desc = (f"LlamaIndex SentenceSplitter({chunk_size}/{chunk_overlap}) + VectorStoreIndex, "
            f"top {k} chunks ({len(nodes)} chunks)")
    return system_result("llamaindex", desc, items, answers=False)


def run_baselines(gold: list[GoldItem], k: int, assistant: Any) -> list[SystemResult]:
    """All baselines, in report order: hybrid, bm25, dense, llamaindex."""
    out = [retrieval_baseline(gold, k, assistant, mode) for mode in ("hybrid", "bm25", "dense")]
    out.append(llamaindex_baseline(gold, k, getattr(assistant, "settings", None)))
    return out
