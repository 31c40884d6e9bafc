"""Find, read and check the packs of the indexed documents.

A pack is active only while its document is indexed. It is found, for each document id
of the indexed clauses, as ``packs/<doc_id>.pack.toml`` in the data folder (copied there
when the document is ingested), else as ``<doc_id>.pack.toml`` in the shipped corpus
folder. Loading checks every clause id the pack names and that every quoted constant
still occurs in its clause's text: a calculator whose clause changed is disabled, with a
Chinese message naming the clause, and the other calculators stay available.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from assistant.errors import ConfigError
from assistant.models import Clause
from assistant.packs.schema import Pack, PackTool

PACK_SUFFIX = ".pack.toml"
PACKS_DIR = "packs"


class PackError(ConfigError):
    """A pack file is unreadable or malformed."""


@dataclass(frozen=True)
class ActiveTool:
    """A calculator of a pack whose clause and quoted constants were found in the index."""

    doc_id: str
    clause_id: str
    spec: PackTool

    @property
    def name(self) -> str:
        """The tool name."""
        return self.spec.name


@dataclass
class LoadedPack:
    """A pack checked against the indexed clauses."""

    pack: Pack
    path: Path
    tools: list[ActiveTool] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        """The document the pack belongs to."""
        return self.pack.doc_id


def pack_file_for(source: Path) -> Path:
    """The pack beside a document file: ``<stem>.pack.toml``."""
    return source.with_name(source.stem + PACK_SUFFIX)


def read_pack(path: Path) -> Pack:
    """Read one pack file.

    Raises:
        PackError: the file is not valid TOML or a field is wrong; the message names the
            file and the field.
    """
    return _read_cached(str(path), os.stat(path).st_mtime_ns)


@lru_cache(maxsize=64)
def _read_cached(path: str, _mtime: int) -> Pack:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise PackError(f"规则包 {path} 不是有效的 TOML（{err}）：请修正该文件。") from None
    except OSError as err:
        raise PackError(f"无法读取规则包 {path}（{err.strerror}）：请检查文件权限。") from None
    try:
        return Pack.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise PackError(f"规则包 {path} 的字段“{where}”有误（{first['msg']}）：请按规则包格式修正。") from None


def pack_dirs(home: Path | None = None) -> list[Path]:
    """Folders searched for packs, in order: the data folder's ``packs/``, the shipped corpus."""
    from assistant.config import Settings
    from assistant.corpus import shipped_corpus_dir

    home = home if home is not None else Settings.from_env().home
    return [Path(home) / PACKS_DIR, shipped_corpus_dir()]


def find_pack(doc_id: str, dirs: Iterable[Path]) -> Path | None:
    """The first ``<doc_id>.pack.toml`` in ``dirs``, or None."""
    for d in dirs:
        p = Path(d) / f"{doc_id}{PACK_SUFFIX}"
        if p.is_file():
            return p
    return None


def check_pack(pack: Pack, path: Path, clauses: Mapping[str, Clause]) -> LoadedPack:
    """Keep the calculators of ``pack`` whose clause exists and still quotes its constants.

    Args:
        pack: the pack as read.
        path: where it was read from (named in messages).
        clauses: the indexed clauses by id.
    Returns:
        The pack with its active tools and a Chinese message for each disabled one.
    """
    loaded = LoadedPack(pack=pack, path=path)
    for tool in pack.tools:
        cid = pack.full_id(tool.clause)
        clause = clauses.get(cid)
        if clause is None:
            loaded.problems.append(f"规则包 {path.name}：计算工具 {tool.name} 所依据的条款 {cid} 不在索引中，已停用该工具；"
                                   "请核对条款编号或重新导入文件。")
            continue
        gone = [q for q in tool.quotes if q not in clause.text]
        if gone:
            loaded.problems.append(f"规则包 {path.name}：条款 {clause.label}（{cid}）中已找不到“{'”“'.join(gone)}”，"
                                   f"规则可能已修改，已停用计算工具 {tool.name}；请按新条文更新规则包。")
            continue
        loaded.tools.append(ActiveTool(doc_id=pack.doc_id, clause_id=cid, spec=tool))
    return loaded


_LAST_DOC_IDS: list = [None, 0, []]  # the clause mapping last seen, its size, its document ids


def doc_ids_of(clauses: Mapping[str, Clause]) -> list[str]:
    """The document ids of the clauses, in order of first appearance.

    Asked at every question with the index's own mapping (replaced, never changed in place,
    when the index changes): the answer for the mapping last seen is kept, which spares a
    pass over every clause of a large corpus per question.
    """
    if _LAST_DOC_IDS[0] is clauses and _LAST_DOC_IDS[1] == len(clauses):
        return list(_LAST_DOC_IDS[2])
    seen: dict[str, None] = {}
    for c in clauses.values():
        seen.setdefault(c.doc_id, None)
    _LAST_DOC_IDS[:] = [clauses, len(clauses), list(seen)]
    return list(seen)


def active_packs(clauses: Mapping[str, Clause], dirs: Iterable[Path] | None = None) -> list[LoadedPack]:
    """The checked packs of the documents present in ``clauses``.

    Args:
        clauses: the indexed clauses by id.
        dirs: folders to search (default: :func:`pack_dirs`).
    Returns:
        One loaded pack per indexed document that has a pack file.
    Raises:
        PackError: a pack file is malformed.
    """
    dirs = list(dirs) if dirs is not None else pack_dirs()
    out = []
    for doc_id in doc_ids_of(clauses):
        path = find_pack(doc_id, dirs)
        if path is None:
            continue
        pack = read_pack(path)
        if pack.doc_id != doc_id:
            raise PackError(f"规则包 {path} 的 doc_id 为“{pack.doc_id}”，与文件名对应的文档“{doc_id}”不一致：请改正 doc_id。")
        out.append(check_pack(pack, path, clauses))
    return out


def active_tools(clauses: Mapping[str, Clause], dirs: Iterable[Path] | None = None) -> list[ActiveTool]:
    """Every active calculator of the indexed documents' packs, in pack order."""
    return [t for p in active_packs(clauses, dirs) for t in p.tools]


def install_pack(source: Path, doc_id: str, home: Path) -> Path | None:
    """Copy the pack beside an ingested file into the data folder, keyed by its document id.

    Args:
        source: the ingested document file; its pack is ``<stem>.pack.toml`` beside it.
        doc_id: the id the document got in the index (a suffixed id when the pack's was taken).
        home: the data folder.
    Returns:
        The installed pack's path, or None when the file has no pack beside it.
    """
    pack = pack_file_for(Path(source))
    if not pack.is_file():
        return None
    text = pack.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^doc_id\s*=\s*"[^"]*"', f'doc_id = "{doc_id}"', text, count=1)
    target = Path(home) / PACKS_DIR / f"{doc_id}{PACK_SUFFIX}"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target


def drop_packs(home: Path, held: set[str]) -> list[str]:
    """Remove the installed packs of documents the index does not hold.

    A pack is active only while its document is indexed: once a document is removed (or a
    rebuild leaves it out) its pack goes too, so a later document that gets the same id
    does not inherit its rules.

    Args:
        home: the data folder (its ``packs/`` holds the installed packs).
        held: the document ids the index holds.
    Returns:
        The document ids whose packs were removed, sorted.
    """
    folder = Path(home) / PACKS_DIR
    if not folder.is_dir():
        return []
    gone = []
    for path in sorted(folder.glob(f"*{PACK_SUFFIX}")):
        doc_id = path.name[: -len(PACK_SUFFIX)]
        if doc_id not in held:
            path.unlink(missing_ok=True)
            gone.append(doc_id)
    return gone
