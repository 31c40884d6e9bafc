"""What a question asks, read from its words, and the sentence that answers it.

- 最短时间 / 最长时间 ask a time limit (公示时间不得少于三十日), not about 短时间.
- A version named with a qualifier (2002年最早那一版) is a version: when the index holds another
  revision only, the named text is not held.
- A bound of a measure asked by way of its rule (容积率上限是怎么规定的) needs a sentence stating a
  figure of that measure.
- Where money comes from (这笔钱从哪来) is answered by a sentence that says it (提取…作为专项经费).
- 而且 adds to the situation told; it does not start another one.
- The same target in the body and in the annex table's total row: each cites the other.
- Where an office sits (办公室设在区经信局) answers which unit (设在哪个部门).
- A rule read in a superseded version is set beside the same rule in the version in force.

Real parsed clauses: the shipped plan and the regulations of evals/documents.
"""

from __future__ import annotations

from assistant.answer.normalize import normalize_question
from assistant.understand.reading import ASK_PATTERNS, content_words, read_question
from tests.conftest import compose_from

SH = "shanghai-urban-rural-planning-2018:"
PLAN = "lzb-2024-22:"
PAY20 = "sme-payment-2020:"
PAY25 = "sme-payment-2025:"


def test_the_shortest_time_asks_a_time_limit(laws_and_vocab):
    assert ASK_PATTERNS["time_limit"].search("建设工程设计方案公示最短时间是多少")
    assert "短时间" not in content_words("建设工程设计方案公示最短时间是多少")
    a = compose_from(laws_and_vocab, "上海建设工程设计方案公示，最短时间是多少？", (SH + "art37.k1", 0.033))
    assert not a.abstained and "不得少于十日" in a.answer


def test_a_version_named_with_a_qualifier_is_a_version(laws_and_vocab):
    _, vocab = laws_and_vocab
    q = normalize_question("中小企业促进法2002年最早那一版里，政府采购给中小企业预留份额是多少？", 2000)
    r = read_question(q, vocab)
    assert r.version_years == [2002]
    assert r.unknown_documents  # the 2017 revision is held, the 2002 text is not
    # The held revision's own year is held.
    held = read_question(normalize_question("中小企业促进法2017年修订的那一版里，预留份额是多少？", 2000), vocab)
    assert held.unknown_documents == []


def test_a_bound_asked_by_way_of_its_rule_needs_a_figure_of_the_measure(laws_and_vocab):
    a = compose_from(laws_and_vocab, "上海对工业用地的容积率上限是怎么规定的？", (SH + "art37.k2", 0.033))
    assert a.abstained and "具体数额或标准" in a.answer


def test_where_money_comes_from_is_led_by_the_sentence_that_says_it(laws_and_vocab):
    a = compose_from(laws_and_vocab, "“腾笼换鸟”专项经费从哪来？", (PLAN + "a1.d3", 0.033), (PLAN + "s6.8", 0.032))
    assert a.citations[0].id == PLAN + "s6.8" and "0.5%" in a.answer.splitlines()[0]
    # Who carries it out is asked differently: the duty leads.
    b = compose_from(laws_and_vocab, "“腾笼换鸟”专项经费由哪个部门负责落实？", (PLAN + "a1.d3", 0.033), (PLAN + "s6.8", 0.032))
    assert b.citations[0].id == PLAN + "a1.d3"


def test_and_moreover_adds_to_the_situation_told(laws_and_vocab):
    _, vocab = laws_and_vocab
    q = normalize_question("我们是一家大型民营企业，因为拖欠供应商款项被认定为失信，而且情节比较严重。除了信用记录，我们还会在哪些方面被限制？", 2000)
    assert len(read_question(q, vocab).parts) == 1


def test_a_rule_read_in_a_superseded_version_is_set_beside_the_rule_in_force(parsed_laws_and_plan, laws_and_vocab):
    from datetime import date

    from assistant.answer.finalise import finalise

    clauses, metas = parsed_laws_and_plan
    a = compose_from(laws_and_vocab, "2020年版条例里，受理投诉部门转交投诉有时限吗？", (PAY20 + "art17.k2", 0.033))
    done = finalise(a, clauses, metas, date(2026, 1, 1)).answer
    ids = [c.id for c in done.citations]
    assert ids == [PAY20 + "art17.k2", PAY25 + "art25.k1"]  # 第十七条 of 2020 is 第二十五条 of 2025
    body = done.answer.split("\n\n依据：")[0].splitlines()
    assert body[-1].startswith("据现行《保障中小企业款项支付条例》（2025年版）第二十五条第一款") and body[-1].endswith("[2]。")
    assert f"\n[2] {clauses[PAY25 + 'art25.k1'].label}" in done.answer
    # Before the revision took effect, the 2020 text is the one in force: nothing is added.
    assert [c.id for c in finalise(a, clauses, metas, date(2025, 1, 1)).answer.citations] == [PAY20 + "art17.k2"]
    # Versions compared are answered each in its own part: nothing is added either.
    b = compose_from(laws_and_vocab, "受理投诉部门转交投诉的时限，2020年版和2025年版有什么不同？", (PAY20 + "art17.k2", 0.033))
    assert [c.id for c in finalise(b, clauses, metas, date(2026, 1, 1)).answer.citations] == [PAY20 + "art17.k2"]


def test_a_total_cell_is_cited_with_the_text_that_states_the_same_target(laws_and_vocab):
    from assistant.tables.answer import table_answer

    clauses, _ = laws_and_vocab
    a = table_answer("全区三年要推进多少个工业企业容积率提升项目？", clauses)
    assert [c.id for c in a.citations] == [PLAN + "a2.r1", PLAN + "s3"]
    assert "“推动工业企业容积率提升项目100个以上”[2]" in a.answer.replace(" ", "")
    # A street's cell is its own task: the text states no street's figure.
    b = table_answer("大碶要推进多少个工业企业容积率提升项目？", clauses)
    assert [c.id for c in b.citations] == [PLAN + "a2.r4"]


def test_a_target_of_the_text_is_cited_with_the_total_cell_that_states_it(laws_and_vocab):
    a = compose_from(laws_and_vocab, "规上工业企业亩均税收每年要增长多少？", (PLAN + "s3", 0.033), structure=True)
    assert [c.id for c in a.citations] == [PLAN + "s3", PLAN + "a2.r1"]
    assert "全区“规上工业企业年均亩均税增长率”为6%[2]" in a.answer


def test_where_an_office_sits_answers_which_unit(laws_and_vocab):
    a = compose_from(laws_and_vocab, "领导小组办公室设在哪个部门？", (PLAN + "a1.office", 0.033))
    assert "办公室设在区经信局" in a.answer.splitlines()[0]


def test_one_year_of_a_table_of_the_whole_period_is_not_given(laws_and_vocab):
    from assistant.tables.answer import asks_one_year

    clauses, _ = laws_and_vocab
    row = clauses[PLAN + "a2.r2"]
    assert asks_one_year("新碶街道2025年当年要完成多少亩老工业区块改造？", row.label, list(row.table.columns))
    assert not asks_one_year("到2026年新碶要完成多少亩老工业区块改造？", row.label, list(row.table.columns))
    # A table by year answers it.
    assert not asks_one_year("2025年度要完成多少亩？", "某表 2025年度任务", ["任务（亩）"])
    a = compose_from(laws_and_vocab, "新碶街道2025年当年要完成多少亩老工业区块改造？", (PLAN + "a2.r2", 0.033), structure=True)
    assert a.abstained and "没有分年度的数字" in a.answer


def test_a_definition_item_is_cited_as_the_item(laws_and_vocab):
    a = compose_from(laws_and_vocab, "上海城乡规划条例里说的“新市镇”指的是什么？", (SH + "art62.4", 0.033), structure=True)
    assert [c.id for c in a.citations] == [SH + "art62.4"] and "新市镇是指郊区除新城以外" in a.answer


def test_in_which_case_is_answered_where_it_follows_from_the_case(laws_and_vocab):
    _, vocab = laws_and_vocab
    q = normalize_question("企业投资项目什么情况下实行核准管理，什么情况下实行备案管理？", 2000)
    assert len(read_question(q, vocab).parts) == 2
    IPA = "investment-project-approval-2016:"
    a = compose_from(laws_and_vocab, "企业投资项目什么情况下实行核准管理？", (IPA + "art15", 0.033), (IPA + "art3.k1", 0.032))
    assert a.citations[0].id == IPA + "art3.k1" and "重大公共利益等项目，实行核准管理" in a.answer.splitlines()[0]


def test_a_list_head_is_said_whole_with_the_item_the_question_tells_of(laws_and_vocab):
    from assistant.answer import bearing
    from assistant.answer.extractive import _Composer
    from assistant.retrieve.hybrid import Hit

    clauses, vocab = laws_and_vocab
    art31 = clauses[PAY25 + "art31"]
    head = next(x for x in bearing.sentences(art31.text) if "有下列情形之一的" in x)
    comp = _Composer(None, vocab, clauses)
    _, shown = comp._with_list_head(Hit(clause=art31, score=0.03), head, {"事业单位", "验收", "设备", "情况"})
    assert shown.endswith("依法给予处分……（二）拖延检验、验收")
    # No item told of: the head whole, its second sentence (the sanction) included.
    _, bare = comp._with_list_head(Hit(clause=art31, score=0.03), head, {"事业单位"})
    assert bare.endswith("拒不改正的，对负有责任的领导人员和直接责任人员依法给予处分")


def test_a_list_of_items_is_given_whole_however_long_an_item_is(laws_and_vocab):
    a = compose_from(laws_and_vocab, "上海哪些建设项目的规划许可由市规划行政管理部门负责实施？", (SH + "art28", 0.033))
    lead = a.answer.split("\n")[0]
    for n in "一二三四五":
        assert f"（{n}）" in lead
    assert "黄浦江和苏州河两岸（中心城内区段）" in lead


def test_a_rate_asked_is_led_by_the_sentence_that_states_one(laws_and_vocab):
    a = compose_from(laws_and_vocab, "大企业拖欠中小企业货款，逾期利息按多少利率算？", (PAY25 + "art17", 0.033))
    assert "万分之五" in a.answer.split("\n")[0]


def test_another_case_told_at_length_is_a_part_of_its_own(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("国有大型企业拖欠中小企业款项造成不良影响的，有啥后果？要是没有法律依据硬要按审计结果结算呢？", vocab)
    assert [p.text for p in r.parts] == ["有啥后果", "要是没有法律依据硬要按审计结果结算呢"]
    assert r.parts[1].asks == r.parts[0].asks


def test_a_time_limit_is_led_by_the_sentence_about_the_body_asked_of(laws_and_vocab):
    # Both sentences of the article state a time limit and share as many words; the one whose
    # subject is the body asked about (处理投诉部门…30日内) leads, not the one that only names it.
    a = compose_from(laws_and_vocab, "向国家的拖欠投诉平台投诉以后，处理部门多少天内要给我们答复？",
                     (PAY25 + "art24.k2", 0.04), (PAY25 + "art25", 0.033))
    assert "30日内形成处理结果" in a.answer.split("\n")[0]


def test_the_meaning_of_a_defined_word_is_its_definition_item(laws_and_vocab):
    a = compose_from(laws_and_vocab, "上海市城乡规划条例里“新城”这个用语的含意是什么？", (SH + "art62", 0.033))
    assert "新城是指郊区一定区域范围内的重要集中城市化地区" in a.answer.split("\n")[0]


def test_a_count_of_things_is_no_subject_the_texts_lack(laws_and_vocab):
    a = compose_from(laws_and_vocab, "搞专项整治的时候，能不能让一整片的企业全部停产停业？",
                     ("business-environment-2019:art59.k2", 0.033))
    assert not a.abstained and "普遍停产、停业" in a.answer
