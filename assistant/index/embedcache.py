"""Embedding in batches, with progress and a cache that lets a killed ingestion resume.

Embedding is the slow step of an ingestion (minutes for a large corpus on a CPU). Each
batch of vectors is written to ``<home>/embed-cache/<model>/`` as soon as it is computed,
atomically, keyed by the sha256 of the text embedded; a run that was killed part-way
finds those vectors and embeds only the rest. The cache is deleted once an ingestion has
committed: it exists to resume, not to grow.

A second, optional cache (``POLICY_ASSISTANT_VECTOR_CACHE``, :meth:`EmbeddingCache.shared`)
is kept across ingestions and homes: a rebuild, or another home indexing the same texts
with the same model, takes their vectors from it instead of embedding them again.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from assistant.index import store as _store  # by module: a test instruments its writes

CACHE_DIR = "embed-cache"


def text_key(text: str) -> str:
    """The cache key of one text: its sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pack(vec: list[float]) -> str:
    import numpy as np

    return base64.b64encode(np.asarray(vec, dtype="<f4").tobytes()).decode("ascii")


def _unpack(data: str) -> list[float]:
    import numpy as np

    return np.frombuffer(base64.b64decode(data), dtype="<f4").astype(float).tolist()


class EmbeddingCache:
    """Vectors already computed for one embedding model, in ``<home>/embed-cache/<digest>/``.

    Args:
        home: the index home.
        embedding: the embedding model id recorded in the index (vectors of two models
            never mix: each has its own folder).
    """

    def __init__(self, home: Path, embedding: str) -> None:
        digest = hashlib.sha256(embedding.encode("utf-8")).hexdigest()[:16]
        self.root = Path(home) / CACHE_DIR
        self.folder = self.root / digest
        self.embedding = embedding
        self._vectors: dict[str, list[float]] | None = None

    @classmethod
    def shared(cls, folder: Path, embedding: str) -> "EmbeddingCache":
        """The cache kept across homes in ``folder`` (one sub-folder per model, never cleared here)."""
        cache = cls(folder, embedding)
        cache.root = Path(folder)
        cache.folder = cache.root / hashlib.sha256(embedding.encode("utf-8")).hexdigest()[:16]
        return cache

    def load(self) -> dict[str, list[float]]:
        """Every cached vector by text key (a damaged batch file is ignored and deleted)."""
        if self._vectors is None:
            self._vectors = {}
            if self.folder.is_dir():
                for path in sorted(self.folder.glob("batch-*.json")):
                    try:
                        data = _store.read_json(path, None)
                        if not isinstance(data, dict) or data.get("embedding") != self.embedding:
                            raise ValueError(path.name)
                        for key, packed in data["vectors"].items():
                            self._vectors[key] = _unpack(packed)
                    except Exception:  # noqa: BLE001 - a damaged cache only costs re-embedding
                        path.unlink(missing_ok=True)
        return self._vectors

    def put(self, texts: list[str], vectors: list[list[float]]) -> None:
        """Record one batch (one file, written atomically)."""
        keys = [text_key(t) for t in texts]
        name = "batch-" + hashlib.sha256("".join(keys).encode()).hexdigest()[:16] + ".json"
        _store.atomic_write_json(self.folder / name, {
            "embedding": self.embedding,
            "vectors": {k: _pack(v) for k, v in zip(keys, vectors)},
        })
        self.load().update(zip(keys, vectors))

    def clear(self) -> None:
        """Delete the cache of every model (after a commit nothing needs it)."""
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
        self._vectors = None


def eta_message(done: int, total: int, seconds_left: float | None) -> str:
    """A one-line progress message: "嵌入向量 640/9496 条，约剩 12 分钟"."""
    msg = f"嵌入向量 {done}/{total} 条"
    if done >= total:
        return msg + "，完成"
    if seconds_left is None:
        return msg
    if seconds_left < 60:
        return msg + f"，约剩 {max(1, round(seconds_left))} 秒"
    return msg + f"，约剩 {round(seconds_left / 60)} 分钟"


def embed_texts(texts: list[str], embed_model, cache: EmbeddingCache | None, batch: int,
                on_batch: Callable[[int, int], None] | None = None,
                shared: EmbeddingCache | None = None) -> list[list[float]]:
    """Vectors for ``texts`` in order: cached ones reused, the rest embedded ``batch`` at a time.

    Args:
        texts: the texts to embed.
        embed_model: a llama-index embedding.
        cache: where finished batches are kept (None: no cache).
        batch: texts per call to the model.
        on_batch: called as ``on_batch(done, total)`` after each batch (and once at the
            start with what the cache already held).
        shared: the cache kept across homes (``POLICY_ASSISTANT_VECTOR_CACHE``), read first
            and given every new batch; None: none.
    Returns:
        One vector per text.
    """
    known = dict(shared.load()) if shared is not None else {}
    known.update(cache.load() if cache is not None else {})
    keys = [text_key(t) for t in texts]
    todo = sorted({k: i for i, k in enumerate(keys) if k not in known}.values())
    done = len(texts) - len(todo)
    if on_batch is not None:
        on_batch(done, len(texts))
    fresh: dict[str, list[float]] = {}
    for start in range(0, len(todo), max(1, batch)):
        chunk = [texts[i] for i in todo[start:start + batch]]
        vectors = embed_model.get_text_embedding_batch(chunk)
        for store in (cache, shared):
            if store is not None:
                store.put(chunk, vectors)
        fresh.update(zip((text_key(t) for t in chunk), vectors))
        done += len(chunk)
        if on_batch is not None:
            on_batch(done, len(texts))
    return [fresh[k] if k in fresh else known[k] for k in keys]


class EtaReporter:
    """Turns ``on_batch(done, total)`` calls into one-line messages with an estimate.

    The rate counts only texts embedded in this run (cached ones cost nothing).
    """

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.start: tuple[float, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self.start is None:
            self.start = (now, done)
            if done:
                self.say(f"已有 {done}/{total} 条向量（上次未完成的导入或向量缓存），只嵌入其余的")
            return
        t0, d0 = self.start
        rate = (done - d0) / (now - t0) if now > t0 and done > d0 else 0.0
        self.say(eta_message(done, total, (total - done) / rate if rate else None))
