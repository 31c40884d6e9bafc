"""Calculator exactness: the expected tool was called and returned the expected values.

Values compare as Decimal when both sides are numbers (``"3"`` equals ``"3.00"``), as
booleans for true/false, else as trimmed text. An expected key missing from the result
(field names differ between implementations) matches when any scalar of the result equals
its value; list arguments compare as multisets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.models import ToolCall


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return text


def _canonical(value: Any) -> Any:
    """A hashable, order-free form: dicts lose None entries, lists become sorted tuples."""
    if isinstance(value, dict):
        return tuple(sorted((k, _canonical(v)) for k, v in value.items() if v is not None))
    if isinstance(value, (list, tuple)):
        return tuple(sorted((_canonical(v) for v in value), key=repr))
    return _scalar(value)


def values_equal(expected: Any, actual: Any) -> bool:
    """Compare one expected value with one actual value (see the module docstring)."""
    if isinstance(expected, (list, dict)) or isinstance(actual, (list, dict)):
        if type(expected) is not type(actual):
            return False
        return _canonical(expected) == _canonical(actual)
    return _scalar(expected) == _scalar(actual)


def _scalars(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _scalars(v)]
    if isinstance(data, list):
        return [data] + [s for v in data for s in _scalars(v)]
    return [data]


def mapping_matches(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Return the expected keys whose value is not found in ``actual`` (empty: all match)."""
    bad = []
    for key, value in expected.items():
        if key in actual:
            if not values_equal(value, actual[key]):
                bad.append(key)
        elif not any(values_equal(value, a) for a in _scalars(actual)):
            bad.append(key)
    return bad


@dataclass
class CalcScore:
    """Outcome for one calculator item."""

    tool_ok: bool
    args_ok: bool
    result_ok: bool
    problems: list[str] = field(default_factory=list)

    @property
    def exact(self) -> float:
        """1.0 when the tool is right and every expected result value matches."""
        return 1.0 if self.tool_ok and self.result_ok else 0.0


def calculator_exactness(tool_calls: list[ToolCall | dict[str, Any]], expected_tool: str,
                         expected_args: dict[str, Any], expected_result: dict[str, str]) -> CalcScore:
    """Score the tool calls of one answer against a calculator item.

    Args:
        tool_calls: the answer's ``tool_calls``.
        expected_tool: the calculator that must be called.
        expected_args: arguments it should receive (by name, or by value when names differ).
        expected_result: values its result must contain, as Decimal strings.
    Returns:
        A :class:`CalcScore`; the best-matching call of that name is the one scored.
    """
    calls = [c if isinstance(c, ToolCall) else ToolCall.model_validate(c) for c in tool_calls]
    named = [c for c in calls if c.name == expected_tool]
    if not named:
        got = ", ".join(c.name for c in calls) or "no tool call"
        return CalcScore(False, False, False, [f"expected tool {expected_tool}, got {got}"])
    best: CalcScore | None = None
    for call in named:
        problems = []
        if call.error:
            problems.append(f"{call.name} failed: {call.error}")
        bad_args = mapping_matches(expected_args, call.arguments)
        bad_result = mapping_matches(expected_result, call.result or {}) if not call.error \
            else list(expected_result)
        problems += [f"argument {k}: expected {expected_args[k]}, got {call.arguments.get(k)}"
                     for k in bad_args]
        problems += [f"result {k}: expected {expected_result[k]}, got {(call.result or {}).get(k)}"
                     for k in bad_result]
        score = CalcScore(True, not bad_args, not bad_result and not call.error, problems)
        if best is None or (score.result_ok, score.args_ok) > (best.result_ok, best.args_ok):
            best = score
    assert best is not None
    return best
