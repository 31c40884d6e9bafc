"""The model answer mode against a real server: opt-in, skipped unless an endpoint is given.

    POLICY_ASSISTANT_TEST_LLM_URL=http://127.0.0.1:8000/v1 POLICY_ASSISTANT_TEST_LLM_MODEL=NAME \\
        pytest tests/test_llm_real.py

Whatever a real model writes, what is shown holds: every marker resolves, every citation is
an indexed clause, the shown text passes the checks again unchanged, and an out-of-scope
question never reaches the model.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant.answer.cite import MARKER_RE
from assistant.config import Settings
from assistant.core import Assistant
from assistant.llm.config import LLMConfig
from assistant.llm.validate import check_draft

URL = os.environ.get("POLICY_ASSISTANT_TEST_LLM_URL", "").strip()
pytestmark = pytest.mark.skipif(not URL, reason="set POLICY_ASSISTANT_TEST_LLM_URL to test against a real model")
TIMEOUT_S = float(os.environ.get("POLICY_ASSISTANT_TEST_LLM_TIMEOUT", "120"))
QUESTIONS = ["兼并收购有什么补助？", "股权收购价格是1.2亿元，最多补助多少？", "容积率有什么要求？"]


@pytest.fixture(scope="module")
def real(built_home: Path) -> Assistant:
    config = LLMConfig(url=URL, model=os.environ.get("POLICY_ASSISTANT_TEST_LLM_MODEL", "local"),
                       timeout_s=TIMEOUT_S)
    return Assistant(Settings.from_env(home=built_home), auto_ingest=False, llm=config)


@pytest.mark.parametrize("question", QUESTIONS)
def test_what_a_real_model_writes_is_shown_only_when_it_checks_out(real: Assistant, question: str) -> None:
    start = time.monotonic()
    answer = real.ask(question, llm=True)
    assert time.monotonic() - start < TIMEOUT_S + 30
    assert answer.abstained is False and answer.citations
    clauses = real.index.clauses()
    assert all(c.id in clauses and c.text == clauses[c.id].text for c in answer.citations)
    assert {int(m) for m in MARKER_RE.findall(answer.answer)} <= set(range(1, len(answer.citations) + 1))
    if any(n.startswith("未采用大模型的回答") for n in answer.notes):
        assert answer == real.ask(question, llm=False).model_copy(update={"notes": answer.notes})
    else:
        again = check_draft(answer.answer, answer.citations, answer.tool_calls, question)
        assert again.notes == [] and again.text == answer.answer


def test_out_of_scope_is_declined_without_the_model(real: Assistant) -> None:
    answer = real.ask("明天会下雨吗？", llm=True)
    assert answer.abstained is True and answer.citations == [] and answer.notes == []
