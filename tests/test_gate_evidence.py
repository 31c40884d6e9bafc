"""The gate weighs evidence: coverage of the question by the clauses found, a strong dense
match, and explicit out-of-scope signals from the typed reading (no index needed)."""

import pytest

from assistant.corpus import load_manifest, parse_file, shipped_corpus_dir
from assistant.models import Clause
from assistant.retrieve.gate import Gate, GateSignals, GateThresholds
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import read_question
from assistant.understand.vocabulary import build_vocabulary

TEXT = "企业自用提高的容积率不增收土地价款。对以股权收购方式并购的，按不超过股权收购价格的10%给予补助。"


def clause(cid, text):
    return Clause(id=f"d:{cid}", doc_id="d", kind="item", label=cid, text=text, own_text=text, source="d.txt", order=0)


@pytest.fixture(scope="module")
def shipped():
    meta = next(m for m in load_manifest() if m.id == "lzb-2024-22")
    clauses = parse_file(shipped_corpus_dir() / "lzb-2024-22.pdf", meta)
    return clauses, build_vocabulary(clauses, [meta])


def test_coverage_is_the_share_of_the_subject_the_best_clauses_hold():
    gate = Gate(TEXT, GateThresholds(0.5, 0.0, 1.01, 0.35))
    hits = [Hit(clause=clause("a", "企业自用提高的容积率不增收土地价款。"), score=1.0)]
    s = gate.signals("股权收购有补助吗", dense_top=0.9, hits=hits)
    assert s.coverage == 0.0  # the corpus holds 股权/收购/补助, but not the clause retrieval found
    assert gate.abstain(s) == "检索到的条款没有谈到问题的主要内容"
    hits = [Hit(clause=clause("b", TEXT.split("。")[1]), score=1.0)]
    s = gate.signals("股权收购有补助吗", dense_top=0.9, hits=hits)
    assert s.coverage == 1.0
    assert gate.abstain(s) is None


def test_one_content_word_is_too_little_to_judge_coverage_by():
    gate = Gate(TEXT, GateThresholds(0.5, 0.0, 1.01, 0.35))
    hits = [Hit(clause=clause("a", "企业自用提高的容积率不增收土地价款。"), score=1.0)]
    assert gate.signals("补助呢", dense_top=0.9, hits=hits).coverage == 1.0


def test_a_strong_dense_match_outweighs_missing_everyday_words():
    s = GateSignals(unsupported=0.8, unsupported_words=["付钱"], unknown_places=[], dense_top=0.93,
                    has_chinese=True, coverage=0.2)
    assert Gate("", GateThresholds(0.5, 0.7, 0.92, 0.35)).abstain(s) is None
    assert Gate("", GateThresholds(0.5, 0.7, 0.95, 0.35)).abstain(s) == "问题的主要内容在现有文件中找不到对应的规定"


def test_a_year_outside_the_documents_period_is_out_of_scope(shipped):
    clauses, vocab = shipped
    gate = Gate("".join(c.text for c in clauses), GateThresholds(0.5, 0.0))
    hits = [Hit(clause=clauses[5], score=1.0)]
    reading = read_question("2027年北仑低效用地改造的目标是多少亩", vocab)
    s = gate.signals(reading.asking, dense_top=0.9, hits=hits, reading=reading, vocab=vocab)
    assert s.years_outside == [2027]
    assert gate.abstain(s) == "仑政办〔2024〕22号适用于2024年至2026年，没有关于2027年的规定"
    # A year inside the period, or one only in the background, is no reason to decline.
    for q in ("2025年北仑低效用地改造的目标是多少亩", "一块出让到2045年，一块到2052年，新的出让终止期是哪年"):
        reading = read_question(q, vocab)
        assert gate.signals(reading.asking, 0.9, hits=hits, reading=reading, vocab=vocab).years_outside == []


def test_named_documents_and_places_not_held_come_first(shipped):
    clauses, vocab = shipped
    gate = Gate("".join(c.text for c in clauses), GateThresholds(0.5, 0.0))
    hits = [Hit(clause=clauses[5], score=1.0)]
    reading = read_question("《宁波市工业用地管理办法》里的出让年限是多少", vocab)
    s = gate.signals(reading.asking, 0.9, hits=hits, reading=reading, vocab=vocab)
    assert gate.abstain(s) == "现有文件中没有《宁波市工业用地管理办法》"
    reading = read_question("镇海区的低效工业用地整治有什么补贴", vocab)
    s = gate.signals(reading.asking, 0.9, hits=hits, reading=reading, vocab=vocab)
    assert gate.abstain(s) == "现有文件未涉及“镇海区”"
