"""The finaliser on hand-made answers (exact outputs) and through Assistant.ask on the real index."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answer.extractive import abstain
from assistant.answer.finalise import figures, finalise, unsupported_figures
from assistant.corpus import clause_map, load_manifest
from assistant.models import Answer, Citation, Clause, ToolCall

DOC = "lzb-2024-22:"
Q = "兼并收购有什么补助？"


@pytest.fixture(scope="module")
def clauses() -> dict[str, Clause]:
    return clause_map()


@pytest.fixture(scope="module")
def docs():
    return load_manifest()


def cite(clauses, cid: str) -> Citation:
    c = clauses[DOC + cid]
    return Citation(id=c.id, label=c.label, text=c.text, source=c.source, page=c.page, score=0.5)


def test_a_sound_answer_passes_unchanged(clauses) -> None:
    text = "对以股权收购方式并购的，经备案认可且提交区政府常务会议审定后，按不超过股权收购价格的10%给予补助[1]。"
    a = Answer(question=Q, answer=text, abstained=False, citations=[cite(clauses, "s6.6")])
    out = finalise(a, clauses)
    assert (out.answer, out.notes, out.changed) == (a, [], False)


def test_dangling_markers_are_removed_and_noted(clauses) -> None:
    a = Answer(question=Q, answer="按照国有土地征收实际评估价给予30%的补助[1][3]。\n\n依据：\n[2] 另见", abstained=False,
               citations=[cite(clauses, "s6.6")])
    out = finalise(a, clauses)
    assert out.answer.answer == "按照国有土地征收实际评估价给予30%的补助[1]。\n\n依据：\n 另见"
    assert out.notes == ["删除了无对应引文的标记：[2]、[3]"]


def test_a_sentence_with_a_figure_from_nowhere_is_dropped(clauses) -> None:
    a = Answer(question=Q, answer="按照国有土地征收实际评估价给予30%的补助[1]。另可获得50%的奖励[1]。", abstained=False,
               citations=[cite(clauses, "s6.6")])
    out = finalise(a, clauses)
    assert out.answer.answer == "按照国有土地征收实际评估价给予30%的补助[1]。"
    assert out.notes == ["删除了一句无依据的数字（50%）：另可获得50%的奖励[1]。"]


def test_a_date_must_be_in_a_cited_clause(clauses) -> None:
    a = Answer(question="什么时候印发的？", answer="本文件于2024年3月27日印发[1]。一说2025年1月1日印发[1]。",
               abstained=False, citations=[cite(clauses, "colophon")])
    out = finalise(a, clauses)
    assert out.answer.answer == "本文件于2024年3月27日印发[1]。"
    assert out.notes == ["删除了一句无依据的数字（2025年1月1日）：一说2025年1月1日印发[1]。"]


def test_no_citation_becomes_an_abstention(clauses, docs) -> None:
    a = Answer(question=Q, answer="可以获得补助。", abstained=False, citations=[])
    out = finalise(a, clauses, docs)
    assert out.answer == abstain(Q, "回答没有可引用的条款依据", ["仑政办〔2024〕22号"]).model_copy(
        update={"notes": ["改为拒答：回答没有可引用的条款依据"]})
    assert out.notes == out.answer.notes


def test_nothing_left_becomes_an_abstention(clauses, docs) -> None:
    a = Answer(question=Q, answer="补助为评估价的45%[1]。\n\n依据：", abstained=False, citations=[cite(clauses, "s6.6")])
    out = finalise(a, clauses, docs)
    assert out.answer.model_copy(update={"notes": []}) == abstain(Q, "回答中的内容无法在所引条款中核实", ["仑政办〔2024〕22号"])
    assert out.notes == out.answer.notes == ["删除了一句无依据的数字（45%）：补助为评估价的45%[1]。",
                         "改为拒答：回答中的内容无法在所引条款中核实"]


def test_a_citation_not_in_the_index_is_removed_and_markers_renumbered(clauses) -> None:
    ghost = Citation(id="lzb-2024-22:s99", label="不存在", text="不存在的条款", source="x.pdf")
    a = Answer(question=Q, answer="甲[1]。乙[2]。", abstained=False, citations=[ghost, cite(clauses, "s6.6")])
    out = finalise(a, clauses)
    assert out.answer.answer == "甲。乙[1]。"
    assert [c.id for c in out.answer.citations] == [DOC + "s6.6"]
    assert out.notes == ["引文[1]（lzb-2024-22:s99）不是索引中的条款：已移除"]


def test_an_abstention_carries_no_citation(clauses) -> None:
    a = Answer(question=Q, answer="现有文件不涉及这个问题。", abstained=True, citations=[cite(clauses, "s6.6")])
    out = finalise(a, clauses)
    assert (out.answer.citations, out.notes) == ([], ["拒答不应附带引文：已移除引文"])


def _equity_call(clause_id: str) -> ToolCall:
    return ToolCall(name="equity_acquisition_subsidy", arguments={"price_yuan": "120000000"},
                    result={"max_subsidy_yuan": "12000000.00", "rate_pct": "10", "clause_id": clause_id})


def test_a_tool_result_gets_its_rule_cited(clauses) -> None:
    text = "按股权收购价格1.2亿元计算，补助最多为1200万元（不超过股权收购价格的10%）。\n计算：120000000元 × 10% = 12,000,000元"
    a = Answer(question="股权收购价格是1.2亿元，最多补助多少？", answer=text, abstained=False,
               tool_calls=[_equity_call(DOC + "s6.6")])
    out = finalise(a, clauses)
    assert out.answer.answer == ("按股权收购价格1.2亿元计算，补助最多为1200万元（不超过股权收购价格的10%）[1]。\n"
                                 "计算：120000000元 × 10% = 12,000,000元")
    assert [c.id for c in out.answer.citations] == [DOC + "s6.6"]
    assert out.notes == ["补充了计算工具equity_acquisition_subsidy的规则条款引文：仑政办〔2024〕22号 六、政策举措（六）支持兼并收购"]


def test_a_tool_result_whose_rule_is_not_indexed_abstains(clauses, docs) -> None:
    a = Answer(question="股权收购价格是1.2亿元，最多补助多少？", answer="补助最多为1200万元。", abstained=False,
               tool_calls=[_equity_call("other-doc:s1")])
    out = finalise(a, clauses, docs)
    reason = "计算工具equity_acquisition_subsidy的规则条款other-doc:s1不在已收录的文件中，无法给出有依据的计算结果"
    assert out.answer.abstained and out.answer.answer == abstain(a.question, reason, ["仑政办〔2024〕22号"]).answer
    assert out.answer.citations == [] and out.answer.tool_calls == a.tool_calls


def test_a_wrong_tool_figure_is_dropped(clauses) -> None:
    a = Answer(question="股权收购价格是1.2亿元，最多补助多少？", abstained=False,
               answer="按股权收购价格1.2亿元计算，补助最多为1200万元[1]。另有奖励300万元[1]。",
               citations=[cite(clauses, "s6.6")], tool_calls=[_equity_call(DOC + "s6.6")])
    out = finalise(a, clauses)
    assert out.answer.answer == "按股权收购价格1.2亿元计算，补助最多为1200万元[1]。"
    assert out.notes == ["删除了一句无依据的数字（300万）：另有奖励300万元[1]。"]


def test_list_numbers_and_ordinals_are_not_figures(clauses) -> None:
    text = ("相关政策如下：\n1. 按照国有土地征收实际评估价给予30%的补助[1]。\n2、（3）第5宗按不超过股权收购价格的10%给予补助[1]。")
    a = Answer(question=Q, answer=text, abstained=False, citations=[cite(clauses, "s6.6")])
    assert finalise(a, clauses).notes == []


def test_a_rule_free_calculation_needs_no_citation(clauses) -> None:
    call = ToolCall(name="convert_money", arguments={"amount": "1.2", "unit": "亿元"},
                    result={"yuan": "120000000", "wan_yuan": "12000"})
    a = Answer(question="1.2亿元是多少万元？", answer="1.2亿元 = 12000万元 = 120000000元。", abstained=False,
               tool_calls=[call])
    assert (finalise(a, clauses).answer, finalise(a, clauses).notes) == (a, [])
    wrong = a.model_copy(update={"answer": "1.2亿元 = 1200万元。"})
    out = finalise(wrong, clauses)
    assert out.answer.abstained and out.notes[-1] == "改为拒答：回答中的内容无法在所引条款中核实"


def test_a_figure_from_the_question_is_allowed(clauses) -> None:
    a = Answer(question="评估价2000万能补多少？", abstained=False,
               answer="评估价2000万元的补助比例为30%[1]。", citations=[cite(clauses, "s6.6")])
    assert finalise(a, clauses).notes == []


@pytest.mark.parametrize(("text", "source", "bad"), [
    ("补助1200万元", "12000000", []),
    ("补助1,200万元", "max 12000000.00", []),
    ("比例为10%", "0.1", []),
    ("比例为１０％", "10%", []),
    ("2026年12月31日前", "2026-12-31", []),
    ("2026年12月前", "2026年12月31日", []),
    ("2026年11月30日前", "2026年12月31日", ["2026年11月30日"]),
    ("面积1.5亩", "1.50亩", []),
    ("面积15亩", "1.5亩", ["15"]),
])
def test_figures_compare_by_value(text: str, source: str, bad: list[str]) -> None:
    assert unsupported_figures(text, figures(source, loose=True)) == bad


def test_validity_note_is_added_after_the_check(clauses, docs) -> None:
    text = "按照国有土地征收实际评估价给予30%的补助[1]。"
    a = Answer(question=Q, answer=text, abstained=False, citations=[cite(clauses, "s6.6")])
    out = finalise(a, clauses, docs, today=date(2027, 1, 1))
    note = ("注：《北仑区加快低效工业用地综合整治推动产业集聚提质提能攻坚行动方案（2024-2026年）》（仑政办〔2024〕22号）"
            "的有效期至2026年12月31日，按今天（2027年1月1日）已失效，以上内容仅供参考，请以现行政策为准。")
    assert out.answer.answer == text + "\n\n" + note
    assert out.notes == ["有效性：" + note] and not out.changed
    assert finalise(a, clauses, docs, today=date(2026, 6, 1)).answer.answer == text


# -- through Assistant.ask on the real index ---------------------------------------------

@pytest.mark.parametrize("question", [
    "兼并收购有什么补助？",
    "大碶街道的涉企用地任务是多少亩？",
    "容积率有什么要求？",
    "领导小组组长是谁？",
])
def test_real_answers_pass_the_finaliser_unchanged(assistant, question: str) -> None:
    """What Assistant.ask returns is already final: a second pass changes nothing."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations
    again = finalise(answer, assistant.index.clauses(), assistant.documents(), assistant.settings.clock())
    assert [n for n in again.notes if not n.startswith("有效性")] == []
    for n in range(1, len(answer.citations) + 1):
        assert f"[{n}]" in answer.answer or answer.tool_calls


def test_ask_on_an_expired_plan_says_so(built_home) -> None:
    from assistant.config import Settings
    from assistant.core import Assistant

    late = Assistant(Settings.from_env(home=built_home, today=date(2027, 1, 1)), auto_ingest=False)
    answer = late.ask("兼并收购有什么补助？")
    assert answer.answer.endswith("按今天（2027年1月1日）已失效，以上内容仅供参考，请以现行政策为准。")
    early = Assistant(Settings.from_env(home=built_home, today=date(2025, 6, 1)), auto_ingest=False)
    assert "已失效" not in early.ask("兼并收购有什么补助？").answer
    # A year outside the period, asked of an answer that rests on the plan.
    plain = early.ask("兼并收购有什么补助？")
    asked = plain.model_copy(update={"question": "2027年兼并收购还有补助吗？", "notes": []})
    out = finalise(asked, early.index.clauses(), early.documents(), early.settings.clock())
    note = ("注：问题所问的2027年不在《北仑区加快低效工业用地综合整治推动产业集聚提质提能攻坚行动方案（2024-2026年）》"
            "（仑政办〔2024〕22号）的有效期（2024年1月1日至2026年12月31日）内。")
    assert out.answer.answer == plain.answer + "\n\n" + note
    assert out.answer.notes == out.notes == ["有效性：" + note]
