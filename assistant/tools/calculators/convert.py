"""Unit conversion: 亩 ↔ 平方米 ↔ 公顷 (1 亩 = 10000/15 平方米), 元 ↔ 万元 ↔ 亿元.

These are units of measurement, not rules of the document, so results cite no clause.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from assistant.tools.calculators.base import CalcInput, Number, ToolResult, inputs_of
from assistant.tools.units import (
    AREA_PLACES,
    AREA_ROUNDING,
    AREA_UNIT_ALIASES,
    MONEY_UNIT_ALIASES,
    MU_PLACES,
    YUAN_PER_UNIT,
    area_to_m2,
    fmt,
    m2_to,
    money_to_yuan,
    plain,
    round_to,
)

AreaUnitIn = Literal["亩", "平方米", "公顷", "万平方米", "平米", "㎡", "m2", "m²", "mu", "ha"]
MoneyUnitIn = Literal["元", "万元", "亿元", "万", "亿", "yuan"]


class ConvertAreaInput(CalcInput):
    value: Number = Field(ge=0, description="面积数值")
    unit: AreaUnitIn = Field(description="面积单位：亩、平方米、公顷、万平方米")


class ConvertAreaResult(ToolResult):
    area_mu: Decimal
    area_m2: Decimal
    area_ha: Decimal
    area_wan_m2: Decimal


def convert_area(inp: ConvertAreaInput) -> ConvertAreaResult:
    """Convert an area to 亩, 平方米, 公顷 and 万平方米.

    Args:
        inp: value and unit.
    Returns:
        The area in every unit, rounded half-up: 亩 to 0.0001, 平方米 to 0.01,
        公顷 and 万平方米 to 0.000001.
    """
    unit = AREA_UNIT_ALIASES[inp.unit]
    m2 = area_to_m2(inp.value, unit)
    fine = Decimal("0.000001")
    mu, sq, ha, wan = (round_to(m2_to(m2, "亩"), MU_PLACES), round_to(m2, AREA_PLACES),
                       round_to(m2_to(m2, "公顷"), fine), round_to(m2_to(m2, "万平方米"), fine))
    return ConvertAreaResult(
        tool="convert_area", clause_id=None,
        formula=(f"1亩 = 10000/15平方米，1公顷 = 15亩 = 10000平方米：{fmt(inp.value)}{unit}"
                 f" = {fmt(mu)}亩 = {fmt(sq)}平方米 = {fmt(ha)}公顷"),
        inputs=inputs_of(inp), area_mu=mu, area_m2=sq, area_ha=ha, area_wan_m2=wan,
        rounding=AREA_ROUNDING + "；公顷、万平方米到0.000001")


class ConvertMoneyInput(CalcInput):
    value: Number = Field(description="金额数值")
    unit: MoneyUnitIn = Field(description="金额单位：元、万元、亿元")


class ConvertMoneyResult(ToolResult):
    amount_yuan: Decimal
    amount_wan_yuan: Decimal
    amount_yi_yuan: Decimal


def convert_money(inp: ConvertMoneyInput) -> ConvertMoneyResult:
    """Convert an amount between 元, 万元 and 亿元 (exact: powers of ten).

    Args:
        inp: value and unit.
    Returns:
        The amount in 元, 万元 and 亿元, unrounded.
    """
    unit = MONEY_UNIT_ALIASES[inp.unit]
    yuan = plain(money_to_yuan(inp.value, unit))
    wan, yi = plain(yuan / YUAN_PER_UNIT["万元"]), plain(yuan / YUAN_PER_UNIT["亿元"])
    return ConvertMoneyResult(
        tool="convert_money", clause_id=None,
        formula=f"1万元 = 10^4元，1亿元 = 10^8元：{fmt(inp.value)}{unit} = {fmt(yuan)}元 = {fmt(wan)}万元 = {fmt(yi)}亿元",
        inputs=inputs_of(inp), amount_yuan=yuan, amount_wan_yuan=wan, amount_yi_yuan=yi,
        rounding="不舍入（10的幂次换算是精确的）")
