"""Reading and cleaning: page furniture goes, wrapped and page-cut text comes back together."""

from __future__ import annotations

import pytest
from conftest import CORPUS_PDF, CORPUS_TXT

from assistant.read import Page, RawDocument, read_document
from assistant.read.clean import clean, normalize_spaces

HEADER = "北仑区测试文件汇编"
FULL_1 = "坚持区、街道、村、企、专业机构多方联动，因地制宜采取多种改造提升模"
# A line as wide as the text block: it sets what "full width" means for the page.
LONG = "按照工业集聚区规划总体要求及工业用地控制线管理相关规定，科学布局新增工业用地。"
FULL_2 = "到 2026 年，每年改造提升老旧工业区块不少于 5 个，累计完成改造提升"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30 %", "30%"),
        ("2024 年", "2024年"),
        ("到 2026 年，每年不少于 5 个", "到2026年，每年不少于5个"),
        ("原则上不低于 2.0；", "原则上不低于2.0；"),
        ("给予 30%的补助", "给予30%的补助"),
        ("按不超过股权收购价格的 10% 给予补助", "按不超过股权收购价格的10%给予补助"),
        ("比例上限由 7%提高到 15%", "比例上限由7%提高到15%"),
        ("按每亩 1—5 万元给予奖励", "按每亩1—5万元给予奖励"),
        ("仑政办〔2024〕22 号", "仑政办〔2024〕22号"),
        ("( 2024-2026 年)", "(2024-2026年)"),
        ("组 长：王 程", "组 长：王 程"),            # spaces between Chinese characters stay
        ("王  涛", "王 涛"),                        # collapsed to one
        ("办公室\u3000开发区", "办公室 开发区"),      # ideographic space is a space
        ("all MiniLM  L6", "all MiniLM L6"),
    ],
)
def test_normalize_spaces(raw: str, expected: str) -> None:
    assert normalize_spaces(raw) == expected


def _texts(paras) -> list[str]:
    return [p.text for p in paras]


@pytest.mark.parametrize("footer", ["- 1 -", "— 2 —", "3", "第 2 页 共 5 页", "第2页", "2 / 10", "Page 3 of 9"])
def test_page_numbers_are_removed(footer: str) -> None:
    doc = RawDocument(path=CORPUS_TXT, format="pdf", pages=[
        Page(number=1, text=f"一、总体要求\n坚持试点先行。\n{footer}"),
        Page(number=2, text=f"二、基本原则\n{LONG}"),
    ])
    assert _texts(clean(doc)) == ["一、总体要求", "坚持试点先行。", "二、基本原则", LONG]


def test_running_header_is_removed_only_when_it_repeats() -> None:
    # The long line differs per page: a line repeated on every page is furniture too.
    pages = [Page(number=i, text=f"{HEADER}\n{n}、第{i}段\n正文{i}。\n{LONG}{i}")
             for i, n in ((1, "一"), (2, "二"), (3, "三"))]
    texts = _texts(clean(RawDocument(path=CORPUS_TXT, format="pdf", pages=pages)))
    assert HEADER not in texts
    assert texts == ["一、第1段", "正文1。", LONG + "1", "二、第2段", "正文2。", LONG + "2",
                     "三、第3段", "正文3。", LONG + "3"]
    # On two pages a repeated first line is not furniture (too little evidence).
    two = _texts(clean(RawDocument(path=CORPUS_TXT, format="pdf", pages=pages[:2])))
    assert sum(t.count(HEADER) for t in two) == 2


def test_generated_pdf_is_cleaned(make_pdf) -> None:
    """Header, page numbers, wrapped lines, a sentence cut by a page turn, spaced digits."""
    pdf = make_pdf("three-pages.pdf", [
        [HEADER, "一、总体要求", FULL_2, "1500 亩以上，亩均税收年均增长 6 %以上。", "二、基本原则", FULL_1,
         (290, 60, "- 1 -")],
        [HEADER, "式，统筹各方面资源力量和优势。", "三、实施目标", "每个区块要有明确的产业方向。", (290, 60, "- 2 -")],
        [HEADER, "四、保障机制", "压实主体责任。", (290, 60, "- 3 -")],
    ])
    raw = read_document(pdf)
    assert [p.number for p in raw.pages] == [1, 2, 3]
    assert raw.pages[0].text.splitlines()[-1] == "- 1 -"
    paras = clean(raw)
    assert [(p.text, p.page) for p in paras] == [
        ("一、总体要求", 1),
        ("到2026年，每年改造提升老旧工业区块不少于5个，累计完成改造提升1500亩以上，亩均税收年均增长6%以上。", 1),
        ("二、基本原则", 1),
        ("坚持区、街道、村、企、专业机构多方联动，因地制宜采取多种改造提升模式，统筹各方面资源力量和优势。", 1),
        ("三、实施目标", 2),
        ("每个区块要有明确的产业方向。", 2),
        ("四、保障机制", 3),
        ("压实主体责任。", 3),
    ]


@pytest.fixture(scope="module")
def txt_paras():
    return clean(read_document(CORPUS_TXT))


@pytest.fixture(scope="module")
def pdf_paras():
    return clean(read_document(CORPUS_PDF))


@pytest.mark.parametrize(
    "joined",
    [
        "专业机构多方联动，因地制宜",              # 二（一）: cut after 多 by a page turn
        "内的基础设施、公共服务配套设施",            # 五（三）: cut inside 基础设施
        "各工业区块的生产、生活、生态布局更趋合理",   # 三: cut after 的
        "经备案认可且提交区政府常务会议审定后，按不超过",  # 六（六）: 提/交
        "陈佩青兼任办公室主任",                      # 附件1: 办/公室
    ],
)
def test_text_export_rejoins_sentences_cut_by_page_turns(txt_paras, joined: str) -> None:
    hits = [p.text for p in txt_paras if joined in p.text]
    assert len(hits) == 1


@pytest.mark.parametrize(
    "joined",
    [
        "专业机构多方联动，因地制宜",
        "内的基础设施、公共服务配套设施",
        "按照国有土地征收实际评估价给予30%的补助",
        "到2026年，每年改造提升老旧工业区块不少于5个",
        "仑政办〔2024〕22号",
        "2024年8月27日",
    ],
)
def test_pdf_rejoins_wrapped_lines_and_digits(pdf_paras, joined: str) -> None:
    assert any(joined in p.text for p in pdf_paras)


def test_pdf_table_row_label_split_over_lines_is_joined(pdf_paras) -> None:
    rows = [p.text.split("\t") for p in pdf_paras if p.tabular and p.text.split("\t")[0]]
    assert [r[0] for r in rows] == ["全区", "新碶", "小港", "大碶", "柴桥", "霞浦", "戚家山", "春晓", "梅山",
                                    "白峰", "郭巨", "保税", "大榭"]
    assert rows[6] == ["戚家山", "2", "150", "9", "3", "21", "9", "12", "6"]
    assert "戚家" not in [p.text for p in pdf_paras] and "山" not in [p.text for p in pdf_paras]


def test_pdf_has_ten_pages_and_no_page_number_paragraphs(pdf_paras) -> None:
    assert len(read_document(CORPUS_PDF).pages) == 10
    assert {p.page for p in pdf_paras} == set(range(1, 11))
    assert not [p.text for p in pdf_paras if p.text.strip("-— ").isdigit()]


def test_text_file_is_one_unnumbered_page() -> None:
    raw = read_document(CORPUS_TXT)
    assert raw.format == "txt"
    assert [p.number for p in raw.pages] == [None]


def test_form_feed_splits_text_pages(tmp_path) -> None:
    path = tmp_path / "paged.txt"
    path.write_text("一、总体要求\n坚持试点先行。\f二、基本原则\n坚持系统治理。", encoding="utf-8")
    paras = clean(read_document(path))
    assert [(p.text, p.page) for p in paras] == [
        ("一、总体要求", 1), ("坚持试点先行。", 1), ("二、基本原则", 2), ("坚持系统治理。", 2)]


def test_gb18030_text_is_decoded(tmp_path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("一、总体要求\n坚持试点先行。".encode("gb18030"))
    assert _texts(clean(read_document(path))) == ["一、总体要求", "坚持试点先行。"]
