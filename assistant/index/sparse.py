"""A small BM25 index over clause texts, persisted as JSON beside the dense store."""

from __future__ import annotations

import math
from collections import Counter

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
        self._postings: dict[str, list[int]] = {}
        for i, tf in enumerate(self.tf):
            for t in tf:
                self._postings.setdefault(t, []).append(i)

    def search(self, query: str, k: int = 20) -> list[tuple[str, float]]:
        """Top ``k`` (clause id, score) for ``query``, best first; zero scores left out."""
        q = tokens(query)
        scores: dict[int, float] = {}
        for t in set(q):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self._postings[t]:
                f = self.tf[i][t]
                denom = f + self.k1 * (1 - self.b + self.b * self.len[i] / (self.avg or 1))
                scores[i] = scores.get(i, 0.0) + idf * f * (self.k1 + 1) / denom
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(self.ids[i], s) for i, s in best]

    def to_json(self) -> dict:
        """Serialisable form: the token lists (statistics are rebuilt on load)."""
        return {"k1": self.k1, "b": self.b,
                "docs": {i: [t for t, n in tf.items() for _ in range(n)] for i, tf in zip(self.ids, self.tf)}}

    @classmethod
    def from_json(cls, data: dict) -> "BM25":
        """Inverse of :meth:`to_json`."""
        return cls(data["docs"], k1=data.get("k1", 1.5), b=data.get("b", 0.75))
