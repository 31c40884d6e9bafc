"""General calculation mechanisms by name; a pack entry names one and supplies its constants.

Each mechanism has an input model (built from the pack's argument list, or a fixed one
whose fields are general quantities such as ``land_area``) and a pure function
``fn(tool, inp)`` (``fn(tool, inp, rows)`` for table mechanisms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.errors import ConfigError
from assistant.packs.schema import PackTool
from assistant.tools.calculators import annex2, dates, land, tax
from assistant.tools.calculators.base import CalcInput
from assistant.tools.mechanisms import core
from assistant.tools.mechanisms.inputs import input_model


@dataclass(frozen=True)
class Mechanism:
    """A general way of computing: its function, and its fixed input model if it has one."""

    name: str
    fn: Callable[..., Any]
    fixed_input: type[CalcInput] | None = None
    table: bool = False

    def input_model(self, tool: PackTool) -> type[CalcInput]:
        """The input model for a pack entry: the fixed one, or one built from its arguments."""
        return self.fixed_input if self.fixed_input is not None else input_model(tool)


MECHANISMS: dict[str, Mechanism] = {m.name: m for m in (
    Mechanism("share_of_base", core.share_of_base),
    Mechanism("rate_in_range", core.rate_in_range),
    Mechanism("date_plus_days", core.date_plus_days),
    Mechanism("ratio_against_floor", land.plot_ratio_check, land.PlotRatioInput),
    Mechanism("share_within_cap", land.ancillary_facilities_check, land.AncillaryInput),
    Mechanism("quotient_per_area", tax.tax_per_mu, tax.TaxPerMuInput),
    Mechanism("growth_path", tax.tax_growth_path, tax.TaxGrowthPathInput),
    Mechanism("growth_rate", tax.tax_growth_rate, tax.TaxGrowthRateInput),
    Mechanism("latest_term", dates.joint_renovation_terms, dates.JointRenovationInput),
    Mechanism("table_cell", annex2.street_target, annex2.StreetTargetInput, table=True),
    Mechanism("table_progress", annex2.target_progress, annex2.TargetProgressInput, table=True),
    Mechanism("table_totals", annex2.annex2_totals_check, annex2.TotalsCheckInput, table=True),
)}


def get_mechanism(name: str, tool: str = "") -> Mechanism:
    """The mechanism called ``name``.

    Raises:
        ConfigError: no such mechanism (the message names the tool and the valid names).
    """
    try:
        return MECHANISMS[name]
    except KeyError:
        raise ConfigError(f"计算工具 {tool} 的 mechanism“{name}”不存在；可用：{'、'.join(MECHANISMS)}。") from None
