"""Load test: concurrent clients asking through the UI's public HTTP API, on loopback only.

Run: ``python benchmarks/load_ui.py [--clients 20] [--questions 500] [--home DIR] [--port P]``.

It uses the index in ``--home`` (else ``POLICY_ASSISTANT_HOME``, else a temporary folder),
ingesting the shipped corpus when that index is empty; starts ``policy-assistant ui`` on
127.0.0.1 in a subprocess; waits until it answers; then ``--clients`` threads together ask
``--questions`` gold questions (single-turn ones, with a multi-turn one with its history about
every tenth) through ``POST /gradio_api/call/ask``.

For comparison the first ``--baseline`` of those questions are asked in-process, one after
the other, through ``Assistant.ask`` (before the server starts), and then through the API by
one client (which also warms the server up). Both get one untimed pass first.

Every answer is checked, and a failed check counts as an error: it must be the answer
contract (what ``ask --json`` prints) for the question asked; an answer that is not an
abstention must cite clauses (a unit conversion, which rests on no clause, excepted) and
cite the rule of every calculator it ran; and every answer to a question must equal the
in-process answer to it, or the API's first answer to it.

Prints a table (clients, questions, errors, answered/abstained, throughput, latency
percentiles, the baselines, the server's peak RSS) and exits 1 when any request failed or
the server died. The server is always stopped at the end, also on Ctrl-C or SIGTERM (exit 130).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "evals" / "gold" / "lzb-2024-22.jsonl"
API = "/gradio_api/call/ask"
ANSWER_KEYS = {"question", "answer", "abstained", "citations", "tool_calls"}
MULTI_TURN_EVERY = 10  # one question in this many is a follow-up sent with its history


# -- questions ----------------------------------------------------------------------------------
def load_gold(path: Path) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """(single-turn, multi-turn) (question, history) pairs of a gold file, in file order."""
    single, multi = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            history = [str(h) for h in (item.get("history") or [])]
            (multi if history else single).append((str(item["question"]), history))
    if not single:
        raise SystemExit(f"{path}: no single-turn questions")
    return single, multi


def question_plan(single: list, multi: list, n: int) -> list[tuple[str, list[str]]]:
    """``n`` questions: the single-turn ones cycled, a multi-turn one about every tenth."""
    out, si, mi = [], 0, 0
    for i in range(n):
        if multi and i % MULTI_TURN_EVERY == MULTI_TURN_EVERY // 2:
            out.append(multi[mi % len(multi)])
            mi += 1
        else:
            out.append(single[si % len(single)])
            si += 1
    return out


# -- figures ------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """The ``p`` quantile (0..1) of ``values`` by nearest rank (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def check_answer(data: Any, question: str) -> str | None:
    """Why ``data`` is not a real answer to ``question`` (None when it is)."""
    if not isinstance(data, dict) or not ANSWER_KEYS <= set(data):
        return f"not the answer contract: {str(data)[:200]}"
    if data["question"] != question:
        return f"answer is for another question: {data['question'][:60]!r}"
    if not isinstance(data["answer"], str) or not data["answer"].strip():
        return "empty answer text"
    if data["abstained"]:
        return "abstained, yet cites clauses" if data["citations"] else None
    if not data["citations"] and not is_conversion(data):
        return "answered without citations"
    cited = {c.get("id") for c in data["citations"]}
    for call in data["tool_calls"]:
        rule = (call.get("result") or {}).get("clause_id")
        if rule and rule not in cited:
            return f"calculator {call.get('name')} rests on {rule}, which is not cited"
    return None


def is_conversion(data: dict) -> bool:
    """An answer given by calculators alone that rest on no clause (a unit conversion such as
    亩 to 平方米): the one kind of answer with nothing to cite (README, the answer contract)."""
    calls = data.get("tool_calls") or []
    return bool(calls) and all(c.get("error") is None and c.get("result") and c["result"].get("clause_id") is None
                               for c in calls)


def signature(data: dict) -> tuple:
    """What must agree between the UI's and the in-process answer to one question."""
    return (data.get("answer"), data.get("abstained"), tuple(c.get("id") for c in data.get("citations") or []),
            tuple(t.get("name") for t in data.get("tool_calls") or []))


@dataclass
class Result:
    """One request through the API."""

    index: int
    seconds: float
    data: dict | None = None
    error: str | None = None


@dataclass
class Run:
    """What the client threads collected."""

    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


# -- the server ---------------------------------------------------------------------------------
def free_port(host: str) -> int:
    """A TCP port nobody listens on now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM) in MiB, where /proc has it."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class Server:
    """``python -m assistant.cli ui`` on a loopback address, with its output in a log file."""

    def __init__(self, home: Path, host: str, port: int, log_path: Path) -> None:
        self.url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        self.log_path = log_path
        env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False",
               "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost,::1"}
        env.pop("POLICY_ASSISTANT_ADMIN_PASSWORD", None)
        self._log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        # A session of its own: Ctrl-C reaches this script, which then stops the server itself.
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ui", "--host", host, "--port", str(port)],
                                     cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, http, timeout: float) -> None:
        """Until the API describes itself; raises RuntimeError if the server exits or never answers."""
        import httpx

        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                resp = http.get(self.url + "/gradio_api/info", timeout=5)
            except httpx.HTTPError:  # not listening yet
                resp = None
            if resp is not None and resp.status_code == 200:
                if "/ask" not in resp.json().get("named_endpoints", {}):
                    raise RuntimeError("the server has no public /ask endpoint (see build_app in ui/app.py)")
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer within {timeout:.0f}s:\n{self.log_tail()}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()  # SIGTERM: a child of a background job may ignore SIGINT
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


# -- the client ---------------------------------------------------------------------------------
def sse_events(resp) -> Iterator[tuple[str, str]]:
    """(event, data) pairs of a server-sent-events response."""
    event, data = "message", []
    for line in resp.iter_lines():
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield event, "\n".join(data)


class ApiError(Exception):
    """The API answered with an error event (its message) or an unexpected HTTP status."""


def call_ask(http, base_url: str, question: str, history: list[str], timeout: float) -> dict:
    """One call of the public ``ask`` endpoint; returns the answer dict or raises ApiError."""
    resp = http.post(base_url + API, json={"data": [question, history]}, timeout=timeout)
    if resp.status_code != 200:
        raise ApiError(f"HTTP {resp.status_code} on POST {API}: {resp.text[:300]}")
    event_id = resp.json()["event_id"]
    with http.stream("GET", f"{base_url}{API}/{event_id}", timeout=timeout) as stream:
        if stream.status_code != 200:
            raise ApiError(f"HTTP {stream.status_code} on GET {API}/{{event_id}}")
        for event, data in sse_events(stream):
            if event == "complete":
                out = json.loads(data)
                if not isinstance(out, list) or len(out) != 1:
                    raise ApiError(f"unexpected output: {data[:300]}")
                return out[0]
            if event == "error":
                try:
                    payload = json.loads(data)
                except ValueError:
                    payload = data
                message = payload.get("error") if isinstance(payload, dict) else payload
                raise ApiError(str(message or "the server reported an error without a message"))
    raise ApiError("the event stream ended without a result")


def client_thread(base_url: str, work: queue.Queue, plan: list, run: Run, stop: threading.Event,
                  timeout: float) -> None:
    import httpx

    with httpx.Client(trust_env=False) as http:  # loopback: no proxy from the environment
        while not stop.is_set():
            try:
                i = work.get_nowait()
            except queue.Empty:
                return
            question, history = plan[i]
            start = time.perf_counter()
            try:
                data = call_ask(http, base_url, question, history, timeout)
                error = check_answer(data, question)
            except (ApiError, httpx.HTTPError, ValueError, KeyError) as err:
                data, error = None, f"{type(err).__name__}: {err}"
            run.add(Result(i, time.perf_counter() - start, data, error))


# -- main ---------------------------------------------------------------------------------------
def prepare_home(home: Path) -> str:
    """Ingest the shipped corpus when the index in ``home`` is empty; says what it did."""
    from assistant.config import Settings
    from assistant.index.ingest import ingest
    from assistant.index.store import ClauseIndex

    settings = Settings.from_env(home=home)
    if ClauseIndex(settings).is_empty():
        report = ingest(None, settings)
        return report.summary()
    return "index already built"


def baseline(home: Path, plan: list, indices: list[int]) -> tuple[list[float], dict[tuple, tuple]]:
    """In-process ``Assistant.ask`` of the planned questions at ``indices``, one after the other.

    One untimed pass first loads the models and whatever each route loads lazily, so the
    figures are the steady state, as the server's are after its warm-up pass.
    Returns:
        Seconds per question of the timed pass, and each question's answer signature.
    """
    from assistant.config import Settings
    from assistant.core import Assistant

    # auto_ingest, as in the server: an index in an older format is rebuilt before the first answer
    assistant = Assistant(Settings.from_env(home=home), progress=lambda msg: print(msg, flush=True))
    for i in indices:
        assistant.ask(plan[i][0], history=plan[i][1])
    times, sigs = [], {}
    for i in indices:
        question, history = plan[i]
        start = time.perf_counter()
        answer = assistant.ask(question, history=history)
        times.append(time.perf_counter() - start)
        sigs[key(plan[i])] = signature(answer.model_dump(mode="json"))
    return times, sigs


def key(item: tuple[str, list[str]]) -> tuple:
    """A planned question as a dict key."""
    return item[0], tuple(item[1])


def run_clients(base_url: str, plan: list, indices: list[int], clients: int, stop: threading.Event,
                timeout: float) -> tuple[Run, float]:
    """``clients`` threads asking the planned questions at ``indices``; returns the run and its wall time."""
    run = Run()
    work: queue.Queue = queue.Queue()
    for i in indices:
        work.put(i)
    threads = [threading.Thread(target=client_thread, args=(base_url, work, plan, run, stop, timeout),
                                name=f"client-{n}", daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():  # a timed join, so that Ctrl-C is seen here
            t.join(0.5)
    return run, time.perf_counter() - started


def check_consistency(runs: list[Run], plan: list, reference: dict[tuple, tuple]) -> int:
    """Mark as errors the answers that differ from the in-process one, or from the UI's first
    answer to the same question (the index does not change during the test, so neither may
    they). Returns how many were marked."""
    ref = dict(reference)
    marked = 0
    for run in runs:
        for r in sorted(run.results, key=lambda r: r.index):
            if r.error is not None:
                continue
            k, sig = key(plan[r.index]), signature(r.data)
            if k not in ref:
                ref[k] = sig
            elif ref[k] != sig:
                where = "the in-process answer" if k in reference else "the UI's earlier answer"
                r.error = f"answer differs from {where} to the same question"
                marked += 1
    return marked


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent client threads (default 20)")
    parser.add_argument("--questions", type=int, default=500, help="questions asked in all (default 500)")
    parser.add_argument("--home", type=Path, help="index home (default POLICY_ASSISTANT_HOME, else a temporary folder)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (default: a free one)")
    parser.add_argument("--baseline", type=int, default=50,
                        help="questions asked in-process, and through the UI by one client, for comparison (default 50)")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold questions (JSON lines)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one request may take (default 300)")
    parser.add_argument("--start-timeout", type=float, default=300, help="seconds the server may take to start")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from ui.service import is_loopback  # the test the UI itself uses for its admin gate

    if not is_loopback(args.host):
        parser.error(f"--host {args.host} is not a loopback address; this load test only serves on 127.0.0.1/::1.")
    if args.clients < 1 or args.questions < 1 or args.baseline < 1:
        parser.error("--clients, --questions and --baseline must be at least 1.")
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"--port {args.port} is not a TCP port.")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import httpx

    from assistant.errors import AssistantError

    single, multi = load_gold(args.gold)
    plan = question_plan(single, multi, args.questions)
    sample = list(range(min(args.baseline, len(plan))))
    tmp = tempfile.TemporaryDirectory(prefix="load-ui-")
    home = args.home or (Path(os.environ["POLICY_ASSISTANT_HOME"]) if os.environ.get("POLICY_ASSISTANT_HOME")
                         else Path(tmp.name) / "home")
    server: Server | None = None
    log_tail = ""
    stop = threading.Event()

    def on_term(signum, frame):  # a plain ``kill`` stops the server too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        print(f"home: {home} ({prepare_home(home)})", flush=True)
        print(f"baseline: {len(sample)} questions in-process …", flush=True)
        base_times, base_sigs = baseline(home, plan, sample)
        port = args.port or free_port(args.host)
        server = Server(home, args.host, port, Path(tmp.name) / "server.log")
        print(f"server: {server.url} (pid {server.proc.pid}) starting …", flush=True)
        with httpx.Client(trust_env=False) as http:
            started = time.perf_counter()
            server.wait_ready(http, args.start_timeout)
        print(f"server: ready after {time.perf_counter() - started:.1f}s; "
              f"{len(sample)} questions by one client, twice (warm-up, then timed) …", flush=True)
        warm, _ = run_clients(server.url, plan, sample, 1, stop, args.timeout)
        seq, _ = run_clients(server.url, plan, sample, 1, stop, args.timeout)
        print(f"load: {args.clients} clients, {len(plan)} questions …", flush=True)
        load, wall = run_clients(server.url, plan, list(range(len(plan))), args.clients, stop, args.timeout)
        died = not server.alive()
        rss = peak_rss_mib(server.proc.pid)
    except KeyboardInterrupt:
        stop.set()
        print("load_ui: interrupted; stopping the server", file=sys.stderr)
        return 130
    except (RuntimeError, AssistantError) as err:
        print(f"load_ui: error: {err}", file=sys.stderr)
        return 1
    finally:
        stop.set()
        if server is not None:
            server.stop()
            log_tail = server.log_tail()
        tmp.cleanup()

    inconsistent = check_consistency([warm, seq, load], plan, base_sigs)
    errors = [r for r in load.results if r.error is not None]
    seq_errors = [r for r in warm.results + seq.results if r.error is not None]
    missing = len(plan) - len(load.results) + 2 * len(sample) - len(warm.results) - len(seq.results)
    failures = len(errors) + len(seq_errors) + missing
    ok = [r for r in load.results if r.error is None]
    answered = sum(1 for r in ok if not r.data["abstained"])
    conversions = sum(1 for r in ok if not r.data["abstained"] and not r.data["citations"])
    lat = [r.seconds for r in load.results]
    seq_lat = [r.seconds for r in seq.results]
    base_p50, ui_p50, seq_p50 = percentile(base_times, 0.5), percentile(lat, 0.5), percentile(seq_lat, 0.5)
    base_mean = statistics.fmean(base_times)
    detail = []
    if failures:
        detail = [f"{len(errors)} under load", f"{len(seq_errors)} in the one-client passes"]
        if missing:
            detail.append(f"{missing} never finished")
        if inconsistent:
            detail.append(f"{inconsistent} inconsistent answers")

    rows = [
        ("clients", f"{args.clients}"),
        ("questions", f"{len(plan)} ({sum(1 for q in plan if q[1])} multi-turn with history)"),
        ("errors", f"{failures}" + (f" ({', '.join(detail)})" if detail else "")),
        ("answered / abstained", f"{answered} / {len(ok) - answered} " + (
            f"(all answered cite clauses, but {conversions} unit conversions, which have none to cite)"
            if conversions else "(all answered cite clauses)")),
        ("wall time", f"{wall:.1f} s"),
        ("throughput", f"{len(load.results) / wall:.2f} q/s"),
        ("latency p50", ms(ui_p50)),
        ("latency p95", ms(percentile(lat, 0.95))),
        ("latency p99", ms(percentile(lat, 0.99))),
        ("latency max", ms(max(lat) if lat else float("nan"))),
        (f"UI, 1 client, {len(sample)} questions", f"p50 {ms(seq_p50)}, p95 {ms(percentile(seq_lat, 0.95))}"),
        (f"in-process, {len(sample)} questions",
         f"p50 {ms(base_p50)}, p95 {ms(percentile(base_times, 0.95))}, mean {ms(base_mean)} (Assistant.ask, sequential)"),
        ("UI p50 / in-process p50", f"{ui_p50 / base_p50:.1f}x under load; {seq_p50 / base_p50:.1f}x with 1 client"),
        ("server time per question", (f"{ms(wall / max(1, len(load.results)))} (wall / questions) = "
                                      f"{wall / max(1, len(load.results)) / base_mean:.1f}x in-process mean")),
        ("server peak RSS", f"{rss:,.0f} MiB (VmHWM)" if rss is not None else "n/a"),
        ("server", "DIED during the run" if died else "alive until stopped"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    print(f"Load test of POST {API} on {args.host} (gold: {args.gold.name})")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    for r in (seq_errors + errors)[:10]:
        print(f"  error: question #{r.index} {plan[r.index][0][:40]!r}: {r.error}")
    if died:
        print(f"  server log (tail):\n{log_tail}")
    status = "FAILED" if failures or died else "OK"
    print(f"result: {status}")
    return 1 if failures or died else 0


if __name__ == "__main__":
    sys.exit(main())
