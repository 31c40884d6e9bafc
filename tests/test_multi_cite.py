"""Answers that cite every clause bearing on the question, and the metric that counts them.

Composer tests hand the composer real parsed clauses with retrieval scores shaped like fused
(RRF) scores, so each test states what retrieval found and how close each hit was. Metric
tests score real clause ids; the report shows article recall beside the baselines.
"""

from __future__ import annotations

import pytest

from assistant.answer import bearing
from assistant.answer.extractive import compose
from assistant.answer.normalize import normalize_question
from assistant.models import Answer, Citation
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import read_question
from evals.gold import GoldItem
from evals.metrics.article_recall import article_recall_at_k, found_ids, is_multi_article
from evals.runner import EvalRun, score_answer, system_result
from tests.conftest import compose_from

PAY25 = "sme-payment-2025:"
PAY20 = "sme-payment-2020:"


@pytest.fixture(scope="module")
def corpus(laws_and_vocab):
    return laws_and_vocab


def ask(corpus, question: str, *scored: tuple[str, float]) -> Answer:
    return compose_from(corpus, question, *scored)


def ids(answer: Answer) -> list[str]:
    return [c.id for c in answer.citations]


def body(answer: Answer) -> list[str]:
    return answer.answer.split("\n\n依据：")[0].split("\n")


# --- the composer --------------------------------------------------------------

DEADLINE_Q = ("区里一个局从我们公司采购服务，合同约定验收合格后付款、付款期限按条例允许的最长期限，"
              "2025年11月3日验收合格的，最晚哪天要付？")


def test_a_time_limit_the_lead_lacks_comes_from_a_close_clause_with_its_own_marker(corpus):
    a = ask(corpus, DEADLINE_Q, (PAY25 + "art10.k1", 0.0325), (PAY25 + "art9.k1", 0.0318),
            ("investment-project-approval-2016:art10.k1", 0.0312))
    assert ids(a) == [PAY25 + "art10.k1", PAY25 + "art9.k1"]
    assert body(a) == [
        "据《保障中小企业款项支付条例》（2025年版）第十条第一款，机关、事业单位和大型企业与中小企业约定以货物、工程、"
        "服务交付后经检验或者验收合格作为支付中小企业款项条件的，付款期限应当自检验或者验收合格之日起算[1]。",
        "据《保障中小企业款项支付条例》（2025年版）第九条第一款，合同另有约定的，从其约定，但付款期限最长不得超过60日[2]。",
    ]
    # The added clause's sentence is shown above: its basis line names it without quoting it again.
    assert a.answer.endswith("\n[2] " + a.citations[1].label)


def test_a_clause_far_behind_in_this_questions_ranking_is_not_added(corpus):
    # The same clause, but after a large drop in fused score (found by one retriever only).
    a = ask(corpus, DEADLINE_Q, (PAY25 + "art10.k1", 0.0325), ("investment-project-approval-2016:art10.k1", 0.0318),
            (PAY25 + "art9.k1", 0.0161))
    assert ids(a) == [PAY25 + "art10.k1"]


def test_the_penalty_is_cited_from_the_list_article_with_the_item_about_the_conduct(corpus):
    a = ask(corpus, "机关拖延验收的，付款期限怎么算，会受什么处罚？", (PAY25 + "art10.k2", 0.0325),
            (PAY25 + "art31", 0.0318), (PAY25 + "art31.2", 0.0310))
    assert ids(a) == [PAY25 + "art10.k2", PAY25 + "art31"]
    assert body(a)[1] == ("据《保障中小企业款项支付条例》（2025年版）第三十一条，机关、事业单位违反本条例，有下列情形之一的，"
                          "由其上级机关、主管部门责令改正；拒不改正的，对负有责任的领导人员和直接责任人员依法给予处分"
                          "……（二）拖延检验、验收[2]。")
    # The penalty is stated now: no "the cited text sets no penalty" line.
    assert "未规定具体的处罚" not in a.answer


@pytest.mark.parametrize("question, item, article, head, rule", [
    ("机关要求以审计机关的审计结果作为结算依据，这种情形怎么算？", "sme-payment-2020:art25.4", "sme-payment-2020:art25",
     "有下列情形之一的，由其上级机关、主管部门责令改正；拒不改正的，对直接负责的主管人员和其他直接责任人员依法给予处分……（四）",
     "sme-payment-2020:art11"),
    ("有个部门在目录清单之外收费，这算什么情形？", "business-environment-2019:art69.6", "business-environment-2019:art69",
     "有下列情形之一的，依法依规追究责任……(六)", "business-environment-2019:art25"),
])
def test_a_list_item_leads_with_the_head_of_its_list(corpus, question, item, article, head, rule):
    """An item alone (（四）没有…依据，要求以审计结果作为结算依据) says neither that it is forbidden nor
    what follows: it is shown after its list's head, up to the colon, and cited as the article."""
    clauses, vocab = corpus
    q = normalize_question(question, 2000)
    a = compose(q, [Hit(clause=clauses[item], score=0.03)], reading=read_question(q, vocab), vocab=vocab,
                clauses=clauses)
    assert ids(a)[:2] == [article, rule]  # the rule the penalty enforces comes with it
    assert head in body(a)[0] and body(a)[0].endswith("[1]。")


def test_a_single_fact_the_lead_states_gets_no_extra_clause(corpus):
    a = ask(corpus, "核准机关多长时间内要作出是否核准的决定", ("investment-project-approval-2016:art10.k1", 0.0325),
            ("shanghai-urban-rural-planning-2018:art29.k1", 0.0318))
    assert ids(a) == ["investment-project-approval-2016:art10.k1"]


def test_boilerplate_is_never_cited_beside_the_lead(corpus):
    clauses, _ = corpus
    a = ask(corpus, "2020年版有没有这个10个工作日的要求？", (PAY25 + "art25.k1", 0.0279),
            ("business-environment-2019:preamble", 0.0268))
    assert ids(a) == [PAY25 + "art25.k1"]
    purpose = clauses["business-environment-2019:art1"]
    assert bearing.boilerplate(purpose.text, purpose)
    effect = clauses[PAY25 + "art37"]
    assert bearing.boilerplate(effect.text, effect) and not bearing.boilerplate(effect.text, effect, asks_when=True)
    assert not bearing.boilerplate(clauses[PAY25 + "art9.k1"].text, clauses[PAY25 + "art9.k1"])


def test_both_versions_are_cited_when_the_question_names_both(corpus):
    scored = [(PAY25 + "art17", 0.0325), (PAY20 + "art15", 0.0323), (PAY25 + "art18.k2", 0.0304)]
    a = ask(corpus, "逾期利息的算法，2020年版和2025年版有区别吗？", *scored)
    assert ids(a) == [PAY25 + "art17", PAY20 + "art15"]
    assert body(a)[1] == ("据《保障中小企业款项支付条例》（2020年版）第十五条，机关、事业单位和大型企业迟延支付中小企业款项的，"
                          "应当支付逾期利息[2]。")
    # Another version's wording is compared: its basis line quotes it.
    assert "\n[2] 保障中小企业款项支付条例" in a.answer and "万分之五" in a.answer.split("\n[2] ")[1]
    # A question that names no version is answered from the lead's version alone.
    assert ids(ask(corpus, "逾期利息的算法是怎样的？", *scored)) == [PAY25 + "art17"]


def test_the_paragraph_leads_rather_than_its_article_when_both_say_it(corpus):
    a = ask(corpus, "2020年那版条例里，大型企业从中小企业采购的付款期限是怎么规定的？", (PAY20 + "art8", 0.0328),
            (PAY25 + "art9.k2", 0.0315), (PAY20 + "art8.k2", 0.0313))
    assert ids(a)[0] == PAY20 + "art8.k2"


@pytest.mark.parametrize("scores, close", [
    ([0.0328, 0.0311, 0.0306, 0.0159, 0.0159], 3),   # two found by one retriever only
    ([0.0325, 0.0310, 0.0308, 0.0305, 0.0302], 5),   # no clear break: all close
    ([1.0, 0.5, 0.33], 1),
    ([0.03], 1),
])
def test_close_hits_are_those_above_the_largest_drop(corpus, scores, close):
    clauses, _ = corpus
    some = list(clauses.values())[:len(scores)]
    hits = [Hit(clause=c, score=s) for c, s in zip(some, scores)]
    assert [h.score for h in bearing.close_hits(hits)] == scores[:close]


# --- the metric -----------------------------------------------------------------

@pytest.mark.parametrize("ranking, expected, k, score", [
    ([PAY25 + "art10.k1", PAY25 + "art9.k1"], [PAY25 + "art9.k1", PAY25 + "art10"], 5, 1.0),  # k1 within art10
    ([PAY25 + "art10.k1"], [PAY25 + "art9.k1", PAY25 + "art10"], 5, 0.5),
    ([PAY25 + "art10"], [PAY25 + "art10.k1"], 5, 0.0),  # a broader clause does not count
    ([PAY25 + "art1", PAY25 + "art2", PAY25 + "art9.k1"], [PAY25 + "art9.k1", PAY25 + "art2"], 2, 0.5),  # cut at k
    ([[PAY25 + "art1", PAY25 + "art9.k1"]], [PAY25 + "art9.k1", PAY25 + "art1"], 1, 1.0),  # a group of ids
    ([PAY25 + "art9.k1"], [PAY25 + "art9.k1", PAY25 + "art9.k1"], 5, 1.0),  # repeats count once
])
def test_article_recall_is_the_share_of_expected_clauses_found(ranking, expected, k, score):
    assert article_recall_at_k(ranking, expected, k) == pytest.approx(score)


def test_article_recall_needs_expected_ids_and_says_which_were_found():
    assert article_recall_at_k([PAY25 + "art9"], [], 5) is None
    assert found_ids([PAY25 + "art9.k1"], [PAY20 + "art8.k2", PAY25 + "art9"], 5) == [PAY25 + "art9"]
    assert is_multi_article([PAY25 + "art9", PAY20 + "art8"]) and not is_multi_article([PAY25 + "art9"])
    assert not is_multi_article([PAY25 + "art9", PAY20 + "art8"], multi_article=False)


def test_a_gold_item_marked_multi_article_needs_two_expected_clauses():
    with pytest.raises(ValueError, match="x1: multi_article needs two or more expected_clause_ids"):
        GoldItem(id="x1", question="q", kind="penalty", expected_clause_ids=[PAY25 + "art31"], multi_article=True)


def _answer(*cited: str) -> Answer:
    cites = [Citation(id=c, label=c, text="…", source="s") for c in cited]
    return Answer(question="q", answer="".join(f"甲{n}[{n}]。" for n in range(1, len(cited) + 1)),
                  abstained=False, citations=cites)


def test_the_runner_scores_multi_article_items_apart_and_names_the_missing_clause():
    two = GoldItem(id="m", question="q", kind="penalty", expected_clause_ids=[PAY25 + "art10.k2", PAY25 + "art31"])
    one = GoldItem(id="s", question="q", kind="penalty", expected_clause_ids=[PAY25 + "art31"])
    r = score_answer(two, _answer(PAY25 + "art10.k2"), 5, clause_texts={})
    assert r.scores["article_recall_at_k"] == 0.5 and r.scores["article_recall_multi"] == 0.5
    assert f"expected clauses not in the top 5: ['{PAY25}art31']" in r.problems
    s = score_answer(one, _answer(PAY25 + "art31"), 5, clause_texts={})
    assert s.scores["article_recall_at_k"] == 1.0 and s.scores["article_recall_multi"] is None
    # A retrieval baseline is scored on its ranking the same way.
    b = score_answer(two, _answer(PAY25 + "art31", PAY25 + "art10"), 5, as_answer=False, clause_texts={})
    assert b.scores["article_recall_multi"] == 0.5


def test_the_report_prints_article_recall_beside_each_baseline():
    from evals.gold import Thresholds
    from evals.report import article_rows, summary_table

    two = GoldItem(id="m", question="q", kind="penalty", expected_clause_ids=[PAY25 + "art10.k2", PAY25 + "art31"])
    one = GoldItem(id="s", question="q2", kind="penalty", expected_clause_ids=[PAY25 + "art31"])
    mine = system_result("assistant", "", [score_answer(two, _answer(PAY25 + "art10.k2", PAY25 + "art31"), 5,
                                                        clause_texts={}),
                                           score_answer(one, _answer(PAY25 + "art31"), 5, clause_texts={})], True)
    bm25 = system_result("bm25", "", [score_answer(two, _answer(PAY25 + "art31"), 5, as_answer=False, clause_texts={}),
                                      score_answer(one, _answer(PAY25 + "art9"), 5, as_answer=False,
                                                   clause_texts={})], False)
    run = EvalRun(gold_file="g.jsonl", k=5, n_items=2, systems=[mine, bm25], thresholds=Thresholds(), violations=[])
    assert article_rows(run) == [
        ["system", "article recall@5", "n", "multi-article recall@5", "n"],
        ["assistant", "1.000", "2", "1.000", "1"],
        ["bm25", "0.250", "2", "0.500", "1"],
    ]
    table = summary_table(run)
    assert "art.rec@5" in table.splitlines()[1] and "art.rec.multi" in table.splitlines()[1]
    assert table.splitlines()[-1] == "multi-article recall@5 (1 items): assistant 1.000, bm25 0.500"


def test_a_part_that_asks_what_befalls_the_offender_reads_the_situation_told_before_it(corpus):
    """…要我们交现金保证金，不收银行保函，能这样吗？他们违规了会怎样？ — the second part names
    nothing; the situation the asker told says which item of the penalty list bears on it."""
    from assistant.answer.extractive import compose_parts

    clauses, vocab = corpus
    q = normalize_question("区里一个机关要我们交现金保证金，不收银行保函，能这样吗？他们违规了会怎样？", 2000)
    reading = read_question(q, vocab)
    assert [p.asks for p in reading.parts] == [["yesno"], ["penalty"]]
    hits = [[Hit(clause=clauses[PAY25 + "art13"], score=0.03)], [Hit(clause=clauses[PAY25 + "art13.k2"], score=0.03)]]
    a = compose_parts(q, reading, hits, vocab, clauses=clauses)
    assert ids(a) == [PAY25 + "art13", PAY25 + "art13.k2", PAY25 + "art31"]
    assert body(a)[-1].endswith("……（五）违法收取保证金，拒绝接受中小企业以金融机构出具的保函等提供保证，"
                                "或者不及时与中小企业对保证金进行核算并退还[3]。")
    # Without the situation (the part alone) nothing says which item: no penalty is cited.
    alone = read_question(normalize_question("他们违规了会怎样？", 2000), vocab)
    assert ids(compose_parts("他们违规了会怎样？", alone, hits[1:], vocab, clauses=clauses)) == [PAY25 + "art13.k2"]


def test_everyday_words_choose_the_sentence_as_their_policy_terms(corpus):
    """补交出让金 is 增收土地价款 in the plan's words: the clause that says so leads, though the
    other shares more of the asker's own words (加层, 容积率)."""
    a = ask(corpus, "我们厂想在原址加层，容积率提高了是不是要补交出让金？",
            ("lzb-2024-22:s4.5", 0.0330), ("lzb-2024-22:s6.5", 0.0325))
    assert ids(a)[0] == "lzb-2024-22:s6.5"
    assert "企业自用提高的容积率不增收土地价款" in body(a)[0]


def test_a_ratio_asked_as_a_basis_is_answered_by_the_basis_named(corpus):
    """按什么比例 is answered by 按原土地使用权比例: no figure is missing."""
    a = ask(corpus, "几家企业土地挨着想一起搞联合改造，产权集中后定量不定位分割，是按什么比例分回去？",
            ("lzb-2024-22:s4.4", 0.0330))
    assert not a.abstained and "按原土地使用权比例分割到原产权人名下" in body(a)[0]
    assert "未规定" not in a.answer


def test_what_the_asker_may_do_leads_with_the_right_granted(corpus):
    """我们能怎么办 is answered by 有权拒绝和举报、控告, the sentence of the same article that
    grants the right, before the prohibition it follows."""
    a = ask(corpus, "城管乱罚我们款，按中小企业促进法我们能怎么办？", ("sme-promotion-law-2017:art54", 0.0330))
    assert "中小企业对违反上述规定的行为有权拒绝和举报、控告[1]" in body(a)[0]
    # Asked what the rule is, the rule leads.
    b = ask(corpus, "城管乱罚款，中小企业促进法怎么规定的？", ("sme-promotion-law-2017:art54", 0.0330))
    assert "不得实施没有法律、法规依据的罚款" in body(b)[0]


def test_a_part_named_by_its_own_title_leads_before_the_list_that_names_it(corpus):
    """村集体主导改造 is the title of 四、（三）; 四、 only lists it among five models."""
    a = ask(corpus, "村集体主导改造这种模式是谁来牵头？", ("lzb-2024-22:s4", 0.0325), ("lzb-2024-22:s4.3", 0.0325))
    assert ids(a)[0] == "lzb-2024-22:s4.3" and "由各街道主导" in body(a)[0]


def test_a_part_asking_a_time_limit_the_sentence_above_lacks_gets_the_clause_that_sets_it(corpus):
    """…必须配合确认吗？有没有时间限制？ — 及时确认 answers the first part and sets no period; the
    clause that does (30日内确认) answers the second, though it shares none of its words."""
    from assistant.answer.extractive import compose_parts

    clauses, vocab = corpus
    q = normalize_question("我们拿应收账款去银行融资，付款的大企业必须配合确认吗？有没有时间限制？", 2000)
    reading = read_question(q, vocab)
    first = [Hit(clause=clauses["sme-promotion-law-2017:art20.k1"], score=0.033)]
    second = [*first, Hit(clause=clauses[PAY25 + "art16.k2"], score=0.030)]
    a = compose_parts(q, reading, [first, second], vocab, clauses=clauses)
    part2 = a.answer.split("（2）")[1].split("\n\n依据：")[0]
    assert part2.startswith("有没有时间限制：见上[1]。")
    assert "自中小企业提出确权请求之日起30日内确认债权债务关系" in part2
