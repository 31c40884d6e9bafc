"""The one place that maps errors to what a person reads in the UI: Chinese, the file or field
named (never a server folder), and what to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import errors as E
from assistant.read.text import decode_text
from ui.errors import GENERIC, is_chinese, message_for, message_for_reason, strip_folders
from ui.service import progress_text

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{4,} [A-Za-z]{4,}")


def _english(message: str) -> bool:
    """Whether ``message`` has an English sentence, commands and package names aside."""
    prose = re.sub(r"(policy-assistant|pip install)[^）)。]*", "", message)
    return bool(ENGLISH_SENTENCE.search(prose))


def _raised(fn, *args) -> BaseException:
    try:
        fn(*args)
    except BaseException as err:  # noqa: BLE001 - the test inspects whatever is raised
        return err
    raise AssertionError("nothing was raised")


def test_a_big5_text_file_is_refused_in_chinese_naming_the_file_only():
    path = Path("/srv/policy/home/uploads/繁體政策.txt")
    err = _raised(decode_text, path, "第一條 本辦法適用於臺灣地區的測試企業。".encode("big5") * 10)
    assert isinstance(err, E.UnreadableDocumentError) and "/srv/policy" in str(err)
    assert message_for(err) == ("“繁體政策.txt”的文字编码无法识别（不是 UTF-8、UTF-16 或 GB18030/GBK，可能是 Big5 或 Latin-1）。"
                                "请用文本编辑器把它另存为 UTF-8 编码，再重新上传。")
    assert message_for_reason(str(err)) == message_for(err)


@pytest.mark.parametrize("exc,expected", [
    (E.EmptyQuestionError("the question is empty. Type a question, e.g. 兼并收购有什么补助？"),
     "问题是空的。请在输入框中输入要查询的问题，再点击“发送”。"),
    (E.QuestionTooLongError("the question is 2001 characters long; the limit is 2000 (POLICY_ASSISTANT_MAX_QUESTION_CHARS). "
                            "Ask about one thing at a time."),
     "问题有 2001 个字，超过上限 2000 个字（POLICY_ASSISTANT_MAX_QUESTION_CHARS）。请缩短问题，一次只问一件事。"),
    (E.NoTextError("/data/scan.pdf: no text could be extracted (no text layer was found: it may be a scanned image; "
                   "run OCR first)."),
     "“scan.pdf”没有文字层（可能是扫描图片）。请先做文字识别（OCR），再上传识别后的文件。"),
    (E.UnreadableDocumentError("/data/secret.pdf: the PDF is encrypted with a password. Save an unprotected copy."),
     "“secret.pdf”是加密的 PDF。请另存一份不带密码的副本，再上传。"),
    (E.FileTooLargeError("/data/big.pdf: 62914560 bytes (60.0 MB) is over the limit of 52428800 bytes (50 MB). Split it."),
     "“big.pdf”大小 60.0 MB，超过上限 50 MB（POLICY_ASSISTANT_MAX_FILE_MB）。请拆分文件，或请管理员调高该上限。"),
    (E.ClauseNotFoundError("no clause has id 'x:s9'. Run 'policy-assistant clauses' to list the ids."),
     "没有编号为“x:s9”的条款。请在“条文浏览”的目录中选择，或搜索条文中的词语。"),
    (E.UnsupportedFormatError("“/tmp/gradio/ab12/run.sh”不是支持的文件类型（.sh）；请上传 PDF、TXT、MD 或 DOCX 文件。"),
     "“run.sh”不是支持的文件类型（.sh）；请上传 PDF、TXT、MD 或 DOCX 文件。"),
    (RuntimeError("KeyError: 'inputs' at /work/main/ui/x.py:3"), GENERIC),
])
def test_messages_are_chinese_and_say_what_to_do(exc, expected):
    message = message_for(exc)
    assert message == expected
    assert is_chinese(message) and not _english(message)
    assert "/" not in message.replace("GB18030/GBK", "")


def test_a_field_is_named_by_its_chinese_label():
    err = E.ToolInputError("land_acquisition_subsidy 的参数有误：appraised_value_yuan：必须大于 0（收到：'-1'）。")
    labels = {"appraised_value_yuan": "国有土地征收实际评估价（元）", "land_acquisition_subsidy": "兼并收购补助"}
    assert message_for(err, labels) == "兼并收购补助 的参数有误：国有土地征收实际评估价（元）：必须大于 0（收到：'-1'）。"


def test_every_error_kind_has_a_chinese_message_even_from_an_english_text():
    for kind in [E.AssistantError, *E.AssistantError.__subclasses__()]:
        message = message_for(kind("/somewhere/file.txt: something went wrong. Do something else."))
        assert is_chinese(message) and not _english(message), (kind, message)
        assert "/somewhere" not in message


def test_a_skipped_copy_names_the_indexed_twin():
    assert message_for_reason("same content as 办法.txt", "办法-副本.txt") == \
        "“办法-副本.txt”与已索引的“办法.txt”内容相同，已跳过。无需再次上传。"


def test_folders_are_stripped_from_paths():
    assert strip_folders("读取 /home/u/.local/share/policy/uploads/通知.pdf 失败") == "读取 通知.pdf 失败"
    assert strip_folders(r"C:\Users\x\通知.docx：无法读取") == "通知.docx：无法读取"


@pytest.mark.parametrize("message,shown", [
    ("reading /srv/home/uploads/通知.txt", "正在读取 通知.txt"),
    ("indexing 124 clauses", "正在建立索引：124 条条款"),
    ("rebuild: dropping the existing index", "重建：正在删除现有索引"),
    ("正在计算向量：第 2/5 批，约剩 3 秒", "正在计算向量：第 2/5 批，约剩 3 秒"),
    ("something new and unknown", "正在导入…"),
])
def test_progress_messages_read_chinese(message, shown):
    assert progress_text(message) == shown
