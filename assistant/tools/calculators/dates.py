"""Terms of several parcels joined in one project: the new term is the latest one; the gap each pays for."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, model_validator

from assistant.packs.loader import ActiveTool
from assistant.tools.calculators.base import CalcInput, ToolResult, inputs_of

# -- the latest term of several parcels ---------------------------------------------

class Parcel(CalcInput):
    """One parcel of a joint renovation: its transfer term's expiry (a date or a year)."""

    name: str | None = Field(default=None, description="宗地名称，可选")
    expiry_date: date | None = Field(default=None, description="出让终止日期（YYYY-MM-DD）")
    expiry_year: int | None = Field(default=None, ge=1900, le=2200, description="出让终止年份")

    @model_validator(mode="after")
    def _one(self):
        if (self.expiry_date is None) == (self.expiry_year is None):
            raise ValueError("每宗地须给出 expiry_date 或 expiry_year 之一")
        return self


class JointRenovationInput(CalcInput):
    """The parcels joined in one renovation project."""

    parcels: list[Parcel] = Field(min_length=2, max_length=50, description="参与联合改造的宗地，至少两宗")


class ParcelTerm(BaseModel):
    name: str
    expiry: str
    extra_years: int | None = None
    extra_days: int | None = None
    extra_term: str


class JointRenovationResult(ToolResult):
    new_expiry: str
    latest_parcel: str
    parcels: list[ParcelTerm]


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year + years, day=28)


def _years_and_days(start: date, end: date) -> tuple[int, int]:
    years = end.year - start.year
    while years > 0 and _add_years(start, years) > end:
        years -= 1
    return years, (end - _add_years(start, years)).days


def joint_renovation_terms(tool: ActiveTool, inp: JointRenovationInput) -> JointRenovationResult:
    """New expiry of a joint renovation = the latest parcel's; the difference each must pay for.

    Args:
        tool: the pack entry (clause, conditions, notes).
        inp: two or more parcels with expiry dates or years.
    Returns:
        The new expiry and, per parcel, the years (and days) of the gap, citing the tool's
        clause. No price is computed.
    """
    names = [p.name or f"第{i}宗" for i, p in enumerate(inp.parcels, start=1)]
    by_year = any(p.expiry_date is None for p in inp.parcels)
    notes = list(tool.spec.notes)
    if by_year:
        years = [p.expiry_year if p.expiry_year is not None else p.expiry_date.year for p in inp.parcels]
        if any(p.expiry_date is not None for p in inp.parcels):
            notes.append("部分宗地只给了年份，全部按年份比较")
        latest = max(years)
        idx = years.index(latest)
        terms = [ParcelTerm(name=n, expiry=f"{y}年", extra_years=latest - y, extra_term=f"{latest - y}年")
                 for n, y in zip(names, years)]
        new_expiry = f"{latest}年"
    else:
        dates = [p.expiry_date for p in inp.parcels]
        latest_d = max(dates)
        idx = dates.index(latest_d)
        terms = []
        for n, d in zip(names, dates):
            y, extra = _years_and_days(d, latest_d)
            text = f"{y}年" + (f"零{extra}天" if extra else "")
            terms.append(ParcelTerm(name=n, expiry=d.isoformat(), extra_years=y,
                                    extra_days=(latest_d - d).days, extra_term=text))
        new_expiry = latest_d.isoformat()
    return JointRenovationResult(
        tool=tool.name, clause_id=tool.clause_id,
        formula=("新出让终止期 = 各宗地出让终止期中最迟者 = " + new_expiry
                 + "；各宗地补缴年限 = 新终止期 − 原终止期"),
        inputs=inputs_of(inp), new_expiry=new_expiry, latest_parcel=names[idx], parcels=terms,
        conditions=list(tool.spec.conditions),
        notes=notes)
