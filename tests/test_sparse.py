"""BM25 over the shipped clauses: the vectorised scoring equals the textbook formula, and a
score is the same float in every process (term order must not follow string hashing)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.corpus import shipped_clauses
from assistant.index.sparse import BM25
from assistant.index.store import retrieval_text
from assistant.index.tokenize import tokens

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["兼并收购有什么补助？", "容积率提高要补交土地出让金吗", "大碶街道涉企用地任务", "专项资金从哪里来",
           "亩均税收低于1万元的企业", "领导小组办公室设在哪里"]


@pytest.fixture(scope="module")
def docs() -> dict[str, list[str]]:
    return {c.id: tokens(t) for c in shipped_clauses() if (t := retrieval_text(c))}


def _reference(docs: dict[str, list[str]], query: str, k: int) -> list[tuple[str, float]]:
    """Okapi BM25 written out term by term, ties by clause order."""
    ids = list(docs)
    n, avg = len(ids), sum(len(v) for v in docs.values()) / len(ids)
    df: dict[str, int] = {}
    for v in docs.values():
        for t in set(v):
            df[t] = df.get(t, 0) + 1
    scores = {}
    for pos, cid in enumerate(ids):
        s = 0.0
        for t in sorted(set(tokens(query))):
            f = docs[cid].count(t)
            if f and t in df:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                s += idf * f * 2.5 / (f + 1.5 * (0.25 + 0.75 * len(docs[cid]) / avg))
        if s > 0:
            scores[cid] = (s, pos)
    best = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:k]
    return [(cid, s) for cid, (s, _) in best]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("k", [1, 5, 30])
def test_scores_and_order_equal_the_formula(docs, query: str, k: int) -> None:
    got = BM25(docs).search(query, k)
    want = _reference(docs, query, k)
    assert [cid for cid, _ in got] == [cid for cid, _ in want]
    assert [round(s, 9) for _, s in got] == [round(s, 9) for _, s in want]


def test_a_term_absent_from_every_clause_scores_nothing(docs) -> None:
    assert BM25(docs).search("αβγ", 5) == []
    assert BM25({}).search("兼并收购", 5) == []


def test_ties_keep_clause_order() -> None:
    index = BM25({"c": ["x", "y"], "a": ["x", "y"], "b": ["x", "y"], "d": ["z"]})
    assert [cid for cid, _ in index.search("x", 3)] == ["c", "a", "b"]


def test_the_same_floats_under_every_hash_seed() -> None:
    script = ("import json, sys; from assistant.corpus import shipped_clauses; from assistant.index.sparse import BM25;"
              "from assistant.index.store import retrieval_text; from assistant.index.tokenize import tokens;"
              "b = BM25({c.id: tokens(t) for c in shipped_clauses() if (t := retrieval_text(c))});"
              f"print(json.dumps([b.search(q, 10) for q in {QUERIES!r}]))")
    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True, timeout=300).stdout
        runs.add(json.dumps(json.loads(out.strip().splitlines()[-1])))
    assert len(runs) == 1
