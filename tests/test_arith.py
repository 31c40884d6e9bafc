"""Arithmetic a clause states, read from the clause text itself (no pack): a rate or a range of
rates of a base, interest per day, a deadline counted from a date.

The rules are read from the real regulations of evals/documents and from a 办法 written here
with other rates, nouns and periods, so nothing is tied to one document; answers are exact and
pass the finaliser unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.answer.arith import arith_answer, bigrams, plus_days
from assistant.answer.arith_rules import read_rules, read_start_rules
from assistant.answer.finalise import finalise
from assistant.tools.quantities import find_quantities

# A rule set no pack describes: other rates (百分之三…八, 万分之三, 12%), nouns and periods.
SYNTHETIC = """# 某市企业合同履约管理办法

2025年3月1日 某市人民政府令第9号公布

2025年5月1日 施行

<!-- INFO END -->

第一条 为了规范企业合同履约行为，制定本办法。

第二条 企业违反本办法第一条规定拒不履行合同的，由市场监督管理部门责令改正，处合同金额百分之三以上百分之八以下的罚款。

第三条 企业逾期缴纳履约保证金的，按照每日万分之三加收滞纳金。

第四条 对购置节能设备的企业，按不超过设备投资额的12%给予补助。

第五条 主管部门应当自收到申请材料之日起15日内作出书面决定；情况复杂的，最长不得超过45日。

第六条 企业提出复核的，期限应当自复核受理之日起算。

第七条 主管部门应当自受理投诉之日起7个工作日内答复。
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict:
    """The 办法 above, parsed as any Markdown regulation is."""
    from assistant.corpus import meta_for_file, parse_file

    path = tmp_path_factory.mktemp("synthetic") / "contract-rules-2025.md"
    path.write_text(SYNTHETIC, encoding="utf-8")
    meta = meta_for_file(path, [])
    return {c.id: c for c in parse_file(path, meta)}


@pytest.fixture(scope="module")
def laws(parsed_laws_and_plan) -> dict:
    return parsed_laws_and_plan[0]


def _by_number(clauses: dict, number: str):
    """The article whose label ends with ``number`` (第二条 …)."""
    return next(c for c in clauses.values() if c.kind == "article" and c.label.endswith(number))


def _ask(question: str, ids: list[str], clauses: dict):
    answer = arith_answer(question, [clauses[i] for i in ids], clauses)
    return answer, (finalise(answer, clauses) if answer is not None else None)


# -- reading rules from clause text ----------------------------------------------------

def test_a_range_of_permille_of_a_base(laws):
    rules = read_rules(laws["investment-project-approval-2016:art18.k1"].text)
    assert [(r.kind, r.bound, r.base, r.base_kind, r.result_name) for r in rules] == \
        [("share", "range", "项目总投资额", "money", "罚款")]
    assert [(x.text, x.value) for x in rules[0].rates] == [("1‰", Decimal("0.001")), ("5‰", Decimal("0.005"))]


def test_chinese_percent_words_and_a_cap_in_one_article(laws):
    rules = read_rules(laws["shanghai-urban-rural-planning-2018:art58"].text)
    assert [(r.bound, r.base, [x.value for x in r.rates]) for r in rules] == [
        ("range", "建设工程造价", [Decimal("0.05"), Decimal("0.1")]),
        ("cap", "建设工程造价", [Decimal("0.1")]),
    ]
    assert rules[0].quote == "尚可采取改正措施消除对规划实施的影响的，限期改正，处建设工程造价百分之五以上百分之十以下的罚款"


def test_a_daily_rate_and_a_period_with_its_longest_agreed_term(laws):
    (daily,) = read_rules(laws["sme-payment-2025:art17"].text)
    assert (daily.kind, daily.rates[0].text, daily.rates[0].value, daily.result_name) == \
        ("per_day", "万分之五", Decimal("0.0005"), "逾期利息")
    assert daily.quote == "未作约定的，按照每日利率万分之五支付逾期利息"
    (period,) = read_rules(laws["sme-payment-2025:art9.k1"].text)
    assert (period.kind, period.days, period.day_unit, period.max_days, period.event, period.action) == \
        ("deadline", 30, "日", 60, "货物、工程、服务交付", "支付款项")
    assert period.max_quote == "合同另有约定的，从其约定，但付款期限最长不得超过60日"
    (start,) = read_start_rules(laws["sme-payment-2025:art10.k1"].text)
    assert start.event == "检验或者验收合格"


def test_a_raised_cap_takes_the_new_rate_and_names_the_part(laws):
    rules = read_rules("允许将配套设施的用地面积占项目总用地面积的比例上限由5%提高到9%，建筑面积占比上限相应提高到20%")
    share = rules[0]
    assert (share.bound, share.base, share.base_kind, [r.value for r in share.rates], share.result_name) == \
        ("cap", "项目总用地面积", "area", [Decimal("0.09")], "配套设施的用地面积")
    assert [r.value for r in share.before] == [Decimal("0.05")]  # the rate the change replaced


def test_the_rate_a_change_replaced_is_computed_when_the_former_one_is_asked(laws):
    q = "厂区总用地60亩，办公和生活配套用地现在最多能占多少亩？调整前最多多少？"
    answer, done = _ask(q, ["lzb-2024-22:s6.5"], laws)
    lines = done.answer.answer.split("\n")
    assert "项目总用地面积 60亩 × 15% = 9亩" in lines[2]
    assert lines[3] == "调整前的比例为7%，按此为4.2亩（项目总用地面积 60亩 × 7% = 4.2亩）[1]。"
    assert answer.tool_calls[0].result["before"] == {"rates": ["7%"], "results": ["4.2"]}
    # Not asked, not said.
    answer, _ = _ask("厂区总用地60亩，办公和生活配套用地最多能占多少亩？", ["lzb-2024-22:s6.5"], laws)
    assert "调整前" not in answer.answer and "before" not in answer.tool_calls[0].result


def test_the_synthetic_rules(synthetic):
    fine = read_rules(_by_number(synthetic, "第二条").text)
    assert [(r.bound, r.base, [x.value for x in r.rates]) for r in fine] == \
        [("range", "合同金额", [Decimal("0.03"), Decimal("0.08")])]
    (late,) = read_rules(_by_number(synthetic, "第三条").text)
    assert (late.kind, late.rates[0].value, late.result_name) == ("per_day", Decimal("0.0003"), "滞纳金")
    (grant,) = read_rules(_by_number(synthetic, "第四条").text)
    assert (grant.bound, grant.base, grant.rates[0].value, grant.result_name) == \
        ("cap", "设备投资额", Decimal("0.12"), "补助")
    (term,) = read_rules(_by_number(synthetic, "第五条").text)
    assert (term.days, term.max_days, term.event) == (15, 45, "收到申请材料")
    (workdays,) = read_rules(_by_number(synthetic, "第七条").text)
    assert (workdays.days, workdays.day_unit) == (7, "工作日")


@pytest.mark.parametrize("text", [
    "第一条 为了规范企业合同履约行为，制定本办法。",
    "对直接负责的主管人员处2万元以上5万元以下的罚款。",   # fixed amounts: nothing to compute
    "规上工业企业亩均税收年均增长6%以上。",               # a growth target is not a share of a base
])
def test_text_without_such_a_rule(text):
    assert read_rules(text) == []


# -- answers on the real regulations ---------------------------------------------------

def test_a_penalty_range_of_total_investment(laws):
    q = "我们一个实行核准管理的项目，总投资2亿元，没办核准就开工了，企业要罚多少钱？"
    answer, final = _ask(q, ["investment-project-approval-2016:art18"], laws)
    assert answer.answer.splitlines()[0] == \
        "按企业投资项目核准和备案管理条例 第十八条第一款，罚款为20万元（200000元）至100万元（1000000元）[1]。"
    assert [c.id for c in answer.citations] == ["investment-project-approval-2016:art18.k1"]
    (call,) = answer.tool_calls
    assert (call.name, call.result["results"], call.result["rates"]) == \
        ("clause_arithmetic", ["200000", "1000000"], ["1‰", "5‰"])
    assert final.notes == [] and final.answer.answer == answer.answer
    assert answer.question == q


def test_the_range_of_another_article(laws):
    q = "企业投资建设产业政策禁止投资建设的项目，总投资5000万元，企业要罚多少？"
    answer, final = _ask(q, ["investment-project-approval-2016:art20"], laws)
    assert "罚款为25万元（250000元）至50万元（500000元）[1]" in answer.answer
    assert "5‰以上10‰以下" in answer.answer
    assert final.notes == []


def test_both_penalties_of_an_article_with_their_conditions(laws):
    q = "没办建设工程规划许可证就加盖了一栋车间，造价500万元，还能改正的话大概罚多少钱？"
    answer, final = _ask(q, ["shanghai-urban-rural-planning-2018:art58"], laws)
    lines = answer.answer.splitlines()
    assert lines[0] == "按上海市城乡规划条例 第五十八条，罚款为25万元（250000元）至50万元（500000元）[1]。"
    assert lines[-1].endswith("按此为最多50万元（500000元）。")
    assert final.notes == []


def test_interest_per_day(laws):
    q = "对方拖了我们100万货款，合同里没约定逾期利息，已经逾期20天了，利息怎么算，大概多少钱？"
    answer, final = _ask(q, ["sme-payment-2025:art17", "sme-payment-2025:art16"], laws)
    assert answer.answer.splitlines() == [
        "按保障中小企业款项支付条例 第十七条，逾期利息为1万元（10000元）[1]。",
        "依据：“未作约定的，按照每日利率万分之五支付逾期利息”[1]。",
        "计算：1000000元 × 万分之五 × 20日 = 10000元[1]。",
    ]
    assert answer.tool_calls[0].result["result_yuan"] == "10000"
    assert final.notes == []


def test_a_deadline_from_a_full_date_in_the_paragraph_the_question_describes(laws):
    q = "我们给一家大型民营企业供货，货是2025年7月10日交付的，合同里没写付款期限，他们最晚哪天前得付款？"
    answer, final = _ask(q, ["sme-payment-2025:art9"], laws)
    assert answer.answer.splitlines()[0] == "按保障中小企业款项支付条例 第九条第二款，最晚应在2025年9月8日支付款项[1]。"
    assert answer.tool_calls[0].result["deadline"] == "2025-09-08"
    assert final.notes == []


def test_the_longest_agreed_term_counted_from_acceptance(laws):
    q = "区里一个局从我们公司采购服务，合同约定验收合格后付款、付款期限按条例允许的最长期限，2025年11月3日验收合格的，最晚哪天要付？"
    answer, final = _ask(q, ["sme-payment-2025:art10.k1", "sme-payment-2025:art9.k1"], laws)
    assert answer.answer.splitlines()[0] == "按保障中小企业款项支付条例 第九条第一款，最晚应在2026年1月2日支付款项[1]。"
    assert [c.id for c in answer.citations] == ["sme-payment-2025:art9.k1", "sme-payment-2025:art10.k1"]
    assert "“合同另有约定的，从其约定，但付款期限最长不得超过60日”[1]" in answer.answer
    assert final.notes == []


def test_a_day_without_its_year(laws):
    q = "给区里一个事业单位供货，3月5日货交付了，合同里没写付款期限，最晚哪天得付款？"
    answer, _ = _ask(q, ["sme-payment-2025:art9"], laws)
    assert answer.answer.splitlines()[0] == "按保障中小企业款项支付条例 第九条第一款，最晚应在4月4日支付款项[1]。"
    assert answer.answer.splitlines()[-1] == "另：“合同另有约定的，从其约定，但付款期限最长不得超过60日”[1]，按此最晚为5月4日。"


def test_an_area_share(laws):
    plan = [c for c in laws.values() if c.doc_id == "lzb-2024-22"]
    item = next(c for c in plan if "比例上限" in c.text and not c.children)
    q = "我们项目总用地40亩，经审批不新增宿舍面积，配套的行政办公及生活服务设施用地最多能占多少亩？"
    answer, final = _ask(q, [item.id], laws)
    assert "最多为6亩[1]" in answer.answer.splitlines()[0]
    assert "计算：项目总用地面积 40亩 × 15% = 6亩[1]。" in answer.answer
    assert final.notes == []


# -- answers on the synthetic 办法 -------------------------------------------------------

def test_synthetic_penalty_interest_grant_and_deadline(synthetic):
    ids = [c.id for c in synthetic.values() if c.kind == "article"]
    fine, _ = _ask("我们拒不履行合同，合同金额300万元，会被罚多少？", ids, synthetic)
    assert "罚款为9万元（90000元）至24万元（240000元）[1]" in fine.answer
    late, _ = _ask("履约保证金50万元逾期缴纳了10天，滞纳金多少？", ids, synthetic)
    assert "滞纳金为1500元[1]" in late.answer
    assert "500000元 × 万分之三 × 10日 = 1500元" in late.answer
    grant, _ = _ask("我们购置节能设备，设备投资额800万元，最多补助多少？", ids, synthetic)
    assert "补助最多为96万元（960000元）[1]" in grant.answer
    # Only the base is named, in everyday words (个亿, 最多补): the cap the rule sets is asked.
    cap, _ = _ask("设备投资额2个亿，最多补多少？", ids, synthetic)
    assert "补助最多为2400万元（24000000元）[1]" in cap.answer
    term, final = _ask("2025年6月20日收到申请材料，复杂情况下最长期限的话主管部门最晚哪天作出决定？", ids, synthetic)
    assert "最晚应在2025年8月4日作出书面决定[1]" in term.answer
    assert final.notes == []


# -- when not to compute ------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "合同金额300万元，印花税要交多少？",                # only the base noun is shared with a rule
    "我们拒不履行合同，合同金额300万元，会被怎样处理？",  # asks nothing to compute
    "2025年6月20日受理投诉，最晚哪天答复？",            # working days depend on the calendar
    "设备投资额800万元，主管部门多少天内作出决定？",      # asks a duration, not an amount
    "我们拒不履行合同，注册资本300万元，会被罚多少？",     # the amount given is not the rate's base
])
def test_no_answer_without_a_rule_the_numbers_feed(synthetic, question):
    articles = [c for c in synthetic.values() if c.kind == "article"]
    assert arith_answer(question, articles, synthetic) is None


def test_no_rule_among_the_hits(laws):
    q = "我们一个实行核准管理的项目，总投资2亿元，没办核准就开工了，企业要罚多少钱？"
    assert arith_answer(q, [laws["sme-payment-2025:art9.k1"], laws["sme-payment-2025:art17"]], laws) is None
    assert arith_answer("核准要多长时间？", [laws["investment-project-approval-2016:art18.k1"]], laws) is None


def test_a_missing_number_is_named(laws):
    q = "对方拖欠货款100万元，逾期利息按规定是多少？"
    answer = arith_answer(q, [laws["sme-payment-2025:art17"]], laws)
    assert answer.answer == ("这可以按保障中小企业款项支付条例 第十七条计算：“未作约定的，按照每日利率万分之五支付逾期利息”[1]。"
                             "但问题中缺少：天数（或起止日期）。请补充后再问。")
    assert answer.tool_calls == []


# -- helpers ------------------------------------------------------------------------------

def test_plus_days_counts_from_the_next_day():
    (full,) = find_quantities("2024年2月20日")
    assert plus_days(full, 10) == "2024-03-01"
    (no_year,) = find_quantities("2月20日")
    assert plus_days(no_year, 10) is None  # 2月29日 or not: the year decides
    (spring,) = find_quantities("3月5日")
    assert plus_days(spring, 30) == "--04-04"


def test_bigrams():
    assert bigrams("总投资2亿元") == {"总投", "投资", "亿元"}


# -- through the assistant ----------------------------------------------------------------

@pytest.mark.slow
def test_the_assistant_computes_what_an_unpacked_regulation_states(tmp_path):
    """An index of a regulation nobody wrote a pack for: the penalty range is computed from
    the article the question retrieves, cited, and passes the finaliser."""
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    law = Path(__file__).resolve().parents[1] / "evals" / "documents" / "investment-project-approval-2016.md"
    settings = Settings.from_env(home=tmp_path / "home")
    ingest([law], settings)
    a = Assistant(settings, auto_ingest=False, llm=False)
    answer = a.ask("我们一个实行核准管理的项目，总投资2亿元，没办核准就开工了，企业要罚多少钱？")
    assert not answer.abstained
    assert answer.answer.splitlines()[0] == \
        "按企业投资项目核准和备案管理条例 第十八条第一款，罚款为20万元（200000元）至100万元（1000000元）[1]。"
    assert [c.id for c in answer.citations] == ["investment-project-approval-2016:art18.k1"]
    assert [c.name for c in answer.tool_calls] == ["clause_arithmetic"]
    # A question about the same article without a number to compute with is quoted, not computed.
    plain = a.ask("实行核准管理的项目未办理核准手续就开工建设，企业会被怎样处罚？")
    assert plain.tool_calls == [] and "1‰以上5‰以下" in plain.answer


@pytest.mark.slow
def test_a_pack_tool_that_lacks_an_input_gives_way_to_the_clause_rule(assistant):
    """The shipped plan's pack checks an ancillary area the question does not give; the share
    its clause states is computed from the total area the question does give."""
    answer = assistant.ask("我们项目总用地40亩，经审批不新增宿舍面积，配套的行政办公及生活服务设施用地最多能占多少亩？")
    assert [c.name for c in answer.tool_calls] == ["clause_arithmetic"]
    assert "最多为6亩" in answer.answer.splitlines()[0]
    # A question the pack's calculator answers is still answered by it.
    equity = assistant.ask("以股权收购方式并购，股权收购价格8000万元，最多能补助多少？")
    assert [c.name for c in equity.tool_calls] != ["clause_arithmetic"] and equity.tool_calls


def test_a_start_rule_leads_to_the_period_it_speaks_of(laws):
    """Only the clause that says from when the 付款期限 counts is retrieved; the rule that sets
    the 付款期限 is found in the same document, and both are cited."""
    q = "我们给一家大型国企做工程，约定验收合格后付款、没写具体期限，2026年7月10日验收合格，最晚哪天要把钱付给我们？"
    answer, final = _ask(q, ["sme-payment-2025:art10.k1", "sme-payment-2025:art10.k2"], laws)
    assert answer.answer.splitlines()[0] == "按保障中小企业款项支付条例 第九条第二款，最晚应在2026年9月8日支付款项[1]。"
    assert [c.id for c in answer.citations] == ["sme-payment-2025:art9.k2", "sme-payment-2025:art10.k1"]
    assert final.notes == []
    (start,) = read_start_rules(laws["sme-payment-2025:art10.k1"].text)
    assert start.period == "付款期限"


def test_days_between_two_dates(synthetic):
    ids = [c.id for c in synthetic.values() if c.kind == "article"]
    late, final = _ask("履约保证金50万元，应在2025年3月1日缴纳，2025年4月10日才缴纳，滞纳金多少？", ids, synthetic)
    assert late.answer.splitlines() == [
        "按某市企业合同履约管理办法 第三条，滞纳金为6000元[1]。",
        "依据：“第三条 企业逾期缴纳履约保证金的，按照每日万分之三加收滞纳金”[1]。",
        "天数：2025年3月1日至2025年4月10日，共40日[1]。",
        "计算：500000元 × 万分之三 × 40日 = 6000元[1]。",
    ]
    assert final.notes == []


def test_the_longest_period_in_the_sentence_after_that_extends_it():
    text = ("处理投诉部门应当自收到投诉材料之日起30日内形成处理结果，以书面形式反馈投诉人。"
            "情况复杂或者有其他特殊原因的，经部门负责人批准，可适当延长，但处理期限最长不得超过90日。")
    (rule,) = read_rules(text)
    assert (rule.days, rule.max_days) == (30, 90)
    assert rule.max_quote == "情况复杂或者有其他特殊原因的，经部门负责人批准，可适当延长，但处理期限最长不得超过90日"
    # A limit in a following sentence about something else is not this period's longest term.
    (other,) = read_rules("主管部门应当自收到材料之日起30日内作出决定。公示期不得超过90日。")
    assert other.max_days is None


def test_the_longest_period_is_computed_when_asked(laws):
    k2 = laws["sme-payment-2025:art25.k2"]
    answer = arith_answer("处理投诉部门2025年8月1日收到我们的投诉材料，如果情况复杂延长，最长到哪天", [k2], laws)
    assert answer is not None
    assert "最晚应在2025年10月30日形成处理结果" in answer.answer.splitlines()[0]


def test_a_period_in_years_ends_on_the_corresponding_day(laws):
    from datetime import date

    from assistant.answer.arith import plus_months

    art12 = laws["investment-project-approval-2016:art12"]
    (rule,) = [r for r in read_rules(art12.text) if r.kind == "deadline" and r.day_unit == "年"]
    assert (rule.days, rule.event) == (2, "核准机关作出予以核准决定或者同意变更决定")
    answer = arith_answer("我们项目2024年3月1日拿到核准决定，一直没开工，2年的开工期限到哪天届满", [art12], laws)
    assert answer.answer.splitlines()[0] == "按企业投资项目核准和备案管理条例 第十二条，2年的期限至2026年3月1日届满[1]。"
    assert answer.tool_calls[0].result["deadline"] == "2026-03-01"
    # No corresponding day: the month's last day.
    assert plus_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert plus_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_a_rate_after_the_authority_that_imposes_it(laws):
    """由规划行政管理部门处以设计费百分之二十至百分之一百的罚款: 由 names who fines, the base is 设计费."""
    k1 = laws["shanghai-urban-rural-planning-2018:art57.k1"]
    (rule,) = read_rules(k1.text)
    assert (rule.base, rule.bound, [r.value for r in rule.rates]) == ("设计费", "range", [Decimal("0.2"), Decimal("1")])
    answer = arith_answer("设计单位不按规划条件设计造成违法建设，设计费是50万元，上海会罚设计单位多少", [k1], laws)
    assert answer.answer.splitlines()[0] == "按上海市城乡规划条例 第五十七条第一款，罚款为10万元（100000元）至50万元（500000元）[1]。"


def test_a_term_and_its_one_extension_add_up_when_the_total_is_asked(laws):
    k2 = laws["shanghai-urban-rural-planning-2018:art40.k2"]
    answer = arith_answer("临时建设工程规划许可证加上延期，最长一共能用多久？", [k2], laws)
    assert answer.answer.splitlines()[0] == "按上海市城乡规划条例 第四十条第二款，加上延期最长共三年[1]。"
    assert answer.tool_calls[0].result["total"] == 3
    # Asked without the total (只问有效期), nothing is added up.
    assert arith_answer("临时建设工程规划许可证的有效期是多久？", [k2], laws) is None


def test_a_fine_asked_in_everyday_words(laws):
    """罚多少钱 names the 罚款 the rule yields: with the 造价 the asker gives, it is computed."""
    art58 = laws["shanghai-urban-rural-planning-2018:art58"]
    answer = arith_answer("在上海没拿建设工程规划许可证就盖了个厂房，造价800万，还能整改的话罚多少钱？", [art58], laws)
    assert answer.answer.splitlines()[0] == "按上海市城乡规划条例 第五十八条，罚款为40万元（400000元）至80万元（800000元）[1]。"


def test_a_share_of_the_share_the_same_sentence_sets(laws, tmp_path):
    """其中，…的比例不低于…: the part is computed on the share just computed, not on the base."""
    q = "某部门年度政府采购项目预算总额2000万元，按中小企业促进法至少给中小企业预留多少？其中给小微企业至少多少？"
    answer, final = _ask(q, ["sme-promotion-law-2017:art40.k2"], laws)
    assert answer.answer.splitlines() == [
        "按中华人民共和国中小企业促进法 第四十条第二款，向中小企业预留的采购份额至少为600万元（6000000元）[1]。",
        "依据：“向中小企业预留的采购份额应当占本部门年度政府采购项目预算总额的百分之三十以上”[1]。",
        "计算：本部门年度政府采购项目预算总额 20000000元 × 百分之三十 = 6000000元[1]。",
        "其中：“其中，预留给小型微型企业的比例不低于百分之六十”[1]，按此预留给小型微型企业至少为360万元（3600000元）"
        "（6000000 × 百分之六十 = 3600000元）。",
    ]
    assert [c.result["results"] for c in answer.tool_calls] == [["6000000"], ["3600000"]]
    assert final.notes == []
    # The same shape in a text no code has seen, with other nouns and rates.
    from assistant.corpus import meta_for_file, parse_file
    path = tmp_path / "research-rules-2026.md"
    path.write_text("# 某市企业研发投入办法\n\n2026年1月1日 某市人民政府令第1号公布\n\n<!-- INFO END -->\n\n"
                    "第一条 企业应当将年度利润的百分之二十以上用于研发投入；其中，用于基础研究的比例不低于百分之十。\n",
                    encoding="utf-8")
    unseen = {c.id: c for c in parse_file(path, meta_for_file(path, []))}
    rules = read_rules(_by_number(unseen, "第一条").text)
    assert [(r.nested, r.bound, r.result_name) for r in rules] == [(False, "floor", None), (True, "floor", "用于基础研究")]
    answer, _ = _ask("年度利润100万元，研发投入至少多少？其中基础研究至少多少？", [_by_number(unseen, "第一条").id], unseen)
    assert "按此用于基础研究至少为2万元（20000元）" in answer.answer


# -- a sum per unit ---------------------------------------------------------------------

PER_UNIT = """# 某区厂房改造奖励办法

2025年6月1日 某区人民政府办公室印发

<!-- INFO END -->

第一条 对完成厂房改造的企业，按每平方米80元给予补助。

第二条 对新认定的专精特新企业，每家奖励20万元。
"""


@pytest.fixture(scope="module")
def per_unit(tmp_path_factory) -> dict:
    from assistant.corpus import meta_for_file, parse_file

    path = tmp_path_factory.mktemp("per-unit") / "plant-rewards-2025.md"
    path.write_text(PER_UNIT, encoding="utf-8")
    return {c.id: c for c in parse_file(path, meta_for_file(path, []))}


def test_a_sum_per_unit_is_read_as_a_rule():
    (rule,) = read_rules("对工作成效突出的街道，根据排名及完成情况，按每亩 1—5 万元给予奖励。")
    assert (rule.kind, rule.bound, rule.base, rule.base_kind, rule.result_name) == ("per_unit", "range", "亩", "area", "奖励")
    assert [r.value for r in rule.rates] == [Decimal(10000), Decimal(50000)]
    (rule,) = read_rules("每家奖励20万元。")
    assert (rule.kind, rule.bound, rule.base, rule.rates[0].value) == ("per_unit", "exact", "家", Decimal(200000))


def test_a_sum_per_unit_times_the_askers_quantity(per_unit):
    art1 = _by_number(per_unit, "第一条")
    answer, _ = _ask("我们改造了3500平方米厂房，能拿多少补助？", [art1.id], per_unit)
    assert answer.answer.split("\n")[0].endswith("补助为28万元（280000元）[1]。")
    assert answer.tool_calls[0].result["formula"] == "3500平方米 × 80元/平方米 = 280000元"
    art2 = _by_number(per_unit, "第二条")
    answer, _ = _ask("今年我们有3家企业新认定为专精特新，一共奖励多少？", [art2.id], per_unit)
    assert "奖励为60万元（600000元）" in answer.answer


def test_a_range_per_unit_at_its_top_or_at_the_askers_own_sum(laws):
    plan = "lzb-2024-22:s6.11"
    top, _ = _ask("按最高标准的话，150亩能奖多少？", [plan], laws)
    assert "奖励为750万元（7500000元）（按最高标准）[1]" in top.answer
    own, _ = _ask("完成了200亩，按每亩3万元算能奖多少？", [plan], laws)
    assert "奖励为600万元（6000000元）（在1万元至5万元的标准之内）[1]" in own.answer
    span, _ = _ask("完成了80亩，能奖多少？", [plan], laws)
    assert "奖励为80万元（800000元）至400万元（4000000元）[1]" in span.answer
    # The least and the most both asked: both ends, though 最多 is asked.
    both, _ = _ask("完成了80亩，最少和最多各能奖多少？", [plan], laws)
    assert "奖励为80万元（800000元）至400万元（4000000元）[1]" in both.answer
    # A quantity of another unit is not counted as the rule's.
    assert arith_answer("我们投资了3000万元，能奖多少？", [laws[plan]], laws) is None


def test_a_computed_penalty_names_the_duty_it_enforces(laws):
    """处以设计费百分之二十至百分之一百的罚款 for 违反本条例第四十一条第一款: the computed range,
    and the paragraph breached, quoted and cited."""
    answer, final = _ask("设计院没按规划条件出图，设计费80万元，要罚多少？",
                         ["shanghai-urban-rural-planning-2018:art57.k1"], laws)
    lines = answer.answer.split("\n")
    assert lines[0].endswith("罚款为16万元（160000元）至80万元（800000元）[1]。")
    assert lines[-1].startswith("所违反的规定：上海市城乡规划条例 第四十一条第一款：“设计单位必须按照城乡规划") and lines[-1].endswith("[2]。")
    assert [c.id for c in answer.citations] == ["shanghai-urban-rural-planning-2018:art57.k1",
                                                "shanghai-urban-rural-planning-2018:art41.k1"]
    assert final.notes == [] and final.answer.answer == answer.answer


def test_the_rate_itself_asked_is_quoted_not_asked_back(laws):
    """罚款比例是多少 asks the rule's rate: no figure of the asker's is missing."""
    art = laws["investment-project-approval-2016:art18.k1"]
    assert arith_answer("没办核准手续就开工建设，对企业的罚款比例是多少？", [art], laws) is None
    missing = arith_answer("没办核准手续就开工建设，对企业要罚多少钱？", [art], laws)
    assert missing is None or "缺少" in missing.answer


@pytest.mark.slow
def test_a_figure_of_the_askers_own_is_computed_not_listed_from_a_table(assistant):
    """…改造做了120亩，能拿多少奖励 names no table row or column: the reward rule computes with
    the asker's 120亩 instead of the annex table listing every street's number of blocks."""
    answer = assistant.ask("我们街道今年老旧区块改造做了120亩，要是成效排名靠前，按方案能拿多少奖励？")
    assert answer.tool_calls and "120万元" in answer.answer and "600万元" in answer.answer
    assert not any(c.id.startswith("lzb-2024-22:a2.") for c in answer.citations)


def test_a_period_after_an_event_written_without_zi_is_a_deadline(laws):
    """建设工程竣工验收后六个月内…报送: the event closes with 后 and has no 自 before it; a dated
    event in the question gives the last day."""
    q = "上海的项目2024年3月15日竣工验收，竣工资料最晚什么时候前要报送给规划部门？"
    answer, final = _ask(q, ["shanghai-urban-rural-planning-2018:art44.k1"], laws)
    assert answer is not None and "2024年9月15日" in answer.answer.splitlines()[0]
    assert [c.id for c in answer.citations] == ["shanghai-urban-rural-planning-2018:art44.k1"]
