"""Benchmark: ingestion, cold and warm ``ask``, query embedding, peak memory.

Run: ``python benchmarks/bench_ask.py [--gold FILE] [--repeat N]``. Everything happens in a
temporary home (the user's data folder is never touched). Prints a small table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "evals" / "gold" / "lzb-2024-22.jsonl"

COLD = """
import time, sys
t0 = float(sys.argv[1])
from pathlib import Path
from assistant.config import Settings
from assistant.core import Assistant
a = Assistant(Settings(home=Path(sys.argv[2])), auto_ingest=False)
ans = a.ask('兼并收购有什么补助？')
assert ans.citations, ans
print(time.time() - t0)
"""


def percentile(values: list[float], p: float) -> float:
    """The ``p`` quantile (0..1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def load_questions(path: Path) -> list[tuple[str, list[str] | None]]:
    """(question, history) pairs of a gold file, in order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out.append((item["question"], item.get("history")))
    return out


def cold_ask(home: Path, runs: int) -> list[float]:
    """Seconds from interpreter start to a finished answer, in fresh processes."""
    times = []
    env = dict(os.environ, POLICY_ASSISTANT_HOME=str(home))
    for _ in range(runs):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", COLD, repr(start), str(home)], capture_output=True,
                             text=True, cwd=ROOT, env=env, timeout=300, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--repeat", type=int, default=1, help="passes over the gold questions for warm figures")
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        home = Path(tmp) / "home"
        settings = Settings(home=home)
        t = time.perf_counter()
        report = ingest(None, settings)
        ingest_s = time.perf_counter() - t
        rows.append(("ingest shipped corpus (fresh home)", f"{ingest_s:.2f} s ({report.clauses} clauses)"))
        t = time.perf_counter()
        ingest(None, settings)
        rows.append(("re-ingest, unchanged", f"{(time.perf_counter() - t) * 1000:.1f} ms"))

        cold = cold_ask(home, args.cold_runs)
        rows.append((f"cold ask, process start -> answer (n={len(cold)})",
                     f"median {statistics.median(cold):.2f} s, max {max(cold):.2f} s"))

        assistant = Assistant(settings, auto_ingest=False)
        questions = load_questions(args.gold)
        assistant.ask(questions[0][0])  # load models outside the timings
        ask_ms, embed_ms, abstained = [], [], 0
        for _ in range(args.repeat):
            for question, history in questions:
                t = time.perf_counter()
                answer = assistant.ask(question, history=history)
                ask_ms.append((time.perf_counter() - t) * 1000)
                abstained += answer.abstained
                t = time.perf_counter()
                assistant.retriever.embed_query(question)
                embed_ms.append((time.perf_counter() - t) * 1000)
        p50_ask, p95_ask = percentile(ask_ms, 0.5), percentile(ask_ms, 0.95)
        p50_emb, p95_emb = percentile(embed_ms, 0.5), percentile(embed_ms, 0.95)
        latency = f"p50 {p50_ask:.1f} ms, p95 {p95_ask:.1f} ms, max {max(ask_ms):.1f} ms"
        rows.append((f"warm ask latency (n={len(ask_ms)})", latency))
        rows.append((f"query embedding alone (n={len(embed_ms)})", f"p50 {p50_emb:.1f} ms, p95 {p95_emb:.1f} ms"))
        rows.append(("warm ask p50 / embedding p50", f"{p50_ask / p50_emb:.1f}x"))
        rows.append(("abstentions over gold questions", f"{abstained // args.repeat} of {len(questions)}"))

    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("peak RSS, this process (ingest + warm asks)", f"{self_mb:.0f} MiB"))
    rows.append(("peak RSS, cold ask process", f"{child_mb:.0f} MiB"))

    width = max(len(k) for k, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
