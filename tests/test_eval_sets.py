"""Gold sets over documents of their own: the set's TOML names the files to index, its bounds
can be targets (reported with their distance, not gated), and the report breaks the figures
down per document. Runs on a real regulation from evals/documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from evals.gold import load_gold, load_thresholds
from evals.runner import run_eval

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "evals" / "documents" / "investment-project-approval-2016.md"

ITEMS = [
    {"id": "t-1", "question": "企业投资项目核准和备案条例是为了什么制定的？", "kind": "wording", "variant": "plain",
     "doc": "investment-project-approval-2016",
     "expected_clause_ids": ["investment-project-approval-2016:art1"], "expected_facts": ["规范政府对企业投资项目的核准和备案行为"]},
    {"id": "t-2", "question": "核准机关多少个工作日内要作出决定？", "kind": "when", "variant": "colloquial",
     "doc": "investment-project-approval-2016",
     "expected_clause_ids": ["investment-project-approval-2016:art10"], "expected_facts": ["20个工作日"]},
    {"id": "t-3", "question": "火星基地的土地补贴是多少？", "kind": "out_of_scope", "variant": "plain",
     "must_abstain": True},
]


def _set(folder: Path, gate: bool) -> Path:
    gold = folder / "mini.jsonl"
    gold.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8")
    (folder / "mini.toml").write_text(
        f"gate = {'true' if gate else 'false'}\n[corpus]\nshipped = false\n"
        f"documents = [{json.dumps(str(DOC))}]\n[min]\nfully_correct = 0.85\n", encoding="utf-8")
    return gold


def _answers(folder: Path, good: bool, clauses: dict) -> Path:
    rows = []
    for item in ITEMS:
        if item.get("must_abstain"):
            rows.append({"id": item["id"], "question": item["question"], "answer": "语料未涉及。",
                         "abstained": True, "citations": [], "tool_calls": []})
            continue
        c = clauses[item["expected_clause_ids"][0]]
        cite = {"id": c.id, "label": c.label, "text": c.text, "source": c.source}
        text = f"「{c.text}」[1]" if good else "无可奉告[1]。"
        rows.append({"id": item["id"], "question": item["question"], "answer": text,
                     "abstained": False, "citations": [cite], "tool_calls": []})
    path = folder / ("good.jsonl" if good else "bad.jsonl")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory, monkeypatch_module) -> Path:
    home = tmp_path_factory.mktemp("eval-sets-home")
    monkeypatch_module.setenv("POLICY_ASSISTANT_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_set_toml_names_documents_and_resolves_them(tmp_path):
    gold = _set(tmp_path, gate=False)
    t = load_thresholds(gold.with_suffix(".toml"))
    assert t.gate is False
    assert t.corpus is not None and t.corpus.shipped is False
    assert t.corpus.documents == [DOC.resolve()]
    assert [i.doc for i in load_gold(gold)] == ["investment-project-approval-2016"] * 2 + [None]


def test_set_toml_naming_a_missing_file_is_refused(tmp_path):
    (tmp_path / "x.toml").write_text('[corpus]\ndocuments = ["nope.md"]\n', encoding="utf-8")
    with pytest.raises(Exception, match="nope.md"):
        load_thresholds(tmp_path / "x.toml")


@pytest.mark.slow
def test_targets_are_reported_not_gated_and_figures_per_document(tmp_path, eval_home, capsys):
    gold = _set(tmp_path, gate=False)
    from evals.runner import corpus_assistant

    clauses = corpus_assistant(load_thresholds(gold.with_suffix(".toml")).corpus, gold).index.clauses()
    assert any(cid.startswith("investment-project-approval-2016:") for cid in clauses)
    assert not any(cid.startswith("lzb-2024-22:") for cid in clauses)  # shipped = false

    good = run_eval(gold_path=gold, answers_path=_answers(tmp_path, True, clauses), baselines=False)
    assert good.primary.overall["fully_correct"] == 1.0
    assert good.primary.overall["false_refusal_rate"] == 0.0
    assert set(good.primary.per_doc) == {"investment-project-approval-2016", "(none)"}
    assert good.violations == [] and good.targets_missed == []

    bad = run_eval(gold_path=gold, answers_path=_answers(tmp_path, False, clauses), baselines=False)
    assert bad.primary.overall["fully_correct"] == pytest.approx(1 / 3)
    assert bad.violations == []
    assert bad.targets_missed == ["fully_correct = 0.333 < 0.85"]
    # The command reports the distance and exits 0: targets are not gates.
    assert main(["eval", "--gold", str(gold), "--answers", str(_answers(tmp_path, False, clauses))]) == 0
    out = capsys.readouterr().out
    assert "targets not reached" in out and "fully_correct 0.333 (target ≥ 0.85: 0.517 short)" in out

    # The same bounds as gates fail the run.
    gated = _set(tmp_path, gate=True)
    assert main(["eval", "--gold", str(gated), "--answers", str(_answers(tmp_path, False, clauses))]) == 1
