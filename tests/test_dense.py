"""Dense search is exact: two indexes built from the same files rank every query alike (an
approximate graph search may not), and the ranking is the cosine with every stored vector."""

from __future__ import annotations

import numpy as np
import pytest

QUESTIONS = ["容积率最低要多少", "哪个部门负责审批快速通道", "企业联合改造怎么分割产权", "专项资金从哪里来",
             "附件2里新碶的任务", "违法建设怎么处罚"]


@pytest.fixture(scope="module")
def two_indexes(built_home, tmp_path_factory):
    from assistant.config import Settings
    from assistant.index.ingest import ingest
    from assistant.index.store import ClauseIndex

    again = tmp_path_factory.mktemp("again") / "home"
    assert ingest(None, Settings.from_env(home=again)).added == ["lzb-2024-22.pdf"]
    return ClauseIndex(Settings.from_env(home=built_home)), ClauseIndex(Settings.from_env(home=again))


def test_two_builds_of_the_same_files_rank_alike(two_indexes, assistant):
    first, second = two_indexes
    for q in QUESTIONS:
        vec = assistant.retriever.embed_query(q)
        assert first.dense_search(vec, 30) == second.dense_search(vec, 30)


def test_the_ranking_is_the_cosine_with_every_stored_vector(two_indexes, assistant):
    index, _ = two_indexes
    got = index.collection().get(include=["embeddings"])
    ids, vectors = got["ids"], np.asarray(got["embeddings"], dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for q in QUESTIONS:
        vec = np.asarray(assistant.retriever.embed_query(q), dtype=np.float64)
        sims = vectors @ (vec / np.linalg.norm(vec))
        expected = sorted(range(len(ids)), key=lambda i: (-round(sims[i], 6), ids[i]))[:10]
        ranked = index.dense_search(vec.tolist(), 10)
        assert [cid for cid, _ in ranked] == [ids[i] for i in expected]
        assert all(abs(s - sims[ids.index(cid)]) < 1e-5 for cid, s in ranked)
    # A stored vector finds its own clause first, at cosine 1.
    top = index.dense_search(got["embeddings"][7], 3)
    assert top[0][0] == ids[7] and abs(top[0][1] - 1.0) < 1e-5
    assert index.dense_search(got["embeddings"][7], 0) == []
