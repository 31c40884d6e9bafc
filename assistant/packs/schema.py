"""The shape of a document's pack: the rules of one document as data.

A pack sits beside its document (``<stem>.pack.toml``) and is keyed by the document id.
It names, for every calculator of that document, the general mechanism that computes it,
the clause that defines it, the constants it quotes from that clause (checked against the
clause text when the pack is loaded), the words that trigger it in a question, its
arguments with their Chinese labels, and the sentence that states its result. Eligibility
rules of the document live in the same file.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ArgKind = Literal["money", "area", "date", "number", "percent", "year", "bool", "text", "parcels"]


class PackArgument(BaseModel):
    """One argument of a pack calculator.

    An ``area`` argument named ``land_area`` is given as ``land_area_mu`` or ``land_area_m2``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: ArgKind
    label: str = Field(min_length=1, description="Chinese name shown to a person")
    words: str | None = Field(default=None, description="regex: words that label this value in a question")
    strict: bool = Field(default=False, description="only a value labelled by `words` is taken")
    required: bool = True
    missing: str | None = Field(default=None, description="what to ask for when the value is missing")
    wrong_label: str | None = Field(default=None,
                                    description="what to say when a value of this kind is given but not labelled")
    ge: str | None = None
    gt: str | None = None
    le: str | None = None
    choices: list[str] = Field(default_factory=list, description="a fixed set of values (a dropdown)")
    full_date: bool = Field(default=False, description="a date argument that needs its year")
    pattern: str | None = Field(default=None, description="regex whose group 1 is the value in a question")
    unless: str | None = Field(default=None, description="regex: when it matches, `pattern` is not used")

    @field_validator("ge", "gt", "le", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return None if value is None else str(value)


class PackTool(BaseModel):
    """One calculator of a document: a mechanism, its clause, constants and words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    mechanism: str = Field(description="name of a general mechanism in assistant.tools.mechanisms")
    clause: str = Field(description="id of the clause that defines the rule (short, without the document prefix, or full)")
    title: str
    description: str
    triggers: list[str] = Field(default_factory=list,
                                description="regexes; all must match a question for the tool to be chosen")
    asks: str | None = Field(default=None, description="regex: a question asking for a number without giving one")
    needs: dict[str, int] = Field(default_factory=dict,
                                  description="least count of quantities of a kind for the tool to be chosen")
    params: dict[str, Any] = Field(default_factory=dict, description="constants of the rule, as quoted")
    quotes: list[str] = Field(default_factory=list, description="text that must occur in the clause")
    arguments: list[PackArgument] = Field(default_factory=list)
    reader: str | None = Field(default=None, description="a named argument reader when the generic one does not fit")
    sentence: str = Field(default="", description="the result sentence; {name} fields from the result")
    sentences: dict[str, str] = Field(default_factory=dict, description="variants of the sentence by case")
    conditions: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict,
                                    description="result field -> the name it has in this document's results")
    reusable: str | None = Field(default=None, description="argument a follow-up may take from an earlier question")
    reuse_lenient: bool = False


class Pack(BaseModel):
    """All the rules of one document."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1)
    tools: list[PackTool] = Field(default_factory=list)
    rules: list[dict[str, Any]] = Field(default_factory=list, description="eligibility rules (see eligibility)")
    period_clauses: list[str] = Field(default_factory=list, description="clauses that state the period in force")
    profile_choices: dict[str, list[str]] = Field(default_factory=dict,
                                                  description="fixed sets of profile values (dropdowns)")

    def full_id(self, clause: str) -> str:
        """The clause id with the document prefix."""
        return clause if ":" in clause else f"{self.doc_id}:{clause}"
