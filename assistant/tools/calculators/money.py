"""Money rules of 六、政策举措: M&A subsidies 六（六）, street reward 六（十一）, special fund 六（八）."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import Field, model_validator

from assistant.tools.calculators.base import (
    M2,
    CalcInput,
    Mu,
    Number,
    ToolResult,
    Yuan,
    clause_id,
    inputs_of,
    one_area,
)
from assistant.tools.units import MONEY_PLACES, MONEY_ROUNDING, fmt, m2_to, round_to

LAND_SUBSIDY_RATE = Decimal("0.30")
EQUITY_SUBSIDY_CAP = Decimal("0.10")
STREET_REWARD_MIN_WAN = Decimal(1)
STREET_REWARD_MAX_WAN = Decimal(5)
FUND_LAND_SHARE = Decimal("0.005")

_MA_BASIS = "依据《北仑区（开发区）优化要素资源配置促进稳商扩资增效扶持办法（试行）》"
_MA_REVIEW = "经备案认可且提交区政府常务会议审定"


# -- 六（六）土地、厂房直接并购 ---------------------------------------------------

class LandAcquisitionInput(CalcInput):
    """A white-list enterprise's market-price purchase of land/plant."""

    appraised_value_yuan: Yuan = Field(gt=0, description="国有土地征收实际评估价（元），按地块土地等级评估；不是成交价")


class LandAcquisitionResult(ToolResult):
    subsidy_yuan: Decimal
    rate_pct: Decimal


def land_acquisition_subsidy(inp: LandAcquisitionInput) -> LandAcquisitionResult:
    """Subsidy for a direct purchase of land/plant: 30% of the expropriation appraised value.

    Args:
        inp: the appraised value in 元.
    Returns:
        The subsidy in 元 with the formula, conditions and clause 六（六）.
    """
    subsidy = round_to(inp.appraised_value_yuan * LAND_SUBSIDY_RATE, MONEY_PLACES)
    return LandAcquisitionResult(
        tool="land_acquisition_subsidy", clause_id=clause_id("s6.6"),
        formula=f"补助 = 国有土地征收实际评估价 × 30% = {fmt(inp.appraised_value_yuan)}元 × 30% = {fmt(subsidy)}元",
        inputs=inputs_of(inp), subsidy_yuan=subsidy, rate_pct=Decimal(30),
        conditions=[
            "“白名单”中的优势企业在二级市场开展以土地、厂房为对象的直接并购",
            "以市场价自愿成功交易的宗地项目",
            _MA_REVIEW,
            "根据地块土地等级，以国有土地征收实际评估价为基数（不是成交价）",
        ],
        notes=[_MA_BASIS], rounding=MONEY_ROUNDING)


# -- 六（六）股权收购 -------------------------------------------------------------

class EquityAcquisitionInput(CalcInput):
    """An acquisition by buying equity."""

    price_yuan: Yuan = Field(gt=0, description="股权收购价格（元）")


class EquityAcquisitionResult(ToolResult):
    max_subsidy_yuan: Decimal
    cap_pct: Decimal


def equity_acquisition_subsidy(inp: EquityAcquisitionInput) -> EquityAcquisitionResult:
    """Subsidy cap for an equity acquisition: at most 10% of the equity price.

    Args:
        inp: the equity price in 元.
    Returns:
        The maximum subsidy in 元 (a cap, not a promise) with clause 六（六）.
    """
    cap = round_to(inp.price_yuan * EQUITY_SUBSIDY_CAP, MONEY_PLACES)
    return EquityAcquisitionResult(
        tool="equity_acquisition_subsidy", clause_id=clause_id("s6.6"),
        formula=f"补助上限 = 股权收购价格 × 10% = {fmt(inp.price_yuan)}元 × 10% = {fmt(cap)}元",
        inputs=inputs_of(inp), max_subsidy_yuan=cap, cap_pct=Decimal(10),
        conditions=[
            "“白名单”中的优势企业以股权收购方式并购",
            _MA_REVIEW,
            "按不超过股权收购价格的10%给予补助：这是上限，实际金额以审定为准",
        ],
        notes=[_MA_BASIS], rounding=MONEY_ROUNDING)


# -- 六（十一）街道奖励 -----------------------------------------------------------

class StreetRewardInput(CalcInput):
    """A street's renovated area and, if known, the per-亩 rate it ranks for."""

    area_mu: Mu | None = Field(default=None, gt=0, description="计奖面积（亩）")
    area_m2: M2 | None = Field(default=None, gt=0, description="计奖面积（平方米），与 area_mu 二选一")
    rate_wan_yuan_per_mu: Number | None = Field(
        default=None, ge=STREET_REWARD_MIN_WAN, le=STREET_REWARD_MAX_WAN,
        description="每亩奖励标准（万元/亩），须在1—5之间；不给则返回区间")

    @model_validator(mode="after")
    def _area(self):
        one_area(self, "area")
        return self


class StreetRewardResult(ToolResult):
    area_mu: Decimal
    reward_yuan: Decimal | None
    min_reward_yuan: Decimal
    max_reward_yuan: Decimal


def street_reward(inp: StreetRewardInput) -> StreetRewardResult:
    """Reward for a street with outstanding results: 1–5万元 per 亩 by ranking and completion.

    Args:
        inp: the area and, optionally, the rate in 万元/亩.
    Returns:
        The reward for that rate (when given) and the 1–5万元 range, in 元.
    """
    m2, _, _ = one_area(inp, "area")
    mu = m2_to(m2, "亩")
    lo = round_to(mu * 10000 * Fraction(STREET_REWARD_MIN_WAN), MONEY_PLACES)
    hi = round_to(mu * 10000 * Fraction(STREET_REWARD_MAX_WAN), MONEY_PLACES)
    mu_shown = round_to(mu, Decimal("0.0001"))
    if inp.rate_wan_yuan_per_mu is not None:
        reward = round_to(mu * 10000 * Fraction(inp.rate_wan_yuan_per_mu), MONEY_PLACES)
        formula = (f"奖励 = 面积（亩）× 每亩标准 = {fmt(mu_shown)}亩 × {fmt(inp.rate_wan_yuan_per_mu)}万元/亩"
                   f" = {fmt(reward)}元")
    else:
        reward = None
        formula = (f"奖励区间 = 面积（亩）× 1—5万元/亩 = {fmt(mu_shown)}亩 × 1—5万元/亩"
                   f" = {fmt(lo)}—{fmt(hi)}元")
    return StreetRewardResult(
        tool="street_reward", clause_id=clause_id("s6.11"), formula=formula, inputs=inputs_of(inp),
        area_mu=mu_shown, reward_yuan=reward, min_reward_yuan=lo, max_reward_yuan=hi,
        conditions=["对工作成效突出的街道", "根据排名及完成情况确定每亩1—5万元的标准"],
        notes=[] if reward is not None else ["未给出每亩标准，只能给出区间"],
        rounding=MONEY_ROUNDING)


# -- 六（八）“腾笼换鸟”专项经费 ------------------------------------------------------

class SpecialFundInput(CalcInput):
    """Land transfer income and differential electricity fees of the same period."""

    land_transfer_income_yuan: Yuan = Field(ge=0, description="土地出让收入（元）")
    differential_electricity_fees_yuan: Yuan | None = Field(
        default=None, ge=0, description="征收的差别化电费（元）；不给则只算土地出让收入提取部分")


class SpecialFundResult(ToolResult):
    land_income_share_yuan: Decimal
    fund_yuan: Decimal | None


def special_fund(inp: SpecialFundInput) -> SpecialFundResult:
    """The 腾笼换鸟 fund: 0.5% of land transfer income plus the differential electricity fees.

    Args:
        inp: land transfer income and (optionally) differential electricity fees, in 元.
    Returns:
        The 0.5% share and, when the fees are given, the fund total, with clause 六（八）.
    """
    share = round_to(inp.land_transfer_income_yuan * FUND_LAND_SHARE, MONEY_PLACES)
    fees = inp.differential_electricity_fees_yuan
    if fees is not None:
        total = round_to(share + fees, MONEY_PLACES)
        formula = (f"专项经费 = 土地出让收入 × 0.5% + 差别化电费 = {fmt(inp.land_transfer_income_yuan)}元 × 0.5%"
                   f" + {fmt(fees)}元 = {fmt(share)}元 + {fmt(fees)}元 = {fmt(total)}元")
        notes = []
    else:
        total = None
        formula = (f"土地出让收入提取部分 = 土地出让收入 × 0.5% = {fmt(inp.land_transfer_income_yuan)}元 × 0.5%"
                   f" = {fmt(share)}元")
        notes = ["未给出征收的差别化电费，专项经费总额 = 上述提取部分 + 差别化电费"]
    return SpecialFundResult(
        tool="special_fund", clause_id=clause_id("s6.8"), formula=formula, inputs=inputs_of(inp),
        land_income_share_yuan=share, fund_yuan=total,
        conditions=["用于盘活工业用地、企业整治提升、产业园区配套设施等"],
        notes=notes, rounding=MONEY_ROUNDING)
