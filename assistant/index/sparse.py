"""A small BM25 index over clause texts, persisted as JSON beside the dense store."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from assistant.index.tokenize import tokens


class BM25:
    """Okapi BM25 (k1=1.5, b=0.75) over token lists.

    Args:
        docs: mapping of clause id -> token list.
    """

    def __init__(self, docs: dict[str, list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids = list(docs)
        self.tf = [Counter(docs[i]) for i in self.ids]
        self.len = [len(docs[i]) for i in self.ids]
        self.avg = (sum(self.len) / len(self.len)) if self.len else 0.0
        df: Counter[str] = Counter()
        for tf in self.tf:
            df.update(tf.keys())
        n = len(self.ids)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._lens = np.asarray(self.len, dtype=np.float64)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._postings: dict[str, tuple[list[int], list[int]]] = {}  # term -> (clauses, frequencies)
        for i, tf in enumerate(self.tf):
            for t, f in tf.items():
                rows, freqs = self._postings.setdefault(t, ([], []))
                rows.append(i)
                freqs.append(f)

    def _weights(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The clauses holding ``term`` and the term's BM25 contribution to each, computed once."""
        cached = self._cache.get(term)
        if cached is None:
            rows, freqs = self._postings[term]
            idx = np.asarray(rows, dtype=np.int64)
            f = np.asarray(freqs, dtype=np.float64)
            lens = self._lens[idx]
            denom = f + self.k1 * (1 - self.b + self.b * lens / (self.avg or 1))
            cached = self._cache[term] = (idx, self.idf[term] * f * (self.k1 + 1) / denom)
        return cached

    def search(self, query: str, k: int = 20) -> list[tuple[str, float]]:
        """Top ``k`` (clause id, score) for ``query``, best first; zero scores left out.

        Terms are added in sorted order, so a score is the same float in every process
        (set order of strings changes with the hash seed) and ties break by clause order.
        """
        terms = sorted({t for t in tokens(query) if t in self.idf})
        if not terms or not self.ids:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float64)
        for t in terms:
            idx, w = self._weights(t)
            scores[idx] += w
        hit = np.flatnonzero(scores > 0)
        if len(hit) > k:  # the k best (ties at the cut kept, then ordered exactly below)
            cut = np.partition(scores[hit], len(hit) - k)[len(hit) - k]
            hit = hit[scores[hit] >= cut]
        order = hit[np.lexsort((hit, -scores[hit]))][:k]
        return [(self.ids[i], float(scores[i])) for i in order]

    def to_json(self) -> dict:
        """Serialisable form: the token lists (statistics are rebuilt on load)."""
        return {"k1": self.k1, "b": self.b,
                "docs": {i: [t for t, n in tf.items() for _ in range(n)] for i, tf in zip(self.ids, self.tf)}}

    @classmethod
    def from_json(cls, data: dict) -> "BM25":
        """Inverse of :meth:`to_json`."""
        return cls(data["docs"], k1=data.get("k1", 1.5), b=data.get("b", 0.75))
