"""Benchmark: the model answer mode against a real OpenAI-compatible server.

Run either against a server that is already up::

    python benchmarks/bench_llm.py --url http://127.0.0.1:8000/v1 --model NAME

or let it start llama.cpp's server (``llama-cpp-python[server]``) on a GGUF file, on a free
loopback port, and stop it afterwards::

    python benchmarks/bench_llm.py --gguf model.gguf [--server-python /path/to/python]

For each question it prints the latency of the model answer, the extractive latency, how
many of the model's sentences the checks kept (of how many), and whether the extractive
answer had to be given instead (and why). The index lives in a temporary home unless
``--home`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "兼并收购有什么补助？",
    "股权收购价格是1.2亿元，最多补助多少？",
    "容积率有什么要求？",
    "区财政局负责什么工作？",
    "对拒不配合转型提升的低效地企业怎么办？",
    "明天会下雨吗？",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# llama_cpp.server with llama.cpp's extra weight buffers (repacking, AMX) off: a CPU that
# reports AMX inside a sandbox that does not grant it faults on the first AMX instruction.
NO_EXTRA_BUFTS = """
import sys, llama_cpp, llama_cpp.llama as L
_default = llama_cpp.llama_model_default_params
def _params():
    p = _default()
    p.use_extra_bufts = False
    return p
llama_cpp.llama_model_default_params = L.llama_cpp.llama_model_default_params = _params
from llama_cpp.server.__main__ import main
sys.argv = ["llama_cpp.server", *sys.argv[1:]]
main()
"""


def start_server(gguf: Path, python: str, n_ctx: int, wait_s: float,
                 extra_bufts: bool = True) -> tuple[subprocess.Popen, str]:
    """Start ``python -m llama_cpp.server`` on a free loopback port; wait until it answers."""
    import urllib.request

    port = _free_port()
    # The server logs a lot while loading: to a file, as a full pipe would block it.
    log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)
    launcher = ["-m", "llama_cpp.server"] if extra_bufts else ["-c", NO_EXTRA_BUFTS]
    proc = subprocess.Popen([python, *launcher, "--model", str(gguf), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", str(n_ctx)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = Path(log.name).read_text(errors="replace")[-2000:]
            raise SystemExit(f"llama.cpp 服务没有启动（日志 {log.name}）：{tail}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"llama.cpp 服务在 {wait_s:g} 秒内没有就绪（日志 {log.name}）")


def count_sentences(text: str) -> int:
    """Sentences with content in an answer text (the same cut the checks use)."""
    from assistant.llm.validate import _CONTENT, split_sentences

    return sum(1 for line in text.split("\n") for s in split_sentences(line) if _CONTENT.search(s))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints a table and a JSON summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an endpoint that is already up")
    parser.add_argument("--model", default="local", help="model name to request (default: local)")
    parser.add_argument("--gguf", type=Path, help="start llama.cpp's server on this GGUF file")
    parser.add_argument("--server-python", default=sys.executable,
                        help="the Python that has llama-cpp-python[server] (default: this one)")
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--no-extra-bufts", action="store_true",
                        help="start the server with llama.cpp's repacked/AMX weight buffers off (for a "
                             "sandbox where the first AMX instruction faults)")
    parser.add_argument("--timeout", type=float, default=120, help="POLICY_ASSISTANT_LLM_TIMEOUT for each answer")
    parser.add_argument("--home", type=Path, help="an index home (default: a temporary one with the shipped corpus)")
    parser.add_argument("--question", action="append", help="a question (repeatable; default: a fixed list)")
    args = parser.parse_args(argv)
    if not args.url and not args.gguf:
        parser.error("give --url of a running endpoint or --gguf FILE to start one")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.llm.config import LLMConfig

    server = None
    url = args.url
    if args.gguf:
        server, url = start_server(args.gguf, args.server_python, args.n_ctx, wait_s=300,
                                   extra_bufts=not args.no_extra_bufts)
    tmp = None
    try:
        home = args.home
        if home is None:
            tmp = tempfile.TemporaryDirectory(prefix="bench-llm-")
            home = Path(tmp.name) / "home"
        config = LLMConfig(url=url, model=args.model, timeout_s=args.timeout)
        assistant = Assistant(Settings.from_env(home=home), llm=config)
        assistant.ask(QUESTIONS[0], llm=False)  # load the index and models outside the timings
        rows = []
        for q in args.question or QUESTIONS:
            start = time.perf_counter()
            plain = assistant.ask(q, llm=False)
            plain_s = time.perf_counter() - start
            start = time.perf_counter()
            answer = assistant.ask(q, llm=True)
            llm_s = time.perf_counter() - start
            dropped = sum(1 for n in answer.notes if n.startswith("删去一句"))
            fell_back = next((n for n in answer.notes if n.startswith("未采用大模型的回答")), None)
            kept = 0 if fell_back or answer.abstained else count_sentences(answer.answer)
            rows.append({"question": q, "llm_s": round(llm_s, 2), "extractive_s": round(plain_s, 3),
                         "kept": kept, "drafted": kept + dropped, "abstained": answer.abstained,
                         "fallback": fell_back, "answer": answer.answer[:120]})
            print(f"{llm_s:7.2f}s  extractive {plain_s:5.2f}s  kept {kept}/{kept + dropped}  "
                  f"{'拒答（未问模型）' if answer.abstained else (fell_back or '大模型回答')}  {q}", flush=True)
        asked = [r for r in rows if not r["abstained"]]
        summary = {"model": args.model, "url": config.shown_url, "questions": len(rows),
                   "llm_p50_s": statistics.median(r["llm_s"] for r in asked) if asked else None,
                   "sentences_kept": sum(r["kept"] for r in asked),
                   "sentences_drafted": sum(r["drafted"] for r in asked),
                   "fallbacks": sum(1 for r in asked if r["fallback"])}
        print(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False))
        assistant.reload()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
