"""Units of area and money, exact conversion, rounding and display.

1 亩 = 10000/15 平方米 exactly (666.66…), so a 亩 -> 平方米 conversion is a repeating
decimal: conversions keep the exact value as a :class:`~fractions.Fraction` and round
only when a result is shown (:data:`AREA_ROUNDING`). 平方米 -> 亩 is exact
(× 0.0015). 1 公顷 = 15 亩 = 10000 平方米. Money: 1 万元 = 10⁴ 元, 1 亿元 = 10⁸ 元.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Literal

AreaUnit = Literal["亩", "平方米", "公顷", "万平方米"]
MoneyUnit = Literal["元", "万元", "亿元"]

M2_PER_MU = Fraction(10000, 15)
M2_PER_UNIT: dict[str, Fraction] = {
    "平方米": Fraction(1),
    "亩": M2_PER_MU,
    "公顷": Fraction(10000),
    "万平方米": Fraction(10000),
}
YUAN_PER_UNIT: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(10) ** 8}

AREA_UNIT_ALIASES = {"亩": "亩", "mu": "亩", "平方米": "平方米", "平米": "平方米", "㎡": "平方米",
                     "m2": "平方米", "m²": "平方米", "公顷": "公顷", "ha": "公顷", "万平方米": "万平方米"}
MONEY_UNIT_ALIASES = {"元": "元", "yuan": "元", "万元": "万元", "万": "万元", "亿元": "亿元", "亿": "亿元"}

MONEY_PLACES = Decimal("0.01")
AREA_PLACES = Decimal("0.01")
MU_PLACES = Decimal("0.0001")
RATIO_PLACES = Decimal("0.01")
PCT_PLACES = Decimal("0.01")

MONEY_ROUNDING = "金额四舍五入到分（0.01元）"
AREA_ROUNDING = "1亩=10000/15平方米（精确分数），结果四舍五入：平方米到0.01，亩到0.0001"
RATIO_ROUNDING = "比值与百分比四舍五入到0.01，达标判断用未舍入的精确值"


def to_fraction(value: Decimal) -> Fraction:
    """Return ``value`` as an exact fraction."""
    return Fraction(value)


def round_to(value: Fraction | Decimal, places: Decimal) -> Decimal:
    """Round an exact value half-up to ``places`` and drop trailing zeros.

    Args:
        value: an exact fraction or decimal.
        places: the step to round to, e.g. ``Decimal("0.01")``.
    Returns:
        The rounded value in plain form (``6000000``, ``1234.5``, ``666.67``).
    """
    with localcontext() as ctx:
        ctx.prec = 60
        if isinstance(value, Fraction):
            d = Decimal(value.numerator) / Decimal(value.denominator)
        else:
            d = value
        return plain(d.quantize(places, rounding=ROUND_HALF_UP))


def plain(value: Decimal) -> Decimal:
    """Return ``value`` without trailing zeros and without exponent notation."""
    d = value.normalize()
    if d == 0:
        return Decimal(0)
    if d.as_tuple().exponent > 0:
        d = d.quantize(Decimal(1))
    return d


def fmt(value: Decimal) -> str:
    """Format a decimal for prose: plain digits, no exponent (``1.2E+8`` -> ``120000000``)."""
    return format(plain(value), "f")


def area_to_m2(value: Decimal, unit: str) -> Fraction:
    """Convert an area to 平方米 exactly.

    Args:
        value: the area.
        unit: 亩, 平方米, 公顷 or 万平方米 (aliases such as ㎡ and mu accepted).
    Returns:
        The area in 平方米 as an exact fraction.
    Raises:
        KeyError: the unit is not an area unit.
    """
    return Fraction(value) * M2_PER_UNIT[AREA_UNIT_ALIASES[unit]]


def m2_to(value_m2: Fraction, unit: str) -> Fraction:
    """Convert an exact area in 平方米 to ``unit`` exactly."""
    return value_m2 / M2_PER_UNIT[AREA_UNIT_ALIASES[unit]]


def money_to_yuan(value: Decimal, unit: str) -> Decimal:
    """Convert an amount in 元, 万元 or 亿元 to 元 (exact)."""
    return value * YUAN_PER_UNIT[MONEY_UNIT_ALIASES[unit]]


def fmt_yuan(value: Decimal) -> str:
    """Format 元 for prose, adding 万元/亿元 when that reads better.

    Args:
        value: an amount in 元.
    Returns:
        e.g. ``"600万元（6000000元）"``, ``"1.2亿元（120000000元）"``, ``"5000元"``.
    """
    v = plain(value)
    if abs(v) >= YUAN_PER_UNIT["亿元"]:
        return f"{fmt(v / YUAN_PER_UNIT['亿元'])}亿元（{fmt(v)}元）"
    if abs(v) >= YUAN_PER_UNIT["万元"]:
        return f"{fmt(v / YUAN_PER_UNIT['万元'])}万元（{fmt(v)}元）"
    return f"{fmt(v)}元"
