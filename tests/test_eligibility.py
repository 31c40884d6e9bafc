"""Eligibility matcher: rules resolve, profiles map to the right rules and clauses, chat parsing."""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal

import pytest

from assistant.answer.cite import dangling_markers
from assistant.corpus import clause_map
from assistant.eligibility import (
    EnterpriseProfile,
    ProfileError,
    RulesError,
    commands,
    load_profile,
    load_rules,
    match,
)
from assistant.eligibility.chat import (
    date_from_question,
    known_streets,
)
from assistant.eligibility.chat import match_answer as _match_answer
from assistant.eligibility.chat import profile_from_question as _profile_from_question
from assistant.eligibility.rules import (
    parse_rules,
    registered_tool_names,
    registered_tool_parameters,
    validate_rules,
)
from assistant.tools.registry import list_tools

D = "lzb-2024-22:"
EXTERNAL_WENSHANG = "《北仑区（开发区）优化要素资源配置促进稳商扩资增效扶持办法（试行）》"
EXTERNAL_SHANGLOU = "《北仑区关于加快推动“工业上楼”打造生产综合空间的若干措施（试行）》"


@pytest.fixture(scope="module")
def clauses():
    return clause_map()


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def profile_from_question(question):
    """Questions read with the street names of the shipped document's table."""
    return _profile_from_question(question, known_streets(clause_map()))


def match_answer(question, clauses, **kwargs):
    """Answers over the shipped document, whose pack is found in the shipped corpus folder."""
    return _match_answer(question, clauses, **kwargs)


def _ids(items):
    return [i.rule_id for i in items]


# -- the rules file -----------------------------------------------------------------------

def test_every_rule_clause_and_calculator_resolves(rules, clauses):
    tools = set(registered_tool_names())
    assert len(tools) == len(list_tools())
    assert len(rules) == 26
    for rule in rules:
        assert rule.clause_ids, rule.id
        for cid in rule.clause_ids:
            assert cid in clauses, (rule.id, cid)
        if rule.calculator:
            assert rule.calculator in tools, (rule.id, rule.calculator)


def test_rules_cover_the_required_clauses(rules):
    cited = {cid.removeprefix(D) for rule in rules for cid in rule.clause_ids}
    required = {"s6.1", "s6.2", "s6.3", "s6.4", "s6.5", "s6.6", "s6.7", "s6.9", "s6.10", "s8.4",
                "s4.4", "s4.5", "s2.3", "s5.2.1", "s5.2.2", "s5.2.3"}
    assert required <= cited


def test_external_documents_are_named(rules):
    by_id = {r.id: r for r in rules}
    assert by_id["plot_ratio.in_situ_reward"].external_documents == [EXTERNAL_WENSHANG, EXTERNAL_SHANGLOU]
    assert by_id["acquisition.land_plant"].external_documents == [EXTERNAL_WENSHANG]
    assert by_id["acquisition.equity"].external_documents == [EXTERNAL_WENSHANG]


GOOD_RULE = """
[[rules]]
id = "x.rule"
title = "t"
group = "may_apply"
clause_ids = ["{cid}"]
when = {{ {field} = {value} }}
grants = "g"
condition = "c"
{extra}
"""


@pytest.mark.parametrize("cid, field, value, extra, message", [
    (f"{D}s6.12", "white_list", "true", "", f"rule 'x.rule': clause id '{D}s6.12' is not in the corpus"),
    (f"{D}s6.6", "white_list", "true",
     'calculator = "no_such_tool"\narguments = [{ price_yuan = "equity_price_yuan" }]',
     "rule 'x.rule': calculator 'no_such_tool' is not in the registry"),
    (f"{D}s6.6", "whitelist", "true", "", "rule 'x.rule': `when` names unknown profile field 'whitelist'"),
    (f"{D}s6.6", "evaluation_class", '"E"', "",
     "rule 'x.rule': `when.evaluation_class` = 'E' is not a valid value of that field"),
    (f"{D}s6.6", "white_list", "{ gte = 2 }", "",
     "rule 'x.rule': `when.white_list` compares a field that is not a number"),
    (f"{D}s6.6", "white_list", "true",
     'calculator = "equity_acquisition_subsidy"\narguments = [{ price_yuan = "price" }]',
     "rule 'x.rule': calculator argument 'price_yuan' maps to unknown profile field 'price'"),
    (f"{D}s6.6", "white_list", "true",
     'calculator = "equity_acquisition_subsidy"\narguments = [{ value_yuan = "equity_price_yuan" }]',
     ("rule 'x.rule': 'value_yuan' is not an argument of calculator 'equity_acquisition_subsidy' "
     "(its arguments: price_yuan)")),
])
def test_a_rule_pointing_nowhere_fails_loudly(cid, field, value, extra, message):
    text = GOOD_RULE.format(cid=cid, field=field, value=value, extra=extra)
    with pytest.raises(RulesError) as err:
        params = registered_tool_parameters()
        validate_rules(parse_rules(text), clause_map().keys(), params.keys(), params)
    assert message in str(err.value)


@pytest.mark.parametrize("text, message", [
    (GOOD_RULE.format(cid=f"{D}s6.6", field="white_list", value="true", extra="").replace('condition = "c"', ""),
     "rule 'x.rule': (rule): a may_apply rule or one with `requires` states its `condition`"),
    (GOOD_RULE.format(cid=f"{D}s6.6", field="white_list", value="true", extra="").replace("grants", "demands"),
     "rule 'x.rule': (rule): a may_apply rule states `grants` (and no `demands`)"),
    (GOOD_RULE.format(cid=f"{D}s6.6", field="white_list", value="true", extra='colour = "red"'),
     "rule 'x.rule': colour: Extra inputs are not permitted"),
    ('[[rule]]\nid = "a"', "unknown top-level key(s) ['rule']; only [[rules]]"),
])
def test_malformed_rules_fail_naming_the_rule(text, message):
    with pytest.raises(RulesError) as err:
        parse_rules(text, "r.toml")
    assert message in str(err.value)


def test_duplicate_rule_ids_fail():
    one = GOOD_RULE.format(cid=f"{D}s6.6", field="white_list", value="true", extra="")
    with pytest.raises(RulesError, match="rule 'x.rule' is defined twice"):
        validate_rules(parse_rules(one + one), clause_map().keys(), [])


# -- profiles -> rules ------------------------------------------------------------------------

ALL = ["lifecycle.performance_agreement"]

PROFILES = [
    # (profile, applies, may_apply, obligations, excluded)
    ({}, [], [], ALL, []),
    ({"evaluation_class": "D", "land_area_mu": 30, "plan_self_renovation": True},
     ["modes.self_renovation", "plot_ratio.raise"],
     ["plot_ratio.self_use_waivers", "plot_ratio.ancillary_share", "plot_ratio.in_situ_reward",
      "approval.fast_track", "finance.products"],
     ALL + ["vacate.differential_pricing", "vacate.deadline", "upgrade.targeted_rectification",
            "enforcement.refusal"], []),
    ({"white_list": True, "plan_acquire_land": True, "acquisition_appraised_value_yuan": "20000000"},
     [], ["acquisition.land_plant", "finance.products"], ALL, []),
    ({"white_list": False, "plan_acquire_equity": True, "equity_price_yuan": "120000000"},
     [], ["finance.products"], ALL, ["acquisition.equity"]),
    ({"in_industrial_control_line": False, "land_idle": True, "refuses_renovation": True},
     [], ["control_line.relocation_space"],
     ALL + ["upgrade.idle_land", "enforcement.comprehensive", "enforcement.refusal"], []),
    ({"in_industrial_control_line": True, "plan_lease_out_plant": True, "plan_transfer_land": True},
     [], [], ALL + ["control_line.no_conversion", "admission.transfer_filing", "admission.lease_filing"], []),
    ({"state_owned": True, "plan_acquire_land": True},
     ["soe.acquisition"], ["soe.park_subsidy", "acquisition.land_plant", "finance.products"], ALL, []),
    ({"state_owned": True, "plan_lease_in_plant": True}, [], ["soe.park_subsidy"],
     ALL + ["admission.lease_filing"], []),
    ({"plan_joint_renovation": True}, ["joint.renovation"],
     ["approval.fast_track", "joint.term_and_registration", "finance.products"], ALL, []),
    ({"plan_relocate_small_micro_park": True, "evaluation_class": "C", "refuses_renovation": False},
     [], ["vacate.small_micro_park", "finance.products"],
     ALL + ["vacate.differential_pricing", "vacate.deadline", "upgrade.targeted_rectification"],
     ["enforcement.refusal"]),
    ({"evaluation_class": "A", "plot_ratio": "1.2"}, ["plot_ratio.raise"], ["upgrade.compliant_enterprise"], ALL, []),
    ({"evaluation_class": "B", "plot_ratio": "2.5"}, [], ["upgrade.compliant_enterprise"], ALL, []),
    ({"high_pollution": True, "high_energy_use": True, "safety_hazards": True, "mixed_use": True}, [], [],
     ALL + ["vacate.differential_pricing", "vacate.deadline", "upgrade.targeted_rectification",
            "enforcement.comprehensive"], []),
    ({"matches_industry_direction": False}, [], [], ALL + ["vacate.differential_pricing", "vacate.deadline"], []),
    ({"plan_self_renovation": True, "self_use": True, "adds_dormitory_area": True},
     ["modes.self_renovation", "plot_ratio.raise", "plot_ratio.self_use_waivers"],
     ["plot_ratio.in_situ_reward", "approval.fast_track", "finance.products"], ALL,
     ["plot_ratio.ancillary_share"]),
]


@pytest.mark.parametrize("facts, applies, may_apply, obligations, excluded", PROFILES)
def test_profile_matches_rules(rules, facts, applies, may_apply, obligations, excluded):
    result = match(EnterpriseProfile(**facts), rules=rules)
    assert _ids(result.applies) == applies
    assert _ids(result.may_apply) == may_apply
    assert _ids(result.obligations) == obligations
    assert _ids(result.excluded) == excluded


@pytest.mark.parametrize("facts, clause_ids", [
    ({}, [f"{D}s6.2", f"{D}s8.4"]),
    ({"white_list": True, "plan_acquire_equity": True},
     [f"{D}s6.6", f"{D}s6.9", f"{D}s6.2", f"{D}s8.4"]),
    ({"evaluation_class": "C"},
     [f"{D}s6.2", f"{D}s8.4", f"{D}s6.3", f"{D}s6.8", f"{D}s5.2.2", f"{D}s6.10", f"{D}s7.3"]),
    ({"plan_joint_renovation": True},
     [f"{D}s4.4", f"{D}s6.7", f"{D}s5.1.2", f"{D}s8.3", f"{D}s6.9", f"{D}s6.2", f"{D}s8.4"]),
])
def test_profile_clause_ids(rules, facts, clause_ids):
    result = match(EnterpriseProfile(**facts), rules=rules)
    assert list(dict.fromkeys(c for i in result.items for c in i.clause_ids)) == clause_ids


def test_no_facts_returns_only_what_applies_to_all(rules):
    result = match(EnterpriseProfile(), rules=rules)
    universal = [r.id for r in rules if not r.triggered_by_facts]
    assert universal == ALL
    assert result.rule_ids == universal
    assert result.tool_calls == []


def test_may_apply_names_the_condition(rules):
    result = match(EnterpriseProfile(white_list=True, plan_acquire_land=True), rules=rules)
    item = result.may_apply[0]
    assert item.condition == "须为“白名单”中的优势企业，在二级市场以市场价自愿成功交易，经备案认可且提交区政府常务会议审定。"
    assert item.missing_inputs == ["acquisition_appraised_value_yuan"]
    assert item.tool_call is None


def test_unknown_required_fact_demotes_to_may_apply(rules):
    unknown = match(EnterpriseProfile(plan_self_renovation=True), rules=rules)
    waiver = next(i for i in unknown.may_apply if i.rule_id == "plot_ratio.self_use_waivers")
    assert waiver.unknown_facts == ["self_use"]
    assert waiver.condition == "提高的容积率须为企业自用。"
    known = match(EnterpriseProfile(plan_self_renovation=True, self_use=True), rules=rules)
    waiver = next(i for i in known.applies if i.rule_id == "plot_ratio.self_use_waivers")
    assert (waiver.unknown_facts, waiver.condition) == ([], None)


# -- amounts from the calculators -------------------------------------------------------------

@pytest.mark.parametrize("facts, rule_id, tool, key, value", [
    ({"white_list": True, "plan_acquire_land": True, "acquisition_appraised_value_yuan": "20000000"},
     "acquisition.land_plant", "land_acquisition_subsidy", "subsidy_yuan", "6000000"),
    ({"white_list": True, "plan_acquire_equity": True, "equity_price_yuan": "120000000"},
     "acquisition.equity", "equity_acquisition_subsidy", "max_subsidy_yuan", "12000000"),
    ({"plan_self_renovation": True, "floor_area_m2": "20000", "land_area_mu": "15"},
     "plot_ratio.raise", "plot_ratio_check", "meets_minimum", True),
    ({"plan_self_renovation": True, "ancillary_land_area_m2": "1000", "land_area_mu": "15"},
     "plot_ratio.ancillary_share", "ancillary_facilities_check", "land_share_cap_pct", "15"),
])
def test_amounts_come_from_the_calculator(rules, facts, rule_id, tool, key, value):
    result = match(EnterpriseProfile(**facts), rules=rules)
    item = next(i for i in result.items if i.rule_id == rule_id)
    assert item.tool_call.name == tool
    assert item.tool_call.error is None
    assert item.amount[key] == value
    assert item.amount["clause_id"] == item.clause_ids[0]


# -- the period ------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, note", [
    (None, None),
    (date(2025, 6, 1), None),
    (date(2026, 12, 31), None),
    (date(2027, 1, 1), "所问日期 2027-01-01 已超出本方案实施期（至 2026-12-31），以下内容是否仍然有效，请以主管部门的最新文件为准。"),
    (date(2023, 12, 31), "所问日期 2023-12-31 早于本方案实施期（2024-01-01 起）。"),
])
def test_period(rules, as_of, note):
    result = match(EnterpriseProfile(), rules=rules, as_of=as_of)
    assert (result.period.valid_from, result.period.valid_to) == (date(2024, 1, 1), date(2026, 12, 31))
    assert result.period.note() == "本方案实施期为2024年至2026年12月底（2024-01-01 至 2026-12-31）。"
    assert result.outside_period == note


# -- chat ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, facts", [
    ("我们是D类企业，用地30亩，想自己拆了重建，有什么政策？",
     {"land_area_mu": Decimal(30), "evaluation_class": "D", "plan_self_renovation": True}),
    ("白名单企业，想收购隔壁厂房，评估价2000万",
     {"white_list": True, "plan_acquire_land": True, "acquisition_appraised_value_yuan": Decimal(20000000)}),
    ("我们不是白名单企业，想以1.2亿元收购某公司股权",
     {"white_list": False, "plan_acquire_equity": True, "equity_price_yuan": Decimal(120000000)}),
    ("股权收购价格5000万，我们是白名单企业",
     {"white_list": True, "plan_acquire_equity": True, "equity_price_yuan": Decimal(50000000)}),
    ("我们厂在控制线外，土地闲置，不想配合改造",
     {"in_industrial_control_line": False, "land_idle": True, "refuses_renovation": True}),
    ("我们在工业控制线内，想把地转让出去", {"in_industrial_control_line": True, "plan_transfer_land": True}),
    ("我们是国有企业，打算收购一块存量工业用地", {"state_owned": True, "plan_acquire_land": True}),
    ("国企想租厂房建产业园", {"state_owned": True, "plan_lease_in_plant": True}),
    ("厂房出租给别人要备案吗？我们是B类", {"evaluation_class": "B", "plan_lease_out_plant": True}),
    ("想和隔壁两家企业联合改造，有什么支持？", {"plan_joint_renovation": True}),
    ("我们是高耗能企业，污染问题突出，会怎么样？", {"high_energy_use": True, "high_pollution": True}),
    ("想搬进小微企业园", {"plan_relocate_small_micro_park": True}),
    ("容积率只有1.2，用地15亩，建筑面积2万平方米，我们想加层",
     {"land_area_mu": Decimal(15), "floor_area_m2": Decimal(20000), "plot_ratio": Decimal("1.2"),
          "plan_self_renovation": True}),
    ("新增的厂房自用，不新增宿舍，想拆除重建",
     {"self_use": True, "adds_dormitory_area": False, "plan_self_renovation": True}),
    ("大碶街道的Ａ类企业有什么支持", {"street": "大碶", "evaluation_class": "A"}),
    ("新碶街道的容积率提升项目目标是多少？", {"street": "新碶"}),
    ("六（六）的原文是什么？", None),
])
def test_profile_from_question(question, facts):
    profile = profile_from_question(question)
    assert (profile.known() if profile else None) == facts


@pytest.mark.parametrize("question, as_of", [
    ("2027年我们C类企业还能申请吗", date(2027, 12, 31)),
    ("我们是D类企业", None),
])
def test_date_from_question(question, as_of):
    assert date_from_question(question) == as_of


@pytest.mark.parametrize("question", [
    "六（六）的原文是什么？",
    "新碶街道的容积率提升项目目标是多少？",  # a street alone: an Annex 2 question
    "评估价2000万能补多少？",  # an amount alone: a calculator question
    "C、D类企业有什么压力？",  # a group of classes, not the asker's
])
def test_not_an_eligibility_question(clauses, rules, question):
    assert match_answer(question, clauses, rules=rules) is None


def test_match_answer_d_class_rebuild(clauses, rules):
    answer = match_answer("我们是D类企业，用地30亩，想自己拆了重建，有什么政策？", clauses, rules=rules)
    assert answer.abstained is False
    assert dangling_markers(answer.answer, len(answer.citations)) == []
    assert [c.id for c in answer.citations] == [
        f"{D}{p}" for p in ("s4.5", "s5.1.3", "s6.5", "s2.3", "s8.3", "s6.9", "s6.2", "s8.4", "s6.3",
                            "s6.8", "s5.2.2", "s6.10", "s7.3", "s7.4")]
    assert "适用的政策：\n1. 企业自主改造：鼓励企业通过拆除重建" in answer.answer
    assert "限期腾退，改造提升或关停淘汰：实施限期腾退" in answer.answer
    assert (f"注：具体标准见{EXTERNAL_WENSHANG}、{EXTERNAL_SHANGLOU}，这些文件不在本助手收录的文件中"
            in answer.answer)
    assert answer.answer.endswith("实施期：本方案实施期为2024年至2026年12月底（2024-01-01 至 2026-12-31）。[13][14]")
    assert answer.tool_calls == []


def test_match_answer_white_list_acquisition_runs_the_calculator(clauses, rules):
    answer = match_answer("白名单企业，想收购隔壁厂房，评估价2000万", clauses, rules=rules)
    assert [c.id for c in answer.citations] == [f"{D}s6.6", f"{D}s6.9", f"{D}s6.2", f"{D}s8.4",
                                                f"{D}s7.3", f"{D}s7.4"]
    assert [(t.name, t.arguments) for t in answer.tool_calls] == [
        ("land_acquisition_subsidy", {"appraised_value_yuan": "20000000"})]
    assert answer.tool_calls[0].result["subsidy_yuan"] == "6000000"
    assert "条件：须为“白名单”中的优势企业，在二级市场以市场价自愿成功交易，经备案认可且提交区政府常务会议审定。" in answer.answer


def test_match_answer_outside_period_and_history(clauses, rules):
    answer = match_answer("2027年想收购隔壁厂房呢？", clauses, rules=rules,
                          history=["我们是白名单企业，C类"])
    assert "白名单企业收购土地、厂房补助30%" in answer.answer
    assert "限期腾退" in answer.answer
    assert answer.answer.splitlines()[1] == ("提示：所问日期 2027-12-31 已超出本方案实施期（至 2026-12-31），"
                                             "以下内容是否仍然有效，请以主管部门的最新文件为准。")


def test_match_answer_excluded(clauses, rules):
    answer = match_answer("我们不是白名单企业，想以1.2亿元收购某公司股权", clauses, rules=rules)
    assert ("不适用（所述情况不符合条件）：\n1. 白名单企业股权收购补助不超过10%[4]：您所述情况（列入“白名单”优势企业）"
            "不符合其条件——须为“白名单”中的优势企业，经备案认可且提交区政府常务会议审定。") in answer.answer
    assert answer.tool_calls == []


# -- profile files and the command ------------------------------------------------------------

@pytest.mark.parametrize("name, text, message", [
    ("p.json", '{"evaluation_class": "E"}', "field 'evaluation_class' = 'E'"),
    ("p.json", '{"whitelist": true}', "unknown field 'whitelist'"),
    ("p.json", '{"land_area_mu": -3}', "field 'land_area_mu' = -3: Input should be greater than 0"),
    ("p.toml", 'street = "上海"', "field 'street' = '上海': unknown street '上海'"),
    ("p.yaml", "white_list: maybe", "field 'white_list' = 'maybe'"),
    ("p.json", "{not json", "cannot parse profile"),
    ("p.txt", "x", "unsupported profile format '.txt'"),
    ("p.json", "[1, 2]", "an enterprise profile must be a mapping of fields, got list"),
])
def test_bad_profile_file(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path, known_streets(clause_map()))
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_missing_profile_file(tmp_path):
    with pytest.raises(ProfileError, match="profile file not found"):
        load_profile(tmp_path / "none.json")


@pytest.mark.parametrize("name, text", [
    ("p.json", '{"evaluation_class": "d", "street": "新碶街道", "land_area_mu": 30}'),
    ("p.toml", 'evaluation_class = "D"\nstreet = "新碶"\nland_area_mu = 30'),
    ("p.yaml", "evaluation_class: D\nstreet: 新碶\nland_area_mu: 30\n"),
])
def test_profile_formats(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert load_profile(path).known() == {"street": "新碶", "land_area_mu": Decimal(30), "evaluation_class": "D"}


def _run_cli(argv):
    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_match_command_json(tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"white_list": True, "plan_acquire_equity": True,
                                "equity_price_yuan": "120000000"}), encoding="utf-8")
    assert _run_cli(["match", "--profile", str(path), "--json", "--as-of", "2027-03-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [i["rule_id"] for i in out["may_apply"]] == ["acquisition.equity", "finance.products"]
    assert out["may_apply"][0]["tool_call"]["result"]["max_subsidy_yuan"] == "12000000"
    assert out["outside_period"].startswith("所问日期 2027-03-01 已超出本方案实施期")
    assert out["external_documents"] == [EXTERNAL_WENSHANG]
    assert [c["id"] for c in out["citations"]] == [f"{D}s6.6", f"{D}s6.9", f"{D}s6.2", f"{D}s8.4",
                                                   f"{D}s7.3", f"{D}s7.4"]


def test_match_command_text(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text("", encoding="utf-8")
    assert _run_cli(["match", "--profile", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1. 工业用地全生命周期管理与《履约协议》：" in out
    assert f"[1] 仑政办〔2024〕22号 六、政策举措（二）严把准入门槛 ({D}s6.2)" in out
    assert out.endswith("（档案未提供任何情况，以上仅为适用于所有企业的内容。）\n")


def test_match_command_bad_profile(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"evaluation_class": "E"}', encoding="utf-8")
    with pytest.raises(ProfileError, match="field 'evaluation_class' = 'E'"):
        _run_cli(["match", "--profile", str(path)])
