"""`tools` and `calc` subcommands, and the cited answers composed from a calculator run."""

import argparse
import json
import re

import pytest

from assistant.answer.cite import dangling_markers
from assistant.corpus import clause_map
from assistant.errors import ToolInputError, UnknownToolError
from assistant.tools import commands
from assistant.tools.answer import tool_answer

S = "lzb-2024-22:"


@pytest.fixture(scope="module")
def clauses():
    return clause_map()


def run_cli(argv):
    parser = argparse.ArgumentParser(prog="policy-assistant")
    commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_tools_json_lists_schemas(capsys):
    assert run_cli(["tools", "--json"]) == 0
    tools = json.loads(capsys.readouterr().out)
    by_name = {t["name"]: t for t in tools}
    assert len(by_name) == 17
    assert by_name["equity_acquisition_subsidy"]["clause_id"] == S + "s6.6"
    assert by_name["equity_acquisition_subsidy"]["parameters"]["required"] == ["price_yuan"]


def test_tools_text_marks_required_fields(capsys):
    assert run_cli(["tools"]) == 0
    out = capsys.readouterr().out
    assert "equity_acquisition_subsidy  [lzb-2024-22:s6.6]" in out
    assert "   * price_yuan: 股权收购价格（元）" in out


def test_calc_json(capsys):
    assert run_cli(["calc", "equity_acquisition_subsidy", "--args", '{"price_yuan": "1.2亿"}', "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["max_subsidy_yuan"], result["clause_id"]) == ("12000000", S + "s6.6")


def test_calc_text(capsys):
    assert run_cli(["calc", "plot_ratio_check", "--args", '{"land_area_mu": 45, "floor_area_m2": 51000}']) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "容积率为1.7，低于原则上不低于2.0的要求；达到2.0需总建筑面积60000平方米，还差9000平方米。"
    assert out[-1] == "依据：lzb-2024-22:s6.5"


@pytest.mark.parametrize("argv, error, text", [
    (["calc", "plot_ratio_check", "--args", "{bad"], ToolInputError, "--args"),
    (["calc", "plot_ratio_check", "--args", '{"land_area_mu": 0, "floor_area_m2": 1}'], ToolInputError, "land_area_mu"),
    (["calc", "nope"], UnknownToolError, "nope"),
])
def test_calc_errors(argv, error, text):
    with pytest.raises(error, match=re.escape(text)):
        run_cli(argv)


# -- answers -----------------------------------------------------------------------

def test_answer_states_result_formula_conditions_and_cites(clauses):
    a = tool_answer("收购厂房评估价2000万能补多少", clauses)
    first = a.answer.splitlines()[0]
    assert first == "按国有土地征收实际评估价2000万元（20000000元）的30%计算，可获补助600万元（6000000元）[1]。"
    assert "计算公式：兼并收购补助 = 国有土地征收实际评估价 × 30% = 20000000元 × 30% = 6000000元" in a.answer
    assert "白名单" in a.answer and "经备案认可且提交区政府常务会议审定" in a.answer
    assert [c.id for c in a.citations] == [S + "s6.6"]
    assert a.abstained is False
    assert [(t.name, t.arguments, t.result["subsidy_yuan"]) for t in a.tool_calls] == [
        ("land_acquisition_subsidy", {"appraised_value_yuan": "20000000"}, "6000000")]
    assert dangling_markers(a.answer, len(a.citations)) == []


def test_answer_equity_example(clauses):
    a = tool_answer("股权收购价格是1.2亿元，最多补助多少？", clauses)
    assert a.tool_calls[0].result["max_subsidy_yuan"] == "12000000"
    assert "1200万元（12000000元）" in a.answer


def test_answer_cites_the_street_row(clauses):
    a = tool_answer("新碶已完成120亩，完成率多少？", clauses, tables=True)
    assert a.answer.splitlines()[0] == (
        "新碶的“完成老工业区块改造涉企用地（亩）”任务为300亩，已完成120亩，完成率40%，还差180亩[1]。")
    assert [c.id for c in a.citations] == [S + "a2.r2"]


def test_answer_follow_up_says_where_the_amount_came_from(clauses):
    a = tool_answer("那股权收购呢？", clauses, history=["收购厂房评估价2000万能补多少"])
    assert a.answer.startswith("沿用前面问题中的2000万元（20000000元）作为股权收购价格。")
    assert a.tool_calls[0].arguments == {"price_yuan": "20000000"}


def test_answer_asks_for_a_missing_argument(clauses):
    a = tool_answer("股权收购能补多少？", clauses)
    assert a.answer == ("这可以按仑政办〔2024〕22号 六、政策举措（六）支持兼并收购的规定计算[1]，"
                        "但问题中缺少：股权收购价格（元）。请补充后再问。")
    assert a.tool_calls == []
    assert [c.id for c in a.citations] == [S + "s6.6"]


@pytest.mark.parametrize("question, field, shown", [
    ("街道改造了200亩，按每亩6万元奖励多少？", "rate_wan_yuan_per_mu", "每亩奖励标准（万元/亩）"),
    ("北京街道的绿色工厂任务是多少？", "street", "表中没有“北京”这一行"),
])
def test_answer_reports_bad_input_without_a_result(clauses, question, field, shown):
    a = tool_answer(question, clauses, tables=True)
    assert a.answer.startswith("无法计算[1]：")
    # The person reads the field's Chinese name; the code name stays in the tool call.
    assert shown in a.answer and field not in a.answer
    assert not re.search(r"[A-Za-z_]{3,}", a.answer)
    assert "万元（" not in a.answer and "任务为" not in a.answer
    (call,) = a.tool_calls
    assert call.result is None and field in call.error


def test_chat_leaves_table_questions_to_the_table_route(clauses):
    assert tool_answer("新碶已完成120亩，完成率多少？", clauses) is None
    assert tool_answer("北京街道的绿色工厂任务是多少？", clauses) is None


def test_answer_approval_says_calendar_days(clauses):
    a = tool_answer("改造计划2024年3月1日批准，开工前审批最迟哪天完成？", clauses)
    assert a.answer.splitlines()[0] == (
        "开工前审批最迟应在2024年4月20日完成（改造计划批准日2024年3月1日起50个自然日）[1]。")
    assert "未按工作日计算" in a.answer


def test_conversion_cites_nothing(clauses):
    a = tool_answer("45亩是多少平方米？", clauses)
    assert a.answer.splitlines()[0] == "45亩 = 30000平方米 = 3公顷（1亩 = 10000/15平方米）。"
    assert a.citations == []


def test_not_a_calculation_gives_none(clauses):
    assert tool_answer("领导小组组长是谁？", clauses) is None
