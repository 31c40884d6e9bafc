"""Table questions over any indexed table: reading, operations, cited answers.

The shipped document's 附件2 and a small table document written here (another county,
other rows, other headers, a 合计 row whose road column does not add up) go through the
same code: nothing in assistant/tables knows either.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DOC

from assistant.answer.cite import MARKER_RE, dangling_markers
from assistant.corpus import clause_map, parse_file
from assistant.models import Answer, DocumentMeta
from assistant.tables import ops
from assistant.tables.answer import table_answer
from assistant.tables.reading import find_columns, read_table_question
from assistant.tables.table import column_of, parse_number, tables_of

A2 = DOC + "a2"
TABLE_DOC = """# 青山县城乡公共设施建设三年行动计划

为补齐公共设施短板，制定本计划。

## 一、工作目标

到2026年，全县新建学校、改造道路、建成公园，具体任务见附件1。

## 二、保障措施

各镇（乡）要按附件1分解的任务抓好落实。

附件1

各镇（乡）公共设施建设任务表

| 镇乡 | 新建中小学校（所） | 改造农村道路里程（公里） | 建成口袋公园（个） | 新增绿化面积（万平方米） |
| --- | --- | --- | --- | --- |
| 合计 | 20 | 300 | 41 | 12.5 |
| 东山镇 | 8 | 120 | 15 | 5 |
| 西湖乡 | 5 | 90 | 15 | 4.5 |
| 南岭镇 | 4 | 60 | 6 | 2 |
| 北坡乡 | 3 | 40 | 5 | 1 |
"""
QS = "qs-plan:a1"


@pytest.fixture(scope="module")
def clauses():
    return clause_map()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("tables") / "plan.md"
    path.write_text(TABLE_DOC, encoding="utf-8")
    meta = DocumentMeta(id="qs-plan", title="青山县城乡公共设施建设三年行动计划", files=["plan.md"])
    return {c.id: c for c in parse_file(path, meta)}


def _ids(answer: Answer) -> list[str]:
    return [c.id for c in answer.citations]


def _checked(answer: Answer | None) -> Answer:
    """An answer whose markers all resolve and whose every citation is marked."""
    assert answer is not None
    assert answer.abstained is False
    assert dangling_markers(answer.answer, len(answer.citations)) == []
    assert {int(m) for m in MARKER_RE.findall(answer.answer)} == set(range(1, len(answer.citations) + 1))
    assert len(answer.tool_calls) == 1
    return answer


# -- the table model -----------------------------------------------------------------

def test_tables_of_the_shipped_document(clauses) -> None:
    [table] = tables_of(clauses)
    assert table.id == A2
    assert table.label == "仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表"
    assert [r.key for r in table.rows][:3] == ["全区", "新碶", "小港"]
    assert table.total.key == "全区" and len(table.body) == 12
    assert [c.unit for c in table.columns] == ["个", "亩", "个", "万平方米", "家", "家", "家", "%"]
    assert table.columns[1].name == "完成老工业区块改造涉企用地"


def test_tables_of_a_new_document(county) -> None:
    [table] = tables_of(county)
    assert table.id == QS
    assert table.total.key == "合计"
    assert [r.key for r in table.body] == ["东山镇", "西湖乡", "南岭镇", "北坡乡"]
    assert [c.unit for c in table.columns] == ["所", "公里", "个", "万平方米"]


def test_a_total_row_without_a_total_word_is_found_by_its_sums(county) -> None:
    renamed = {}
    for cid, c in county.items():
        if c.table is not None and c.table.key == "合计":
            c = c.model_copy(update={"table": c.table.model_copy(update={"key": "县本级"})})
        renamed[cid] = c
    [table] = tables_of(renamed)
    assert table.total.key == "县本级"


@pytest.mark.parametrize("cell, value", [("15", Decimal("15")), ("0.5", Decimal("0.5")), ("6%", Decimal("6")),
                                         ("1,500", Decimal("1500")), ("—", None), ("", None)])
def test_parse_number(cell: str, value: Decimal | None) -> None:
    assert parse_number(cell) == value


@pytest.mark.parametrize("header, name, unit", [
    ("创建绿色工厂（家）", "创建绿色工厂", "家"),
    ("存量工业用地空间挖潜新增竣工建筑面积（万平方米）", "存量工业用地空间挖潜新增竣工建筑面积", "万平方米"),
    ("规上工业企业年均亩均税增长率（%）", "规上工业企业年均亩均税增长率", "%"),
    ("备注", "备注", ""),
])
def test_column_units(header: str, name: str, unit: str) -> None:
    col = column_of(0, header)
    assert (col.name, col.unit) == (name, unit)


@pytest.mark.parametrize("text, headers", [
    ("戚家山帮扶几家，整治几家", ["帮扶提升低效企业（家）", "整治散乱污企业（家）"]),
    ("霞浦存量工业用地空间挖潜新增竣工建筑面积多少，创建绿色工厂多少家",
     ["存量工业用地空间挖潜新增竣工建筑面积（万平方米）", "创建绿色工厂（家）"]),
    ("哪个街道的改造涉企用地任务最少", ["完成老工业区块改造涉企用地（亩）"]),
    ("新碶的容积率提升项目", ["推进工业企业容积率提升项目（个）"]),
])
def test_columns_from_distinctive_header_words(clauses, text: str, headers: list[str]) -> None:
    [table] = tables_of(clauses)
    found, _ = find_columns(text, table.columns)
    assert [c.header for c in found] == headers


# -- operations ------------------------------------------------------------------------

def test_extreme_returns_all_tied_rows_and_skips_the_total(clauses) -> None:
    [table] = tables_of(clauses)
    land = table.columns[1]
    low = ops.extreme(table, land, "min")
    assert (low.rows, low.value) == (["梅山", "郭巨"], "15")
    assert "全区" not in low.compared and len(low.compared) == 12
    assert ops.extreme(table, land, "max").rows == ["新碶"]


@pytest.mark.parametrize("comparator, limit, rows, at", [
    (">", "15", ["新碶", "小港", "大碶"], ["大榭"]),
    (">=", "15", ["新碶", "小港", "大碶", "大榭"], []),
    ("<", "12", ["梅山", "白峰", "郭巨"], ["柴桥", "霞浦", "戚家山", "春晓", "保税"]),
    ("<=", "12", ["柴桥", "霞浦", "戚家山", "春晓", "梅山", "白峰", "郭巨", "保税"], []),
    ("==", "12", ["柴桥", "霞浦", "戚家山", "春晓", "保税"], []),
])
def test_filter_comparators(clauses, comparator, limit, rows, at) -> None:
    [table] = tables_of(clauses)
    got = ops.filter_rows(table, table.columns[6], comparator, Decimal(limit))
    assert got.rows == rows
    assert got.at_threshold == at
    assert "全区" not in got.rows


def test_sum_and_share_in_decimals(clauses) -> None:
    [table] = tables_of(clauses)
    rows = {r.key: r for r in table.rows}
    area = table.columns[3]
    got = ops.sum_rows(table, area, [rows["柴桥"], rows["霞浦"], rows["全区"]], share=True)
    assert (got.sum, got.total, got.share_percent) == ("4.7", "50", "9.40")
    assert got.rows == ["柴桥", "霞浦"]


def test_compare_progress_and_errors(county) -> None:
    [table] = tables_of(county)
    rows = {r.key: r for r in table.rows}
    parks = table.columns[2]
    same = ops.compare(parks, rows["东山镇"], rows["西湖乡"])
    assert (same.larger, same.difference) == (None, "0")
    done = ops.progress(rows["南岭镇"], parks, Decimal("7"))
    assert (done.rate_percent, done.remaining, done.exceeded) == ("116.67", "0", "1")
    broken = rows["南岭镇"].model_copy(update={"cells": ["4", "60", "—", "2"], "numbers": [Decimal(4), Decimal(60), None,
                                                                                          Decimal(2)]})
    with pytest.raises(ops.TableCellError, match="“南岭镇”行“建成口袋公园（个）”列的内容是“—”，不是数字"):
        ops.progress(broken, parks, Decimal("3"))


def test_totals_check_finds_the_column_that_does_not_add_up(county) -> None:
    [table] = tables_of(county)
    check = ops.totals_check(table)
    verdicts = {c.column: (c.rows_sum, c.total, c.matches, c.difference) for c in check.columns}
    assert verdicts == {"新建中小学校（所）": ("20", "20", True, "0"),
                        "改造农村道路里程（公里）": ("310", "300", False, "10"),
                        "建成口袋公园（个）": ("41", "41", True, "0"),
                        "新增绿化面积（万平方米）": ("12.5", "12.5", True, "0")}


# -- answers on the shipped document ---------------------------------------------------

ROW = "仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表"


@pytest.mark.parametrize("question, first_line, cited, tool", [
    ("新碶的绿色工厂任务是多少", "新碶“创建绿色工厂”为30家[1]。", ["a2.r2"], "table_cell"),
    ("附件2里小港街道完成老工业区块改造涉企用地的任务是多少亩", "小港“完成老工业区块改造涉企用地”为240亩[1]。",
     ["a2.r3"], "table_cell"),
    ("戚家山帮扶几家，整治几家", "戚家山“帮扶提升低效企业”为21家；“整治散乱污企业”为9家[1]。", ["a2.r7"], "table_cell"),
    ("大碶街道各项任务", "大碶各列数值：改造提升老旧工业区块2个；完成老工业区块改造涉企用地240亩；推进工业企业容积率提升项目18个；"
     "存量工业用地空间挖潜新增竣工建筑面积12万平方米；帮扶提升低效企业60家；整治散乱污企业21家；创建绿色工厂36家；"
     "规上工业企业年均亩均税增长率6%[1]。", ["a2.r4"], "table_row"),
    ("各街道涉企用地任务", "“完成老工业区块改造涉企用地”各行数值：新碶300亩[1]；小港240亩[2]；大碶240亩[3]；柴桥90亩[4]；"
     "霞浦90亩[5]；戚家山150亩[6]；春晓90亩[7]；梅山15亩[8]；白峰30亩[9]；郭巨15亩[10]；保税90亩[11]；大榭150亩[12]。"
     "全区：1500亩[13]。", [f"a2.r{i}" for i in range(2, 14)] + ["a2.r1"], "table_column"),
    ("哪个街道涉企用地任务最少", "“完成老工业区块改造涉企用地”最少的是梅山、郭巨（并列），各15亩[1][2]（在12个街道中比较，不含全区）。",
     ["a2.r9", "a2.r11"], "table_extreme"),
    ("哪几个街道绿色工厂任务超过15家", "“创建绿色工厂”超过15家的有3个街道：新碶30家[1]、小港30家[2]、大碶36家[3]。",
     ["a2.r2", "a2.r3", "a2.r4", "a2.r13"], "table_filter"),
    ("整治散乱污企业只有3家的街道都有哪些", "“整治散乱污企业”为3家的有4个街道：梅山3家[1]、白峰3家[2]、郭巨3家[3]、保税3家[4]。",
     ["a2.r9", "a2.r10", "a2.r11", "a2.r12"], "table_filter"),
    ("整治散乱污企业任务正好是9家的街道有哪几个",
     "“整治散乱污企业”为9家的有5个街道：柴桥9家[1]、霞浦9家[2]、戚家山9家[3]、春晓9家[4]、大榭9家[5]。",
     ["a2.r5", "a2.r6", "a2.r7", "a2.r8", "a2.r13"], "table_filter"),
    ("新碶、大碶、小港三个街道涉企用地一共多少，占全区百分之几",
     "新碶、大碶、小港的“完成老工业区块改造涉企用地”合计780亩（300+240+240）[1][2][3]，占全区1500亩[4]的52.00%。",
     ["a2.r2", "a2.r4", "a2.r3", "a2.r1"], "table_sum"),
    ("戚家山和春晓绿色工厂哪个多，多多少", "“创建绿色工厂”：戚家山12家，春晓12家，两者相同[1][2]。", ["a2.r7", "a2.r8"],
     "table_compare"),
    ("新碶已完成120亩涉企用地，完成率多少", "新碶“完成老工业区块改造涉企用地”目标300亩[1]，已完成120亩，完成率40.00%，尚差180亩。",
     ["a2.r2"], "table_progress"),
    ("附件2各街道的任务加起来和全区对得上吗",
     "核对的7列中，各行之和都等于全区[1][2][3][4][5][6][7][8][9][10][11][12][13]。",
     ["a2.r1"] + [f"a2.r{i}" for i in range(2, 14)], "table_totals"),
])
def test_answers_on_the_shipped_table(clauses, question, first_line, cited, tool) -> None:
    answer = _checked(table_answer(question, clauses))
    assert answer.answer.split("\n")[0] == first_line
    assert _ids(answer) == [DOC + c for c in cited]
    call = answer.tool_calls[0]
    assert call.name == tool and call.arguments["table"] == A2
    assert call.result["clause_id"] == DOC + cited[0]


def test_filter_says_why_a_row_at_the_threshold_is_left_out(clauses) -> None:
    answer = _checked(table_answer("哪几个街道创建绿色工厂的任务超过15家？", clauses))
    assert answer.answer.split("\n")[1] == "恰为15家的大榭[4]不算超过。"
    assert answer.answer.split("\n")[2] == f"依据（{ROW}）："
    assert answer.answer.split("\n")[3] == "- 新碶：创建绿色工厂（家）30[1]"
    assert answer.tool_calls[0].arguments == {"table": A2, "rows": [], "columns": ["创建绿色工厂（家）"],
                                              "comparator": ">", "threshold": "15"}
    assert answer.tool_calls[0].result["rows"] == ["新碶", "小港", "大碶"]


def test_sum_without_a_column_adds_every_column_that_adds_up(clauses) -> None:
    answer = _checked(table_answer("新碶、大碶、小港三个街道一共多少，占全区百分之几", clauses))
    lines = answer.answer.split("\n")
    assert len(lines) == 7  # the rate column is not summed
    assert lines[1] == ("新碶、大碶、小港的“完成老工业区块改造涉企用地”合计780亩（300+240+240）[1][2][3]，"
                        "占全区1500亩[4]的52.00%。")
    assert [s["share_percent"] for s in answer.tool_calls[0].result["sums"]] == [
        "33.33", "52.00", "48.00", "72.00", "52.00", "52.50", "53.33"]


def test_compare_without_a_column_compares_every_column(clauses) -> None:
    answer = _checked(table_answer("戚家山和春晓哪个多，多多少", clauses))
    lines = answer.answer.split("\n")
    assert len(lines) == 8
    assert lines[3] == ("“存量工业用地空间挖潜新增竣工建筑面积”：戚家山3万平方米，春晓1.8万平方米，"
                        "戚家山比春晓多1.2万平方米[1][2]。")


def test_whose_task_is_heavier_and_by_how_many_compares(clauses) -> None:
    answer = _checked(table_answer("大碶和小港谁的帮扶低效企业任务重？差几家？", clauses))
    assert answer.answer.split("\n")[0] == "“帮扶提升低效企业”：大碶60家，小港48家，大碶比小港多12家[1][2]。"


def test_superlative_with_share_of_the_total(clauses) -> None:
    answer = _checked(table_answer("创建绿色工厂任务最多的街道是哪个，占全区的百分之几？", clauses))
    assert answer.answer.split("\n")[:2] == [
        "“创建绿色工厂”最多的是大碶，为36家[1]（在12个街道中比较，不含全区）。", "占全区180家[2]的20.00%。"]


def test_follow_ups_take_the_row_or_column_of_the_earlier_question(clauses) -> None:
    answer = _checked(table_answer("那小港呢？", clauses, history=["新碶街道要完成多少亩老工业区块改造涉企用地？"]))
    assert answer.answer == "小港“完成老工业区块改造涉企用地”为240亩[1]。"
    answer = _checked(table_answer("已经完成45家了，进度是多少？", clauses, history=["大碶街道要帮扶提升多少家低效企业？"]))
    assert answer.answer == "大碶“帮扶提升低效企业”目标60家[1]，已完成45家，完成率75.00%，尚差15家。"


def test_a_column_named_inside_the_words_of_a_comparison_is_the_one_compared(clauses) -> None:
    answer = _checked(table_answer("大碶和新碶比，谁的绿色工厂任务多？多几家？", clauses))
    assert answer.answer.split("\n")[0] == "“创建绿色工厂”：大碶36家，新碶30家，大碶比新碶多6家[1][2]。"


def test_a_part_names_a_table_by_a_row_a_header_or_a_unit(clauses) -> None:
    from assistant.tables.reading import names_table

    tables = tables_of(clauses)
    for part in ("谁的绿色工厂任务多", "最少的是多少亩", "占全区几个点", "新增竣工建筑面积要搞多少"):
        assert names_table(part, tables), part
    assert not names_table("累计新增工业投资要超过多少", tables)


def test_a_filter_no_row_meets_is_said_without_a_citation(clauses) -> None:
    answer = table_answer("哪些街道改造涉企用地超过5000亩？", clauses)
    assert not answer.abstained and answer.citations == []
    assert answer.answer == "没有“完成老工业区块改造涉企用地”超过5000亩的街道（不含全区）。"


def test_which_ones_a_cell_counts_is_not_in_the_table(clauses) -> None:
    answer = table_answer("任务表里新碶要改造2个老旧工业区块，具体是哪两个区块、在什么位置？", clauses)
    assert answer.abstained and answer.citations == []
    assert "只列出改造提升老旧工业区块的数量" in answer.answer
    # The count itself, and which rows, are answered.
    assert not _checked(table_answer("新碶要改造几个老旧工业区块？", clauses)).abstained
    assert not _checked(table_answer("哪几个街道要改造2个老旧工业区块？", clauses)).abstained


def test_a_follow_up_filter_takes_the_earlier_column(clauses) -> None:
    earlier = ["各街道创建绿色工厂的任务是怎么分的？"]
    answer = _checked(table_answer("那里面任务是12家的有哪几个？", clauses, history=earlier))
    assert answer.answer.split("\n")[0].startswith("“创建绿色工厂”为12家的有5个街道：柴桥12家[1]")
    answer = _checked(table_answer("那超过20家的呢？", clauses, history=earlier))
    assert answer.answer.split("\n")[0] == "“创建绿色工厂”超过20家的有3个街道：新碶30家[1]、小港30家[2]、大碶36家[3]。"


def test_a_unit_that_does_not_match_the_column_is_reported(clauses) -> None:
    answer = _checked(table_answer("新碶绿色工厂已完成12亩，完成率多少", clauses))
    assert answer.tool_calls[0].error == ("问题中的完成量单位是“亩”，而“创建绿色工厂（家）”列的单位是“家”。"
                                          "请用“家”给出完成量再问。")
    assert answer.answer.startswith("无法计算[1]：问题中的完成量单位是“亩”")


@pytest.mark.parametrize("question", [
    "低效用地改造领导小组组长是谁？办公室放在哪个局，主任是谁",
    "宿舍型保障性租赁住房建设是哪个部门负责的",
    "街道的改造提升计划目标和项目清单最晚什么时候报？报给谁",
    "有的区块已经列进改造计划了，但因为特殊原因改不了，怎么处理",
    "推进中遇到特殊情况，一事一议由谁召集",
    "亩均论英雄评价和结果应用是哪个部门牵头",
    "我们公司在大碶，亩均评价被评成D类了，厂区30亩左右，老板想把老厂房全拆了重新建，这个方案对我们这种情况有啥政策？",
    "假设今年全区土地出让收入40个亿，按政策能提多少作为腾笼换鸟专项经费",
    "新碶街道2025年当年要完成多少亩的改造任务",
    "街道完成改造100亩，按每亩3万元奖励，能拿多少？",
    "改造提升有哪几种模式？",
    "容积率提升到2.0以上，能补多少",
    "兼并收购有什么补助？",
    "那股权收购呢？",
])
def test_questions_that_ask_no_table_figure_return_none(clauses, question: str) -> None:
    history = ["新碶的绿色工厂任务是多少"] if question.startswith("那") else None
    assert table_answer(question, clauses, history=history) is None


def test_no_tables_no_answer(clauses) -> None:
    without = {k: v for k, v in clauses.items() if v.kind != "row"}
    assert table_answer("新碶的绿色工厂任务是多少", without) is None


# -- answers on a document the code has never seen -----------------------------------

@pytest.mark.parametrize("question, answer_text, cited, tool", [
    ("西湖乡要新建几所学校", "西湖乡“新建中小学校”为5所[1]。", ["a1.r3"], "table_cell"),
    ("全县有多少所学校", "合计“新建中小学校”为20所[1]。", ["a1.r1"], "table_cell"),
    ("东山镇各项任务", "东山镇各列数值：新建中小学校8所；改造农村道路里程120公里；建成口袋公园15个；新增绿化面积5万平方米[1]。",
     ["a1.r2"], "table_row"),
    ("哪个镇口袋公园最多", "“建成口袋公园”最多的是东山镇、西湖乡（并列），各15个[1][2]（在4个镇中比较，不含合计）。",
     ["a1.r2", "a1.r3"], "table_extreme"),
    ("道路里程不少于60公里的是哪几个镇", "“改造农村道路里程”不少于60公里的有3个镇：东山镇120公里[1]、西湖乡90公里[2]、"
     "南岭镇60公里[3]。", ["a1.r2", "a1.r3", "a1.r4"], "table_filter"),
    ("东山和南岭一共要新增绿化多少万平方米，占合计的百分之几",
     "东山镇、南岭镇的“新增绿化面积”合计7万平方米（5+2）[1][2]，占合计12.5万平方米[3]的56.00%。",
     ["a1.r2", "a1.r4", "a1.r1"], "table_sum"),
    ("西湖乡和北坡乡哪个学校多，多几所", "“新建中小学校”：西湖乡5所，北坡乡3所，西湖乡比北坡乡多2所[1][2]。",
     ["a1.r3", "a1.r5"], "table_compare"),
    ("南岭镇已建成口袋公园3个，完成率多少", "南岭镇“建成口袋公园”目标6个[1]，已完成3个，完成率50.00%，尚差3个。",
     ["a1.r4"], "table_progress"),
    ("附件1各镇加起来和合计对得上吗", "4列中有1列各行之和与合计不一致[1][2][3][4][5]：", [f"a1.r{i}" for i in range(1, 6)],
     "table_totals"),
])
def test_answers_on_a_new_table_document(county, question, answer_text, cited, tool) -> None:
    answer = _checked(table_answer(question, county))
    assert answer.answer.split("\n")[0] == answer_text
    assert _ids(answer) == ["qs-plan:" + c for c in cited]
    assert answer.tool_calls[0].name == tool


def test_totals_check_lines_on_the_new_document(county) -> None:
    answer = _checked(table_answer("附件1各镇加起来和合计对得上吗", county))
    assert answer.answer.split("\n")[2] == "- “改造农村道路里程”：各行合计310公里，合计300公里，不一致，相差10公里"
    assert answer.tool_calls[0].result["mismatched_columns"] == 1


def test_reading_is_the_same_for_both_documents(clauses, county) -> None:
    a = read_table_question("哪个街道绿色工厂最少", tables_of(clauses))
    b = read_table_question("哪个镇口袋公园最少", tables_of(county))
    assert (a.operation, a.direction, [c.name for c in a.columns]) == ("extreme", "min", ["创建绿色工厂"])
    assert (b.operation, b.direction, [c.name for c in b.columns]) == ("extreme", "min", ["建成口袋公园"])


# -- through Assistant.ask on the built index -------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("question, first_line, cited, tool", [
    ("哪个街道的改造涉企用地任务最少？",
     "“完成老工业区块改造涉企用地”最少的是梅山、郭巨（并列），各15亩[1][2]（在12个街道中比较，不含全区）。",
     ["a2.r9", "a2.r11"], "table_extreme"),
    ("新碶、小港、大碶三个街道的容积率提升项目一共多少个？占全区的百分之几",
     "新碶、小港、大碶的“推进工业企业容积率提升项目”合计48个（18+12+18）[1][2][3]，占全区100个[4]的48.00%。",
     ["a2.r2", "a2.r3", "a2.r4", "a2.r1"], "table_sum"),
    ("大碶街道到现在帮扶提升低效企业完成了42家，完成率多少，还差几家",
     "大碶“帮扶提升低效企业”目标60家[1]，已完成42家，完成率70.00%，尚差18家。", ["a2.r4"], "table_progress"),
])
def test_ask_answers_table_questions(assistant, question, first_line, cited, tool) -> None:
    answer = assistant.ask(question)
    assert answer.abstained is False
    assert answer.question == question
    assert answer.answer.split("\n")[0] == first_line
    assert _ids(answer) == [DOC + c for c in cited]
    assert [c.name for c in answer.tool_calls] == [tool]
    assert dangling_markers(answer.answer, len(answer.citations)) == []


@pytest.mark.slow
def test_ask_leaves_other_questions_to_retrieval(assistant) -> None:
    answer = assistant.ask("宿舍型保障性租赁住房建设是哪个部门负责的")
    assert not any(c.name.startswith("table_") for c in answer.tool_calls)


def test_results_show_their_formulas(clauses) -> None:
    summed = table_answer("新碶、小港、大碶三个街道的容积率提升项目一共多少个？占全区的百分之几", clauses)
    assert summed.tool_calls[0].result["sums"][0]["formula"] == "18+12+18=48；48÷100×100%=48.00%"
    done = table_answer("大碶街道已经帮扶了45家低效企业，完成了任务的百分之多少？", clauses)
    assert done.tool_calls[0].name == "table_progress"
    assert done.tool_calls[0].result["formula"] == "45÷60×100%=75.00%"


@pytest.mark.parametrize("question", [
    "戚家山和春晓哪个多，多多少",
    "新碶、大碶、小港三个街道一共多少，占全区百分之几",
    "柴桥跟霞浦的存量工业用地空间挖潜新增竣工建筑面积各是多少，两个加起来呢",
    "新碶已完成120亩涉企用地，完成率多少",
    "附件2各街道的任务加起来和全区对得上吗",
    "哪个街道新增竣工建筑面积最少",
    "创建绿色工厂任务最多的街道是哪个，占全区的百分之几？",
    "大碶街道各项任务",
])
def test_the_finaliser_finds_every_figure_of_a_table_answer(clauses, question: str) -> None:
    from assistant.answer.finalise import finalise

    answer = table_answer(question, clauses)
    checked = finalise(answer, clauses)
    assert checked.notes == []
    assert checked.answer.answer == answer.answer


def test_which_of_two_rows_has_more_in_everyday_words():
    from assistant.tables.reading import _COMPARE

    for q in ("霞浦和戚家山比，谁的新增竣工建筑面积任务更多，多出多少？", "两个街道谁的任务更多？"):
        assert _COMPARE.search(q), q


def test_a_filter_over_all_rows_says_whether_the_row_named_is_among_them(clauses, county) -> None:
    answer = _checked(table_answer("我是霞浦街道的。帮扶提升低效企业任务超过20家的街道有哪些？我们霞浦在不在里面？", clauses))
    lines = answer.answer.split("\n")
    assert lines[0].startswith("“帮扶提升低效企业”超过20家的有7个街道：")
    assert lines[1] == "霞浦在其中。"
    answer = _checked(table_answer("建成口袋公园少于10个的镇乡有哪些？东山镇算不算？", county))
    lines = answer.answer.split("\n")
    assert lines[0] == "“建成口袋公园”少于10个的有2个镇：南岭镇6个[1]、北坡乡5个[2]。"
    assert lines[1] == "东山镇不在其中（为15个[3]）。"


def test_what_has_actually_been_done_is_not_read_from_a_table_of_tasks(clauses, county) -> None:
    answer = table_answer("东山镇到现在实际已经建了多少所学校？", county)
    assert answer is not None and answer.abstained and answer.citations == []
    assert answer.answer == "附件1 各镇（乡）公共设施建设任务表只列出任务目标，没有实际完成情况"
    # The task itself, and progress on a figure the asker gives, are still answered.
    assert not _checked(table_answer("东山镇要新建多少所中小学校？", county)).abstained
    assert "完成率" in _checked(table_answer("东山镇已经建了4所学校，完成进度是多少？", county)).answer


@pytest.mark.parametrize("said", ["加一块", "加一起", "加到一起"])
def test_a_sum_asked_in_everyday_words_adds_the_rows(clauses, said) -> None:
    answer = _checked(table_answer(f"新碶、小港、大碶三个街道的绿色工厂任务{said}是多少家？", clauses))
    assert "合计96家" in answer.answer


def test_a_superlative_asked_of_one_named_row_compares_all_rows_and_says_whether_it_is_one(clauses) -> None:
    answer = _checked(table_answer("我们梅山街道完成老工业区块改造涉企用地的任务是不是全区最少的？有没有并列的？", clauses))
    lines = answer.answer.splitlines()
    assert lines[0].startswith("“完成老工业区块改造涉企用地”最少的是梅山、郭巨（并列），各15亩")
    assert lines[1] == "梅山是其中之一。"
    other = _checked(table_answer("柴桥的绿色工厂任务是不是全区最多的？", clauses))
    assert "最多的是大碶，为36家" in other.answer
    assert "柴桥不是（为12家" in other.answer
    assert [c.id.split(":")[1] for c in other.citations] == ["a2.r4", "a2.r5"]
