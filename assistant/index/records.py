"""Checks on what the index reads from disk: the commit record, the clause and sparse
snapshots, the home folder itself. A file damaged outside this program (truncated, wrong
shape, a folder where a file should be) becomes one message that names the file and the
command that fixes it, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import IndexCorruptError, IndexReadOnlyError
from assistant.models import Clause

REBUILD = "policy-assistant ingest --rebuild"


class FileRecord(BaseModel):
    """One ingested file as ``index.json`` records it."""

    model_config = ConfigDict(extra="allow")

    sha256: str
    doc_id: str
    source: str
    meta: dict
    clauses: int


class StateRecord(BaseModel):
    """The fields of ``index.json`` that readers rely on."""

    model_config = ConfigDict(extra="allow")

    format: int | None = None
    index_id: str | None = None
    generation: int = 0
    embedding: str | None = None
    parser_version: str | None = None
    collection: str | None = None
    clauses_file: str | None = None
    sparse_file: str | None = None
    files: dict[str, FileRecord] = {}
    pending_files: dict[str, FileRecord] = {}


def damaged(path: Path, detail: str) -> IndexCorruptError:
    """The error for a store file that cannot be used: names it and the fixing command."""
    detail = " ".join(str(detail).split())[:160]
    return IndexCorruptError(f"索引文件 {path} 已损坏（{detail}）；运行 {REBUILD} 从源文件重建索引。")


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(x) for x in first["loc"]) or "顶层"
    return f"字段 {where}：{first['msg']}"


def valid_state(data: Any, path: Path) -> dict:
    """``index.json`` content checked for shape; returned as read.

    Raises:
        IndexCorruptError: a field of the wrong type, naming the file and the field.
    """
    if data == {}:
        return data
    if not isinstance(data, dict):
        raise damaged(path, "不是一个 JSON 对象")
    try:
        StateRecord(**data)
    except ValidationError as err:
        raise damaged(path, _first_error(err)) from None
    return data


def valid_clauses(data: Any, path: Path) -> dict[str, Clause]:
    """A clause snapshot as clauses by id.

    Raises:
        IndexCorruptError: not the shape this program writes, naming the file.
    """
    if not isinstance(data, dict) or not isinstance(data.get("clauses"), list):
        raise damaged(path, "缺少 clauses 列表")
    try:
        return {c.id: c for c in (Clause(**raw) for raw in data["clauses"])}
    except (ValidationError, TypeError) as err:
        detail = _first_error(err) if isinstance(err, ValidationError) else str(err)
        raise damaged(path, detail) from None


def valid_sparse(data: Any, path: Path) -> dict:
    """A sparse snapshot checked for shape (clause id -> token list).

    Raises:
        IndexCorruptError: naming the file.
    """
    docs = data.get("docs") if isinstance(data, dict) else None
    if not isinstance(docs, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in docs.values()):
        raise damaged(path, "docs 应为 条款编号 -> 词列表")
    return data


def check_home(home: Path) -> None:
    """Refuse a home that exists but is not a folder.

    Raises:
        IndexReadOnlyError: naming the path and what to do.
    """
    if home.exists() and not home.is_dir():
        raise IndexReadOnlyError(
            f"数据目录 {home} 是一个文件，不是文件夹；请删除或改名该文件（mv {home} {home}.bak），"
            "或设置 POLICY_ASSISTANT_HOME 指向一个文件夹。"
        )
