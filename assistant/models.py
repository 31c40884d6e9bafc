"""Typed records that flow between the stages: document -> clause -> citation -> answer."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ClauseKind = Literal[
    "notice",       # the covering 通知 before the plan itself
    "preamble",     # 前言: the paragraph(s) between the plan title and 一、
    "section",      # 一、 / 第一章 / 第一节
    "item",         # （一）
    "point",        # 一是 / 1. inside an item
    "article",      # 第一条
    "paragraph",    # 款: a paragraph of an article
    "attachments",  # the 附件： list at the end of the body
    "annex",        # 附件1
    "leader",       # 组长 / 副组长 lines of a leading group
    "member",       # one member of a leading group
    "duty",         # a numbered duty (1. 区政府办负责…)
    "office",       # a paragraph of an annex between its list and its duties
    "text",         # any other paragraph of an annex
    "table",        # a table (its title)
    "row",          # one table row, headers repeated
    "colophon",     # 抄送 / 印发 lines
]


class TableRow(BaseModel):
    """One table row with the column headers it belongs to."""

    key: str = Field(description="the row label (first cell), e.g. 某街道 or 合计")
    columns: list[str] = Field(description="headers of the value columns, in order")
    values: list[str] = Field(description="cell texts, same order as columns")

    def cell(self, column: str) -> str:
        """Return the cell under ``column`` (exact header, or a unique substring of one)."""
        if column in self.columns:
            return self.values[self.columns.index(column)]
        hits = [i for i, c in enumerate(self.columns) if column in c]
        if len(hits) != 1:
            raise KeyError(column)
        return self.values[hits[0]]


class Clause(BaseModel):
    """A node of a document's clause tree.

    ``text`` is the clause's full text, its sub-clauses included, as a person would
    quote it. ``own_text`` is the part before the first sub-clause (for a leaf, the same).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    doc_id: str
    kind: ClauseKind
    number: str | None = None
    title: str | None = None
    label: str
    text: str
    own_text: str
    parent_id: str | None = None
    path: list[str] = Field(default_factory=list, description="labels of the ancestors, outermost first")
    source: str
    page: int | None = None
    order: int
    table: TableRow | None = None
    children: list[str] = Field(default_factory=list)


class DocumentMeta(BaseModel):
    """Manifest entry for one document."""

    model_config = ConfigDict(extra="forbid")

    id: str
    doc_number: str | None = Field(default=None, description="文号, e.g. 某政办〔2023〕9号")
    title: str
    issuers: list[str] = Field(default_factory=list)
    signed: date | None = None
    printed: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    files: list[str] = Field(default_factory=list, description="file names in the corpus folder")
    notes: str | None = None
    # Read from the text when there is no manifest entry; absent from older index records.
    adopted: date | None = Field(default=None, description="通过: the date it was adopted")
    promulgated: date | None = Field(default=None, description="公布/发布: the date it was promulgated")
    revised: date | None = Field(default=None, description="修订/修正: the latest revision")
    trial: bool = Field(default=False, description="试行/暂行")
    cite_as: str | None = Field(default=None, description="name in clause labels when the plain one is "
                                                          "shared by another document (title with year)")

    @property
    def short_name(self) -> str:
        """How the document is named in a clause label, as a person cites it: a 规范性文件 by
        its 文号 (某政办〔2023〕9号), a law or regulation by its title (an order number such as
        国务院令第722号 is not how one cites it); ``cite_as`` when set."""
        if self.cite_as:
            return self.cite_as
        if self.doc_number and "〔" in self.doc_number:
            return self.doc_number
        return self.title


class Citation(BaseModel):
    """A clause presented as support for an answer."""

    id: str
    label: str
    text: str
    source: str
    page: int | None = None
    score: float | None = None


class ToolCall(BaseModel):
    """A calculator run made while answering."""

    name: str
    arguments: dict[str, Any]
    result: dict[str, Any] | None = None
    error: str | None = None


class Answer(BaseModel):
    """The answer contract (see DESIGN.md)."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list,
                             description="what the checks changed or why another mode answered, in Chinese")
