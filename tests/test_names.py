"""Names as people type them: slips, short forms and rows a table lacks.

The shipped document (its annex of members and duties, its table of streets) and a small
county table written here go through the same code: the names come from the index.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DOC

from assistant.answer.cite import MARKER_RE, dangling_markers
from assistant.corpus import clause_map, load_manifest, parse_file
from assistant.models import Answer, DocumentMeta
from assistant.retrieve.hybrid import Hit
from assistant.tables.answer import table_answer
from assistant.tables.reading import read_table_question
from assistant.tables.table import tables_of
from assistant.understand.names import (correct, correction_note, find_names, index_names, name_forms,
                                        named_first, prefer_named)
from assistant.understand.vocabulary import build_vocabulary

COUNTY = """# 青山县城乡公共设施建设三年行动计划

为补齐公共设施短板，制定本计划。

## 一、工作目标

到2026年，全县新建学校、改造道路、建成公园，具体任务见附件1。

附件1

各镇（乡）公共设施建设任务表

| 镇乡 | 新建中小学校（所） | 改造农村道路里程（公里） | 建成口袋公园（个） |
| --- | --- | --- | --- |
| 合计 | 20 | 300 | 41 |
| 东山镇 | 8 | 120 | 15 |
| 西湖乡 | 5 | 90 | 15 |
| 南岭镇 | 4 | 60 | 6 |
| 北坡乡 | 3 | 40 | 5 |
"""


@pytest.fixture(scope="module")
def clauses():
    return clause_map()


@pytest.fixture(scope="module")
def vocab(clauses):
    metas = [m for m in load_manifest()]
    return build_vocabulary(list(clauses.values()), metas)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("names") / "plan.md"
    path.write_text(COUNTY, encoding="utf-8")
    meta = DocumentMeta(id="qs-plan", title="青山县城乡公共设施建设三年行动计划", files=["plan.md"])
    return {c.id: c for c in parse_file(path, meta)}


def _checked(answer: Answer | None) -> Answer:
    assert answer is not None and answer.abstained is False
    assert dangling_markers(answer.answer, len(answer.citations)) == []
    assert {int(m) for m in MARKER_RE.findall(answer.answer)} == set(range(1, len(answer.citations) + 1))
    return answer


# -- matching names ------------------------------------------------------------------

def test_name_forms() -> None:
    assert name_forms("区供电公司") == ["区供电公司", "供电公司"]
    assert name_forms("北仑区（开发区）税务局") == ["北仑区（开发区）税务局", "北仑区税务局", "税务局"]
    assert name_forms("新碶街道办事处") == ["新碶街道办事处", "新碶街道"]
    assert name_forms("区府办") == ["区府办"]  # 府办 alone names nothing


NAMES = ["东山镇", "西湖乡", "组长", "副组长", "区供电公司", "资规分局", "东山", "西湖"]
CORPUS = "组长副组长区供电公司资规分局东山镇西湖乡东山西湖"


@pytest.mark.parametrize("text, expected", [
    ("领导小组的付组长是哪几位", [("付组长", "副组长", "副组长", "slip")]),
    ("组长是谁", [("组长", "组长", "组长", "exact")]),
    ("供电公司要干啥", [("供电公司", "供电公司", "区供电公司", "short")]),
    ("区资规分局派谁", [("资规分局", "资规分局", "资规分局", "exact")]),
    ("东三、西湖一共多少", [("东三", "东山", "东山", "slip"), ("西湖", "西湖", "西湖", "exact")]),
    ("东三镇要建几所学校", [("东三镇", "东山镇", "东山镇", "slip")]),
    ("东三的学校有几所", [("东三", "东山", "东山", "slip")]),
    ("想问东三有什么", []),           # a two-character slip needs a name's context
    ("西山、东山一共多少", [("东山", "东山", "东山", "exact")]),  # 西山: as near 东山 as 西湖, ambiguous
    ("供水公司乱收报装费怎么管", []),  # 供水 is a word: the asker means the water company
    ("共电公司要干啥", [("共电公司", "供电公司", "区供电公司", "slip")]),
])
def test_find_names(text: str, expected: list[tuple[str, str, str, str]]) -> None:
    got = [(m.written, m.form, m.name, m.how) for m in find_names(text, NAMES, CORPUS)]
    assert got == expected


def test_a_word_the_corpus_holds_is_no_slip() -> None:
    assert find_names("东三镇要建几所学校", NAMES, CORPUS + "东三镇") == []


def test_correct_and_note() -> None:
    text = "领导小组的付组长和供电公司是谁"
    matches = find_names(text, NAMES, CORPUS)
    assert correct(text, matches) == "领导小组的副组长和供电公司是谁"
    assert correct(text, matches, full=True) == "领导小组的副组长和区供电公司是谁"
    assert correction_note(matches) == "（问题中的“付组长”按“副组长”理解。）"
    assert correction_note([("白锋", "白峰")]) == "（问题中的“白锋”按“白峰”理解。）"
    assert correction_note(find_names("组长是谁", NAMES, CORPUS)) == ""


# -- the index's names ---------------------------------------------------------------

def test_index_names_of_the_shipped_document(clauses) -> None:
    names = index_names(clauses.values())
    assert names["副组长"] == [DOC + "a1.deputy"]
    assert names["区供电公司"] == [DOC + "a1.m35", DOC + "a1.d18"]
    assert names["资规分局"] == [DOC + "a1.m5", DOC + "a1.d5"]
    assert names["白峰"] == [DOC + "a2.r10"]


def test_vocabulary_corrects_and_names_clauses(vocab) -> None:
    assert vocab.correct_names("领导小组的付组长是哪几位？")[0] == "领导小组的副组长是哪几位？"
    # A short form is written in full only when the question asks who or what of it.
    assert vocab.correct_names("区供电公司在这个低效用地整治里要干啥？")[0] == "区供电公司在这个低效用地整治里要干啥？"
    assert vocab.correct_names("供电公司要干啥？")[0] == "区供电公司要干啥？"
    assert vocab.correct_names("供电公司的电价")[0] == "供电公司的电价"
    assert vocab.named_clauses("资规分局派谁进领导小组？") == [DOC + "a1.m5", DOC + "a1.d5"]
    assert vocab.named_clauses("小港街道在领导小组里的成员是谁？") == [DOC + "a1.m19"]


def test_named_first_follows_what_is_asked(clauses) -> None:
    ids = [DOC + "a1.m5", DOC + "a1.d5"]
    kinds = {i: clauses[i].kind for i in ids}
    assert named_first("资规分局派谁进领导小组", ids, kinds) == [DOC + "a1.m5"]
    assert named_first("资规分局具体负责什么", ids, kinds) == [DOC + "a1.d5"]
    assert named_first("资规分局的地址", ids, kinds) == []


def test_prefer_named_moves_the_named_clause_first(clauses) -> None:
    hits = [Hit(clause=clauses[DOC + "a1.d5"], score=0.03), Hit(clause=clauses[DOC + "a1"], score=0.02)]
    out = prefer_named("区供电公司要干啥", hits, [DOC + "a1.m35", DOC + "a1.d18"], clauses)
    assert [h.clause.id for h in out] == [DOC + "a1.d18", DOC + "a1.d5"]
    assert out[0].score == 0.03
    assert prefer_named("区供电公司的电价", hits, [DOC + "a1.m35", DOC + "a1.d18"], clauses) == hits


# -- table rows ------------------------------------------------------------------------

def test_a_slipped_row_is_summed_and_the_answer_says_so(clauses) -> None:
    answer = _checked(table_answer("梅山、白锋、郭巨三个街道的改造涉企用地加起来多少亩，占全区的比例是多少？", clauses))
    [call] = answer.tool_calls
    [res] = call.result["sums"]
    assert res["rows"] == ["梅山", "白峰", "郭巨"]
    assert (res["sum"], res["share_percent"]) == ("60", "4.00")
    assert answer.answer.splitlines()[-1] == "（问题中的“白锋”按“白峰”理解。）"


def test_a_slipped_row_is_compared(clauses) -> None:
    answer = _checked(table_answer("新契街道整治散乱污企业任务比柴桥多几家？", clauses))
    [res] = answer.tool_calls[0].result["comparisons"]
    assert (res["first"], res["second"], res["difference"]) == ("新碶", "柴桥", "12")
    answer = _checked(table_answer("霞埔和柴桥的新增竣工建筑面积任务差多少？", clauses))
    [res] = answer.tool_calls[0].result["comparisons"]
    assert (res["first"], res["first_value"], res["difference"]) == ("霞浦", "4.2", "3.7")


def test_a_row_the_table_lacks_is_named_not_dropped(clauses) -> None:
    answer = _checked(table_answer("梅山、东城、郭巨三个街道的改造涉企用地加起来多少亩？", clauses))
    [call] = answer.tool_calls
    assert call.result is None and "没有“东城”这一行" in call.error
    first = answer.answer.splitlines()[0]
    assert first.startswith("仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表中没有“东城”这一行")
    assert "梅山“完成老工业区块改造涉企用地”为15亩[1]" in answer.answer
    assert [c.id for c in answer.citations] == [DOC + "a2.r9", DOC + "a2.r11"]


def test_rows_of_another_document(county) -> None:
    [table] = tables_of(county)
    reading = read_table_question("东三镇和西湖乡新建中小学校一共几所？", [table])
    assert reading is not None and reading.operation == "sum"
    assert [r.key for r in reading.rows] == ["东山镇", "西湖乡"]
    assert reading.corrections == [("东三镇", "东山镇")]
    reading = read_table_question("东山镇、南湖镇和北坡乡新建中小学校一共几所？", [table])
    assert reading is not None and reading.corrections == [("南湖镇", "南岭镇")] and reading.missing == []
    reading = read_table_question("东山镇、青石镇和北坡乡新建中小学校一共几所？", [table])
    assert reading is not None and reading.missing == ["青石"]
    answer = _checked(table_answer("东山镇、青石镇和北坡乡新建中小学校一共几所？", county))
    assert "没有“青石”这一行" in answer.answer and "表中的行有：合计、东山镇、西湖乡、南岭镇、北坡乡" in answer.answer


def test_exact_rows_read_as_before(clauses) -> None:
    reading = read_table_question("新碶、大碶、小港三个街道一共多少，占全区百分之几", tables_of(clauses))
    assert reading is not None and reading.corrections == [] and reading.missing == []
    assert [r.key for r in reading.rows] == ["新碶", "大碶", "小港", "全区"]


def test_a_role_asked_beside_something_else_is_left_to_retrieval(clauses) -> None:
    ids = [DOC + "a1.leader"]
    kinds = {i: clauses[i].kind for i in ids}
    assert named_first("领导小组组长是谁？", ids, kinds) == ids
    assert named_first("领导小组由谁任组长，办公室设在哪里？", ids, kinds) == []


@pytest.mark.parametrize("text", ["核准后多久必须申请延期？延期能延几次、最长多久？", "中型、小型、微型企业的划分标准由谁制定？",
                                  "全国市场准入负面清单里有哪些事项？", "以等待竣工验收为由拒付款项，新旧两版条例有什么不一样？",
                                  "地方政府能不能自己委托第三方做？"])  # 政府能: a modal verb, no slip of 政府办
def test_a_word_of_general_chinese_is_no_slip(vocab, text: str) -> None:
    assert vocab.correct_names(text)[0] == text


@pytest.mark.slow
def test_a_slipped_name_is_read_as_the_index_writes_it_and_the_answer_says_so(assistant):
    a = assistant.ask("领导小组的付组长是哪几位？")
    assert a.question == "领导小组的付组长是哪几位？"  # shown as asked
    assert [c.id for c in a.citations] == ["lzb-2024-22:a1.deputy"]
    assert a.answer.splitlines()[-1] == "（问题中的“付组长”按“副组长”理解。）"
    duty = assistant.ask("区供电公司在这个低效用地整治里要干啥？")
    assert duty.citations[0].id.startswith("lzb-2024-22:a1.d")
    assert "供电公司" in duty.answer.splitlines()[0]


def test_an_everyday_name_of_a_body_is_read_as_the_indexed_one(vocab) -> None:
    q, read = vocab.correct_names("工商局在这次低效用地整治里管什么？")
    assert q == "区市场监管局在这次低效用地整治里管什么？"
    assert ("工商局", "区市场监管局") in read
    # Mentioned in passing, not asked about: left as written.
    assert vocab.correct_names("企业开办要去工商局办手续吗？")[0] == "企业开办要去工商局办手续吗？"


def test_a_body_in_the_askers_story_is_left_as_written(vocab) -> None:
    q = "规划局让限期拆违，当事人就是不拆，最后谁来强拆？"
    assert vocab.correct_names(q)[0] == q


@pytest.mark.parametrize("text, person, duty", [
    ("供电公司在整治里要配合做哪些事？", False, True),
    ("区供电公司派谁参加领导小组？", True, False),
    # 归谁管 asks the authority over the unit's conduct, not the person it sends.
    ("供电公司乱收报装费，归谁管？", False, False),
    ("这事找谁？", False, False),
])
def test_asking_a_units_person_or_its_duty(text, person, duty):
    from assistant.understand.names import ASKS_DUTY, ASKS_PERSON

    assert bool(ASKS_PERSON.search(text)) is person
    assert bool(ASKS_DUTY.search(text)) is duty
