"""Form fields from JSON schemas and pydantic models, and form values back to arguments.

Gradio-free: :mod:`ui.tab_calc` and :mod:`ui.tab_match` turn these specs into widgets.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

UNKNOWN = "不清楚"
YES, NO = "是", "否"

Kind = Literal["text", "enum", "bool", "table"]


@dataclass
class FieldSpec:
    """One form field.

    ``kind``: ``text`` (numbers, dates and words, typed as text; the validator reads
    ``2000万元``), ``enum`` (a fixed choice), ``bool``, or ``table`` (a list of objects,
    one row each, ``columns`` naming their fields).
    """

    name: str
    label: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    allow_custom: bool = False
    default: Any = None
    placeholder: str = ""
    columns: tuple[str, ...] = ()
    column_labels: tuple[str, ...] = ()
    info: str = ""
    units: tuple[str, ...] | None = None  # set for a number field read with these unit words


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return defs.get(prop["$ref"].rsplit("/", 1)[-1], {})
    return prop


def _types(prop: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    if "type" in prop:
        out.add(prop["type"])
    for alt in prop.get("anyOf", []):
        out |= _types(alt)
    return out


def _enum(prop: dict[str, Any]) -> list[Any] | None:
    if "enum" in prop:
        return list(prop["enum"])
    for alt in prop.get("anyOf", []):
        if "enum" in alt:
            return list(alt["enum"])
    return None


def schema_fields(schema: dict[str, Any], suggestions: Mapping[str, tuple[str, ...]] | None = None) -> list[FieldSpec]:
    """Form fields for a JSON schema of an object (a calculator's parameters).

    Args:
        schema: ``model_json_schema()`` output.
        suggestions: field -> good values read from the index (a table's rows and columns);
            the field becomes a dropdown that still takes other values.
    Returns:
        One spec per property, in schema order.
    """
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    out = []
    for name, raw in schema.get("properties", {}).items():
        prop = _resolve(raw, defs)
        desc = raw.get("description") or prop.get("description") or name
        label = desc.split("，")[0] + (" *" if name in required else "")
        spec = FieldSpec(name=name, label=label, required=name in required, info=desc,
                         default=raw.get("default"))
        types_ = _types(prop)
        enum = _enum(prop)
        if enum:
            spec.kind, spec.choices = "enum", tuple(str(e) for e in enum)
        elif types_ == {"boolean"} or types_ == {"boolean", "null"}:
            spec.kind = "bool"
        elif "array" in types_:
            items = _resolve(prop.get("items", {}), defs)
            cols = tuple(items.get("properties", {}))
            spec.kind, spec.columns = "table", cols
            spec.column_labels = tuple((items["properties"][c].get("description") or c).split("（")[0] for c in cols)
        elif suggestions and suggestions.get(name):
            spec.kind, spec.choices, spec.allow_custom = "enum", tuple(suggestions[name]), True
        else:
            fmt = prop.get("format") or next((a.get("format") for a in prop.get("anyOf", []) if a.get("format")), None)
            spec.placeholder = "YYYY-MM-DD" if fmt == "date" else ("如 2000万元" if name.endswith("_yuan") else "")
        if spec.default is not None and spec.kind == "text":
            spec.placeholder = f"默认 {spec.default}"
            spec.default = None
        out.append(spec)
    return out


def form_arguments(specs: list[FieldSpec], values: list[Any]) -> dict[str, Any]:
    """Arguments for ``run_tool`` from widget values; empty fields are left out.

    Args:
        specs: the fields, in widget order.
        values: the widget values (strings, booleans, or a table as a list of rows).
    Returns:
        The argument mapping.
    """
    args: dict[str, Any] = {}
    for spec, value in zip(specs, values):
        if spec.kind == "table":
            rows = value.values.tolist() if hasattr(value, "values") and hasattr(value, "columns") else (value or [])
            items = []
            for row in rows:
                item = {c: str(v).strip() for c, v in zip(spec.columns, row)
                        if v is not None and str(v).strip() not in ("", "nan")}
                if item:
                    items.append(item)
            if items:
                args[spec.name] = items
        elif spec.kind == "bool":
            if value is not None:
                args[spec.name] = bool(value)
        elif value is not None and str(value).strip():
            args[spec.name] = str(value).strip()
    return args


# -- the enterprise profile -------------------------------------------------------------------
def _unwrap(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _units(name: str) -> tuple[str, ...]:
    if name.endswith("_yuan"):
        return ("元",)
    if name.endswith("_mu"):
        return ("亩",)
    if name.endswith("_m2"):
        return ("平方米", "平米", "㎡", "m2", "m²")
    return ()


def model_fields(model: type) -> list[FieldSpec]:
    """Form fields for a pydantic model whose fields are all optional (the enterprise profile).

    Booleans become 是/否/不清楚; Literals a choice with 不清楚; other fields text.
    """
    out = []
    for name, info in model.model_fields.items():
        typ = _unwrap(info.annotation)
        label = info.title or name
        if typ is bool:
            out.append(FieldSpec(name, label, "enum", choices=(UNKNOWN, YES, NO), default=UNKNOWN))
        elif typing.get_origin(typ) is Literal:
            out.append(FieldSpec(name, label, "enum", choices=(UNKNOWN, *map(str, typing.get_args(typ))), default=UNKNOWN))
        elif typ is Decimal:
            out.append(FieldSpec(name, label, "text", units=_units(name),
                                 placeholder="数字，如 2000万" if name.endswith("_yuan") else "数字"))
        else:
            out.append(FieldSpec(name, label, "text"))
    return out


def profile_data(specs: list[FieldSpec], values: list[Any]) -> dict[str, Any]:
    """Profile facts from widget values: 不清楚 and empty text are left out (unknown).

    Numbers may carry Chinese units (``2000万元``, ``30亩``).

    Raises:
        ValueError: a number field that cannot be read, naming the field's title.
    """
    from assistant.tools.calculators.base import to_decimal

    data: dict[str, Any] = {}
    for spec, value in zip(specs, values):
        if value is None or value == UNKNOWN:
            continue
        if spec.choices == (UNKNOWN, YES, NO):
            data[spec.name] = value == YES
        elif isinstance(value, str):
            text = value.strip()
            if text and spec.units is not None:
                try:
                    data[spec.name] = to_decimal(text, spec.units)
                except ValueError as err:
                    raise ValueError(f"“{spec.label}”填写的“{text}”{err}。") from None
            elif text:
                data[spec.name] = text
        else:
            data[spec.name] = value
    return data
