"""Plain text and Markdown."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import UnreadableDocumentError
from assistant.read.base import Page, RawDocument

# Control characters other than tab, newline, carriage return and form feed.
_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_SAMPLE = 8192
# Text that is not UTF-8 is read as GB18030 (GBK, GB2312) only when it reads as Chinese:
# nearly every character of a simplified-Chinese document is in GB2312, while Latin-1,
# Windows-1252 or Big5 bytes read as GB18030 give rare characters and private-use code
# points ("Für die Straße" -> "F黵 die Stra遝"). Traditional text saved as GBK stays above.
_MIN_GB2312_SHARE = 0.5


def _utf16(data: bytes) -> str | None:
    """Decode UTF-16 text: with a byte-order mark, or without one when it reads as text in
    one byte order (Chinese, ASCII, punctuation). None when the data is not UTF-16 text."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        orders = ["utf-16"]
    elif len(data) % 2:
        return None
    else:
        sample = data[:_SAMPLE]
        # ASCII characters (newlines, digits, spaces) put their zero byte second in LE.
        le_first = sample[1::2].count(0) >= sample[0::2].count(0)
        orders = ["utf-16-le", "utf-16-be"] if le_first else ["utf-16-be", "utf-16-le"]
    for encoding in orders:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plain(text[:_SAMPLE]):
            return text
    return None


_PLAIN_RE = re.compile(r"[\t\n\r\f\x20-\x7e\xa0-\xff\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
                       r"\uf900-\ufaff\uff00-\uffef]")


def _plain(text: str) -> bool:
    """Is ``text`` made of what a document holds (no NUL, hardly any other code point)?
    Random bytes read as UTF-16 give code points all over the 65,536."""
    if not text or "\x00" in text:
        return False
    return len(_PLAIN_RE.findall(text)) >= 0.95 * len(text)


def _reads_as_chinese(text: str) -> bool:
    """Is GB18030-decoded ``text`` plausibly Chinese rather than another encoding misread?"""
    wide = [ch for ch in text[: _SAMPLE * 4] if ord(ch) > 0x7F]
    if not wide:
        return True
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= _MIN_GB2312_SHARE * len(wide)


def decode_text(path: Path, data: bytes) -> str:
    """The text of a file's bytes: UTF-8 (with or without BOM), UTF-16 (with or without
    BOM), or GB18030/GBK Chinese.

    Raises:
        UnreadableDocumentError: binary data, or text in another encoding (naming the file).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:_SAMPLE] or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = _utf16(data)
        if text is None:
            raise UnreadableDocumentError(
                f"{path}: looks like a binary file, not text. Give a .txt/.md saved as UTF-8.")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is None or not _reads_as_chinese(text):
        raise UnreadableDocumentError(
            f"{path}: not UTF-8 text, and read as GB18030/GBK it is not Chinese either (it may be "
            "Latin-1, Windows-1252, Big5 or another encoding). Open it in an editor and save it as UTF-8."
        )
    return text


def read_text(path: Path) -> RawDocument:
    """Read a text file in UTF-8, UTF-16 or GB18030 (GBK). A form feed separates pages.

    Raises:
        UnreadableDocumentError: binary content or an encoding that is none of these.
    """
    text = decode_text(path, path.read_bytes())
    if len(_BINARY_RE.findall(text[:_SAMPLE])) > 8:
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
