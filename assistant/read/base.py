"""Dispatch a file to its reader by extension and check what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import (
    FileTooLargeError,
    NoTextError,
    UnsupportedFormatError,
)
from assistant.read.limits import ReadLimits, check_zip_expansion, regular_file

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".docx")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Page:
    """Text of one page (a text file is one page without a number)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A logical paragraph after cleaning, with the page it starts on."""

    text: str
    page: int | None
    # True where the source marks the line as a table row (tab-separated cells).
    tabular: bool = False


@dataclass
class RawDocument:
    """What a reader returns: the file, its format, and its pages."""

    path: Path
    format: str
    pages: list[Page] = field(default_factory=list)
    # Cleaning refuses a document with more paragraphs than this (None: no limit).
    max_paragraphs: int | None = None


def read_document(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES,
                  limits: ReadLimits | None = None) -> RawDocument:
    """Read a PDF, DOCX, Markdown or plain-text file into pages.

    Args:
        path: the file to read (a symbolic link is followed).
        max_bytes: files larger than this are refused before reading (when ``limits`` is not given).
        limits: all reading limits; the defaults of :class:`ReadLimits` with ``max_bytes`` when omitted.
    Returns:
        The document's pages, uncleaned; cleaning applies ``limits.max_paragraphs``.
    Raises:
        DocumentNotFoundError, NotAFileError, UnsupportedFormatError, FileTooLargeError,
        ExpandedTooLargeError, UnreadableDocumentError, NoTextError.
    """
    limits = limits or ReadLimits(max_bytes=max_bytes)
    max_bytes = limits.max_bytes
    path = Path(path)
    # Before anything opens it: a FIFO would block the reader and /dev/zero never ends.
    regular_file(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(
            f"{path}: unsupported file type '{suffix or '(none)'}'. "
            f"Supported: {', '.join(SUPPORTED_SUFFIXES)}."
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(
            f"{path}: {size} bytes ({size / 1048576:.1f} MB) is over the limit of {max_bytes} bytes "
            f"({max_bytes / 1048576:g} MB). Split the file, or raise POLICY_ASSISTANT_MAX_FILE_MB if it is genuine."
        )
    if size == 0:
        raise NoTextError(f"{path}: the file is empty (0 bytes). Give a file with text in it.")
    if suffix == ".pdf":
        from assistant.read.pdf import read_pdf

        doc = read_pdf(path, max_text_bytes=limits.max_expanded_bytes)
    elif suffix == ".docx":
        from assistant.read.docx import read_docx

        check_zip_expansion(path, limits.max_expanded_bytes)
        doc = read_docx(path)
    else:
        from assistant.read.text import read_text

        doc = read_text(path)
    if not any(p.text.strip() for p in doc.pages):
        hint = " (no text layer was found: it may be a scanned image; run OCR first)" if suffix == ".pdf" else ""
        raise NoTextError(f"{path}: no text could be extracted{hint}.")
    doc.max_paragraphs = limits.max_paragraphs
    return doc
