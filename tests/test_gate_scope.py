"""Scope and evidence with several documents indexed: the shipped plan and six regulations.

Explicit out-of-scope signals (a document not held, a place the texts never name, a year
outside every document in play) decline; questions that name a held document or its place
are answered from it; the shipped document is still answered with the others beside it.
"""


import pytest

from assistant.answer.cite import dangling_markers
from tests.conftest import CORPUS_PDF, ROOT

pytestmark = pytest.mark.slow

LAWS = sorted((ROOT / "evals" / "documents").glob("*-20*.md"))


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """An Assistant over the shipped PDF and the regulations of evals/documents."""
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    home = tmp_path_factory.mktemp("multi") / "home"
    settings = Settings.from_env(home=home)
    report = ingest([CORPUS_PDF, *LAWS], settings)
    assert len(report.added) == 1 + len(LAWS)
    return Assistant(settings, auto_ingest=False)


def lead(answer):
    return answer.answer.split("\n", 1)[0]


@pytest.mark.parametrize("question, named", [
    ("《中华人民共和国公司法》对股东出资有什么规定", "《中华人民共和国公司法》"),
    ("仑政办〔2023〕5号文件讲了什么", "仑政办〔2023〕5号"),
])
def test_a_document_not_held_is_declined_by_name(multi, question, named):
    a = multi.ask(question)
    assert a.abstained and a.citations == []
    assert f"现有文件中没有{named}" in a.answer
    assert "优化营商环境条例" in a.answer  # what the corpus does hold


def test_a_law_cited_by_its_article_that_no_held_title_is_is_declined(multi):
    a = multi.ask("城乡规划法第六十四条规定的违法建设罚款比例是多少？")
    assert a.abstained and "现有文件中没有城乡规划法" in a.answer


def test_a_later_part_is_answered_from_the_first_parts_document_when_it_speaks_of_it(multi):
    a = multi.ask("亩均贷、腾换贷这类贷款产品由哪个单位负责推进？银行在贷款期限上有什么倾斜？")
    assert [c.id for c in a.citations] == ["lzb-2024-22:a1.d15", "lzb-2024-22:s6.9"]
    assert "中长期贷款" in a.answer


def test_a_part_no_table_names_is_answered_from_the_text(multi):
    a = multi.ask("到2026年全区要新增创建多少家绿色工厂？累计新增工业投资要超过多少？")
    lines = a.answer.splitlines()
    assert lines[0].startswith("（1）") and "180" in lines[0]
    assert any(x.startswith("（2）") and "700亿" in x for x in lines)


def test_the_original_wording_of_a_rule_left_to_another_body_is_quoted(multi):
    # The criteria themselves are not in the law; its own words on them (由…制定，报国务院批准) are
    # what 原文怎么规定的 asks.
    a = multi.ask("中小企业促进法对中型小型微型企业划分标准的原文怎么规定的？")
    assert not a.abstained and "报国务院批准" in lead(a)
    b = multi.ask("中型小型微型企业的具体划分标准是多少人以下？")
    assert b.abstained


def test_a_place_the_texts_never_name_is_declined(multi):
    a = multi.ask("杭州市的城乡规划许可怎么办")
    assert a.abstained
    assert "现有文件未涉及“杭州市”" in a.answer


def test_a_year_outside_the_plan_period_is_declined(multi):
    a = multi.ask("2030年北仑区低效工业用地改造的目标是多少亩")
    assert a.abstained
    assert "仑政办〔2024〕22号适用于2024年至2026年，没有关于2030年的规定" in a.answer


def test_the_shipped_document_is_answered_with_others_indexed(multi):
    a = multi.ask("兼并收购有什么补助？")
    assert not a.abstained
    # The item on mergers, or the section 六 that holds it: the two rank within float noise of
    # each other when the embedding runs on several threads.
    assert a.citations[0].id in ("lzb-2024-22:s6.6", "lzb-2024-22:s6")
    assert lead(a).startswith("据仑政办〔2024〕22号六、政策举措")
    assert "30%" in lead(a)


def test_a_named_document_is_answered_from_it(multi):
    a = multi.ask("《中小企业促进法》里中小企业是怎么定义的")
    assert not a.abstained
    assert {c.id.split(":")[0] for c in a.citations} == {"sme-promotion-law-2017"}
    # The paragraph that holds the definition, not the whole article around it.
    assert a.citations[0].id == "sme-promotion-law-2017:art2.k1"
    assert "本法所称中小企业，是指" in lead(a)


def test_a_named_place_is_answered_from_its_document(multi):
    a = multi.ask("上海市城乡规划批准后多长时间内要向社会公布")
    assert not a.abstained
    assert a.citations[0].id.startswith("shanghai-urban-rural-planning-2018:art24")
    assert "二十日内" in lead(a)


def test_penalty_question_on_a_regulation_leads_with_the_fine(multi):
    a = multi.ask("以欺骗手段取得项目核准文件要罚多少钱")
    assert not a.abstained
    assert a.citations[0].id.startswith("investment-project-approval-2016:art18")
    assert "1‰以上5‰以下的罚款" in lead(a)
    assert dangling_markers(a.answer, len(a.citations)) == []


def test_a_row_named_only_in_the_askers_story_does_not_answer_what_no_document_holds(multi):
    # 大碶 is a row of the plan's task table; the question asks about a certification no text holds.
    a = multi.ask("我们是大碶的一家软件企业，想申请专精特新认定，研发投入占营业收入的比例要多少？")
    assert a.abstained and a.tool_calls == [] and a.citations == []


def test_a_situation_told_of_others_is_judged_by_all_its_words(multi):
    # Nobody tells about themselves here: 节假日/车间/值班 are what is asked about, and no text holds them.
    a = multi.ask("工人节假日来车间值班，工资按几倍算？")
    assert a.abstained
    # The asker's own story is still set aside when what is asked is held.
    a = multi.ask("我是残疾人，打算开个网店卖手工艺品，国家法律有什么扶持？")
    assert not a.abstained
    assert a.citations[0].id == "sme-promotion-law-2017:art25"


def test_a_row_named_in_the_askers_story_does_not_answer_a_question_asking_no_figure(multi):
    a = multi.ask("我们是霞浦的一家小企业，听说要搞老旧工业区改造。这个工作到底是区里牵头还是街道负责？具体怎么推进？")
    assert not a.abstained
    assert not any(c.id.startswith("lzb-2024-22:a2.") for c in a.citations)  # no task-table row
    # A figure asked of the asker's own row is still the row's.
    a = multi.ask("我们是霞浦的企业，我们街道帮扶提升低效企业的任务是多少家？")
    assert a.citations[0].id.startswith("lzb-2024-22:a2.")


def test_a_first_part_asking_a_figure_no_clause_gives_declines_the_question(multi):
    # The law names the deduction policy (国家完善…加计扣除政策) and sets no rate; the second part
    # would compute with that rate.
    a = multi.ask("我们公司去年研发花了300万，研发费用加计扣除能按多少比例？总共能扣多少？")
    assert a.abstained
    assert a.answer.startswith("现有文件没有给出所问的具体数额或标准：中华人民共和国中小企业促进法 第三十二条第三款只写道")


def test_a_held_title_written_with_a_slip_is_no_gap_in_the_question(multi):
    # 促近法 for 促进法; the title's words are held though no clause writes them.
    a = multi.ask("中小企业促近法里关于不能向中小企业摊派的原话是怎么写的？", llm=False)
    assert not a.abstained
    assert a.citations[0].id == "sme-promotion-law-2017:art54"


def test_a_short_follow_up_asks_of_the_document_the_turn_before_named(multi):
    a = multi.ask("能延期吗？能延多久？", history=["上海临时建设工程规划许可证有效期最长多久？"], llm=False)
    assert a.citations[0].id.startswith("shanghai-urban-rural-planning-2018:art40")
    assert "延期不超过一年" in a.answer


def test_a_stage_named_without_its_dates_is_answered_by_its_clause(multi):
    # A newcomer's story (调到街道…) names no place; “全面推进实施” is the title of a step without
    # its bracketed dates.
    a = multi.ask("我刚调到街道经发办，接手老旧工业区块改造这块。想确认一下，方案里“全面推进实施”这个阶段是从什么时候开始、"
                  "到什么时候结束？", llm=False)
    assert not a.abstained
    assert a.citations[0].id == "lzb-2024-22:s7.3"
    assert "2024年7月至2026年12月底前" in lead(a)


def test_a_filter_and_another_column_of_each_row_found(multi):
    a = multi.ask("哪些街道要改造提升2个老旧工业区块？它们各自要完成多少亩涉企用地改造？", llm=False)
    lines = a.answer.splitlines()
    assert lines[0].startswith("“改造提升老旧工业区块”为2个的有3个街道：")
    assert lines[1].startswith("其中各街道的“完成老工业区块改造涉企用地”：")
