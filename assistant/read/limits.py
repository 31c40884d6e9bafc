"""What a reader accepts: regular files only, and bounded sizes before and after unpacking.

Every check runs before the expensive step it guards: the kind of file before opening it
(a FIFO would block the reader, /dev/zero would never end), a zip package's central
directory before decompressing anything (a 1 MB DOCX can unpack to gigabytes).
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import DocumentNotFoundError, ExpandedTooLargeError, NotAFileError, TooManyParagraphsError

MB = 1024 * 1024
# A DOCX holds a few dozen parts (XML, media); a package with more entries than this is not
# a document, and listing a million entries would itself cost hundreds of MB.
MAX_ZIP_ENTRIES = 10_000
_EOCD = b"PK\x05\x06"


class ReadLimits(BaseModel):
    """Limits applied while reading one file (from :class:`assistant.config.Settings`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_bytes: int = Field(default=50 * MB, gt=0, description="file size (POLICY_ASSISTANT_MAX_FILE_MB)")
    max_expanded_bytes: int = Field(default=200 * MB, gt=0,
                                    description="unpacked size of a DOCX package or of a PDF's extracted "
                                                "text (POLICY_ASSISTANT_MAX_EXPANDED_MB)")
    max_paragraphs: int = Field(default=20_000, gt=0,
                                description="paragraphs of one document (POLICY_ASSISTANT_MAX_PARAGRAPHS)")


def _shown(path: Path, real: Path) -> str:
    """The path as given, with where a symbolic link leads."""
    return f"{path}（符号链接，指向 {real}）" if real != path.absolute() else str(path)


def regular_file(path: str | Path) -> Path:
    """Check that ``path`` is a regular file (following symbolic links) without opening it.

    Args:
        path: a path as the user gave it.
    Returns:
        The resolved path (links followed).
    Raises:
        DocumentNotFoundError: nothing there, or a link that leads nowhere.
        NotAFileError: a folder, device (/dev/zero), FIFO or socket.
    """
    path = Path(path)
    real = path.resolve()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise DocumentNotFoundError(
                f"{path}：符号链接指向的 {real} 不存在。请检查链接，或直接给出文件本身。") from None
        raise DocumentNotFoundError(f"{path}：文件不存在。请检查路径后重试。") from None
    except OSError as err:
        raise DocumentNotFoundError(f"{_shown(path, real)}：无法访问（{err.strerror}）。请检查路径和权限。") from None
    if stat.S_ISREG(st.st_mode):
        return real
    what = ("文件夹" if stat.S_ISDIR(st.st_mode) else "命名管道（FIFO）" if stat.S_ISFIFO(st.st_mode)
            else "设备文件" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "套接字" if stat.S_ISSOCK(st.st_mode) else "特殊文件")
    raise NotAFileError(f"{_shown(path, real)}：这是{what}，不是普通文件，未读取。请给出 PDF、DOCX、TXT 或 MD 文件。")


def check_zip_expansion(path: Path, max_bytes: int) -> None:
    """Refuse a zip package (DOCX) whose entries unpack to more than ``max_bytes``, reading
    only its end record and central directory (the sizes every entry declares; Python's
    zipfile never returns more than the declared size, so the sum bounds what is read).

    Raises:
        ExpandedTooLargeError: naming the total, the limit and the setting to raise.
        UnreadableDocumentError is left to the reader (a file that is no zip at all).
    """
    import zipfile

    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - (1 << 16) - 22))
        tail = fh.read()
    at = tail.rfind(_EOCD)
    if at >= 0 and len(tail) >= at + 22:
        entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
        # 0xFFFF means a zip64 count follows elsewhere; zipfile reads it below.
        if entries != 0xFFFF and entries > MAX_ZIP_ENTRIES:
            raise ExpandedTooLargeError(
                f"{path}：压缩包内有{entries}个条目，超过上限{MAX_ZIP_ENTRIES}个，不像是一份文档，未读取。"
                "请在 Word 或 LibreOffice 中打开并另存为 DOCX 后再导入。")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip package: the reader says so in its own words
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ExpandedTooLargeError(
            f"{path}：压缩包内有{len(infos)}个条目，超过上限{MAX_ZIP_ENTRIES}个，不像是一份文档，未读取。"
            "请在 Word 或 LibreOffice 中打开并另存为 DOCX 后再导入。")
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise ExpandedTooLargeError(
            f"{path}：解压后共{total / MB:.1f} MB，超过上限{max_bytes / MB:g} MB"
            "（POLICY_ASSISTANT_MAX_EXPANDED_MB），未读取。文件若确实如此，请拆分后导入，"
            "或调高 POLICY_ASSISTANT_MAX_EXPANDED_MB。")


def expanded_too_large(path: Path, max_bytes: int, what: str) -> ExpandedTooLargeError:
    """The error for text extracted beyond ``max_bytes`` (``what``: 提取出的文字 …)."""
    return ExpandedTooLargeError(
        f"{path}：{what}已超过{max_bytes / MB:g} MB（POLICY_ASSISTANT_MAX_EXPANDED_MB），已停止读取。"
        "文件若确实如此，请拆分后导入，或调高 POLICY_ASSISTANT_MAX_EXPANDED_MB。")


def too_many_paragraphs(path: Path, count: int, max_paragraphs: int) -> TooManyParagraphsError:
    """The error for a document with more than ``max_paragraphs`` paragraphs."""
    return TooManyParagraphsError(
        f"{path}：已读到{count}个段落，超过上限{max_paragraphs}个（POLICY_ASSISTANT_MAX_PARAGRAPHS），未导入。"
        "请把文件拆分成几份导入，或调高 POLICY_ASSISTANT_MAX_PARAGRAPHS。")
