"""Calculator forms read quantities as the chat does: Chinese numerals and 万/亿 in a text
field ("三十亩", "1.2亿") reach the calculator as numbers, and a word that is no quantity is
refused naming the field in Chinese. The forms are built from the tools' schemas as the UI
builds them (ui/tab_calc.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.corpus import clause_map
from assistant.errors import AssistantError
from assistant.tools.registry import get_tool, run_tool
from ui.errors import message_for
from ui.forms import form_arguments, schema_fields

CLAUSES = clause_map()


def _fill(tool: str, **typed: str) -> dict:
    specs = schema_fields(get_tool(tool, clauses=CLAUSES).parameters)
    values = [typed.get(s.name) for s in specs]
    return specs, form_arguments(specs, values)


@pytest.mark.parametrize("land, floor, ratio", [
    ("三十亩", "40000", "2"),
    ("30亩", "四万", "2"),
    ("十五亩", "两万", "2"),
])
def test_chinese_quantities_reach_the_calculator(land, floor, ratio):
    _, args = _fill("plot_ratio_check", land_area_mu=land, floor_area_m2=floor)
    result = run_tool("plot_ratio_check", args, clauses=CLAUSES)
    assert Decimal(str(result["plot_ratio"])) == Decimal(ratio)


def test_an_amount_in_yi_is_read():
    _, args = _fill("equity_acquisition_subsidy", price_yuan="1.2亿")
    result = run_tool("equity_acquisition_subsidy", args, clauses=CLAUSES)
    assert Decimal(str(result["max_subsidy_yuan"])) == Decimal("12000000")


def test_a_word_that_is_no_quantity_is_refused_in_chinese():
    specs, args = _fill("equity_acquisition_subsidy", price_yuan="很多")
    with pytest.raises(AssistantError) as err:
        run_tool("equity_acquisition_subsidy", args, clauses=CLAUSES)
    message = message_for(err.value, {s.name: s.label for s in specs})
    assert "股权收购价格" in message and "price_yuan" not in message
