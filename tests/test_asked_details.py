"""What a question asks of a thing, told apart from what the texts found give of it.

- How a class or a list is decided (怎么评定, 准入条件是什么) is given only by a clause that sets
  criteria (是指, 符合下列条件, …由…制定), not by one that only names the class.
- What was actually done (实际完成了多少) is given only by a sentence that reports it; a plan's
  target is not it.
- A version a question names by a year no held text of that title has (1998年版…条例) is a
  document not held.
- How to obtain something (材料, 地点, 程序) is given only by a lead that speaks of the thing asked.
- A flag is read from what the asker says of itself, not from a class it asks about.
- A part's background picks, between two sentences of one clause that answer it alike, the one
  about the asker's case; a rate asked is quoted, not computed with the asker's figures.
- A follow-up that asks the earlier question of another row and adds a column gives both.

Real parsed clauses: the shipped plan, the regulations of evals/documents, and a county plan
written here with a table (tests/test_tables.py's document).
"""

from __future__ import annotations

import pytest

from assistant.answer.arith import arith_answer
from assistant.answer.extractive import _facet_missing, compose_parts
from assistant.answer.normalize import normalize_question
from assistant.answer.shapes import ASKS_TIME_LIMIT
from assistant.eligibility.chat import profile_from_question
from assistant.retrieve.hybrid import Hit
from assistant.tables.answer import table_answer
from assistant.understand.reading import read_question
from tests.conftest import compose_from
from tests.test_tables import county  # noqa: F401  (the county plan with a table, a fixture)
from tests.test_unstated_facets import INV, PLAN, PROMO



# --- criteria ---------------------------------------------------------------------

def test_criteria_are_not_given_by_a_clause_that_only_names_the_class(laws_and_vocab):
    a = compose_from(laws_and_vocab, "D类企业是按什么标准评定的？", (PLAN + "s6.3", 0.033))
    assert a.abstained and a.citations == []
    assert "未规定认定标准" in a.answer and "只写道" in a.answer  # it says what the text does say
    # A class the text never names at all (it grades into C、D类 only) is a subject it does not hold.
    b = compose_from(laws_and_vocab, "A类企业是按什么标准评定的？", (PLAN + "s6.3", 0.033))
    assert b.abstained and "现有文件没有关于“A类企业”的规定" in b.answer


def test_criteria_set_by_another_body_are_an_answer(laws_and_vocab):
    a = compose_from(laws_and_vocab, "小型企业和微型企业怎么划分？", (PROMO + "art2.k2", 0.033))
    assert not a.abstained
    assert "划分标准由国务院" in a.answer


def test_what_sets_criteria():
    assert _facet_missing("准入条件是什么", "", ["符合下列条件的企业，方可入园：（一）…"]) is None
    assert _facet_missing("怎么认定", "", ["亩均税收低于一万元的，列为D类企业。"]) is None
    assert _facet_missing("怎么认定", "", ["倒逼低效企业进行改造提升。"]) == "认定标准"


# --- what was actually done -------------------------------------------------------

def test_a_target_does_not_say_what_was_done(laws_and_vocab):
    a = compose_from(laws_and_vocab, "老旧工业区块改造提升现在已经完成了几个？", (PLAN + "s3", 0.033))
    assert a.abstained
    assert "实际完成情况" in a.answer and "不少于5个" in a.answer


def test_a_report_of_what_was_done_answers():
    assert _facet_missing("实际完成了多少亩", "", ["截至2023年底，已完成改造120亩。"]) is None
    assert _facet_missing("什么时候完成", "", ["到2026年底前完成。"]) is None  # a deadline, not an actual


# --- versions not held ------------------------------------------------------------

def test_a_version_year_no_held_text_has_is_not_held(laws_and_vocab):
    _, vocab = laws_and_vocab
    assert read_question("1998年版的优化营商环境条例对政务服务怎么规定？", vocab).unknown_documents == [
        "1998年版《优化营商环境条例》"]
    assert read_question("2002年那版的中小企业促进法有没有讲融资？", vocab).unknown_documents == [
        "2002年版《中华人民共和国中小企业促进法》"]


def test_a_held_version_year_is_held(laws_and_vocab):
    _, vocab = laws_and_vocab
    for q in ("2019年版优化营商环境条例对政务服务怎么规定？", "2017年修订的中小企业促进法对融资怎么规定？",
              "2020年那版保障中小企业款项支付条例规定多少天付款？"):
        assert read_question(q, vocab).unknown_documents == [], q


# --- how to obtain what is asked --------------------------------------------------

def test_materials_of_another_procedure_are_not_the_ones_asked(laws_and_vocab):
    a = compose_from(laws_and_vocab, "申请破产重整需要提交什么材料？", (INV + "art6.k1", 0.033))
    assert a.abstained
    assert "所需材料" in a.answer


def test_materials_of_the_procedure_asked_are_answered(laws_and_vocab):
    a = compose_from(laws_and_vocab, "项目核准要提交哪些材料？", (INV + "art6.k1", 0.033))
    assert not a.abstained


def test_the_court_or_office_asked_is_a_place():
    said = ["政府有关部门应当优化市场主体注销办理流程。在债权债务依法解决后及时办理注销。"]
    assert _facet_missing("该去哪个法院起诉", "", said) == "办理地点"
    assert _facet_missing("环评审批找哪个部门", "", said) is None  # who, not where
    assert _facet_missing("备案流程要怎么走", "", ["项目备案通过在线平台办理。"]) is None


def test_a_number_of_working_days_asked_is_a_time_limit():
    for q in ("备案要几个工作日？", "审查要多少个工作日", "公示几个月"):
        assert ASKS_TIME_LIMIT.search(q), q


def test_a_penalty_asked_takes_the_paragraphs_that_sanction_the_same_party(laws_and_vocab):
    sh = "shanghai-urban-rural-planning-2018:"
    a = compose_from(laws_and_vocab, "我们是设计单位，没按规划条件做设计造成了违法建设，规划部门会怎么处罚我们？",
                     (sh + "art57.k1", 0.033), (sh + "art57.k2", 0.032), structure=True)
    ids = [c.id for c in a.citations]
    assert ids[0] == sh + "art57.k1"
    assert sh + "art57.k3" in ids and "信用档案" in a.answer  # it names 设计单位 too
    assert sh + "art57.k2" not in ids  # 施工单位: another party


# --- flags said of the asker ------------------------------------------------------

@pytest.mark.parametrize("question", ["听说有个名单，白名单企业是怎么评出来的？", "我们厂想申请进白名单，要什么条件？"])
def test_a_class_asked_about_is_not_said_of_the_asker(question):
    p = profile_from_question(question)
    assert p is None or p.white_list is None


def test_a_class_the_asker_says_it_is_in_is_read():
    assert profile_from_question("我们白名单企业收购旁边的厂房，有补助吗？").white_list is True
    assert profile_from_question("我们不是白名单企业，收购厂房有补助吗？").white_list is False


# --- the part's background, a rate asked ------------------------------------------

def test_the_background_picks_between_sentences_that_answer_alike(laws_and_vocab):
    clauses, vocab = laws_and_vocab
    q = normalize_question("公司打算通过股权收购并购同行，补助比例最高多少？要经过哪些审批？", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2 and reading.background
    hits = [[Hit(clause=clauses[PLAN + "s6.6"], score=0.033)]] * 2
    a = compose_parts(q, reading, hits, vocab=vocab, clauses=clauses)
    assert "10%" in a.answer.split("\n")[0]


def test_a_rate_asked_is_quoted_not_computed(laws_and_vocab):
    clauses, _ = laws_and_vocab
    rule = [clauses[PLAN + "s6.5"]]
    assert arith_answer(normalize_question("厂区总用地60亩，配套设施建筑面积占比上限是多少？", 2000), rule, clauses) is None
    computed = arith_answer(normalize_question("厂区总用地60亩，配套设施用地最多可以占多少亩？", 2000), rule, clauses)
    assert computed is not None and "9亩" in computed.answer


# --- a follow-up that adds a column -----------------------------------------------

def test_a_follow_up_asks_the_earlier_column_of_its_row_and_one_more(county):
    a = table_answer("那西湖乡呢？口袋公园又要建几个？", county, history=["东山镇要改造多少公里农村道路？"])
    assert a is not None and not a.abstained
    assert "90公里" in a.answer and "15个" in a.answer
    single = table_answer("西湖乡口袋公园要建几个？", county)
    assert single is not None and "90公里" not in single.answer


def test_a_version_year_belongs_to_the_title_written_beside_it(laws_and_vocab):
    _, vocab = laws_and_vocab
    assert read_question("优化营商环境条例和中小企业促进法（2017年修订）各自什么时候施行？", vocab).unknown_documents == []
    assert read_question("中小企业促进法和1998年版的优化营商环境条例有什么不同？", vocab).unknown_documents == [
        "1998年版《优化营商环境条例》"]


def test_how_a_charge_is_levied_is_not_given_by_a_clause_that_spends_it(laws_and_vocab):
    a = compose_from(laws_and_vocab, "差别化电费具体怎么收取？", (PLAN + "s6.8", 0.033))
    assert a.abstained and "收取办法" in a.answer
    assert _facet_missing("怎么收费", "", ["按照建筑面积每平方米10元收取。"]) is None


# --- a time limit asked ------------------------------------------------------------

def test_a_close_clause_that_states_the_time_limit_asked_leads(laws_and_vocab):
    pay = "sme-payment-2025:"
    # The top clause sets up where complaints go and states no limit; the next states one.
    a = compose_from(laws_and_vocab, "大企业拖欠货款我们去投诉了，多久能拿到处理结果？",
                     (pay + "art24.k1", 0.033), (pay + "art25.k2", 0.031))
    assert not a.abstained
    assert a.citations[0].id == pay + "art25.k2" and "30日内" in a.answer.split("\n")[0]


def test_a_part_asking_only_how_long_at_most_reads_the_clause_before(laws_and_vocab):
    clauses, vocab = laws_and_vocab
    pay = "sme-payment-2025:"
    q = normalize_question("投诉以后多久能有处理结果？最长要等多久？", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2
    hits = [[Hit(clause=clauses[pay + "art25.k2"], score=0.033)], [Hit(clause=clauses[pay + "art21"], score=0.033)]]
    a = compose_parts(q, reading, hits, vocab=vocab, clauses=clauses)
    assert "90日" in a.answer.split("（2）", 1)[1].split("\n")[0]


# --- one question asked of several things ------------------------------------------

def test_a_question_asked_of_each_of_two_things_is_two_parts(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("企业投资项目核准和备案管理条例和优化营商环境条例分别是从什么时候开始施行的？", vocab)
    assert [p.text for p in r.parts] == ["企业投资项目核准和备案管理条例是从什么时候开始施行的",
                                         "优化营商环境条例是从什么时候开始施行的"]
    r = read_question("设计单位和施工单位造成违法建设的，各罚多少？", vocab)
    assert [p.text for p in r.parts] == ["设计单位造成违法建设的罚多少", "施工单位造成违法建设的罚多少"]


def test_rows_of_a_table_asked_together_stay_one_question(laws_and_vocab):
    _, vocab = laws_and_vocab
    key_a, key_b = sorted(vocab.row_keys)[:2]
    assert len(read_question(f"{key_a}和{key_b}分别要完成多少？", vocab).parts) == 1


def test_a_version_year_of_one_title_raises_no_period_note_for_another():
    from datetime import date

    from assistant.documents.validity import document_notes
    from assistant.models import DocumentMeta
    
    meta = DocumentMeta(id="biz", title="优化营商环境条例", files=["x.md"], valid_from=date(2020, 1, 1))
    assert document_notes(meta, date(2026, 1, 1), [meta], "优化营商环境条例和中小企业促进法（2017年修订）分别哪天施行？") == []
    assert document_notes(meta, date(2026, 1, 1), [meta], "2017年的营商环境怎么规定？")


# --- words of the asker's own ------------------------------------------------------

def test_two_rare_words_no_text_holds_decline_the_question(laws_and_vocab):
    a = compose_from(laws_and_vocab, "工业上楼的厂房，抗震烈度和喷淋系统有什么具体要求？", (PLAN + "s6.5", 0.033))
    assert a.abstained and a.citations == []
    assert "现有文件没有关于" in a.answer


def test_one_rare_word_beside_held_ones_does_not_decline(laws_and_vocab):
    a = compose_from(laws_and_vocab, "工业上楼的厂房容积率原则上不低于多少？抗震方面呢？", (PLAN + "s6.5", 0.033))
    assert not a.abstained and "2.0" in a.answer


def test_a_quoted_term_with_a_slip_is_the_term_the_texts_define(laws_and_vocab):
    from assistant.understand.spelling import find_slips

    _, vocab = laws_and_vocab
    assert find_slips("条例里说的“新世镇”是指什么？", vocab.text) == [("新世镇", "新市镇")]
    assert find_slips("划分标准谁定的？", vocab.text) == []  # 谁 asks; it is no slip of 确


def test_what_a_word_means_asked_colloquially_is_a_definition():
    from assistant.answer.shapes import ASKS_DEFINITION

    assert ASKS_DEFINITION.search("中小企业是啥意思？")
    assert ASKS_TIME_LIMIT.search("备案有没有有效期？") and ASKS_TIME_LIMIT.search("许可证有效期多久")


def test_a_flag_in_what_the_asker_wants_to_know_is_not_said_of_it():
    p = profile_from_question("我们是做设计的，想了解对工业上楼的厂房有没有层高要求？")
    assert p is None or p.plan_self_renovation is None
    assert profile_from_question("我们厂打算工业上楼，能拿什么补助？").plan_self_renovation is True


def test_the_holder_of_a_post_asked_is_the_sentence_that_names_them(laws_and_vocab):
    a = compose_from(laws_and_vocab, "领导小组办公室主任由谁担任？", (PLAN + "s8.1", 0.033), (PLAN + "a1.office", 0.03))
    assert a.answer.split("\n")[0].endswith("兼任办公室主任[1]。")
    assert a.citations[0].id == PLAN + "a1.office"


def test_a_row_at_a_value_with_a_long_unit_is_found(county):
    a = table_answer("新增绿化面积只有1万平方米的是哪个镇乡？", county)
    assert a is not None and "北坡乡" in a.answer and "东山镇" not in a.answer


def test_the_other_extreme_asked_after_a_superlative(county):
    a = table_answer("那最少的呢？", county, history=["哪个镇乡建的口袋公园最多？"])
    assert a is not None and "北坡乡" in a.answer and "5个" in a.answer


def test_a_follow_up_telling_a_case_of_its_own_asks_the_earlier_question_of_it(laws_and_vocab):
    from assistant.core import _own_follow_up

    _, vocab = laws_and_vocab
    earlier = "上海这边没通知规划部门复验就擅自开工，会罚多少？"
    assert _own_follow_up("那工程竣工以后迟迟不报送竣工资料呢？", earlier, vocab) == "工程竣工以后迟迟不报送竣工资料，会罚多少？"
    assert _own_follow_up("那大型企业呢？", "机关从中小企业采购，付款期限是多久？", vocab) is None  # borrows it whole


def test_a_time_limit_of_another_thing_does_not_answer(laws_and_vocab):
    sh = "shanghai-urban-rural-planning-2018:"
    a = compose_from(laws_and_vocab, "项目备案有没有有效期？", (sh + "art40.k2", 0.033))
    assert a.abstained and "具体期限" in a.answer
    b = compose_from(laws_and_vocab, "临时建设工程规划许可证的有效期多长？", (sh + "art40.k2", 0.033))
    assert not b.abstained and "两年" in b.answer


def test_two_questions_joined_by_a_list_comma_are_two_parts(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("核准机关多少天内作出决定、最多能延长多少天？", vocab)
    assert [p.text for p in r.parts] == ["核准机关多少天内作出决定", "最多能延长多少天"]
    assert len(read_question("土地、厂房出租要备案吗？", vocab).parts) == 1


def test_a_count_after_the_things_asked_of_is_not_one_of_them(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("核准和备案两种方式各适用于哪些项目？", vocab)
    assert [p.text for p in r.parts] == ["核准适用于哪些项目", "备案适用于哪些项目"]


def test_pointing_words_are_no_subject_the_texts_lack(laws_and_vocab):
    a = compose_from(laws_and_vocab, "我们改厂房要做环评，这事在区里归哪个单位管？", (PLAN + "a1.d11", 0.033))
    assert not a.abstained and "生态环境分局" in a.answer


def test_a_document_named_with_its_edition_is_held_only_when_a_held_title_is_it(laws_and_vocab):
    _, vocab = laws_and_vocab
    assert read_question("外商投资准入特别管理措施目录（2021年版）里禁止哪些行业？", vocab).unknown_documents == [
        "外商投资准入特别管理措施目录（2021年版）"]
    assert read_question("中小企业促进法（2017年修订）哪天施行？", vocab).unknown_documents == []


def test_a_law_cited_by_an_article_is_held_only_when_a_held_title_holds_its_name(laws_and_vocab):
    _, vocab = laws_and_vocab
    # 城乡规划法 is the national law: the held 上海市城乡规划条例 is another document.
    assert read_question("城乡规划法第六十四条规定的违法建设罚款比例是多少？", vocab).unknown_documents == ["城乡规划法"]
    assert read_question("根据政府采购法第十条，采购人要干什么？", vocab).unknown_documents == ["政府采购法"]
    for q in ("根据中小企业促进法第十条，怎么办？", "上海规划条例第五十条罚多少？", "按照新条例第九条要多少天付款？",
              "条例第十条怎么说？"):
        assert read_question(q, vocab).unknown_documents == [], q


def test_a_revision_after_the_newest_held_text_is_not_held(laws_and_vocab):
    _, vocab = laws_and_vocab
    assert read_question("上海城乡规划条例2018年以后还有没有再修改？", vocab).unknown_documents == [
        "2018年以后修订的《上海市城乡规划条例》"]
    # A revision the index holds (2025) after the year named, or the held revision itself, is held.
    for q in ("保障中小企业款项支付条例2020年以后修订了什么？", "中小企业促进法2017年修订后有什么变化？"):
        assert read_question(q, vocab).unknown_documents == [], q


def test_the_date_of_a_revision_is_its_own_fact(laws_and_vocab):
    from assistant.answer.document_facts import asked_facts

    _, vocab = laws_and_vocab
    assert asked_facts(read_question("现行的《中小企业促进法》是哪天修订通过的？", vocab)) == ["revised"]
    assert asked_facts(read_question("中小企业促进法是哪天通过的？", vocab)) == ["adopted"]
    assert asked_facts(read_question("这份文件到底是哪天发的？", vocab)) == ["signed"]


def test_a_date_word_written_with_a_slip_is_read_where_a_date_is_asked():
    from assistant.answer.document_facts import mend_fact_words

    assert mend_fact_words("这个文件是哪天印法的？") == "这个文件是哪天印发的？"
    assert mend_fact_words("落款日期和印法日期分别是哪天") == "落款日期和印发日期分别是哪天"
    # A word of its own (方法, 办法) or a slip where no date is asked is left alone.
    assert mend_fact_words("印发的方法是什么") == "印发的方法是什么"
    assert mend_fact_words("印法是什么") == "印法是什么"


def test_who_makes_a_measure_the_texts_speak_of_is_no_fact_of_a_held_document(laws_and_vocab):
    from assistant.answer.document_facts import asked_facts

    _, vocab = laws_and_vocab
    assert asked_facts(read_question("事业单位投资建设项目的管理办法由谁制定？", vocab)) == []
    assert asked_facts(read_question("这个方案是哪个单位印发的？", vocab)) == ["issuer"]


def test_a_kind_held_elsewhere_that_no_clause_found_speaks_of_declines(laws_and_vocab):
    a = compose_from(laws_and_vocab, "拿到兼并收购的补助以后，这笔钱要交企业所得税吗？", (PLAN + "s6.6", 0.033))
    assert a.abstained and "企业所得税" in a.answer and "相关的条文" in a.answer
    b = compose_from(laws_and_vocab, "小微企业的企业所得税有什么优惠？", (PROMO + "art11", 0.033))
    assert not b.abstained


def test_a_district_of_a_city_whose_law_is_held_points_at_that_law(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("浦东那块工业用地的控规容积率是多少？", vocab)
    assert r.doc_ids == ["shanghai-urban-rural-planning-2018"]


def test_a_rate_asked_in_english_is_a_rate():
    assert _facet_missing("What is the tax rate for small firms?", "", ["国家实行有利于小型微型企业发展的税收政策。"]) \
        == "具体数额或标准"


@pytest.mark.parametrize("question", ["哪几个镇乡要建成15个口袋公园？", "建成口袋公园任务是15个的镇（乡）都有哪些？",
                                      "要建成15个口袋公园的是哪几个镇乡？"])
def test_rows_at_a_value_named_without_only_are_found(county, question):
    a = table_answer(question, county)
    assert a is not None and "东山镇" in a.answer and "西湖乡" in a.answer
    assert "南岭镇" not in a.answer and "北坡乡" not in a.answer
