"""Eligibility rules: read from the packs of the indexed documents (or a rules file) and checked.

A document's rules live in its pack (``[[rules]]``) and are active only while the document
is indexed. A rule that names a clause the index does not have, a calculator the registry
does not have, or a profile field that does not exist fails loading with a message naming
the rule and the offending id.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.eligibility.profile import EnterpriseProfile
from assistant.errors import ConfigError

Group = Literal["applies", "may_apply", "obligation"]
COMPARISONS = ("gte", "gt", "lte", "lt")
NUMERIC_FIELDS = frozenset(
    name for name, info in EnterpriseProfile.model_fields.items() if "Decimal" in str(info.annotation)
)


class RulesError(ConfigError):
    """The rules file is unreadable or a rule is invalid or points nowhere."""


class Rule(BaseModel):
    """One eligibility rule (the fields are described in the rules section of a document's pack)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    group: Group
    clause_ids: list[str] = Field(min_length=1)
    grants: str | None = None
    demands: str | None = None
    condition: str | None = None
    when: dict[str, Any] = Field(default_factory=dict)
    when_any: list[dict[str, Any]] = Field(default_factory=list)
    requires: dict[str, Any] = Field(default_factory=dict)
    calculator: str | None = None
    arguments: list[dict[str, str]] = Field(default_factory=list)
    constants: dict[str, Any] = Field(default_factory=dict)
    external_documents: list[str] = Field(default_factory=list)

    @field_validator("arguments", mode="before")
    @classmethod
    def _arguments_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.group == "obligation":
            if not self.demands or self.grants:
                raise ValueError("an obligation states `demands` (and no `grants`)")
        elif not self.grants or self.demands:
            raise ValueError(f"a {self.group} rule states `grants` (and no `demands`)")
        if (self.group == "may_apply" or self.requires) and not self.condition:
            raise ValueError("a may_apply rule or one with `requires` states its `condition`")
        if self.requires and not self.triggered_by_facts:
            raise ValueError("`requires` needs a `when` or `when_any` trigger")
        if (self.arguments or self.constants) and not self.calculator:
            raise ValueError("`arguments` or `constants` without a `calculator`")
        if self.calculator and not self.arguments:
            raise ValueError("a `calculator` needs `arguments` mapped from profile fields")
        if any(not alt for alt in self.when_any):
            raise ValueError("an empty mapping in `when_any`")
        return self

    @property
    def triggered_by_facts(self) -> bool:
        """Whether the rule fires only on stated facts (else it applies to everyone)."""
        return bool(self.when or self.when_any)

    @property
    def text(self) -> str:
        """What the rule grants or demands."""
        return self.grants or self.demands or ""


def _check_fact(rule_id: str, where: str, field: str, spec: Any) -> None:
    """Raise RulesError unless ``field`` is a profile field and ``spec`` a valid test on it."""
    if field not in EnterpriseProfile.model_fields:
        raise RulesError(f"rule {rule_id!r}: `{where}` names unknown profile field {field!r}")
    if isinstance(spec, dict):
        bad = set(spec) - set(COMPARISONS)
        if bad or not spec:
            raise RulesError(f"rule {rule_id!r}: `{where}.{field}` uses {sorted(bad) or 'nothing'}; "
                             f"comparisons are {', '.join(COMPARISONS)}")
        if field not in NUMERIC_FIELDS:
            raise RulesError(f"rule {rule_id!r}: `{where}.{field}` compares a field that is not a number")
        for value in spec.values():
            try:
                Decimal(str(value))
            except InvalidOperation:
                raise RulesError(f"rule {rule_id!r}: `{where}.{field}` compares with {value!r}, "
                                 "not a number") from None
        return
    for value in spec if isinstance(spec, list) else [spec]:
        try:
            EnterpriseProfile.model_validate({field: value})
        except ValidationError:
            raise RulesError(f"rule {rule_id!r}: `{where}.{field}` = {value!r} "
                             f"is not a valid value of that field") from None


def validate_rules(rules: list[Rule], clause_ids: Iterable[str], tool_names: Iterable[str],
                   tool_parameters: Mapping[str, Iterable[str]] | None = None) -> None:
    """Check that rule ids are unique and every fact, clause id and calculator resolves.

    Args:
        rules: the parsed rules.
        clause_ids: the ids of every clause in the corpus.
        tool_names: the names of every calculator in the registry.
        tool_parameters: calculator name -> its argument names, to check the mappings.
    Raises:
        RulesError: naming the rule and the id that points nowhere.
    """
    known_clauses, known_tools = set(clause_ids), set(tool_names)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesError(f"rule {rule.id!r} is defined twice")
        seen.add(rule.id)
        for cid in rule.clause_ids:
            if cid not in known_clauses:
                raise RulesError(f"rule {rule.id!r}: clause id {cid!r} is not in the corpus")
        if rule.calculator and rule.calculator not in known_tools:
            raise RulesError(f"rule {rule.id!r}: calculator {rule.calculator!r} is not in the "
                             f"registry (known: {', '.join(sorted(known_tools))})")
        for where, facts in [("when", rule.when), ("requires", rule.requires)] + [
                ("when_any", alt) for alt in rule.when_any]:
            for field, spec in facts.items():
                _check_fact(rule.id, where, field, spec)
        params = set((tool_parameters or {}).get(rule.calculator, ())) if rule.calculator else set()
        for mapping in rule.arguments + [rule.constants]:
            for arg, field in mapping.items():
                if params and arg not in params:
                    raise RulesError(f"rule {rule.id!r}: {arg!r} is not an argument of calculator "
                                     f"{rule.calculator!r} (its arguments: {', '.join(sorted(params))})")
                if mapping is not rule.constants and field not in EnterpriseProfile.model_fields:
                    raise RulesError(f"rule {rule.id!r}: calculator argument {arg!r} maps to "
                                     f"unknown profile field {field!r}")


def parse_rules(text: str, source: str = "rules file") -> list[Rule]:
    """Parse rules from TOML text without checking clause ids or calculators.

    Args:
        text: the TOML text, with a ``[[rules]]`` array.
        source: a name for messages.
    Returns:
        The rules, in file order.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"{source}: cannot parse: {err}") from None
    unknown = set(data) - {"rules"}
    if unknown:
        raise RulesError(f"{source}: unknown top-level key(s) {sorted(unknown)}; only [[rules]]")
    rules = []
    for i, raw in enumerate(data.get("rules", []), start=1):
        try:
            rules.append(Rule.model_validate(raw))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(rule)"
            raise RulesError(f"{source}: rule {raw.get('id', f'#{i}')!r}: {where}: "
                             f"{first['msg'].removeprefix('Value error, ')}") from None
    return rules


def pack_rules(clauses: Mapping[str, Any] | None = None, dirs: Iterable[Path] | None = None) -> list[Rule]:
    """The rules of the packs of the indexed documents, clause ids made full, checked.

    Args:
        clauses: the indexed clauses by id (default: the index in the data folder).
        dirs: folders holding the packs (default: the data folder's ``packs/`` and the shipped corpus).
    Returns:
        The rules, pack by pack in file order.
    Raises:
        RulesError: a rule is invalid or points nowhere (the message names the pack and rule).
    """
    from assistant.packs.loader import active_packs
    from assistant.tools.registry import indexed_clauses, list_tools

    clauses = clauses if clauses is not None else indexed_clauses()
    rules: list[Rule] = []
    for loaded in active_packs(clauses, dirs):
        # A calculator the pack disabled (its clause changed) leaves its rule without an amount.
        disabled = {t.name for t in loaded.pack.tools} - {t.name for t in loaded.tools}
        for i, raw in enumerate(loaded.pack.rules, start=1):
            raw = {**raw, "clause_ids": [loaded.pack.full_id(c) for c in raw.get("clause_ids", [])]}
            if raw.get("calculator") in disabled:
                raw = {k: v for k, v in raw.items() if k not in ("calculator", "arguments", "constants")}
            try:
                rules.append(Rule.model_validate(raw))
            except ValidationError as err:
                first = err.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "(rule)"
                raise RulesError(f"规则包 {loaded.path}：规则 {raw.get('id', f'#{i}')!r} 的 {where} 有误："
                                 f"{first['msg'].removeprefix('Value error, ')}") from None
    tools = list_tools(clauses, dirs)
    validate_rules(rules, clauses.keys(), [t.name for t in tools],
                   {t.name: list(t.parameters.get("properties", {})) for t in tools})
    return rules


def load_rules(path: str | Path | None = None, clause_ids: Iterable[str] | None = None,
               tool_names: Iterable[str] | None = None) -> list[Rule]:
    """Load and validate the rules.

    Args:
        path: a rules TOML file (``[[rules]]`` with full clause ids); the rules of the
            indexed documents' packs when ``None``.
        clause_ids: clause ids to check a rules file against; the index when ``None``.
        tool_names: calculator names to check a rules file against; the registry when ``None``.
    Returns:
        The rules, in file order.
    Raises:
        RulesError: the file is bad or a rule points nowhere.
    """
    if path is None:
        return pack_rules()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RulesError(f"{path}: cannot read rules file: {err.strerror}") from None
    rules = parse_rules(text, str(path))
    if clause_ids is None:
        from assistant.tools.registry import indexed_clauses

        clause_ids = indexed_clauses().keys()
    parameters = None
    if tool_names is None:
        parameters = registered_tool_parameters()
        tool_names = parameters.keys()
    validate_rules(rules, clause_ids, tool_names, parameters)
    return rules


def registered_tool_parameters() -> dict[str, list[str]]:
    """Return each calculator in the registry with its argument names."""
    from assistant.tools.registry import list_tools

    return {t.name: list(t.parameters.get("properties", {})) for t in list_tools()}


def registered_tool_names() -> list[str]:
    """Return the names of the calculators in the registry."""
    return list(registered_tool_parameters())
