"""Calculators: inputs -> exact Decimal outputs and clause ids; bad input -> ToolInputError."""

from decimal import Decimal

import pytest

from assistant.corpus import clause_map
from assistant.errors import ToolInputError, UnknownToolError
from assistant.models import Clause, TableRow
from assistant.packs.loader import active_tools
from assistant.tools.calculators.annex2 import Annex2Row, TotalsCheckInput, annex2_totals_check, load_rows
from assistant.tools.registry import function_tools, list_tools, run_tool

S = "lzb-2024-22:"


@pytest.fixture(scope="module")
def clauses():
    return clause_map()


# name, arguments, expected fields (JSON strings), clause id
CASES = [
    ("land_acquisition_subsidy", {"appraised_value_yuan": "20000000"}, {"subsidy_yuan": "6000000"}, "s6.6"),
    ("land_acquisition_subsidy", {"appraised_value_yuan": "2000万元"}, {"subsidy_yuan": "6000000"}, "s6.6"),
    ("land_acquisition_subsidy", {"appraised_value_yuan": "0.05"}, {"subsidy_yuan": "0.02"}, "s6.6"),
    ("equity_acquisition_subsidy", {"price_yuan": "120000000"}, {"max_subsidy_yuan": "12000000"}, "s6.6"),
    ("equity_acquisition_subsidy", {"price_yuan": 12345.67}, {"max_subsidy_yuan": "1234.57"}, "s6.6"),
    ("street_reward", {"area_mu": "200", "rate_wan_yuan_per_mu": "3"},
     {"reward_yuan": "6000000", "min_reward_yuan": "2000000", "max_reward_yuan": "10000000"}, "s6.11"),
    ("street_reward", {"area_mu": "200"}, {"reward_yuan": None, "min_reward_yuan": "2000000",
                                           "max_reward_yuan": "10000000"}, "s6.11"),
    ("street_reward", {"area_m2": "10000", "rate_wan_yuan_per_mu": "1"}, {"area_mu": "15", "reward_yuan": "150000"}, "s6.11"),
    ("street_reward", {"area_mu": "1", "rate_wan_yuan_per_mu": "5"}, {"reward_yuan": "50000"}, "s6.11"),
    ("plot_ratio_check", {"land_area_mu": "45", "floor_area_m2": "51000"},
     {"plot_ratio": "1.7", "meets_minimum": False, "land_area_m2": "30000", "floor_area_needed_m2": "60000",
      "shortfall_m2": "9000"}, "s6.5"),
    ("plot_ratio_check", {"land_area_m2": "30000", "floor_area_m2": "60000"},
     {"plot_ratio": "2", "meets_minimum": True, "shortfall_m2": "0", "land_area_mu": "45"}, "s6.5"),
    # 1 亩 = 666.666… m²: 1333.33 m² is a hair under 2.0 although it rounds to 2.00
    ("plot_ratio_check", {"land_area_mu": "1", "floor_area_m2": "1333.33"},
     {"plot_ratio": "2", "meets_minimum": False, "land_area_m2": "666.67", "shortfall_m2": "0"}, "s6.5"),
    ("plot_ratio_check", {"land_area_m2": "10000", "floor_area_m2": "25000", "existing_floor_area_m2": "12000"},
     {"plot_ratio": "2.5", "added_floor_area_m2": "13000"}, "s6.5"),
    ("ancillary_facilities_check", {"land_area_mu": "30", "ancillary_land_area_mu": "3"},
     {"land_share_pct": "10", "land_share_cap_pct": "7", "within_land_cap": False, "raised_cap_applies": False,
      "max_ancillary_land_m2": "1400", "max_ancillary_land_mu": "2.1"}, "s6.5"),
    ("ancillary_facilities_check", {"land_area_mu": "30", "ancillary_land_area_mu": "3", "approved": True,
                                    "floor_area_m2": "40000", "ancillary_floor_area_m2": "10000"},
     {"land_share_pct": "10", "land_share_cap_pct": "15", "within_land_cap": True, "floor_share_pct": "25",
      "floor_share_cap_pct": "30", "within_floor_cap": True}, "s6.5"),
    ("ancillary_facilities_check", {"land_area_m2": "20000", "ancillary_land_area_m2": "2000", "approved": True,
                                    "new_dormitory": True},
     {"land_share_cap_pct": "7", "within_land_cap": False, "raised_cap_applies": False}, "s6.5"),
    ("special_fund", {"land_transfer_income_yuan": "1000000000", "differential_electricity_fees_yuan": "30000000"},
     {"land_income_share_yuan": "5000000", "fund_yuan": "35000000"}, "s6.8"),
    ("special_fund", {"land_transfer_income_yuan": "10亿"}, {"land_income_share_yuan": "5000000", "fund_yuan": None}, "s6.8"),
    ("small_micro_reserve", {"new_space_mu": "300"}, {"reserve_mu": "30", "reserve_m2": "20000"}, "s6.1"),
    ("small_micro_reserve", {"new_space_m2": "1000"}, {"reserve_mu": "0.15", "reserve_m2": "100"}, "s6.1"),
    ("tax_per_mu", {"tax_yuan": "9000000", "area_mu": "45"}, {"tax_per_mu_yuan": "200000"}, "s3"),
    ("tax_per_mu", {"tax_yuan": "1000000", "area_m2": "20000"}, {"tax_per_mu_yuan": "33333.33", "area_mu": "30"}, "s3"),
    ("tax_growth_path", {"start_tax_per_mu_yuan": "200000", "start_year": 2024, "end_year": 2026},
     {"end_tax_per_mu_yuan": "224720", "growth_rate_pct": "6"}, "s3"),
    ("tax_growth_path", {"start_tax_per_mu_yuan": "100", "start_year": 2024, "end_year": 2027, "growth_rate_pct": "10%"},
     {"end_tax_per_mu_yuan": "133.1"}, "s3"),
    ("tax_growth_rate", {"start_tax_per_mu_yuan": "200000", "end_tax_per_mu_yuan": "224720",
                         "start_year": 2024, "end_year": 2026},
     {"annual_growth_pct": "6", "meets_target": True, "required_end_tax_per_mu_yuan": "224720"}, "s3"),
    ("tax_growth_rate", {"start_tax_per_mu_yuan": "200000", "end_tax_per_mu_yuan": "224719.99",
                         "start_year": 2024, "end_year": 2026},
     {"annual_growth_pct": "6", "meets_target": False}, "s3"),
    ("tax_growth_rate", {"start_tax_per_mu_yuan": "100", "end_tax_per_mu_yuan": "121",
                         "start_year": 2024, "end_year": 2026}, {"annual_growth_pct": "10", "meets_target": True}, "s3"),
    ("joint_renovation_terms", {"parcels": [{"expiry_year": 2052}, {"expiry_year": 2060, "name": "乙"}]},
     {"new_expiry": "2060年", "latest_parcel": "乙"}, "s6.7"),
    ("joint_renovation_terms", {"parcels": [{"expiry_date": "2052-03-01"}, {"expiry_date": "2054-03-11"}]},
     {"new_expiry": "2054-03-11", "latest_parcel": "第2宗"}, "s6.7"),
    ("approval_deadline", {"plan_approval_date": "2024-03-01"}, {"deadline_date": "2024-04-20", "window_days": 50}, "s8.3"),
    ("approval_deadline", {"plan_approval_date": "2024-12-20", "approvals_done_date": "2025-02-10"},
     {"deadline_date": "2025-02-08", "days_used": 52, "within_window": False}, "s8.3"),
    ("street_target", {"street": "新碶街道", "column": "用地"},
     {"target": "300", "unit": "亩", "street": "新碶", "column": "完成老工业区块改造涉企用地（亩）"}, "a2.r2"),
    ("street_target", {"street": "柴桥", "column": "建筑面积"}, {"target": "0.5", "unit": "万平方米"}, "a2.r5"),
    ("street_target", {"street": "保税区", "column": "绿色工厂"}, {"target": "12", "unit": "家"}, "a2.r12"),
    ("street_target", {"street": "全区", "column": "亩均税"}, {"target": "6", "unit": "%"}, "a2.r1"),
    ("target_progress", {"street": "新碶", "column": "涉企用地", "achieved": "120"},
     {"completion_pct": "40", "remaining": "180", "met": False}, "a2.r2"),
    ("target_progress", {"street": "大榭", "column": "绿色工厂", "achieved": "16"},
     {"completion_pct": "106.67", "remaining": "0", "met": True}, "a2.r13"),
    ("convert_area", {"value": "45", "unit": "亩"}, {"area_m2": "30000", "area_ha": "3", "area_mu": "45"}, None),
    ("convert_area", {"value": "1", "unit": "亩"}, {"area_m2": "666.67", "area_ha": "0.066667"}, None),
    ("convert_area", {"value": "5.1", "unit": "万平方米"}, {"area_m2": "51000", "area_mu": "76.5"}, None),
    ("convert_area", {"value": "1", "unit": "公顷"}, {"area_mu": "15"}, None),
    ("convert_money", {"value": "1.2", "unit": "亿元"}, {"amount_yuan": "120000000", "amount_wan_yuan": "12000"}, None),
    ("convert_money", {"value": "3500", "unit": "万元"}, {"amount_yuan": "35000000", "amount_yi_yuan": "0.35"}, None),
]


@pytest.mark.parametrize("name, arguments, expected, path", CASES)
def test_calculator(name, arguments, expected, path):
    result = run_tool(name, arguments)
    assert {k: result[k] for k in expected} == expected
    assert result["clause_id"] == (S + path if path else None)
    assert result["tool"] == name
    assert result["formula"]


def test_joint_terms_per_parcel():
    result = run_tool("joint_renovation_terms",
                      {"parcels": [{"expiry_date": "2052-03-01"}, {"expiry_date": "2054-03-11"}]})
    assert [(p["extra_years"], p["extra_days"], p["extra_term"]) for p in result["parcels"]] == [
        (2, 740, "2年零10天"), (0, 0, "0年")]


def test_tax_path_is_yearly():
    result = run_tool("tax_growth_path", {"start_tax_per_mu_yuan": "200000", "start_year": 2024, "end_year": 2026})
    assert result["path"] == [{"year": 2024, "tax_per_mu_yuan": "200000"},
                              {"year": 2025, "tax_per_mu_yuan": "212000"},
                              {"year": 2026, "tax_per_mu_yuan": "224720"}]


def test_approval_states_calendar_days():
    result = run_tool("approval_deadline", {"plan_approval_date": "2024-03-01"})
    assert result["deadline_date"] == "2024-04-20"
    assert "自然日" in result["notes"][0]
    assert result["notes"][1].startswith("未按工作日计算")


def test_acquisition_conditions_come_back():
    result = run_tool("land_acquisition_subsidy", {"appraised_value_yuan": "20000000"})
    text = "".join(result["conditions"])
    for word in ("白名单", "二级市场", "经备案认可且提交区政府常务会议审定", "评估价"):
        assert word in text
    assert result["inputs"] == {"appraised_value_yuan": "20000000"}


@pytest.mark.parametrize("name, arguments, field", [
    ("plot_ratio_check", {"land_area_mu": "0", "floor_area_m2": "51000"}, "land_area_mu"),
    ("plot_ratio_check", {"land_area_m2": "-100", "floor_area_m2": "51000"}, "land_area_m2"),
    ("plot_ratio_check", {"floor_area_m2": "51000"}, "land_area_mu"),
    ("plot_ratio_check", {"land_area_mu": "45", "land_area_m2": "30000", "floor_area_m2": "1"}, "land_area_m2"),
    ("plot_ratio_check", {"land_area_mu": "45", "floor_area_m2": "1", "colour": "red"}, "colour"),
    ("street_reward", {"area_mu": "200", "rate_wan_yuan_per_mu": "6"}, "rate_wan_yuan_per_mu"),
    ("street_reward", {"area_mu": "200", "rate_wan_yuan_per_mu": "0.5"}, "rate_wan_yuan_per_mu"),
    ("equity_acquisition_subsidy", {"price_yuan": "-1"}, "price_yuan"),
    ("equity_acquisition_subsidy", {"price_yuan": "45亩"}, "price_yuan"),
    ("equity_acquisition_subsidy", {"price_yuan": "NaN"}, "price_yuan"),
    ("equity_acquisition_subsidy", {"price_yuan": True}, "price_yuan"),
    ("equity_acquisition_subsidy", {}, "price_yuan"),
    ("ancillary_facilities_check", {"land_area_mu": "3", "ancillary_land_area_mu": "30"}, "ancillary_land_area"),
    ("ancillary_facilities_check", {"land_area_mu": "30", "ancillary_land_area_mu": "3", "floor_area_m2": "1000"},
     "ancillary_floor_area_m2"),
    ("tax_growth_rate", {"start_tax_per_mu_yuan": "1", "end_tax_per_mu_yuan": "2", "start_year": 2026,
                         "end_year": 2024}, "end_year"),
    ("tax_per_mu", {"tax_yuan": "100", "area_mu": "0"}, "area_mu"),
    ("joint_renovation_terms", {"parcels": [{"expiry_year": 2052}]}, "parcels"),
    ("joint_renovation_terms", {"parcels": [{"expiry_year": 2052}, {}]}, "expiry_year"),
    ("approval_deadline", {"plan_approval_date": "2024-02-30"}, "plan_approval_date"),
    ("approval_deadline", {"plan_approval_date": "2024-03-01", "approvals_done_date": "2024-02-01"},
     "approvals_done_date"),
    ("street_target", {"street": "北京", "column": "用地"}, "street"),
    ("street_target", {"street": "新碶", "column": "人口"}, "column"),
    ("target_progress", {"street": "新碶", "column": "用地", "achieved": "-1"}, "achieved"),
    ("convert_area", {"value": "1", "unit": "英亩"}, "unit"),
])
def test_bad_input_names_the_field(name, arguments, field):
    with pytest.raises(ToolInputError) as err:
        run_tool(name, arguments)
    assert field in str(err.value)


def test_unknown_tool():
    with pytest.raises(UnknownToolError, match="no_such_tool"):
        run_tool("no_such_tool", {})


def test_arguments_must_be_an_object():
    with pytest.raises(ToolInputError, match="JSON"):
        run_tool("equity_acquisition_subsidy", ["120000000"])


# -- 附件2 through the real corpus ----------------------------------------------------

def test_annex2_rows_come_from_the_corpus(clauses):
    rows = load_rows(clauses, S + "a2")
    assert [r.row.key for r in rows] == ["全区", "新碶", "小港", "大碶", "柴桥", "霞浦", "戚家山", "春晓",
                                         "梅山", "白峰", "郭巨", "保税", "大榭"]
    assert [r.clause_id for r in rows] == [f"{S}a2.r{i}" for i in range(1, 14)]


def test_annex2_totals_check_on_the_corpus():
    result = run_tool("annex2_totals_check", {})
    assert result["clause_id"] == S + "a2"
    assert result["all_match"] is True
    assert [(c["district_total"], c["streets_sum"], c["matches"]) for c in result["columns"]] == [
        ("15", "15", True), ("1500", "1500", True), ("100", "100", True), ("50", "50", True),
        ("300", "300", True), ("120", "120", True), ("180", "180", True), ("6", None, True)]


def _rows(district: list[str], streets: dict[str, list[str]]) -> list[Annex2Row]:
    cols = ["甲（个）", "乙（亩）", "率（%）"]
    rows = [Annex2Row(clause_id=f"{S}a2.r1", row=TableRow(key="全区", columns=cols, values=district))]
    for i, (k, v) in enumerate(streets.items(), start=2):
        rows.append(Annex2Row(clause_id=f"{S}a2.r{i}", row=TableRow(key=k, columns=cols, values=v)))
    return rows


def test_annex2_totals_check_finds_a_mismatch():
    rows = _rows(["3", "10.5", "6"], {"东": ["1", "5", "6"], "西": ["1", "5.5", "5"]})
    tool = next(t for t in active_tools(clause_map()) if t.name == "annex2_totals_check")
    result = annex2_totals_check(tool, TotalsCheckInput(), rows)
    assert [(c.streets_sum, c.matches) for c in result.columns] == [
        (Decimal(2), False), (Decimal("10.5"), True), (None, False)]
    assert result.all_match is False


def test_annex2_reads_rows_from_given_clauses(clauses):
    row = clauses[S + "a2.r2"]
    changed = row.model_copy(update={"table": TableRow(key="新碶", columns=row.table.columns,
                                                         values=["9"] + row.table.values[1:])})
    subset: dict[str, Clause] = {**clauses, S + "a2.r2": changed}
    result = run_tool("street_target", {"street": "新碶", "column": "老旧工业区块"}, clauses=subset)
    assert result["target"] == "9"


# -- registry ----------------------------------------------------------------------

def test_every_tool_is_listed_with_schema_and_clause():
    specs = list_tools()
    assert [s.name for s in specs] == [
        "land_acquisition_subsidy", "equity_acquisition_subsidy", "annex2_totals_check", "target_progress",
        "street_target", "tax_growth_rate", "tax_growth_path", "tax_per_mu", "special_fund", "street_reward",
        "small_micro_reserve", "ancillary_facilities_check", "plot_ratio_check", "joint_renovation_terms",
        "approval_deadline", "convert_area", "convert_money"]
    for s in specs:
        assert s.parameters["type"] == "object"
        assert s.parameters.get("additionalProperties") is False
        assert s.clause_id is None or s.clause_id.startswith(S)


def test_every_cited_clause_exists(clauses):
    for s in list_tools():
        if s.clause_id:
            assert s.clause_id in clauses


def test_function_tools_run_and_report_errors():
    tools = {t.metadata.name: t for t in function_tools()}
    assert len(tools) == 17
    out = tools["equity_acquisition_subsidy"].call(price_yuan="120000000")
    assert out.raw_output["max_subsidy_yuan"] == "12000000"
    bad = tools["plot_ratio_check"].call(land_area_mu="0", floor_area_m2="1")
    assert "land_area_mu" in bad.raw_output["error"]
    schema = tools["plot_ratio_check"].metadata.get_parameters_dict()
    assert "floor_area_m2" in schema["properties"]
