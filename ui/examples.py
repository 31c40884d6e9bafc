"""Example questions for the empty chat screen, from the indexed documents' data.

A document may carry ``<doc id>.examples.toml`` beside its file (the shipped corpus, or the
uploads folder): ``[[group]]`` tables with ``who`` and ``questions``. Groups of the same
``who`` from several documents are merged. A document without such a file contributes
questions built from its own section titles, so a document never seen before still gets
examples that its text can answer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Clause, DocumentMeta

SUFFIX = ".examples.toml"
MAX_PER_GROUP = 4
FALLBACK_WHO = "所有用户"
# Headings that say where a text stands, not what it is about: no question is made of them.
STRUCTURAL = frozenset({"总则", "附则", "一般规定", "其他"})


class ExampleGroup(BaseModel):
    """Who asks, and what."""

    model_config = ConfigDict(extra="forbid")

    who: str = Field(min_length=1)
    questions: list[str] = Field(min_length=1)


class ExampleFile(BaseModel):
    """A ``<doc id>.examples.toml`` file."""

    model_config = ConfigDict(extra="forbid")

    group: list[ExampleGroup] = Field(default_factory=list)


def read_examples(path: Path) -> list[ExampleGroup]:
    """The groups of one examples file; a file that cannot be read gives none (examples are
    a convenience: a broken file must not stop the chat)."""
    try:
        return ExampleFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).group
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return []


def _from_titles(doc: DocumentMeta, clauses: Iterable[Clause], n: int = 3) -> list[str]:
    """Questions about a document's first titled sections (``第二章 款项支付规定`` -> ``关于“款项支付规定”有哪些规定？``)."""
    out = []
    for c in clauses:
        if c.doc_id == doc.id and c.title and c.kind in ("section", "item", "article"):
            title = re.sub(r"\s+", "", c.title).strip("。.；")
            if 2 <= len(title) <= 20 and title not in STRUCTURAL:
                out.append(f"关于“{title}”有哪些规定？")
        if len(out) >= n:
            break
    return out


def example_groups(docs: list[DocumentMeta], clauses: list[Clause], folders: list[Path]) -> dict[str, list[str]]:
    """Example questions by who asks, for the indexed documents.

    Args:
        docs: the indexed documents.
        clauses: their clauses, in order (for documents without an examples file).
        folders: where examples files may lie (the shipped corpus, the uploads folder).
    Returns:
        who -> questions (at most :data:`MAX_PER_GROUP` each), in document order.
    """
    groups: dict[str, list[str]] = {}
    for doc in docs:
        files = [f / f"{doc.id}{SUFFIX}" for f in folders]
        found = [g for f in files if f.is_file() for g in read_examples(f)]
        if not found:
            titles = _from_titles(doc, clauses)
            found = [ExampleGroup(who=FALLBACK_WHO, questions=titles)] if titles else []
        for g in found:
            bucket = groups.setdefault(g.who, [])
            bucket.extend(q for q in g.questions if q not in bucket)
    return {who: qs[:MAX_PER_GROUP] for who, qs in groups.items()}
