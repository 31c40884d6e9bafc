"""The answer-first composer over real clauses (parsed from real files; no index needed).

Hits are built by hand from the parsed clauses so each test states exactly what retrieval
handed the composer.
"""


import pytest

from assistant.answer.extractive import compose, compose_parts
from assistant.answer.normalize import normalize_question
from assistant.answer.shapes import is_heading
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import read_question
from assistant.understand.vocabulary import build_vocabulary

@pytest.fixture(scope="module")
def corpus(parsed_laws_and_plan):
    clauses, metas = parsed_laws_and_plan
    return clauses, build_vocabulary(list(clauses.values()), metas)


def hits(clauses, *ids):
    return [Hit(clause=clauses[i], score=1.0 / (n + 1)) for n, i in enumerate(ids)]


def lead(answer):
    return answer.answer.split("\n", 1)[0]


def ask(corpus, question, *ids):
    clauses, vocab = corpus
    q = normalize_question(question, 2000)
    return compose(q, hits(clauses, *ids), reading=read_question(q, vocab), vocab=vocab)


def test_the_answer_comes_first_and_the_clause_is_not_repeated(corpus):
    a = ask(corpus, "以股权收购方式并购的补助多少？", "lzb-2024-22:s6.6")
    assert lead(a) == "据仑政办〔2024〕22号六、政策举措（六）支持兼并收购，按不超过股权收购价格的10%给予补助[1]。"
    # The basis names the clause; it does not quote the whole clause a second time.
    assert a.answer.count("经备案认可且提交区政府常务会议审定后") <= 1
    assert "\n依据：\n[1] 仑政办〔2024〕22号 六、政策举措（六）支持兼并收购" in a.answer
    assert [c.id for c in a.citations] == ["lzb-2024-22:s6.6"]


def test_a_heading_never_leads(corpus):
    clauses, _ = corpus
    assert is_heading("（八）安排专项资金。", clauses["lzb-2024-22:s6.8"])
    a = ask(corpus, "专项资金从哪来", "lzb-2024-22:s6.8")
    assert "（八）安排专项资金。" not in lead(a)
    assert lead(a).startswith("据仑政办〔2024〕22号六、政策举措（八）安排专项资金，提取")
    assert "提取土地出让收入的0.5%与征收的差别化电费合并作为“腾笼换鸟”专项经费" in lead(a)


def test_penalty_is_stated_first(corpus):
    a = ask(corpus, "以欺骗手段取得项目核准文件要罚多少钱", "investment-project-approval-2016:art18")
    assert lead(a).endswith("处项目总投资额1‰以上5‰以下的罚款[1]。")
    assert lead(a).startswith("据《企业投资项目核准和备案管理条例》第十八条，")


def test_time_limit_is_stated_first(corpus):
    a = ask(corpus, "核准机关多长时间内要作出是否核准的决定", "investment-project-approval-2016:art10")
    assert lead(a) == ("据《企业投资项目核准和备案管理条例》第十条，"
                       "核准机关应当自受理申请之日起20个工作日内，作出是否予以核准的决定[1]。")


def test_definition_reads_as_the_whole_sentence(corpus):
    a = ask(corpus, "营商环境指的是什么", "business-environment-2019:art2")
    assert lead(a) == ("据《优化营商环境条例》第二条，本条例所称营商环境，"
                       "是指企业等市场主体在市场经济活动中所涉及的体制机制性因素和条件[1]。")


def test_each_clause_that_bears_on_the_question_is_cited(corpus):
    a = ask(corpus, "中小企业是指什么样的企业", "sme-payment-2025:art3", "sme-promotion-law-2017:art2",
            "business-environment-2019:art10")
    ids = [c.id for c in a.citations]
    assert ids[:2] == ["sme-payment-2025:art3", "sme-promotion-law-2017:art2"]
    assert "business-environment-2019:art10" not in ids  # says nothing about 中小企业
    assert "[2]" in a.answer.split("依据：")[0]


def test_multi_part_question_is_answered_part_by_part_with_a_sum(corpus):
    clauses, vocab = corpus
    q = normalize_question("柴桥的存量工业用地空间挖潜新增竣工建筑面积是多少，"
                           "霞浦的存量工业用地空间挖潜新增竣工建筑面积是多少，加起来呢", 2000)
    reading = read_question(q, vocab)
    assert [p.asks for p in reading.parts][2] == ["sum"]
    a = compose_parts(q, reading, [hits(clauses, "lzb-2024-22:a2.r5"), hits(clauses, "lzb-2024-22:a2.r6"), []],
                      vocab)
    col = "存量工业用地空间挖潜新增竣工建筑面积（万平方米）"
    v5 = clauses["lzb-2024-22:a2.r5"].table.cell(col)
    v6 = clauses["lzb-2024-22:a2.r6"].table.cell(col)
    lines = a.answer.split("\n")
    assert lines[0].endswith(f"柴桥：{col}为{v5}[1]。")
    assert lines[1].endswith(f"霞浦：{col}为{v6}[2]。")
    assert lines[2].startswith("（3）加起来呢：")
    assert [c.id for c in a.citations] == ["lzb-2024-22:a2.r5", "lzb-2024-22:a2.r6"]


def test_a_part_the_text_does_not_settle_says_so(corpus):
    clauses, vocab = corpus
    q = normalize_question("亩均评价里D类企业是怎么认定的，亩均税收低于多少算D类", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2
    a = compose_parts(q, reading, [hits(clauses, "lzb-2024-22:s6.3"), hits(clauses, "lzb-2024-22:s6.3")], vocab)
    lines = a.answer.split("\n")
    # The clause names D类 but sets neither its criteria nor a figure: each part says what the
    # text leaves open, and the question is declined as a whole (文件未规定D类的认定标准).
    assert a.abstained and a.citations == []
    assert lines[0] == "（1）亩均评价里D类企业是怎么认定的：现有文件没有给出所问的认定标准。"
    assert lines[1] == "（2）亩均税收低于多少算D类：所引条文未规定具体数额或标准。"


def test_a_part_answered_by_a_calculator_is_renumbered_into_the_whole_answer(corpus):
    """A part settled before composing (a computed deadline) keeps its text; its markers are
    renumbered after the parts before it, and its tool call is kept."""
    from assistant.answer.arith import arith_answer

    clauses, vocab = corpus
    q = normalize_question("投诉处理期限是怎么规定的？处理投诉部门2025年8月1日收到投诉材料，最晚哪天要给结果？", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2
    k2 = clauses["sme-payment-2025:art25.k2"]
    computed = arith_answer("处理投诉部门2025年8月1日收到投诉材料，最晚哪天要给结果", [k2], clauses)
    assert computed is not None and computed.tool_calls
    a = compose_parts(q, reading, [hits(clauses, "sme-payment-2025:art25.k1"), hits(clauses, k2.id)], vocab,
                      settled=[None, computed])
    lines = a.answer.split("\n")
    part2 = next(x for x in lines if x.startswith("（2）"))
    assert "最晚应在2025年8月31日形成处理结果[2]" in part2
    assert [c.id for c in a.citations][:2] == ["sme-payment-2025:art25.k1", k2.id]
    assert [c.name for c in a.tool_calls] == ["clause_arithmetic"]


def test_a_part_the_texts_only_name_is_declined_alone(corpus):
    clauses, vocab = corpus
    q = normalize_question("逾期利息怎么算？现在1年期贷款市场报价利率是多少？", 2000)
    reading = read_question(q, vocab)
    a = compose_parts(q, reading, [hits(clauses, "sme-payment-2025:art17"), hits(clauses, "sme-payment-2025:art17")],
                      vocab, settled=[None, "第十七条只提到1年期贷款市场报价利率，没有给出其具体数值"])
    lines = a.answer.split("\n")
    assert lines[0].startswith("（1）逾期利息怎么算：") and "[1]" in lines[0]
    assert "（2）现在1年期贷款市场报价利率是多少：现有文件未作规定（第十七条只提到1年期贷款市场报价利率，没有给出其具体数值）。" in lines
    assert not a.abstained


def test_a_part_led_by_the_same_sentence_also_gets_the_clause_only_it_asks_about(corpus):
    """见上 alone would leave the second part's own subject (申请认定 of a disputed size) unanswered."""
    clauses, vocab = corpus
    q = normalize_question("合同订立后企业规模变了还算中小企业吗？对企业规模类型有争议怎么办？", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2
    a = compose_parts(q, reading, [hits(clauses, "sme-payment-2025:art3.k2"),
                                   hits(clauses, "sme-payment-2025:art3.k2", "sme-payment-2025:art29")], vocab)
    cited = [c.id for c in a.citations]
    assert "sme-payment-2025:art29" in cited or any(c.startswith("sme-payment-2025:art29.") for c in cited)
    assert "申请认定" in a.answer


def test_a_negated_condition_leads_with_the_sentence_that_negates_it_too(corpus):
    """没约定…的话: of 有约定的… and 未作约定的… in one article, the second is the case asked about."""
    a = ask(corpus, "没约定逾期利息的话怎么算利息？", "sme-payment-2025:art17")
    assert "未作约定的，按照每日利率万分之五支付逾期利息[1]" in lead(a)
    b = ask(corpus, "约定了逾期利息利率的，约定利率有什么下限？", "sme-payment-2025:art17")
    assert "约定利率不得低于合同订立时1年期贷款市场报价利率[1]" in lead(b)


def test_a_list_question_answered_by_one_item_lists_the_clause_above_it(corpus):
    """哪三种 retrieved one of the three: the clause whose heading names what is asked, and that
    has that many parts, is answered with its parts; points (一是…) are listed as written."""
    clauses, vocab = corpus

    def ask_with(question, *ids):
        q = normalize_question(question, 2000)
        return compose(q, hits(clauses, *ids), reading=read_question(q, vocab), vocab=vocab, clauses=clauses)

    a = ask_with("实施路径分哪三种改造方式？", "lzb-2024-22:s5.1.1")
    assert lead(a) == "五、实施路径包括：（一）腾挪拆除式改造；（二）梳理提升式改造；（三）环境优化式改造[1]。"
    assert [c.id for c in a.citations] == ["lzb-2024-22:s5"]
    b = ask_with("腾挪拆除式改造包括哪些做法？", "lzb-2024-22:s5.1.1")
    assert lead(b).startswith("五、实施路径（一）腾挪拆除式改造包括：一是政府或国有企业通过收储或收购等多种方式")
    assert "二是企业合作开发或与国有企业及其他园区运营单位合作开发建设；三是" in lead(b)
    # Without the clause mapping (or without a list asked) nothing is listed from above.
    q = normalize_question("实施路径分哪三种改造方式？", 2000)
    assert "包括：" not in lead(compose(q, hits(clauses, "lzb-2024-22:s5.1.1"), reading=read_question(q, vocab),
                                        vocab=vocab))


def test_a_decision_on_the_spot_answers_how_long(corpus):
    """当场作出决定 is a time limit: the question is answered, not declined as unsettled."""
    a = ask(corpus, "签了出让合同后去申请建设用地规划许可证，要等多久？", "shanghai-urban-rural-planning-2018:art33")
    assert not a.abstained
    assert "应当当场作出决定[1]" in lead(a)


def test_how_conduct_asked_to_be_unlawful_is_dealt_with_is_its_penalty(corpus):
    """…这样合规吗？不改会怎么处理？ — the second part asks the penalty for what the first part
    is answered by: the penalty item that restates that duty, in the same regulation, though
    retrieval for the part found another regulation's general penalty first."""
    clauses, vocab = corpus
    q = normalize_question("业主是一家国企，坚持只收现金作保证金，银行保函一概不认，这样合规吗？不改会怎么处理？", 2000)
    reading = read_question(q, vocab)
    assert [p.asks for p in reading.parts] == [["yesno"], ["penalty"]]
    first = hits(clauses, "sme-payment-2025:art13.k2", "sme-payment-2025:art13")
    second = hits(clauses, "sme-payment-2025:art9.k1", "sme-payment-2025:art31", "sme-payment-2025:art35")
    a = compose_parts(q, reading, [first, second], vocab, clauses=clauses)
    lines = a.answer.split("\n\n依据：")[0].split("\n")
    assert lines[0].startswith("（1）这样合规吗：") and "不得将保证金限定为现金[1]" in lines[0]
    penalty = next(x for x in lines if "第三十一条" in x)
    assert "责令改正" in penalty and "（五）违法收取保证金" in penalty
    assert "sme-payment-2025:art31" in [c.id for c in a.citations]
    assert "sme-payment-2025:art9.k1" not in [c.id for c in a.citations]


def test_a_heading_that_states_the_dates_is_said_once(corpus):
    clauses, vocab = corpus
    q = normalize_question("全面推进实施阶段从哪天开始，到什么时候结束？", 2000)
    a = compose(q, hits(clauses, "lzb-2024-22:s7.3"), reading=read_question(q, vocab), vocab=vocab)
    assert lead(a) == "据仑政办〔2024〕22号七、实施步骤（三）全面推进实施（2024年7月至2026年12月底前）[1]。"


def test_several_told_at_the_start_asks_no_number(corpus):
    """几家企业联合改造，… tells; the lead is the sentence about what is asked, not the one
    with a figure."""
    clauses, vocab = corpus
    q = normalize_question("有几家企业打算联合改造，各家土地出让到期时间对不上，这种情况怎么办？", 2000)
    a = compose(q, hits(clauses, "lzb-2024-22:s4.4", "lzb-2024-22:s6.7", "lzb-2024-22:s6.8"),
                reading=read_question(q, vocab), vocab=vocab)
    assert "出让终止期最迟一宗土地重新确定出让终止期" in lead(a)


def test_a_question_whose_telling_words_no_document_holds_is_declined(corpus):
    """劳动合同 and 试用期: two words no document holds (劳动合同 only as 劳动 and 合同 apart);
    the clause found shares only the question's everyday words (最长, 约定)."""
    clauses, vocab = corpus
    q = normalize_question("签劳动合同时，试用期最长可以约定几个月？", 2000)
    a = compose(q, hits(clauses, "sme-payment-2025:art9.k1"), reading=read_question(q, vocab), vocab=vocab)
    assert a.abstained and "试用期" in a.answer


def test_a_negated_word_is_no_missing_subject(corpus):
    clauses, vocab = corpus
    q = normalize_question("列入计划的区块因为权属纠纷解决不了，确实改不了，该怎么办？", 2000)
    a = compose(q, hits(clauses, "lzb-2024-22:s9", "lzb-2024-22:s7.2"), reading=read_question(q, vocab), vocab=vocab)
    assert not a.abstained


def test_a_part_naming_nothing_is_answered_by_the_clause_before_when_it_states_what_is_asked(corpus):
    """…多长时间内要作出决定？最多可以延长多久？ — the second part names nothing of its own: the
    clause that answered the first states the extension in a sentence not yet said, though
    retrieval for the part ranked another article's extension (延期开工) first."""
    clauses, vocab = corpus
    inv = "investment-project-approval-2016:"
    q = normalize_question("核准机关收到申请后要在多长时间内作出核准决定？最多可以延长多久？", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2
    a = compose_parts(q, reading, [hits(clauses, inv + "art10.k1"), hits(clauses, inv + "art12", inv + "art10.k1")],
                      vocab)
    lines = a.answer.split("\n\n依据：")[0].split("\n")
    assert "20个工作日内" in lines[0]
    second = next(x for x in lines if x.startswith("（2）"))
    assert "第十条第一款" in second and "不得超过40个工作日[1]" in second
    assert [c.id for c in a.citations] == [inv + "art10.k1"]


def test_a_bare_figure_after_a_bound_is_the_number_asked(corpus):
    """A plot ratio has no unit: 原则上不低于2.0 states the figure 容积率最低多少 asks, though a
    clause that only names 容积率 ranks first."""
    clauses, vocab = corpus
    q = normalize_question("容积率最低要达到多少？", 2000)
    a = compose(q, hits(clauses, "lzb-2024-22:s5.2.1", "lzb-2024-22:s5.2", "lzb-2024-22:s6.5"),
                reading=read_question(q, vocab), vocab=vocab)
    assert not a.abstained and "不低于2.0" in lead(a) and a.citations[0].id == "lzb-2024-22:s6.5"


def test_a_part_the_lead_does_not_answer_gets_the_clause_in_its_policy_words(corpus):
    """…由谁安排，钱主要用在哪？ — the first part's lead does not say what the money is for; the
    clause that does says it in the policy term for the asker's everyday words (用于 for 用在)."""
    clauses, vocab = corpus
    law = "sme-promotion-law-2017:"
    q = normalize_question("中小企业发展专项资金由谁安排，钱主要用在哪？", 2000)
    reading = read_question(q, vocab)
    found = hits(clauses, law + "art8.k1", law + "art9.k1")
    a = compose_parts(q, reading, [found, found], vocab)
    second = a.answer.split("\n（2）", 1)[1]
    assert "第九条" in second and "重点用于支持中小企业公共服务体系和融资服务体系建设" in second


def test_a_units_duty_under_its_full_name_answers_its_short_name(corpus):
    from assistant.answer.extractive import _abbreviates

    assert _abbreviates("区府办", "区政府办") and not _abbreviates("区府办", "区财政局")
    clauses, vocab = corpus
    q = normalize_question("区府办在领导小组里主要负责什么工作？", 2000)
    a = compose(q, hits(clauses, "lzb-2024-22:a1.office", "lzb-2024-22:a1.m1", "lzb-2024-22:a1.d1"),
                reading=read_question(q, vocab), vocab=vocab)
    assert lead(a).startswith("1.区政府办负责协调工作领导小组重大会务工作") and a.citations[0].id == "lzb-2024-22:a1.d1"


def test_the_rank_of_a_post_is_the_texts_not_the_holders_name(corpus):
    clauses, vocab = corpus
    q = normalize_question("领导小组的组长由哪一级领导担任？", 2000)
    a = compose(q, hits(clauses, "lzb-2024-22:a1.leader", "lzb-2024-22:s8.1"), reading=read_question(q, vocab), vocab=vocab)
    assert "区政府主要领导任组长" in lead(a)
