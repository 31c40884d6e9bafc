"""Answer-fact accuracy: the share of expected facts that appear in the answer.

A fact matches when its normalised text (NFKC, no whitespace, lower case) occurs in the
normalised answer, or, for a fact that is one number with a unit, when the answer states
the same quantity in the same family of units (300万元 = 3000000元, 1500亩 = 1500 亩).
"""

from __future__ import annotations

from decimal import Decimal

from evals.metrics import text as T

_FAMILIES = {"元": "money", "万元": "money", "亿元": "money", "万": "money", "亿": "money",
             "亩": "area_mu", "万亩": "area_mu", "平方米": "area_m2", "万平方米": "area_m2",
             "m2": "area_m2", "m²": "area_m2", "%": "percent"}
_BASE = {"万元": Decimal(10000), "万": Decimal(10000), "亿元": Decimal(10 ** 8), "亿": Decimal(10 ** 8),
         "万亩": Decimal(10000), "万平方米": Decimal(10000)}


def _quantity(value: Decimal, unit: str | None) -> tuple[str, Decimal] | None:
    if unit is None:
        return None
    family = _FAMILIES.get(unit, unit)
    return family, (value * _BASE.get(unit, Decimal(1))).normalize()


def fact_present(fact: str, answer_text: str) -> bool:
    """Whether one expected fact is stated in ``answer_text``."""
    norm_fact = T.normalise(fact).replace(",", "")
    if norm_fact in T.normalise(T.strip_markers(answer_text)).replace(",", ""):
        return True
    nums = T.numbers(fact)
    if len(nums) != 1 or T.normalise(fact) != T.normalise(T.strip_markers(fact)):
        return False
    wanted = _quantity(*nums[0])
    if wanted is None:
        return False
    return any(_quantity(v, u) == wanted for v, u in T.numbers(answer_text))


def fact_accuracy(answer_text: str, facts: list[str]) -> tuple[float | None, list[str]]:
    """Score the expected facts of one item.

    Args:
        answer_text: the answer, markers included.
        facts: strings a correct answer must contain.
    Returns:
        (share present, missing facts); the share is None when no fact is expected.
    """
    if not facts:
        return None, []
    missing = [f for f in facts if not fact_present(f, answer_text)]
    return 1 - len(missing) / len(facts), missing
