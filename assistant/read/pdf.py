"""PDF pages through pypdf."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.errors import ExpandedTooLargeError, UnreadableDocumentError
from assistant.read.base import Page, RawDocument
from assistant.read.limits import expanded_too_large


def read_pdf(path: Path, max_text_bytes: int | None = None) -> RawDocument:
    """Extract the text of each page of a PDF.

    Args:
        path: the PDF.
        max_text_bytes: stop and refuse once the extracted text (UTF-8) grows past this:
            compressed content streams can unpack to far more than the file's size.
    Raises:
        UnreadableDocumentError: encrypted, corrupt or truncated PDFs.
        ExpandedTooLargeError: more text than ``max_text_bytes``.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
        if b"%PDF-" not in head:
            # pypdf would report a stream error; say what the file is instead.
            raise UnreadableDocumentError(f"{path}: not a PDF (it does not start with %PDF-){_what_it_is(head)}.")
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            # An empty user password opens many "protected" PDFs; anything else we refuse.
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types here
                ok = 0
            if not ok:
                raise UnreadableDocumentError(
                    f"{path}: the PDF is encrypted with a password. Save an unprotected copy and ingest that."
                )
        pages, total = [], 0
        for i, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            total += len(text.encode("utf-8"))
            if max_text_bytes is not None and total > max_text_bytes:
                raise expanded_too_large(path, max_text_bytes, f"读到第{i}页时提取出的文字")
            pages.append(Page(number=i, text=text))
    except ExpandedTooLargeError:
        raise
    except UnreadableDocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError, IndexError) as err:
        raise UnreadableDocumentError(
            f"{path}: not a readable PDF ({type(err).__name__}: {err}). It may be truncated or corrupt; "
            "export it again from the original."
        ) from err
    return RawDocument(path=path, format="pdf", pages=pages)


def _what_it_is(head: bytes) -> str:
    """A hint for a file with a .pdf name that is something else, from its first bytes."""
    import codecs

    if head.startswith(b"PK\x03\x04"):
        return "; it is a zip package (a DOCX?): give it its real extension"
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        text = ""
    if text.strip() and all(ch.isprintable() or ch in "\r\n\t\f" for ch in text):
        return "; it looks like a plain-text file: if it is, rename it to .txt"
    return "; it may be another kind of file renamed to .pdf: export it again as PDF"
