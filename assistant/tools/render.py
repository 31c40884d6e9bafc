"""Chinese sentences for calculator results: the result with its unit, in one line.

The sentence of a document's calculator comes from its pack entry (``sentence``, or
``sentences`` by case: met/unmet, within/beyond, given/range …), filled from the
JSON-able result of :func:`assistant.tools.registry.run_tool` with money in 元/万元 and
days as 年月日; the formula, conditions and notes are added by the caller.
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


def _area(r: dict[str, Any]) -> str:
    i = r["inputs"]
    given = {"亩": "mu", "mu": "mu", "公顷": "ha", "ha": "ha", "万平方米": "wan_m2"}.get(i["unit"], "m2")
    shown = [f"{r['area_' + key]}{unit}" for key, unit in
             (("mu", "亩"), ("m2", "平方米"), ("ha", "公顷")) if key != given]
    return f"{i['value']}{i['unit']} = " + " = ".join(shown) + "（1亩 = 10000/15平方米）。"


def _money(r: dict[str, Any]) -> str:
    return f"{r['amount_yuan']}元 = {r['amount_wan_yuan']}万元 = {r['amount_yi_yuan']}亿元。"



_BUILTIN: dict[str, Callable[[dict[str, Any]], str]] = {"convert_area": _area, "convert_money": _money}


def _day(text: str) -> str:
    """``2024-10-21`` -> 2024年10月21日; ``--04-04`` -> 4月4日; ``次年--01-05`` -> 次年1月5日."""
    prefix = ""
    if text.startswith("次年"):
        prefix, text = "次年", text[2:]
    if text.startswith("--"):
        return f"{prefix}{int(text[2:4])}月{int(text[5:7])}日"
    try:
        return prefix + _d(text)
    except ValueError:
        return prefix + text


_DAY_KEYS = ("start", "deadline", "max_deadline")
_GENERIC_MONEY = ("result", "base", "addend", "total", "min_result", "max_result")


def view(result: dict[str, Any]) -> dict[str, str]:
    """The result's fields as the words a sentence shows: money in 元/万元, days in 年月日.

    Inputs are available as ``in_<name>``; money is any ``*_yuan`` field, and the generic
    ``result``/``base``/``addend``/``total``/``min_result``/``max_result`` when the result is in 元.
    """
    money_unit = result.get("unit") == "元" or "min_result" in result
    out: dict[str, str] = {}
    for prefix, data in (("", result), ("in_", result.get("inputs") or {})):
        for key, value in data.items():
            if value is None or isinstance(value, (dict, list)):
                continue
            is_money = key.endswith("_yuan") or (prefix == "" and money_unit and key in _GENERIC_MONEY)
            if isinstance(value, str) and is_money:
                out[prefix + key] = _y(value)
            elif isinstance(value, str) and (key in _DAY_KEYS or key.endswith("_date")):
                out[prefix + key] = _day(value)
            else:
                out[prefix + key] = str(value)
    return out


def _case(result: dict[str, Any]) -> str:
    if "case" in result:
        return str(result["case"])
    for key, yes, no in (("meets_minimum", "met", "unmet"), ("meets_target", "met", "unmet"),
                         ("met", "met", "open"), ("all_match", "match", "differ"),
                         ("within_land_cap", "within", "beyond")):
        if key in result:
            return yes if result[key] else no
    return ""


def _extras(r: dict[str, Any]) -> dict[str, str]:
    """Pieces of a sentence that are lists in the result (years, parcels, mismatched columns)."""
    out = {}
    if isinstance(r.get("path"), list) and r["path"]:
        out["steps"] = "，".join(f"{p['year']}年{_y(p['tax_per_mu_yuan'])}" for p in r["path"])
        out["end_year"] = str(r["path"][-1]["year"])
    if isinstance(r.get("parcels"), list):
        parts = "；".join(f"{p['name']}（原终止期{p['expiry']}）需补缴{p['extra_term']}的差额年限"
                         for p in r["parcels"] if p.get("extra_years") or p.get("extra_days"))
        out["parcel_terms"] = f"；{parts}" if parts else ""
    if isinstance(r.get("columns"), list):
        out["street_count"] = str(len(r.get("streets") or []))
        out["mismatches"] = "；".join(f"{c['column']}：合计{c['district_total']}，各行之和{c['streets_sum']}"
                                      for c in r["columns"] if c["matches"] is False)
    return out


def _default(r: dict[str, Any], title: str) -> str:
    """A sentence for a result whose pack gives none: the mechanism's main figures."""
    if "land_share_pct" in r:
        verdict = "未超过" if r["within_land_cap"] else "超过了"
        text = (f"{title}：用地占比为{r['land_share_pct']}%，{verdict}{r['land_share_cap_pct']}%的上限"
                f"（上限对应{r['max_ancillary_land_m2']}平方米，即{r['max_ancillary_land_mu']}亩）")
        if r.get("floor_share_pct") is not None:
            text += f"；建筑面积占比为{r['floor_share_pct']}%"
            if r.get("within_floor_cap") is not None:
                text += "，" + ("未超过" if r["within_floor_cap"] else "超过了") + f"{r['floor_share_cap_pct']}%的上限"
        return text + "。"
    return f"{title}：{r.get('formula', '')}。"


def summary(result: dict[str, Any], tool: Any = None) -> str:
    """One Chinese sentence stating a result with its unit.

    Args:
        result: a result dict from ``run_tool`` (has ``tool``).
        tool: the pack entry (:class:`~assistant.packs.loader.ActiveTool`) whose sentence
            to use; unit conversions need none.
    Returns:
        The sentence, ending with 。
    """
    name = result["tool"]
    if name in _BUILTIN:
        return _BUILTIN[name](result)
    spec = getattr(tool, "spec", None)
    if spec is None:
        return f"{result.get('formula', '')}。"
    template = spec.sentences.get(_case(result)) or spec.sentence
    if not template:
        return _default(result, spec.title)
    try:
        return template.format_map({**view(result), **_extras(result)})
    except (KeyError, IndexError, ValueError):
        return _default(result, spec.title)


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
