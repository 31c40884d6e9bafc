"""Resource limits and questions that are not questions.

Amounts out of any sane range and negative sums are refused naming the value as written
(no decimal traceback); ``ask --batch`` reports a bad line in its own JSON line and goes on;
a history item that is too long is named as such. Reading limits (expanded size, paragraph
count, non-regular files) and long runs of text split into bounded clauses are here too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DOC, index_files, run_cli

from assistant.answer.normalize import check_amounts, normalize_history, normalize_question
from assistant.errors import AmountOutOfRangeError, QuestionTooLongError
from assistant.tools.quantities import find_quantities

HUGE = "评估价99999999999999999999999999999亿元能补多少？"


# -- signs and ranges in quantities ------------------------------------------------------------
@pytest.mark.parametrize("text, value, negative", [
    ("评估价-5元", Decimal(-5), True),
    ("评估价负5万元", Decimal(-50000), True),
    ("评估价－３万元", Decimal(-30000), True),       # full-width minus and digit
    ("用地\u22127亩", Decimal(-7), True),            # U+2212 minus sign
    ("评估价5元", Decimal(5), False),
    ("B-5地块", Decimal(5), False),                  # a code, not a sign
    ("正负5%", Decimal(5), False),                   # ±, not negative
])
def test_a_sign_in_front_makes_a_quantity_negative(text: str, value: Decimal, negative: bool) -> None:
    q = find_quantities(text)[-1]
    assert (q.value, q.negative) == (value, negative)


def test_a_year_range_is_not_a_negative_year() -> None:
    qs = find_quantities("2024-2026年")
    assert [(q.kind, q.value, q.negative) for q in qs] == [("number", Decimal(2024), False),
                                                          ("year", Decimal(2026), False)]


@pytest.mark.parametrize("question, message", [
    (HUGE, "问题中的金额“99999999999999999999999999999亿元”超出了可计算的范围（不超过1000万亿元）"),
    ("评估价-5元能补多少？", "问题中的金额“-5元”是负数；金额不能为负"),
    ("评估价负5万元能补多少？", "问题中的金额“负5万元”是负数；金额不能为负"),
    ("收购-30亩土地", "问题中的面积“-30亩”是负数；面积不能为负"),
    ("收购100000000000000亩土地", "问题中的面积“100000000000000亩”超出了可计算的范围"),
    ("容积率提高百分之99999999", "问题中的百分比“百分之99999999”超出了可计算的范围（不超过100万%）"),
])
def test_out_of_range_and_negative_amounts_are_refused_naming_the_value(question: str, message: str) -> None:
    with pytest.raises(AmountOutOfRangeError) as err:
        normalize_question(question, 2000)
    assert str(err.value).startswith(message)
    assert "请" in str(err.value)  # says what to do


@pytest.mark.parametrize("question", ["评估价2000万元能补多少", "2024-2026年的目标是什么",
                                      "评估价999999999999999元", "正负5%的误差", "B-5地块有多少亩"])
def test_sane_amounts_pass(question: str) -> None:
    assert normalize_question(question, 2000) == question
    check_amounts(question)


def test_a_very_long_number_is_named_shortened() -> None:
    with pytest.raises(AmountOutOfRangeError) as err:
        normalize_question("评估价" + "9" * 5000 + "元", 10_000)
    assert "“9999999999999999999999999…（共5001个字符）…999999999元”" in str(err.value)


def test_a_too_long_history_item_is_named_as_history() -> None:
    with pytest.raises(QuestionTooLongError) as err:
        normalize_history(["兼并收购有什么补助？", "兼" * 2001], 2000)
    assert str(err.value).startswith("第2条历史问题有2001个字，超过了上限2000个字（POLICY_ASSISTANT_MAX_QUESTION_CHARS）")
    with pytest.raises(AmountOutOfRangeError, match="^第1条历史问题中的金额“-5元”是负数"):
        normalize_history(["评估价-5元能补多少？"], 2000)
    assert normalize_history(["", " 兼并收购 "], 2000) == ["兼并收购"]


# -- through the assistant ---------------------------------------------------------------------
def test_api_refuses_a_huge_amount_and_keeps_the_index(assistant, built_home: Path) -> None:
    before = index_files(built_home)
    with pytest.raises(AmountOutOfRangeError, match="99999999999999999999999999999亿元"):
        assistant.ask(HUGE)
    with pytest.raises(QuestionTooLongError, match="^第2条历史问题有2001个字"):
        assistant.ask("那股权收购呢？", history=["收购厂房评估价2000万能补多少？", "兼" * 2001])
    assert index_files(built_home) == before
    answer = assistant.ask("评估价2000万元能补多少？")
    assert answer.tool_calls and answer.tool_calls[0].arguments == {"appraised_value_yuan": "20000000"}


def test_cli_ask_refuses_a_huge_amount_without_a_traceback(home_copy: Path) -> None:
    proc = run_cli("ask", HUGE, home=home_copy)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "policy-assistant: error: 问题中的金额“99999999999999999999999999999亿元”超出了可计算的范围"
        "（不超过1000万亿元）。请检查数字是否多写了位数，改正后再问。")


def test_cli_batch_reports_bad_lines_and_goes_on(home_copy: Path, tmp_path: Path) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text("评估价2000万元能补多少？\n" + HUGE + "\n评估价负5万元能补多少？\n兼并收购有什么补助？\n",
                     encoding="utf-8")
    proc = run_cli("ask", "--batch", str(batch), home=home_copy)
    assert proc.returncode == 1, proc.stderr[-2000:]  # some lines failed
    assert "Traceback" not in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["question"] for line in lines] == batch.read_text(encoding="utf-8").splitlines()
    assert [("error" in line) for line in lines] == [False, True, True, False]
    assert lines[1]["error"].startswith("问题中的金额“99999999999999999999999999999亿元”超出了可计算的范围")
    assert lines[2]["error"].startswith("问题中的金额“负5万元”是负数")
    assert lines[0]["tool_calls"][0]["arguments"] == {"appraised_value_yuan": "20000000"}
    assert lines[3]["citations"][0]["id"] == DOC + "s6.6"


# -- reading: packed size, paragraphs, non-regular files ----------------------------------------
def _bomb(path: Path, expanded_mb: int = 420) -> Path:
    """A real DOCX (python-docx's template) whose document.xml unpacks to ``expanded_mb`` MB
    of paragraphs; about 700 KB packed."""
    import zipfile

    base = _docx(path.with_name("base.docx"), ["第一条 为规范工业用地管理，制定本办法。"])
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                z.writestr(info, data)
                continue
            head, _, rest = data.decode("utf-8").partition("<w:body>")
            tail = rest.partition("</w:body>")[2]
            with z.open("word/document.xml", "w", force_zip64=True) as f:
                f.write((head + "<w:body>").encode())
                para = ("<w:p><w:r><w:t>" + "政" * 1000 + "</w:t></w:r></w:p>").encode()
                block = para * ((1 << 20) // len(para))
                for _ in range(expanded_mb * (1 << 20) // len(block) + 1):
                    f.write(block)
                f.write(("</w:body>" + tail).encode())
    return path


def _docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_docx_bomb_is_refused_fast_with_low_memory(tmp_path: Path) -> None:
    import subprocess
    import sys

    import zipfile

    bomb = _bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 1_500_000
    with zipfile.ZipFile(bomb) as z:
        expanded_mb = sum(i.file_size for i in z.infolist()) / (1 << 20)
    assert expanded_mb > 420
    # A fresh interpreter, so that its peak memory is this read's alone. VmHWM, not
    # ru_maxrss: Linux carries ru_maxrss over from the forked pytest process.
    code = ("import json, time\n"
            "from assistant.read.base import read_document\n"
            "start = time.perf_counter()\n"
            "try:\n"
            f"    read_document({str(bomb)!r})\n"
            "    out = 'read'\n"
            "except Exception as err:\n"
            "    out = type(err).__name__ + ': ' + str(err)\n"
            "print(json.dumps({'out': out, 's': time.perf_counter() - start,\n"
            "                  'rss_mb': [int(line.split()[1]) / 1024 for line in open('/proc/self/status')\n"
            "                             if line.startswith('VmHWM:')][0]}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["out"] == (
        f"ExpandedTooLargeError: {bomb}：解压后共{expanded_mb:.1f} MB，超过上限200 MB（POLICY_ASSISTANT_MAX_EXPANDED_MB），"
        "未读取。文件若确实如此，请拆分后导入，或调高 POLICY_ASSISTANT_MAX_EXPANDED_MB。")
    assert result["s"] < 2.0
    # python-docx alone took 7 s and 960 MB to open it before the central directory was checked.
    assert result["rss_mb"] < 120


def test_the_expanded_limit_is_configurable(tmp_path: Path) -> None:
    from assistant.config import Settings
    from assistant.errors import ConfigError, ExpandedTooLargeError
    from assistant.read.base import read_document
    from assistant.read.limits import ReadLimits

    doc = _docx(tmp_path / "small.docx", ["第一条 为规范工业用地管理，制定本办法。", "第二条 本办法自发布之日起施行。"])
    assert "第一条 为规范工业用地管理" in read_document(doc).pages[0].text
    import zipfile

    with zipfile.ZipFile(doc) as z:
        expanded_mb = sum(i.file_size for i in z.infolist()) / (1 << 20)
    assert 0.5 < expanded_mb < 50  # python-docx's template carries its styles
    with pytest.raises(ExpandedTooLargeError) as err:
        read_document(doc, limits=ReadLimits(max_expanded_bytes=512 * 1024))
    assert str(err.value).startswith(f"{doc}：解压后共{expanded_mb:.1f} MB，超过上限0.5 MB（POLICY_ASSISTANT_MAX_EXPANDED_MB）")
    settings = Settings.from_env({"POLICY_ASSISTANT_HOME": str(tmp_path), "POLICY_ASSISTANT_MAX_EXPANDED_MB": "7",
                                  "POLICY_ASSISTANT_MAX_PARAGRAPHS": "300"})
    assert settings.read_limits() == ReadLimits(max_bytes=50 * 1024 * 1024, max_expanded_bytes=7 * 1024 * 1024,
                                                max_paragraphs=300)
    for var in ("POLICY_ASSISTANT_MAX_EXPANDED_MB", "POLICY_ASSISTANT_MAX_PARAGRAPHS"):
        with pytest.raises(ConfigError, match=var):
            Settings.from_env({"POLICY_ASSISTANT_HOME": str(tmp_path), var: "0"})
        with pytest.raises(ConfigError, match=var):
            Settings.from_env({"POLICY_ASSISTANT_HOME": str(tmp_path), var: "lots"})


def test_a_pdf_stops_once_its_text_passes_the_expanded_limit(make_pdf) -> None:
    from assistant.errors import ExpandedTooLargeError
    from assistant.read.base import read_document
    from assistant.read.limits import ReadLimits

    line = "为规范工业用地管理，推动产业集聚提质提能，制定本方案。"
    pdf = make_pdf("long.pdf", [[line] * 30 for _ in range(4)])
    assert len(read_document(pdf).pages) == 4
    page_bytes = len((line + "\n").encode()) * 30
    with pytest.raises(ExpandedTooLargeError, match=r"long\.pdf：读到第2页时提取出的文字已超过"):
        read_document(pdf, limits=ReadLimits(max_expanded_bytes=int(page_bytes * 1.5)))


def test_paragraphs_beyond_the_limit_are_refused(tmp_path: Path) -> None:
    from assistant.corpus import parse_file
    from assistant.errors import TooManyParagraphsError
    from assistant.read.limits import ReadLimits

    path = tmp_path / "many.txt"
    path.write_text("".join(f"第{i}段。\n" for i in range(1, 31)), encoding="utf-8")
    assert len(parse_file(path, limits=ReadLimits(max_paragraphs=30))) >= 1
    with pytest.raises(TooManyParagraphsError) as err:
        parse_file(path, limits=ReadLimits(max_paragraphs=20))
    assert str(err.value) == (f"{path}：已读到21个段落，超过上限20个（POLICY_ASSISTANT_MAX_PARAGRAPHS），未导入。"
                              "请把文件拆分成几份导入，或调高 POLICY_ASSISTANT_MAX_PARAGRAPHS。")


def test_cli_ingest_applies_the_paragraph_limit_and_keeps_the_index(home_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    path.write_text("".join(f"第{i}段。\n" for i in range(1, 31)), encoding="utf-8")
    before = index_files(home_copy)
    proc = run_cli("ingest", str(path), home=home_copy, env={"POLICY_ASSISTANT_MAX_PARAGRAPHS": "20"})
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines()[-1] == (
        f"policy-assistant: error: {path}：已读到21个段落，超过上限20个（POLICY_ASSISTANT_MAX_PARAGRAPHS），"
        "未导入。请把文件拆分成几份导入，或调高 POLICY_ASSISTANT_MAX_PARAGRAPHS。")
    assert index_files(home_copy) == before


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    import os

    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


def test_devices_fifos_folders_and_dangling_links_are_refused_unread(tmp_path: Path, fifo: Path) -> None:
    from assistant.errors import DocumentNotFoundError, NotAFileError
    from assistant.read.base import read_document

    link = tmp_path / "link.md"
    link.symlink_to(fifo)
    dangling = tmp_path / "gone.md"
    dangling.symlink_to(tmp_path / "nothing.md")
    tail = "，不是普通文件，未读取。请给出 PDF、DOCX、TXT 或 MD 文件。"
    cases = [
        (Path("/dev/zero"), NotAFileError, "/dev/zero：这是设备文件" + tail),
        (fifo, NotAFileError, f"{fifo}：这是命名管道（FIFO）" + tail),
        (link, NotAFileError, f"{link}（符号链接，指向 {fifo}）：这是命名管道（FIFO）" + tail),
        (tmp_path, NotAFileError, f"{tmp_path}：这是文件夹" + tail),
        (dangling, DocumentNotFoundError,
         f"{dangling}：符号链接指向的 {tmp_path / 'nothing.md'} 不存在。请检查链接，或直接给出文件本身。"),
    ]
    for path, kind, message in cases:
        with pytest.raises(kind) as err:
            read_document(path)
        assert str(err.value) == message


def test_a_link_to_a_file_is_read_and_resolved(tmp_path: Path) -> None:
    from assistant.read.base import read_document
    from assistant.read.limits import regular_file

    target = tmp_path / "real" / "banfa.txt"
    target.parent.mkdir()
    target.write_text("第一条 为规范工业用地管理，制定本办法。\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert regular_file(link) == target.resolve()
    assert read_document(link).pages[0].text == "第一条 为规范工业用地管理，制定本办法。\n"


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_cli_ingest_of_a_device_or_fifo_ends_at_once_and_frees_the_lock(home_copy: Path, fifo: Path,
                                                                        target: str) -> None:
    path = str(fifo) if target == "fifo" else target
    before = index_files(home_copy)
    proc = run_cli("ingest", path, home=home_copy, timeout=60)  # a read would block or never end
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines()[-1].startswith(f"policy-assistant: error: {path}：这是")
    assert index_files(home_copy) == before
    again = run_cli("ingest", "--wait", "0", home=home_copy, timeout=60)  # the lock is free
    assert again.returncode == 0, again.stderr[-2000:]
