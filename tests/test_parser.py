"""The clause parser on the real corpus (PDF and text) and on a small 章/条/款/项 document."""

from __future__ import annotations

import re

import pytest
from conftest import CORPUS_PDF, CORPUS_TXT, DATA, DOC, squash

from assistant.corpus import clause_map, parse_file, shipped_clauses
from assistant.models import DocumentMeta

COLUMNS = [
    "改造提升老旧工业区块（个）", "完成老工业区块改造涉企用地（亩）", "推进工业企业容积率提升项目（个）",
    "存量工业用地空间挖潜新增竣工建筑面积（万平方米）", "帮扶提升低效企业（家）", "整治散乱污企业（家）",
    "创建绿色工厂（家）", "规上工业企业年均亩均税增长率（%）",
]
STREETS = ["全区", "新碶", "小港", "大碶", "柴桥", "霞浦", "戚家山", "春晓", "梅山", "白峰", "郭巨", "保税", "大榭"]
ITEMS = {"s2": 4, "s4": 6, "s5": 3, "s6": 11, "s7": 4, "s8": 5}

EXPECTED_IDS = (
    ["notice", "preamble"]
    + [x for n in range(1, 10) for x in [f"s{n}"] + [f"s{n}.{i}" for i in range(1, ITEMS.get(f"s{n}", 0) + 1)]
       + ([f"s{n}.{i}.{j}" for i in (1, 2) for j in (1, 2, 3)] if n == 5 else [])]
    + ["attachments", "a1", "a1.leader", "a1.deputy"] + [f"a1.m{i}" for i in range(1, 36)]
    + ["a1.office"] + [f"a1.d{i}" for i in range(1, 19)] + ["a1.closing"]
    + ["a2"] + [f"a2.r{i}" for i in range(1, 14)] + ["colophon"]
)


def _order(ids: list[str]) -> list[str]:
    """Put s5's points right after their items (document order)."""
    out = []
    for cid in ids:
        if re.fullmatch(r"s5\.\d\.\d", cid):
            continue
        out.append(cid)
        if cid in ("s5.1", "s5.2"):
            out.extend(f"{cid}.{j}" for j in (1, 2, 3))
    return out


@pytest.fixture(scope="module")
def pdf_clauses():
    return parse_file(CORPUS_PDF)


@pytest.fixture(scope="module")
def txt_clauses():
    return parse_file(CORPUS_TXT)


@pytest.fixture(scope="module")
def by_id(pdf_clauses):
    return {c.id.removeprefix(DOC): c for c in pdf_clauses}


@pytest.fixture(scope="module")
def txt_by_id(txt_clauses):
    return {c.id.removeprefix(DOC): c for c in txt_clauses}


def _source_paragraph(start: str) -> str:
    """The paragraph of the .txt that starts with ``start``, page-cut pieces re-joined."""
    text = CORPUS_TXT.read_text(encoding="utf-8")
    begin = text.index(start)
    rest = text[begin:]
    ends = [m.start() for m in re.finditer(r"[。：]\n", rest)]
    return rest[: ends[0] + 1]


def test_clause_count_and_ids_in_document_order(pdf_clauses) -> None:
    assert len(pdf_clauses) == 124
    assert [c.id.removeprefix(DOC) for c in pdf_clauses] == _order(EXPECTED_IDS)
    assert [c.order for c in pdf_clauses] == list(range(124))
    assert {c.doc_id for c in pdf_clauses} == {"lzb-2024-22"}


def test_pdf_and_text_give_the_same_clauses(pdf_clauses, txt_clauses) -> None:
    assert [c.id for c in txt_clauses] == [c.id for c in pdf_clauses]
    differ = [c.id for c, t in zip(pdf_clauses, txt_clauses) if squash(c.text) != squash(t.text)]
    assert differ == []
    assert [c.label for c in txt_clauses] == [c.label for c in pdf_clauses]
    assert [c.table for c in txt_clauses] == [c.table for c in pdf_clauses]
    assert {c.source for c in pdf_clauses} == {"lzb-2024-22.pdf"}
    assert {c.source for c in txt_clauses} == {"lzb-2024-22.txt"}


def test_shipped_clauses_are_the_pdf_clauses(pdf_clauses, by_id) -> None:
    assert [c.id for c in shipped_clauses()] == [c.id for c in pdf_clauses]
    assert clause_map()[DOC + "s6.6"] == by_id["s6.6"]


@pytest.mark.parametrize(
    ("cid", "start"),
    [
        ("s6.6", "（六）支持兼并收购"),
        ("s8.3", "（三）优化项目审批"),
        ("s2.1", "(一) 创新多元改造路径"),
        ("s5.3", "（三）环境优化式改造"),
        ("s6.11", "（十一）激励示范先进"),
        ("a1.d3", "3. 区财政局负责"),
        ("a1.d17", "17. 区政务服务办会同"),
        ("preamble", "为进一步盘活存量低效工业用地"),
        ("a1.closing", "各街道（功能区管理服务中心）作为"),
    ],
)
def test_clause_text_equals_the_source(by_id, txt_by_id, cid: str, start: str) -> None:
    source = squash(_source_paragraph(start))
    assert squash(by_id[cid].text) == source
    assert squash(txt_by_id[cid].text) == source


@pytest.mark.parametrize(
    ("cid", "kind", "label"),
    [
        ("notice", "notice", "仑政办〔2024〕22号 印发通知"),
        ("preamble", "preamble", "仑政办〔2024〕22号 前言"),
        ("s1", "section", "仑政办〔2024〕22号 一、总体要求"),
        ("s6", "section", "仑政办〔2024〕22号 六、政策举措"),
        ("s6.6", "item", "仑政办〔2024〕22号 六、政策举措（六）支持兼并收购"),
        ("s6.11", "item", "仑政办〔2024〕22号 六、政策举措（十一）激励示范先进"),
        ("s8.3", "item", "仑政办〔2024〕22号 八、保障机制（三）优化项目审批"),
        ("s5.1.1", "point", "仑政办〔2024〕22号 五、实施路径（一）腾挪拆除式改造 一是"),
        ("s5.2.3", "point", "仑政办〔2024〕22号 五、实施路径（二）梳理提升式改造 三是"),
        ("attachments", "attachments", "仑政办〔2024〕22号 附件目录"),
        ("a1", "annex", "仑政办〔2024〕22号 附件1 北仑区低效工业用地改造提升工作领导小组"),
        ("a1.leader", "leader", "仑政办〔2024〕22号 附件1 组长"),
        ("a1.deputy", "leader", "仑政办〔2024〕22号 附件1 副组长"),
        ("a1.m1", "member", "仑政办〔2024〕22号 附件1 成员 陆浩杰（区府办）"),
        ("a1.m4", "member", "仑政办〔2024〕22号 附件1 成员 陈佩青（区经信局）"),
        ("a1.m6", "member", "仑政办〔2024〕22号 附件1 成员 王涛（生态环境分局）"),
        ("a1.m35", "member", "仑政办〔2024〕22号 附件1 成员 钟良亮（区供电公司）"),
        ("a1.office", "office", "仑政办〔2024〕22号 附件1 领导小组办公室及分工"),
        ("a1.d3", "duty", "仑政办〔2024〕22号 附件1 工作分工第3项（区财政局）"),
        ("a2", "annex", "仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表"),
        ("a2.r4", "row", "仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表 大碶"),
        ("colophon", "colophon", "仑政办〔2024〕22号 抄送及印发"),
    ],
)
def test_kinds_and_labels(by_id, cid: str, kind: str, label: str) -> None:
    assert (by_id[cid].kind, by_id[cid].label) == (kind, label)


@pytest.mark.parametrize(
    ("cid", "text"),
    [
        ("a1.leader", "组 长：王 程"),
        ("a1.deputy", "副组长：屠斌斌 潘群威"),
        ("a1.m1", "成员：陆浩杰 区府办"),
        ("a1.m7", "成员：冯军工 北仑区（开发区）税务局"),
        ("a1.m35", "成员：钟良亮 区供电公司"),
        ("s5.1.1", "一是政府或国有企业通过收储或收购等多种方式，取得改造区块土地使用权进行开发建设。"),
        ("s5.2.3", "三是坚决淘汰落后产能，加快推进闲置地块开发建设。"),
        ("a1.d3", "3.区财政局负责落实“腾笼换鸟”专项经费等资金保障，配合做好配套政策的制定。"),
    ],
)
def test_short_clause_texts(by_id, cid: str, text: str) -> None:
    assert by_id[cid].text == text


def test_members_in_document_order(by_id) -> None:
    names = [by_id[f"a1.m{i}"].label.split(" 成员 ")[1].split("（")[0] for i in range(1, 36)]
    assert names[:6] == ["陆浩杰", "鲍志荣", "叶奇丹", "陈佩青", "顾红麟", "王涛"]
    assert names[16:20] == ["孙敏列", "张丽辉", "周绍华", "郑勇"]
    assert names[-3:] == ["胡鹏", "程峰", "钟良亮"]
    assert len(set(names)) == 35


@pytest.mark.parametrize(("i", "street"), list(enumerate(STREETS, start=1)))
def test_annex2_rows_carry_their_headers(by_id, txt_by_id, i: int, street: str) -> None:
    row = by_id[f"a2.r{i}"]
    assert row.kind == "row"
    assert row.table.key == street
    assert row.table.columns == COLUMNS
    txt_line = next(ln for ln in CORPUS_TXT.read_text(encoding="utf-8").splitlines() if ln.startswith(street + "\t"))
    assert row.table.values == txt_line.split("\t")[1:]
    assert txt_by_id[f"a2.r{i}"].table == row.table
    assert row.text == f"{street}：" + "；".join(c + v for c, v in zip(COLUMNS, row.table.values))


def test_annex2_cells(by_id) -> None:
    assert by_id["a2.r4"].table.cell("完成老工业区块改造涉企用地（亩）") == "240"
    assert by_id["a2.r4"].table.cell("涉企用地") == "240"
    assert by_id["a2.r1"].table.values == ["15", "1500", "100", "50", "300", "120", "180", "6"]
    assert by_id["a2.r7"].table.values == ["2", "150", "9", "3", "21", "9", "12", "6"]
    assert by_id["a2.r5"].table.cell("存量工业用地空间挖潜") == "0.5"


@pytest.mark.parametrize(
    ("cid", "page"),
    [("notice", 1), ("preamble", 1), ("s2.1", 1), ("s4.3", 3), ("s6", 4), ("s6.6", 4), ("s6.7", 5),
     ("s8.1", 6), ("attachments", 7), ("a1.m1", 7), ("a1.d1", 8), ("a1.d18", 9), ("a2", 9),
     ("a2.r4", 9), ("a2.r11", 9), ("a2.r12", 10), ("a2.r13", 10), ("colophon", 10)],
)
def test_pdf_pages(by_id, txt_by_id, cid: str, page: int) -> None:
    assert by_id[cid].page == page
    assert txt_by_id[cid].page is None


def test_parent_and_children_links_are_consistent(pdf_clauses) -> None:
    ids = {c.id: c for c in pdf_clauses}
    for c in pdf_clauses:
        for child in c.children:
            assert ids[child].parent_id == c.id
            assert ids[child].order > c.order
        if c.parent_id is not None:
            parent = ids[c.parent_id]
            assert c.id in parent.children
            assert c.path == parent.path + [parent.label]
            assert squash(c.text) in squash(parent.text)
    roots = [c.id.removeprefix(DOC) for c in pdf_clauses if c.parent_id is None]
    assert roots == ["notice", "preamble"] + [f"s{n}" for n in range(1, 10)] + ["attachments", "a1", "a2", "colophon"]
    assert ids[DOC + "s6"].children == [f"{DOC}s6.{i}" for i in range(1, 12)]
    assert ids[DOC + "s5.1"].children == [f"{DOC}s5.1.{j}" for j in (1, 2, 3)]


def test_item_own_text_stops_before_its_points(by_id) -> None:
    assert by_id["s5.1"].own_text == "（一）腾挪拆除式改造。"
    assert by_id["s6.6"].own_text == by_id["s6.6"].text


# -- a document of the 章/条/款/项 shape ----------------------------------------------------

BANFA_META = DocumentMeta(id="test-banfa", doc_number="仑测〔2024〕1号", title="北仑区测试用地管理办法",
                          files=["banfa.txt", "banfa.md"])
SHORT = "仑测〔2024〕1号"
BANFA = [
    ("ch1", "section", f"{SHORT} 第一章 总则", None),
    ("art1", "article", f"{SHORT} 第一条", "ch1"),
    ("art2", "article", f"{SHORT} 第二条", "ch1"),
    ("art2.k1", "paragraph", f"{SHORT} 第二条第一款", "art2"),
    ("art2.k2", "paragraph", f"{SHORT} 第二条第二款", "art2"),
    ("art2.k2.1", "item", f"{SHORT} 第二条第二款第（一）项", "art2.k2"),
    ("art2.k2.2", "item", f"{SHORT} 第二条第二款第（二）项", "art2.k2"),
    ("art3", "article", f"{SHORT} 第三条", "ch1"),
    ("ch2", "section", f"{SHORT} 第二章 管理措施", None),
    ("art4", "article", f"{SHORT} 第四条", "ch2"),
    ("art5", "article", f"{SHORT} 第五条", "ch2"),
    ("art5.1", "item", f"{SHORT} 第五条第（一）项", "art5"),
    ("art5.2", "item", f"{SHORT} 第五条第（二）项", "art5"),
    ("ch3", "section", f"{SHORT} 第三章 附则", None),
    ("art6", "article", f"{SHORT} 第六条", "ch3"),
]
BANFA_TEXTS = {
    "art1": "第一条 为规范工业用地管理，提高土地利用效益，制定本办法。",
    "art2.k1": "第二条 本办法适用于本区范围内的工业用地。",
    "art2.k2": "工业用地包括下列情形：\n（一）已出让的工业用地；\n（二）规划新增的工业用地。",
    "art2.k2.1": "（一）已出让的工业用地；",
    "art5": "第五条 对闲置土地，按照下列规定处理：\n（一）闲置满一年的，责令限期开发；\n（二）闲置满两年的，依法收回。",
    "art5.2": "（二）闲置满两年的，依法收回。",
    "art6": "第六条 本办法自2024年1月1日起施行。",
}


def _docx(path, source) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line)
    document.save(str(path))


@pytest.fixture(scope="module", params=["txt", "md", "docx"])
def banfa(request, tmp_path_factory):
    if request.param == "docx":
        path = tmp_path_factory.mktemp("docx") / "banfa.docx"
        _docx(path, DATA / "banfa.txt")
    else:
        path = DATA / f"banfa.{request.param}"
    return parse_file(path, BANFA_META)


def test_banfa_ids_kinds_labels_parents(banfa) -> None:
    got = [(c.id.removeprefix("test-banfa:"), c.kind, c.label,
            c.parent_id.removeprefix("test-banfa:") if c.parent_id else None) for c in banfa]
    assert got == BANFA


@pytest.mark.parametrize(("cid", "text"), list(BANFA_TEXTS.items()))
def test_banfa_texts(banfa, cid: str, text: str) -> None:
    assert {c.id: c.text for c in banfa}[f"test-banfa:{cid}"] == text


def test_banfa_manifest_in_folder_is_used() -> None:
    clauses = parse_file(DATA / "banfa.txt")
    assert clauses[0].id == "test-banfa:ch1"
    assert clauses[0].label == f"{SHORT} 第一章 总则"


def test_paragraph_after_items_is_a_new_kuan(tmp_path) -> None:
    """第二条 intro + （一）（二） + a second paragraph: the items belong to 第一款."""
    path = tmp_path / "kuan.txt"
    path.write_text(
        "第一章 总则\n\n第一条 为规范管理，制定本办法。\n\n第二条 对闲置土地，按照下列规定处理：\n\n"
        "（一）闲置满一年的，责令限期开发；\n\n（二）闲置满两年的，依法收回。\n\n"
        "前款规定的闲置土地，由区资规分局认定。\n", encoding="utf-8")
    meta = DocumentMeta(id="kuan", doc_number="仑测〔2024〕2号", title="测试", files=["kuan.txt"])
    got = {c.id.removeprefix("kuan:"): c for c in parse_file(path, meta)}
    assert [cid for cid in got if cid.startswith("art2")] == ["art2", "art2.k1", "art2.k1.1", "art2.k1.2", "art2.k2"]
    assert got["art2.k2"].text == "前款规定的闲置土地，由区资规分局认定。"
    assert got["art2.k1.2"].text == "（二）闲置满两年的，依法收回。"
