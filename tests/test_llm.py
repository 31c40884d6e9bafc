"""The model answer mode against a scripted OpenAI-compatible server on loopback.

Every adversarial draft must be caught: invented markers, a marker past the end, a quote
not in the clause, a wrong subsidy figure, a figure from no tool, a tool call with bad
arguments; an out-of-scope question never reaches the model; malformed JSON, a stream cut
in the middle, a stall, an HTTP error, a refusal and an endpoint that is down all give the
extractive answer with a one-line note.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import DOC
from llm_server import ScriptedLLM, clause_number

from assistant.answer.cite import MARKER_RE
from assistant.config import Settings
from assistant.core import Assistant
from assistant.corpus import clause_map
from assistant.llm.config import LLMConfig

S66 = DOC + "s6.6"
MERGER = "兼并收购有什么补助？"
EQUITY = "股权收购价格是1.2亿元，最多补助多少？"
# Long enough for a loaded machine to answer a scripted reply, short enough for the stall test.
TIMEOUT_S = 8
GOOD = "对以市场价自愿成功交易的宗地项目，按照国有土地征收实际评估价给予30%的补助"


@pytest.fixture(scope="module")
def server():
    with ScriptedLLM() as srv:
        yield srv


@pytest.fixture(scope="module")
def llm_assistant(built_home: Path, server: ScriptedLLM) -> Assistant:
    config = LLMConfig(url=server.url, model="scripted", api_key="sk-test-secret-123",
                       timeout_s=TIMEOUT_S)
    return Assistant(Settings.from_env(home=built_home), auto_ingest=False, llm=config)


@pytest.fixture(autouse=True)
def _fresh(server: ScriptedLLM):
    server.reset()
    yield
    server.reset()


def _draft(*sentences: str):
    """A reply function: sentences with ``{n}`` replaced by the number s6.6 has in the prompt."""
    def reply(body):
        n = clause_number(body, S66)
        assert n, "s6.6 must be among the clauses given to the model"
        return {"text": "".join(s.replace("{n}", str(n)) for s in sentences)}
    return reply


def _only_s66(answer) -> None:
    assert [c.id for c in answer.citations] == [S66]
    assert answer.citations[0].text == clause_map()[S66].text
    assert {int(m) for m in MARKER_RE.findall(answer.answer)} == {1}


def test_a_checked_draft_is_kept_and_renumbered(llm_assistant, server) -> None:
    server.queue(_draft(f"{GOOD}[{{n}}]。", "以股权收购方式并购的，按不超过股权收购价格的10%给予补助[{n}]。"))
    answer = llm_assistant.ask(MERGER)
    assert answer.abstained is False
    assert answer.answer == f"{GOOD}[1]。以股权收购方式并购的，按不超过股权收购价格的10%给予补助[1]。"
    _only_s66(answer)
    assert answer.notes == []
    assert len(server.requests) == 1
    body = server.requests[0]["body"]
    assert body["model"] == "scripted"
    assert {t["function"]["name"] for t in body["tools"]} >= {"equity_acquisition_subsidy", "convert_money"}
    assert MERGER in body["messages"][-1]["content"]


@pytest.mark.parametrize("bad, problem", [
    ("另外可申请人才奖励[s6.6]。", "[s6.6]"),                      # an invented marker
    ("另外可申请人才奖励[99]。", "[99]"),                          # a marker past the end
    ("另外可申请人才奖励【来源：附件】。", "【来源：附件】"),        # an invented marker of another shape
    ("\n另外还可以申请人才奖励。", "没有引文标记"),                  # a paragraph citing nothing
    ("文件规定「按评估价的50%给予补助」[{n}]。", "引语"),          # a quote not in the clause
    ("按照实际评估价给予20%的补助[{n}]。", "20%"),                 # a wrong subsidy figure
    ("收购价1亿元的项目可获得1000万元补助[{n}]。", "1亿"),          # figures from no tool
    ("依据《宁波市工业用地管理办法》执行[{n}]。", "宁波市工业用地管理办法"),  # an invented document
])
def test_a_failing_sentence_is_removed_and_noted(llm_assistant, server, bad: str, problem: str) -> None:
    server.queue(_draft(f"{GOOD}[{{n}}]。", "以股权收购方式并购的，按不超过股权收购价格的10%给予补助[{n}]。", bad))
    answer = llm_assistant.ask(MERGER)
    assert answer.answer == f"{GOOD}[1]。以股权收购方式并购的，按不超过股权收购价格的10%给予补助[1]。"
    _only_s66(answer)
    assert len(answer.notes) == 1
    assert answer.notes[0].startswith("删去一句（") and problem in answer.notes[0]


def test_a_quote_with_an_ellipsis_and_markers_written_otherwise_pass(llm_assistant, server) -> None:
    server.queue(_draft("条款写明「对以股权收购方式并购的……按不超过股权收购价格的10%给予补助」。［{n}］"))
    answer = llm_assistant.ask(MERGER)
    assert answer.answer == "条款写明「对以股权收购方式并购的……按不超过股权收购价格的10%给予补助」。[1]"
    _only_s66(answer)


def test_a_tool_call_runs_the_real_calculator(llm_assistant, server) -> None:
    server.queue({"tool": "equity_acquisition_subsidy", "arguments": '{"price_yuan": "50000000"}'},
                 _draft("股权收购价格5000万元时，最多补助500万元[{n}]。"))
    answer = llm_assistant.ask(MERGER)
    assert [(c.name, c.arguments, c.result["max_subsidy_yuan"], c.error) for c in answer.tool_calls] == [
        ("equity_acquisition_subsidy", {"price_yuan": "50000000"}, "5000000", None)]
    assert answer.answer == "股权收购价格5000万元时，最多补助500万元[1]。"
    _only_s66(answer)
    tool_msg = server.requests[1]["body"]["messages"][-1]
    assert tool_msg["role"] == "tool" and '"max_subsidy_yuan": "5000000"' in tool_msg["content"]


@pytest.mark.parametrize("arguments, error", [
    ('{"price_yuan": "很多"}', "price_yuan"),
    ('{"price_yuan": 5000', "不是有效的 JSON"),
])
def test_a_tool_call_with_bad_arguments_supports_no_figure(llm_assistant, server, arguments: str,
                                                           error: str) -> None:
    server.queue({"tool": "equity_acquisition_subsidy", "arguments": arguments},
                 _draft(f"{GOOD}[{{n}}]。", "按5000万元计算，最多补助500万元[{n}]。"))
    answer = llm_assistant.ask(MERGER)
    assert len(answer.tool_calls) == 1
    call = answer.tool_calls[0]
    assert call.name == "equity_acquisition_subsidy" and call.result is None and error in call.error
    tool_msg = server.requests[1]["body"]["messages"][-1]
    assert tool_msg["role"] == "tool" and '"error"' in tool_msg["content"]
    assert answer.answer == f"{GOOD}[1]。"
    assert "5000万" in answer.notes[0]


def test_the_calculator_result_of_the_question_may_be_stated(llm_assistant, server) -> None:
    server.queue(_draft("股权收购价格1.2亿元，按不超过10%计算，最多补助1200万元[{n}]。"))
    answer = llm_assistant.ask(EQUITY)
    assert answer.answer == "股权收购价格1.2亿元，按不超过10%计算，最多补助1200万元[1]。"
    assert [c.name for c in answer.tool_calls] == ["equity_acquisition_subsidy"]
    assert answer.tool_calls[0].result["max_subsidy_yuan"] == "12000000"
    assert "计算工具已算出" in server.requests[0]["body"]["messages"][-1]["content"]
    _only_s66(answer)


def test_a_wrong_calculation_is_removed(llm_assistant, server) -> None:
    server.queue(_draft("股权收购价格1.2亿元，最多补助1300万元[{n}]。"))
    default = llm_assistant.ask(EQUITY, llm=False)
    answer = llm_assistant.ask(EQUITY)
    assert answer.answer == default.answer
    assert answer.notes[0] == "未采用大模型的回答：大模型的回答只有 0% 通过引文与数字核对；以下为抽取式回答。"
    assert "1300万" in answer.notes[1]


@pytest.mark.parametrize("question", ["镇海区的人才政策是什么？", "明天会下雨吗？"])
def test_an_out_of_scope_question_never_reaches_the_model(llm_assistant, server, question: str) -> None:
    server.queue({"text": "镇海区人才补贴为每人10万元[1]。"})
    answer = llm_assistant.ask(question)
    assert answer.abstained is True and answer.citations == []
    assert server.requests == []


FAILURES = [
    ({"raw": b'{"id": "x", "choices": [{"message": '}, "不是有效的 JSON"),
    ({"raw": b"<html>502 Bad Gateway</html>"}, "不是有效的 JSON"),
    ({"status": 500}, "HTTP 500"),
    ({"refusal": "I can't help with that."}, "大模型拒绝回答"),
    ({"text": "抱歉，所给条款未涉及这个问题。"}, "大模型认为所给条款不能回答这个问题"),
    ({"text": ""}, "大模型没有给出回答"),
    ({"text": "补助很多，请咨询有关部门。"}, "只有 0% 通过"),
]


@pytest.mark.parametrize("reply, reason", FAILURES)
@pytest.mark.parametrize("stream", [False, True])
def test_a_failing_endpoint_gives_the_extractive_answer(llm_assistant, server, reply, reason: str,
                                                        stream: bool) -> None:
    default = llm_assistant.ask(MERGER, llm=False)
    server.queue(reply)
    tokens: list[str] = []
    answer = llm_assistant.ask(MERGER, on_token=tokens.append if stream else None)
    assert answer.model_dump(exclude={"notes"}) == default.model_dump(exclude={"notes"})
    if stream and "raw" in reply:  # a body with no event in it is no stream at all
        reason = "不是有效的流式数据"
    assert reason in answer.notes[0] and answer.notes[0].startswith("未采用大模型的回答：")
    assert "\n" not in answer.notes[0]
    assert server.requests[0]["body"].get("stream", False) is stream


@pytest.mark.parametrize("stream", [False, True])
def test_a_cut_reply_gives_the_extractive_answer(llm_assistant, server, stream: bool) -> None:
    default = llm_assistant.ask(MERGER, llm=False)
    server.queue({"cut": f"{GOOD}[1]。以股权收购方式"})
    tokens: list[str] = []
    answer = llm_assistant.ask(MERGER, on_token=tokens.append if stream else None)
    assert answer.answer == default.answer
    assert answer.notes == ["未采用大模型的回答：大模型的回复中途中断；以下为抽取式回答。"]
    if stream:
        assert "".join(tokens) == f"{GOOD}[1]。以股权收购方式"


@pytest.mark.parametrize("stream", [False, True])
def test_a_stalled_endpoint_is_abandoned_at_the_timeout(llm_assistant, server, stream: bool) -> None:
    default = llm_assistant.ask(MERGER, llm=False)
    server.queue({"stall": 30, "text": f"{GOOD}[1]。"})
    start = time.monotonic()
    answer = llm_assistant.ask(MERGER, on_token=(lambda t: None) if stream else None)
    assert time.monotonic() - start < TIMEOUT_S + 5
    assert answer.answer == default.answer
    assert answer.notes == [f"未采用大模型的回答：大模型接口在 {TIMEOUT_S} 秒内没有答完；以下为抽取式回答。"]


def test_an_endpoint_that_is_down(built_home: Path) -> None:
    from conftest import free_port

    config = LLMConfig(url=f"http://127.0.0.1:{free_port()}/v1", model="m", api_key="sk-down-secret", timeout_s=3)
    assistant = Assistant(Settings.from_env(home=built_home), auto_ingest=False, llm=config)
    answer = assistant.ask(MERGER)
    assert answer.abstained is False and answer.citations
    assert answer.notes == [f"未采用大模型的回答：无法连接大模型接口 {config.url}；以下为抽取式回答。"]
    assistant.reload()


def test_a_streamed_answer_passes_its_tokens_then_the_checked_text(llm_assistant, server) -> None:
    server.queue(_draft(f"{GOOD}[{{n}}]。", "另外按评估价的50%补助[{n}]。"))
    tokens: list[str] = []
    answer = llm_assistant.ask(MERGER, on_token=tokens.append)
    draft = "".join(tokens)
    assert len(tokens) > 3 and draft.startswith(GOOD) and "50%" in draft
    assert answer.answer == f"{GOOD}[1]。"
    assert "50%" in answer.notes[0]
    assert server.requests[0]["body"]["stream"] is True


def test_a_streamed_tool_call(llm_assistant, server) -> None:
    server.queue({"tool": "equity_acquisition_subsidy", "arguments": '{"price_yuan": "30000000"}'},
                 _draft("收购价格3000万元的，最多补助300万元[{n}]。"))
    answer = llm_assistant.ask(MERGER, on_token=lambda t: None)
    assert [(c.name, c.result["max_subsidy_yuan"]) for c in answer.tool_calls] == [
        ("equity_acquisition_subsidy", "3000000")]
    assert answer.answer == "收购价格3000万元的，最多补助300万元[1]。"


def test_the_key_is_sent_as_a_bearer_token_and_shown_nowhere(llm_assistant, server) -> None:
    server.queue({"status": 401})
    answer = llm_assistant.ask(MERGER)
    assert server.requests[0]["authorization"] == "Bearer sk-test-secret-123"
    assert "sk-test-secret-123" not in repr(llm_assistant.llm)
    assert "sk-test-secret-123" not in str(llm_assistant.llm)
    assert "sk-test-secret-123" not in answer.model_dump_json()


def test_no_llm_never_asks(llm_assistant, server) -> None:
    answer = llm_assistant.ask(MERGER, llm=False)
    assert server.requests == [] and answer.notes == []


def test_follow_up_history_reaches_the_model(llm_assistant, server) -> None:
    server.queue(_draft("股权收购的，按不超过股权收购价格的10%给予补助[{n}]。"))
    answer = llm_assistant.ask("那股权收购呢？", history=["收购厂房有什么补助？"])
    assert answer.answer == "股权收购的，按不超过股权收购价格的10%给予补助[1]。"
    assert "- 收购厂房有什么补助?\n" in server.requests[0]["body"]["messages"][-1]["content"]


def test_eval_llm_and_its_answers_file_are_scored_like_any_system(llm_assistant, server, tmp_path: Path) -> None:
    import json

    from evals.runner import run_eval

    gold = tmp_path / "gold.jsonl"
    items = [{"id": "m1", "question": MERGER, "kind": "clause", "expected_clause_ids": [S66],
              "expected_facts": ["30%"]},
             {"id": "o1", "question": "明天会下雨吗？", "kind": "out_of_scope", "must_abstain": True}]
    gold.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    server.queue(*[_draft(f"{GOOD}[{{n}}]。")] * 2)  # the untimed warm-up question, then m1
    run = run_eval(gold_path=gold, assistant=llm_assistant, llm=True, baselines=False)
    system = run.primary
    assert system.name == "assistant+llm"
    assert [(i.id, i.answer, i.cited_ids, i.abstained) for i in system.items] == [
        ("m1", f"{GOOD}[1]。", [S66], False), ("o1", system.items[1].answer, [], True)]
    assert system.overall["fully_correct"] == 1.0
    assert len(server.requests) == 2
    # The same answers written as a file (the contract with notes) score the same.
    server.queue(_draft(f"{GOOD}[{{n}}]。"))
    rows = [llm_assistant.ask(MERGER).model_dump(mode="json") | {"id": "m1"},
            llm_assistant.ask("明天会下雨吗？").model_dump(mode="json") | {"id": "o1"}]
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    again = run_eval(gold_path=gold, answers_path=answers, baselines=False)
    assert [(i.id, i.answer, i.cited_ids) for i in again.primary.items] == [
        (i.id, i.answer, i.cited_ids) for i in system.items]
    assert again.primary.overall["fully_correct"] == 1.0


def test_the_chat_tab_streams_the_draft_then_shows_the_checked_answer(llm_assistant, server) -> None:
    import gradio as gr

    from ui.service import AdminGate, UiService
    from ui.tab_chat import build

    service = UiService(llm_assistant, AdminGate("127.0.0.1", None))
    with gr.Blocks():
        tab = build(service)
    assert tab.option_names == ["llm"] and len(tab.option_inputs) == 1
    assert tab.option_inputs[0].value is True
    server.queue(_draft(f"{GOOD}[{{n}}]。", "另外按评估价的50%补助[{n}]。"))
    updates = list(tab.finish_streaming(MERGER, [], True))
    drafts = [u[1] for u in updates[:-1]]
    assert drafts and all("草稿（核对中）" in html for html in drafts)
    turns, html, _panel, pending = updates[-1]
    assert pending is None and "草稿" not in html
    assert turns[0]["answer"]["answer"] == f"{GOOD}[1]。"
    assert "核对说明" in html and "50%" in html
    assert server.requests[0]["body"]["stream"] is True
    server.reset()
    (turns, html, _panel, _pending), = list(tab.finish_streaming(MERGER, [], False))
    assert server.requests == [] and turns[0]["answer"]["notes"] == []


def test_a_server_without_tool_support_is_asked_again_without_tools(llm_assistant, server) -> None:
    server.queue({"status": 400}, _draft(f"{GOOD}[{{n}}]。"))
    answer = llm_assistant.ask(MERGER)
    assert answer.answer == f"{GOOD}[1]。" and answer.notes == []
    assert [("tools" in r["body"]) for r in server.requests] == [True, False]
