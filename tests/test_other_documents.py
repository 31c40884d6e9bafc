"""An index that holds only other documents: the shipped document's typical questions must
not be answered with its figures, streets or calculators. Each answer either abstains or cites
clauses of the indexed documents, and every figure it states comes from a cited clause, a
tool result on an indexed document, or the question."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.gold import load_gold
from evals.metrics.text import MARKER_RE, markers, number_pool, numbers

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "evals" / "documents" / name for name in
        ("sme-payment-2025.md", "business-environment-2019.md", "investment-project-approval-2016.md")]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def others(tmp_path_factory):
    """An assistant over the three regulations only (the shipped corpus never ingested)."""
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    home = tmp_path_factory.mktemp("others") / "home"
    settings = Settings.from_env(home=home)
    ingest(DOCS, settings)
    a = Assistant(settings, auto_ingest=True)  # auto_ingest on: it must not add the shipped corpus
    return a


@pytest.fixture(scope="module")
def shipped_rows() -> list[str]:
    """Row keys of the shipped document's tables (its streets), read from the parsed document."""
    from assistant.corpus import shipped_clauses

    return sorted({c.table.key for c in shipped_clauses() if c.kind == "row" and c.table})


def _questions() -> list[str]:
    return sorted({i.question for i in load_gold() if not i.must_abstain and not i.history})


def test_the_home_holds_only_the_other_documents(others):
    docs = {c.doc_id for c in others.index.clauses().values()}
    assert docs == {"sme-payment-2025", "business-environment-2019", "investment-project-approval-2016"}


def test_shipped_questions_get_no_shipped_facts(others, shipped_rows):
    clauses = others.index.clauses()
    indexed_text = "\n".join(c.text for c in clauses.values())
    streets = [s for s in shipped_rows if len(s) >= 2 and s not in indexed_text]
    assert len(streets) >= 5  # the check below has teeth
    problems = []
    for q in _questions():
        a = others.ask(q)
        where = f"{q!r} → {a.answer[:80]!r}"
        if a.abstained:
            if a.citations or a.tool_calls:
                problems.append(f"abstained with citations or tool calls: {where}")
            continue
        # The one answer without a clause: a unit conversion (亩 to 平方米, 亿元 to 万元) is
        # arithmetic on the question's own number, shown with its formula, resting on no document.
        conversion = bool(a.tool_calls) and all(not (c.result or {}).get("clause_id") for c in a.tool_calls)
        if not a.citations and not conversion:
            problems.append(f"answered without a citation: {where}")
        for c in a.citations:
            if c.id not in clauses:
                problems.append(f"cites {c.id}, not in the index: {where}")
        if any(n < 1 or n > len(a.citations) for n in markers(a.answer)):
            problems.append(f"a marker points nowhere: {where}")
        for call in a.tool_calls:
            cid = (call.result or {}).get("clause_id")
            if cid is not None and cid not in clauses:
                problems.append(f"tool {call.name} rests on {cid}, not in the index: {where}")
        for s in streets:
            if s in a.answer and s not in q:
                problems.append(f"names the shipped street {s}: {where}")
        sources = [q] + [c.text for c in a.citations] + [c.label for c in a.citations]
        sources += [str(call.result) + str(call.arguments) for call in a.tool_calls]
        pool = number_pool(sources)
        for value, unit in numbers(MARKER_RE.sub("", a.answer)):
            if not number_pool([f"{value}{unit or ''}"]) & pool and not (unit is None and value < 10):
                problems.append(f"states {value}{unit or ''} from no cited clause or tool: {where}")
    assert problems == []
