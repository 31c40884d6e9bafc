"""Chinese sentences for calculator results: the result with its unit, in one line.

Each renderer reads the JSON-able result of :func:`assistant.tools.registry.run_tool`
(Decimals as strings) and writes what a person would say; the formula, conditions and
notes are added by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from assistant.tools.units import fmt_yuan


def _y(value: str) -> str:
    return fmt_yuan(Decimal(value))


def _d(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _land(r: dict[str, Any]) -> str:
    return (f"按国有土地征收实际评估价{_y(r['inputs']['appraised_value_yuan'])}的30%计算，"
            f"可获补助{_y(r['subsidy_yuan'])}。")


def _equity(r: dict[str, Any]) -> str:
    return (f"按股权收购价格{_y(r['inputs']['price_yuan'])}计算，补助最多为{_y(r['max_subsidy_yuan'])}"
            f"（不超过股权收购价格的10%）。")


def _reward(r: dict[str, Any]) -> str:
    if r["reward_yuan"] is not None:
        return (f"按每亩{r['inputs']['rate_wan_yuan_per_mu']}万元、{r['area_mu']}亩计算，"
                f"街道奖励为{_y(r['reward_yuan'])}。")
    return (f"按每亩1—5万元计算，{r['area_mu']}亩的街道奖励在{_y(r['min_reward_yuan'])}至"
            f"{_y(r['max_reward_yuan'])}之间，具体标准根据排名及完成情况确定。")


def _plot(r: dict[str, Any]) -> str:
    verdict = "达到" if r["meets_minimum"] else "低于"
    text = f"容积率为{r['plot_ratio']}，{verdict}原则上不低于2.0的要求"
    if not r["meets_minimum"]:
        text += f"；达到2.0需总建筑面积{r['floor_area_needed_m2']}平方米，还差{r['shortfall_m2']}平方米"
    return text + "。"


def _ancillary(r: dict[str, Any]) -> str:
    verdict = "未超过" if r["within_land_cap"] else "超过了"
    text = (f"行政办公及生活服务设施用地占比为{r['land_share_pct']}%，{verdict}{r['land_share_cap_pct']}%的上限"
            f"（上限对应{r['max_ancillary_land_m2']}平方米，即{r['max_ancillary_land_mu']}亩）")
    if r.get("floor_share_pct") is not None:
        text += f"；建筑面积占比为{r['floor_share_pct']}%"
        if r.get("within_floor_cap") is not None:
            text += "，" + ("未超过" if r["within_floor_cap"] else "超过了") + f"{r['floor_share_cap_pct']}%的上限"
    return text + "。"


def _fund(r: dict[str, Any]) -> str:
    if r["fund_yuan"] is not None:
        return (f"“腾笼换鸟”专项经费为{_y(r['fund_yuan'])}，其中提取土地出让收入的0.5%为"
                f"{_y(r['land_income_share_yuan'])}。")
    return (f"提取土地出让收入的0.5%为{_y(r['land_income_share_yuan'])}；专项经费总额还需加上征收的差别化电费"
            f"（未提供）。")


def _reserve(r: dict[str, Any]) -> str:
    return (f"工业控制线内应预留约{r['reserve_mu']}亩（{r['reserve_m2']}平方米），"
            f"即新增空间的10%左右，用于小微企业承载平台建设以及工业企业调产安置。")


def _tax_per_mu(r: dict[str, Any]) -> str:
    return f"亩均税收为{_y(r['tax_per_mu_yuan'])}每亩。"


def _tax_path(r: dict[str, Any]) -> str:
    steps = "，".join(f"{p['year']}年{_y(p['tax_per_mu_yuan'])}" for p in r["path"])
    last = r["path"][-1]
    return (f"按年均增长{r['growth_rate_pct']}%推算，{last['year']}年亩均税收为{_y(last['tax_per_mu_yuan'])}每亩"
            f"（逐年：{steps}）。")


def _tax_rate(r: dict[str, Any]) -> str:
    i = r["inputs"]
    verdict = "达到" if r["meets_target"] else "未达到"
    return (f"{i['start_year']}—{i['end_year']}年亩均税收年均增长{r['annual_growth_pct']}%，"
            f"{verdict}年均增长6%以上的目标。")


def _joint(r: dict[str, Any]) -> str:
    parts = "；".join(f"{p['name']}（原终止期{p['expiry']}）需补缴{p['extra_term']}的差额年限土地价款"
                     for p in r["parcels"] if p["extra_years"] or p.get("extra_days"))
    return (f"联合改造后可按出让终止期最迟的一宗（{r['latest_parcel']}）重新确定出让终止期为{r['new_expiry']}"
            + (f"；{parts}" if parts else "") + "。")


def _approval(r: dict[str, Any]) -> str:
    text = (f"开工前审批最迟应在{_d(r['deadline_date'])}完成"
            f"（改造计划批准日{_d(r['inputs']['plan_approval_date'])}起50个自然日）")
    if r.get("days_used") is not None:
        verdict = "在50天以内" if r["within_window"] else "超过了50天"
        text += f"；实际用时{r['days_used']}天，{verdict}"
    return text + "。"


def _target(r: dict[str, Any]) -> str:
    return f"{r['street']}的“{r['column']}”任务为{r['target']}{r['unit']}。"


def _progress(r: dict[str, Any]) -> str:
    u = r["unit"]
    tail = "已完成任务" if r["met"] else f"还差{r['remaining']}{u}"
    return (f"{r['street']}的“{r['column']}”任务为{r['target']}{u}，已完成{r['achieved']}{u}，"
            f"完成率{r['completion_pct']}%，{tail}。")


def _totals(r: dict[str, Any]) -> str:
    if r["all_match"]:
        return f"附件2各列的全区数与{len(r['streets'])}个街道（区块）之和全部一致。"
    bad = "；".join(f"{c['column']}：全区{c['district_total']}，各街道之和{c['streets_sum']}"
                   for c in r["columns"] if c["matches"] is False)
    return f"附件2有列不一致：{bad}。"


def _area(r: dict[str, Any]) -> str:
    i = r["inputs"]
    given = {"亩": "mu", "mu": "mu", "公顷": "ha", "ha": "ha", "万平方米": "wan_m2"}.get(i["unit"], "m2")
    shown = [f"{r['area_' + key]}{unit}" for key, unit in
             (("mu", "亩"), ("m2", "平方米"), ("ha", "公顷")) if key != given]
    return f"{i['value']}{i['unit']} = " + " = ".join(shown) + "（1亩 = 10000/15平方米）。"


def _money(r: dict[str, Any]) -> str:
    return f"{r['amount_yuan']}元 = {r['amount_wan_yuan']}万元 = {r['amount_yi_yuan']}亿元。"


_RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "land_acquisition_subsidy": _land, "equity_acquisition_subsidy": _equity, "street_reward": _reward,
    "plot_ratio_check": _plot, "ancillary_facilities_check": _ancillary, "special_fund": _fund,
    "small_micro_reserve": _reserve, "tax_per_mu": _tax_per_mu, "tax_growth_path": _tax_path,
    "tax_growth_rate": _tax_rate, "joint_renovation_terms": _joint, "approval_deadline": _approval,
    "street_target": _target, "target_progress": _progress, "annex2_totals_check": _totals,
    "convert_area": _area, "convert_money": _money,
}


def summary(result: dict[str, Any]) -> str:
    """One Chinese sentence stating a result with its unit.

    Args:
        result: a result dict from ``run_tool`` (has ``tool``).
    Returns:
        The sentence, ending with 。
    """
    return _RENDERERS[result["tool"]](result)


def details(result: dict[str, Any]) -> list[str]:
    """Lines after the sentence: formula, conditions, notes, day basis, rounding."""
    lines = [f"计算公式：{result['formula']}"]
    if result.get("conditions"):
        lines.append("适用条件：" + "；".join(result["conditions"]))
    notes = list(result.get("notes") or [])
    for key in ("day_basis", "working_days"):
        if result.get(key):
            notes.append(result[key])
    if notes:
        lines.append("说明：" + "；".join(notes))
    if result.get("rounding"):
        lines.append("舍入：" + result["rounding"])
    return lines
