"""Ingestion: files -> clauses -> index, incremental by content hash, serialised by a lock."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from assistant.config import Settings
from assistant.corpus import load_manifest, meta_for_file, parse_file, primary_files
from assistant.errors import (
    AssistantError,
    DocumentNotFoundError,
    IndexBusyError,
    IndexCorruptError,
)
from assistant.index.store import (
    FORMAT_VERSION,
    ClauseIndex,
    atomic_write_json,
    read_json,
    remove_stray_temp_files,
)
from assistant.models import Clause, DocumentMeta
from assistant.read.base import SUPPORTED_SUFFIXES

LOCK_INFO = ".lock.json"
DUPLICATE = "same content as "  # the reason given for a file skipped as a copy of another


@dataclass
class IngestReport:
    """What one ingestion run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    clauses: int = 0
    seconds: float = 0.0

    @property
    def failures(self) -> list[tuple[str, str]]:
        """Skipped files that could not be read (not copies of a file already indexed)."""
        return [(p, why) for p, why in self.skipped if not why.startswith(DUPLICATE)]

    @property
    def changed(self) -> bool:
        """True when the index was written."""
        return bool(self.added or self.updated or self.removed or self.repaired)

    def summary(self) -> str:
        """One line for a terminal."""
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged", f"{len(self.removed)} removed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired after an interrupted ingestion")
        return f"ingest: {', '.join(parts)}; {self.clauses} clauses in the index ({self.seconds:.1f}s)"


def sha256_file(path: Path) -> str:
    """Content hash of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: list[Path] | None) -> list[tuple[Path, DocumentMeta]]:
    """The files to ingest with their manifest entries.

    No paths: the shipped corpus. A folder: its manifest's primary files plus any other
    supported file that the manifest does not list. A file: that file.

    Raises:
        DocumentNotFoundError: a path that does not exist.
    """
    if not paths:
        return primary_files()
    out: list[tuple[Path, DocumentMeta]] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise DocumentNotFoundError(f"{path}: no such file or folder. Check the path and try again.")
        if path.is_dir():
            manifest = load_manifest(path)
            listed = {name for meta in manifest for name in meta.files}
            out.extend(primary_files(path))
            for f in sorted(path.iterdir()):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and f.name not in listed \
                        and f.name.lower() != "readme.md":
                    out.append((f, meta_for_file(f, manifest)))
        else:
            manifest = load_manifest(path.parent)
            out.append((path, meta_for_file(path, manifest)))
    return out


def _lock_holder(home: Path) -> str:
    """Who holds the ingestion lock, from ``.lock.json`` (best effort)."""
    try:
        info = read_json(home / LOCK_INFO, None)
    except IndexCorruptError:
        info = None
    if not info:
        return "another ingestion"
    return f"another ingestion (pid {info.get('pid')} on {info.get('host')}, started {info.get('started')})"


def acquire_lock(home: Path, wait: float, say: Callable[[str], None]):
    """Take the ingestion lock of ``home``, waiting up to ``wait`` seconds.

    Returns:
        The held ``FileLock``; release it when done. The operating system releases it
        if the process dies, so a killed ingestion never leaves the index locked.
    Raises:
        IndexBusyError: still held by another process after ``wait`` seconds.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(home / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _lock_holder(home)
        if wait <= 0:
            raise IndexBusyError(
                f"{holder} is running on {home} (lock {home / '.lock'}); wait for it to finish and retry, "
                "or pass --wait SECONDS to queue behind it."
            ) from None
        say(f"waiting up to {wait:g}s for {holder} on {home} to finish")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise IndexBusyError(
                f"{_lock_holder(home)} still holds {home / '.lock'} after {wait:g}s; "
                "try again later or pass a longer --wait."
            ) from None
    atomic_write_json(home / LOCK_INFO, {"pid": os.getpid(), "host": socket.gethostname(),
                                         "started": datetime.now().isoformat(timespec="seconds")})
    return lock


def ingest(paths: list[Path] | None, settings: Settings, index: ClauseIndex | None = None,
           rebuild: bool = False, strict: bool = True,
           progress: Callable[[str], None] | None = None, wait: float = 0,
           verify: bool = False) -> IngestReport:
    """Add or update documents in the index.

    Unchanged files (same content hash, same model and parser) cost nothing; a changed
    file's clauses replace its old ones; files recorded earlier that no longer exist are
    removed. All files are read and parsed before anything is written. An ingestion that
    was killed part-way is finished here: its journal makes this run compare the dense
    store with the committed clauses and repair what differs.

    Args:
        paths: files or folders; None for the shipped corpus.
        settings: home folder and embedding.
        index: an open index (opened from settings when omitted).
        rebuild: rebuild the whole index (e.g. after changing the embedding model): every
            file it held is read again with ``paths``, and only once all are read is the old
            index dropped.
        strict: when True a file that cannot be read aborts the run with nothing written;
            when False it is reported in ``skipped`` and the rest are ingested.
        progress: called with a short message per step.
        wait: seconds to wait for another ingestion of the same home to finish (0: fail at once).
        verify: compare the dense store with the clauses even without a journal.
    Returns:
        An :class:`IngestReport`.
    Raises:
        AssistantError subclasses; IndexBusyError when another ingestion holds the lock.
    """
    say = progress or (lambda msg: None)
    started = time.perf_counter()
    home = Path(settings.home)
    home.mkdir(parents=True, exist_ok=True)
    lock = acquire_lock(home, wait, say)
    own_index = index is None
    try:
        remove_stray_temp_files(home)
        index = index or ClauseIndex(settings)
        # Re-read the state under the lock: another process may have written it meanwhile.
        index.refresh()
        report = IngestReport()
        journal = index.journal()
        if index.outdated_format() and not rebuild:
            say(f"upgrading the index in {home} to format {FORMAT_VERSION}: rebuilding")
            rebuild = True
        rebuild = rebuild or bool(journal and journal.get("reset"))  # finish a rebuild that was killed
        if not rebuild:
            index.check_compatible()
        # A rebuild re-reads what the index held (and what a killed rebuild had not re-read yet)
        # besides the given paths, so nothing indexed is lost by rebuilding.
        carried = {**index.state.get("files", {}), **index.pending_files()} if rebuild else index.pending_files()
        files_state: dict[str, dict] = {} if rebuild else dict(index.state.get("files", {}))
        wanted = discover(paths)
        given = {str(Path(path).resolve()) for path, _ in wanted}
        wanted += [(Path(key), DocumentMeta(**rec["meta"])) for key, rec in carried.items()
                   if key not in given and Path(key).is_file()]
        new: dict[str, list[Clause]] = {}
        seen_hashes = {v["sha256"]: k for k, v in files_state.items()}
        for path, meta in wanted:
            key = str(Path(path).resolve())
            try:
                size_ok = Path(path).stat().st_size <= settings.max_file_bytes
                digest = sha256_file(path) if size_ok else ""
                if key in files_state and files_state[key]["sha256"] == digest:
                    report.unchanged.append(path.name)
                    continue
                if digest and digest in seen_hashes and seen_hashes[digest] != key:
                    report.skipped.append((str(path), DUPLICATE + Path(seen_hashes[digest]).name))
                    continue
                say(f"reading {path.name}")
                clauses = parse_file(path, meta, max_bytes=settings.max_file_bytes)
            except AssistantError as err:
                if strict:
                    raise
                report.skipped.append((str(path), str(err)))
                continue
            for other, rec in list(files_state.items()):
                if rec["doc_id"] == meta.id and other != key:
                    del files_state[other]  # a new file for the same document supersedes the old
            (report.updated if key in files_state else report.added).append(path.name)
            files_state[key] = {"sha256": digest, "doc_id": meta.id, "source": path.name,
                                "meta": meta.model_dump(mode="json"), "clauses": len(clauses)}
            seen_hashes[digest] = key
            new[meta.id] = clauses
        # Everything is read: only now is anything written.
        to_fix: set[str] = set()
        to_drop: set[str] = set()
        if rebuild:
            say("rebuild: dropping the existing index")
            index.reset()
            journal = None
        elif journal is not None or verify:
            to_fix, to_drop = index.verify()
            report.repaired = sorted(to_fix | to_drop)
            if report.repaired:
                say(f"repairing the dense store for {', '.join(report.repaired)}")
        removed_docs = set(to_drop)
        for key, rec in list(files_state.items()):
            if not Path(key).exists():
                report.removed.append(rec["source"])
                removed_docs.add(rec["doc_id"])
                del files_state[key]
        current_docs = {rec["doc_id"] for rec in files_state.values()}
        stale = {c.doc_id for c in index.clauses().values()} - current_docs
        removed_docs |= stale - set(new)
        for doc_id in sorted(to_fix - removed_docs - set(new)):
            new[doc_id] = [c for c in index.clauses().values() if c.doc_id == doc_id]
        if new or removed_docs or rebuild or carried:
            say(f"indexing {sum(len(v) for v in new.values())} clauses")
            index.replace_documents(new, removed_docs - set(new), files_state)
        elif journal is not None:
            index.clear_journal()  # killed before the dense store changed: nothing to repair
        report.clauses = len(index.clauses())
        report.seconds = time.perf_counter() - started
        return report
    finally:
        if own_index and index is not None:
            index.close()
        (home / LOCK_INFO).unlink(missing_ok=True)
        lock.release()
