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
import os
import re
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.clauses import PARSER_VERSION
from assistant.clauses.parser import child_titles
from assistant.config import Settings, redact_url
from assistant.errors import ConfigError, IndexCorruptError, IndexMismatchError
from assistant.index.records import REBUILD, check_home, damaged, valid_clauses, valid_sparse, valid_state
from assistant.index.sparse import BM25
from assistant.index.tokenize import tokens
from assistant.models import Clause

FORMAT_VERSION = 2
STATE_FILE = "index.json"
# A copy of the files table, written before index.json at every commit, so that a rebuild
# knows which source files to read even when index.json itself is damaged.
SOURCES_FILE = "sources.json"
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
        raise damaged(path, f"不是完整的 JSON：{err}") from None
    except IsADirectoryError:
        raise damaged(path, "应为文件，却是文件夹") from None


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


def _units(clauses: list[Clause]) -> list[tuple[Clause, str]]:
    """The retrievable clauses with the text each is embedded by."""
    units = [(c, retrieval_text(c)) for c in clauses]
    return [(c, t) for c, t in units if t]


def _nodes(units: list[tuple[Clause, str]], vectors: list[list[float]]) -> list:
    """llama-index nodes (with embeddings) for retrievable clauses."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    return [TextNode(
        id_=c.id, text=t, embedding=vec,
        metadata={"clause_id": c.id, "doc_id": c.doc_id, "kind": c.kind, "label": c.label,
                  "source": c.source, "page": c.page if c.page is not None else -1},
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=c.doc_id)},
    ) for (c, t), vec in zip(units, vectors)]


def _forget_chroma_system(folder: Path) -> None:
    """Drop chromadb's per-process record of a local folder's client: after a failed open it
    keeps the half-made one, and every later client of that folder would get it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(folder), None)
    SharedSystemClient._identifier_to_refcount.pop(str(folder), None)


class ClauseIndex:
    """Read/write access to the index in ``settings.home``.

    ``embed_batch`` texts are embedded per model call: the unit of progress messages and
    of the resume cache (:mod:`assistant.index.embedcache`).

    Args:
        settings: where the index lives and which embedding it uses.
        embed_model: a llama-index embedding (made from settings when omitted).
    """

    embed_batch = 64

    def __init__(self, settings: Settings, embed_model=None, tolerant: bool = False) -> None:
        from assistant.index.embeddings import embedding_id

        self.settings = settings
        self.home = Path(settings.home)
        check_home(self.home)
        self.embedding = embedding_id(settings)
        self._embed_model = embed_model
        # At most this many records go to chroma in one call (None: the client's own limit,
        # ``get_max_batch_size()``, which is the only limit that matters in production).
        self.max_batch: int | None = None
        self._client = None
        self._store = None
        self._store_name: str | None = None
        self.state: dict = {}
        self._stamp: tuple | None = None
        self._clauses: dict[str, Clause] | None = None
        self._bm25: BM25 | None = None
        self._dense: tuple[tuple, list[str], Any] | None = None  # (key, ids, unit-length vectors)
        # True when a tolerant read found neither index.json nor its backup usable.
        self.sources_lost = False
        self.refresh(tolerant=tolerant)

    # -- state ----------------------------------------------------------------------
    def _state_stamp(self) -> tuple | None:
        try:
            st = os.stat(self.home / STATE_FILE)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def refresh(self, tolerant: bool = False) -> None:
        """Re-read what is indexed from disk (another process may have ingested meanwhile).

        Args:
            tolerant: for a rebuild: a damaged or missing ``index.json`` is replaced by what
                its backup records (the files to read), instead of refused.
        Raises:
            IndexCorruptError: ``index.json`` is damaged, of the wrong shape, or missing from
                a home that holds an index (naming it and the command that fixes it).
        """
        self._stamp = self._state_stamp()
        self._clauses = None
        self._bm25 = None
        self._dense = None
        self.sources_lost = False
        path = self.home / STATE_FILE
        try:
            self.state = valid_state(read_json(path, {}), path)
            if not self.state and self._has_index_files():
                raise damaged(path, "文件不存在，但文件夹里有索引的其他文件")
        except IndexCorruptError:
            if not tolerant:
                raise
            self.state = self._recovered_state()

    def _has_index_files(self) -> bool:
        """True when the home holds snapshots or recorded files (an index whose record is gone;
        not a first ingestion killed before its first commit)."""
        try:
            if any(_SNAPSHOT.match(p.name) for p in self.home.iterdir()):
                return True
            data = read_json(self.home / SOURCES_FILE, None)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except IndexCorruptError:
            return True
        return isinstance(data, dict) and bool(data.get("files") or data.get("pending_files"))

    def _recovered_state(self) -> dict:
        """What a rebuild needs from the backup of the files table (no clauses: it rebuilds)."""
        path = self.home / SOURCES_FILE
        try:
            data = valid_state(read_json(path, None) or {}, path)
        except IndexCorruptError:
            data = {}
        if not data.get("files") and not data.get("pending_files"):
            self.sources_lost = True
        keep = ("index_id", "generation", "files", "pending_files")
        return {k: data[k] for k in keep if k in data}

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
            from assistant.index.embeddings import make_embedder

            self._embed_model = make_embedder(self.settings)
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
                f"{self.home} 中的索引用嵌入模型 {built[0]!r}、解析器版本 {built[1]!r} 建成，而当前配置为 "
                f"{self.embedding!r}、解析器版本 {PARSER_VERSION!r}；请运行 {REBUILD} 重建，"
                "或把 POLICY_ASSISTANT_HOME 指向另一个文件夹。"
            )
        if self.outdated_format():
            raise IndexMismatchError(
                f"{self.home} 中的索引存储格式为 {self.state.get('format')!r}，本版本读取格式 {FORMAT_VERSION}；"
                "请运行 policy-assistant ingest 升级重建。"
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
                folder = self.home / "chroma"
                if folder.is_dir() and not os.access(folder, os.W_OK):
                    # chromadb writes to its database when it opens it; a home on a read-only
                    # file system is served from a private copy, which the index never writes.
                    folder = self._read_only_copy(folder)
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(folder), settings=chroma_settings)
                except Exception as err:  # noqa: BLE001 - sqlite and rust errors vary
                    _forget_chroma_system(folder)
                    raise damaged(folder / "chroma.sqlite3", f"向量库无法打开：{err}") from None
        return self._client

    def _read_only_copy(self, folder: Path) -> Path:
        """A temporary copy of a chroma folder the process cannot write (removed at exit)."""
        import atexit
        import shutil

        tmp = Path(tempfile.mkdtemp(prefix="policy-assistant-ro-"))
        atexit.register(shutil.rmtree, tmp, True)
        copy = tmp / "chroma"
        shutil.copytree(folder, copy)
        return copy

    def wipe_local_dense_store(self) -> None:
        """Delete the local chroma folder (for a rebuild when it cannot even be opened)."""
        import shutil

        self.close()
        if not self.settings.chroma_url:
            shutil.rmtree(self.home / "chroma", ignore_errors=True)
            _forget_chroma_system(self.home / "chroma")

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

    def batch_size(self) -> int:
        """Records per chroma call: the client's limit, capped by :attr:`max_batch`."""
        limit = None
        try:
            limit = int(self.client().get_max_batch_size())
        except Exception:  # noqa: BLE001 - an old client or server without the call
            limit = None
        if self.max_batch is not None:
            limit = min(limit, self.max_batch) if limit else self.max_batch
        return max(1, limit or 1000)

    def _add_nodes(self, store, nodes: list) -> None:
        """Add nodes to the dense store, at most :meth:`batch_size` per call."""
        size = self.batch_size()
        for start in range(0, len(nodes), size):
            store.add(nodes[start:start + size])

    def _delete_doc(self, store, doc_id: str) -> None:
        """Delete a document's nodes by id, in batches (a where-delete is one unbounded call)."""
        ids = list(store._collection.get(where={"document_id": doc_id}, include=[])["ids"])
        known = set(ids)
        ids += [i for i in store._collection.get(where={"doc_id": doc_id}, include=[])["ids"]
                if i not in known]
        size = self.batch_size()
        for start in range(0, len(ids), size):
            store._collection.delete(ids=ids[start:start + size])

    def collection(self):
        """This index's chroma collection (None before the first ingestion), without
        importing llama-index: what answering questions needs."""
        name = self.state.get("collection")
        if name is None:
            return None
        if self._store is not None and self._store_name == name:
            return self._store._collection
        # A lookup in chroma's own catalogue (about a millisecond), so nothing here goes stale
        # when a reset drops and re-creates the collection.
        return self.client().get_or_create_collection(name, metadata={"hnsw:space": "cosine"})

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
    def _snapshot(self, key: str, default: Any) -> tuple[Any, Path | None]:
        """The clause or sparse snapshot that ``index.json`` names, and its path
        (``default`` and None before any)."""
        for _ in range(2):
            name = self.state.get(f"{key}_file")
            if name is None:
                return default, None
            data = read_json(self.home / name, None)
            if data is not None:
                return data, self.home / name
            # Gone: two commits happened since this object read index.json; read the newest.
            self.refresh()
        raise damaged(self.home / name, f"文件不存在（{STATE_FILE} 指向它）")

    def clauses(self) -> dict[str, Clause]:
        """Every stored clause by id, in document order.

        Raises:
            IndexCorruptError: the clause snapshot is missing or damaged.
        """
        if self._clauses is None:
            raw, path = self._snapshot("clauses", {"clauses": []})
            self._clauses = valid_clauses(raw, path or self.home / STATE_FILE)
        return self._clauses

    def bm25(self) -> BM25:
        """The sparse index.

        Raises:
            IndexCorruptError: the sparse snapshot is missing or damaged.
        """
        if self._bm25 is None:
            raw, path = self._snapshot("sparse", {"docs": {}})
            self._bm25 = BM25.from_json(valid_sparse(raw, path or self.home / STATE_FILE))
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
        atomic_write_json(self.home / SOURCES_FILE, {k: state[k] for k in (
            "index_id", "generation", "files", "pending_files") if k in state})
        atomic_write_json(self.home / STATE_FILE, state)
        self.state, self._stamp = state, self._state_stamp()
        self._clauses = {c.id: c for c in clauses}
        self._bm25 = bm25
        self._dense = None
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
        """The unfinished change recorded by an ingestion that did not finish, or None.

        A damaged journal still says that a change was under way: the whole dense store is
        then compared with the clauses.
        """
        try:
            data = read_json(self.home / JOURNAL_FILE, None)
        except IndexCorruptError:
            return {"docs": [], "reset": False}
        if data is not None and not isinstance(data, dict):
            return {"docs": [], "reset": False}
        return data

    def clear_journal(self) -> None:
        """Forget the journal once the dense store matches the committed clauses again."""
        (self.home / JOURNAL_FILE).unlink(missing_ok=True)
        _fsync_dir(self.home)

    def replace_documents(self, new: dict[str, list[Clause]], removed_docs: set[str],
                          files_state: dict[str, dict],
                          on_embed: Callable[[int, int], None] | None = None) -> None:
        """Swap in new clauses for some documents and drop others, in a crash-safe order.

        Args:
            new: doc id -> its complete new clause list.
            removed_docs: doc ids whose clauses go.
            files_state: the ``files`` table to record in ``index.json``.
            on_embed: progress, called as ``on_embed(done, total)`` after each embedding batch.
        """
        # 1. Embed first: a failure here changes nothing on disk. Finished batches go to the
        # resume cache, so a run killed while embedding does not start over.
        from assistant.index.embedcache import EmbeddingCache, embed_texts

        units = [u for clauses in new.values() for u in _units(clauses)]
        cache = EmbeddingCache(self.home, self.embedding)
        shared = EmbeddingCache.shared(self.settings.vector_cache, self.embedding) \
            if self.settings.vector_cache else None
        vectors = embed_texts([t for _, t in units], self.embed_model, cache, self.embed_batch, on_embed, shared)
        nodes = _nodes(units, vectors)
        if self.index_id is None:
            self._commit([], {})  # an empty first generation names the index and its collection
        # 2. Journal, then the dense store: remove the old nodes of every touched document, add the new.
        touched = set(new) | removed_docs
        self._write_journal(touched)
        store = self.vector_store()
        for doc_id in sorted(touched):
            self._delete_doc(store, doc_id)
        if nodes:
            self._add_nodes(store, nodes)
        # 3. Commit a new generation of the clause store and sparse index, index.json last.
        kept = [c for c in self.clauses().values() if c.doc_id not in touched]
        self._commit(kept + [c for clauses in new.values() for c in clauses], files_state)
        self.clear_journal()
        cache.clear()

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
        try:
            names = self._own_collections()  # before the commit renames the collection
        except IndexCorruptError:
            self.wipe_local_dense_store()  # it cannot be opened: nothing in it is worth keeping
            names = []
        pending = {**self.state.get("files", {}), **self.pending_files()}
        try:
            docs = {c.doc_id for c in self.clauses().values()}
        except IndexCorruptError:
            docs = {rec["doc_id"] for rec in pending.values()}
        self._write_journal(docs, reset=True)
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
        """Top ``k`` (clause id, cosine similarity) from the dense store.

        Asks the chroma collection directly: going through llama-index here would import it
        for every question (about half of a cold start).
        Exact: the cosine with every stored vector, read once per commit, so that two indexes
        built from the same files rank alike (an approximate graph search differs from build
        to build), ties broken by clause id.
        """
        import numpy as np

        col = self.collection()
        if col is None:
            return []
        ids, vectors = self._dense_vectors(col)
        if not ids or k <= 0:
            return []
        q = np.asarray(query_vec, dtype=np.float32)
        q = q / (float(np.linalg.norm(q)) or 1.0)
        sims = vectors @ q
        # A margin beyond k, so that ties at the cut are broken by id too.
        m = min(len(ids), 2 * k + 16)
        top = np.argpartition(-sims, m - 1)[:m] if m < len(ids) else np.arange(len(ids))
        ranked = sorted(top.tolist(), key=lambda i: (-round(float(sims[i]), 6), ids[i]))[:k]
        return [(ids[i], float(sims[i])) for i in ranked]

    def _dense_vectors(self, col) -> tuple[list[str], Any]:
        """The stored ids and their vectors scaled to unit length (cached per commit)."""
        import numpy as np

        key = (self.state.get("collection"), self.state.get("generation"), col.count())
        if self._dense is not None and self._dense[0] == key:
            return self._dense[1], self._dense[2]
        got = col.get(include=["embeddings"])
        ids = list(got["ids"])
        vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(ids), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1.0, norms)
        self._dense = (key, ids, vectors)
        return ids, vectors

    def dense_agrees(self) -> bool:
        """True when the dense store holds exactly the retrievable committed clauses (by id).

        A cheap check (ids only) made at every ingestion and worker start-up, so that a
        dense store deleted or emptied outside this program is repaired, not silently used.
        """
        col = self.collection()
        if col is None:
            return True
        expected = {c.id for c in self.clauses().values() if retrieval_text(c)}
        got = col.get(include=[])["ids"]
        return len(got) == len(expected) and set(got) == expected

    def dense_count(self) -> int:
        """Number of nodes in the dense store."""
        col = self.collection()
        return 0 if col is None else col.count()
