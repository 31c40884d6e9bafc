"""The runner and the ``eval`` command end to end, on answer files built from the gold set.

An oracle that quotes the expected clauses, reports the expected calculator results and
abstains where it must scores 1.0 everywhere; degraded answers fall below the thresholds
and make the command exit 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.corpus import clause_map
from assistant.models import Answer
from evals.gold import GoldItem, load_gold
from evals.runner import run_eval

CLAUSES = clause_map()


def oracle(item: GoldItem) -> dict:
    """A perfect answer in the contract shape."""
    if item.must_abstain:
        return {"question": item.question, "answer": "语料未涉及该问题。", "abstained": True,
                "citations": [], "tool_calls": []}
    lines, cites = [], []
    for n, cid in enumerate(item.expected_clause_ids, start=1):
        c = CLAUSES[cid]
        cites.append({"id": c.id, "label": c.label, "text": c.text, "source": c.source, "page": c.page})
        lines.append(f"「{c.text}」[{n}]")
    calls = []
    if item.expected_tool:
        calls.append({"name": item.expected_tool, "arguments": item.expected_tool_args,
                      "result": dict(item.expected_result)})
        lines.append("计算结果：" + "，".join(item.expected_result.values()) + ("[1]" if cites else ""))
    return {"question": item.question, "answer": "\n".join(lines), "abstained": False,
            "citations": cites, "tool_calls": calls}


def wrong_clause(item: GoldItem) -> dict:
    """Cites the 附则 for everything and never abstains."""
    c = CLAUSES["lzb-2024-22:s9"]
    return {"question": item.question, "answer": "企业可获得30%的补助[1]。", "abstained": False,
            "citations": [{"id": c.id, "label": c.label, "text": c.text, "source": c.source}],
            "tool_calls": []}


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gold() -> list[GoldItem]:
    return load_gold()


def test_oracle_answers_score_perfectly(tmp_path, gold):
    path = write(tmp_path / "oracle.jsonl", [oracle(it) for it in gold])
    run = run_eval(answers_path=path, k=5)
    overall = run.primary.overall
    assert run.violations == []
    for metric in ("clause_recall_at_k", "mrr", "citation_recall", "citation_precision", "fact_accuracy",
                   "calc_exactness", "tool_selection", "abstention_precision", "abstention_recall"):
        assert overall[metric] == 1.0, metric
    assert overall["dangling_marker_rate"] == 0.0
    assert [i.id for i in run.primary.failures] == []
    assert len(run.systems) == 1 and run.notes == []


def test_wrong_citations_fail_the_thresholds_through_the_cli(tmp_path, gold, capsys):
    path = write(tmp_path / "wrong.jsonl", [wrong_clause(it) for it in gold])
    assert main(["eval", "--answers", str(path)]) == 1
    out = capsys.readouterr().out
    assert "below thresholds: clause_recall_at_k = " in out
    assert out.splitlines()[3].startswith("wrong ")


def test_cli_json_and_exit_zero_for_oracle(tmp_path, gold, capsys):
    path = write(tmp_path / "oracle.jsonl", [oracle(it) for it in gold])
    assert main(["eval", "--answers", str(path), "--json", "--k", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["k"] == 3 and data["n_items"] == len(gold)
    assert data["systems"][0]["overall"]["citation_recall"] == 1.0
    assert data["violations"] == []


def test_answers_match_by_id_and_missing_ones_are_reported(tmp_path, gold):
    rows = [dict(oracle(it), id=it.id, question="(asked differently)") for it in gold[1:]]
    run = run_eval(answers_path=write(tmp_path / "a.jsonl", rows), k=5)
    assert run.notes == [f"no answer for {gold[0].id}: {gold[0].question}"]
    missing = next(i for i in run.primary.items if i.id == gold[0].id)
    assert missing.problems[0] == "no answer in the file"
    assert missing.scores["clause_recall_at_k"] == 0.0


@pytest.mark.parametrize("content, message", [
    ("not json\n", "a.jsonl:1: not JSON"),
    ('{"question": "q", "answer": "a"}\n', "a.jsonl:1: field 'abstained'"),
])
def test_bad_answer_files_name_the_line(tmp_path, capsys, content, message):
    path = tmp_path / "a.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["eval", "--answers", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_files_are_user_errors(tmp_path, capsys):
    assert main(["eval", "--answers", str(tmp_path / "none.jsonl")]) == 2
    assert "answers file" in capsys.readouterr().err
    assert main(["eval", "--gold", str(tmp_path / "none.jsonl")]) == 2
    assert "gold file" in capsys.readouterr().err


class FakeAssistant:
    """Answers from the oracle, except that it invents a marker for one item."""

    def __init__(self, gold: list[GoldItem]):
        self.by_question = {it.question: it for it in gold}
        self.asked: list[tuple[str, list[str] | None]] = []

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        self.asked.append((question, history))
        data = oracle(self.by_question[question])
        if question == "领导小组组长是谁？":
            data["answer"] += "[9]"
        if question == "副组长呢？":
            raise RuntimeError("index went away")
        return Answer.model_validate(data)


def test_assistant_path_scores_dangling_marker_and_passes_history(tmp_path, gold):
    fake = FakeAssistant(gold)
    run = run_eval(k=5, baselines=False, assistant=fake)
    assert run.primary.name == "assistant"
    item = next(i for i in run.primary.items if i.question == "领导小组组长是谁？")
    assert item.problems == ["markers point at no citation: [9]"]
    crashed = next(i for i in run.primary.items if i.question == "副组长呢？")
    assert crashed.problems[:2] == ["raised RuntimeError: index went away",
                                    "none of the expected clauses in the top 5"]
    n = len(gold)
    assert run.primary.overall["dangling_marker_rate"] == pytest.approx(1 / n)
    scored = sum(bool(it.expected_clause_ids) for it in gold)
    assert run.primary.overall["clause_recall_at_k"] == pytest.approx((scored - 1) / scored)
    assert run.violations == [f"dangling_marker_rate = {1 / n:.3f} > 0.0"]
    assert ("那股权收购呢？", ["白名单企业收购土地厂房有什么补助？"]) in fake.asked
    assert all(i.latency_s is not None for i in run.primary.items)


def test_report_lists_failures_and_escapes_html(tmp_path):
    pytest.importorskip("matplotlib")
    from evals.report import write_report

    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text(
        '{"id": "x1", "question": "<script>alert(1)</script>组长是谁？", "kind": "annex", '
        '"expected_clause_ids": ["lzb-2024-22:a1.leader"], "expected_facts": ["王程"]}\n'
        '{"id": "x2", "question": "明天下雨吗？", "kind": "out_of_scope", "must_abstain": true}\n',
        encoding="utf-8")
    answers = write(tmp_path / "ans.jsonl", [
        {"question": "<script>alert(1)</script>组长是谁？", "answer": "组长是王程[1]。", "abstained": False,
         "citations": [], "tool_calls": []},
        {"question": "明天下雨吗？", "answer": "不清楚。", "abstained": True, "citations": [], "tool_calls": []},
    ])
    run = run_eval(gold_path=gold_file, answers_path=answers, k=5)
    assert run.thresholds.min == {}  # no thresholds.toml beside this gold file
    paths = write_report(run, tmp_path / "report")
    md = paths["markdown"].read_text(encoding="utf-8")
    page = paths["html"].read_text(encoding="utf-8")
    assert "## Failures: ans (1 of 2)" in md
    assert "markers point at no citation: [1]" in md
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert {p.name for p in tmp_path.joinpath("report").iterdir()} == {
        "report.md", "report.html", "results.json", "per_kind.png", "systems.png", "latency.png"}
