"""PDF pages through pypdf."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.errors import UnreadableDocumentError
from assistant.read.base import Page, RawDocument


def read_pdf(path: Path) -> RawDocument:
    """Extract the text of each page of a PDF.

    Raises:
        UnreadableDocumentError: encrypted, corrupt or truncated PDFs.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
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
        pages = [Page(number=i, text=page.extract_text() or "") for i, page in enumerate(reader.pages, start=1)]
    except UnreadableDocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError, IndexError) as err:
        raise UnreadableDocumentError(
            f"{path}: not a readable PDF ({type(err).__name__}: {err}). It may be truncated or corrupt; "
            "export it again from the original."
        ) from err
    return RawDocument(path=path, format="pdf", pages=pages)
