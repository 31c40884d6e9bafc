"""The clause index on disk: chromadb (dense, llama-index nodes), BM25 (sparse), clause store.

Layout of the home folder::

    index.json              the commit record: embedding model, parser version, index id,
                            generation, the snapshot files below, files with content hashes
    clauses-<gen>.json      every clause (containers too), for exact-wording look-ups
    sparse-<gen>.json       BM25 token lists
    ingest.journal.json     present only while the dense store is being changed
    chroma/                 chromadb PersistentClient (unless a chroma server URL is configured)
    .lock, .lock.json       held while ingesting (who holds it, since when)

Crash safety. Every JSON file is written to a temporary name, flushed and renamed. A write
makes a new generation: the clause and sparse snapshots go to new file names and
``index.json``, written last, names them, so a reader sees the whole old index or the whole
new one, never half of each. The dense store cannot join that commit, so before touching
it the writer records the documents it is about to change in ``ingest.journal.json``; after
a crash the next ingestion finds the journal, compares the dense store with the committed
clauses and re-embeds or drops whatever differs (:meth:`ClauseIndex.verify`). Clause ids
that the dense store returns but the committed clauses lack are ignored by retrieval.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any

from assistant.clauses import PARSER_VERSION
from assistant.clauses.parser import child_titles
from assistant.config import Settings, redact_url
from assistant.errors import ConfigError, IndexCorruptError, IndexMismatchError
from assistant.index.sparse import BM25
from assistant.index.tokenize import tokens
from assistant.models import Clause

FORMAT_VERSION = 2
STATE_FILE = "index.json"
JOURNAL_FILE = "ingest.journal.json"
_SNAPSHOT = re.compile(r"^(clauses|sparse)-(\d+)\.json$")
_LEGACY_FILES = ("clauses.json", "sparse.json")
# Containers longer than this are indexed by their own text (heading and lead-in) only;
# their sub-clauses are indexed separately.
MAX_CONTAINER_CHARS = 400


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON to ``path`` so that a reader sees the old file or the new one, never half.

    The data is flushed to disk before the rename and the folder after it, so a crash or a
    power cut leaves the old file or the complete new one. The file gets the usual
    permissions (0666 less the umask), not the private ones of a temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def read_json(path: Path, default: Any) -> Any:
    """Read a JSON file written by :func:`atomic_write_json`; ``default`` when absent.

    Raises:
        IndexCorruptError: the file exists but is not valid JSON (damaged outside this program).
    """
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return default
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise IndexCorruptError(
            f"{path} is damaged ({err}); it was changed outside policy-assistant. Rebuild the index "
            "with 'policy-assistant ingest --rebuild'."
        ) from None


def remove_stray_temp_files(home: Path) -> list[str]:
    """Delete temporary files left by a write that was killed; returns their names."""
    gone = []
    for p in home.glob(".*.tmp"):
        if p.is_file():
            p.unlink(missing_ok=True)
            gone.append(p.name)
    return gone


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


def collection_name(embedding: str, index_id: str) -> str:
    """Chroma collection of one index for an embedding model and parser version (never mixed).

    The index id keeps indexes apart when several homes share one chroma server.
    """
    digest = hashlib.sha256(f"{embedding}|{PARSER_VERSION}|{FORMAT_VERSION}".encode()).hexdigest()[:12]
    return f"clauses_{digest}_{index_id}"


def _nodes(clauses: list[Clause], embed_model) -> list:
    """llama-index nodes (with embeddings) for the retrievable clauses of one document."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    units = [(c, retrieval_text(c)) for c in clauses]
    units = [(c, t) for c, t in units if t]
    vectors = embed_model.get_text_embedding_batch([t for _, t in units]) if units else []
    return [TextNode(
        id_=c.id, text=t, embedding=vec,
        metadata={"clause_id": c.id, "doc_id": c.doc_id, "kind": c.kind, "label": c.label,
                  "source": c.source, "page": c.page if c.page is not None else -1},
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=c.doc_id)},
    ) for (c, t), vec in zip(units, vectors)]


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
        self._store_name: str | None = None
        self.state: dict = {}
        self._stamp: tuple | None = None
        self._clauses: dict[str, Clause] | None = None
        self._bm25: BM25 | None = None
        self.refresh()

    # -- state ----------------------------------------------------------------------
    def _state_stamp(self) -> tuple | None:
        try:
            st = os.stat(self.home / STATE_FILE)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def refresh(self) -> None:
        """Re-read what is indexed from disk (another process may have ingested meanwhile)."""
        self._stamp = self._state_stamp()
        self.state = read_json(self.home / STATE_FILE, {})
        self._clauses = None
        self._bm25 = None

    def is_stale(self) -> bool:
        """True when ``index.json`` changed on disk since this object read it (a new commit)."""
        return self._state_stamp() != self._stamp

    @property
    def index_id(self) -> str | None:
        """This index's id (made at its first ingestion), which names its chroma collection."""
        return self.state.get("index_id")

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

    def outdated_format(self) -> bool:
        """True when the index was written in an older on-disk format (rebuild to upgrade)."""
        return bool(self.state) and self.state.get("format") != FORMAT_VERSION

    def check_compatible(self) -> None:
        """Refuse an index built with another embedding model, parser version or format.

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
        if self.outdated_format():
            raise IndexMismatchError(
                f"the index in {self.home} is in on-disk format {self.state.get('format')!r}; this version "
                f"reads format {FORMAT_VERSION}. Run 'policy-assistant ingest' to rebuild it."
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
                headers = {}
                if url.username is not None:
                    import base64

                    token = f"{url.username}:{url.password or ''}".encode()
                    headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
                try:
                    self._client = chromadb.HttpClient(
                        host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https", headers=headers or None, settings=chroma_settings)
                    self._client.heartbeat()
                except Exception as err:  # noqa: BLE001 - connection errors vary by transport
                    detail = str(err)
                    if url.password:
                        detail = detail.replace(url.password, "***")
                    raise ConfigError(
                        f"cannot reach the chroma server at {redact_url(self.settings.chroma_url)} ({detail}). "
                        "Start it with 'chroma run --path DIR --port PORT' or unset POLICY_ASSISTANT_CHROMA_URL."
                    ) from None
            else:
                (self.home / "chroma").mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.home / "chroma"), settings=chroma_settings)
        return self._client

    def _own_collections(self) -> list[str]:
        """Names of the chroma collections that belong to this index (any model or format)."""
        names = []
        for col in self.client().list_collections():
            name = col if isinstance(col, str) else col.name
            if not name.startswith("clauses_"):
                continue
            if self.settings.chroma_url is None or name == self.state.get("collection") \
                    or (self.index_id and name.endswith("_" + self.index_id)):
                names.append(name)  # a local chroma folder holds this home's collections only
        return names

    def close(self) -> None:
        """Release the chroma client. A local chroma folder is re-read by the next client, so
        closing is how a long-running process sees vectors another process wrote."""
        client, self._client, self._store, self._store_name = self._client, None, None, None
        if client is not None and hasattr(client, "close"):
            client.close()

    def vector_store(self):
        """The llama-index ChromaVectorStore over this index's collection (None before the first ingestion)."""
        name = self.state.get("collection")
        if name is None:
            return None
        if self._store is None or self._store_name != name:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            col = self.client().get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
            self._store, self._store_name = ChromaVectorStore(chroma_collection=col), name
        return self._store

    # -- clauses & sparse -------------------------------------------------------------
    def _snapshot(self, key: str, default: Any) -> Any:
        """The clause or sparse snapshot that ``index.json`` names (``default`` before any)."""
        for _ in range(2):
            name = self.state.get(f"{key}_file")
            if name is None:
                return default
            data = read_json(self.home / name, None)
            if data is not None:
                return data
            # Gone: two commits happened since this object read index.json; read the newest.
            self.refresh()
        raise IndexCorruptError(
            f"{self.home / STATE_FILE} names {name}, which is missing; the folder was changed outside "
            "policy-assistant. Rebuild the index with 'policy-assistant ingest --rebuild'."
        )

    def clauses(self) -> dict[str, Clause]:
        """Every stored clause by id, in document order."""
        if self._clauses is None:
            raw = self._snapshot("clauses", {"clauses": []})
            self._clauses = {c["id"]: Clause(**c) for c in raw["clauses"]}
        return self._clauses

    def bm25(self) -> BM25:
        """The sparse index."""
        if self._bm25 is None:
            self._bm25 = BM25.from_json(self._snapshot("sparse", {"docs": {}}))
        return self._bm25

    # -- writing ----------------------------------------------------------------------
    def _commit(self, clauses: list[Clause], files_state: dict[str, dict], bm25: BM25 | None = None,
                pending: dict[str, dict] | None = None) -> None:
        """Write a new generation (clause and sparse snapshots, then ``index.json``).

        ``pending``: files a rebuild has dropped but not yet re-read (kept in the record so
        that a rebuild killed part-way still re-reads them).
        """
        gen = int(self.state.get("generation", 0)) + 1
        index_id = self.index_id or uuid.uuid4().hex[:12]
        if bm25 is None:
            docs = {}
            for c in clauses:
                t = retrieval_text(c)
                if t:
                    docs[c.id] = tokens(t)
            bm25 = BM25(docs)
        clauses_file, sparse_file = f"clauses-{gen}.json", f"sparse-{gen}.json"
        atomic_write_json(self.home / clauses_file, {"clauses": [c.model_dump(mode="json") for c in clauses]})
        atomic_write_json(self.home / sparse_file, bm25.to_json())
        state = {
            "format": FORMAT_VERSION, "index_id": index_id, "generation": gen,
            "embedding": self.embedding, "parser_version": PARSER_VERSION,
            "collection": collection_name(self.embedding, index_id),
            "clauses_file": clauses_file, "sparse_file": sparse_file, "files": files_state,
        }
        if pending:
            state["pending_files"] = pending
        atomic_write_json(self.home / STATE_FILE, state)
        self.state, self._stamp = state, self._state_stamp()
        self._clauses = {c.id: c for c in clauses}
        self._bm25 = bm25
        self._prune_snapshots(keep={gen, gen - 1})

    def _prune_snapshots(self, keep: set[int]) -> None:
        # The previous generation stays, for a reader that read index.json just before this commit.
        for p in self.home.iterdir():
            m = _SNAPSHOT.match(p.name)
            if (m and int(m.group(2)) not in keep) or p.name in _LEGACY_FILES:
                p.unlink(missing_ok=True)

    def _write_journal(self, docs: set[str], reset: bool = False) -> None:
        pending = self.journal()
        if pending:
            docs = docs | set(pending.get("docs", []))
            reset = reset or bool(pending.get("reset"))
        atomic_write_json(self.home / JOURNAL_FILE, {"docs": sorted(docs), "reset": reset})

    def journal(self) -> dict | None:
        """The unfinished change recorded by an ingestion that did not finish, or None."""
        return read_json(self.home / JOURNAL_FILE, None)

    def clear_journal(self) -> None:
        """Forget the journal once the dense store matches the committed clauses again."""
        (self.home / JOURNAL_FILE).unlink(missing_ok=True)
        _fsync_dir(self.home)

    def replace_documents(self, new: dict[str, list[Clause]], removed_docs: set[str],
                          files_state: dict[str, dict]) -> None:
        """Swap in new clauses for some documents and drop others, in a crash-safe order.

        Args:
            new: doc id -> its complete new clause list.
            removed_docs: doc ids whose clauses go.
            files_state: the ``files`` table to record in ``index.json``.
        """
        # 1. Embed first: a failure here changes nothing on disk.
        nodes = [n for clauses in new.values() for n in _nodes(clauses, self.embed_model)]
        if self.index_id is None:
            self._commit([], {})  # an empty first generation names the index and its collection
        # 2. Journal, then the dense store: remove the old nodes of every touched document, add the new.
        touched = set(new) | removed_docs
        self._write_journal(touched)
        store = self.vector_store()
        for doc_id in touched:
            store.delete(ref_doc_id=doc_id)
        if nodes:
            store.add(nodes)
        # 3. Commit a new generation of the clause store and sparse index, index.json last.
        kept = [c for c in self.clauses().values() if c.doc_id not in touched]
        self._commit(kept + [c for clauses in new.values() for c in clauses], files_state)
        self.clear_journal()

    def verify(self) -> tuple[set[str], set[str]]:
        """Compare the dense store with the committed clauses.

        Returns:
            (documents whose nodes are missing, extra or different, to re-embed;
            documents in the dense store that are not committed, to drop).
        """
        store = self.vector_store()
        if store is None:
            return set(), set()
        expected: dict[str, tuple[str, str]] = {}
        for c in self.clauses().values():
            t = retrieval_text(c)
            if t:
                expected[c.id] = (c.doc_id, t)
        got = store._collection.get(include=["documents", "metadatas"])
        committed_docs = {c.doc_id for c in self.clauses().values()}
        to_fix: set[str] = set()
        to_drop: set[str] = set()
        seen = set()
        for node_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
            seen.add(node_id)
            doc = (meta or {}).get("doc_id")
            if expected.get(node_id) == (doc, text):
                continue
            if node_id in expected:
                to_fix.add(expected[node_id][0])
            if doc in committed_docs:
                to_fix.add(doc)
            elif doc:
                to_drop.add(doc)
            else:
                store._collection.delete(ids=[node_id])  # not a node this program writes
        to_fix |= {doc for node_id, (doc, _) in expected.items() if node_id not in seen}
        return to_fix, to_drop

    def pending_files(self) -> dict[str, dict]:
        """Files recorded before a rebuild that it has not re-read yet (see :meth:`reset`)."""
        return dict(self.state.get("pending_files", {}))

    def reset(self) -> None:
        """Delete everything in this index (for a rebuild with another model).

        An empty generation is committed first, so a crash part-way leaves an empty index
        (and a journal that makes the next ingestion finish the job). The files it held are
        kept in that record as pending, for the rebuild to read again.
        """
        names = self._own_collections()  # before the commit renames the collection
        pending = {**self.state.get("files", {}), **self.pending_files()}
        self._write_journal({c.doc_id for c in self.clauses().values()}, reset=True)
        self.state = {k: v for k, v in self.state.items() if k in ("index_id", "generation")}
        self._commit([], {}, pending=pending)
        self.drop_collections(names)
        self.clear_journal()

    def drop_collections(self, names: list[str] | None = None) -> None:
        """Drop chroma collections of this index (all of them when ``names`` is None)."""
        from chromadb.errors import NotFoundError

        try:
            for name in self._own_collections() if names is None else names:
                try:
                    self.client().delete_collection(name)
                except NotFoundError:
                    pass  # already gone (a reset repeated after a crash)
        finally:
            self._store = self._store_name = None

    # -- reading ----------------------------------------------------------------------
    def dense_search(self, query_vec: list[float], k: int) -> list[tuple[str, float]]:
        """Top ``k`` (clause id, cosine similarity) from the dense store."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        store = self.vector_store()
        if store is None:
            return []
        result = store.query(VectorStoreQuery(query_embedding=query_vec, similarity_top_k=k))
        out = []
        for node, sim in zip(result.nodes, result.similarities or []):
            # ChromaVectorStore reports exp(-distance); with cosine distance, cos = 1 + ln(sim).
            out.append((node.node_id, 1.0 + math.log(sim) if sim > 0 else -1.0))
        return out

    def dense_count(self) -> int:
        """Number of nodes in the dense store."""
        store = self.vector_store()
        return 0 if store is None else store._collection.count()
