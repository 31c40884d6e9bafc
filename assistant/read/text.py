"""Plain text and Markdown."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import UnreadableDocumentError
from assistant.read.base import Page, RawDocument

# Control characters other than tab, newline, carriage return and form feed.
_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_text(path: Path) -> RawDocument:
    """Read a UTF-8 (or GB18030) text file. A form feed separates pages.

    Raises:
        UnreadableDocumentError: binary content or an encoding that is neither.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        raise UnreadableDocumentError(f"{path}: looks like a binary file, not text. Give a .txt/.md in UTF-8.")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything; kept for clarity
        raise UnreadableDocumentError(f"{path}: not UTF-8 or GB18030 text. Re-save it as UTF-8.")
    if len(_BINARY_RE.findall(text[:8192])) > 8:
        raise UnreadableDocumentError(f"{path}: contains binary control characters. Re-save it as UTF-8 text.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() in (".md", ".markdown"):
        text = _strip_markdown(text)
    chunks = text.split("\f")
    if len(chunks) > 1:
        pages = [Page(number=i, text=t) for i, t in enumerate(chunks, start=1)]
    else:
        pages = [Page(number=None, text=text)]
    return RawDocument(path=path, format=path.suffix.lower().lstrip("."), pages=pages)


def _strip_markdown(text: str) -> str:
    """Drop Markdown syntax that is not part of a policy text (headings, emphasis, tables)."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
        if re.match(r"^\s*\|?\s*:?-{3,}", line):
            continue  # table separator row
        if line.strip().startswith("|") and line.strip().endswith("|"):
            line = "\t".join(c.strip() for c in line.strip().strip("|").split("|"))
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        out.append(line)
    return "\n".join(out)
