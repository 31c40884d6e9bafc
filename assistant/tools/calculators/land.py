"""Land rules: plot ratio and ancillary space 六（五）, small/micro reserve 六（一）."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import Field, model_validator

from assistant.tools.calculators.base import (
    M2,
    CalcInput,
    Mu,
    ToolResult,
    clause_id,
    inputs_of,
    one_area,
)
from assistant.tools.units import (
    AREA_PLACES,
    AREA_ROUNDING,
    MU_PLACES,
    PCT_PLACES,
    RATIO_PLACES,
    RATIO_ROUNDING,
    fmt,
    m2_to,
    round_to,
)

MIN_PLOT_RATIO = Fraction(2)
ANCILLARY_LAND_CAP = Fraction(7, 100)
ANCILLARY_LAND_CAP_RAISED = Fraction(15, 100)
ANCILLARY_FLOOR_CAP_RAISED = Fraction(30, 100)
SMALL_MICRO_SHARE = Fraction(10, 100)


def _m2(x: Fraction) -> Decimal:
    return round_to(x, AREA_PLACES)


def _mu(x_m2: Fraction) -> Decimal:
    return round_to(m2_to(x_m2, "亩"), MU_PLACES)


def _pct(x: Fraction) -> Decimal:
    return round_to(x * 100, PCT_PLACES)


# -- 六（五）容积率 ----------------------------------------------------------------

class PlotRatioInput(CalcInput):
    """A project's total floor area and land area (亩 or 平方米)."""

    floor_area_m2: M2 = Field(gt=0, description="总建筑面积（平方米）")
    land_area_mu: Mu | None = Field(default=None, gt=0, description="用地面积（亩）")
    land_area_m2: M2 | None = Field(default=None, gt=0, description="用地面积（平方米），与 land_area_mu 二选一")
    existing_floor_area_m2: M2 | None = Field(default=None, ge=0,
                                              description="改造前的建筑面积（平方米），给出则计算新增部分")

    @model_validator(mode="after")
    def _area(self):
        one_area(self, "land_area")
        return self


class PlotRatioResult(ToolResult):
    land_area_m2: Decimal
    land_area_mu: Decimal
    plot_ratio: Decimal
    minimum_plot_ratio: Decimal
    meets_minimum: bool
    floor_area_needed_m2: Decimal
    shortfall_m2: Decimal
    added_floor_area_m2: Decimal | None = None


def plot_ratio_check(inp: PlotRatioInput) -> PlotRatioResult:
    """Plot ratio = floor area ÷ land area, checked against the 2.0 floor of 六（五）.

    Args:
        inp: floor area in 平方米 and land area in 亩 or 平方米.
    Returns:
        The ratio (rounded to 0.01; the check uses the exact value), the floor area that
        2.0 needs and the shortfall, with clause 六（五）.
    """
    land_m2, unit, given = one_area(inp, "land_area")
    floor = Fraction(inp.floor_area_m2)
    ratio = floor / land_m2
    needed = land_m2 * MIN_PLOT_RATIO
    shortfall = max(needed - floor, Fraction(0))
    land_text = f"{fmt(given)}亩（{fmt(_m2(land_m2))}平方米）" if unit == "亩" else f"{fmt(given)}平方米"
    notes = ["在满足消防、环保、建筑安全等相关要求前提下，容积率能高则高，原则上不低于2.0",
             "企业自用提高的容积率不增收土地价款，同时免征城市市政基础设施配套费"]
    added = None
    if inp.existing_floor_area_m2 is not None:
        added = _m2(floor - Fraction(inp.existing_floor_area_m2))
        notes.append(f"新增建筑面积 {fmt(added)}平方米：企业自用的，不增收土地价款")
    return PlotRatioResult(
        tool="plot_ratio_check", clause_id=clause_id("s6.5"),
        formula=(f"容积率 = 总建筑面积 ÷ 用地面积 = {fmt(inp.floor_area_m2)}平方米 ÷ {land_text}"
                 f" = {fmt(round_to(ratio, RATIO_PLACES))}；下限 2.0"),
        inputs=inputs_of(inp), land_area_m2=_m2(land_m2), land_area_mu=_mu(land_m2),
        plot_ratio=round_to(ratio, RATIO_PLACES), minimum_plot_ratio=Decimal("2.0"),
        meets_minimum=ratio >= MIN_PLOT_RATIO, floor_area_needed_m2=_m2(needed),
        shortfall_m2=_m2(shortfall), added_floor_area_m2=added,
        notes=notes, rounding=f"{RATIO_ROUNDING}；{AREA_ROUNDING}")


# -- 六（五）行政办公及生活服务设施 --------------------------------------------------

class AncillaryInput(CalcInput):
    """Land (and optionally floor) of the administrative/living facilities of a project."""

    land_area_mu: Mu | None = Field(default=None, gt=0, description="项目总用地面积（亩）")
    land_area_m2: M2 | None = Field(default=None, gt=0, description="项目总用地面积（平方米）")
    ancillary_land_area_mu: Mu | None = Field(default=None, ge=0, description="行政办公及生活服务设施用地面积（亩）")
    ancillary_land_area_m2: M2 | None = Field(default=None, ge=0, description="行政办公及生活服务设施用地面积（平方米）")
    floor_area_m2: M2 | None = Field(default=None, gt=0, description="项目总建筑面积（平方米），可选")
    ancillary_floor_area_m2: M2 | None = Field(default=None, ge=0,
                                               description="行政办公及生活服务设施建筑面积（平方米），可选")
    approved: bool = Field(default=False, description="是否经审批同意提高比例")
    new_dormitory: bool = Field(default=False, description="是否新增宿舍面积")

    @model_validator(mode="after")
    def _areas(self):
        total, _, _ = one_area(self, "land_area")
        part, _, _ = one_area(self, "ancillary_land_area")
        if part > total:
            raise ValueError("ancillary_land_area 不能大于项目总用地面积 land_area")
        if (self.floor_area_m2 is None) != (self.ancillary_floor_area_m2 is None):
            raise ValueError("floor_area_m2 与 ancillary_floor_area_m2 须同时给出")
        if self.floor_area_m2 is not None and self.ancillary_floor_area_m2 > self.floor_area_m2:
            raise ValueError("ancillary_floor_area_m2 不能大于总建筑面积 floor_area_m2")
        return self


class AncillaryResult(ToolResult):
    land_share_pct: Decimal
    land_share_cap_pct: Decimal
    within_land_cap: bool
    max_ancillary_land_m2: Decimal
    max_ancillary_land_mu: Decimal
    raised_cap_applies: bool
    floor_share_pct: Decimal | None = None
    floor_share_cap_pct: Decimal | None = None
    within_floor_cap: bool | None = None


def ancillary_facilities_check(inp: AncillaryInput) -> AncillaryResult:
    """Share of administrative/living facilities: land ≤7%, or ≤15% (floor ≤30%) when raised.

    The raised caps apply only when approved and no dormitory area is added. The
    document states no floor-area cap for the normal case, so none is checked then.

    Args:
        inp: total and ancillary land areas, optional floor areas, approval flags.
    Returns:
        Shares in % (rounded to 0.01; checks use exact values), caps and verdicts,
        with clause 六（五）.
    """
    total, _, _ = one_area(inp, "land_area")
    part, _, _ = one_area(inp, "ancillary_land_area")
    raised = inp.approved and not inp.new_dormitory
    cap = ANCILLARY_LAND_CAP_RAISED if raised else ANCILLARY_LAND_CAP
    share = part / total
    result = {"land_share_pct": _pct(share), "land_share_cap_pct": _pct(cap), "within_land_cap": share <= cap,
              "max_ancillary_land_m2": _m2(total * cap), "max_ancillary_land_mu": _mu(total * cap),
              "raised_cap_applies": raised}
    formula = (f"用地占比 = 配套用地 ÷ 总用地 = {fmt(_m2(part))}平方米 ÷ {fmt(_m2(total))}平方米"
               f" = {fmt(_pct(share))}%；上限 {fmt(_pct(cap))}%")
    notes = []
    if inp.floor_area_m2 is not None:
        fshare = Fraction(inp.ancillary_floor_area_m2) / Fraction(inp.floor_area_m2)
        result["floor_share_pct"] = _pct(fshare)
        formula += (f"；建筑面积占比 = {fmt(inp.ancillary_floor_area_m2)} ÷ {fmt(inp.floor_area_m2)}"
                    f" = {fmt(_pct(fshare))}%")
        if raised:
            result["floor_share_cap_pct"] = _pct(ANCILLARY_FLOOR_CAP_RAISED)
            result["within_floor_cap"] = fshare <= ANCILLARY_FLOOR_CAP_RAISED
            formula += "；上限 30%"
        else:
            notes.append("未提高比例时的建筑面积占比上限本文件未规定，未作判断")
    if not raised:
        why = "未经审批" if not inp.approved else "新增了宿舍面积"
        notes.append(f"{why}，适用7%的用地占比上限")
    return AncillaryResult(
        tool="ancillary_facilities_check", clause_id=clause_id("s6.5"), formula=formula,
        inputs=inputs_of(inp), **result,
        conditions=["经审批且不新增宿舍面积时，用地占比上限由7%提高到15%，建筑面积占比上限相应提高到30%"],
        notes=notes, rounding=f"{RATIO_ROUNDING}；{AREA_ROUNDING}")


# -- 六（一）小微企业承载平台预留 -----------------------------------------------------

class SmallMicroReserveInput(CalcInput):
    """New space planned inside the industrial control line."""

    new_space_mu: Mu | None = Field(default=None, gt=0, description="工业控制线内新增空间（亩）")
    new_space_m2: M2 | None = Field(default=None, gt=0, description="工业控制线内新增空间（平方米）")

    @model_validator(mode="after")
    def _area(self):
        one_area(self, "new_space")
        return self


class SmallMicroReserveResult(ToolResult):
    reserve_mu: Decimal
    reserve_m2: Decimal
    share_pct: Decimal


def small_micro_reserve(inp: SmallMicroReserveInput) -> SmallMicroReserveResult:
    """About 10% of the new space inside the industrial control line is reserved (六（一）).

    Args:
        inp: the new space in 亩 or 平方米.
    Returns:
        The reserve (about; the text says 10%左右) in 亩 and 平方米.
    """
    space, unit, given = one_area(inp, "new_space")
    reserve = space * SMALL_MICRO_SHARE
    shown = _mu(reserve) if unit == "亩" else _m2(reserve)
    return SmallMicroReserveResult(
        tool="small_micro_reserve", clause_id=clause_id("s6.1"),
        formula=f"预留空间 ≈ 工业控制线内新增空间 × 10% = {fmt(given)}{unit} × 10% = {fmt(shown)}{unit}",
        inputs=inputs_of(inp), reserve_mu=_mu(reserve), reserve_m2=_m2(reserve), share_pct=Decimal(10),
        conditions=["用于小微企业承载平台建设以及工业企业调产安置", "原则上不得挪用"],
        notes=["原文为“10%左右”，结果是约数"], rounding=AREA_ROUNDING)
