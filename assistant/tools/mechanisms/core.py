"""General calculation mechanisms; a pack entry supplies the constants, clause and words.

- ``share_of_base``: a percentage of a base (money or area), optionally a cap ("不超过"),
  optionally plus an amount given alongside (an addend of the same unit).
- ``rate_in_range``: a quantity × a rate that the rule allows within a range; without a
  rate the range of results.
- ``date_plus_days``: the last day of a period of N days from a start day (the start day not
  counted), optionally the longest period a contract may agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, Field

from assistant.packs.loader import ActiveTool
from assistant.tools.calculators.base import ToolResult, inputs_of, one_area
from assistant.tools.mechanisms.inputs import read_day
from assistant.tools.units import (
    AREA_PLACES,
    AREA_ROUNDING,
    MONEY_PLACES,
    MONEY_ROUNDING,
    MU_PLACES,
    fmt,
    m2_to,
    round_to,
)


def const(tool: ActiveTool, key: str) -> Decimal:
    """A numeric constant of the tool's pack entry."""
    return Decimal(str(tool.spec.params[key]))


def _result(tool: ActiveTool, inp: BaseModel, **fields: Any) -> dict[str, Any]:
    return {"tool": tool.name, "clause_id": tool.clause_id, "inputs": inputs_of(inp),
            "conditions": list(tool.spec.conditions), "notes": list(tool.spec.notes), **fields}


# -- share of a base --------------------------------------------------------------

class ShareResult(ToolResult):
    case: str = Field(description="情形")
    base: Decimal = Field(description="基数")
    unit: str = Field(description="单位")
    rate_pct: Decimal = Field(description="比例（%）")
    result: Decimal = Field(description="计算结果")
    result_mu: Decimal | None = Field(default=None, description="计算结果（亩）")
    result_m2: Decimal | None = Field(default=None, description="计算结果（平方米）")
    addend: Decimal | None = Field(default=None, description="另加金额")
    total: Decimal | None = Field(default=None, description="合计")


def share_of_base(tool: ActiveTool, inp: BaseModel) -> ShareResult:
    """``base × rate_pct%`` (+ an optional addend); a cap when the pack says ``cap = true``.

    The base is the tool's first argument; with a money base, a second money argument is the addend.

    Args:
        tool: the pack entry (constant ``rate_pct``).
        inp: the validated input.
    Returns:
        The share, and the total with the addend when it was given.
    """
    args = tool.spec.arguments
    rate = const(tool, "rate_pct")
    base_arg = args[0]
    label = base_arg.label
    if base_arg.kind == "area":
        m2, unit, given = one_area(inp, base_arg.name)
        share_m2 = m2 * Fraction(rate) / 100
        result_mu, result_m2 = round_to(m2_to(share_m2, "亩"), MU_PLACES), round_to(share_m2, AREA_PLACES)
        result = result_mu if unit == "亩" else result_m2
        base, extra, rounding = given, {"result_mu": result_mu, "result_m2": result_m2}, AREA_ROUNDING
    else:
        base = getattr(inp, base_arg.name)
        unit = "元" if base_arg.kind == "money" else ""
        result = round_to(base * rate / 100, MONEY_PLACES)
        extra, rounding = {}, MONEY_ROUNDING
    word = "上限" if tool.spec.params.get("cap") else ""
    formula = f"{tool.spec.title}{word} = {label} × {fmt(rate)}% = {fmt(base)}{unit} × {fmt(rate)}% = {fmt(result)}{unit}"
    case, addend, total = "base", None, None
    if len(args) > 1 and args[1].kind == base_arg.kind == "money":
        addend = getattr(inp, args[1].name)
        if addend is not None:
            total = round_to(result + addend, MONEY_PLACES)
            formula += f"；{tool.spec.title} = {fmt(result)}{unit} + {args[1].label} {fmt(addend)}{unit} = {fmt(total)}{unit}"
            case = "total"
        else:
            case = "part"
    return ShareResult(**_result(tool, inp, case=case, base=base, unit=unit, rate_pct=rate, result=result,
                                 addend=addend, total=total, formula=formula, rounding=rounding, **extra))


# -- rate × quantity within a range ------------------------------------------------

class RateRangeResult(ToolResult):
    case: str = Field(description="情形")
    quantity_mu: Decimal = Field(description="面积（亩）")
    rate: Decimal | None = Field(description="标准")
    result: Decimal | None = Field(description="计算结果（元）")
    min_result: Decimal = Field(description="最低结果（元）")
    max_result: Decimal = Field(description="最高结果（元）")


def rate_in_range(tool: ActiveTool, inp: BaseModel) -> RateRangeResult:
    """``area (亩) × rate × scale``; the range ``min``–``max`` of the rate when none is given.

    Args:
        tool: the pack entry (constants ``min``, ``max``, ``scale``: 元 per unit of the rate,
            ``rate_unit``: how the rate is written).
        inp: an area argument (first) and an optional rate argument (second).
    Returns:
        The result for the given rate, and the results at both ends of the range, in 元.
    """
    area_arg, rate_arg = tool.spec.arguments[0], tool.spec.arguments[1]
    lo_rate, hi_rate, scale = const(tool, "min"), const(tool, "max"), const(tool, "scale")
    rate_unit = str(tool.spec.params.get("rate_unit", ""))
    m2, _, _ = one_area(inp, area_arg.name)
    mu = m2_to(m2, "亩")
    lo = round_to(mu * Fraction(scale) * Fraction(lo_rate), MONEY_PLACES)
    hi = round_to(mu * Fraction(scale) * Fraction(hi_rate), MONEY_PLACES)
    mu_shown = round_to(mu, MU_PLACES)
    rate = getattr(inp, rate_arg.name)
    if rate is not None:
        result = round_to(mu * Fraction(scale) * Fraction(rate), MONEY_PLACES)
        formula = f"{tool.spec.title} = {area_arg.label}（亩）× {rate_arg.label} = {fmt(mu_shown)}亩 × {fmt(rate)}{rate_unit} = {fmt(result)}元"
        case = "given"
    else:
        result = None
        formula = (f"{tool.spec.title}区间 = {area_arg.label}（亩）× {fmt(lo_rate)}—{fmt(hi_rate)}{rate_unit}"
                   f" = {fmt(mu_shown)}亩 × {fmt(lo_rate)}—{fmt(hi_rate)}{rate_unit} = {fmt(lo)}—{fmt(hi)}元")
        case = "range"
    return RateRangeResult(**_result(tool, inp, case=case, quantity_mu=mu_shown, rate=rate, result=result,
                                     min_result=lo, max_result=hi, formula=formula, rounding=MONEY_ROUNDING))


# -- date + N days -----------------------------------------------------------------

class DeadlineResult(ToolResult):
    case: str = Field(description="情形")
    start: str = Field(description="起算日")
    days: int = Field(description="期限（日）")
    deadline: str = Field(description="最迟日期")
    max_days: int | None = Field(default=None, description="约定期限上限（日）")
    max_deadline: str | None = Field(default=None, description="约定期限的最迟日期")
    days_used: int | None = Field(default=None, description="实际用时（日）")
    within: bool | None = Field(default=None, description="是否在期限内")


def _plus(day: str, days: int) -> str:
    """``day`` + ``days``; a day without its year stays without one when every year agrees."""
    if not day.startswith("--"):
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
    month, dom = int(day[2:4]), int(day[5:7])
    ends = set()
    for year in (2023, 2024):  # a common and a leap year
        try:
            d = date(year, month, dom) + timedelta(days=days)
        except ValueError:
            continue
        ends.add((d.month, d.day, d.year - year))
    if len(ends) != 1:
        raise ValueError("跨越2月，结果取决于是否闰年：请给出完整日期（含年份）")
    m, d, carry = ends.pop()
    return f"--{m:02d}-{d:02d}" if not carry else f"次年--{m:02d}-{d:02d}"


def date_plus_days(tool: ActiveTool, inp: BaseModel) -> DeadlineResult:
    """The last day of a period of ``days`` counted from the day after the start day.

    Args:
        tool: the pack entry (constants ``days`` and optionally ``max_days``).
        inp: the start day (first argument) and optionally the day the act was done (a second
            date argument).
    Returns:
        The deadline (and the latest one a contract may agree), and whether a given day
        is within the period.
    Raises:
        ValueError: a start day without its year whose period crosses 2月.
    """
    args = tool.spec.arguments
    days = int(const(tool, "days"))
    start = read_day(getattr(inp, args[0].name))
    deadline = _plus(start, days)
    formula = f"{tool.spec.title}：最迟日期 = {args[0].label} + {days}日 = {start} + {days}日 = {deadline}"
    out: dict[str, Any] = {"case": "plain"}
    if "max_days" in tool.spec.params:
        max_days = int(const(tool, "max_days"))
        out.update(max_days=max_days, max_deadline=_plus(start, max_days))
        formula += f"；约定期限最长 {max_days}日：{start} + {max_days}日 = {out['max_deadline']}"
    if len(args) > 1 and args[1].kind == "date" and getattr(inp, args[1].name) is not None:
        done = read_day(getattr(inp, args[1].name))
        if start.startswith("--") or done.startswith("--"):
            raise ValueError(f"{args[1].name}：比较实际用时需要含年份的完整日期")
        used = (date.fromisoformat(done) - date.fromisoformat(start)).days
        if used < 0:
            raise ValueError(f"{args[1].name} 不能早于 {args[0].name}")
        out.update(days_used=used, within=used <= days, case="within" if used <= days else "beyond")
        formula += f"；实际用时 {used}日"
    return DeadlineResult(**_result(tool, inp, start=start, days=days, deadline=deadline, formula=formula, **out))
