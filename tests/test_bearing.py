"""The articles that bear on the lead beyond the retrieved ones: the legal structure of the
lead's own document (a penalty that names the lead's article or lists its conduct, a
definition of the question's term, the rule a penalty item restates).

Each test hands ``bearing`` real parsed clauses, the clause mapping of every parsed document,
and hits that lack the article (retrieval ranked it below the top 5), then states exactly
which clause is added and how its sentence reads — or that nothing is.
"""

from __future__ import annotations

import pytest

from assistant.answer import bearing
from assistant.corpus import meta_for_file, parse_file
from assistant.answer.extractive import best_sentence
from assistant.answer.shapes import ASKS_LIABILITY, LIABILITY
from assistant.index.tokenize import words
from assistant.retrieve.hybrid import Hit

PAY25 = "sme-payment-2025:"
PAY20 = "sme-payment-2020:"
PLAN = "shanghai-urban-rural-planning-2018:"
ENV = "business-environment-2019:"


@pytest.fixture(scope="module")
def clauses(parsed_laws_and_plan):
    return parsed_laws_and_plan[0]


def add(clauses, question: str, lead_id: str, *hit_ids: str, cited: tuple[str, ...] = (),
        mapping: bool = True) -> list[tuple[str, str, str]]:
    """(id, why, sentence) of what bearing adds to a lead, with or without the clause mapping."""
    lead = clauses[lead_id]
    sent, score = best_sentence(lead, set(words(question)))
    hits = [Hit(clause=clauses[cid], score=0.03 - 0.0001 * i) for i, cid in enumerate((lead_id, *hit_ids))]
    adds = bearing.role_additions(question, question, hits, lead, sent, sent, score, {lead_id, *cited}, [sent],
                                  clauses=clauses if mapping else None)
    return [(a.hit.clause.id, a.why, a.sentence) for a in adds]


def test_the_penalty_list_that_names_the_leads_conduct_is_found_beyond_the_hits(clauses):
    q = "事业单位故意拖着不给我们验收，会被怎么处理？"
    assert add(clauses, q, PAY25 + "art10") == [(
        PAY25 + "art31", "penalty",
        "第三十一条 机关、事业单位违反本条例，有下列情形之一的，由其上级机关、主管部门责令改正；拒不改正的，对负有责任的领导人员和直接责任人员依法给予处分……（二）拖延检验、验收")]
    # Without the clause mapping only the hits are read: nothing bears among them.
    assert add(clauses, q, PAY25 + "art10", mapping=False) == []


def test_a_part_that_names_nothing_asks_about_the_lead_itself(clauses):
    # 会被怎么处理？ alone: the lead's own words (检验, 验收) say which item; two must meet.
    assert [a[0] for a in add(clauses, "会被怎么处理", PAY25 + "art10")] == [PAY25 + "art31"]


def test_the_penalty_that_names_the_leads_article_by_number_is_cited(clauses):
    added = add(clauses, "现场放样后要通知规划部门复验，没通知就开工会被怎么处理？", PLAN + "art42.k1")
    assert added == [(PLAN + "art59.k1", "penalty",
                      "第五十九条 违反本条例第四十二条第一款规定，未通知规划行政管理部门复验而擅自开工建设的，"
                      "由规划行政管理部门处二千元以下的罚款。")]


def test_a_liability_without_a_fine_answers_what_the_offender_must_bear(clauses):
    added = add(clauses, "政府部门违约毁约，要担什么责任？", ENV + "art31")
    assert added == [(ENV + "art69", "penalty",
                      "第六十九条 政府和有关部门及其工作人员有下列情形之一的，依法依规追究责任……"
                      "(七)不履行向市场主体依法作出的政策承诺以及依法订立的各类合同，或者违约拖欠市场主体的货物、工程、服务等账款")]


def test_the_head_of_a_list_whose_item_is_cited_states_the_liability_the_item_leaves_out(clauses):
    added = add(clauses, "违约的政府部门要担什么责任", ENV + "art31", cited=(ENV + "art69.7",))
    assert [a[:2] for a in added] == [(ENV + "art69", "penalty")]


def test_nothing_is_added_when_a_cited_clause_of_the_document_already_states_the_liability(clauses):
    assert add(clauses, "协会会被怎么处理", ENV + "art29.k1", cited=(ENV + "art71",)) == []
    # The same question without art71 cited finds it: 协会 is in it and in few other articles.
    assert [a[0] for a in add(clauses, "行业协会会被怎么处理", ENV + "art29.k1")] == [ENV + "art71"]


INV = "investment-project-approval-2016:"


def test_a_time_limit_about_what_is_asked_is_found_though_the_lead_states_another(clauses):
    # The lead sets 20 working days for the decision; the question asks how long the assessment
    # may take: the paragraph on 委托中介服务机构…评估 states it.
    q = "如果委托中介评估，评估最多多久？"
    assert add(clauses, q, INV + "art10.k1") == [(INV + "art9.k3", "time_limit", "除项目情况复杂的，评估时限不得超过30个工作日。")]
    # A time limit of another matter sharing one rare word is no answer (two must meet).
    assert add(clauses, "核准机关作决定的期限能延长多久？", INV + "art10.k1") == []


def test_a_document_without_penalty_articles_adds_nothing(clauses):
    assert add(clauses, "腾笼换鸟专项经费被挪用会被怎么处理？", "lzb-2024-22:s6.8") == []


def test_words_every_article_holds_do_not_make_an_article_bear(clauses):
    # 中小企业 and 款项 are in most articles of the regulation: no penalty item is about them alone.
    assert add(clauses, "中小企业款项会被怎么处理？", PAY25 + "art2") == []


def test_the_rule_a_penalty_item_restates_is_cited_when_the_question_asks_if_it_is_allowed(clauses):
    added = add(clauses, "行业协会强制我们参加评比还要收钱，这合法吗？", ENV + "art71")
    assert added == [(ENV + "art17.k2", "rule",
                      "除法律、法规另有规定外，任何单位和个人不得强制或者变相强制市场主体参加评比、达标、表彰、培训、考核、"
                      "考试以及类似活动，不得借前述活动向市场主体收费或者变相收费。")]
    # The item retrieval found says which conduct: the waiting-for-acceptance excuse.
    added = add(clauses, "以等待竣工验收为由拒付，旧版条例怎么规定的？", PAY20 + "art25.6")
    assert [a[:2] for a in added] == [(PAY20 + "art13", "rule")]


def test_no_rule_is_added_to_a_lead_that_is_itself_the_rule(clauses):
    assert add(clauses, "行业协会强制我们参加评比还要收钱，这合法吗？", ENV + "art17.k2") == []


def test_the_rule_a_penalty_names_by_number_is_cited(clauses):
    added = add(clauses, "没通知复验就开工，条例怎么规定的？", PLAN + "art59.k1")
    assert [a[:2] for a in added] == [(PLAN + "art42.k1", "rule")]


def test_a_definition_of_the_questions_term_is_found_in_the_leads_document(clauses):
    added = add(clauses, "中小企业怎么认定？", PAY25 + "art3.k2")
    assert [a[:2] for a in added] == [(PAY25 + "art3.k1", "definition")]
    assert "所称中小企业" in added[0][2]


@pytest.mark.parametrize("text, asks", [
    ("单位还会被怎么处理？", True),
    ("这种拖延验收会怎么处理？", True),
    ("违约的政府部门要担什么责任？", True),
    ("投诉之后多久能有处理结果？", False),
    ("收到的投诉由哪个部门处理？", False),
    ("街道在改造中负什么责任？", False),  # a duty, not a sanction
    ("他们违规了会怎样？", True),
    ("搞摊派的干部要担责吗？", True),
    ("那些部门的人会受什么处理？", True),
    ("部门会不会被追责？", True),
])
def test_asking_what_happens_to_an_offender(text, asks):
    assert bool(ASKS_LIABILITY.search(text)) is asks
    assert ("penalty" in bearing.asked_roles(text)) is asks


@pytest.mark.parametrize("sentence, liable", [
    ("由有关部门责令改正，依法追究法律责任", True),
    ("对负有责任的领导人员和直接责任人员依法给予处分", True),
    ("处二千元以下的罚款", True),
    ("应当履行向市场主体依法作出的政策承诺", False),
])
def test_liability_reads_a_fine_a_sanction_or_a_duty_to_answer(sentence, liable):
    assert bool(LIABILITY.search(sentence)) is liable


# A short regulation no code has seen: the mechanisms read its structure, not its words.
UNSEEN = """# 某市公共停车场管理条例

2026年1月1日 某市人民代表大会常务委员会公告第1号公布

<!-- INFO END -->

## 第一章 总 则

第一条 为了规范公共停车场管理，制定本条例。

第二条 本条例所称公共停车场，是指为社会公众提供机动车停放服务的场所。

## 第二章 经营管理

第三条 经营者应当在停车场入口处公示收费标准和监督电话。

第四条 经营者不得超过公示的标准收取停车费，不得拒绝出具收费票据。

第五条 经营者应当保持停车场照明和消防设施完好。

## 第三章 法律责任

第六条 违反本条例第三条规定，未公示收费标准的，由价格主管部门责令改正，处五百元以上二千元以下罚款。

第七条 经营者有下列情形之一的，由价格主管部门责令改正，处一千元以上五千元以下罚款：

（一）超过公示的标准收取停车费的；

（二）拒绝出具收费票据的。
"""


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    return _parsed(tmp_path_factory, "parking-2026.md", UNSEEN)


def _parsed(tmp_path_factory, name: str, text: str) -> dict:
    """A regulation written here, parsed as any Markdown file is."""
    path = tmp_path_factory.mktemp("written") / name
    path.write_text(text, encoding="utf-8")
    return {c.id: c for c in parse_file(path, meta_for_file(path, []))}


def _article(clauses, number: str) -> str:
    return next(c.id for c in clauses.values() if c.kind == "article" and c.number == number)


def test_an_unseen_regulation_the_penalty_naming_the_leads_article(unseen):
    added = add(unseen, "停车场入口没公示收费标准，会被怎么处理？", _article(unseen, "三"))
    assert [a[:2] for a in added] == [(_article(unseen, "六"), "penalty")]
    assert added[0][2].endswith("处五百元以上二千元以下罚款。")


def test_an_unseen_regulation_the_penalty_item_about_the_conduct(unseen):
    added = add(unseen, "停车场超标准收停车费，会被怎么处理？", _article(unseen, "四"))
    assert [a[:2] for a in added] == [(_article(unseen, "七"), "penalty")]
    assert added[0][2].endswith("……（一）超过公示的标准收取停车费的")
    # A duty no penalty article speaks of (照明和消防设施) gets none.
    assert add(unseen, "停车场照明坏了没修，会被怎么处理？", _article(unseen, "五")) == []


def test_an_unseen_regulation_the_rule_behind_a_penalty(unseen):
    added = add(unseen, "停车场不给开收费票据，这合法吗？", _article(unseen, "七"))
    assert [a[:2] for a in added] == [(_article(unseen, "四"), "rule")]


# A regulation whose penalty restates a duty in its own words, naming no article and listing no
# items; the words of the duty (平台, 告知, 主管部门) are in many of its articles.
RESTATED = """# 某市网络经营场所登记办法

2026年2月1日 某市人民政府令第3号公布

<!-- INFO END -->

第一条 经营者应当在开业前通过登记平台将经营信息告知主管部门。

第二条 经营者变更经营地址的，应当通过登记平台告知主管部门。

第三条 主管部门应当通过登记平台公开登记结果。

第四条 主管部门应当定期核查平台上告知的信息。

第五条 经营者应当保持经营场所整洁。

第六条 经营者未依照本办法规定将经营信息告知主管部门的，由主管部门责令限期改正；逾期不改正的，处一万元以上三万元以下的罚款。
"""


@pytest.fixture(scope="module")
def restated(tmp_path_factory):
    return _parsed(tmp_path_factory, "registration-2026.md", RESTATED)


def test_a_penalty_that_restates_the_leads_duty_bears_on_it_with_its_fine(restated):
    # No word of the question is rare in this text: the phrase the penalty shares with the duty
    # (将经营信息告知主管部门) says it bears; the order to correct comes with the fine after it.
    added = add(restated, "开业前没在平台上告知主管部门，会怎么罚？", _article(restated, "一"))
    assert [a[:2] for a in added] == [(_article(restated, "六"), "penalty")]
    assert added[0][2].endswith("由主管部门责令限期改正；逾期不改正的，处一万元以上三万元以下的罚款。")
    # A duty the penalty does not restate gets none.
    assert add(restated, "经营场所不整洁，会怎么罚？", _article(restated, "五")) == []


def test_a_penalty_lead_brings_the_rule_that_words_the_same_conduct(clauses):
    # 第三十四条 punishes not publishing 逾期尚未支付中小企业款项 in the annual report; 第十八条
    # sets that duty in the same words. Asked who handles it (no "is it allowed"), both are cited.
    added = add(clauses, "大型企业不在年报里公示逾期未付中小企业款项的信息，由谁处理？", PAY25 + "art34")
    assert [a[:2] for a in added] == [(PAY25 + "art18.k2", "rule")]
    assert "逾期尚未支付中小企业款项的合同数量、金额等信息纳入企业年度报告" in added[0][2]


def test_an_unseen_penalty_brings_the_duty_it_restates(restated):
    added = add(restated, "没把经营信息告知主管部门的，谁来罚？", _article(restated, "六"))
    assert [a[:2] for a in added] == [(_article(restated, "一"), "rule")]


@pytest.mark.parametrize("question", [
    "供电供水单位乱收费、强迫接受不合理服务条件，由谁来管，怎么处理？",
    "自来水公司、供电公司向企业乱收不合理费用，按营商环境条例怎么处理？",
])
def test_how_conduct_the_lead_forbids_is_dealt_with_asks_its_penalty(clauses, question):
    """怎么处理/怎么管 names no penalty; asked of conduct the lead forbids (不得…收取不合理费用),
    it asks what befalls it: the penalty list whose item restates the conduct."""
    [a] = add(clauses, question, "business-environment-2019:art28.k1")
    assert (a[0], a[1]) == ("business-environment-2019:art70", "penalty")
    assert a[2].startswith("第七十条 公用企事业单位有下列情形之一的，由有关部门责令改正，依法追究法律责任……")
    # Asked how a procedure goes, of a lead that forbids nothing: no penalty.
    assert add(clauses, "投诉以后怎么处理？", PAY25 + "art25.k2") == []


def test_the_penalty_item_restating_the_lead_is_found_by_the_phrase_they_share(clauses):
    """摊派 is the asker's word and the lead's; the penalty list says the conduct as the lead does
    (在法律、法规规定之外要求市场主体提供财力、物力或者人力) without the word 摊派."""
    [(cid, why, shown)] = add(clauses, "搞摊派的干部要担责吗？", "business-environment-2019:art14.k3")
    assert (cid, why) == ("business-environment-2019:art69", "penalty")
    assert shown.endswith("依法依规追究责任……(四)在法律、法规规定之外要求市场主体提供财力、物力或者人力")


def test_the_counterpart_of_a_rule_in_another_version_is_its_reworded_paragraph(clauses):
    """2025 第十三条第三款 (核算并退还) has its counterpart in 2020 第十二条第三款 (核实和结算),
    not in the paragraph of the same article that shares the word 保证金 most often."""
    sentence = best_sentence(clauses[PAY25 + "art13.k3"], set(words("保证金到期后要怎么退")))[0]
    older = [c for c in clauses.values() if c.doc_id == "sme-payment-2020"]
    assert bearing.counterpart(sentence, older).id == PAY20 + "art12.k3"
    # A sentence no article of the other version restates has none.
    plan = [c for c in clauses.values() if c.doc_id == "lzb-2024-22"]
    assert bearing.counterpart(sentence, plan) is None


def test_a_counterpart_is_found_by_its_rule_not_by_its_article_number(clauses):
    """第十五条 of 2020 (逾期利息) is 第十七条 in 2025; 第十五条 of 2025 is another rule."""
    sentence = clauses[PAY20 + "art15"].text.split("。")[0]  # 第十五条 机关…迟延支付…的，应当支付逾期利息
    newer = [c for c in clauses.values() if c.doc_id == "sme-payment-2025"]
    assert bearing.counterpart(sentence, newer).id == PAY25 + "art17"


def test_a_counterpart_opens_with_the_same_party(clauses):
    """2025 says 大型企业…60日内; 2020 says 大型企业…合理约定付款期限. The paragraph about 机关、事业单位
    shares more of the 2025 wording (交付之日起…日内), but names another party: it is not the counterpart."""
    older = [c for c in clauses.values() if c.doc_id == "sme-payment-2020"]
    newer = [c for c in clauses.values() if c.doc_id == "sme-payment-2025"]
    large = clauses[PAY25 + "art9.k2"].text.split("；")[0]
    assert bearing.counterpart(large, older).id == PAY20 + "art8.k2"
    assert bearing.counterpart(clauses[PAY20 + "art8.k2"].text, newer).id == PAY25 + "art9.k2"
    # A sentence that opens with a condition (合同另有约定的，…) is matched on its rule.
    agreed = clauses[PAY25 + "art9.k2"].text.split("；")[1]
    assert bearing.counterpart(agreed, older).id == PAY20 + "art8.k2"
