"""Document identity: a document's id is unique and stable; a file never replaces another
document silently; replacing is asked for (``--replace``) or happens for the same path;
a record of a file that moved (the shipped corpus of an earlier install) keeps its document.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, CORPUS_PDF, DATA, DOC, index_files

from assistant.config import Settings
from assistant.corpus import meta_for_file
from assistant.errors import UnknownDocumentError
from assistant.index.identity import unique_id
from assistant.index.ingest import ingest
from assistant.index.store import SOURCES_FILE, STATE_FILE, ClauseIndex

BANFA = (DATA / "banfa.txt").read_text(encoding="utf-8")


def _docs(home: Path) -> dict[str, list[str]]:
    """doc id -> its clause texts, from the committed clause store."""
    out: dict[str, list[str]] = {}
    for c in ClauseIndex(Settings.from_env(home=home)).clauses().values():
        out.setdefault(c.doc_id, []).append(c.text)
    return out


def _files(home: Path) -> dict[str, str]:
    """recorded path -> doc id."""
    state = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
    return {k: rec["doc_id"] for k, rec in state["files"].items()}


def _dense_docs(home: Path) -> set[str]:
    index = ClauseIndex(Settings.from_env(home=home))
    try:
        return {m["doc_id"] for m in index.vector_store()._collection.get(include=["metadatas"])["metadatas"]}
    finally:
        index.close()


def test_unique_id_takes_the_first_free_suffix() -> None:
    assert unique_id("渔业办法", set()) == "渔业办法"
    assert unique_id("渔业办法", {"渔业办法"}) == "渔业办法-2"
    assert unique_id("渔业办法", {"渔业办法", "渔业办法-2", "渔业办法-4"}) == "渔业办法-3"


def test_two_files_of_one_name_in_two_folders_are_two_documents(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env(home=home)
    v1, v2 = tmp_path / "v1" / "渔业办法.txt", tmp_path / "v2" / "渔业办法.txt"
    v1.parent.mkdir()
    v2.parent.mkdir()
    v1.write_text(BANFA, encoding="utf-8")
    v2.write_text(BANFA.replace("不低于2.0", "不低于1.5"), encoding="utf-8")
    base = meta_for_file(v1, []).id
    assert meta_for_file(v2, []).id == base

    first = ingest([v1], settings)
    second = ingest([v2], settings)
    assert (first.added, second.added, second.updated) == (["渔业办法.txt"], ["渔业办法.txt"], [])
    assert second.notes == [
        f"渔业办法.txt：文档编号 {base} 已被另一个文件使用，作为新文档 {base}-2 导入；"
        f"若要替换原文档，请运行 policy-assistant ingest --replace {base} {v2}"]
    docs = _docs(home)
    assert sorted(docs) == sorted([base, f"{base}-2"])
    assert any("不低于2.0" in t for t in docs[base]) and not any("不低于1.5" in t for t in docs[base])
    assert any("不低于1.5" in t for t in docs[f"{base}-2"])
    assert _files(home) == {str(v1.resolve()): base, str(v2.resolve()): f"{base}-2"}
    assert _dense_docs(home) == {base, f"{base}-2"}

    # The same path again is the same document: an edit updates it and keeps its id.
    v2.write_text(BANFA.replace("不低于2.0", "不低于1.2"), encoding="utf-8")
    again = ingest([v2], settings)
    assert (again.added, again.updated) == ([], ["渔业办法.txt"])
    assert any("不低于1.2" in t for t in _docs(home)[f"{base}-2"])
    assert _files(home) == {str(v1.resolve()): base, str(v2.resolve()): f"{base}-2"}

    # Replacing is asked for: a third file takes the first document's id; the second stays.
    v3 = tmp_path / "v3" / "渔业办法.txt"
    v3.parent.mkdir()
    v3.write_text(BANFA.replace("不低于2.0", "不低于1.1"), encoding="utf-8")
    replaced = ingest([v3], settings, replace=base)
    assert (replaced.added, replaced.updated) == ([], ["渔业办法.txt"])
    docs = _docs(home)
    assert sorted(docs) == sorted([base, f"{base}-2"])
    assert any("不低于1.1" in t for t in docs[base]) and not any("不低于2.0" in t for t in docs[base])
    assert _files(home) == {str(v3.resolve()): base, str(v2.resolve()): f"{base}-2"}


def test_replace_refuses_an_unknown_document(tmp_path: Path, built_home: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(BANFA, encoding="utf-8")
    before = index_files(built_home)
    with pytest.raises(UnknownDocumentError, match="已有的文档编号：lzb-2024-22。"):
        ingest([path], Settings.from_env(home=built_home), replace="no-such-doc")
    assert index_files(built_home) == before


def test_names_without_usable_characters_do_not_collide(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env(home=home)
    a, b = tmp_path / "📄.txt", tmp_path / "🎉.txt"
    a.write_text("第一条 渔船应当依法登记。\n\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    b.write_text("第一条 养殖水域应当科学规划。\n\n第二条 本规定自发布之日起施行。\n", encoding="utf-8")
    base_a, base_b = meta_for_file(a, []).id, meta_for_file(b, []).id
    want_b = base_b if base_b != base_a else f"{base_a}-2"
    assert ingest([a], settings).added == ["📄.txt"]
    assert ingest([b], settings).added == ["🎉.txt"]
    docs = _docs(home)
    assert sorted(docs) == sorted([base_a, want_b])
    assert "渔船" in "".join(docs[base_a]) and "养殖水域" in "".join(docs[want_b])
    assert _files(home) == {str(a.resolve()): base_a, str(b.resolve()): want_b}


def test_an_edited_file_equal_to_another_is_read_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env(home=home)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("第一条 渔船应当依法登记。\n\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    b.write_text("第一条 养殖水域应当科学规划。\n\n第二条 本规定自发布之日起施行。\n", encoding="utf-8")
    ingest([a, b], settings)
    id_b = _files(home)[str(b.resolve())]
    shutil.copy(a, b)
    report = ingest([b], settings)
    assert (report.updated, report.skipped) == (["b.txt"], [])
    assert report.notes == [f"b.txt：内容与已索引的 a.txt 相同；按本文件重新读取，仍为文档 {id_b}"]
    assert "渔船" in "".join(_docs(home)[id_b])
    assert "养殖水域" not in "".join(t for texts in _docs(home).values() for t in texts)


def test_the_other_file_of_a_manifest_entry_is_the_same_document(home_copy: Path) -> None:
    # The manifest lists the PDF and its text export as one document: no second copy.
    txt = CORPUS / "lzb-2024-22.txt"
    report = ingest([txt], Settings.from_env(home=home_copy))
    assert (report.added, report.updated) == ([], ["lzb-2024-22.txt"])
    assert _files(home_copy) == {str(txt.resolve()): "lzb-2024-22"}
    assert sorted(_docs(home_copy)) == ["lzb-2024-22"]
    assert len(_docs(home_copy)["lzb-2024-22"]) == 124


def _move_record(home: Path, old_key: str) -> None:
    """Make the shipped document's record point where an earlier install kept it."""
    for name in (STATE_FILE, SOURCES_FILE):
        state = json.loads((home / name).read_text(encoding="utf-8"))
        state["files"] = {old_key: rec for rec in state["files"].values()}
        (home / name).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def test_a_record_from_an_earlier_install_keeps_the_shipped_document(home_copy: Path) -> None:
    old = "/opt/old-install/site-packages/corpus/lzb-2024-22.pdf"
    _move_record(home_copy, old)
    settings = Settings.from_env(home=home_copy)
    report = ingest(None, settings)
    assert (report.added, report.updated, report.removed, report.unchanged) == ([], [], [], ["lzb-2024-22.pdf"])
    assert report.notes == [f"lzb-2024-22.pdf：文件位置已变（原为 {old}），内容未变"]
    assert _files(home_copy) == {str(CORPUS_PDF.resolve()): "lzb-2024-22"}
    assert len(_docs(home_copy)["lzb-2024-22"]) == 124
    assert len(ClauseIndex(settings).vector_store()._collection.get(include=[])["ids"]) > 100


def test_a_rebuild_finds_the_shipped_document_of_an_earlier_install(home_copy: Path) -> None:
    _move_record(home_copy, "/opt/old-install/site-packages/corpus/lzb-2024-22.pdf")
    report = ingest([], Settings.from_env(home=home_copy), rebuild=True)
    assert report.added == ["lzb-2024-22.pdf"]
    assert _files(home_copy) == {str(CORPUS_PDF.resolve()): "lzb-2024-22"}
    assert len(_docs(home_copy)["lzb-2024-22"]) == 124


def test_ask_never_adds_the_shipped_corpus_to_a_home_with_other_documents(tmp_path: Path) -> None:
    from assistant.core import Assistant
    from assistant.index.store import JOURNAL_FILE

    home = tmp_path / "home"
    src = tmp_path / "banfa.txt"
    src.write_text(BANFA, encoding="utf-8")
    settings = Settings.from_env(home=home)
    ingest([src], settings)
    # A leftover journal from a run that never had the shipped document.
    (home / JOURNAL_FILE).write_text(json.dumps({"docs": ["banfa"], "reset": False}), encoding="utf-8")
    assistant = Assistant(settings)
    assert sorted({c.doc_id for c in assistant.index.clauses().values()}) == sorted(_docs(home))
    assert not any(cid.startswith(DOC) for cid in assistant.index.clauses())
    assert not (home / JOURNAL_FILE).exists()
    assert list(_files(home)) == [str(src.resolve())]
