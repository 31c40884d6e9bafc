"""The model-mode configuration and the sentence checks, on the real clauses, without a server."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DOC, ROOT

from assistant.corpus import clause_map
from assistant.errors import ConfigError
from assistant.llm.config import LLMConfig, mode_line, resolve
from assistant.llm.validate import check_draft, normalise_markers, split_sentences
from assistant.models import Citation, ToolCall


def _given(*ids: str) -> list[Citation]:
    clauses = clause_map()
    return [Citation(id=clauses[DOC + i].id, label=clauses[DOC + i].label, text=clauses[DOC + i].text,
                     source=clauses[DOC + i].source, page=clauses[DOC + i].page) for i in ids]


# -- configuration -------------------------------------------------------------------------
def test_no_url_means_no_model() -> None:
    assert LLMConfig.from_env({}) is None
    assert resolve(None, None) is None and resolve(None, False) is None
    assert mode_line({}) == "回答模式：抽取式（离线；设置 POLICY_ASSISTANT_LLM_URL 可启用大模型回答）"


def test_a_full_configuration() -> None:
    config = LLMConfig.from_env({"POLICY_ASSISTANT_LLM_URL": "http://user:pw@127.0.0.1:8000/v1",
                                 "POLICY_ASSISTANT_LLM_MODEL": " qwen2.5:7b ",
                                 "POLICY_ASSISTANT_LLM_API_KEY": "sk-very-secret",
                                 "POLICY_ASSISTANT_LLM_TIMEOUT": "12.5"})
    assert (config.model, config.timeout_s, config.api_key.get_secret_value()) == ("qwen2.5:7b", 12.5,
                                                                                    "sk-very-secret")
    for shown in (repr(config), str(config), config.describe(), config.model_dump_json()):
        assert "sk-very-secret" not in shown
    for shown in (repr(config), str(config), config.describe()):
        assert "user:pw" not in shown
    assert config.describe() == "回答模式：大模型（qwen2.5:7b @ http://***@127.0.0.1:8000/v1），每句的引文、引语和数字经核对后才显示"
    assert config.scrub("key sk-very-secret at http://user:pw@127.0.0.1:8000/v1") == \
        "key *** at http://***@127.0.0.1:8000/v1"
    assert resolve(config, None) is config and resolve(config, True) is config and resolve(config, False) is None


@pytest.mark.parametrize("env, words", [
    ({"POLICY_ASSISTANT_LLM_URL": "127.0.0.1:8000"}, "POLICY_ASSISTANT_LLM_URL='127.0.0.1:8000' 不是 http(s) 地址"),
    ({"POLICY_ASSISTANT_LLM_URL": "http://127.0.0.1:8000/v1"}, "没有设置 POLICY_ASSISTANT_LLM_MODEL"),
    ({"POLICY_ASSISTANT_LLM_URL": "http://h/v1", "POLICY_ASSISTANT_LLM_MODEL": "m",
      "POLICY_ASSISTANT_LLM_TIMEOUT": "一分钟"}, "POLICY_ASSISTANT_LLM_TIMEOUT='一分钟' 不是秒数"),
    ({"POLICY_ASSISTANT_LLM_URL": "http://h/v1", "POLICY_ASSISTANT_LLM_MODEL": "m",
      "POLICY_ASSISTANT_LLM_TIMEOUT": "0"}, "应在 0 到 3600 秒之间"),
])
def test_a_bad_configuration_names_the_variable(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError) as err:
        LLMConfig.from_env(env)
    assert words in str(err.value)
    assert mode_line(env).startswith("回答模式：抽取式（大模型配置有误：")


def test_llm_required_but_not_configured() -> None:
    with pytest.raises(ConfigError, match="要求用大模型回答（--llm），但没有配置接口"):
        resolve(None, True)


def test_no_openai_import_without_an_endpoint() -> None:
    code = ("import sys; from assistant.cli import build_parser; build_parser(); "
            "import assistant.llm.flow, assistant.core; from assistant.llm.config import mode_line; mode_line(); "
            "print('openai' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert out.stdout.strip() == "False"


# -- markers and sentences -----------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("补助［1］。", "补助[1]。"),
    ("补助【2】。", "补助[2]。"),
    ("补助[1,2]。", "补助[1][2]。"),
    ("补助[1、 3]。", "补助[1][3]。"),
    ("补助[^1]。", "补助[1]。"),
    ("【结论】补助[1]。", "【结论】补助[1]。"),
])
def test_markers_written_otherwise(text: str, expected: str) -> None:
    assert normalise_markers(text) == expected


@pytest.mark.parametrize("line, expected", [
    ("甲。[1]乙！[2][3]丙", ["甲。[1]", "乙！[2][3]", "丙"]),
    ("条款写明「补助。再补助。」[1]。另一句。", ["条款写明「补助。再补助。」[1]。", "另一句。"]),
    ("依据《办法。》执行；其次", ["依据《办法。》执行；", "其次"]),
    ("", []),
])
def test_sentences_end_outside_quotes_and_keep_their_markers(line: str, expected: list[str]) -> None:
    assert split_sentences(line) == expected


def test_a_list_keeps_its_numbering_and_each_line_is_checked() -> None:
    given = _given("s6.6", "s6.5")
    draft = ("可享受的支持：\n1. 宗地收购按实际评估价给予30%的补助[1]。\n2. 股权收购按不超过10%给予补助[1]。"
             "\n3. 容积率原则上不低于3.0[2]。")
    checked = check_draft(draft, given)
    assert checked.text == "1. 宗地收购按实际评估价给予30%的补助[1]。\n2. 股权收购按不超过10%给予补助[1]。"
    assert [c.id for c in checked.citations] == [DOC + "s6.6"]
    assert checked.notes == ["删去一句（没有引文标记）：可享受的支持：",
                             "删去一句（数字3.0不在所引条款或计算结果中）：3. 容积率原则上不低于3.0[2]。"]
    assert [s.kept for s in checked.sentences] == [False, True, True, False]


def test_a_figure_must_come_from_the_clause_the_sentence_cites() -> None:
    given = _given("s6.6", "s6.5")
    # 2.0 is in s6.5, not in s6.6: citing the wrong clause for it fails.
    checked = check_draft("容积率原则上不低于2.0[1]。容积率原则上不低于2.0[2]。", given)
    assert checked.text == "容积率原则上不低于2.0[1]。"
    assert [c.id for c in checked.citations] == [DOC + "s6.5"]
    assert "2.0" in checked.notes[0]


def test_figures_from_a_tool_and_the_question() -> None:
    given = _given("s6.6")
    ok = ToolCall(name="equity_acquisition_subsidy", arguments={"price_yuan": "120000000"},
                  result={"max_subsidy_yuan": "12000000", "clause_id": DOC + "s6.6"})
    failed = ToolCall(name="equity_acquisition_subsidy", arguments={"price_yuan": "999"}, error="bad")
    draft = "收购价1.2亿元的，最多补助1200万元[1]。收购价999元的，补助99.9元[1]。"
    checked = check_draft(draft, given, [ok, failed], question="股权收购价格是1.2亿元")
    assert checked.text == "收购价1.2亿元的，最多补助1200万元[1]。"
    assert "999" in checked.notes[0]
    assert check_draft("收购价1.2亿元的补助[1]。", given).text == ""  # no question, no tool: 1.2亿 is unsupported


def test_a_think_block_is_not_part_of_the_answer() -> None:
    from assistant.llm.stream import Reply

    assert Reply(text="<think>先想想 50%</think>\n补助30%[1]。").answer_text == "补助30%[1]。"


def test_every_setting_is_documented() -> None:
    import assistant.llm.config as config_module
    from assistant.llm.config import LLM_ENV_VARS

    doc = (ROOT / "docs" / "llm-mode.md").read_text(encoding="utf-8")
    for var in LLM_ENV_VARS:
        assert f"| `{var}` |" in doc, f"docs/llm-mode.md does not document {var}"
        assert f"| {var} |" in config_module.__doc__
    for flag in ("ask --llm", "ask --no-llm", "ask --stream", "eval --llm"):
        assert f"policy-assistant {flag}" in doc or f"`{flag}`" in doc, flag
