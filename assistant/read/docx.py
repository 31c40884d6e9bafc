"""DOCX through python-docx: paragraphs, then tables as tab-separated rows."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import UnreadableDocumentError
from assistant.read.base import Page, RawDocument


def read_docx(path: Path) -> RawDocument:
    """Read a .docx file's body paragraphs and tables in document order."""
    try:
        import docx  # python-docx
    except ModuleNotFoundError as err:  # pragma: no cover - it is a base dependency
        raise UnreadableDocumentError(f"{path}: DOCX support needs python-docx; pip install python-docx") from err
    import zipfile

    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError:
        is_zip = False
    if not is_zip:
        raise UnreadableDocumentError(
            f"{path}: not a readable DOCX (it is not a complete zip package: it may be truncated, or another "
            "kind of file renamed to .docx). Open and re-save it in Word or LibreOffice."
        )
    try:
        document = docx.Document(str(path))
    except Exception as err:  # noqa: BLE001 - python-docx raises zipfile/KeyError/ValueError
        raise UnreadableDocumentError(
            f"{path}: not a readable DOCX ({type(err).__name__}). Open and re-save it in Word or LibreOffice."
        ) from err
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
            lines.append("")
        elif tag == "tbl":
            for tr in child.iter():
                if not tr.tag.endswith("}tr"):
                    continue
                cells = []
                for tc in tr.iter():
                    if tc.tag.endswith("}tc"):
                        cells.append("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t")).strip())
                lines.append("\t".join(cells))
            lines.append("")
    return RawDocument(path=path, format="docx", pages=[Page(number=None, text="\n".join(lines))])
