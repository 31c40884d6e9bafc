"""The corpus: the manifest of documents, and parsing a file into clauses.

``shipped_clauses()`` parses the documents that ship with the package without touching
the index, so calculators, the matcher and tests can use the exact clause texts cheaply.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from assistant.clauses import parse_paragraphs
from assistant.documents.meta import extract_meta, strip_comments
from assistant.errors import AssistantError, ClauseNotFoundError, ConfigError, NoTextError
from assistant.models import Clause, DocumentMeta
from assistant.read import read_document
from assistant.read.base import DEFAULT_MAX_BYTES
from assistant.read.limits import ReadLimits
from assistant.read.clean import clean

MANIFEST_NAME = "manifest.toml"


def shipped_corpus_dir() -> Path:
    """Folder of the documents that ship with the package."""
    return Path(str(resources.files("corpus")))


def load_manifest(folder: Path | None = None) -> list[DocumentMeta]:
    """Read ``manifest.toml`` of a corpus folder (default: the shipped corpus).

    Raises:
        ConfigError: a malformed manifest, naming the entry and field.
    """
    folder = folder or shipped_corpus_dir()
    path = folder / MANIFEST_NAME
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err}). Fix the manifest.") from err
    docs = []
    for i, entry in enumerate(data.get("document", []), start=1):
        try:
            docs.append(DocumentMeta(**entry))
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(x) for x in first["loc"])
            raise ConfigError(f"{path}: document #{i}, field '{field}': {first['msg']}.") from err
    return docs


def meta_for_file(path: Path, manifest: list[DocumentMeta],
                  max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentMeta:
    """The manifest entry that lists ``path``'s file name, else metadata read from the file's
    text (title, 文号, issuers, dates, validity: :func:`assistant.documents.meta.extract_meta`).

    A file that cannot be read gets a minimal entry made from its name; reading it again
    to parse reports what is wrong with it.
    """
    for meta in manifest:
        if path.name in meta.files:
            return meta
    try:
        return extract_meta(clean(read_document(path, max_bytes=max_bytes)), path)
    except AssistantError:
        stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", path.stem).strip("-").lower() or "doc"
        return DocumentMeta(id=stem, title=path.stem, files=[path.name])


def parse_file(path: str | Path, meta: DocumentMeta | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, limits: ReadLimits | None = None) -> list[Clause]:
    """Read, clean and parse one file into clauses.

    Args:
        path: a PDF, DOCX, TXT or MD file.
        meta: its manifest entry; looked up in the file's folder manifest when omitted.
        max_bytes: size limit passed to the reader.
        limits: all reading limits (``Settings.read_limits()``); replaces ``max_bytes``.
    Returns:
        The clauses in document order.
    Raises:
        AssistantError subclasses for missing, unreadable or empty files.
    """
    path = Path(path)
    paragraphs = strip_comments(clean(read_document(path, max_bytes=max_bytes, limits=limits)))
    if meta is None:
        manifest = load_manifest(path.parent) if path.parent.exists() else []
        listed = [m for m in manifest if path.name in m.files]
        meta = listed[0] if listed else extract_meta(paragraphs, path)
    clauses = parse_paragraphs(paragraphs, meta, source=path.name)
    if not clauses:
        raise NoTextError(f"{path}: text was read but no clause could be formed from it.")
    return clauses


def primary_files(folder: Path | None = None) -> list[tuple[Path, DocumentMeta]]:
    """The file indexed for each manifest document of a corpus folder.

    That is the first of its listed files that exists; a document none of whose files is
    there is left out (and leaves the index if it was in it).
    """
    folder = folder or shipped_corpus_dir()
    out = []
    for meta in load_manifest(folder):
        present = [folder / name for name in meta.files if (folder / name).is_file()]
        if present:
            out.append((present[0], meta))
    return out


@lru_cache(maxsize=1)
def _shipped() -> tuple[Clause, ...]:
    out: list[Clause] = []
    for path, meta in primary_files():
        out.extend(parse_file(path, meta))
    return tuple(out)


def shipped_clauses() -> list[Clause]:
    """All clauses of the shipped corpus, parsed from the primary files (cached)."""
    return list(_shipped())


def clause_map() -> dict[str, Clause]:
    """Shipped clauses by id."""
    return {c.id: c for c in _shipped()}


def get_clause(clause_id: str, clauses: dict[str, Clause] | None = None) -> Clause:
    """Look up one clause by id; ``art9`` without its document prefix is accepted when
    exactly one indexed document has a clause of that id.

    Raises:
        ClauseNotFoundError: naming the id and how to list valid ones (or, for a short id
            that several documents share, the full ids to choose from).
    """
    clauses = clauses if clauses is not None else clause_map()
    if clause_id in clauses:
        return clauses[clause_id]
    if ":" not in clause_id:
        matches = [cid for cid in clauses if cid.split(":", 1)[-1] == clause_id]
        if len(matches) == 1:
            return clauses[matches[0]]
        if matches:
            raise ClauseNotFoundError(
                f"clause id '{clause_id}' is in several documents: {', '.join(matches)}. "
                "Give the full id (document:clause)."
            )
    raise ClauseNotFoundError(
        f"no clause has id '{clause_id}'. Run 'policy-assistant clauses' to list the ids."
    )
