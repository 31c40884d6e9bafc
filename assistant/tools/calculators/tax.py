"""Amount per 亩 and its growth: a quotient per area, a compound growth path, a growth rate
against a target. The target rate and the words of the rule come from the pack entry."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from pydantic import BaseModel, Field, model_validator

from assistant.tools.calculators.base import (
    M2,
    CalcInput,
    Mu,
    Pct,
    ToolResult,
    Yuan,
    inputs_of,
    one_area,
)
from assistant.tools.units import (
    MONEY_PLACES,
    MONEY_ROUNDING,
    PCT_PLACES,
    fmt,
    m2_to,
    round_to,
)

from assistant.packs.loader import ActiveTool

MAX_SPAN_YEARS = 50


def _target(tool: ActiveTool) -> Decimal:
    return Decimal(str(tool.spec.params["target_pct"]))


def _growth(pct: Decimal) -> Fraction:
    return 1 + Fraction(pct) / 100


# -- 亩均税收 -----------------------------------------------------------------------

class TaxPerMuInput(CalcInput):
    """Tax paid and the land it was earned on."""

    tax_yuan: Yuan = Field(ge=0, description="税收（元）")
    area_mu: Mu | None = Field(default=None, gt=0, description="用地面积（亩）")
    area_m2: M2 | None = Field(default=None, gt=0, description="用地面积（平方米），与 area_mu 二选一")

    @model_validator(mode="after")
    def _area(self):
        one_area(self, "area")
        return self


class TaxPerMuResult(ToolResult):
    tax_per_mu_yuan: Decimal
    area_mu: Decimal


def tax_per_mu(tool: ActiveTool, inp: TaxPerMuInput) -> TaxPerMuResult:
    """亩均税收 = tax ÷ land area in 亩.

    Args:
        tool: the pack entry (clause, notes).
        inp: tax in 元 and area in 亩 or 平方米.
    Returns:
        Tax per 亩 in 元 (rounded to 0.01元), citing the tool's clause.
    """
    m2, unit, given = one_area(inp, "area")
    mu = m2_to(m2, "亩")
    per = round_to(Fraction(inp.tax_yuan) / mu, MONEY_PLACES)
    area_text = f"{fmt(given)}亩" if unit == "亩" else f"{fmt(given)}平方米（{fmt(round_to(mu, Decimal('0.0001')))}亩）"
    return TaxPerMuResult(
        tool=tool.name, clause_id=tool.clause_id, conditions=list(tool.spec.conditions),
        formula=f"亩均税收 = 税收 ÷ 用地面积（亩）= {fmt(inp.tax_yuan)}元 ÷ {area_text} = {fmt(per)}元/亩",
        inputs=inputs_of(inp), tax_per_mu_yuan=per, area_mu=round_to(mu, Decimal("0.0001")),
        notes=list(tool.spec.notes),
        rounding=MONEY_ROUNDING)


# -- 增长路径 -----------------------------------------------------------------------

def _check_span(start_year: int, end_year: int) -> None:
    """Both growth calculators need a later end year within MAX_SPAN_YEARS of the start."""
    if end_year <= start_year:
        raise ValueError("end_year 必须晚于 start_year")
    if end_year - start_year > MAX_SPAN_YEARS:
        raise ValueError(f"end_year 与 start_year 相差不能超过{MAX_SPAN_YEARS}年")


class TaxGrowthPathInput(CalcInput):
    """A starting tax per 亩 and the years to project at a yearly growth rate."""

    start_tax_per_mu_yuan: Yuan = Field(gt=0, description="起始年亩均税收（元/亩）")
    start_year: int = Field(ge=1900, le=2200, description="起始年份")
    end_year: int = Field(ge=1900, le=2200, description="目标年份，晚于起始年份")
    growth_rate_pct: Pct | None = Field(default=None, gt=-100, le=100, description="年均增长率（%），不给则按规则的目标增长率")

    @model_validator(mode="after")
    def _years(self):
        _check_span(self.start_year, self.end_year)
        return self


class YearValue(BaseModel):
    year: int
    tax_per_mu_yuan: Decimal


class TaxGrowthPathResult(ToolResult):
    path: list[YearValue]
    end_tax_per_mu_yuan: Decimal
    growth_rate_pct: Decimal


def tax_growth_path(tool: ActiveTool, inp: TaxGrowthPathInput) -> TaxGrowthPathResult:
    """Project tax per 亩 year by year at a compound rate (default: the pack's ``target_pct``).

    Args:
        tool: the pack entry (``target_pct``).
        inp: start value, start and end years, rate in %.
    Returns:
        One value per year (each rounded from the exact compound value), citing the tool's clause.
    """
    target = _target(tool)
    rate = inp.growth_rate_pct if inp.growth_rate_pct is not None else target
    g = _growth(rate)
    start = Fraction(inp.start_tax_per_mu_yuan)
    path = [YearValue(year=inp.start_year + k, tax_per_mu_yuan=round_to(start * g ** k, MONEY_PLACES))
            for k in range(inp.end_year - inp.start_year + 1)]
    n = inp.end_year - inp.start_year
    end = path[-1].tax_per_mu_yuan
    notes = []
    if rate < target:
        notes.append(f"{fmt(rate)}%低于目标的年均{fmt(target)}%")
    return TaxGrowthPathResult(
        tool=tool.name, clause_id=tool.clause_id,
        formula=(f"第n年亩均税收 = 起始值 × (1 + {fmt(rate)}%)^n；{inp.end_year}年 = "
                 f"{fmt(inp.start_tax_per_mu_yuan)}元 × (1 + {fmt(rate)}%)^{n} = {fmt(end)}元/亩"),
        inputs=inputs_of(inp), path=path, end_tax_per_mu_yuan=end, growth_rate_pct=rate,
        conditions=list(tool.spec.conditions), notes=list(tool.spec.notes) + notes,
        rounding=f"{MONEY_ROUNDING}（每年的值由精确复利值分别舍入）")


# -- 实际增长率 ---------------------------------------------------------------------

class TaxGrowthRateInput(CalcInput):
    """Tax per 亩 in two years."""

    start_tax_per_mu_yuan: Yuan = Field(gt=0, description="起始年亩均税收（元/亩）")
    end_tax_per_mu_yuan: Yuan = Field(gt=0, description="结束年亩均税收（元/亩）")
    start_year: int = Field(ge=1900, le=2200, description="起始年份")
    end_year: int = Field(ge=1900, le=2200, description="结束年份，晚于起始年份")

    @model_validator(mode="after")
    def _years(self):
        _check_span(self.start_year, self.end_year)
        return self


class TaxGrowthRateResult(ToolResult):
    annual_growth_pct: Decimal
    target_pct: Decimal
    meets_target: bool
    required_end_tax_per_mu_yuan: Decimal


def tax_growth_rate(tool: ActiveTool, inp: TaxGrowthRateInput) -> TaxGrowthRateResult:
    """Compound annual growth between two years, against the pack's ``target_pct``.

    Args:
        tool: the pack entry (``target_pct``).
        inp: values and years.
    Returns:
        The rate in % (rounded to 0.01; the verdict compares exactly: end ≥ start × (1+t)^n),
        and the end value the target rate would have reached.
    """
    target = _target(tool)
    n = inp.end_year - inp.start_year
    ratio = Fraction(inp.end_tax_per_mu_yuan) / Fraction(inp.start_tax_per_mu_yuan)
    with localcontext() as ctx:
        ctx.prec = 50
        root = (Decimal(ratio.numerator) / Decimal(ratio.denominator)) ** (Decimal(1) / Decimal(n))
        rate = round_to((root - 1) * 100, PCT_PLACES)
    required_exact = Fraction(inp.start_tax_per_mu_yuan) * _growth(target) ** n
    required = round_to(required_exact, MONEY_PLACES)
    return TaxGrowthRateResult(
        tool=tool.name, clause_id=tool.clause_id,
        formula=(f"年均增长率 = (结束值 ÷ 起始值)^(1/年数) − 1 = ({fmt(inp.end_tax_per_mu_yuan)} ÷ "
                 f"{fmt(inp.start_tax_per_mu_yuan)})^(1/{n}) − 1 = {fmt(rate)}%；目标 ≥ {fmt(target)}%"),
        inputs=inputs_of(inp), annual_growth_pct=rate, target_pct=target,
        meets_target=Fraction(inp.end_tax_per_mu_yuan) >= required_exact,
        required_end_tax_per_mu_yuan=required,
        conditions=list(tool.spec.conditions),
        notes=list(tool.spec.notes) + [f"按年均{fmt(target)}%，{inp.end_year}年应达到 {fmt(required)}元/亩"],
        rounding=f"增长率四舍五入到0.01%，达标判断用精确值；{MONEY_ROUNDING}")
