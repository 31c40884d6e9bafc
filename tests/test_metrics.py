"""Each metric on hand-made answers in the answer-contract shape, over real clause texts.

Wrong clause, no citation, invented marker, a quote not in the clause and a number no
clause or tool gave must each be caught; correct answers must pass.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.corpus import clause_map
from evals.metrics import text as T
from evals.metrics.abstention import abstention_scores
from evals.metrics.calculator import calculator_exactness, values_equal
from evals.metrics.citation_precision import citation_precision
from evals.metrics.citation_recall import citation_recall
from evals.metrics.dangling import dangling_markers
from evals.metrics.facts import fact_accuracy, fact_present
from evals.metrics.latency import latency_summary, percentile
from evals.metrics.mrr import reciprocal_rank
from evals.metrics.recall import clause_recall_at_k

DOC = "lzb-2024-22:"
CLAUSES = clause_map()


def cite(short_id: str) -> dict:
    c = CLAUSES[DOC + short_id]
    return {"id": c.id, "label": c.label, "text": c.text, "source": c.source, "page": c.page}


def answer(text: str, cites: list[str], tool_calls: list[dict] | None = None,
           question: str = "问题", abstained: bool = False) -> dict:
    return {"question": question, "answer": text, "abstained": abstained,
            "citations": [cite(c) for c in cites], "tool_calls": tool_calls or []}


EQUITY_CALL = {"name": "equity_acquisition_subsidy", "arguments": {"price_yuan": "120000000"},
               "result": {"max_subsidy_yuan": "12000000", "formula": "price_yuan × 10%",
                          "clause_id": DOC + "s6.6"}}
LAND_QUOTE = "对以市场价自愿成功交易的宗地项目，经备案认可且提交区政府常务会议审定后，根据地块土地等级，按照国有土地征收实际评估价给予 30%的补助"
EQUITY_QUOTE = "对以股权收购方式并购的，经备案认可且提交区政府常务会议审定后，按不超过股权收购价格的 10% 给予补助。"


# --- text helpers ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("甲。乙；丙！丁？戊", ["甲。", "乙；", "丙！", "丁？", "戊"]),
    ("补助30%[1]。股权10%[1]。", ["补助30%[1]。", "股权10%[1]。"]),
    ("补助30%。[1]股权10%。[2]", ["补助30%。[1]", "股权10%。[2]"]),
    ("规定：「甲。乙」[1]。\n丙", ["规定：「甲。乙」[1]。", "丙"]),
    ("“一。二”之后。", ["“一。二”之后。"]),
    ("“以“2070”为纲。领”[1]。乙", ["“以“2070”为纲。领”[1]。", "乙"]),
    ("未闭合“引号。乙", ["未闭合“引号。", "乙"]),
    ("甲[1]。\n\n依据：\n[1] 标签：“原文。原文”\n[2] 标签二", ["甲[1]。", "依据："]),
    ("\n\n  \n", []),
    ("甲。\n[1][2]", ["甲。[1][2]"]),
    ("甲。\n[1] 乙", ["甲。"]),
    ("[1]甲。", []),
])
def test_split_statements(text, expected):
    assert T.split_statements(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("补助600万元，面积1,500亩，增长6％", [(Decimal(600), "万元"), (Decimal(1500), "亩"), (Decimal(6), "%")]),
    ("按每亩 1—5 万元[3]", [(Decimal(1), None), (Decimal(5), "万元")]),
    ("容积率２.０以上", [(Decimal("2.0"), None)]),
    ("2024年4月底前", [(Decimal(2024), "年"), (Decimal(4), "月")]),
])
def test_numbers_with_units(text, expected):
    assert T.numbers(text) == expected


@pytest.mark.parametrize("value, unit, pool_text, ok", [
    (Decimal(600), "万元", "6000000", True),
    (Decimal(30), "%", "给予 30%的补助", True),
    (Decimal(40), "%", "给予 30%的补助", False),
    (Decimal("1.2"), "亿元", "120000000", True),
    (Decimal("0.5"), "%", "土地出让收入的 0.5% 与", True),
])
def test_number_supported(value, unit, pool_text, ok):
    assert T.number_supported(value, unit, T.number_pool([pool_text])) is ok


@pytest.mark.parametrize("statement, claim", [
    ("根据文件规定：", False),
    ("[1]", False),
    ("补助为30%[1]。", True),
    ("政策如下：「甲乙丙」[1]", True),
])
def test_is_claim(statement, claim):
    assert T.is_claim(statement) is claim


@pytest.mark.parametrize("text, expected", [
    ("甲「乙丙」丁“戊己”", ["乙丙", "戊己"]),
    ("以“以“2070”为纲领”", ["以“2070”为纲领"]),
    ("「单」", []),
])
def test_quotes(text, expected):
    assert T.quotes(text) == expected


def test_reference_entries():
    text = "甲[1]。\n依据：\n[1] 标签：“原文。\n第二行”\n[2] 标签二"
    assert T.reference_entries(text) == [(1, "标签：“原文。\n第二行”"), (2, "标签二")]


# --- citation recall ------------------------------------------------------------

def test_correct_extractive_answer_passes():
    ans = answer(f"根据政策：\n「{LAND_QUOTE}」[1]。", ["s6.6"])
    rec = citation_recall(ans)
    assert (rec.score, rec.unsupported) == (1.0, [])
    assert citation_precision(ans).score == 1.0
    assert dangling_markers(ans) == []


def test_correct_paraphrase_passes():
    ans = answer("白名单企业以市场价收购土地厂房，经备案认可并经区政府常务会议审定后，"
                 "按国有土地征收实际评估价给予30%的补助[1]。", ["s6.6"])
    assert citation_recall(ans).score == 1.0


def test_quote_containing_full_stops_is_one_statement():
    ans = answer(f"原文：「{EQUITY_QUOTE}」[1]", ["s6.6"])
    rec = citation_recall(ans)
    assert len(rec.statements) == 1 and rec.score == 1.0


def test_wrong_clause_with_number_is_caught():
    ans = answer("按照国有土地征收实际评估价给予30%的补助[1]。", ["s6.8"])
    rec = citation_recall(ans)
    assert rec.score == 0.0
    assert "number 30% is in no cited clause or tool result" in rec.unsupported[0].verdict.reasons


def test_wrong_clause_without_number_is_caught():
    ans = answer("区经信局负责制定工业用地全生命周期管理办法[1]。", ["a1.d3"])
    rec = citation_recall(ans)
    assert rec.score == 0.0
    assert rec.unsupported[0].verdict.reasons[0].startswith("cited text covers")
    assert citation_recall(answer("区经信局负责制定工业用地全生命周期管理办法[1]。", ["a1.d4"])).score == 1.0


def test_citing_nothing_is_caught():
    ans = answer("白名单企业收购土地可获得评估价30%的补助。", [])
    rec = citation_recall(ans)
    assert rec.score == 0.0
    assert rec.unsupported[0].verdict.reasons == [
        "number 30% is in no cited clause or tool result", "cites nothing"]
    # A listed citation that no marker points at supports nothing either.
    listed = answer("白名单企业收购土地可获得评估价30%的补助。", ["s6.6"])
    assert citation_recall(listed).score == 0.0
    assert citation_precision(listed).score == 0.0


def test_invented_marker_is_caught():
    ans = answer("按照国有土地征收实际评估价给予30%的补助[2]。", ["s6.6"])
    assert dangling_markers(ans) == [2]
    assert citation_recall(ans).score == 0.0
    assert citation_precision(ans).irrelevant == [1]


def test_quote_not_in_clause_is_caught():
    ans = answer("文件规定「按照国有土地征收实际评估价给予30%的奖励」[1]。", ["s6.6"])
    rec = citation_recall(ans)
    assert rec.score == 0.0
    assert rec.unsupported[0].verdict.reasons == ["quote not in any cited clause: 「按照国有土地征收实际评估价给予30%的奖励」"]


def test_quote_with_ellipsis_must_match_each_part():
    good = answer("「对以股权收购方式并购的……按不超过股权收购价格的 10% 给予补助」[1]", ["s6.6"])
    bad = answer("「对以股权收购方式并购的……按不超过股权收购价格的 15% 给予补助」[1]", ["s6.6"])
    assert citation_recall(good).score == 1.0
    assert citation_recall(bad).score == 0.0


def test_number_no_clause_or_tool_gave_is_caught():
    ans = answer("以股权收购方式并购的，按不超过股权收购价格的15%给予补助[1]。", ["s6.6"])
    rec = citation_recall(ans)
    assert rec.score == 0.0
    assert rec.unsupported[0].verdict.reasons == ["number 15% is in no cited clause or tool result"]


def test_number_from_tool_result_is_supported_and_without_tool_is_not():
    text = "以股权收购方式并购的，按不超过股权收购价格的10%给予补助，最多补助1200万元[1]。"
    with_tool = answer(text, ["s6.6"], [EQUITY_CALL])
    without = answer(text, ["s6.6"])
    assert citation_recall(with_tool).score == 1.0
    assert citation_recall(without).score == 0.0
    assert citation_recall(without).unsupported[0].verdict.reasons == [
        "number 1200万元 is in no cited clause or tool result"]


def test_number_from_the_question_is_supported():
    ans = answer("股权收购价格1.2亿元，补助不超过股权收购价格的10%[1]。", ["s6.6"],
                 question="股权收购价格是1.2亿元，最多补助多少？")
    assert citation_recall(ans).score == 1.0


def test_arithmetic_line_from_a_tool_needs_no_marker():
    ans = answer("最多补助12000000元。\n计算：120000000 × 10% = 12000000元。\n"
                 "依据：按不超过股权收购价格的 10% 给予补助[1]。", ["s6.6"], [EQUITY_CALL])
    assert citation_recall(ans).score == 1.0
    invented = answer("最多补助13000000元。", ["s6.6"], [EQUITY_CALL])
    assert citation_recall(invented).score == 0.0


def test_partial_support_is_a_fraction():
    ans = answer("按不超过股权收购价格的 10% 给予补助[1]。专项经费提取土地出让收入的5%[1]。", ["s6.6"])
    assert citation_recall(ans).score == 0.5


def test_reference_list_is_not_a_claim_but_must_quote_its_citation():
    body = "按照国有土地征收实际评估价给予30%的补助[1]。\n\n依据：\n"
    good = answer(body + f"[1] 仑政办〔2024〕22号 六、政策举措（六）支持兼并收购：“{LAND_QUOTE}”", ["s6.6"])
    rec = citation_recall(good)
    assert (rec.score, len(rec.statements)) == (1.0, 1)
    bad = answer(body + "[1] 仑政办〔2024〕22号 六、政策举措（六）：“给予50%的补助”", ["s6.6"])
    rec = citation_recall(bad)
    assert rec.score == 0.5
    assert rec.unsupported[0].verdict.reasons == ["reference entry misquotes citation [1]: 「给予50%的补助」"]


def test_listing_a_citation_in_the_reference_list_does_not_make_it_precise():
    ans = answer("按照国有土地征收实际评估价给予30%的补助[1]。\n依据：\n[1] 六（六）\n"
                 "[2] 六（八）：“提取土地出让收入的 0.5% 与征收的差别化电费合并作为“腾笼换鸟”专项经费”",
                 ["s6.6", "s6.8"])
    assert citation_precision(ans).irrelevant == [2]


def test_corpus_text_overrides_the_text_an_answer_supplies():
    forged = answer("按照国有土地征收实际评估价给予50%的补助[1]。", ["s6.6"])
    forged["citations"][0]["text"] = "按照国有土地征收实际评估价给予50%的补助。"
    assert citation_recall(forged).score == 1.0
    texts = {c.id: c.text for c in CLAUSES.values()}
    assert citation_recall(forged, clause_texts=texts).score == 0.0
    assert citation_precision(forged, clause_texts=texts).score == 0.0


def test_abstention_is_not_scored_for_citations():
    ans = answer("语料未涉及该问题。", [], abstained=True)
    assert citation_recall(ans).score is None
    assert citation_precision(ans).score is None


# --- citation precision --------------------------------------------------------

def test_citation_that_supports_nothing_counts_against():
    ans = answer("按照国有土地征收实际评估价给予30%的补助[1][2]。", ["s6.6", "s6.8"])
    prec = citation_precision(ans)
    assert (prec.score, prec.irrelevant) == (0.5, [2])
    assert citation_recall(ans).score == 1.0


def test_two_citations_each_supporting_own_statement_are_precise():
    ans = answer("按照国有土地征收实际评估价给予30%的补助[1]。"
                 "提取土地出让收入的0.5%与征收的差别化电费合并作为专项经费[2]。", ["s6.6", "s6.8"])
    assert citation_precision(ans).score == 1.0
    assert citation_recall(ans).score == 1.0


def test_citation_needed_jointly_is_precise():
    # Neither clause alone covers the statement's numbers; together they do.
    ans = answer("白名单企业并购补助30%，专项经费提取土地出让收入的0.5%[1][2]。", ["s6.6", "s6.8"])
    assert citation_recall(ans).score == 1.0
    assert citation_precision(ans).score == 1.0


# --- dangling markers ----------------------------------------------------------

@pytest.mark.parametrize("text, n, expected", [
    ("甲[1]乙[2]", 2, []),
    ("甲[1]乙[3]", 2, [3]),
    ("甲[0]", 1, [0]),
    ("没有引用[1]", 0, [1]),
])
def test_dangling_markers(text, n, expected):
    ans = answer(text, ["s6.6", "s6.8"][:n])
    assert dangling_markers(ans) == expected


# --- facts -----------------------------------------------------------------------

@pytest.mark.parametrize("fact, text, ok", [
    ("30%", "给予 30% 的补助[1]", True),
    ("30%", "给予３０％的补助", True),
    ("600万元", "补助6,000,000元", True),
    ("6000000元", "补助600万元", True),
    ("1500亩", "累计 1500 亩以上", True),
    ("1500亩", "累计1500平方米", False),
    ("区经信局", "办公室设在区经信局", True),
    ("区经信局", "办公室设在区财政局", False),
    ("50天", "控制在 50 天以内", True),
])
def test_fact_present(fact, text, ok):
    assert fact_present(fact, text) is ok


def test_fact_accuracy_lists_missing():
    assert fact_accuracy("屠斌斌任副组长", ["屠斌斌", "潘群威"]) == (0.5, ["潘群威"])
    assert fact_accuracy("任意", []) == (None, [])


# --- calculator -----------------------------------------------------------------

@pytest.mark.parametrize("calls, tool_ok, result_ok", [
    ([{"name": "land_acquisition_subsidy", "arguments": {"appraised_value_yuan": "20000000"},
       "result": {"subsidy_yuan": "6000000.00"}}], True, True),
    ([{"name": "land_acquisition_subsidy", "arguments": {"appraised_value_yuan": "20000000"},
       "result": {"subsidy_yuan": "5000000"}}], True, False),
    ([{"name": "land_acquisition_subsidy", "arguments": {"value_yuan": "20000000"},
       "result": {"amount_yuan": "6000000"}}], True, True),
    ([{"name": "equity_acquisition_subsidy", "arguments": {"price_yuan": "20000000"},
       "result": {"max_subsidy_yuan": "6000000"}}], False, False),
    ([{"name": "land_acquisition_subsidy", "arguments": {"appraised_value_yuan": "-1"},
       "error": "appraised_value_yuan must be positive"}], True, False),
    ([], False, False),
])
def test_calculator_exactness(calls, tool_ok, result_ok):
    score = calculator_exactness(calls, "land_acquisition_subsidy",
                                 {"appraised_value_yuan": "20000000"}, {"subsidy_yuan": "6000000"})
    assert (score.tool_ok, score.result_ok, score.exact) == (tool_ok, result_ok, float(tool_ok and result_ok))


@pytest.mark.parametrize("expected, actual, ok", [
    ("3", "3.00", True), ("3", 3, True), ("false", False, True), ("true", "True", True),
    ("2024-10-21", "2024-10-21", True), ("119101.6", "119101.60", True), ("1.7", "1.70001", False),
    (["2045", "2052"], [2052, 2045], True), (["2045"], "2045", False),
    ([{"expiry_year": 2045}], [{"expiry_year": "2045", "name": None}], True),
    ([{"expiry_year": 2045}], [{"expiry_year": 2046}], False),
])
def test_values_equal(expected, actual, ok):
    assert values_equal(expected, actual) is ok


# --- retrieval, abstention, latency ---------------------------------------------

@pytest.mark.parametrize("ranking, expected, k, recall, rr", [
    (["a", "b", "c"], ["c"], 3, 1.0, 1 / 3),
    (["a", "b", "c"], ["c"], 2, 0.0, 1 / 3),
    (["a", "b"], ["x", "b"], 5, 1.0, 0.5),
    (["a"], ["x"], 5, 0.0, 0.0),
    ([["a", "b"], ["c"]], ["b"], 1, 1.0, 1.0),
    (["a"], [], 5, None, None),
    # a clause inside an expected one (a row of a table, a paragraph of an article) counts;
    # a broader one, or one whose id merely starts with the same characters, does not
    (["d:s1", "d:a2.r4"], ["d:a2"], 5, 1.0, 0.5),
    (["d:art59.k1"], ["d:art59"], 5, 1.0, 1.0),
    (["d:art5"], ["d:art59"], 5, 0.0, 0.0),
    (["d:art59"], ["d:art5"], 5, 0.0, 0.0),
    (["d:s6"], ["d:s6.6"], 5, 0.0, 0.0),
])
def test_recall_and_reciprocal_rank(ranking, expected, k, recall, rr):
    assert clause_recall_at_k(ranking, expected, k) == recall
    assert reciprocal_rank(ranking, expected) == rr


def test_abstention_precision_and_recall():
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    assert abstention_scores(pairs) == {"abstention_precision": 2 / 3, "abstention_recall": 2 / 3}
    assert abstention_scores([(False, False)]) == {"abstention_precision": None, "abstention_recall": None}


def test_latency_percentiles():
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile(list(range(1, 21)), 95) == pytest.approx(19.05)
    assert latency_summary([]) == {"latency_p50_s": None, "latency_p95_s": None}
    with pytest.raises(ValueError, match="q=101"):
        percentile([1], 101)
