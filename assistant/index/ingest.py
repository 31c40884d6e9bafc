"""Ingestion: files -> clauses -> index, incremental by content hash, serialised by a lock.

Documents are managed explicitly: ``ingest`` adds a file or a new version of one, and
only :func:`remove_document` takes a document out, with its installed pack. A source file
that moved or vanished never removes what the index holds (the index keeps what it
ingested); which document a file is decides :mod:`assistant.index.identity`. Both run
inside :func:`locked_index`: the lock, a fresh read of the index, and the same tail.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from assistant.config import Settings
from assistant.corpus import load_manifest, meta_for_file, parse_file, primary_files
from assistant.documents.meta import relabel, renamed
from assistant.errors import (
    AssistantError,
    DocumentNotFoundError,
    IndexBusyError,
    IndexCorruptError,
    IndexReadOnlyError,
    UnknownDocumentError,
)
from assistant.index.identity import base_id, locate, stands_in_for, unique_id
from assistant.index.store import (
    FORMAT_VERSION,
    ClauseIndex,
    atomic_write_json,
    check_home,
    read_json,
    remove_stray_temp_files,
)
from assistant.models import Clause, DocumentMeta
from assistant.packs.loader import drop_packs, install_pack
from assistant.read.base import SUPPORTED_SUFFIXES
from assistant.read.limits import regular_file

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
    notes: list[str] = field(default_factory=list)
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
        parts = [f"新增 {len(self.added)}", f"更新 {len(self.updated)}",
                 f"未变 {len(self.unchanged)}", f"移除 {len(self.removed)}"]
        if self.skipped:
            parts.append(f"跳过 {len(self.skipped)}")
        if self.repaired:
            parts.append(f"修复 {len(self.repaired)}（向量库与条款库不一致）")
        return f"导入完成：{'，'.join(parts)}；索引中共 {self.clauses} 条条款（{self.seconds:.1f} 秒）"


def sha256_file(path: Path) -> str:
    """Content hash of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: list[Path] | None) -> list[tuple[Path, DocumentMeta]]:
    """The files to ingest with their manifest entries.

    None: the shipped corpus; an empty list: nothing. A folder: its manifest's primary
    files plus any other supported file that the manifest does not list. A file: that file.

    Raises:
        DocumentNotFoundError: a path that does not exist.
    """
    if paths is None:
        return primary_files()
    out: list[tuple[Path, DocumentMeta]] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise DocumentNotFoundError(f"{path}：文件或文件夹不存在。请检查路径后重试。")
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
        return "另一个导入"
    return f"另一个导入（主机 {info.get('host')} 上的进程 {info.get('pid')}，开始于 {info.get('started')}）"


def _writable_home(home: Path) -> None:
    """Create ``home`` if needed; refuse a home that is a file or cannot be written.

    Raises:
        IndexReadOnlyError: naming the folder and what to do.
    """
    check_home(home)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise IndexReadOnlyError(
            f"无法创建数据目录 {home}（{err.strerror}）；请检查权限，或设置 POLICY_ASSISTANT_HOME 指向一个可写的文件夹。"
        ) from None
    if not os.access(home, os.W_OK | os.X_OK):
        raise IndexReadOnlyError(
            f"数据目录 {home} 是只读的，无法导入或修改索引（提问仍可进行）；请运行 chmod u+w {home}，"
            "或设置 POLICY_ASSISTANT_HOME 指向一个可写的文件夹。"
        )


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
                f"{holder}正在使用 {home}（锁文件 {home / '.lock'}）；请等它完成后重试，"
                "或加 --wait 秒数 排队等待。"
            ) from None
        say(f"{holder}正在使用 {home}，最多等待 {wait:g} 秒")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise IndexBusyError(
                f"等待 {wait:g} 秒后，{_lock_holder(home)}仍占用 {home / '.lock'}；"
                "请稍后重试，或加更长的 --wait。"
            ) from None
    atomic_write_json(home / LOCK_INFO, {"pid": os.getpid(), "host": socket.gethostname(),
                                         "started": datetime.now().isoformat(timespec="seconds")})
    return lock


def _release(home: Path, lock) -> None:
    (home / LOCK_INFO).unlink(missing_ok=True)
    lock.release()


@dataclass
class LockedIndex:
    """An index opened under the ingestion lock, with the time its run started."""

    home: Path
    index: ClauseIndex
    started: float

    def finish(self, report: IngestReport) -> IngestReport:
        """Close a run that committed: packs of documents the index no longer holds go (a
        pack is active only while its document is indexed), and the report gets the clause
        count and the time taken."""
        for doc_id in drop_packs(self.home, set(_doc_ids(self.index))):
            report.notes.append(f"文档 {doc_id} 已不在索引中，其规则包（计算工具、适用条件）已一并移除")
        report.clauses = len(self.index.clauses())
        report.seconds = time.perf_counter() - self.started
        return report


@contextmanager
def locked_index(settings: Settings, index: ClauseIndex | None = None, wait: float = 0,
                 say: Callable[[str], None] | None = None, tolerant: bool = False) -> Iterator[LockedIndex]:
    """The index of ``settings`` under the ingestion lock, re-read from disk: every change
    to an index (ingesting, removing) runs inside this.

    Args:
        settings: the home folder.
        index: an open index (opened from settings when omitted, and then closed on leaving).
        wait: seconds to wait for another ingestion of the same home to finish.
        say: receives the waiting message.
        tolerant: for a rebuild: a damaged ``index.json`` is read from its backup.
    Yields:
        A :class:`LockedIndex`; call its ``finish`` with the report once the run committed.
        The lock is released on leaving, whatever happened.
    Raises:
        IndexReadOnlyError, IndexBusyError; IndexCorruptError from reading the index.
    """
    started = time.perf_counter()
    home = Path(settings.home)
    _writable_home(home)
    lock = acquire_lock(home, wait, say or (lambda msg: None))
    own_index = index is None
    try:
        remove_stray_temp_files(home)
        if index is None:
            index = ClauseIndex(settings, tolerant=tolerant)
        # Re-read the state under the lock: another process may have written it meanwhile.
        index.refresh(tolerant=tolerant)
        yield LockedIndex(home=home, index=index, started=started)
    finally:
        if own_index and index is not None:
            index.close()
        _release(home, lock)


def _doc_ids(index: ClauseIndex) -> list[str]:
    """Every document id the index holds (records and committed clauses), sorted."""
    ids = {rec["doc_id"] for rec in index.state.get("files", {}).values()}
    try:
        ids |= {c.doc_id for c in index.clauses().values()}
    except IndexCorruptError:
        pass
    return sorted(ids)


def _unknown(doc_id: str, index: ClauseIndex) -> UnknownDocumentError:
    known = _doc_ids(index)
    listed = "、".join(known) if known else "（索引中还没有文档）"
    return UnknownDocumentError(
        f"索引中没有编号为 {doc_id!r} 的文档。已有的文档编号：{listed}。"
        "运行 policy-assistant documents 查看详情。"
    )


def _wanted(paths: list[Path] | None, carried: dict[str, dict], strict: bool,
            report: IngestReport) -> list[tuple[Path, DocumentMeta, str | None]]:
    """The files to read: those given, then recorded ones a rebuild carries over, each with
    the document id it must keep (None: decided by identity rules).

    Raises:
        DocumentNotFoundError: a carried file that is gone (strict mode), naming it.
    """
    wanted: list[tuple[Path, DocumentMeta, str | None]] = [(p, m, None) for p, m in discover(paths)]
    given = {str(Path(p).resolve()) for p, _, _ in wanted}
    for key, rec in carried.items():
        if key in given:
            continue
        path = locate(key, rec)
        if path is None:
            msg = (f"重建需要源文件 {key}（文档 {rec['doc_id']}），但它已不存在。请把该文件放回原处后重试；"
                   f"或运行 policy-assistant ingest --rebuild --keep-going 跳过它（文档 {rec['doc_id']} 将不在重建后的索引中）。")
            if strict:
                raise DocumentNotFoundError(msg)
            report.skipped.append((key, msg))
            continue
        if str(path.resolve()) in given:
            continue  # found at its new place among the given paths
        given.add(str(path.resolve()))
        wanted.append((path, DocumentMeta(**{**rec["meta"], "id": base_id(rec)}), rec["doc_id"]))
    return wanted


def ingest(paths: list[Path] | None, settings: Settings, index: ClauseIndex | None = None,
           rebuild: bool = False, strict: bool = True,
           progress: Callable[[str], None] | None = None, wait: float = 0,
           verify: bool = False, replace: str | None = None,
           embed_progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Add documents, or new versions of documents, to the index.

    Unchanged files (same content hash, same model and parser) cost nothing; a changed
    file's clauses replace its old ones. A file recorded earlier that moved or vanished
    keeps its document (only :func:`remove_document` removes one). A file whose document id
    is taken by another file becomes a new document with a suffixed id (``-2``), unless
    ``replace`` names the document it replaces. All files are read and parsed before
    anything is written. An ingestion that was killed part-way is finished here: its
    journal makes this run compare the dense store with the committed clauses and repair
    what differs, and the batches it had already embedded are reused.

    Args:
        paths: files or folders; None for the shipped corpus (for a rebuild of an index that
            holds files: only those); [] for none (repair only).
        settings: home folder and embedding.
        index: an open index (opened from settings when omitted).
        rebuild: rebuild the whole index (e.g. after changing the embedding model): every
            file it held is read again with ``paths``, and only once all are read is the old
            index dropped. Works whatever state the store files are in.
        strict: when True a file that cannot be read aborts the run with nothing written;
            when False it is reported in ``skipped`` and the rest are ingested.
        progress: called with a short message per step (and per embedding batch, with an
            estimate of the time left, unless ``embed_progress`` is given).
        wait: seconds to wait for another ingestion of the same home to finish (0: fail at once).
        verify: compare the dense store with the clauses in full (it is always compared by ids).
        replace: the id of an indexed document that the one file in ``paths`` replaces.
        embed_progress: called as ``embed_progress(done, total)`` after each embedding batch.
    Returns:
        An :class:`IngestReport`.
    Raises:
        AssistantError subclasses; IndexBusyError when another ingestion holds the lock.
    """
    say = progress or (lambda msg: None)
    with locked_index(settings, index, wait, say, tolerant=rebuild) as held:
        index, home = held.index, held.home
        report = IngestReport()
        journal = index.journal()
        if index.outdated_format() and not rebuild:
            say(f"索引 {home} 的存储格式过旧，升级到格式 {FORMAT_VERSION}：重建")
            rebuild = True
        rebuild = rebuild or bool(journal and journal.get("reset"))  # finish a rebuild that was killed
        if not rebuild:
            index.check_compatible()
        if rebuild and index.sources_lost and paths is None:
            raise IndexCorruptError(
                f"{home / 'index.json'} 及其备份都已损坏，无法得知原来导入了哪些文件。请运行 "
                "policy-assistant ingest --rebuild 文件或文件夹…，列出要重新导入的源文件。"
            )
        if replace is not None:
            if replace not in _doc_ids(index):
                raise _unknown(replace, index)
            if paths is None or len(paths) != 1 or not Path(paths[0]).is_file():
                raise DocumentNotFoundError(
                    f"--replace {replace} 需要正好一个文件：policy-assistant ingest --replace {replace} 文件路径")
        # A rebuild re-reads what the index held (and what a killed rebuild had not re-read yet)
        # besides the given paths, so nothing indexed is lost by rebuilding.
        recorded = dict(index.state.get("files", {}))
        carried = {**recorded, **index.pending_files()} if rebuild else index.pending_files()
        if rebuild and paths is None and carried:
            paths = []  # rebuild what the index holds; the shipped corpus only if it was there
        files_state: dict[str, dict] = {} if rebuild else recorded
        known = {**carried, **files_state}  # records that give a path its document id
        taken = {rec["doc_id"] for rec in known.values()} | set(_doc_ids(index))
        wanted = _wanted(paths, carried, strict, report)
        new: dict[str, list[Clause]] = {}
        moved: list[str] = []
        seen_hashes = {v["sha256"]: k for k, v in files_state.items()}
        for path, meta, keep_id in wanted:
            key = str(Path(path).resolve())
            try:
                regular_file(path)  # before hashing: a FIFO would block, /dev/zero never ends
                size_ok = Path(path).stat().st_size <= settings.max_file_bytes
                digest = sha256_file(path) if size_ok else ""
                old = files_state.get(key)
                if replace is not None:
                    doc_id = replace
                elif keep_id is not None or key in known:
                    doc_id = keep_id or known[key]["doc_id"]
                    if old is not None and old["sha256"] == digest:
                        report.unchanged.append(path.name)
                        continue
                    twin = seen_hashes.get(digest)
                    if digest and twin is not None and twin != key:
                        report.notes.append(f"{path.name}：内容与已索引的 {Path(twin).name} 相同；"
                                            f"按本文件重新读取，仍为文档 {doc_id}")
                else:
                    stand_in = stands_in_for(Path(path), meta, files_state)
                    twin = seen_hashes.get(digest)
                    if stand_in is None and digest and twin is not None:
                        report.skipped.append((str(path), DUPLICATE + Path(twin).name))
                        continue
                    if stand_in is not None:
                        doc_id = files_state[stand_in]["doc_id"]
                        if files_state[stand_in]["sha256"] == digest:
                            # The same file at a new place (a newer install): only the record moves.
                            files_state[key] = {**files_state.pop(stand_in), "source": path.name}
                            moved.append(path.name)
                            report.unchanged.append(path.name)
                            report.notes.append(f"{path.name}：文件位置已变（原为 {stand_in}），内容未变")
                            continue
                    else:
                        doc_id = unique_id(meta.id, taken)
                        if doc_id != meta.id:
                            report.notes.append(
                                f"{path.name}：文档编号 {meta.id} 已被另一个文件使用，作为新文档 {doc_id} 导入；"
                                f"若要替换原文档，请运行 policy-assistant ingest --replace {meta.id} {path}")
                taken.add(doc_id)
                doc_meta = meta.model_copy(update={"id": doc_id})
                say(f"正在读取 {path.name}")
                clauses = parse_file(path, doc_meta, limits=settings.read_limits())
            except AssistantError as err:
                if strict:
                    raise
                report.skipped.append((str(path), str(err)))
                continue
            replaced = [other for other, rec in files_state.items() if rec["doc_id"] == doc_id and other != key]
            for other in replaced:
                del files_state[other]  # this file is the document's new version
            (report.updated if key in files_state or replaced else report.added).append(path.name)
            files_state[key] = {"sha256": digest, "doc_id": doc_id, "base_id": meta.id, "source": path.name,
                                "meta": doc_meta.model_dump(mode="json"), "clauses": len(clauses)}
            seen_hashes[digest] = key
            new[doc_id] = clauses
            install_pack(path, doc_id, home)  # a document's rules travel with it into the data folder
        # Everything is read: only now is anything written.
        to_fix: set[str] = set()
        to_drop: set[str] = set()
        if rebuild:
            say("重建：清空现有索引")
            index.reset()
            journal = None
        elif journal is not None or verify or not index.dense_agrees():
            to_fix, to_drop = index.verify()
            report.repaired = sorted(to_fix | to_drop)
            if report.repaired:
                say(f"向量库与条款库不一致，正在修复：{'、'.join(report.repaired)}")
        current_docs = {rec["doc_id"] for rec in files_state.values()}
        # Clauses of a document without a record (a remove or rebuild killed part-way) go.
        removed_docs = set(to_drop) | ({c.doc_id for c in index.clauses().values()} - current_docs - set(new))
        for doc_id in sorted(to_fix - removed_docs - set(new)):
            new[doc_id] = [c for c in index.clauses().values() if c.doc_id == doc_id]
        _name_versions(files_state, new, index)
        if new or removed_docs or rebuild or carried or moved:
            say(f"正在建立索引：{sum(len(v) for v in new.values())} 条条款")
            index.replace_documents(new, removed_docs - set(new), files_state,
                                    on_embed=embed_progress or _eta(say))
        elif journal is not None:
            index.clear_journal()  # killed before the dense store changed: nothing to repair
        return held.finish(report)


def held_files(settings: Settings) -> list[Path] | None:
    """The files of the documents an index holds, where they are now: what a re-index reads
    again, so that it neither adds a document that was removed nor loses one that is held.

    A file recorded at a place that is gone is found in the shipped corpus of this install
    when it is the same document (see :func:`assistant.index.identity.locate`); a file
    found nowhere is left out (its document stays indexed as it is).

    Args:
        settings: the home folder.
    Returns:
        The files, in recorded order; None when the index records no files at all: a home
        never ingested into, or one whose ``index.json`` and its backup are both lost.
    """
    index = ClauseIndex(settings, tolerant=True)
    try:
        if not index.state or index.sources_lost:
            return None
        records = {**index.pending_files(), **index.state.get("files", {})}
    finally:
        index.close()
    found = [locate(key, rec) for key, rec in records.items()]
    return list(dict.fromkeys(p for p in found if p is not None))


def _eta(say: Callable[[str], None]) -> Callable[[int, int], None]:
    from assistant.index.embedcache import EtaReporter

    return EtaReporter(say)


def _name_versions(files_state: dict[str, dict], new: dict[str, list[Clause]], index: ClauseIndex) -> None:
    """Label two indexed versions of one title with their years (and one left alone plainly
    again): relabel the clauses of each document whose name changes and record its meta."""
    records = {rec["doc_id"]: rec for rec in files_state.values()}
    for was, named in renamed([DocumentMeta(**{**rec["meta"], "id": d}) for d, rec in records.items()]):
        clauses = new.get(was.id) or [c for c in index.clauses().values() if c.doc_id == was.id]
        new[was.id] = relabel(clauses, was.short_name, named.short_name)
        records[was.id]["meta"] = named.model_dump(mode="json")


def remove_document(doc_id: str, settings: Settings, index: ClauseIndex | None = None,
                    wait: float = 0) -> IngestReport:
    """Take one document out of the index: its clauses, BM25 entries and vectors, through
    the same crash-safe commit as an ingestion, and its installed pack
    (``<home>/packs/<doc_id>.pack.toml``: its calculators and rules). Its source file is
    not touched.

    Args:
        doc_id: the document id (``policy-assistant documents`` lists them).
        settings: the home folder.
        index: an open index (opened from settings when omitted).
        wait: seconds to wait for an ingestion of the same home to finish.
    Returns:
        An :class:`IngestReport` whose ``removed`` names the document's file(s).
    Raises:
        UnknownDocumentError: no such document, listing the ids there are.
        IndexBusyError, IndexReadOnlyError.
    """
    with locked_index(settings, index, wait) as held:
        index, home = held.index, held.home
        journal = index.journal()
        if journal is not None and journal.get("reset"):
            raise IndexCorruptError(
                f"{home} 中上一次重建没有完成；请先运行 policy-assistant ingest 完成它，再移除文档。")
        if doc_id not in _doc_ids(index):
            raise _unknown(doc_id, index)
        index.check_compatible()
        files_state = dict(index.state.get("files", {}))
        report = IngestReport()
        for key, rec in list(files_state.items()):
            if rec["doc_id"] == doc_id:
                report.removed.append(rec["source"])
                del files_state[key]
        if not report.removed:
            report.removed.append(doc_id)
        # A change killed part-way (or a dense store changed outside) is repaired in the same commit.
        new: dict[str, list[Clause]] = {}
        gone = {doc_id}
        if journal is not None or not index.dense_agrees():
            to_fix, to_drop = index.verify()
            report.repaired = sorted((to_fix | to_drop) - {doc_id})
            gone |= to_drop
            for other in sorted(to_fix - gone):
                new[other] = [c for c in index.clauses().values() if c.doc_id == other]
        _name_versions(files_state, new, index)
        index.replace_documents(new, gone, files_state)
        return held.finish(report)
