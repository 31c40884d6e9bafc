"""The typed reading of a question, built from the index's own vocabulary.

The vocabulary here is read from real files: the shipped document and the regulations in
evals/documents (parsed, not embedded, so these tests need no index).
"""


import pytest

from assistant.answer.normalize import normalize_question
from assistant.understand.reading import ask_kinds, read_question, retrieval_text
from assistant.understand.vocabulary import build_vocabulary

@pytest.fixture(scope="module")
def vocab(parsed_laws_and_plan):
    clauses, metas = parsed_laws_and_plan
    return build_vocabulary(list(clauses.values()), metas)


def read(q, vocab):
    return read_question(normalize_question(q, 2000), vocab)


def test_vocabulary_reads_titles_numbers_periods_and_defined_terms(vocab):
    docs = {d.doc_id: d for d in vocab.documents}
    assert (docs["lzb-2024-22"].start_year, docs["lzb-2024-22"].end_year) == (2024, 2026)
    assert docs["shanghai-urban-rural-planning-2018"].title == "上海市城乡规划条例"
    assert docs["shanghai-urban-rural-planning-2018"].end_year is None  # a regulation in force has no end
    assert vocab.defined_terms["营商环境"] == "business-environment-2019:art2"
    assert "企业投资项目" in vocab.defined_terms
    assert vocab.row_keys[:1] == ["戚家山"]  # longest row keys first
    assert "完成老工业区块改造涉企用地（亩）" in vocab.columns


def test_background_about_the_asker_is_kept_apart_from_the_question(vocab):
    r = read("容积率最低要求是多少？我们现在才1.2，是不是必须改", vocab)
    assert r.background == ["我们现在才1.2"]
    assert r.asking.replace("?", "？") == "容积率最低要求是多少？是不是必须改"
    assert [p.text for p in r.parts] == ["容积率最低要求是多少", "是不是必须改"]
    assert r.about_self is True
    assert [str(q.value) for q in r.numbers] == ["1.2"]
    # The asking part names a subject the corpus holds: retrieval reads it alone.
    assert retrieval_text(r, vocab) == r.asking


def test_a_bare_question_keeps_its_background_for_retrieval(vocab):
    r = read("我们收购的那块地国有土地征收实际评估价是3500万，按政策能补多少钱", vocab)
    assert r.background == ["我们收购的那块地国有土地征收实际评估价是3500万"]
    assert "calculation" in r.asks
    assert retrieval_text(r, vocab) == r.question


def test_a_condition_is_background_not_a_part(vocab):
    r = read("按最高标准的话，150亩能奖多少", vocab)
    assert r.background == ["按最高标准的话"]
    assert len(r.parts) == 1


def test_multi_part_question_is_split_with_a_sum_part(vocab):
    r = read("柴桥跟霞浦的存量工业用地空间挖潜新增竣工建筑面积各是多少，两个加起来呢", vocab)
    assert r.multi_part
    assert r.parts[1].asks == ["sum"]
    assert sorted(r.rows) == ["柴桥", "霞浦"]


def test_a_part_without_a_subject_borrows_the_one_before(vocab):
    r = read("低效用地改造领导小组组长是谁？办公室放在哪个局，主任是谁", vocab)
    assert [p.text for p in r.parts] == ["低效用地改造领导小组组长是谁", "办公室放在哪个局", "主任是谁"]
    assert r.parts[2].query == "办公室放在哪个局，主任是谁"


@pytest.mark.parametrize("question, held, unknown", [
    ("《中华人民共和国公司法》对股东出资有什么规定", [], ["《中华人民共和国公司法》"]),
    ("《中小企业促进法》里中小企业是怎么定义的", ["sme-promotion-law-2017"], []),
    ("仑政办〔2023〕5号文件讲了什么", [], ["仑政办〔2023〕5号"]),
    ("仑政办[2024]22号是谁印发的", ["lzb-2024-22"], []),
    ("保障中小企业款项支付条例规定多少天内付款", ["sme-payment-2020", "sme-payment-2025"], []),
])
def test_named_documents_are_matched_against_the_held_ones(vocab, question, held, unknown):
    r = read(question, vocab)
    assert r.doc_ids == held
    assert r.unknown_documents == unknown


@pytest.mark.parametrize("question, places, unknown, docs", [
    ("镇海区那边的低效工业用地整治有什么补贴政策", [], ["镇海区"], []),
    ("上海市的村民建房怎么申请", ["上海市"], [], ["shanghai-urban-rural-planning-2018"]),
    ("哪几个街道创建绿色工厂的任务超过15家？", [], [], []),
    ("2030年北仑区的目标是多少亩", ["北仑区"], [], ["lzb-2024-22"]),
])
def test_places_come_from_the_indexed_texts(vocab, question, places, unknown, docs):
    r = read(question, vocab)
    assert (r.places, r.unknown_places, r.doc_ids) == (places, unknown, docs)


@pytest.mark.parametrize("text, kind", [
    ("骗取项目核准文件要罚多少钱", "penalty"),
    ("核准机关多少个工作日内要作出决定", "time_limit"),
    ("营商环境指的是什么", "definition"),
    ("宿舍型保障性租赁住房建设是哪个部门负责的", "who"),
    ("哪个街道的改造涉企用地任务最少", "superlative"),
    ("哪几个街道创建绿色工厂的任务超过15家", "filter"),
    ("三个街道一共多少个", "sum"),
    ("占全区的百分之几", "share"),
    ("原文怎么写的", "wording"),
    ("我们公司能不能享受补助", "eligibility"),
    ("被拖欠货款，我们能到哪里投诉？", "who"),
    ("搞摊派的干部要担责吗", "penalty"),
    ("那些部门的人会受什么处理", "penalty"),
])
def test_ask_kinds(text, kind):
    assert kind in ask_kinds(text)


def test_everyday_adverbs_are_not_comparisons():
    assert "compare" not in ask_kinds("厂房改造资金缺口比较大")
    assert "yesno" not in ask_kinds("这个文件讲了什么")


def test_years_are_read(vocab):
    assert read("2024年亩均税收15万，2026年做到17万，年均增长率是多少", vocab).years == [2024, 2026]


def test_a_pasted_wall_of_questions_is_read_as_a_few_parts(vocab):
    # The same question 10,000 times is one part; many different ones stop at MAX_PARTS.
    from assistant.understand.reading import MAX_PARTS

    assert len(read_question("兼并收购有什么补助？" * 10_000, vocab).parts) == 1
    many = "".join(f"第{n}个街道的任务是多少？" for n in range(1, 500))
    assert len(read_question(many, vocab).parts) == MAX_PARTS


@pytest.mark.parametrize("question, parts", [
    # A second question with its own question mark and an open question word is a part of its own.
    ("机关单位一直拖着不验收，付款期限从什么时候算？这种拖延验收会怎么处理？",
     ["付款期限从什么时候算", "这种拖延验收会怎么处理"]),
    ("供电公司报装时收了不合理的费用，条例怎么规定？他们要承担什么责任？",
     ["条例怎么规定", "他们要承担什么责任"]),
    # Without question marks, one sentence stays one part.
    ("机关单位一直拖着不验收，付款期限从什么时候算，这种拖延验收会怎么处理",
     ["付款期限从什么时候算，这种拖延验收会怎么处理"]),
    ("付款期限是多少？", ["付款期限是多少"]),
])
def test_a_second_open_question_is_a_part_of_its_own(vocab, question, parts):
    assert [p.text for p in read(question, vocab).parts] == parts


def test_a_condition_between_two_questions_belongs_to_the_second(vocab):
    r = read("处理投诉部门8月1日收到材料，正常最晚哪天给结果？如果情况复杂延长，最长到哪天？", vocab)
    assert [p.text for p in r.parts] == ["正常最晚哪天给结果", "如果情况复杂延长，最长到哪天"]
    assert r.background == ["处理投诉部门8月1日收到材料"]
    # Before any question a condition is the asker's situation, as before.
    r = read("如果每年涨5%，三年后是多少？", vocab)
    assert r.background == ["如果每年涨5%"]


def test_an_elliptical_question_about_something_else_is_a_part_of_its_own(vocab):
    """…适用这个条例吗？用财政资金的团体组织呢？ asks the question before about something else."""
    r = read("军队采购中小企业的货物，付款适用这个条例吗？用财政资金的团体组织呢？", vocab)
    assert [p.text for p in r.parts] == ["付款适用这个条例吗", "用财政资金的团体组织呢"]
    assert r.parts[1].asks == r.parts[0].asks
    assert r.parts[1].query == "用财政资金的团体组织，付款适用这个条例吗"
    # 加起来呢 has no subject of its own: it is no elliptical part.
    assert [p.asks for p in read("柴桥多少亩，霞浦多少亩，加起来呢", vocab).parts][-1] == ["sum"]


def test_a_regulation_of_a_place_written_bare_is_named_as_not_held(vocab):
    assert read("上海优秀历史建筑保护条例对外立面改造有什么要求？", vocab).unknown_documents == ["上海优秀历史建筑保护条例"]
    # A held title written without 市 (or shortened) is that title.
    for q in ("上海城乡规划条例对临时建设怎么规定？", "上海规划条例里临时建筑能用多久？"):
        r = read(q, vocab)
        assert r.unknown_documents == [] and r.doc_ids == ["shanghai-urban-rural-planning-2018"], q


@pytest.mark.parametrize("question, parts, background", [
    # 一共三家 states a sum; 几家企业… opening a statement is "several": both tell, neither asks.
    ("隔壁两家加上我们一共三家企业，想一起联合改造，可土地出让到期时间都不一样，能统一吗",
     ["能统一吗"], ["隔壁两家加上我们一共三家企业", "想一起联合改造", "可土地出让到期时间都不一样"]),
    ("几家企业连合改造，各自土地出让到期时间不一样，怎么处理？", ["怎么处理"], ["几家企业连合改造", "各自土地出让到期时间不一样"]),
])
def test_a_sum_or_a_number_the_asker_states_asks_nothing(vocab, question, parts, background):
    r = read(question, vocab)
    assert [p.text for p in r.parts] == parts and r.background == background


def test_a_sum_or_several_still_asked_is_a_question(vocab):
    assert [p.asks for p in read("新碶和大碶一共多少家？", vocab).parts] == [["sum", "amount"]]
    assert [p.text for p in read("几家企业完成了改造？", vocab).parts] == ["几家企业完成了改造"]


def test_one_question_about_two_situations_is_asked_of_each(vocab):
    r = read("大公司拖着货款不给，另外城管还乱罚我们款，按中小企业促进法我们能怎么办？", vocab)
    assert [p.text for p in r.parts] == ["大公司拖着货款不给，按中小企业促进法我们能怎么办",
                                         "另外城管还乱罚我们款，按中小企业促进法我们能怎么办"]
    assert r.background == []
    # One situation told in two segments stays one question.
    assert len(read("大公司拖着货款不给，已经半年了，我们能怎么办？", vocab).parts) == 1


@pytest.mark.parametrize("question, asks", [
    # How conduct asked to be unlawful is dealt with asks its penalty, said in a penalty's words.
    ("街道让企业出钱赞助活动，这样合法吗？不照办会怎么处理？", [["yesno"], ["penalty"]]),
    ("乱收费的单位会被怎么查处？", [["penalty"]]),
])
def test_how_unlawful_conduct_is_dealt_with_asks_the_penalty(vocab, question, asks):
    r = read_question(normalize_question(question, 2000), vocab)
    assert [p.asks for p in r.parts] == asks
    if len(r.parts) == 2:
        assert r.parts[1].cue == "（会受到什么处罚）" and r.parts[1].query.endswith(r.parts[1].cue)


def test_a_handling_question_after_a_question_of_fact_is_not_a_penalty(vocab):
    r = read_question(normalize_question("保证金什么时候退？到期以后怎么处理？", 2000), vocab)
    assert "penalty" not in [k for p in r.parts for k in p.asks]


def test_which_kind_asks_a_classification_not_what_applies(vocab):
    r = read_question(normalize_question("我们三家厂想一起改造中间的空地，这算哪种改造模式？", 2000), vocab)
    assert r.parts[0].asks == ["definition"]


def test_what_money_is_used_for_is_a_question_of_its_own(vocab):
    r = read_question(normalize_question("这笔专项资金由谁安排，钱主要花在哪？", 2000), vocab)
    assert [p.asks for p in r.parts] == [["who"], ["list"]]


def test_a_segment_that_only_says_where_is_the_topic_of_the_next_part(vocab):
    """…标准里，…？…？ — a segment ending in 里/中/方面 with no question mark of its own says
    where the next part asks; its words (even a slip that reads as 谁) ask nothing themselves."""
    r = read("款项支付条例的投诉处理谁里，受理以后多少个工作日转交？结果多久反馈？", vocab)
    assert [p.text for p in r.parts] == ["款项支付条例的投诉处理谁里，受理以后多少个工作日转交", "结果多久反馈"]
    assert "who" not in r.parts[0].asks
    # Without a stray asking word the same segment is background, as before.
    r = read("投诉处理的规定里，受理以后几个工作日要转交？结果多久反馈？", vocab)
    assert r.background == ["投诉处理的规定里"]


def test_a_conjunction_before_a_place_word_names_no_place(vocab):
    # …区里牵头还是街道负责: 还是 is no 街道's name (it would be declined as a place not held).
    r = read("这个工作到底是区里牵头还是街道负责？", vocab)
    assert r.unknown_places == [] and r.places == []
    assert read("镇海区的企业能申请吗？", vocab).unknown_places == ["镇海区"]


def test_a_told_segment_before_a_question_pointing_back_at_it_is_that_questions_topic(vocab):
    r = read("我们公司备案的项目后来建设规模改了不少，一直没告诉备案机关。这种情况会怎么处理？", vocab)
    assert [p.text for p in r.parts] == ["一直没告诉备案机关，这种情况会怎么处理"]
    assert r.parts[0].asks == ["penalty"]
    # A segment that asks (从哪来) stays a part of its own.
    r = read("专项经费从哪来，哪个部门负责落实？", vocab)
    assert [p.text for p in r.parts] == ["专项经费从哪来", "哪个部门负责落实"]
