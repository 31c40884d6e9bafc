"""Rules about dates and terms: approval window 八（三）, joint renovation terms 六（七）."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field, model_validator

from assistant.tools.calculators.base import CalcInput, ToolResult, clause_id, inputs_of

APPROVAL_WINDOW_DAYS = 50

DAY_BASIS = ("按自然日（日历日）计算：原文未说明是否为工作日；批准当日不计入，次日为第1天"
             "（参照民法典第二百零一条），第50天为最迟日期")
WORKING_DAYS_NOTE = ("未按工作日计算：工作日取决于法定节假日及调休安排，本文件未提供；"
                     "最后一日遇法定节假日是否顺延（民法典第二百零三条）亦未计入")


# -- 八（三）审批时限 ---------------------------------------------------------------

class ApprovalDeadlineInput(CalcInput):
    """The day the renovation plan was approved, and optionally the day approvals were done."""

    plan_approval_date: date = Field(description="改造计划批准日期（YYYY-MM-DD）")
    approvals_done_date: date | None = Field(default=None, description="开工前审批全部完成的日期，可选")

    @model_validator(mode="after")
    def _order(self):
        if self.approvals_done_date is not None and self.approvals_done_date < self.plan_approval_date:
            raise ValueError("approvals_done_date 不能早于 plan_approval_date")
        return self


class ApprovalDeadlineResult(ToolResult):
    deadline_date: date
    window_days: int
    day_basis: str
    working_days: str
    days_used: int | None = None
    within_window: bool | None = None


def approval_deadline(inp: ApprovalDeadlineInput) -> ApprovalDeadlineResult:
    """Latest date for pre-construction approvals: ≤50 days after plan approval (八（三）).

    Days are calendar days (the text does not say; working days are not computed).

    Args:
        inp: the plan approval date and, optionally, the date approvals were done.
    Returns:
        The latest date and, if given, the days used and whether that is within 50.
    """
    deadline = inp.plan_approval_date + timedelta(days=APPROVAL_WINDOW_DAYS)
    used = within = None
    formula = (f"最迟日期 = 改造计划批准日 + 50个自然日 = {inp.plan_approval_date.isoformat()} + 50天"
               f" = {deadline.isoformat()}")
    if inp.approvals_done_date is not None:
        used = (inp.approvals_done_date - inp.plan_approval_date).days
        within = used <= APPROVAL_WINDOW_DAYS
        formula += f"；实际用时 {used}天"
    return ApprovalDeadlineResult(
        tool="approval_deadline", clause_id=clause_id("s8.3"), formula=formula, inputs=inputs_of(inp),
        deadline_date=deadline, window_days=APPROVAL_WINDOW_DAYS, day_basis=DAY_BASIS,
        working_days=WORKING_DAYS_NOTE, days_used=used, within_window=within,
        conditions=["原则上改造新建项目经改造计划批准后、开工前的审批控制在50天以内",
                    "适用于符合条件的改造项目（项目审批承诺备案制、部门并联审核）"])


# -- 六（七）联合改造出让终止期 -----------------------------------------------------

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


def joint_renovation_terms(inp: JointRenovationInput) -> JointRenovationResult:
    """New expiry of a joint renovation = the latest parcel's; the difference each must pay for.

    Args:
        inp: two or more parcels with expiry dates or years.
    Returns:
        The new expiry and, per parcel, the years (and days) of land price to pay up,
        citing 六（七）. The land price itself is not in the document and is not computed.
    """
    names = [p.name or f"第{i}宗" for i, p in enumerate(inp.parcels, start=1)]
    by_year = any(p.expiry_date is None for p in inp.parcels)
    notes = ["补缴的是差额年限的土地价款；单价本文件未规定，未计算金额"]
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
        tool="joint_renovation_terms", clause_id=clause_id("s6.7"),
        formula=("新出让终止期 = 各宗地出让终止期中最迟者 = " + new_expiry
                 + "；各宗地补缴年限 = 新终止期 − 原终止期"),
        inputs=inputs_of(inp), new_expiry=new_expiry, latest_parcel=names[idx], parcels=terms,
        conditions=[("涉及多个土地权属人的改造项目，出让终止期不一致的，通过补缴差额年限土地价款，"
                     "可按出让终止期最迟一宗土地重新确定出让终止期"),
                    "再开发完成后，可按批准的联合改造方案及约定比例分别登记不动产"],
        notes=notes)
