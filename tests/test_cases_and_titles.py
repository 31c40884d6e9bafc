"""How a question is cut into what it asks, when its words are cases, titles and statements.

- Several cases, each told just before a question that names nothing else (放样后没通知复验就开工，
  罚多少？竣工资料逾期不补报的，罚多少？), are one part each; one case with several questions
  stays their background.
- Two parts of a text compared by their titles (A和B在…上有什么不同) are asked one per part.
- A sentence that tells (打算收购几栋老厂房…。) asks nothing, though it says 几栋.
- A move towards a street (调到街道) names no place.
- A figure asked of a measure (容积率上限) is given only by a sentence that states that measure; a
  criterion asked as 满足什么条件才能入选 only by a clause that sets criteria.

Real parsed clauses: the shipped plan and the regulations of evals/documents.
"""

from __future__ import annotations

from assistant.answer.extractive import _facet_missing
from assistant.understand.reading import _is_asking, place_names, read_question
from tests.conftest import compose_from

SH = "shanghai-urban-rural-planning-2018:"
PLAN = "lzb-2024-22:"


def test_each_case_with_its_own_bare_question_is_a_part(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("上海的项目放样后没通知规划部门复验就擅自开工，罚多少？竣工验收后没按时报送竣工资料、逾期又不补报的，罚多少？",
                      vocab)
    assert [p.text for p in r.parts] == ["上海的项目放样后没通知规划部门复验就擅自开工，罚多少",
                                         "竣工验收后没按时报送竣工资料、逾期又不补报的，罚多少"]
    assert r.background == []
    # One case, two questions of it: the case is their background.
    one = read_question("公司一个总投资2亿元的项目，应该核准的没核准就开工了，企业会被罚多少？负责人呢？", vocab)
    assert [p.text for p in one.parts][0] == "企业会被罚多少"
    assert "应该核准的没核准就开工了" in one.background


def test_two_titled_parts_compared_are_asked_one_per_part(laws_and_vocab):
    _, vocab = laws_and_vocab
    r = read_question("政府收储改造和市场参与改造在取得土地的方式上有什么不同？", vocab)
    assert [p.text for p in r.parts] == ["政府收储改造在取得土地的方式是怎么规定的", "市场参与改造在取得土地的方式是怎么规定的"]
    # Two things that are no titles are not cut (a table's rows are compared by the table).
    assert len(read_question("大碶和柴桥的任务有什么不同？", vocab).parts) == 1


def test_a_sentence_that_tells_asks_nothing_though_it_says_how_many():
    assert not _is_asking("打算收购几栋老厂房改造成特色产业园再招商。")
    assert _is_asking("要收购几栋老厂房？")


def test_a_move_towards_a_street_is_no_place():
    assert place_names("我刚调到街道经发办，接手老旧工业区块改造这块。") == []
    assert place_names("我们在庄市街道开了个厂") == ["庄市街道"]


def test_a_figure_of_a_measure_is_given_only_by_a_sentence_that_states_it(laws_and_vocab):
    a = compose_from(laws_and_vocab, "按上海城乡规划条例，标准厂房的容积率上限是多少？", (SH + "art38.k1", 0.033))
    assert a.abstained and "具体数额或标准" in a.answer
    clauses, _ = laws_and_vocab
    # The plan states the ratio it asks of (容积率…): the measure is given.
    stated = next(c for c in clauses.values() if c.doc_id == "lzb-2024-22" and "容积率" in c.text
                  and any(ch.isdigit() for ch in c.text.split("容积率", 1)[1][:20]))
    assert _facet_missing("容积率上限是多少", stated.text, [stated.text]) is None


def test_criteria_asked_as_what_it_takes_to_be_listed(laws_and_vocab):
    assert _facet_missing("白名单优势企业要满足什么条件才能入选", "", [laws_and_vocab[0][PLAN + "s6.6"].text]) == "认定标准"
    assert _facet_missing("在哪里申报", "", [laws_and_vocab[0][PLAN + "a1.m7"].text]) == "办理地点"


def test_a_slip_glued_to_a_locative_is_read_as_the_word_it_slips_from(laws_and_vocab):
    from assistant.understand.spelling import correct_slips

    corpus = "".join(c.text for c in laws_and_vocab[0].values())
    fixed, slips = correct_slips("外商投资准入负面清丹里禁止外资进入哪些行业？", corpus)
    assert "负面清单里" in fixed and slips == [("准入负面清丹", "准入负面清单")]


def test_what_has_been_brought_in_so_far_is_no_plan_target():
    assert _facet_missing("现在入驻了哪些企业", "每个区块要有明确的产业方向", ["每个区块要有明确的产业方向"]) == "实际完成情况"


def test_each_of_a_kind_the_table_does_not_list_is_no_column_question(laws_and_vocab):
    from assistant.tables.answer import table_answer

    clauses, _ = laws_and_vocab
    assert table_answer("亩均论英雄综合评价的A、B、C、D类是怎么划分的？各类的分数线是多少？", clauses) is None
    assert table_answer("各街道规上工业企业年均亩均税增长率是多少？", clauses) is not None


def test_a_quoted_slip_of_two_characters_is_read_as_the_name_the_index_defines(laws_and_vocab):
    from assistant.understand.spelling import correct_slips

    clauses, vocab = laws_and_vocab
    assert vocab.defined_terms["新城"] == SH + "art62.3"  # an item of the list of definitions
    fixed, slips = correct_slips("上海市城乡规划条例里的“新成”指的是什么？", vocab.text, vocab.terms)
    assert slips == [("新成", "新城")]
    # Without the index's names, two characters are too few to tell the slip (完成, 新增, 新城 …).
    assert correct_slips("上海市城乡规划条例里的“新成”指的是什么？", vocab.text)[1] == []


def test_a_sanctioning_article_names_a_party_only_when_its_head_names_someone(laws_and_vocab):
    from assistant.answer import bearing

    clauses, _ = laws_and_vocab
    assert bearing.party_of(clauses["sme-payment-2025:art31"]) == "机关、事业单位"
    # 未取得建设工程规划许可证或者… is conduct: no party, so a question about 设计单位 is not led to it.
    assert bearing.party_of(clauses[SH + "art58"]) == ""
    a = compose_from(laws_and_vocab, "我们是一家设计院，在上海接了个项目。如果设计没按规划条件来、造成违法建设，设计单位会被怎么处罚？",
                     (SH + "art57.k1", 0.0325), (SH + "art57", 0.0323), (SH + "art57.k2", 0.0318), structure=True)
    assert a.citations[0].id == SH + "art57.k1" and "百分之二十至百分之一百" in a.answer.splitlines()[0]


def test_a_penalty_asked_of_told_conduct_is_led_by_the_article_that_sanctions_it(laws_and_vocab):
    from assistant.answer import bearing

    clauses, _ = laws_and_vocab
    q = "在上海没办规划许可就把房子盖了，而且已经没法改正了，会怎么处理？"
    assert [c.id for c, _ in bearing.conduct_articles(q, "shanghai-urban-rural-planning-2018", clauses)] == [SH + "art58"]
    # A lead that sanctions nothing (实施规划许可，应当遵循便民的原则) gives way to it.
    a = compose_from(laws_and_vocab, "在上海没办规划许可就把房子盖了，会怎么处理？", (SH + "art27.k2", 0.033), structure=True)
    assert a.citations[0].id == SH + "art58" and "限期拆除" in a.answer.splitlines()[0]


def test_this_way_all_right_asks_whether_it_is_allowed(laws_and_vocab):
    from assistant.understand.reading import ASKS_LAWFUL

    assert ASKS_LAWFUL.search("合同里约定了以审计结果作为结算依据，这样行吗？")
    # Three clauses say it alike; the rule that forbids it (不得…) answers whether it is allowed.
    a = compose_from(laws_and_vocab, "合同里约定了以审计局的审计结果作为结算依据，按2020年那版保障中小企业款项支付条例，这样行吗？",
                     ("sme-payment-2020:art25.4", 0.033), ("sme-payment-2020:art11", 0.032), ("sme-payment-2020:art27.k2", 0.031))
    assert a.citations[0].id == "sme-payment-2020:art11"
