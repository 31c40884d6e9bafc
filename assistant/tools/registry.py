"""The calculators by name: their schemas, a validating runner, and llama-index tools.

``run_tool(name, arguments)`` is the single entry point for every caller (the router,
the command line, an agent): it validates the arguments against the tool's input model,
turns a validation failure into :class:`~assistant.errors.ToolInputError` naming the
field, runs the pure function and returns its result as a JSON-able dict.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from assistant.errors import ToolInputError, UnknownToolError
from assistant.models import Clause
from assistant.tools.calculators import annex2, convert, dates, land, money, tax
from assistant.tools.calculators.base import CalcInput, ToolResult, clause_id, jsonable


@dataclass(frozen=True)
class ToolSpec:
    """One calculator: name, Chinese description, defining clause, input model, function."""

    name: str
    description: str
    clause_id: str | None
    input_model: type[CalcInput]
    fn: Callable[..., ToolResult]

    @property
    def parameters(self) -> dict[str, Any]:
        """JSON schema of the arguments."""
        return self.input_model.model_json_schema()

    def to_dict(self) -> dict[str, Any]:
        """The spec as JSON-able data (name, description, clause_id, parameters)."""
        return {"name": self.name, "description": self.description, "clause_id": self.clause_id,
                "parameters": self.parameters}


_SPECS: tuple[ToolSpec, ...] = (
    ToolSpec("land_acquisition_subsidy",
             "兼并收购补助（六（六））：白名单优势企业以市场价直接并购土地、厂房，按国有土地征收实际评估价的30%补助。",
             clause_id("s6.6"), money.LandAcquisitionInput, money.land_acquisition_subsidy),
    ToolSpec("equity_acquisition_subsidy",
             "股权收购补助上限（六（六））：以股权收购方式并购的，按不超过股权收购价格的10%补助。",
             clause_id("s6.6"), money.EquityAcquisitionInput, money.equity_acquisition_subsidy),
    ToolSpec("street_reward",
             "街道奖励（六（十一））：工作成效突出的街道按每亩1—5万元奖励；给出每亩标准得金额，否则得区间。",
             clause_id("s6.11"), money.StreetRewardInput, money.street_reward),
    ToolSpec("plot_ratio_check",
             "容积率核算（六（五））：总建筑面积÷用地面积，对照原则上不低于2.0的要求；用地可用亩或平方米。",
             clause_id("s6.5"), land.PlotRatioInput, land.plot_ratio_check),
    ToolSpec("ancillary_facilities_check",
             "配套行政办公及生活服务设施占比（六（五））：用地占比上限7%，经审批且不新增宿舍可提高到15%，建筑面积占比上限相应30%。",
             clause_id("s6.5"), land.AncillaryInput, land.ancillary_facilities_check),
    ToolSpec("special_fund",
             "“腾笼换鸟”专项经费（六（八））：土地出让收入的0.5%与征收的差别化电费合并。",
             clause_id("s6.8"), money.SpecialFundInput, money.special_fund),
    ToolSpec("small_micro_reserve",
             "小微企业承载平台预留（六（一））：工业控制线内预留新增空间的10%左右。",
             clause_id("s6.1"), land.SmallMicroReserveInput, land.small_micro_reserve),
    ToolSpec("tax_per_mu",
             "亩均税收（三、实施目标）：税收÷用地面积（亩）。",
             clause_id("s3"), tax.TaxPerMuInput, tax.tax_per_mu),
    ToolSpec("tax_growth_path",
             "亩均税收增长路径（三、实施目标）：按年均增长率（默认6%）逐年复利推算。",
             clause_id("s3"), tax.TaxGrowthPathInput, tax.tax_growth_path),
    ToolSpec("tax_growth_rate",
             "亩均税收实际年均增长率（三、实施目标）：两年数值之间的复合增长率，对照6%的目标。",
             clause_id("s3"), tax.TaxGrowthRateInput, tax.tax_growth_rate),
    ToolSpec("joint_renovation_terms",
             "联合改造出让终止期（六（七））：按最迟一宗土地确定新终止期，计算各宗地需补缴的差额年限。",
             clause_id("s6.7"), dates.JointRenovationInput, dates.joint_renovation_terms),
    ToolSpec("approval_deadline",
             "审批时限（八（三））：改造计划批准后至开工前审批控制在50天以内；按自然日计算最迟日期。",
             clause_id("s8.3"), dates.ApprovalDeadlineInput, dates.approval_deadline),
    ToolSpec("street_target",
             "街道任务（附件2）：查某街道（区块）某项任务的数值与单位。",
             annex2.TABLE_ID, annex2.StreetTargetInput, annex2.street_target),
    ToolSpec("target_progress",
             "任务进度（附件2）：已完成量对照街道任务，计算完成率和剩余量。",
             annex2.TABLE_ID, annex2.TargetProgressInput, annex2.target_progress),
    ToolSpec("annex2_totals_check",
             "附件2合计核对：逐列核对全区数与各街道之和是否一致。",
             annex2.TABLE_ID, annex2.TotalsCheckInput, annex2.annex2_totals_check),
    ToolSpec("convert_area",
             "面积换算：亩、平方米、公顷、万平方米（1亩=10000/15平方米，1公顷=15亩）。",
             None, convert.ConvertAreaInput, convert.convert_area),
    ToolSpec("convert_money",
             "金额换算：元、万元、亿元。",
             None, convert.ConvertMoneyInput, convert.convert_money),
)
_BY_NAME = {s.name: s for s in _SPECS}

_DECIMAL_REPR = re.compile(r"Decimal\('([^']*)'\)")
_MESSAGES = {
    "missing": "缺少此参数",
    "extra_forbidden": "不是此工具的参数",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "literal_error": "应为以下之一：{expected}",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "int_parsing": "应为整数",
    "bool_parsing": "应为 true 或 false",
}


def list_tools() -> list[ToolSpec]:
    """Return every calculator, in a stable order."""
    return list(_SPECS)


def get_tool(name: str) -> ToolSpec:
    """Return the calculator called ``name``.

    Raises:
        UnknownToolError: naming the tool and listing the valid names.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownToolError(
            f"没有名为“{name}”的计算工具。可用：{', '.join(_BY_NAME)}（运行 policy-assistant tools 查看参数）。"
        ) from None


def describe_validation_error(tool: str, err: ValidationError) -> str:
    """A Chinese message naming each bad field, its value and what is expected."""
    parts = []
    for e in err.errors():
        field = ".".join(str(x) for x in e["loc"])
        template = _MESSAGES.get(e["type"])
        ctx = {k: _DECIMAL_REPR.sub(r"\1", str(v)) for k, v in (e.get("ctx") or {}).items()}
        if template:
            msg = template.format(**ctx)
        else:
            msg = ctx.get("error") or e["msg"]
        shown = ("" if e["type"] == "missing" or isinstance(e.get("input"), dict)
                 else "（收到：" + _DECIMAL_REPR.sub(r"\1", repr(e.get("input"))) + "）")
        parts.append(f"{field}：{msg}{shown}" if field else f"{msg}")
    return f"{tool} 的参数有误：" + "；".join(parts) + "。运行 policy-assistant tools 查看参数说明。"


def run_tool(name: str, arguments: dict[str, Any] | None,
             clauses: Mapping[str, Clause] | None = None) -> dict[str, Any]:
    """Validate ``arguments`` and run the calculator ``name``.

    Args:
        name: a tool name from :func:`list_tools`.
        arguments: the arguments (numbers may be JSON numbers, strings or Chinese quantities).
        clauses: clauses by id for the 附件2 tools; the shipped corpus when omitted.
    Returns:
        The result as a JSON-able dict (Decimals as strings), with ``formula``,
        ``clause_id`` and ``inputs``.
    Raises:
        UnknownToolError: no such tool.
        ToolInputError: an argument is missing or invalid; the message names the field.
    """
    spec = get_tool(name)
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise ToolInputError(f"{name} 的参数应为 JSON 对象（{{\"字段\": 值}}），收到：{arguments!r}")
    try:
        inp = spec.input_model.model_validate(arguments)
    except ValidationError as err:
        raise ToolInputError(describe_validation_error(name, err)) from None
    if "rows" in inspect.signature(spec.fn).parameters:
        rows = annex2.load_rows(clauses) if clauses is not None else None
        result = spec.fn(inp, rows=rows)
    else:
        result = spec.fn(inp)
    return jsonable(result.model_dump())


def function_tools() -> list[Any]:
    """Every calculator as a llama-index ``FunctionTool`` with its JSON schema.

    A tool called with bad arguments returns ``{"error": message}`` instead of raising,
    so an agent sees what to fix.
    """
    from llama_index.core.tools import FunctionTool

    tools = []
    for spec in _SPECS:
        tools.append(FunctionTool.from_defaults(fn=_agent_fn(spec.name), name=spec.name,
                                                description=spec.description, fn_schema=spec.input_model))
    return tools


def _agent_fn(name: str) -> Callable[..., dict[str, Any]]:
    def call(**kwargs: Any) -> dict[str, Any]:
        try:
            return run_tool(name, {k: v for k, v in kwargs.items() if v is not None})
        except ToolInputError as err:
            return {"error": str(err)}

    call.__name__ = name
    call.__doc__ = _BY_NAME[name].description
    return call
