"""Gold sets and their thresholds: typed items, loaded from JSON lines beside this file.

Each line of a gold file is one :class:`GoldItem`. Any one of ``expected_clause_ids``
counts as a hit (alternatives are listed on purpose, e.g. an item and the point inside it);
``expected_facts`` are strings a correct answer must contain; calculator items name the
tool, its arguments and result values as strings (Decimal strings compare as numbers,
``true``/``false`` as booleans, anything else as text).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import ConfigError

GOLD_DIR = Path(__file__).resolve().parent
DEFAULT_GOLD = GOLD_DIR / "lzb-2024-22.jsonl"
DEFAULT_THRESHOLDS = GOLD_DIR / "thresholds.toml"

Kind = Literal["document", "clause", "annex", "member", "duty", "table", "calc",
               "eligibility", "followup", "out_of_scope",
               # kinds of what is asked, as the question sets written from the documents use them
               "wording", "who", "when", "how_much", "list", "compare", "superlative", "filter",
               "sum_share", "penalty", "definition", "calculation", "version"]
Variant = Literal["plain", "paraphrase", "typo", "traditional", "colloquial", "english", "followup",
                  "background", "multi_part"]

# Calculators that answer chat questions (from the packs' mechanisms) ...
CALCULATOR_NAMES = frozenset({
    "land_acquisition_subsidy", "equity_acquisition_subsidy", "street_reward", "plot_ratio_check",
    "ancillary_facilities_check", "special_fund", "small_micro_reserve", "tax_per_mu",
    "tax_growth_path", "tax_growth_rate", "joint_renovation_terms", "approval_deadline",
    "convert_area", "convert_money",
})
# ... operations of the table route (assistant.tables) on any indexed table ...
TABLE_OPERATIONS = frozenset({
    "table_cell", "table_row", "table_column", "table_extreme", "table_filter", "table_sum",
    "table_compare", "table_progress", "table_totals",
})
# ... and the names a pack may give a table lookup for the calculator forms and `calc`.
TOOL_NAMES = CALCULATOR_NAMES | TABLE_OPERATIONS | {"street_target", "target_progress", "annex2_totals_check"}


class GoldItem(BaseModel):
    """One question of a gold set and what a correct answer must contain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    kind: Kind
    variant: Variant = "plain"
    expected_clause_ids: list[str] = Field(default_factory=list)
    expected_facts: list[str] = Field(default_factory=list)
    expected_tool: str | None = None
    expected_tool_args: dict[str, Any] = Field(default_factory=dict)
    expected_result: dict[str, str] = Field(default_factory=dict)
    history: list[str] | None = None
    must_abstain: bool = False
    doc: str | None = Field(default=None, description="the document the answer rests on (None: out of scope)")
    note: str | None = Field(default=None, description="why this is the answer, for a reviewer")
    multi_article: bool | None = Field(
        default=None, description="each expected clause bears on the question and should be cited "
                                  "(None: read from the number of expected clauses)")

    @model_validator(mode="after")
    def _consistent(self) -> GoldItem:
        if self.must_abstain and (self.expected_clause_ids or self.expected_facts or self.expected_tool):
            raise ValueError(f"{self.id}: an item that must abstain expects no clause, fact or tool")
        if not self.must_abstain and not (self.expected_clause_ids or self.expected_tool):
            raise ValueError(f"{self.id}: give expected_clause_ids or expected_tool")
        if self.kind == "out_of_scope" and not self.must_abstain:
            raise ValueError(f"{self.id}: out_of_scope items must set must_abstain")
        if self.variant == "followup" and not self.history:
            raise ValueError(f"{self.id}: a follow-up needs a non-empty history")
        if self.expected_tool is not None and self.expected_tool not in TOOL_NAMES:
            raise ValueError(f"{self.id}: unknown tool '{self.expected_tool}'")
        if self.multi_article and len(set(self.expected_clause_ids)) < 2:
            raise ValueError(f"{self.id}: multi_article needs two or more expected_clause_ids")
        if self.expected_result and self.expected_tool is None:
            raise ValueError(f"{self.id}: expected_result needs expected_tool")
        for key, value in self.expected_result.items():
            if not value.strip():
                raise ValueError(f"{self.id}: expected_result['{key}'] is empty")
        return self


def load_gold(path: str | Path | None = None) -> list[GoldItem]:
    """Read a gold set (JSON lines).

    Args:
        path: the file; the shipped ``lzb-2024-22.jsonl`` when omitted.
    Returns:
        The items in file order.
    Raises:
        ConfigError: a missing file, a line that is not JSON, an invalid item or a duplicate
            id, naming the file and line.
    """
    path = Path(path) if path else DEFAULT_GOLD
    if not path.is_file():
        raise ConfigError(f"gold file {path} does not exist. Pass --gold with a JSON-lines file.")
    items: list[GoldItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = GoldItem.model_validate(json.loads(line))
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}:{lineno}: not JSON ({err.msg}). One object per line.") from err
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(x) for x in first["loc"]) or "item"
            raise ConfigError(f"{path}:{lineno}: field '{field}': {first['msg']}.") from err
        if item.id in seen:
            raise ConfigError(f"{path}:{lineno}: duplicate id '{item.id}'. Ids must be unique.")
        seen.add(item.id)
        items.append(item)
    return items


class CorpusSpec(BaseModel):
    """The documents a gold set is asked over (``[corpus]`` of the set's own TOML file)."""

    model_config = ConfigDict(extra="forbid")

    shipped: bool = Field(default=True, description="index the shipped corpus too")
    documents: list[Path] = Field(default_factory=list, description="files, relative to the TOML file")


class Thresholds(BaseModel):
    """Floors (``min``) and ceilings (``max``) for the primary system's overall metrics.

    With ``gate = false`` they are targets: a figure outside its bound is reported with its
    distance from the target, and the run does not fail on it.
    """

    model_config = ConfigDict(extra="forbid")

    gate: bool = True
    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)
    corpus: CorpusSpec | None = None

    def violations(self, metrics: dict[str, float | None]) -> list[str]:
        """Return one line per metric outside its bound (a missing metric is not checked)."""
        out = []
        for name, floor in self.min.items():
            value = metrics.get(name)
            if value is not None and value < floor:
                out.append(f"{name} = {value:.3f} < {floor}")
        for name, ceiling in self.max.items():
            value = metrics.get(name)
            if value is not None and value > ceiling:
                out.append(f"{name} = {value:.3f} > {ceiling}")
        return out


def set_config_path(gold_path: str | Path) -> Path:
    """The TOML file of a gold set's own: ``blind-2026-12.toml`` beside ``blind-2026-12.jsonl``."""
    gold_path = Path(gold_path)
    return gold_path.with_suffix(".toml")


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """Read thresholds (TOML with ``[min]`` and ``[max]`` tables, optionally ``gate`` and ``[corpus]``).

    Document paths of ``[corpus]`` are resolved against the TOML file's folder.

    Args:
        path: the file; ``thresholds.toml`` beside the shipped gold set when omitted.
    Raises:
        ConfigError: a missing or malformed file, naming it.
    """
    path = Path(path) if path else DEFAULT_THRESHOLDS
    if not path.is_file():
        raise ConfigError(f"thresholds file {path} does not exist.")
    try:
        found = Thresholds.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as err:
        raise ConfigError(f"{path}: invalid thresholds ({err}). Use [min]/[max] tables of numbers.") from err
    if found.corpus is not None:
        docs = [(path.parent / d).resolve() for d in found.corpus.documents]
        missing = [str(d) for d in docs if not d.is_file()]
        if missing:
            raise ConfigError(f"{path}: [corpus] names files that do not exist: {', '.join(missing)}.")
        found.corpus.documents = docs
    return found
