"""The clause index on disk: chromadb (dense, llama-index nodes), BM25 (sparse), clause store.

Layout of the home folder::

    index.json     what is indexed: embedding model, parser version, files with hashes
    clauses.json   every clause (containers too), for exact-wording look-ups
    sparse.json    BM25 token lists
    chroma/        chromadb PersistentClient (unless a chroma server URL is configured)
    .lock          held while ingesting

JSON files are written to a temporary name and renamed, and ``index.json`` is written
last, so a crash leaves either the old state or a state the next ``ingest`` repairs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from assistant.clauses import PARSER_VERSION
from assistant.clauses.parser import child_titles
from assistant.config import Settings
from assistant.errors import ConfigError, IndexMismatchError
from assistant.index.sparse import BM25
from assistant.index.tokenize import tokens
from assistant.models import Clause

FORMAT_VERSION = 1
# Containers longer than this are indexed by their own text (heading and lead-in) only;
# their sub-clauses are indexed separately.
MAX_CONTAINER_CHARS = 400


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON to ``path`` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_json(path: Path, default: Any) -> Any:
    """Read a JSON file written by :func:`atomic_write_json`; ``default`` when absent."""
    if not path.exists():
        return default
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def retrieval_text(clause: Clause) -> str | None:
    """The text a clause is retrieved by, or None for a container with nothing of its own.

    The label (document, section and item headings) is prefixed so that a clause carries the
    context a reader needs: a duty knows it is in 附件1, a row knows its table.
    """
    if clause.children and len(clause.text) > MAX_CONTAINER_CHARS:
        body = clause.own_text
        heading = body.split("\n", 1)[0]
        if len(body) - len(heading) < 8 and clause.kind != "annex":
            # A heading with nothing of its own: retrieved by its table of contents, so that
            # "保障机制有哪些？" finds 八、 itself.
            titles = child_titles(clause)
            if not titles:
                return None
            body = heading + "\n" + "；".join(titles)
    else:
        body = clause.text
    return f"{clause.label}\n{body}"


def collection_name(embedding: str) -> str:
    """Chroma collection for an embedding model and parser version (never mixed)."""
    digest = hashlib.sha256(f"{embedding}|{PARSER_VERSION}|{FORMAT_VERSION}".encode()).hexdigest()[:12]
    return f"clauses_{digest}"


class ClauseIndex:
    """Read/write access to the index in ``settings.home``.

    Args:
        settings: where the index lives and which embedding it uses.
        embed_model: a llama-index embedding (made from settings when omitted).
    """

    def __init__(self, settings: Settings, embed_model=None) -> None:
        from assistant.index.embeddings import embedding_id

        self.settings = settings
        self.home = Path(settings.home)
        self.embedding = embedding_id(settings)
        self._embed_model = embed_model
        self._client = None
        self._store = None
        self.state: dict = {}
        self._clauses: dict[str, Clause] | None = None
        self._bm25: BM25 | None = None
        self.refresh()

    # -- state ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read what is indexed from disk (another process may have ingested meanwhile)."""
        self.state = read_json(self.home / "index.json", {})
        self._clauses = None
        self._bm25 = None

    @property
    def embed_model(self):
        """The embedding model, loaded on first use."""
        if self._embed_model is None:
            from assistant.index.embeddings import make_embedding

            self._embed_model = make_embedding(self.settings)
        return self._embed_model

    def is_empty(self) -> bool:
        """True when nothing has been ingested into this home."""
        return not self.state.get("files")

    def check_compatible(self) -> None:
        """Refuse an index built with another embedding model or parser version.

        Raises:
            IndexMismatchError: naming both and how to proceed.
        """
        if self.is_empty():
            return
        built = (self.state.get("embedding"), self.state.get("parser_version"))
        if built != (self.embedding, PARSER_VERSION):
            raise IndexMismatchError(
                f"the index in {self.home} was built with embedding {built[0]!r} and parser "
                f"{built[1]!r}, but the configuration asks for {self.embedding!r} and parser "
                f"{PARSER_VERSION!r}. Rebuild it with 'policy-assistant ingest --rebuild', or point "
                "POLICY_ASSISTANT_HOME at another folder."
            )

    # -- chroma ---------------------------------------------------------------------
    def client(self):
        """The chromadb client: a server when configured, else the local folder."""
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            if self.settings.chroma_url:
                from urllib.parse import urlparse

                url = urlparse(self.settings.chroma_url)
                try:
                    self._client = chromadb.HttpClient(
                        host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https", settings=chroma_settings)
                    self._client.heartbeat()
                except Exception as err:  # noqa: BLE001 - connection errors vary by transport
                    raise ConfigError(
                        f"cannot reach the chroma server at {self.settings.chroma_url} ({err}). "
                        "Start it with 'chroma run --path DIR --port PORT' or unset POLICY_ASSISTANT_CHROMA_URL."
                    ) from err
            else:
                (self.home / "chroma").mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.home / "chroma"), settings=chroma_settings)
        return self._client

    def vector_store(self):
        """The llama-index ChromaVectorStore over this index's collection."""
        if self._store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            col = self.client().get_or_create_collection(
                collection_name(self.embedding), metadata={"hnsw:space": "cosine"})
            self._store = ChromaVectorStore(chroma_collection=col)
        return self._store

    # -- clauses & sparse -------------------------------------------------------------
    def clauses(self) -> dict[str, Clause]:
        """Every stored clause by id, in document order."""
        if self._clauses is None:
            raw = read_json(self.home / "clauses.json", {"clauses": []})
            self._clauses = {c["id"]: Clause(**c) for c in raw["clauses"]}
        return self._clauses

    def bm25(self) -> BM25:
        """The sparse index."""
        if self._bm25 is None:
            self._bm25 = BM25.from_json(read_json(self.home / "sparse.json", {"docs": {}}))
        return self._bm25

    # -- writing ----------------------------------------------------------------------
    def replace_documents(self, new: dict[str, list[Clause]], removed_docs: set[str],
                          files_state: dict[str, dict]) -> None:
        """Swap in new clauses for some documents and drop others, in a crash-safe order.

        Args:
            new: doc id -> its complete new clause list.
            removed_docs: doc ids whose clauses go.
            files_state: the ``files`` table to record in ``index.json``.
        """
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        # 1. Embed first: a failure here changes nothing on disk.
        nodes = []
        for doc_id, clauses in new.items():
            units = [(c, retrieval_text(c)) for c in clauses]
            units = [(c, t) for c, t in units if t]
            vectors = self.embed_model.get_text_embedding_batch([t for _, t in units]) if units else []
            for (c, t), vec in zip(units, vectors):
                nodes.append(TextNode(
                    id_=c.id, text=t, embedding=vec,
                    metadata={"clause_id": c.id, "doc_id": doc_id, "kind": c.kind, "label": c.label,
                              "source": c.source, "page": c.page if c.page is not None else -1},
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc_id)},
                ))
        # 2. Dense store: remove the old nodes of every touched document, add the new.
        store = self.vector_store()
        for doc_id in set(new) | removed_docs:
            store.delete(ref_doc_id=doc_id)
        if nodes:
            store.add(nodes)
        # 3. Clause store and sparse index, rebuilt whole from the surviving clauses.
        kept = [c for c in self.clauses().values() if c.doc_id not in new and c.doc_id not in removed_docs]
        all_clauses = kept + [c for clauses in new.values() for c in clauses]
        atomic_write_json(self.home / "clauses.json", {"clauses": [c.model_dump(mode="json") for c in all_clauses]})
        docs = {}
        for c in all_clauses:
            t = retrieval_text(c)
            if t:
                docs[c.id] = tokens(t)
        bm25 = BM25(docs)
        atomic_write_json(self.home / "sparse.json", bm25.to_json())
        # 4. The record of what is indexed, last.
        self.state = {
            "format": FORMAT_VERSION, "embedding": self.embedding, "parser_version": PARSER_VERSION,
            "collection": collection_name(self.embedding), "files": files_state,
        }
        atomic_write_json(self.home / "index.json", self.state)
        self._clauses = {c.id: c for c in all_clauses}
        self._bm25 = bm25

    def reset(self) -> None:
        """Delete everything in this index (for a rebuild with another model)."""
        try:
            for col in self.client().list_collections():
                name = col if isinstance(col, str) else col.name
                if name.startswith("clauses_"):
                    self.client().delete_collection(name)
        finally:
            self._store = None
        for name in ("index.json", "clauses.json", "sparse.json"):
            p = self.home / name
            if p.exists():
                p.unlink()
        self.state, self._clauses, self._bm25 = {}, None, None

    # -- reading ----------------------------------------------------------------------
    def dense_search(self, query_vec: list[float], k: int) -> list[tuple[str, float]]:
        """Top ``k`` (clause id, cosine similarity) from the dense store."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        result = self.vector_store().query(VectorStoreQuery(query_embedding=query_vec, similarity_top_k=k))
        out = []
        for node, sim in zip(result.nodes, result.similarities or []):
            # ChromaVectorStore reports exp(-distance); with cosine distance, cos = 1 + ln(sim).
            out.append((node.node_id, 1.0 + math.log(sim) if sim > 0 else -1.0))
        return out

    def dense_count(self) -> int:
        """Number of nodes in the dense store."""
        return self.vector_store()._collection.count()
