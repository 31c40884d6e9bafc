"""Land mechanisms: a ratio of two areas against a floor, a share of an area within a cap.

The floor, the caps and the words of the rule come from the document's pack entry.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import Field, model_validator

from assistant.tools.calculators.base import (
    M2,
    CalcInput,
    Mu,
    ToolResult,
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

from assistant.packs.loader import ActiveTool


def _const(tool: ActiveTool, key: str) -> Fraction:
    return Fraction(str(tool.spec.params[key]))


def _m2(x: Fraction) -> Decimal:
    return round_to(x, AREA_PLACES)


def _mu(x_m2: Fraction) -> Decimal:
    return round_to(m2_to(x_m2, "亩"), MU_PLACES)


def _pct(x: Fraction) -> Decimal:
    return round_to(x * 100, PCT_PLACES)


# -- ratio of two areas against a floor ---------------------------------------------

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


def plot_ratio_check(tool: ActiveTool, inp: PlotRatioInput) -> PlotRatioResult:
    """Plot ratio = floor area ÷ land area, checked against the pack's floor ``min_ratio``.

    Args:
        tool: the pack entry (constant ``min_ratio``; notes and conditions).
        inp: floor area in 平方米 and land area in 亩 or 平方米.
    Returns:
        The ratio (rounded to 0.01; the check uses the exact value), the floor area that
        the floor needs and the shortfall, citing the tool's clause.
    """
    floor_ratio = _const(tool, "min_ratio")
    shown_floor = str(tool.spec.params["min_ratio"])
    land_m2, unit, given = one_area(inp, "land_area")
    floor = Fraction(inp.floor_area_m2)
    ratio = floor / land_m2
    needed = land_m2 * floor_ratio
    shortfall = max(needed - floor, Fraction(0))
    land_text = f"{fmt(given)}亩（{fmt(_m2(land_m2))}平方米）" if unit == "亩" else f"{fmt(given)}平方米"
    notes = list(tool.spec.notes)
    added = None
    if inp.existing_floor_area_m2 is not None:
        added = _m2(floor - Fraction(inp.existing_floor_area_m2))
        notes.append(f"新增建筑面积 {fmt(added)}平方米")
    return PlotRatioResult(
        tool=tool.name, clause_id=tool.clause_id, conditions=list(tool.spec.conditions),
        formula=(f"容积率 = 总建筑面积 ÷ 用地面积 = {fmt(inp.floor_area_m2)}平方米 ÷ {land_text}"
                 f" = {fmt(round_to(ratio, RATIO_PLACES))}；下限 {shown_floor}"),
        inputs=inputs_of(inp), land_area_m2=_m2(land_m2), land_area_mu=_mu(land_m2),
        plot_ratio=round_to(ratio, RATIO_PLACES), minimum_plot_ratio=Decimal(shown_floor),
        meets_minimum=ratio >= floor_ratio, floor_area_needed_m2=_m2(needed),
        shortfall_m2=_m2(shortfall), added_floor_area_m2=added,
        notes=notes, rounding=f"{RATIO_ROUNDING}；{AREA_ROUNDING}")


# -- share of an area within a cap ------------------------------------------------

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


def ancillary_facilities_check(tool: ActiveTool, inp: AncillaryInput) -> AncillaryResult:
    """Share of a part of the land within a cap (``cap_pct``), or a raised cap (``raised_cap_pct``,
    with a floor-area cap ``raised_floor_cap_pct``) when approved and no dormitory is added.

    With the normal cap no floor-area cap is checked (the pack gives none).

    Args:
        tool: the pack entry (the three caps in %).
        inp: total and ancillary land areas, optional floor areas, approval flags.
    Returns:
        Shares in % (rounded to 0.01; checks use exact values), caps and verdicts,
        citing the tool's clause.
    """
    land_cap, raised_cap = _const(tool, "cap_pct") / 100, _const(tool, "raised_cap_pct") / 100
    floor_cap_raised = _const(tool, "raised_floor_cap_pct") / 100
    total, _, _ = one_area(inp, "land_area")
    part, _, _ = one_area(inp, "ancillary_land_area")
    raised = inp.approved and not inp.new_dormitory
    cap = raised_cap if raised else land_cap
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
            result["floor_share_cap_pct"] = _pct(floor_cap_raised)
            result["within_floor_cap"] = fshare <= floor_cap_raised
            formula += f"；上限 {fmt(_pct(floor_cap_raised))}%"
        else:
            notes.append("未提高比例时的建筑面积占比上限本文件未规定，未作判断")
    if not raised:
        why = "未经审批" if not inp.approved else "新增了宿舍面积"
        notes.append(f"{why}，适用{fmt(_pct(land_cap))}%的用地占比上限")
    return AncillaryResult(
        tool=tool.name, clause_id=tool.clause_id, formula=formula,
        inputs=inputs_of(inp), **result, conditions=list(tool.spec.conditions),
        notes=list(tool.spec.notes) + notes, rounding=f"{RATIO_ROUNDING}；{AREA_ROUNDING}")


