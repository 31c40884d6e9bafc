"""The one place that turns an exception into the Chinese message a person reads in the UI.

``message_for(exc)`` is all a tab needs: it names the file, field or value that is wrong
(file names without the server's folders) and says what to do. A message that is already
Chinese is kept (folders stripped); an English one from a lower layer is replaced by the
Chinese message of its kind, keeping the file name or value it named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from assistant import errors as E

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# An absolute path (POSIX or Windows) up to the next space, quote or Chinese punctuation.
_ABS_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s:：，。；、“”\"'()（）]+[/\\])+([^\s/\\:：，。；、“”\"'()（）]*)")
_LEADING_NAME = re.compile(r"^\s*(?P<path>[^\n:：]+?\.[A-Za-z0-9]{1,5})\s*[:：]\s")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")

GENERIC = "操作没有完成：出现了意外错误。请重试；如果仍然出错，请联系管理员并说明刚才的操作。"
REINDEX = "请在“文件管理”中勾选“完全重建”后点击“重新索引”（命令行：policy-assistant ingest --rebuild）。"


def _relabel(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with each field name of ``labels`` (a whole identifier) replaced by its label."""
    for name in sorted(labels, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", lambda m, n=name: labels[n], text)
    return text


def strip_folders(text: str) -> str:
    """``text`` with every absolute path shortened to its file name (the server's folders
    are nobody's business and mean nothing to the person reading)."""
    return _ABS_PATH.sub(lambda m: m.group(1) or "（文件夹）", text)


def is_chinese(text: str) -> bool:
    """True when ``text`` reads as Chinese: it has Chinese characters and more of them
    than English words (an English sentence quoting a Chinese example is not Chinese)."""
    # Variable names (POLICY_ASSISTANT_…), commands and file types are not English prose.
    prose = re.sub(r"\b[A-Z][A-Z0-9_]{2,}\b|policy-assistant[^）)。，；]*|pip install[^）)。，；]*", "", text)
    return len(_CJK.findall(prose)) > 2 * len(_LATIN_WORD.findall(prose)) and bool(_CJK.search(prose))


def _name(text: str) -> str:
    """The file name an English message starts with (``/a/b/x.txt: …``), else ""."""
    m = _LEADING_NAME.match(text)
    if not m:
        return ""
    return re.split(r"[/\\]", m.group("path"))[-1]


def _named(name: str) -> str:
    return f"“{name}”" if name else "该文件"


def _unreadable(text: str, name: str) -> str:
    low = text.lower()
    if "utf-8" in low and ("encoding" in low or "gb18030" in low):
        return (f"{_named(name)}的文字编码无法识别（不是 UTF-8、UTF-16 或 GB18030/GBK，可能是 Big5 或 Latin-1）。"
                "请用文本编辑器把它另存为 UTF-8 编码，再重新上传。")
    if "encrypted" in low or "password" in low:
        return f"{_named(name)}是加密的 PDF。请另存一份不带密码的副本，再上传。"
    if "not a pdf" in low:
        return f"{_named(name)}的内容不是 PDF（扩展名与内容不符）。请确认文件类型，改用正确的扩展名后再上传。"
    if "binary" in low:
        return f"{_named(name)}看起来是二进制文件，不是文本。请上传另存为 UTF-8 的 TXT 或 MD 文件。"
    if "docx" in low and "python-docx" in low:
        return f"读取 {_named(name)} 需要 python-docx。请管理员安装：pip install python-docx。"
    return f"{_named(name)}无法读取，可能已损坏或不完整。请从原始文件重新导出后再上传。"


def _no_text(text: str, name: str) -> str:
    low = text.lower()
    if "ocr" in low or "text layer" in low:
        return f"{_named(name)}没有文字层（可能是扫描图片）。请先做文字识别（OCR），再上传识别后的文件。"
    if "empty" in low or "0 bytes" in low:
        return f"{_named(name)}是空文件。请上传有内容的文件。"
    if "clause" in low:
        return f"{_named(name)}读出了文字，但分不出任何条款。请确认它是政策文件的正文。"
    return f"{_named(name)}中读不出文字。请确认文件内容，或另存为 UTF-8 文本后再上传。"


def _too_large(text: str, name: str) -> str:
    mb = re.findall(r"(\d+(?:\.\d+)?) MB", text)
    size = f"大小 {mb[0]} MB，" if mb else ""
    limit = f"超过上限 {mb[-1]} MB" if len(mb) > 1 else "超过大小上限"
    return (f"{_named(name)}{size}{limit}（POLICY_ASSISTANT_MAX_FILE_MB）。"
            "请拆分文件，或请管理员调高该上限。")


def _too_long(text: str, name: str) -> str:
    nums = _NUMBERS.findall(text)
    if len(nums) >= 2:
        return (f"问题有 {nums[0]} 个字，超过上限 {nums[1]} 个字（POLICY_ASSISTANT_MAX_QUESTION_CHARS）。"
                "请缩短问题，一次只问一件事。")
    return "问题太长。请缩短问题，一次只问一件事。"


def _clause_missing(text: str, name: str) -> str:
    m = re.search(r"'([^']+)'", text)
    which = f"编号为“{m.group(1)}”的" if m else "所请求的"
    if "several documents" in text:
        return f"{which}条款在多个文件中都有。请写出完整编号（文件编号:条款编号）。"
    return f"没有{which}条款。请在“条文浏览”的目录中选择，或搜索条文中的词语。"


def _config(text: str, name: str) -> str:
    var = re.search(r"POLICY_ASSISTANT_[A-Z_]+", text)
    if var:
        return f"配置项 {var.group(0)} 的值不可用。请管理员修改该环境变量后重启服务。"
    return "服务配置有误。请管理员检查 POLICY_ASSISTANT_ 开头的环境变量后重启服务。"


# Most specific first: the first class that matches the exception decides.
_BY_KIND: tuple[tuple[type[BaseException], Callable[[str, str], str]], ...] = (
    (E.EmptyQuestionError, lambda t, n: "问题是空的。请在输入框中输入要查询的问题，再点击“发送”。"),
    (E.QuestionTooLongError, _too_long),
    (E.DocumentNotFoundError, lambda t, n: f"找不到文件{_named(n)}。请确认文件存在后重试。"),
    (E.UnsupportedFormatError, lambda t, n: f"{_named(n)}不是支持的文件类型。请上传 PDF、TXT、MD 或 DOCX 文件。"),
    (E.UnreadableDocumentError, _unreadable),
    (E.NoTextError, _no_text),
    (E.FileTooLargeError, _too_large),
    (E.DuplicateClauseIdError, lambda t, n: f"{_named(n)}中有两处条款编号相同，无法区分。请检查条款编号是否重复后再上传。"),
    (E.ClauseNotFoundError, _clause_missing),
    (E.IndexMismatchError, lambda t, n: "索引是用另一个嵌入模型或解析器版本建立的，不能继续使用。" + REINDEX),
    (E.IndexCorruptError, lambda t, n: f"索引文件{_named(n)}已损坏。" + REINDEX),
    (E.IndexBusyError, lambda t, n: "另一个导入任务正在使用索引。请等它完成后再试。"),
    (E.ConfigError, _config),
    (E.ToolInputError, lambda t, n: "计算参数有误。请检查填写的数字和单位后重试。"),
    (E.UnknownToolError, lambda t, n: "没有这个计算工具。请在“计算工具”中选择已有的工具。"),
)


def message_for(exc: BaseException, labels: Mapping[str, str] | None = None) -> str:
    """The message a person reads in the UI for ``exc``: Chinese, naming what is wrong
    (file, field or value; never a server folder) and what to do.

    Args:
        exc: any exception; an :class:`~assistant.errors.AssistantError` is a mistake the
            person can fix, anything else is reported as an unexpected error.
        labels: field name -> Chinese label (a form's fields); a field name the message
            names (``price_yuan：必须大于 0``) is shown by its label instead.
    Returns:
        One or two Chinese sentences.
    """
    text = _relabel(str(exc).strip(), labels or {})
    if isinstance(exc, ValueError) and not isinstance(exc, E.AssistantError) and is_chinese(text):
        return strip_folders(text)  # a form's own Chinese validation message
    if not isinstance(exc, E.AssistantError):
        return GENERIC
    if text and is_chinese(text):
        return strip_folders(text)
    name = _name(text)
    for kind, message in _BY_KIND:
        if isinstance(exc, kind):
            return message(text, name)
    return "操作没有完成。请检查输入后重试；如果仍然出错，请联系管理员。"


def _duplicate(text: str, name: str) -> str:
    other = re.search(r"same content as (.+)$", text)
    twin = f"已索引的“{other.group(1).strip()}”" if other else "已索引的文件"
    return f"{_named(name)}与{twin}内容相同，已跳过。无需再次上传。"


# Reasons that reach the UI as text (an ingestion report's skipped files): the kind is read
# from the words of the reason, in this order.
_BY_WORDS: tuple[tuple[tuple[str, ...], Callable[[str, str], str]], ...] = (
    (("over the limit",), _too_large),
    (("unsupported file type",), lambda t, n: f"{_named(n)}不是支持的文件类型。请上传 PDF、TXT、MD 或 DOCX 文件。"),
    (("no such file", "not a regular file"), lambda t, n: f"找不到文件{_named(n)}。请确认文件存在后重试。"),
    (("text layer", "0 bytes", "no text", "no clause"), _no_text),
    (("same id", "duplicate"), lambda t, n: f"{_named(n)}中有两处条款编号相同，无法区分。请检查条款编号是否重复后再上传。"),
    (("same content", "already indexed", "copy of"), lambda t, n: _duplicate(t, n)),
    (("",), _unreadable),
)


def message_for_reason(reason: str, name: str = "") -> str:
    """The Chinese message for a reason given as text (why ingestion skipped a file).

    Args:
        reason: the reason as the lower layer wrote it (may be English, may hold a path).
        name: the file's name, when the reason does not start with it.
    Returns:
        A Chinese message naming the file (no folders) and what to do.
    """
    text = (reason or "").strip()
    if is_chinese(text):
        return strip_folders(text)
    name = _name(text) or name
    low = text.lower()
    for words, message in _BY_WORDS:
        if any(w in low for w in words):
            return message(text, name)
    return GENERIC  # not reached: the last entry matches everything
