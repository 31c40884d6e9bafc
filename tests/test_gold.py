"""The shipped gold set: every item valid, every clause id real, every clause covered."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from assistant.corpus import clause_map
from assistant.errors import ConfigError
from evals.gold import DEFAULT_GOLD, GoldItem, load_gold, load_thresholds

DOC = "lzb-2024-22:"


@pytest.fixture(scope="module")
def gold() -> list[GoldItem]:
    return load_gold()


@pytest.fixture(scope="module")
def clauses():
    return clause_map()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_line_validates_against_the_strict_model():
    lines = [ln for ln in DEFAULT_GOLD.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for line in lines:
        GoldItem.model_validate(json.loads(line))
    assert len(lines) == len(load_gold())


def test_size_and_abstentions(gold):
    assert len(gold) >= 150
    assert sum(item.must_abstain for item in gold) >= 20
    assert len({item.id for item in gold}) == len(gold)


@pytest.mark.parametrize("variant", ["plain", "paraphrase", "typo", "traditional",
                                     "colloquial", "english", "followup"])
def test_every_variant_is_present(gold, variant):
    assert Counter(item.variant for item in gold)[variant] >= 3


def test_every_expected_clause_id_exists(gold, clauses):
    missing = sorted({(item.id, cid) for item in gold for cid in item.expected_clause_ids
                      if cid not in clauses})
    assert missing == []


def _covered(gold) -> set[str]:
    return {cid for item in gold for cid in item.expected_clause_ids}


@pytest.mark.parametrize("pattern", [
    r"s\d",                  # sections
    r"s\d\.\d+",             # items
    r"s\d\.\d+\.\d",         # points 一是/二是/三是
    r"a1\.d\d+",             # Annex 1 duties
    r"a1\.m\d+",             # Annex 1 members
    r"a2\.r\d+",             # Annex 2 rows
    r"notice|preamble|attachments|colophon|a1|a1\.leader|a1\.deputy|a1\.office|a1\.closing|a2",
])
def test_every_clause_of_each_kind_is_covered(gold, clauses, pattern):
    ids = {cid for cid in clauses if re.fullmatch(DOC + f"(?:{pattern})", cid)}
    assert ids, pattern
    assert sorted(ids - _covered(gold)) == []


def test_expected_members_duties_and_rows_are_complete(gold):
    covered = _covered(gold)
    assert {f"{DOC}a1.m{n}" for n in range(1, 36)} <= covered
    assert {f"{DOC}a1.d{n}" for n in range(1, 19)} <= covered
    assert {f"{DOC}a2.r{n}" for n in range(1, 14)} <= covered


def test_every_annex2_column_is_asked(gold, clauses):
    columns = clauses[DOC + "a2.r1"].table.columns
    asked = " ".join(item.question for item in gold if item.kind in ("table", "calc"))
    # Each column is asked by a distinctive part of its header.
    probes = ["改造提升几个老旧工业区块", "涉企用地", "容积率提升项目", "新增竣工建筑面积",
              "帮扶提升", "散乱污", "绿色工厂", "亩均税增长率"]
    assert len(probes) == len(columns)
    assert [p for p in probes if p not in asked] == []


def test_every_calculator_has_an_item(gold):
    from evals.gold import CALCULATOR_NAMES, TABLE_OPERATIONS

    expected = {item.expected_tool for item in gold}
    assert CALCULATOR_NAMES - expected == set()
    assert expected & TABLE_OPERATIONS == {"table_cell", "table_progress", "table_totals"}


def test_facts_of_clause_items_are_in_an_expected_clause(gold, clauses):
    # Calculator results and English items aside, a fact is quoted from the clauses.
    wrong = []
    for item in gold:
        if item.expected_tool or not item.expected_clause_ids:
            continue
        text = "".join(_norm(clauses[c].text) for c in item.expected_clause_ids if c in clauses)
        wrong += [(item.id, fact) for fact in item.expected_facts if _norm(fact) not in text]
    assert wrong == []


def test_followups_carry_history_and_abstentions_expect_nothing(gold):
    for item in gold:
        if item.kind == "followup":
            assert item.history and item.variant == "followup"
        if item.must_abstain:
            assert item.kind == "out_of_scope"
            assert not item.expected_clause_ids and not item.expected_facts


@pytest.mark.parametrize("line, field", [
    ('{"id": "x", "question": "q", "kind": "clause", "expected_clause_ids": ["a"], "extra": 1}', "extra"),
    ('{"id": "x", "question": "q", "kind": "weather", "expected_clause_ids": ["a"]}', "kind"),
    ('{"id": "x", "question": "q", "kind": "out_of_scope", "must_abstain": true, "expected_facts": ["1"]}', "item"),
    ('{"id": "x", "question": "q", "kind": "calc", "expected_tool": "nope"}', "item"),
    ('{"id": "x", "question": "q", "kind": "followup", "variant": "followup", "expected_clause_ids": ["a"]}', "item"),
    ('{"id": "x", "question": "q", "kind": "calc", "expected_tool": "tax_per_mu", "expected_result": {"v": " "}}', "item"),
])
def test_invalid_items_are_rejected_naming_the_field(tmp_path, line, field):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"bad.jsonl:1: field '{field}'"):
        load_gold(path)


def test_duplicate_ids_are_rejected(tmp_path):
    line = '{"id": "x", "question": "q", "kind": "clause", "expected_clause_ids": ["a"]}\n'
    path = tmp_path / "dup.jsonl"
    path.write_text(line * 2, encoding="utf-8")
    with pytest.raises(ConfigError, match="dup.jsonl:2: duplicate id 'x'"):
        load_gold(path)


def test_thresholds_load_with_both_directions():
    thresholds = load_thresholds()
    assert thresholds.min["clause_recall_at_k"] > 0
    assert thresholds.max["dangling_marker_rate"] == 0.0
    assert thresholds.violations({"clause_recall_at_k": 0.0, "dangling_marker_rate": 0.5}) == [
        f"clause_recall_at_k = 0.000 < {thresholds.min['clause_recall_at_k']}",
        f"dangling_marker_rate = 0.500 > {thresholds.max['dangling_marker_rate']}",
    ]
