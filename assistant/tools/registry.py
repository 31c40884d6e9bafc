"""The calculators by name: built from the packs of the indexed documents, plus unit conversion.

A pack entry names a general mechanism, the clause that defines the rule and the rule's
constants (see :mod:`assistant.packs`); the tool's schema comes from the mechanism's input
model and the pack's argument labels, its description from the pack. A document's
calculators exist only while the document is indexed.

``run_tool(name, arguments, clauses)`` is the single entry point for every caller (the
router, the command line, an agent, the UI): it validates the arguments against the tool's
input model, turns a validation failure into :class:`~assistant.errors.ToolInputError`
naming the field, runs the mechanism and returns its result as a JSON-able dict.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import ToolInputError, UnknownToolError
from assistant.models import Clause
from assistant.packs.loader import ActiveTool, active_tools
from assistant.tools.calculators import convert
from assistant.tools.calculators.annex2 import load_rows, table_id
from assistant.tools.calculators.base import CalcInput, jsonable
from assistant.tools.mechanisms import get_mechanism


@dataclass(frozen=True)
class ToolSpec:
    """One calculator: name, Chinese description, defining clause, input model, how to run it."""

    name: str
    description: str
    clause_id: str | None
    input_model: type[CalcInput]
    run: Callable[[CalcInput, Mapping[str, Clause]], Any]
    active: ActiveTool | None = None

    @property
    def parameters(self) -> dict[str, Any]:
        """JSON schema of the arguments."""
        return self.input_model.model_json_schema()

    @property
    def title(self) -> str | None:
        """The Chinese title the pack gives the calculator (None for unit conversions)."""
        return self.active.spec.title if self.active is not None else None

    @property
    def result_labels(self) -> dict[str, str]:
        """Chinese labels of the result fields; a field the pack renames is named from its new name."""
        if self.active is None:
            return {}
        mech = get_mechanism(self.active.spec.mechanism, self.name)
        model = typing.get_type_hints(mech.fn).get("return")
        names = self.active.spec.outputs
        labels = {}
        for field, info in getattr(model, "model_fields", {}).items():
            if field not in names and info.description and re.search(r"[\u4e00-\u9fff]", info.description):
                labels[field] = re.split(r"[，,；;]", info.description)[0]
        return labels

    def to_dict(self) -> dict[str, Any]:
        """The spec as JSON-able data (name, description, clause_id, parameters)."""
        return {"name": self.name, "description": self.description, "clause_id": self.clause_id,
                "parameters": self.parameters}


_BUILTIN: tuple[ToolSpec, ...] = (
    ToolSpec("convert_area", "面积换算：亩、平方米、公顷、万平方米（1亩=10000/15平方米，1公顷=15亩）。",
             None, convert.ConvertAreaInput, lambda inp, _c: convert.convert_area(inp)),
    ToolSpec("convert_money", "金额换算：元、万元、亿元。",
             None, convert.ConvertMoneyInput, lambda inp, _c: convert.convert_money(inp)),
)


def _pack_spec(tool: ActiveTool) -> ToolSpec:
    mech = get_mechanism(tool.spec.mechanism, tool.name)
    if mech.table:
        def run(inp: CalcInput, clauses: Mapping[str, Clause]) -> Any:
            return mech.fn(tool, inp, load_rows(clauses, table_id(tool)))
    else:
        def run(inp: CalcInput, clauses: Mapping[str, Clause]) -> Any:
            try:
                return mech.fn(tool, inp)
            except ValueError as err:
                raise ToolInputError(f"{tool.name} 的参数有误：{err}。") from None
    return ToolSpec(tool.name, tool.spec.description, tool.clause_id, mech.input_model(tool.spec), run, tool)


def indexed_clauses() -> dict[str, Clause]:
    """The clauses of the index in the data folder; the shipped corpus when nothing is indexed."""
    from assistant.config import Settings
    from assistant.corpus import clause_map
    from assistant.index.store import ClauseIndex

    index = ClauseIndex(Settings.from_env())
    try:
        clauses = {} if index.is_empty() else index.clauses()
    finally:
        index.close()
    return clauses or clause_map()


def list_tools(clauses: Mapping[str, Clause] | None = None, dirs: Iterable[Path] | None = None) -> list[ToolSpec]:
    """Every calculator of the indexed documents' packs, then the unit conversions.

    Args:
        clauses: the indexed clauses by id (default: :func:`indexed_clauses`).
        dirs: folders holding the packs (default: the data folder's ``packs/`` and the shipped corpus).
    """
    clauses = clauses if clauses is not None else indexed_clauses()
    return [_pack_spec(t) for t in active_tools(clauses, dirs)] + list(_BUILTIN)


def get_tool(name: str, clauses: Mapping[str, Clause] | None = None, dirs: Iterable[Path] | None = None) -> ToolSpec:
    """Return the calculator called ``name``.

    Raises:
        UnknownToolError: naming the tool and listing the valid names.
    """
    specs = list_tools(clauses, dirs)
    for spec in specs:
        if spec.name == name:
            return spec
    raise UnknownToolError(
        f"没有名为“{name}”的计算工具（已索引文件的规则包中也没有）。可用：{', '.join(s.name for s in specs)}"
        "（运行 policy-assistant tools 查看参数）。"
    )


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
             clauses: Mapping[str, Clause] | None = None, dirs: Iterable[Path] | None = None) -> dict[str, Any]:
    """Validate ``arguments`` and run the calculator ``name``.

    Args:
        name: a tool name from :func:`list_tools`.
        arguments: the arguments (numbers may be JSON numbers, strings or Chinese quantities).
        clauses: the indexed clauses by id (default: :func:`indexed_clauses`); they decide
            which packs are active and hold the table rows.
        dirs: folders holding the packs (default: see :func:`list_tools`).
    Returns:
        The result as a JSON-able dict (Decimals as strings), with ``formula``,
        ``clause_id`` and ``inputs``.
    Raises:
        UnknownToolError: no such tool.
        ToolInputError: an argument is missing or invalid; the message names the field.
    """
    clauses = clauses if clauses is not None else indexed_clauses()
    spec = get_tool(name, clauses, dirs)
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise ToolInputError(f"{name} 的参数应为 JSON 对象（{{\"字段\": 值}}），收到：{arguments!r}")
    try:
        inp = spec.input_model.model_validate(arguments)
    except ValidationError as err:
        raise ToolInputError(describe_validation_error(name, err)) from None
    result = jsonable(spec.run(inp, clauses).model_dump())
    if spec.active is not None and spec.active.spec.outputs:
        names = spec.active.spec.outputs
        result = {names.get(k, k): v for k, v in result.items()}
    return result


def function_tools(clauses: Mapping[str, Clause] | None = None) -> list[Any]:
    """Every calculator as a llama-index ``FunctionTool`` with its JSON schema.

    A tool called with bad arguments returns ``{"error": message}`` instead of raising,
    so an agent sees what to fix.
    """
    from llama_index.core.tools import FunctionTool

    clauses = clauses if clauses is not None else indexed_clauses()
    return [FunctionTool.from_defaults(fn=_agent_fn(spec, clauses), name=spec.name,
                                       description=spec.description, fn_schema=spec.input_model)
            for spec in list_tools(clauses)]


def _agent_fn(spec: ToolSpec, clauses: Mapping[str, Clause]) -> Callable[..., dict[str, Any]]:
    def call(**kwargs: Any) -> dict[str, Any]:
        try:
            return run_tool(spec.name, {k: v for k, v in kwargs.items() if v is not None}, clauses)
        except ToolInputError as err:
            return {"error": str(err)}

    call.__name__ = spec.name
    call.__doc__ = spec.description
    return call
