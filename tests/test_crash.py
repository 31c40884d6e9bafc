"""Crash-safe ingestion: an ingest killed with SIGKILL at any point, then run again, leaves
the same index as a run that was never interrupted, and a reader never sees half a write.

Two ways of killing: at a write step chosen by a seed (``crash_child.py`` numbers every
write the index makes), and after a random delay, as an operator's ``kill -9`` would.
Each case starts from the same index (the corpus plus two small documents), changes the
documents (one edited, one added), rebuilds, or removes a document, and compares with a
clean run. A run killed while embedding resumes from the batches it had finished.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT, copy_home

from assistant.config import Settings
from assistant.index.ingest import ingest
from assistant.index.store import JOURNAL_FILE, ClauseIndex, retrieval_text
from assistant.models import Clause

CHILD = Path(__file__).resolve().parent / "crash_child.py"
EXTRA = """北仑区测试补充规定

第一条 本规定补充测试用地管理办法。

第二条 对亩均税收连续两年增长的企业，给予通报表扬。

第三条 本规定自发布之日起施行。
"""
SCENARIOS = {
    # Edit one document, add another.
    "update": ["ingest", "{docs}"],
    # Drop everything and index the folder again.
    "rebuild": ["ingest", "--rebuild", "{docs}"],
    # Take one document out.
    "remove": ["remove", "st-english"],
}
STEP_SEEDS = range(6)
TIME_SEEDS = range(3)


def write_docs(folder: Path, version: int) -> None:
    """The documents folder before (1) or after (2) the change the crashed run makes."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(DATA / "manifest.toml", folder / "manifest.toml")
    shutil.copy(DATA / "st-english.txt", folder / "st-english.txt")
    banfa = (DATA / "banfa.txt").read_text(encoding="utf-8")
    if version == 2:
        banfa = banfa.replace("不低于2.0", "不低于1.6")
        banfa = "\n".join(line for line in banfa.splitlines() if not line.startswith("第六条"))
        (folder / "extra.txt").write_text(EXTRA, encoding="utf-8")
    (folder / "banfa.txt").write_text(banfa, encoding="utf-8")


def run_cli(home: Path, args: list[str], step: int = 0, log: Path | None = None,
            kill_after: float | None = None, extra_env: dict[str, str] | None = None) -> tuple[int | None, str]:
    """Run ``policy-assistant ARGS`` in a child process (killed at ``step`` or after ``kill_after`` s)."""
    env = {"POLICY_ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(ROOT), **(extra_env or {})}
    if os.environ.get("POLICY_ASSISTANT_CHROMA_URL"):
        env["POLICY_ASSISTANT_CHROMA_URL"] = os.environ["POLICY_ASSISTANT_CHROMA_URL"]
    cmd = [sys.executable, str(CHILD), str(step), str(log or home.parent / "steps.log"), "--", *args]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if kill_after is not None:
        try:
            out, _ = proc.communicate(timeout=kill_after)
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out


def content(home: Path) -> dict:
    """What an index holds, independent of where its files were and of its id and generation."""
    state = json.loads((home / "index.json").read_text(encoding="utf-8"))
    files = {rec["source"]: (rec["sha256"], rec["doc_id"], rec["clauses"], rec["meta"])
             for rec in state["files"].values()}
    clauses = json.loads((home / state["clauses_file"]).read_text(encoding="utf-8"))["clauses"]
    by_doc: dict[str, list] = {}
    for c in clauses:
        by_doc.setdefault(c["doc_id"], []).append(c)
    sparse = json.loads((home / state["sparse_file"]).read_text(encoding="utf-8"))
    return {"files": files, "clauses": by_doc, "sparse": dict(sorted(sparse["docs"].items())),
            "embedding": state["embedding"], "parser": state["parser_version"], "format": state["format"]}


def dense(home: Path) -> dict:
    """The dense store: id -> (text, our metadata, embedding rounded)."""
    store = ClauseIndex(Settings.from_env(home=home)).vector_store()
    if store is None:
        return {}
    got = store._collection.get(include=["documents", "metadatas", "embeddings"])
    keys = ("clause_id", "doc_id", "kind", "label", "source", "page")
    return {i: (d, {k: m.get(k) for k in keys}, [round(float(x), 4) for x in e])
            for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])}


def assert_same_dense(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    for node_id, (text, meta, emb) in want.items():
        g_text, g_meta, g_emb = got[node_id]
        assert (g_text, g_meta) == (text, meta), node_id
        assert max(abs(a - b) for a, b in zip(g_emb, emb)) < 2e-3, node_id


def reader_view(home: Path) -> dict:
    """What a reader (another process answering questions) loads right now."""
    index = ClauseIndex(Settings.from_env(home=home))
    clauses = index.clauses()
    # The sparse index covers exactly the retrievable committed clauses.
    assert set(index.bm25().ids) == {cid for cid, c in clauses.items() if retrieval_text(c)}
    return {cid: c.text for cid, c in clauses.items()}


@pytest.fixture(scope="module", autouse=True)
def _no_vector_cache():
    """Crash points are counted by writes and embedding is part of the scenarios: every text
    is embedded here, as without a vector cache."""
    saved = os.environ.pop("POLICY_ASSISTANT_VECTOR_CACHE", None)
    yield
    if saved is not None:
        os.environ["POLICY_ASSISTANT_VECTOR_CACHE"] = saved


@pytest.fixture(scope="module")
def world(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The starting index, and for each scenario the clean result and its list of steps."""
    root = tmp_path_factory.mktemp("crash")
    docs = root / "docs"
    write_docs(docs, 1)
    base = root / "base" / "home"
    copy_home(built_home, base)
    ingest([docs], Settings.from_env(home=base))
    out = {"root": root, "docs": docs, "base": base, "base_view": reader_view(base)}
    for name, args in SCENARIOS.items():
        home = root / f"clean-{name}" / "home"
        copy_home(base, home)
        write_docs(docs, 2)
        log = root / f"steps-{name}.log"
        started = time.perf_counter()
        rc, text = run_cli(home, [a.format(docs=docs) for a in args], log=log)
        assert rc == 0, text
        steps = log.read_text(encoding="utf-8").splitlines()
        out[name] = {"home": home, "seconds": time.perf_counter() - started, "steps": steps,
                     "content": content(home), "dense": dense(home), "view": reader_view(home)}
        write_docs(docs, 1)
    return out


def _crash_and_recover(world: dict, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       **kill) -> int | None:
    """Run a scenario killed as ``kill`` says, check what a reader sees, recover, compare.

    Returns:
        The killed run's exit status (``-SIGKILL`` when it was killed).
    """
    from assistant import cli

    home = tmp_path / "home"
    copy_home(world["base"], home)
    docs = world["docs"]
    write_docs(docs, 2)
    try:
        args = [a.format(docs=docs) for a in SCENARIOS[name]]
        rc, _ = run_cli(home, args, log=tmp_path / "steps.log", **kill)
        # A reader sees a whole committed index: the old one, the new one or (mid-rebuild) none.
        view = reader_view(home)
        assert view in (world["base_view"], world[name]["view"], {}), "reader saw a half-written index"
        # The same command again (in this process: the same code the CLI runs) finishes the job;
        # a document already removed is not there to remove again, and any ingestion finishes
        # the change instead.
        monkeypatch.setenv("POLICY_ASSISTANT_HOME", str(home))
        if name == "remove" and not any(cid.startswith("st-english:") for cid in view):
            args = ["ingest"]
        assert cli.main(args) == 0
    finally:
        write_docs(docs, 1)
    assert content(home) == world[name]["content"]
    assert_same_dense(dense(home), world[name]["dense"])
    leftovers = sorted(p.name for p in home.iterdir() if p.name.endswith(".tmp") or p.name.startswith(
        (JOURNAL_FILE, ".lock.json")))
    assert leftovers == []
    return rc


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_clean_runs_differ_from_the_start(world: dict, name: str) -> None:
    # Otherwise a recovery that did nothing would pass.
    assert world[name]["content"] != content(world["base"])
    assert any(("dense add" if name != "remove" else "dense delete") in s for s in world[name]["steps"])


def test_a_run_killed_while_embedding_resumes_from_the_finished_batches(
        world: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import cli
    from assistant.index.embedcache import EmbeddingCache

    home = tmp_path / "home"
    copy_home(world["base"], home)
    docs = world["docs"]
    write_docs(docs, 2)
    # The texts the update embeds: every retrievable clause of the documents it changes.
    base, want = content(world["base"])["clauses"], world["update"]["content"]["clauses"]
    changed = [d for d in want if want[d] != base.get(d)]
    total = sum(1 for d in changed for c in want[d] if retrieval_text(Clause(**c)))
    assert total > 12
    embedded: list[int] = []
    original = EmbeddingCache.put

    def counting(self, texts, vectors):  # called once per batch the model embedded
        embedded.append(len(texts))
        return original(self, texts, vectors)

    try:
        args = [a.format(docs=docs) for a in SCENARIOS["update"]]
        rc, out = run_cli(home, args, log=tmp_path / "steps.log",
                          extra_env={"CRASH_EMBED_BATCH": "4", "CRASH_AT": "after write batch-:3"})
        assert rc == -signal.SIGKILL, out
        assert len(list((home / "embed-cache").rglob("batch-*.json"))) == 3
        assert reader_view(home) == world["base_view"]  # nothing committed yet
        monkeypatch.setattr(ClauseIndex, "embed_batch", 4)
        monkeypatch.setattr(EmbeddingCache, "put", counting)
        monkeypatch.setenv("POLICY_ASSISTANT_HOME", str(home))
        assert cli.main(args) == 0
    finally:
        write_docs(docs, 1)
    rest = total - 12  # the three finished batches are not embedded again
    assert embedded == [min(4, rest - i) for i in range(0, rest, 4)]
    assert content(home) == world["update"]["content"]
    assert_same_dense(dense(home), world["update"]["dense"])
    assert not (home / "embed-cache").exists()


@pytest.mark.parametrize("seed", STEP_SEEDS)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kill_at_a_random_write_step_then_ingest_again(world: dict, name: str, seed: int, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    steps = world[name]["steps"]
    step = random.Random(f"{name}-{seed}").randint(1, len(steps))
    _crash_and_recover(world, name, tmp_path, monkeypatch, step=step)
    reached = (tmp_path / "steps.log").read_text(encoding="utf-8").splitlines()
    assert reached[-1] == steps[step - 1]  # it did die there


@pytest.mark.parametrize("seed", TIME_SEEDS)
def test_kill_after_a_random_delay_then_ingest_again(world: dict, seed: int, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    delay = random.Random(seed).uniform(0.2, 0.9) * world["update"]["seconds"]
    for attempt in range(4):
        case = tmp_path / f"attempt-{attempt}"
        case.mkdir()
        rc = _crash_and_recover(world, "update", case, monkeypatch, kill_after=delay)
        if rc == -signal.SIGKILL:
            break
        delay /= 2  # the machine was faster than when the clean run was timed: kill sooner
    assert rc == -signal.SIGKILL  # it was killed, not finished


@pytest.mark.skipif(not os.environ.get("POLICY_ASSISTANT_TEST_CRASH_WALK"),
                    reason="slow (one kill per write step); set POLICY_ASSISTANT_TEST_CRASH_WALK=1")
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_write_step_is_recoverable(world: dict, name: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded tests sample steps; this walks all of them."""
    for step in range(1, len(world[name]["steps"]) + 1):
        case = tmp_path / f"step-{step}"
        case.mkdir()
        _crash_and_recover(world, name, case, monkeypatch, step=step)
