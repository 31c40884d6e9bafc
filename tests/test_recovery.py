"""Recovery: every damaged state of a home ends in one Chinese line that names the file and
a command that fixes it, and that command works.

Each case damages a private copy of a small home (one 办法 of 15 clauses, so a rebuild is
quick), runs ``ask`` and checks the message, runs the command the message names, and
checks that questions are answered again from the whole index.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import DATA, run_cli

from assistant.config import Settings
from assistant.errors import IndexReadOnlyError
from assistant.index.ingest import ingest
from assistant.index.store import SOURCES_FILE, STATE_FILE, ClauseIndex, retrieval_text

QUESTION = "工业用地容积率不低于多少？"
REBUILD = "policy-assistant ingest --rebuild"


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding banfa.txt only (read-only: tests copy it)."""
    root = tmp_path_factory.mktemp("recovery")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(DATA / "banfa.txt", docs / "banfa.txt")
    shutil.copy(DATA / "manifest.toml", docs / "manifest.toml")
    home = root / "home"
    assert ingest([docs / "banfa.txt"], Settings.from_env(home=home)).added == ["banfa.txt"]
    return home


@pytest.fixture
def home(small_home: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "home"
    shutil.copytree(small_home, dest, ignore=shutil.ignore_patterns(".lock*"))
    return dest


def _state(home: Path) -> dict:
    return json.loads((home / STATE_FILE).read_text(encoding="utf-8"))


def _snapshot(home: Path, key: str) -> Path:
    return home / _state(home)[f"{key}_file"]


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _error_line(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-1500:], proc.stderr[-1500:])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.rstrip("\n").rsplit("\n", 1)[-1]
    assert last.startswith("policy-assistant: error: "), proc.stderr[-1500:]
    return last


def _answers_from_the_whole_index(home: Path) -> None:
    from assistant.core import Assistant

    # Retrieval, dense and BM25 alike, finds the clause (the index is what is checked here).
    assistant = Assistant(Settings.from_env(home=home), auto_ingest=False)
    for mode in ("dense", "bm25"):
        assert assistant.retrieve(QUESTION, k=1, mode=mode)[0].clause.id == "test-banfa:art4"
    index = ClauseIndex(Settings.from_env(home=home))
    ids = sorted(c.id for c in index.clauses().values() if retrieval_text(c))
    assert len(ids) == 15
    assert sorted(index.vector_store()._collection.get(include=[])["ids"]) == ids
    index.close()


DAMAGE = {
    "clauses truncated": (lambda h: _truncate(_snapshot(h, "clauses")), lambda h: _state(h)["clauses_file"]),
    "clauses deleted": (lambda h: _snapshot(h, "clauses").unlink(), lambda h: _state(h)["clauses_file"]),
    "clauses wrong schema": (lambda h: _snapshot(h, "clauses").write_text('{"clauses":[{"id":1}]}'),
                             lambda h: _state(h)["clauses_file"]),
    "sparse truncated": (lambda h: _truncate(_snapshot(h, "sparse")), lambda h: _state(h)["sparse_file"]),
    "sparse deleted": (lambda h: _snapshot(h, "sparse").unlink(), lambda h: _state(h)["sparse_file"]),
    "index.json truncated": (lambda h: _truncate(h / STATE_FILE), lambda h: STATE_FILE),
    "index.json deleted": (lambda h: (h / STATE_FILE).unlink(), lambda h: STATE_FILE),
    "index.json files not a table": (
        lambda h: (h / STATE_FILE).write_text(json.dumps({**_state(h), "files": "x"})), lambda h: STATE_FILE),
    "chroma garbage": (lambda h: (h / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000),
                       lambda h: "chroma.sqlite3"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damage_is_named_and_the_named_command_repairs_it(home: Path, case: str) -> None:
    damage, name_of = DAMAGE[case]
    name = name_of(home)
    damage(home)
    line = _error_line(run_cli("ask", QUESTION, home=home))
    assert name in line and REBUILD in line, line
    assert "已损坏" in line
    proc = run_cli("ingest", "--rebuild", home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("导入完成：新增 1，"), proc.stdout
    _answers_from_the_whole_index(home)


def test_a_rebuild_without_any_record_asks_for_the_sources(home: Path) -> None:
    source = next(iter(_state(home)["files"]))
    (home / STATE_FILE).write_text("{", encoding="utf-8")
    (home / SOURCES_FILE).write_text("[", encoding="utf-8")
    line = _error_line(run_cli("ingest", "--rebuild", home=home))
    assert line == (f"policy-assistant: error: {home / STATE_FILE} 及其备份都已损坏，无法得知原来导入了哪些文件。"
                    f"请运行 {REBUILD} 文件或文件夹…，列出要重新导入的源文件。")
    proc = run_cli("ingest", "--rebuild", source, home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _answers_from_the_whole_index(home)


def test_a_rebuild_names_a_source_file_that_is_gone(home: Path, tmp_path: Path) -> None:
    state = _state(home)
    state["files"] = {str(tmp_path / "gone" / "banfa.txt"): next(iter(state["files"].values()))}
    (home / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    line = _error_line(run_cli("ingest", "--rebuild", home=home))
    assert str(tmp_path / "gone" / "banfa.txt") in line and "test-banfa" in line and "--keep-going" in line
    assert len(ClauseIndex(Settings.from_env(home=home)).clauses()) == 15  # nothing dropped


def test_a_deleted_dense_store_is_repaired_by_ingest(home: Path) -> None:
    source = next(iter(_state(home)["files"]))
    shutil.rmtree(home / "chroma")
    proc = run_cli("ingest", source, home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("导入完成：新增 0，更新 0，未变 1，移除 0，修复 1（向量库与条款库不一致）"), proc.stdout
    _answers_from_the_whole_index(home)


def test_a_dense_store_missing_vectors_is_repaired_at_start_up(home: Path) -> None:
    from assistant.core import Assistant

    index = ClauseIndex(Settings.from_env(home=home))
    col = index.vector_store()._collection
    col.delete(ids=["test-banfa:art4", "test-banfa:art5"])
    index.close()
    messages: list[str] = []
    assistant = Assistant(Settings.from_env(home=home), progress=messages.append)
    assert assistant.retrieve(QUESTION, k=1, mode="dense")[0].clause.id == "test-banfa:art4"
    assert messages[0] == f"向量库与条款库不一致（{home}）"
    assert any(m.startswith("导入完成：新增 0，更新 0，未变 0，移除 0，修复 1") for m in messages), messages
    assistant.reload()
    _answers_from_the_whole_index(home)


def test_a_home_that_is_a_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    for args in (("ask", QUESTION), ("ingest", str(DATA / "banfa.txt")), ("documents",)):
        line = _error_line(run_cli(*args, home=home))
        assert line == (f"policy-assistant: error: 数据目录 {home} 是一个文件，不是文件夹；请删除或改名该文件"
                        f"（mv {home} {home}.bak），或设置 POLICY_ASSISTANT_HOME 指向一个文件夹。")
    shutil.move(home, f"{home}.bak")
    proc = run_cli("ingest", str(DATA / "banfa.txt"), home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_read_only_home_answers_and_refuses_to_ingest(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.core import Assistant

    real_access = os.access
    # As root chmod does not stop writes; the check is what decides.
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == home and mode & os.W_OK
                        else real_access(p, mode, **kw))
    settings = Settings.from_env(home=home)
    with pytest.raises(IndexReadOnlyError) as err:
        ingest([DATA / "banfa.txt"], settings)
    assert str(err.value) == (f"数据目录 {home} 是只读的，无法导入或修改索引（提问仍可进行）；请运行 chmod u+w {home}，"
                              "或设置 POLICY_ASSISTANT_HOME 指向一个可写的文件夹。")
    hits = Assistant(settings).retrieve(QUESTION, k=1, mode="dense")
    assert hits[0].clause.id == "test-banfa:art4"
