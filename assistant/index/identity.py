"""Which indexed document a file is: stable, unique document ids.

A file's base id comes from its metadata (a manifest entry, else its name). What this
module decides is what happens when that id is already taken:

* the same path is the same document (an edited file replaces its own clauses);
* a file that stands in for a record whose file is gone (same file name, same base id:
  the shipped corpus in a newer install, a folder that moved) is that document;
* a file listed in the same manifest entry as an indexed file of the same folder (the PDF
  and the text export of one document) is that document;
* anything else is a new document whose id gets the first free suffix: ``渔业办法``,
  ``渔业办法-2``, ``渔业办法-3`` … — deterministic, and never a silent replacement.
  Replacing a document by another file is asked for explicitly (``ingest --replace``).
"""

from __future__ import annotations

from pathlib import Path

from assistant.models import DocumentMeta


def unique_id(base: str, taken: set[str]) -> str:
    """``base`` when free, else ``base-2``, ``base-3`` … (the first that is free)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def base_id(rec: dict) -> str:
    """The id a record's file had before any suffix (records of older versions: its doc id)."""
    return rec.get("base_id") or rec["doc_id"]


def stands_in_for(path: Path, meta: DocumentMeta, records: dict[str, dict]) -> str | None:
    """The key of the record that ``path`` is another copy or version of, or None.

    Args:
        path: a file about to be ingested (not itself recorded).
        meta: its metadata (``meta.id`` is its base id).
        records: the ``files`` table (resolved path -> record).
    """
    key = str(path.resolve())
    for other, rec in records.items():
        if other == key or base_id(rec) != meta.id:
            continue
        gone = not Path(other).exists()
        if gone and rec.get("source") == path.name:
            return other  # moved, or the shipped corpus of an earlier install
        if Path(other).parent == path.resolve().parent and path.name in meta.files \
                and rec.get("source") in meta.files:
            return other  # the manifest lists both files as one document
    return None


def locate(key: str, rec: dict) -> Path | None:
    """The file of a record: its recorded path, else the shipped corpus's file of the same
    name and document (a record made by an earlier install of the package)."""
    path = Path(key)
    if path.is_file():
        return path
    from assistant.corpus import load_manifest, meta_for_file, shipped_corpus_dir

    shipped = shipped_corpus_dir() / rec.get("source", "")
    if rec.get("source") and shipped.is_file() \
            and meta_for_file(shipped, load_manifest(shipped.parent)).id == base_id(rec):
        return shipped
    return None
