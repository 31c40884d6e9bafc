"""``ask --llm/--no-llm/--stream`` and the mode line of ``documents`` and ``--help``, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DOC, copy_home, run_cli
from llm_server import ScriptedLLM, clause_number

MERGER = "兼并收购有什么补助？"
GOOD = "对以市场价自愿成功交易的宗地项目，按照国有土地征收实际评估价给予30%的补助"


@pytest.fixture(scope="module")
def home(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_home(built_home, tmp_path_factory.mktemp("llm-cli") / "home")


@pytest.fixture
def server():
    with ScriptedLLM() as srv:
        yield srv


def _env(server: ScriptedLLM) -> dict[str, str]:
    return {"POLICY_ASSISTANT_LLM_URL": server.url, "POLICY_ASSISTANT_LLM_MODEL": "scripted",
            "POLICY_ASSISTANT_LLM_API_KEY": "sk-cli-secret", "POLICY_ASSISTANT_LLM_TIMEOUT": "30"}


def _draft(body):
    n = clause_number(body, DOC + "s6.6")
    return {"text": f"{GOOD}[{n}]。另外按评估价的50%补助[{n}]。"}


def test_llm_without_an_endpoint_says_what_to_set(home: Path) -> None:
    proc = run_cli("ask", "--llm", MERGER, home=home)
    assert proc.returncode == 2
    assert "要求用大模型回答（--llm），但没有配置接口：请设置 POLICY_ASSISTANT_LLM_URL" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_stream_prints_the_draft_then_the_checked_answer(home: Path, server: ScriptedLLM) -> None:
    server.queue(_draft)
    proc = run_cli("ask", "--llm", "--stream", MERGER, home=home, env=_env(server))
    assert proc.returncode == 0, proc.stderr
    draft, _, after = proc.stderr.partition("——以上为草稿；核对后的回答——")
    assert GOOD in draft and "50%" in draft and after == "\n"
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{GOOD}[1]。"
    assert f"  [1] 仑政办〔2024〕22号 六、政策举措（六）支持兼并收购  ({DOC}s6.6; lzb-2024-22.pdf 第4页)" in lines
    assert lines[-1].startswith("注：删去一句（数字50%不在所引条款或计算结果中）")
    assert server.requests[0]["body"]["stream"] is True
    assert "sk-cli-secret" not in proc.stdout + proc.stderr


def test_json_carries_the_notes_and_no_llm_never_asks(home: Path, server: ScriptedLLM) -> None:
    server.queue(_draft)
    proc = run_cli("ask", "--json", MERGER, home=home, env=_env(server))
    out = json.loads(proc.stdout)
    assert out["answer"] == f"{GOOD}[1]。"
    assert [c["id"] for c in out["citations"]] == [DOC + "s6.6"]
    assert len(out["notes"]) == 1 and "50%" in out["notes"][0]
    assert server.requests[0]["body"].get("stream") is None
    server.reset()
    proc = run_cli("ask", "--json", "--no-llm", MERGER, home=home, env=_env(server))
    assert json.loads(proc.stdout)["notes"] == [] and server.requests == []


def test_documents_and_help_name_the_mode(home: Path, server: ScriptedLLM) -> None:
    env = {**_env(server), "POLICY_ASSISTANT_LLM_URL": server.url.replace("http://", "http://me:pw@")}
    shown = server.url.replace("http://", "http://***@")
    docs = run_cli("documents", home=home, env=env)
    assert docs.stdout.splitlines()[-1] == f"回答模式：大模型（scripted @ {shown}），每句的引文、引语和数字经核对后才显示"
    helped = run_cli("--help", home=home, env=env)
    assert f"回答模式：大模型（scripted @ {shown}）" in helped.stdout
    assert "pw" not in docs.stdout + helped.stdout and "sk-cli-secret" not in docs.stdout + helped.stdout
    plain = run_cli("documents", home=home)
    assert plain.stdout.splitlines()[-1] == "回答模式：抽取式（离线；设置 POLICY_ASSISTANT_LLM_URL 可启用大模型回答）"
