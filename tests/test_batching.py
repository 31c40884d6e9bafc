"""Scale: every write to chroma stays within the client's ``get_max_batch_size()``, embedding
goes in batches with progress and an estimate, and the thread counts are set before a model
loads.

The batch limit is set to 7 on the chroma client, and the collection refuses any add or
delete of more than 7 records (and any delete by a filter, which has no size bound), so an
unbatched write fails here exactly as it fails against a server with a small limit.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DOC, ROOT

from assistant.config import Settings
from assistant.index.embedcache import EmbeddingCache, eta_message
from assistant.index.ingest import ingest, remove_document
from assistant.index.store import ClauseIndex, retrieval_text
from assistant.index.threads import limit_threads

LIMIT = 7
LAW = ROOT / "evals" / "documents" / "sme-payment-2020.md"


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Chroma with a batch limit of 7; returns the sizes of every add and delete."""
    from chromadb.api.client import Client
    from chromadb.api.models.Collection import Collection

    sizes: dict[str, list] = {"add": [], "delete": []}
    add, delete = Collection.add, Collection.delete

    def checked_add(self, ids, *args, **kwargs):
        n = 1 if isinstance(ids, str) else len(ids)
        sizes["add"].append(n)
        if n > LIMIT:
            raise ValueError(f"Batch size {n} exceeds maximum batch size {LIMIT}")
        return add(self, ids, *args, **kwargs)

    def checked_delete(self, ids=None, *args, **kwargs):
        if ids is None:
            sizes["delete"].append(None)
            raise ValueError("a delete by filter is one unbounded call")
        sizes["delete"].append(len(ids))
        if len(ids) > LIMIT:
            raise ValueError(f"Batch size {len(ids)} exceeds maximum batch size {LIMIT}")
        return delete(self, ids, *args, **kwargs)

    monkeypatch.setattr(Collection, "add", checked_add)
    monkeypatch.setattr(Collection, "delete", checked_delete)
    monkeypatch.setattr(Client, "get_max_batch_size", lambda self: LIMIT)
    return sizes


def _dense_ids(home: Path) -> list[str]:
    index = ClauseIndex(Settings.from_env(home=home))
    try:
        return sorted(index.vector_store()._collection.get(include=[])["ids"])
    finally:
        index.close()


def _retrievable(home: Path) -> list[str]:
    index = ClauseIndex(Settings.from_env(home=home))
    return sorted(c.id for c in index.clauses().values() if retrieval_text(c))


def test_batch_size_is_the_clients_limit(home_copy: Path, small_batches: dict) -> None:
    index = ClauseIndex(Settings.from_env(home=home_copy))
    assert index.batch_size() == LIMIT
    index.max_batch = 3
    assert index.batch_size() == 3


def test_add_and_delete_stay_within_the_limit(home_copy: Path, tmp_path: Path, small_batches: dict) -> None:
    settings = Settings.from_env(home=home_copy)
    law = tmp_path / LAW.name
    shutil.copy(LAW, law)
    report = ingest([law], settings)
    assert report.added == [LAW.name]
    added = sum(small_batches["add"])
    law_ids = [i for i in _retrievable(home_copy) if not i.startswith(DOC)]
    assert added == len(law_ids) > 3 * LIMIT
    assert max(small_batches["add"]) == LIMIT
    assert _dense_ids(home_copy) == _retrievable(home_copy)

    # A new version: its old vectors are deleted in batches, the new ones added in batches.
    law.write_text(law.read_text(encoding="utf-8") + "\n第九十九条 本办法由测试机关负责解释。\n", encoding="utf-8")
    small_batches["add"].clear()
    assert ingest([law], settings).updated == [LAW.name]
    assert sum(small_batches["delete"]) == len(law_ids)
    assert max(small_batches["delete"]) == LIMIT and None not in small_batches["delete"]
    assert max(small_batches["add"]) == LIMIT
    assert _dense_ids(home_copy) == _retrievable(home_copy)

    # Removing the document deletes in batches too, and leaves the shipped document whole.
    law_ids = [i for i in _retrievable(home_copy) if not i.startswith(DOC)]
    small_batches["delete"].clear()
    doc_id = law_ids[0].split(":")[0]
    remove_document(doc_id, settings)
    assert sum(small_batches["delete"]) == len(law_ids)
    assert max(small_batches["delete"]) == LIMIT
    assert _dense_ids(home_copy) == _retrievable(home_copy)
    assert all(i.startswith(DOC) for i in _dense_ids(home_copy))


def test_rebuild_stays_within_the_limit(home_copy: Path, tmp_path: Path, small_batches: dict) -> None:
    settings = Settings.from_env(home=home_copy)
    law = tmp_path / LAW.name
    shutil.copy(LAW, law)
    ingest([law], settings)
    before = _retrievable(home_copy)
    small_batches["add"].clear()
    report = ingest(None, settings, rebuild=True)
    assert sorted(report.added) == sorted([LAW.name, "lzb-2024-22.pdf"])
    assert sum(small_batches["add"]) == len(before)
    assert max(small_batches["add"]) == LIMIT
    assert _dense_ids(home_copy) == before == _retrievable(home_copy)


def test_embedding_reports_progress_per_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICY_ASSISTANT_VECTOR_CACHE", raising=False)  # every batch really embedded
    monkeypatch.setattr(ClauseIndex, "embed_batch", 4)
    law = tmp_path / LAW.name
    shutil.copy(LAW, law)
    messages: list[str] = []
    calls: list[tuple[int, int]] = []
    report = ingest([law], Settings.from_env(home=tmp_path / "home"), progress=messages.append)
    total = len(_retrievable(tmp_path / "home"))
    lines = [m for m in messages if m.startswith("嵌入向量 ")]
    assert len(lines) == -(-total // 4)
    assert lines[-1] == f"嵌入向量 {total}/{total} 条，完成"
    assert all(re.fullmatch(r"嵌入向量 \d+/\d+ 条，(约剩 \d+ (秒|分钟)|完成)", m) for m in lines), lines
    # A structured callback instead (what the CLI's bar uses) gets every batch.
    report = ingest([law], Settings.from_env(home=tmp_path / "other"),
                    embed_progress=lambda done, n: calls.append((done, n)))
    assert report.added == [LAW.name]
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [d for d, _ in calls[1:]] == [min(4 * i, total) for i in range(1, len(calls))]


@pytest.mark.parametrize(("done", "total", "left", "want"), [
    (64, 9496, 725.0, "嵌入向量 64/9496 条，约剩 12 分钟"),
    (10, 20, 4.2, "嵌入向量 10/20 条，约剩 4 秒"),
    (10, 20, 0.2, "嵌入向量 10/20 条，约剩 1 秒"),
    (20, 20, 0.0, "嵌入向量 20/20 条，完成"),
    (0, 20, None, "嵌入向量 0/20 条"),
])
def test_eta_message(done: int, total: int, left: float | None, want: str) -> None:
    assert eta_message(done, total, left) == want


def test_the_cache_is_gone_after_a_commit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copy(LAW, tmp_path / LAW.name)
    ingest([tmp_path / LAW.name], Settings.from_env(home=home))
    assert not (home / "embed-cache").exists()
    index = ClauseIndex(Settings.from_env(home=home))
    cache = EmbeddingCache(home, index.embedding)
    cache.put(["甲"], [[0.5, 0.25]])
    assert EmbeddingCache(home, index.embedding).load() == {cache_key("甲"): [0.5, 0.25]}
    assert EmbeddingCache(home, "another-model").load() == {}


def cache_key(text: str) -> str:
    from assistant.index.embedcache import text_key

    return text_key(text)


def test_thread_counts_are_set_only_when_unset() -> None:
    env: dict[str, str] = {}
    n = limit_threads(env)
    assert n >= 1
    assert env == {"OMP_NUM_THREADS": str(n), "MKL_NUM_THREADS": str(n), "OPENBLAS_NUM_THREADS": str(n),
                   "OMP_WAIT_POLICY": "PASSIVE"}
    env = {"OMP_NUM_THREADS": "3", "MKL_NUM_THREADS": "2", "OMP_WAIT_POLICY": "ACTIVE"}
    assert limit_threads(env) == 3
    assert env == {"OMP_NUM_THREADS": "3", "MKL_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "3",
                   "OMP_WAIT_POLICY": "ACTIVE"}


def test_the_cli_sets_thread_counts_before_any_command_runs(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = ("import os; from assistant import cli; cli.main(['remove', 'nothing-here']); "
            "print(os.environ['OMP_NUM_THREADS'], os.environ['OMP_WAIT_POLICY'])")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**env, "POLICY_ASSISTANT_HOME": str(tmp_path / "home")})
    threads, policy = proc.stdout.split()
    assert int(threads) == limit_threads({}) and policy == "PASSIVE"
    assert "nothing-here" in proc.stderr  # the command itself ran (and refused the unknown id)
