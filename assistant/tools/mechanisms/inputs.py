"""Input models built from a pack's argument list (the schema comes from the pack).

Every model forbids unknown fields; money, area, percent and number fields accept JSON
numbers, numeric strings and Chinese quantities; an ``area`` argument ``x`` is given as
``x_mu`` or ``x_m2`` (exactly one); a ``date`` argument accepts ``YYYY-MM-DD`` or a day of
the year without the year (``--03-05``, ``3月5日``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, create_model, model_validator

from assistant.packs.schema import PackArgument, PackTool
from assistant.tools.calculators.base import M2, CalcInput, Mu, Number, Pct, Yuan, one_area

_MONTH_DAY = re.compile(r"^(?:--)?(\d{1,2})[-月/](\d{1,2})日?$")


def read_day(value: Any) -> str:
    """A date as ``YYYY-MM-DD``, or a day of the year without its year as ``--MM-DD``.

    Raises:
        ValueError: not a date.
    """
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError("应为日期 YYYY-MM-DD（或不含年份的 --MM-DD）")  # noqa: TRY004
    s = value.strip()
    try:
        return date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    m = _MONTH_DAY.match(s)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2000, month, day)  # a leap year: 2月29日 is a day of the year
        except ValueError:
            raise ValueError(f"不是有效的月日：{value}") from None
        return f"--{month:02d}-{day:02d}"
    raise ValueError("应为日期 YYYY-MM-DD（或不含年份的 --MM-DD）")


Day = Annotated[str, BeforeValidator(read_day)]
_TYPES: dict[str, Any] = {"money": Yuan, "number": Number, "percent": Pct, "date": Day, "year": int,
                          "bool": bool, "text": str}


def bound(text: str | None, params: dict[str, Any]) -> Decimal | None:
    """A bound given in the pack: a number, or ``{name}`` of one of the tool's constants."""
    if text is None:
        return None
    m = re.fullmatch(r"\{(\w+)\}", text.strip())
    return Decimal(str(params[m.group(1)])) if m else Decimal(text)


def _field(arg: PackArgument, params: dict[str, Any], suffix: str = "") -> tuple[Any, Any]:
    limits = {k: bound(getattr(arg, k), params) for k in ("ge", "gt", "le")}
    limits = {k: v for k, v in limits.items() if v is not None}
    desc = arg.label + (suffix or ("（元）" if arg.kind == "money" and "元" not in arg.label else ""))
    if arg.kind == "bool":
        return bool, Field(default=False, description=desc)
    if arg.kind == "area":
        typ = Mu if suffix.endswith("（亩）") else M2
    elif arg.kind == "date" and arg.full_date:
        typ = date
    else:
        typ = _TYPES[arg.kind]
    extra = {"json_schema_extra": {"enum": list(arg.choices)}} if arg.choices else {}
    if arg.choices:
        desc += "：" + "、".join(arg.choices)
    if arg.required and arg.kind != "area":
        return typ, Field(description=desc, **limits, **extra)
    return typ | None, Field(default=None, description=desc, **limits, **extra)


_MODELS: dict[str, type[CalcInput]] = {}


def input_model(tool: PackTool) -> type[CalcInput]:
    """The pydantic input model of a pack calculator, from its argument list (built once per entry)."""
    key = tool.model_dump_json()
    if key not in _MODELS:
        _MODELS[key] = _build(tool)
    return _MODELS[key]


def _build(tool: PackTool) -> type[CalcInput]:
    fields: dict[str, Any] = {}
    areas = []
    for arg in tool.arguments:
        if arg.kind == "area":
            fields[f"{arg.name}_mu"] = _field(arg, tool.params, "（亩）")
            fields[f"{arg.name}_m2"] = _field(arg, tool.params, "（平方米）")
            areas.append(arg)
        else:
            fields[arg.name] = _field(arg, tool.params)
    choices = {a.name: a.choices for a in tool.arguments if a.choices}

    def _check(self):
        for arg in areas:
            one_area(self, arg.name, required=arg.required)
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ValueError(f"{name} 应为以下之一：{'、'.join(allowed)}")
        return self

    validators = {"_check": model_validator(mode="after")(_check)}
    model = create_model(f"{_camel(tool.name)}Input", __base__=CalcInput, __validators__=validators, **fields)
    model.__doc__ = tool.description
    return model


def _camel(name: str) -> str:
    return "".join(p.capitalize() for p in name.split("_"))
