"""Hybrid retrieval at clause level: dense (chromadb) and BM25 fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.index.store import ClauseIndex
from assistant.models import Clause

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60
CANDIDATES = 30
# With a document filter, fetch this many times more candidates so the filtered lists stay full.
FILTERED_FACTOR = 8


@dataclass
class Hit:
    """A retrieved clause with the evidence for it."""

    clause: Clause
    score: float                 # fused score (RRF), or the single retriever's score
    dense: float | None = None   # cosine similarity, when the dense retriever found it
    sparse: float | None = None  # BM25 score, when BM25 found it


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1/(k + rank) over the rankings that hold an id."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank)
    return fused


class Retriever:
    """Searches one :class:`ClauseIndex`.

    Args:
        index: the index to search (its embedding model embeds the queries).
    """

    def __init__(self, index: ClauseIndex) -> None:
        self.index = index

    def embed_query(self, query: str) -> list[float]:
        """The query vector (the ``query:`` side of the model)."""
        return self.index.embed_model.get_query_embedding(query)

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid",
               query_vec: list[float] | None = None, sparse_query: str | None = None,
               doc_ids: list[str] | None = None) -> list[Hit]:
        """Top ``k`` clauses for ``query``.

        Args:
            query: the question (or a rewritten query).
            k: how many hits to return.
            mode: ``hybrid`` (RRF of both), ``dense`` or ``bm25``.
            query_vec: a precomputed query embedding, to avoid embedding twice.
        Returns:
            Hits, best first.
        """
        return self.search_with_dense_top(query, k, mode, query_vec, sparse_query, doc_ids)[0]

    def search_with_dense_top(self, query: str, k: int = 5, mode: Mode = "hybrid",
                              query_vec: list[float] | None = None,
                              sparse_query: str | None = None,
                              doc_ids: list[str] | None = None) -> tuple[list[Hit], float]:
        """Like :meth:`search`, also returning the best dense cosine among the candidates
        (-1.0 when the dense retriever did not run or found nothing), which the
        abstention gate needs; one search serves both.

        ``sparse_query`` is what BM25 reads instead of ``query`` (the question with the
        policy terms of its everyday words added); the dense side embeds ``query`` as asked.
        ``doc_ids`` keeps only clauses of those documents (a question that names one).
        """
        clauses = self.index.clauses()
        if doc_ids:
            keep = set(doc_ids)
            clauses = {cid: c for cid, c in clauses.items() if c.doc_id in keep}
        n = CANDIDATES if not doc_ids else CANDIDATES * FILTERED_FACTOR
        dense: list[tuple[str, float]] = []
        sparse: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vec = query_vec if query_vec is not None else self.embed_query(query)
            dense = [(cid, s) for cid, s in self.index.dense_search(vec, n) if cid in clauses][:CANDIDATES]
        if mode in ("hybrid", "bm25"):
            sparse = [(cid, s) for cid, s in self.index.bm25().search(sparse_query or query, n)
                      if cid in clauses][:CANDIDATES]
        dense_by, sparse_by = dict(dense), dict(sparse)
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            ranked = sparse
        else:
            fused = rrf([[c for c, _ in dense], [c for c, _ in sparse]])
            ranked = sorted(fused.items(), key=lambda kv: (-kv[1], clauses[kv[0]].order))
        hits = [Hit(clause=clauses[cid], score=score, dense=dense_by.get(cid), sparse=sparse_by.get(cid))
                for cid, score in ranked[:k]]
        return hits, (dense[0][1] if dense else -1.0)
