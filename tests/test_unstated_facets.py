"""What a question asks that the texts found do not give, told apart from what they do give.

- A figure asked per a unit (每度电多少钱, 多少钱一亩) is given only by a figure per that unit.
- How to obtain something (怎么申请, 要带哪些材料, 去哪里办) is given only when the lead's clause
  says it.
- A sentence stating a figure leads over one about what is asked only on a near tie: a time
  limit of another procedure (评估时限…30个工作日) neither leads nor is added for 企业开办时限.
- A multi-part question whose every part is left open is declined as a whole.
- A district's own measure written bare (某某区…管理办法) that no text holds or cites is a
  document not held; a place is read from China's table of divisions (慈溪, 嘉定), and a
  district of a city whose own regulation is held (上海嘉定) is not another place.

The composer gets real parsed clauses (the shipped plan and the regulations of evals/documents).
"""

from __future__ import annotations

from assistant.answer.arith import arith_answer
from assistant.answer.extractive import _facet_missing, compose_parts
from assistant.answer.normalize import normalize_question
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import divisions, read_question
from tests.conftest import compose_from

PLAN = "lzb-2024-22:"
BIZ = "business-environment-2019:"
INV = "investment-project-approval-2016:"
PROMO = "sme-promotion-law-2017:"


# --- a figure per a unit ----------------------------------------------------------

def test_a_figure_per_unit_is_not_given_by_a_rate_of_something_else(laws_and_vocab):
    a = compose_from(laws_and_vocab, "差别化电费每度电要加多少钱？", (PLAN + "s6.8", 0.033))
    assert a.abstained
    assert "未规定具体数额或标准" in a.answer and "0.5%" in a.answer  # it says what the text does say
    assert a.citations == []


def test_a_figure_per_unit_the_text_states_is_answered(laws_and_vocab):
    a = compose_from(laws_and_vocab, "街道改造成效突出的，每亩奖励多少？", (PLAN + "s6.11", 0.033))
    assert not a.abstained
    assert "每亩" in a.answer and "万元" in a.answer


def test_the_unit_asked_is_read_in_both_orders():
    said = ["对工作成效突出的街道，按每亩1—5万元给予奖励。"]
    assert _facet_missing("多少钱一亩", "", said) is None
    assert _facet_missing("每亩给多少", "", said) is None
    assert _facet_missing("每平方米补多少", "", said) == "具体数额或标准"
    assert _facet_missing("每千瓦时加价多少", "", ["按0.3元/千瓦时加价。"]) is None
    assert _facet_missing("每度电加多少钱", "", ["按0.3元/千瓦时加价。"]) is None


def test_a_price_per_unit_asked_is_no_quantity_to_compute_with(laws_and_vocab):
    clauses, _ = laws_and_vocab
    # 一亩 after 多少钱 is what the price is per, not land the asker has: no rule of the clause
    # found (…土地出让收入的0.5%) is computed or asked back for.
    q = normalize_question("宁波市工业用地的出让价格是多少钱一亩？", 2000)
    assert arith_answer(q, [clauses[PLAN + "s6.8"]], clauses) is None


# --- how to obtain something ------------------------------------------------------

def test_how_to_apply_is_not_given_by_a_clause_that_only_names_the_thing(laws_and_vocab):
    a = compose_from(laws_and_vocab, "保障性租赁住房怎么申请？", (PLAN + "a1.d13", 0.033))
    assert a.abstained
    assert "未规定申请程序" in a.answer and "区住建局" in a.answer


def test_the_materials_asked_are_not_given_by_a_clause_that_sets_up_the_duty(laws_and_vocab):
    a = compose_from(laws_and_vocab, "工业厂房租赁备案登记要带哪些材料？", (PLAN + "s6.2", 0.033))
    assert a.abstained
    assert "所需材料" in a.answer


def test_how_to_apply_is_answered_when_the_lead_says_it(laws_and_vocab):
    a = compose_from(laws_and_vocab, "项目核准后两年没开工，要延期的话怎么申请？", (INV + "art12", 0.033))
    assert not a.abstained
    assert "申请延期开工建设" in a.answer


def test_the_procedure_is_judged_by_the_lead_not_by_any_clause_cited():
    # A later clause that happens to say 提交 does not tell how to apply for what the lead names.
    lead = "区住建局负责宿舍型保障性租赁住房建设。"
    other = "经备案认可且提交区政府常务会议审定后给予补助。"
    assert _facet_missing("怎么申请", "", [lead, other]) == "申请程序"
    assert _facet_missing("怎么申请", "", [other, lead]) is None
    assert _facet_missing("去哪里办", "", ["项目核准、备案通过在线平台办理。"]) is None
    assert _facet_missing("去哪里办", "", [lead]) == "办理地点"


# --- a figure of another thing ----------------------------------------------------

def test_a_time_limit_of_another_procedure_neither_leads_nor_is_added(laws_and_vocab):
    # Retrieval ranks the clause about 企业开办时限 first; a close one states 30个工作日 for 评估.
    a = compose_from(laws_and_vocab, "国家规定的企业开办时限是几个工作日？",
                     (BIZ + "art19.k3", 0.0328), (INV + "art9.k3", 0.0295), structure=True)
    assert a.abstained
    assert "企业开办时限" in a.answer and "30个工作日" not in a.answer


def test_a_figure_still_leads_on_a_near_tie(laws_and_vocab):
    a = compose_from(laws_and_vocab, "核准机关多长时间内要作出核准决定？",
                     (INV + "art10", 0.033), (INV + "art9", 0.032))
    assert not a.abstained
    assert "20个工作日" in a.answer.split("\n")[0]


def test_a_fine_asked_leads_with_the_penalty_article(laws_and_vocab):
    # 罚款比例最高 asks a fine: the articles that impose one lead, not one that shares more words.
    a = compose_from(laws_and_vocab, "企业哪种违法行为对企业的罚款比例最高？",
                     (INV + "art17.k2", 0.033), (INV + "art20", 0.032))
    assert "5‰以上10‰以下" in a.answer.split("\n")[0]


# --- a multi-part question left open in every part --------------------------------

def _parts(laws_and_vocab, question: str, *per_part: list[tuple[str, float]]):
    clauses, vocab = laws_and_vocab
    q = normalize_question(question, 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == len(per_part)
    hits = [[Hit(clause=clauses[cid], score=sc) for cid, sc in part] for part in per_part]
    return compose_parts(q, reading, hits, vocab=vocab, clauses=clauses)


def test_a_multi_part_question_open_in_every_part_is_declined(laws_and_vocab):
    a = _parts(laws_and_vocab, "国家中小企业发展基金怎么申请？每亩能补多少钱？",
               [(PROMO + "art10.k1", 0.033), (PROMO + "art10.k3", 0.03)],
               [(PROMO + "art10.k1", 0.033)])
    assert a.abstained and a.citations == []
    assert "申请程序" in a.answer and "具体数额或标准" in a.answer
    assert "[" not in a.answer  # no marker points at a citation the decline does not carry


def test_a_multi_part_question_answered_in_one_part_is_answered(laws_and_vocab):
    a = _parts(laws_and_vocab, "国家中小企业发展基金怎么申请？它主要用于什么？",
               [(PROMO + "art10.k1", 0.033)], [(PROMO + "art10.k1", 0.033)])
    assert not a.abstained
    assert "所引条文未规定申请程序" in a.answer
    assert "初创期" in a.answer


def test_a_part_answered_only_by_pointing_at_a_part_left_open_is_left_open(laws_and_vocab):
    a = _parts(laws_and_vocab, "“白名单”企业的入选条件是啥？营收要达到多少？",
               [(PLAN + "s6.6", 0.033)], [(PLAN + "s6.6", 0.033)])
    assert a.abstained and "见上" not in a.answer
    assert "认定标准" in a.answer and "具体数额或标准" in a.answer


def test_one_unit_of_a_thing_asked_is_a_figure_per_unit(laws_and_vocab):
    a = compose_from(laws_and_vocab, "差别化电费到底一度电多收多少钱？", (PLAN + "s6.8", 0.033))
    assert a.abstained and "未规定具体数额或标准" in a.answer
    assert _facet_missing("一度电多收多少钱", "", ["按0.3元/千瓦时加价。"]) is None


def test_what_it_takes_to_get_on_a_list_is_its_criteria(laws_and_vocab):
    a = compose_from(laws_and_vocab, "企业怎么才能进“白名单”？", (PLAN + "s6.6", 0.033))
    assert a.abstained and "认定标准" in a.answer


def test_a_class_no_document_sets_up_is_a_subject_not_held(laws_and_vocab):
    from assistant.answer.extractive import class_labels, held_class

    clauses, _ = laws_and_vocab
    corpus = "".join(c.text for c in clauses.values())
    assert class_labels("那A类企业呢？丙级资质要什么？") == [("A类", "A类企业"), ("丙级", "丙级资质")]
    assert held_class("D类", corpus) and held_class("C类", corpus)  # written as C、D类
    assert not held_class("A类", corpus)
    # A later part about a class the texts never grade into is left open, like the parts before it.
    a = _parts(laws_and_vocab, "差别化电费具体怎么收？A类企业有没有优惠？",
               [(PLAN + "s6.8", 0.033)], [(PROMO + "art12", 0.03)])
    assert a.abstained and "现有文件没有关于“A类企业”的规定" in a.answer
    # A class the text sets up is a subject it holds.
    b = compose_from(laws_and_vocab, "C类企业会被怎么处理？", (PLAN + "s6.3", 0.033))
    assert "A类" not in b.answer and "没有关于“C类" not in b.answer


# --- documents and places not held ------------------------------------------------

def test_a_district_measure_written_bare_is_a_document_not_held(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("北仑区工业用地全生命周期管理办法里，转让工业用地要满足哪些条件？", vocab)
    assert r.unknown_documents == ["北仑区工业用地全生命周期管理办法"]


def test_a_district_measure_the_texts_cite_is_still_not_held(laws_and_vocab):
    _, vocab = laws_and_vocab
    # The plan cites 《北仑区（开发区）优化要素资源配置促进稳商扩资增效扶持办法（试行）》 without
    # holding it: asked of by a shortened name it is declined, as the title in 《》 is.
    r = read_question("北仑区优化要素资源配置扶持办法里股权收购补助多少？", vocab)
    assert r.unknown_documents == ["北仑区优化要素资源配置扶持办法"]
    # A district measure a held text names by that very name is no document missing.
    assert read_question("北仑区加快低效工业用地综合整治推动产业集聚提质提能攻坚行动方案里有哪些目标？",
                         vocab).unknown_documents == []


def test_a_county_no_text_names_is_another_place(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("我们是慈溪的企业，慈溪那边有没有容积率提升的奖励政策？", vocab)
    assert r.unknown_places == ["慈溪"]
    assert read_question("余姚市对低效工业用地有什么补助？", vocab).unknown_places == ["余姚市"]


def test_a_district_of_a_city_whose_regulation_is_held_is_no_other_place(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("我们在上海嘉定有个厂房，没拿规划许可证就建了，罚款多少？", vocab)
    assert r.unknown_places == []


def test_everyday_words_that_are_also_division_stems_are_no_places():
    names = divisions()
    assert {"慈溪", "嘉定", "余姚市", "北仑区"} <= names
    assert not {"合作", "资源", "港口", "公安"} & names


# --- a kind named by a compound ---------------------------------------------------

def test_compounds_ending_in_a_kinds_head_are_read_whole():
    from assistant.understand.lexicon import default_lexicon

    kinds = default_lexicon().named_kinds
    assert kinds("要交多少土地增值税和契税？") == ["土地增值税", "契税"]
    assert kinds("城镇土地使用税对工业用地有没有减免？") == ["城镇土地使用税"]
    assert kinds("员工的工伤保险谁交？") == ["工伤保险"]
    assert kinds("纳税人的税率是多少？") == []  # 税 inside a word heads no compound


def test_a_tax_no_document_holds_is_declined_though_its_head_is_held(laws_and_vocab):
    # 增值税 is held (中小企业促进法 第十一条) and so are 土地 and 转让: 土地增值税 is not.
    a = compose_from(laws_and_vocab, "工业用地转让要交多少土地增值税？",
                     (PLAN + "s2.3", 0.033), (PROMO + "art11", 0.03))
    assert a.abstained
    assert "土地增值税" in a.answer


def test_a_tax_a_document_holds_is_answered(laws_and_vocab):
    a = compose_from(laws_and_vocab, "小型微型企业的企业所得税能减免吗？", (PROMO + "art11", 0.033))
    assert not a.abstained
    assert "企业所得税" in a.answer


# --- what a named thing takes in ------------------------------------------------------

def test_what_a_thing_the_texts_only_name_takes_in_is_declined(laws_and_vocab):
    from assistant.retrieve.stated import unheld_contents

    clauses, _ = laws_and_vocab
    corpus = "".join(c.text for c in clauses.values()).replace(" ", "")
    why = unheld_contents("工业控制线具体包括哪些区域和地块？", corpus)
    assert why is not None and "工业控制线" in why and "区域" in why
    # A list the text does give (…投标保证金、履约保证金、工程质量保证金…) is no such case.
    assert unheld_contents("工程建设中依法能收的保证金包括哪些？", corpus) is None


def test_a_reward_asked_is_not_given_by_a_target_figure():
    target = ["新增创建绿色工厂180家以上，规上工业企业亩均税收年均增长6%以上。"]
    assert _facet_missing("评上绿色工厂有多少奖励资金", "", target) == "具体数额或标准"
    granted = ["按不超过股权收购价格的10%给予补助。"]
    assert _facet_missing("股权收购补助资金有多少", "", granted) is None


def test_which_plots_asked_by_count_are_declined_when_no_text_gives_bounds(laws_and_vocab):
    from assistant.retrieve.stated import unheld_contents

    clauses, _ = laws_and_vocab
    corpus = "".join(c.text for c in clauses.values()).replace(" ", "")
    assert unheld_contents("那2个要改造的老旧工业区块具体是哪两块地？", corpus) is not None
