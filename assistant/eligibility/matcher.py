"""Match an enterprise profile against the rules: applies / may apply / obligations.

A rule fires only on facts the profile states (or on none, if it applies to everyone).
Facts a firing rule still needs are named, never assumed; amounts come from the
calculators, never from arithmetic here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from assistant.eligibility.profile import EnterpriseProfile
from assistant.eligibility.rules import Group, Rule, load_rules
from assistant.errors import AssistantError
from assistant.models import ToolCall


ToolRunner = Callable[[str, dict[str, Any]], dict[str, Any]]


class MatchItem(BaseModel):
    """One rule that fired for the profile."""

    rule_id: str
    title: str
    group: Group
    text: str = Field(description="what the rule grants or demands")
    clause_ids: list[str]
    condition: str | None = Field(default=None, description="what must still hold")
    unknown_facts: list[str] = Field(default_factory=list,
                                     description="profile fields the rule needs that are not stated")
    excluded_by: list[str] = Field(default_factory=list,
                                   description="stated facts that contradict a requirement (item excluded)")
    tool_call: ToolCall | None = None
    missing_inputs: list[str] = Field(default_factory=list,
                                      description="profile fields to state so the amount can be computed")
    external_documents: list[str] = Field(default_factory=list)

    @property
    def amount(self) -> dict[str, Any] | None:
        """The calculator's result, when it ran without error."""
        return self.tool_call.result if self.tool_call else None


class PolicyPeriod(BaseModel):
    """When the plan is in force, and the clauses that say so."""

    valid_from: date
    valid_to: date
    clause_ids: list[str]

    def note(self) -> str:
        """The period in one Chinese sentence."""
        return (f"本方案实施期为{self.valid_from.year}年至{self.valid_to.year}年"
                f"{self.valid_to.month}月底（{self.valid_from.isoformat()} 至 {self.valid_to.isoformat()}）。")

    def outside_note(self, as_of: date) -> str | None:
        """A warning when ``as_of`` falls outside the period, else ``None``."""
        if as_of < self.valid_from:
            return f"所问日期 {as_of.isoformat()} 早于本方案实施期（{self.valid_from.isoformat()} 起）。"
        if as_of > self.valid_to:
            return (f"所问日期 {as_of.isoformat()} 已超出本方案实施期（至 {self.valid_to.isoformat()}），"
                    "以下内容是否仍然有效，请以主管部门的最新文件为准。")
        return None


class MatchResult(BaseModel):
    """Everything in the corpus that applies to a profile, in three groups."""

    profile: EnterpriseProfile
    as_of: date | None = None
    period: PolicyPeriod | None = None
    outside_period: str | None = Field(default=None, description="set when as_of is outside the period")
    applies: list[MatchItem] = Field(default_factory=list)
    may_apply: list[MatchItem] = Field(default_factory=list)
    obligations: list[MatchItem] = Field(default_factory=list)
    excluded: list[MatchItem] = Field(default_factory=list,
                                      description="rules triggered but ruled out by a stated fact")

    @property
    def items(self) -> list[MatchItem]:
        """All items: applies, then may apply, then obligations."""
        return self.applies + self.may_apply + self.obligations

    @property
    def rule_ids(self) -> list[str]:
        """The ids of the rules that fired, in display order."""
        return [i.rule_id for i in self.items]

    @property
    def external_documents(self) -> list[str]:
        """Documents outside the corpus the results refer to, first mention first."""
        return list(dict.fromkeys(d for i in self.items for d in i.external_documents))

    @property
    def tool_calls(self) -> list[ToolCall]:
        """The calculator runs made."""
        return [i.tool_call for i in self.items if i.tool_call]


def policy_period(clauses: Mapping[str, Any] | None = None, dirs: Iterable[Path] | None = None) -> PolicyPeriod | None:
    """The period in force of the first indexed document whose pack names its period clauses.

    The dates come from the document's metadata (manifest or text); the clauses from its pack.

    Args:
        clauses: the indexed clauses by id (default: the index in the data folder).
        dirs: folders holding the packs.
    Returns:
        The period with the clauses that support it, or None when no pack names one or
        the document states no dates.
    """
    from assistant.packs.loader import active_packs
    from assistant.tools.registry import indexed_clauses

    clauses = clauses if clauses is not None else indexed_clauses()
    for loaded in active_packs(clauses, dirs):
        ids = [loaded.pack.full_id(c) for c in loaded.pack.period_clauses if loaded.pack.full_id(c) in clauses]
        if not ids:
            continue
        meta = _meta(loaded.doc_id)
        if meta is not None and meta.valid_from and meta.valid_to:
            return PolicyPeriod(valid_from=meta.valid_from, valid_to=meta.valid_to, clause_ids=ids)
    return None


def _meta(doc_id: str):
    """The manifest entry of a shipped document (None for others or without a manifest)."""
    try:
        from assistant.corpus import load_manifest

        return next((m for m in load_manifest() if m.id == doc_id), None)
    except (ImportError, AssistantError):
        return None


def _normalize(field: str, value: Any) -> Any:
    """A rule's literal in the type of the profile field it tests."""
    return getattr(EnterpriseProfile.model_validate({field: value}), field)


def fact_holds(profile: EnterpriseProfile, field: str, spec: Any) -> bool | None:
    """Test one fact. Returns ``None`` when the profile does not state ``field``.

    Args:
        profile: the enterprise.
        field: a profile field name.
        spec: a literal, a list of literals (any of), or ``{gte/gt/lte/lt: number}``.
    Returns:
        True, False, or None (unknown).
    """
    value = getattr(profile, field)
    if value is None:
        return None
    if isinstance(spec, dict):
        number = Decimal(value)
        tests = {"gte": number.__ge__, "gt": number.__gt__, "lte": number.__le__, "lt": number.__lt__}
        return all(tests[op](Decimal(str(bound))) for op, bound in spec.items())
    if isinstance(spec, list):
        return value in [_normalize(field, v) for v in spec]
    return value == _normalize(field, spec)


def facts_hold(profile: EnterpriseProfile, facts: dict[str, Any]) -> bool | None:
    """All facts hold (True), one fails (False), or none fails but some are unknown (None)."""
    results = [fact_holds(profile, f, s) for f, s in facts.items()]
    if False in results:
        return False
    return None if None in results else True


def rule_fires(rule: Rule, profile: EnterpriseProfile) -> bool:
    """Whether the rule's trigger (``when`` and ``when_any``) holds on stated facts."""
    if not rule.triggered_by_facts:
        return True
    if rule.when and facts_hold(profile, rule.when) is not True:
        return False
    return not rule.when_any or any(facts_hold(profile, alt) is True for alt in rule.when_any)


def _run_calculator(rule: Rule, profile: EnterpriseProfile,
                    run_tool: ToolRunner) -> tuple[ToolCall | None, list[str]]:
    """Run the rule's calculator on the first argument mapping the profile can fill."""
    for mapping in rule.arguments:
        values = {arg: getattr(profile, field) for arg, field in mapping.items()}
        if all(v is not None for v in values.values()):
            arguments = {**rule.constants,
                         **{a: str(v) if isinstance(v, Decimal) else v for a, v in values.items()}}
            try:
                return ToolCall(name=rule.calculator, arguments=arguments,
                                result=run_tool(rule.calculator, arguments)), []
            except AssistantError as err:
                return ToolCall(name=rule.calculator, arguments=arguments, error=str(err)), []
    # Name the inputs of the mapping closest to complete.
    missing = min(([f for f in m.values() if getattr(profile, f) is None] for m in rule.arguments), key=len)
    return None, missing


def match_rule(rule: Rule, profile: EnterpriseProfile, run_tool: ToolRunner) -> MatchItem | None:
    """Match one rule. Returns ``None`` when its trigger does not hold.

    A rule whose trigger holds but whose ``requires`` a stated fact contradicts comes back
    with ``excluded_by`` set (and no calculator run).
    """
    if not rule_fires(rule, profile):
        return None
    contradicted = [f for f, spec in rule.requires.items() if fact_holds(profile, f, spec) is False]
    unknown = [f for f in rule.requires if getattr(profile, f) is None]
    group: Group = "may_apply" if rule.group == "applies" and unknown else rule.group
    show_condition = group == "may_apply" or bool(unknown) or bool(contradicted)
    tool_call, missing = (None, [])
    if rule.calculator and not contradicted:
        tool_call, missing = _run_calculator(rule, profile, run_tool)
    return MatchItem(
        rule_id=rule.id, title=rule.title, group=group, text=rule.text, clause_ids=rule.clause_ids,
        condition=rule.condition if show_condition else None, unknown_facts=unknown,
        excluded_by=contradicted, tool_call=tool_call, missing_inputs=missing,
        external_documents=rule.external_documents,
    )


def _registry_runner(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    from assistant.tools.registry import run_tool

    return run_tool(name, arguments)


def match(profile: EnterpriseProfile, rules: list[Rule] | None = None, as_of: date | None = None,
          run_tool: ToolRunner | None = None, period: PolicyPeriod | None = None) -> MatchResult:
    """Return every rule that applies to ``profile``, grouped, with amounts where computable.

    Args:
        profile: the enterprise's stated facts.
        rules: the rules; the shipped, validated ones when ``None``.
        as_of: the date the question is about; a note is added when it is outside the period.
        run_tool: ``(name, arguments) -> result``; the calculator registry when ``None``.
        period: the plan's period; :func:`policy_period` when ``None``.
    Returns:
        The grouped result.
    """
    rules = load_rules() if rules is None else rules
    run_tool = run_tool or _registry_runner
    period = period or policy_period()
    result = MatchResult(profile=profile, as_of=as_of, period=period,
                         outside_period=period.outside_note(as_of) if as_of and period else None)
    groups = {"applies": result.applies, "may_apply": result.may_apply, "obligation": result.obligations}
    for rule in rules:
        item = match_rule(rule, profile, run_tool)
        if item and item.excluded_by:
            result.excluded.append(item)
        elif item:
            groups[item.group].append(item)
    return result
