"""The UI's public HTTP API under load, and its answers to bad input.

``benchmarks/load_ui.py`` runs with small numbers against a copy of the built home and must
report no errors; a server started once for this module must turn an empty or a 100,000-character
question into a clear error (no traceback, no hang) and answer a question with HTML in it.
Everything listens on 127.0.0.1 only. Timeouts here only guard against hangs; nothing is timed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, free_port

pytest.importorskip("gradio", reason="gradio is not installed (pip install 'gradio>=6,<7')")
httpx = pytest.importorskip("httpx", reason="httpx (a gradio dependency) is not installed")

pytestmark = pytest.mark.slow

SCRIPT = ROOT / "benchmarks" / "load_ui.py"
HANG_GUARD_S = 60  # one API call
SCRIPT_GUARD_S = 600  # the whole small load test
START_TIMEOUT_S = 300
XSS_QUESTION = "<script>alert(1)</script>白名单企业有补助吗"


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("POLICY_ASSISTANT_ADMIN_PASSWORD", None)
    return env


def test_small_load_run_reports_no_errors(home_copy: Path):
    out = subprocess.run([sys.executable, str(SCRIPT), "--clients", "4", "--questions", "24", "--baseline", "8",
                          "--home", str(home_copy)], cwd=ROOT, env=_env(home_copy), capture_output=True,
                         text=True, timeout=SCRIPT_GUARD_S, check=False)
    shown = f"exit {out.returncode}\n--- stdout\n{out.stdout}\n--- stderr\n{out.stderr[-4000:]}"
    assert out.returncode == 0, shown
    figures = dict(re.findall(r"^  (\S.*?)\s{2,}(\S.*)$", out.stdout, re.MULTILINE))
    assert figures.get("clients") == "4", shown
    assert figures.get("questions", "").startswith("24 "), shown
    assert figures.get("errors") == "0", shown
    answered, abstained = (int(n) for n in re.match(r"(\d+) / (\d+)", figures["answered / abstained"]).groups())
    assert answered + abstained == 24 and answered > 0, shown
    assert re.fullmatch(r"[\d.]+ q/s", figures["throughput"]), shown
    for name in ("latency p50", "latency p95", "latency p99", "latency max"):
        assert re.fullmatch(r"[\d,]+ ms", figures[name]), shown
    assert "p50" in figures["in-process, 8 questions"], shown
    assert figures.get("server") == "alive until stopped", shown
    assert out.stdout.rstrip().endswith("result: OK"), shown


def _load_ui():
    spec = importlib.util.spec_from_file_location("load_ui", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_script_checks_that_answers_are_real():
    check = _load_ui().check_answer
    cite = {"id": "lzb-2024-22:s6.6", "label": "…", "text": "…", "source": "lzb-2024-22.pdf"}
    answer = {"question": "q", "answer": "…[1]", "abstained": False, "citations": [cite], "tool_calls": []}
    assert check(answer, "q") is None
    assert "another question" in check(answer, "p")
    assert "without citations" in check({**answer, "citations": []}, "q")
    assert "abstained" in check({**answer, "abstained": True}, "q")
    assert check({**answer, "abstained": True, "citations": []}, "q") is None
    assert "contract" in check({"question": "q", "answer": "…"}, "q")
    conversion = {"name": "convert_area", "arguments": {}, "result": {"clause_id": None}, "error": None}
    assert check({**answer, "citations": [], "tool_calls": [conversion]}, "q") is None
    rule = {"name": "equity_acquisition_subsidy", "arguments": {}, "result": {"clause_id": "lzb-2024-22:s6.5"}}
    assert "not cited" in check({**answer, "tool_calls": [rule]}, "q")
    assert "without citations" in check({**answer, "citations": [], "tool_calls": [rule]}, "q")


def test_script_counts_inconsistent_answers_as_errors():
    mod = _load_ui()
    plan = [("q", []), ("q", []), ("r", ["q"])]
    same = {"question": "q", "answer": "a", "abstained": False, "citations": [{"id": "c1"}], "tool_calls": []}
    other = {**same, "citations": [{"id": "c2"}]}
    run = mod.Run([mod.Result(0, 0.1, same), mod.Result(1, 0.1, other), mod.Result(2, 0.1, {**same, "question": "r"})])
    reference = {("r", ("q",)): mod.signature({**same, "answer": "b"})}
    assert mod.check_consistency([run], plan, reference) == 2
    assert run.results[0].error is None
    assert "earlier answer" in run.results[1].error
    assert "in-process answer" in run.results[2].error


def test_script_refuses_a_non_loopback_host():
    out = subprocess.run([sys.executable, str(SCRIPT), "--host", "0.0.0.0"], cwd=ROOT, capture_output=True,
                         text=True, timeout=HANG_GUARD_S, check=False)
    assert out.returncode == 2
    assert "not a loopback address" in out.stderr


# -- the API of a running server ---------------------------------------------------------------
@pytest.fixture(scope="module")
def server(built_home: Path, tmp_path_factory: pytest.TempPathFactory):
    """``policy-assistant ui`` on a free loopback port over a copy of the built home.

    Yields (base URL, path of the server's log).
    """
    home = tmp_path_factory.mktemp("load-api") / "home"
    shutil.copytree(built_home, home, ignore=shutil.ignore_patterns(".lock*"))  # read-only use: a plain copy
    port = free_port()
    log_path = home.parent / "server.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ui", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=_env(home), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        with httpx.Client(trust_env=False) as http:
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"the UI exited with {proc.returncode}:\n{log_path.read_text()}")
                try:
                    if http.get(url + "/gradio_api/info", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"the UI did not answer within {START_TIMEOUT_S}s:\n{log_path.read_text()}")
                time.sleep(0.5)
        yield url, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def _ask(url: str, question, history) -> tuple[str, object]:
    """POST /gradio_api/call/ask, then read its event stream: ("complete", answer) or ("error", payload)."""
    with httpx.Client(trust_env=False, timeout=HANG_GUARD_S) as http:
        resp = http.post(url + "/gradio_api/call/ask", json={"data": [question, history]})
        assert resp.status_code == 200, resp.text[:500]
        event_id = resp.json()["event_id"]
        event = None
        with http.stream("GET", f"{url}/gradio_api/call/ask/{event_id}") as stream:
            assert stream.status_code == 200
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = json.loads(line[5:])
                    if event == "complete":
                        assert isinstance(data, list) and len(data) == 1, data
                        return event, data[0]
                    return event, data
    raise AssertionError("the event stream ended without a result")


def _error_message(result: tuple[str, object]) -> str:
    event, payload = result
    assert event == "error", f"expected an error, got {event}: {payload}"
    assert isinstance(payload, dict) and payload.get("error"), f"the error carries no message: {payload}"
    return str(payload["error"])


def test_ask_is_the_only_public_endpoint(server):
    url, _ = server
    with httpx.Client(trust_env=False, timeout=HANG_GUARD_S) as http:
        info = http.get(url + "/gradio_api/info").json()
    assert list(info["named_endpoints"]) == ["/ask"]
    params = [p["parameter_name"] for p in info["named_endpoints"]["/ask"]["parameters"]]
    assert params == ["question", "history"]


def test_api_answer_is_the_ask_json_contract(server):
    """Same dict as ``policy-assistant ask --json`` prints (checked against Assistant.ask in-process)."""
    url, _ = server
    question, history = "那股权收购呢？", ["白名单企业收购土地厂房有什么补助？"]
    event, answer = _ask(url, question, history)
    assert event == "complete", answer
    assert set(answer) == {"question", "answer", "abstained", "citations", "tool_calls", "notes"}
    assert answer["question"] == question
    assert answer["abstained"] is False
    assert "lzb-2024-22:s6.6" in [c["id"] for c in answer["citations"]]


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_is_a_clear_error(server, question):
    url, _ = server
    message = _error_message(_ask(url, question, []))
    assert "问题是空的" in message


def test_huge_question_is_a_clear_error(server):
    url, _ = server
    message = _error_message(_ask(url, "补助" * 50_000, []))
    assert "问题有100000个字" in message and "上限2000个字" in message


@pytest.mark.parametrize("history", ["白名单企业收购土地厂房有什么补助？", [1, 2], ["问"] * 51])
def test_bad_history_is_a_clear_error(server, history):
    url, _ = server
    message = _error_message(_ask(url, "那股权收购呢？", history))
    assert "history" in message


def test_html_in_the_question_is_answered_or_declined(server):
    url, _ = server
    event, answer = _ask(url, XSS_QUESTION, [])
    assert event == "complete", answer
    assert answer["question"] == XSS_QUESTION
    assert answer["abstained"] or answer["citations"], answer


def test_user_errors_leave_no_traceback_in_the_server_log(server):
    url, log_path = server
    _error_message(_ask(url, "", []))
    _error_message(_ask(url, "x" * 100_000, []))
    assert _ask(url, "兼并收购有什么补助？", [])[0] == "complete"  # the server still answers
    assert "Traceback" not in log_path.read_text(encoding="utf-8", errors="replace")
