"""Router: Chinese questions -> calculator and arguments; follow-ups; non-calculations."""

import pytest

from assistant.tools.router import route

ROUTES = [
    ("股权收购价格是1.2亿元，最多补助多少？", "equity_acquisition_subsidy", {"price_yuan": "120000000"}),
    ("股权收购１，２００万，补助多少", "equity_acquisition_subsidy", {"price_yuan": "12000000"}),
    ("收购厂房评估价2000万能补多少", "land_acquisition_subsidy", {"appraised_value_yuan": "20000000"}),
    ("白名单企业并购隔壁地块，评估价三千五百万元，补助是多少？", "land_acquisition_subsidy",
     {"appraised_value_yuan": "35000000"}),
    ("用地45亩，建筑面积51000平方米，容积率达标吗？", "plot_ratio_check",
     {"land_area_mu": "45", "floor_area_m2": "51000"}),
    ("建筑面积5.1万平方米，用地30000平方米，容积率多少", "plot_ratio_check",
     {"floor_area_m2": "51000", "land_area_m2": "30000"}),
    ("土地出让收入10亿元，差别化电费3000万元，专项经费有多少？", "special_fund",
     {"land_transfer_income_yuan": "1000000000", "differential_electricity_fees_yuan": "30000000"}),
    ("街道完成改造200亩，按每亩3万元奖励多少？", "street_reward", {"area_mu": "200", "rate_wan_yuan_per_mu": "3"}),
    ("街道改造了200亩，能拿多少奖励？", "street_reward", {"area_mu": "200"}),
    ("工业控制线内新增空间300亩，要预留多少给小微企业？", "small_micro_reserve", {"new_space_mu": "300"}),
    ("项目总用地30亩，行政办公及生活服务设施用地3亩，经审批且不新增宿舍，是否超标？", "ancillary_facilities_check",
     {"land_area_mu": "30", "ancillary_land_area_mu": "3", "approved": True}),
    ("总用地30亩，配套设施用地3亩，新增宿舍，超标吗", "ancillary_facilities_check",
     {"land_area_mu": "30", "ancillary_land_area_mu": "3", "new_dormitory": True}),
    ("企业税收900万元，用地45亩，亩均税收多少？", "tax_per_mu", {"tax_yuan": "9000000", "area_mu": "45"}),
    ("亩均税收从2024年的20万元增长到2026年的22万元，增长率达标吗？", "tax_growth_rate",
     {"start_tax_per_mu_yuan": "200000", "end_tax_per_mu_yuan": "220000", "start_year": 2024, "end_year": 2026}),
    ("亩均税收2024年是20万元，按6%增长到2026年是多少？", "tax_growth_path",
     {"start_tax_per_mu_yuan": "200000", "growth_rate_pct": "6", "start_year": 2024, "end_year": 2026}),
    ("两宗地出让终止期分别是2052年和2060年，联合改造后怎么算？", "joint_renovation_terms",
     {"parcels": [{"expiry_year": 2052}, {"expiry_year": 2060}]}),
    ("改造计划2024年3月1日批准，开工前审批最迟哪天完成？", "approval_deadline", {"plan_approval_date": "2024-03-01"}),
    ("新碶街道要完成多少亩改造？", "street_target", {"street": "新碶", "column": "涉企用地"}),
    ("新碶的绿色工厂任务是多少家？", "street_target", {"street": "新碶", "column": "绿色工厂"}),
    ("戚家山街道散乱污整治任务几家", "street_target", {"street": "戚家山", "column": "散乱污"}),
    ("新碶已完成120亩，完成率多少？", "target_progress", {"street": "新碶", "column": "涉企用地", "achieved": "120"}),
    ("大榭已创建绿色工厂16家，进度如何", "target_progress", {"street": "大榭", "column": "绿色工厂", "achieved": "16"}),
    ("北京街道的绿色工厂任务是多少？", "street_target", {"street": "北京", "column": "绿色工厂"}),
    ("附件2全区合计和各街道之和对得上吗？", "annex2_totals_check", {}),
    ("45亩是多少平方米？", "convert_area", {"value": "45", "unit": "亩"}),
    ("5.1万平方米是多少亩", "convert_area", {"value": "51000", "unit": "平方米"}),
    ("1.2亿元是多少万元？", "convert_money", {"value": "120000000", "unit": "元"}),
]


@pytest.mark.parametrize("question, tool, arguments", ROUTES)
def test_route(question, tool, arguments):
    routed = route(question)
    assert routed is not None
    assert (routed.tool, routed.arguments, routed.missing) == (tool, arguments, [])


@pytest.mark.parametrize("question", [
    "我们是白名单企业，收购隔壁厂房有补助吗？",
    "开工前审批要控制在多少天以内？",
    "容积率原则上不低于多少？",
    "领导小组组长是谁？",
    "区经信局负责什么？",
    "那股权收购呢？",  # a follow-up with nothing to follow
])
def test_not_a_calculation(question):
    assert route(question) is None


@pytest.mark.parametrize("question, tool, missing", [
    ("收购厂房花了2000万能补多少", "land_acquisition_subsidy", ["国有土地征收实际评估价（元）：补助按评估价的30%计算，不按成交价；请给出评估价"]),
    ("收购厂房能补多少？", "land_acquisition_subsidy", ["国有土地征收实际评估价（元）"]),
    ("股权收购能补多少？", "equity_acquisition_subsidy", ["股权收购价格（元）"]),
    ("改造计划3月1日批准，审批最迟哪天？", "approval_deadline", ["改造计划批准日期的年份（如 2024年3月1日）"]),
    ("容积率达标吗？用地45亩", "plot_ratio_check", ["总建筑面积（平方米）"]),
    ("新碶的任务是多少？", "street_target", ["任务列（如：老旧工业区块个数、涉企用地亩数、绿色工厂家数）"]),
])
def test_missing_arguments_are_asked_for(question, tool, missing):
    routed = route(question)
    assert (routed.tool, routed.missing) == (tool, missing)


def test_follow_up_reuses_the_amount_and_says_so():
    routed = route("那股权收购呢？", ["收购厂房评估价2000万能补多少"])
    assert (routed.tool, routed.arguments, routed.missing, routed.from_history) == (
        "equity_acquisition_subsidy", {"price_yuan": "20000000"}, [], ["price_yuan"])


def test_follow_up_does_not_take_a_price_for_an_appraisal():
    routed = route("那收购厂房呢？", ["股权收购价格是1.2亿元，最多补助多少？"])
    assert (routed.tool, routed.arguments, routed.missing) == (
        "land_acquisition_subsidy", {}, ["国有土地征收实际评估价（元）"])


def test_follow_up_with_a_new_number_reruns_the_earlier_calculator():
    routed = route("那如果是3000万呢？", ["收购厂房评估价2000万能补多少"])
    assert (routed.tool, routed.arguments) == ("land_acquisition_subsidy", {"appraised_value_yuan": "30000000"})


def test_follow_up_keeps_the_other_arguments():
    routed = route("如果建筑面积是60000平方米呢？", ["用地45亩，建筑面积51000平方米，容积率达标吗？"])
    assert (routed.tool, routed.arguments, routed.from_history) == (
        "plot_ratio_check", {"land_area_mu": "45", "floor_area_m2": "60000"}, ["land_area_mu"])


def test_latest_question_wins():
    history = ["收购厂房评估价2000万能补多少", "股权收购价格1.2亿补多少"]
    routed = route("那如果是5000万呢？", history)
    assert (routed.tool, routed.arguments) == ("equity_acquisition_subsidy", {"price_yuan": "50000000"})
