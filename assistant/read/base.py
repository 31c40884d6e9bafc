"""Dispatch a file to its reader by extension and check what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import (
    DocumentNotFoundError,
    FileTooLargeError,
    NoTextError,
    UnsupportedFormatError,
)

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


def read_document(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read a PDF, DOCX, Markdown or plain-text file into pages.

    Args:
        path: the file to read.
        max_bytes: files larger than this are refused before reading.
    Returns:
        The document's pages, uncleaned.
    Raises:
        DocumentNotFoundError, UnsupportedFormatError, FileTooLargeError,
        UnreadableDocumentError, NoTextError.
    """
    path = Path(path)
    if not path.exists():
        raise DocumentNotFoundError(f"{path}: no such file. Check the path and try again.")
    if not path.is_file():
        raise DocumentNotFoundError(f"{path}: not a regular file. Give a file, not a folder or device.")
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

        doc = read_pdf(path)
    elif suffix == ".docx":
        from assistant.read.docx import read_docx

        doc = read_docx(path)
    else:
        from assistant.read.text import read_text

        doc = read_text(path)
    if not any(p.text.strip() for p in doc.pages):
        hint = " (no text layer was found: it may be a scanned image; run OCR first)" if suffix == ".pdf" else ""
        raise NoTextError(f"{path}: no text could be extracted{hint}.")
    return doc
