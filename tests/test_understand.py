"""The bridge from everyday words to policy language, and the gate that uses it."""

import pytest

from assistant.retrieve.gate import Gate, GateThresholds
from assistant.understand.lexicon import Lexicon, default_lexicon, near_miss

LEX = Lexicon.from_toml('[bridge]\n"出让金" = ["土地价款"]\n"土地出让金" = ["土地价款", "出让收入"]\n'
                        '"电价" = ["电费"]\n')


def test_expand_prefers_the_longest_everyday_word():
    assert LEX.expand("要不要补交土地出让金") == ["土地价款", "出让收入"]


def test_expand_skips_terms_the_question_already_has():
    assert LEX.expand("电价和电费") == []


@pytest.mark.parametrize("word, corpus, held", [
    ("出让金", "不增收土地价款", True),
    ("出让金", "不增收土地款", False),
    ("电价", "差别化电费", True),
])
def test_supported_needs_a_policy_term_in_the_corpus(word, corpus, held):
    assert LEX.supported(word, corpus) is held


@pytest.mark.parametrize("word, held", [("容级率", True), ("容积率", True), ("建筑率", False), ("容级", False)])
def test_near_miss_allows_one_character(word, held):
    assert near_miss(word, "容积率能高则高") is held


def test_shipped_lexicon_loads_and_bridges_common_words():
    lex = default_lexicon()
    assert "土地价款" in lex.terms_for("出让金")
    assert "罚款" in lex.terms_for("罚多少钱")


def test_gate_counts_bridged_words_and_typos_as_supported():
    gate = Gate("企业自用提高的容积率不增收土地价款。实行差别化电费。", GateThresholds(0.5, 0.0))
    s = gate.signals("容级率提高了要不要补交土地出让金", dense_top=0.9)
    assert s.unsupported_words == []
    assert gate.abstain(s) is None


def test_gate_refusal_names_no_tokens():
    gate = Gate("企业自用提高的容积率不增收土地价款。", GateThresholds(0.5, 0.0))
    s = gate.signals("人才购房公积金补贴", dense_top=0.9)
    reason = gate.abstain(s)
    assert reason is not None
    assert not any(w in reason for w in s.unsupported_words)


def test_unknown_place_reason_names_the_place_not_the_corpus():
    gate = Gate("北仑区推进低效工业用地整治。", GateThresholds(0.5, 0.0))
    reason = gate.abstain(gate.signals("镇海区低效工业用地整治", dense_top=0.9))
    assert reason == "现有文件未涉及“镇海区”"


@pytest.mark.slow
def test_closed_pipe_ends_without_a_traceback(built_home, tmp_path):
    """`ask --batch … | head -c 100` stops quietly (exit 141) instead of a BrokenPipeError."""
    import os
    import subprocess
    import sys

    batch = tmp_path / "q.txt"
    batch.write_text("兼并收购有什么补助？\n" * 200, encoding="utf-8")  # far more than a pipe buffer holds
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(built_home)}
    proc = subprocess.run(f"'{sys.executable}' -m assistant.cli ask --json --batch '{batch}' | head -c 100",
                          shell=True, capture_output=True, text=True, timeout=300, env=env)
    assert proc.stdout.startswith("{")
    assert "Traceback" not in proc.stderr, proc.stderr[-500:]


def test_short_clause_id_is_accepted_when_unambiguous():
    from assistant.corpus import get_clause
    from assistant.errors import ClauseNotFoundError
    from assistant.models import Clause

    def clause(cid):
        doc, _ = cid.split(":")
        return Clause(id=cid, doc_id=doc, kind="article", label=cid, text="x", own_text="x", source="f", order=0)

    clauses = {c: clause(c) for c in ("a:art1", "a:art2", "b:art2")}
    assert get_clause("art1", clauses).id == "a:art1"
    with pytest.raises(ClauseNotFoundError, match="a:art2, b:art2"):
        get_clause("art2", clauses)
    with pytest.raises(ClauseNotFoundError, match="no clause has id 'art9'"):
        get_clause("art9", clauses)


@pytest.mark.parametrize("question", ["😀😀😀", "……", "None", "../../etc/passwd", "？？？！！。。", "보조금은 얼마입니까"])
def test_questions_without_content_abstain(question):
    gate = Gate("企业自用提高的容积率不增收土地价款。", GateThresholds(0.5, 0.0))
    assert gate.abstain(gate.signals(question, dense_top=0.99)) == "问题中没有可以检索的内容，请用中文写明要问的政策事项"


def test_an_english_question_is_still_weighed_by_dense_similarity():
    gate = Gate("企业自用提高的容积率不增收土地价款。", GateThresholds(0.5, 0.8))
    assert gate.abstain(gate.signals("What is the plot ratio rule?", dense_top=0.9)) is None
