"""What the UI does, without gradio: ask, look up, upload and re-index, behind one lock.

The assistant (chromadb, the BM25 store, lazily built retrievers) is not thread-safe and
gradio runs handlers on worker threads, so every call into it holds :attr:`UiService.lock`.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import (
    AssistantError,
    ConfigError,
    FileTooLargeError,
    UnsupportedFormatError,
)
from assistant.models import Answer, Clause, DocumentMeta
from ui.errors import message_for, message_for_reason

UPLOAD_SUFFIXES = (".pdf", ".txt", ".md", ".docx")
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 240  # file systems allow 255 bytes a name; a Chinese character takes 3 in UTF-8
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]+")
# Invisible characters that make a name display as something else ("报告\u202efdp.exe" shows
# as "报告exe.pdf"): zero-width and bidirectional controls.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class AdminPasswordError(AssistantError):
    """An admin action (upload, re-index) was attempted without the right password."""


def is_loopback(host: str) -> bool:
    """True when ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AdminGate:
    """Who may upload and re-index.

    A password is required when the server listens beyond loopback, and whenever one is
    configured. Beyond loopback without a configured password the server must not start.

    Args:
        host: the address the server binds.
        password: ``POLICY_ASSISTANT_ADMIN_PASSWORD`` (None when unset).
    Raises:
        ConfigError: ``host`` is not loopback and no password is configured.
    """

    def __init__(self, host: str, password: str | None) -> None:
        if not is_loopback(host) and not password:
            raise ConfigError(
                f"the UI would listen on {host}, beyond this machine, but POLICY_ASSISTANT_ADMIN_PASSWORD "
                "is not set. Set it to protect upload and re-index, or use --host 127.0.0.1."
            )
        self._password = password or None
        self.host = host

    @property
    def required(self) -> bool:
        """Whether admin actions ask for the password."""
        return self._password is not None

    def check(self, given: str | None) -> None:
        """Raise :class:`AdminPasswordError` unless ``given`` is the password (or none is required)."""
        if self._password is None:
            return
        # "surrogatepass": a password field may hold a lone surrogate ("\ud800" in JSON), which
        # must be a wrong password, not an encoding error.
        if not isinstance(given, str) or not given or not hmac.compare_digest(
                given.encode("utf-8", "surrogatepass"), self._password.encode("utf-8", "surrogatepass")):
            raise AdminPasswordError("管理员密码不正确：上传和重新索引需要 POLICY_ASSISTANT_ADMIN_PASSWORD 中设置的密码。")


def shown_name(name: str, limit: int = 80) -> str:
    """A file name as messages show it: control and invisible characters as "?", long names cut."""
    text = _INVISIBLE.sub("?", re.sub(r"[\x00-\x1f\x7f]", "?", name or ""))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_filename(name: str) -> str:
    """A file name safe to save: no folders, no ``..``, no control or reserved characters.

    Args:
        name: the name the browser sent (may contain a path).
    Returns:
        The base name, cleaned, with its suffix lower-cased.
    Raises:
        UnsupportedFormatError: nothing usable is left, or the type is not PDF/TXT/MD/DOCX.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = _UNSAFE.sub("_", _INVISIBLE.sub("", base)).strip().rstrip(". ")
    base = re.sub(r"\.{2,}", ".", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise UnsupportedFormatError(
            f"“{shown_name(name)}”不是支持的文件类型（{suffix or '无扩展名'}）；请上传 PDF、TXT、MD 或 DOCX 文件。")
    stem = stem.strip(" ._")[: MAX_NAME_CHARS]
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" ._")
    if not stem:
        raise UnsupportedFormatError(f"文件名“{shown_name(name)}”不可用；请改一个由文字或数字组成的文件名后再上传。")
    return stem + suffix


# Ingestion progress messages (English, from the index layer) and their Chinese; the first
# pattern that matches wins. Anything else is shown as a generic step, never in English.
_PROGRESS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^reading (?P<x>.+)$"), "正在读取 {x}"),
    (re.compile(r"^indexing (?P<n>\d+) clauses?$"), "正在建立索引：{n} 条条款"),
    (re.compile(r"^embedding\D*(?P<a>\d+)\s*/\s*(?P<b>\d+)"), "正在计算向量：{a}/{b} 条"),
    (re.compile(r"^rebuild: .*"), "重建：正在删除现有索引"),
    (re.compile(r"^waiting up to (?P<s>[\d.]+)s for .*"), "另一个导入正在进行，最多等待 {s} 秒"),
    (re.compile(r"^upgrading the index .*"), "正在把索引升级到新格式（重建）"),
    (re.compile(r"^repairing the dense store for (?P<x>.+)$"), "正在修复向量库：{x}"),
)


def progress_text(message: str) -> str:
    """An ingestion progress message in Chinese (file names kept, folders dropped)."""
    from ui.errors import is_chinese, strip_folders

    text = strip_folders(message.strip())
    if is_chinese(text):
        return text
    for pattern, zh in _PROGRESS:
        m = pattern.match(text)
        if m:
            return zh.format(**m.groupdict())
    return "正在导入…"


class UiService:
    """The assistant as the UI uses it.

    Args:
        assistant: an :class:`assistant.core.Assistant`.
        gate: who may upload and re-index.
    """

    def __init__(self, assistant: Any, gate: AdminGate) -> None:
        self.assistant = assistant
        self.gate = gate
        self.lock = threading.RLock()

    @property
    def settings(self):
        """The assistant's settings."""
        return self.assistant.settings

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded files are kept: ``<home>/uploads``."""
        return Path(self.settings.home) / "uploads"

    # -- reading -----------------------------------------------------------------------
    def ask(self, question: str, history: list[str], llm: bool | None = None,
            on_token: Any = None) -> Answer:
        """Answer a question in the context of earlier questions (``llm``: the model answer
        mode on or off, None: as configured; ``on_token`` receives the model's draft)."""
        mode = {k: v for k, v in (("llm", llm), ("on_token", on_token)) if v is not None}
        with self.lock:
            return self.assistant.ask(question, history=history, **mode)

    def llm_config(self) -> Any:
        """The model endpoint the assistant may answer with (None: extractive only, or a
        configuration the assistant cannot use, which each answer then reports)."""
        from assistant.errors import ConfigError

        try:
            return getattr(self.assistant, "llm", None)
        except ConfigError:
            return None

    def clauses(self) -> list[Clause]:
        """Every clause, in document order."""
        with self.lock:
            return self.assistant.clauses()

    def clause(self, clause_id: str) -> Clause:
        """One clause. Raises ClauseNotFoundError."""
        with self.lock:
            return self.assistant.clause(clause_id)

    def documents(self) -> list[DocumentMeta]:
        """The indexed documents."""
        with self.lock:
            return self.assistant.documents()

    def doc_names(self) -> dict[str, str]:
        """Document id -> the name a clause label starts with (文号, else title)."""
        return {m.id: m.short_name for m in self.documents()}

    def lookup(self, clause_id: str) -> Clause | None:
        """One clause, or None when there is no such id (for rendering, where a missing
        clause just shows less)."""
        try:
            return self.clause(clause_id)
        except AssistantError:
            return None

    def example_groups(self) -> dict[str, list[str]]:
        """Example questions by who asks, from the indexed documents (:mod:`ui.examples`)."""
        from assistant.corpus import shipped_corpus_dir
        from ui.examples import example_groups

        try:
            docs, clauses = self.documents(), self.clauses()
        except AssistantError:
            return {}
        return example_groups(docs, clauses, [shipped_corpus_dir(), self.uploads_dir])

    def labels(self) -> dict[str, str]:
        """Clause id -> label."""
        return {c.id: c.label for c in self.clauses()}

    def related(self, query: str, k: int = 10) -> list[Clause]:
        """Clauses retrieved for ``query`` by words (BM25), for a search with no literal hit."""
        with self.lock:
            try:
                return [h.clause for h in self.assistant.retrieve(query, k=k, mode="bm25")]
            except AssistantError:
                return []

    # -- admin ----------------------------------------------------------------------------
    def upload(self, files: list[str], password: str | None,
               progress: Callable[[str], None] | None = None) -> tuple[list[str], list[tuple[str, str]], Any]:
        """Save uploaded files under ``<home>/uploads`` and ingest them.

        Args:
            files: paths of the uploaded temporary files (their names are the browser's names).
            password: the admin password given.
            progress: receives progress messages in Chinese.
        Returns:
            (saved names, rejected (name, reason) pairs, the IngestReport or None).
        Raises:
            AdminPasswordError: wrong or missing password.
        """
        self.gate.check(password)
        say = progress or (lambda msg: None)
        saved: list[Path] = []
        previous: dict[Path, Path] = {}
        rejected: list[tuple[str, str]] = []
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        for src in files:
            src_path = Path(src)
            shown = shown_name(src_path.name)
            try:
                name = safe_filename(src_path.name)
                size = src_path.stat().st_size
                if size > self.settings.max_file_bytes:
                    raise FileTooLargeError(
                        f"文件大小 {size / 1048576:.1f} MB，超过上限 {self.settings.max_file_mb} MB"
                        "（POLICY_ASSISTANT_MAX_FILE_MB）。")
                if size == 0:
                    raise UnsupportedFormatError("文件是空的。")
                dest = self.uploads_dir / name
                owner = self._other_file_of(dest)
                if owner:
                    raise UnsupportedFormatError(
                        f"“{name}”会成为与已索引文件“{owner}”相同的文档（文档编号取自文件名）；"
                        "请改一个文件名后再上传。")
                if dest in saved:
                    raise UnsupportedFormatError(f"本次上传中已有同名文件“{name}”；请改名后单独上传。")
                self._stage(src_path, dest, previous)
                saved.append(dest)
                say(f"已保存 {name}")
            except (AssistantError, OSError) as err:
                rejected.append((shown, message_for(err)))
        report = None
        try:
            if saved:
                report = self._ingest(saved, rebuild=False, say=say)
                failed = {Path(p).name for p, _ in report.skipped}
                rejected += [(Path(p).name, message_for_reason(reason, Path(p).name)) for p, reason in report.skipped]
                for path in saved:
                    if path.name in failed:
                        # A file the index refused is not kept as if it were held; the version
                        # it replaced (still the indexed one) comes back.
                        self._unstage(path, previous)
                saved = [p for p in saved if p.name not in failed]
        except BaseException:
            for path in saved:
                self._unstage(path, previous)
            raise
        finally:
            for backup in previous.values():
                backup.unlink(missing_ok=True)
        return [p.name for p in saved], rejected, report

    def _other_file_of(self, dest: Path) -> str | None:
        """The indexed file, other than ``dest`` itself, whose document ``dest`` would replace
        (an upload named like an indexed file must not swap out that file's document)."""
        from assistant.corpus import load_manifest, meta_for_file

        doc_id = meta_for_file(dest, load_manifest(self.uploads_dir)).id
        with self.lock:
            files = self.assistant.index.state.get("files", {})
        for key, rec in files.items():
            if rec.get("doc_id") == doc_id and Path(key) != dest.resolve():
                return rec.get("source") or Path(key).name
        return None

    def _stage(self, src: Path, dest: Path, previous: dict[Path, Path]) -> None:
        """Copy an upload into place atomically, keeping the file it replaces aside."""
        tmp = dest.with_name(f".{dest.name}.upload")
        shutil.copyfile(src, tmp)
        if dest.exists():
            backup = dest.with_name(f".{dest.name}.previous")
            os.replace(dest, backup)
            previous[dest] = backup
        os.replace(tmp, dest)

    @staticmethod
    def _unstage(dest: Path, previous: dict[Path, Path]) -> None:
        """Undo :meth:`_stage`: the previous version back in place, or no file at all."""
        backup = previous.pop(dest, None)
        if backup is not None and backup.exists():
            os.replace(backup, dest)
        else:
            dest.unlink(missing_ok=True)

    def reindex(self, password: str | None, rebuild: bool = False,
                progress: Callable[[str], None] | None = None) -> Any:
        """Re-read the files of the documents the index holds; changed files are re-indexed.

        A document an admin removed stays removed (the shipped corpus is not added back); only
        a home that records no files at all (never ingested into, or its records lost) reads
        the shipped corpus and the uploads folder.

        Args:
            password: the admin password given.
            rebuild: drop the index first and rebuild everything.
            progress: receives progress messages in Chinese.
        Returns:
            The IngestReport.
        Raises:
            AdminPasswordError: wrong or missing password.
        """
        self.gate.check(password)
        from assistant.corpus import shipped_corpus_dir
        from assistant.index.ingest import held_files

        say = progress or (lambda m: None)
        paths = held_files(self.settings)
        if paths is None:
            paths = [shipped_corpus_dir()]
            if self.uploads_dir.is_dir() and any(self.uploads_dir.iterdir()):
                paths.append(self.uploads_dir)
        say("正在完全重建索引：重新读取全部文件…" if rebuild else "正在检查内置文件和已上传的文件有无变化…")
        return self._ingest(paths, rebuild=rebuild, say=say)

    def remove(self, doc_id: str, password: str | None) -> Any:
        """Take a document out of the index; an uploaded file of it is deleted too (else the
        next re-index would bring it back). A shipped document's file stays.

        Args:
            doc_id: the document id.
            password: the admin password given.
        Returns:
            The IngestReport (``removed`` names the file(s)).
        Raises:
            AdminPasswordError: wrong or missing password.
            AssistantError: no such document (naming the ids there are), index busy.
        """
        self.gate.check(password)
        from assistant.index.ingest import remove_document

        with self.lock:
            try:
                report = remove_document(doc_id, self.settings)
            finally:
                self.assistant.reload()
        for name in report.removed:
            upload = self.uploads_dir / Path(name).name
            if upload.is_file():
                upload.unlink()
        return report

    def _ingest(self, paths: list[Path], rebuild: bool, say: Callable[[str], None]) -> Any:
        from assistant.index.ingest import ingest

        with self.lock:
            try:
                return ingest(paths, self.settings, rebuild=rebuild, strict=False,
                              progress=lambda m: say(progress_text(m)))
            finally:
                self.assistant.reload()
