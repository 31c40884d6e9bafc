"""Shared pieces of the calculators: input number types, area pairs, the result base.

Inputs come from outside (an agent's JSON, the command line, the router), so every
input model forbids unknown fields, and every number field accepts a JSON number, a
numeric string or a Chinese quantity (``"2000万元"`` for a ``*_yuan`` field,
``"5.1万平方米"`` for a ``*_m2`` field). A unit that contradicts the field is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import partial
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from assistant.tools.quantities import normalize, parse_number
from assistant.tools.units import area_to_m2, fmt

MAX_ABS = Decimal(10) ** 15


def to_decimal(value: Any, units: tuple[str, ...] = ()) -> Decimal:
    """Read a number given as int, Decimal, JSON float, or (Chinese) numeric text.

    Args:
        value: the raw input.
        units: unit words that may follow the number in text (e.g. ``("元",)``).
    Returns:
        The value as a finite Decimal.
    Raises:
        ValueError: not a number, not finite, too large, or followed by another unit.
    """
    # ValueError, not TypeError: pydantic reports only ValueError as a field error.
    if isinstance(value, bool):
        raise ValueError("应为数字，不是真/假值")  # noqa: TRY004
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))  # a JSON number from an agent: read its shortest repr
    elif isinstance(value, str):
        s = normalize(value).strip().replace(" ", "")
        for unit in sorted(units, key=len, reverse=True):
            if s.endswith(unit):
                s = s[: -len(unit)]
                break
        try:
            d = Decimal(s)
        except InvalidOperation:
            try:
                d = parse_number(s)
            except ValueError:
                want = "、".join(units) if units else "数字"
                raise ValueError(f"无法读成数字（单位应为 {want}）") from None
    else:
        raise ValueError("应为数字")  # noqa: TRY004
    if not d.is_finite():
        raise ValueError("应为有限数字")
    if abs(d) >= MAX_ABS:
        raise ValueError("数值过大（应小于10^15）")
    return d


def _num(*units: str):
    return BeforeValidator(partial(to_decimal, units=units))


Yuan = Annotated[Decimal, _num("元")]
Mu = Annotated[Decimal, _num("亩")]
M2 = Annotated[Decimal, _num("平方米", "平米", "㎡", "m2", "m²")]
Pct = Annotated[Decimal, _num("%", "％")]
Number = Annotated[Decimal, _num()]


class CalcInput(BaseModel):
    """Base of calculator inputs: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class ToolResult(BaseModel):
    """Base of calculator results.

    Every result names its tool and the clause that defines the rule, shows the formula
    with the numbers filled in, and echoes the inputs as understood.
    """

    model_config = ConfigDict(extra="forbid")

    tool: str
    clause_id: str | None = Field(description="clause that defines the rule; None for pure unit conversion")
    formula: str
    inputs: dict[str, Any] = Field(description="the inputs as understood, JSON-able")
    conditions: list[str] = Field(default_factory=list, description="conditions the rule sets")
    notes: list[str] = Field(default_factory=list)
    rounding: str | None = None


def one_area(model: BaseModel, stem: str, *, required: bool = True) -> tuple[Fraction, str, Decimal] | None:
    """Return the area given as ``{stem}_mu`` or ``{stem}_m2`` (exactly one).

    Args:
        model: an input model with both optional fields.
        stem: the field stem, e.g. ``"land_area"``.
        required: whether one of them must be given.
    Returns:
        ``(area in 平方米 exactly, unit, value as given)``, or None when absent and optional.
    Raises:
        ValueError: both given, or neither when required.
    """
    mu, m2 = getattr(model, f"{stem}_mu"), getattr(model, f"{stem}_m2")
    if mu is not None and m2 is not None:
        raise ValueError(f"{stem}_mu 与 {stem}_m2 只能给一个")
    if mu is not None:
        return area_to_m2(mu, "亩"), "亩", mu
    if m2 is not None:
        return Fraction(m2), "平方米", m2
    if required:
        raise ValueError(f"缺少面积：请给出 {stem}_mu（亩）或 {stem}_m2（平方米）之一")
    return None


def inputs_of(model: BaseModel) -> dict[str, Any]:
    """The given inputs of ``model`` as JSON-able values (Decimals as plain strings)."""
    return jsonable(model.model_dump(exclude_none=True))


def jsonable(value: Any) -> Any:
    """Make ``value`` JSON-able: Decimal -> plain string, date -> ISO string, recursively."""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
