"""No module under assistant/ or ui/ names a fact of one document.

The forbidden strings are derived from the shipped document's data, not listed by hand:
its id and 文号, every clause id its pack names (``s6.6``, ``a2``, ``s7.3`` …), the row names
of its parsed table (the streets), the phrases its pack quotes from the clauses, and the
figures in those phrases (``30%``, ``2.0``, ``50天``). A module that would need editing when a
second document arrives holds data; this test finds it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus import clause_map, load_manifest, shipped_corpus_dir
from assistant.packs.loader import read_pack
from assistant.tools.calculators.annex2 import load_rows

ROOT = Path(__file__).resolve().parent.parent
DOC = "lzb-2024-22"
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|天)|\d+\.\d+")


def _pack():
    return read_pack(shipped_corpus_dir() / f"{DOC}.pack.toml")


def forbidden() -> dict[str, re.Pattern[str]]:
    """Each forbidden string with the pattern that finds it as a whole token."""
    pack = _pack()
    clauses = clause_map()
    words: set[str] = {pack.doc_id}
    words |= {m.doc_number for m in load_manifest() if m.id == pack.doc_id and m.doc_number}
    ids = {t.clause for t in pack.tools} | set(pack.period_clauses)
    ids |= {c for rule in pack.rules for c in rule.get("clause_ids", [])}
    ids |= {str(t.params["table"]) for t in pack.tools if "table" in t.params}
    for table in {str(t.params["table"]) for t in pack.tools if "table" in t.params}:
        words |= {r.row.key for r in load_rows(clauses, pack.full_id(table))}
    quotes = {q for t in pack.tools for q in t.quotes}
    words |= quotes
    figures = {f.replace(" ", "") for q in quotes for f in _FIGURE.findall(q)}
    out = {w: re.compile(re.escape(w)) for w in words}
    # A clause id or a figure counts only as a whole token: `s3` is not in `s30`, `10%` not in `110%`.
    out |= {i: re.compile(r"(?<![\w.])" + re.escape(i) + r"(?![\w])") for i in ids}
    out |= {f: re.compile(r"(?<![\d.])" + re.escape(f)) for f in figures}
    return out


def test_the_forbidden_strings_come_from_the_data():
    found = forbidden()
    # the streets of the table, clause ids of the pack, figures quoted from the clauses
    for expected in ("新碶", "大榭", "s6.6", "a2", "s8.3", "30%", "0.5%", "2.0", "50天", "仑政办〔2024〕22号"):
        assert expected in found
    assert len(found) > 40


def hits(text: str) -> list[str]:
    """The forbidden strings ``text`` names."""
    return sorted({word for word, pattern in forbidden().items() if pattern.search(text)})


@pytest.mark.parametrize(("planted", "found"), [
    ('"""Rows are read from the table, e.g. 新碶 or 保税区块."""', ["保税", "新碶"]),
    ('HELP = "clause id, e.g. lzb-2024-22:s6.6"', ["lzb-2024-22", "s6.6"]),
    ("RATE = 0.5%  # the share the plan takes", ["0.5%"]),
    ("# 审批控制在50天以内", ["50天", "审批控制在50天以内"]),
    ('NUMBER = "仑政办〔2024〕22号"', ["仑政办〔2024〕22号"]),
])
def test_a_planted_fact_is_found(planted: str, found: list[str]) -> None:
    assert hits("from __future__ import annotations\n" + planted + "\n") == found


@pytest.mark.parametrize("clean", [
    "ids = ['s30', 's6.66', 'xa2']",  # a clause id counts only as a whole token
    "RATE = '110%'; LIMIT = '150天'; SCALE = 12.05",  # a figure only as a whole number
    '"""A table\'s total row: 合计, 总计, 全县 …; a clause such as 第九条 or art9."""',
])
def test_text_without_a_fact_passes(clean: str) -> None:
    assert hits(clean) == []


def _modules() -> list[Path]:
    return sorted(p for folder in ("assistant", "ui") for p in (ROOT / folder).rglob("*.py"))


def test_every_module_is_checked() -> None:
    names = {str(p.relative_to(ROOT)) for p in _modules()}
    assert {"assistant/core.py", "assistant/tables/table.py", "ui/service.py"} <= names
    assert len(names) > 80


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_names_no_fact_of_one_document(path: Path) -> None:
    found = hits(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.relative_to(ROOT)} names facts of {DOC}: {found}; move them into the pack"
