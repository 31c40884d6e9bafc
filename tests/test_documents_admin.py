"""Managing documents without surprises: what is removed stays removed, with its rules.

A pack (a document's calculators and rules) is installed into ``<home>/packs`` when its
document is ingested and goes when the document is removed, through any path: Python,
the command line, the UI. A re-index re-reads the documents the index holds, so it neither
brings back a document an admin removed nor loses one that is held; an upload adds a
document beside the shipped one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from assistant.config import Settings
from assistant.core import Assistant
from assistant.corpus import shipped_corpus_dir
from assistant.index.ingest import held_files, ingest, remove_document
from assistant.packs.loader import PACKS_DIR, active_tools, pack_dirs

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = "lzb-2024-22"
REGULATION = ROOT / "evals" / "documents" / "sme-payment-2025.md"

# A small 办法 that the shipped plan says nothing about (household waste sorting in villages).
UPLOAD_NAME = "村庄生活垃圾分类办法.txt"
UPLOAD_TEXT = """某县农村生活垃圾分类管理办法（试行）

第一条 为推进农村生活垃圾分类，改善村庄人居环境，结合本县实际，制定本办法。

第二条 本办法适用于本县行政村范围内生活垃圾的分类投放、收集和处理。

第三条 村民应当将生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，分别投放到指定的收集容器。

第四条 厨余垃圾由村保洁员每日上门收集，收集时间为每天上午七时至九时。

第五条 有害垃圾由乡镇人民政府每季度组织一次集中清运，交有资质的单位处理。

第六条 对分类投放成绩突出的农户，由乡镇人民政府给予每户每年最高二百元的积分奖励。

第七条 本办法自发布之日起施行。
"""


def _installed(home: Path) -> list[str]:
    """The document ids whose packs are installed in ``home``."""
    folder = home / PACKS_DIR
    return sorted(p.name.removesuffix(".pack.toml") for p in folder.glob("*.pack.toml")) if folder.is_dir() else []


def _tool_docs(home: Path) -> set[str]:
    """The documents whose calculators are active in the index of ``home``."""
    bot = Assistant(Settings(home=home), auto_ingest=False)
    return {t.doc_id for t in active_tools(bot.index.clauses(), pack_dirs(home))}


@pytest.fixture
def service(home_copy: Path):
    from ui.service import AdminGate, UiService

    return UiService(Assistant(Settings(home=home_copy), auto_ingest=False), AdminGate("127.0.0.1", None))


def _upload(service, tmp_path: Path, name: str = UPLOAD_NAME, text: str = UPLOAD_TEXT):
    folder = tmp_path / "browser"
    folder.mkdir(exist_ok=True)
    src = folder / name
    src.write_text(text, encoding="utf-8")
    return service.upload([str(src)], None)


# -- a removed document takes its pack with it ---------------------------------------------------------
def test_removing_a_document_removes_its_installed_pack(home_copy: Path) -> None:
    settings = Settings(home=home_copy)
    assert ingest([REGULATION], settings).added == [REGULATION.name]
    assert _installed(home_copy) == [SHIPPED, "sme-payment-2025"]
    assert _tool_docs(home_copy) == {SHIPPED, "sme-payment-2025"}
    report = remove_document("sme-payment-2025", settings)
    assert report.removed == [REGULATION.name]
    assert report.notes == ["文档 sme-payment-2025 已不在索引中，其规则包（计算工具、适用条件）已一并移除"]
    assert _installed(home_copy) == [SHIPPED]
    assert _tool_docs(home_copy) == {SHIPPED}
    assert REGULATION.is_file() and REGULATION.with_suffix(".pack.toml").is_file()  # sources untouched


def test_a_later_document_with_the_removed_id_does_not_inherit_its_rules(home_copy: Path, tmp_path: Path) -> None:
    settings = Settings(home=home_copy)
    ingest([REGULATION], settings)
    remove_document("sme-payment-2025", settings)
    # Another text under the same file name (so the same document id), without a pack beside it.
    other = tmp_path / REGULATION.name
    other.write_text(UPLOAD_TEXT, encoding="utf-8")
    report = ingest([other], settings)
    assert report.added == [REGULATION.name]
    assert "sme-payment-2025" in {m.id for m in Assistant(settings, auto_ingest=False).documents()}
    assert _installed(home_copy) == [SHIPPED]
    assert _tool_docs(home_copy) == {SHIPPED}


def test_removing_from_the_command_line_removes_the_pack(home_copy: Path) -> None:
    assert ingest([REGULATION], Settings(home=home_copy)).added == [REGULATION.name]
    proc = run_cli("remove", "sme-payment-2025", home=home_copy)
    assert proc.returncode == 0, proc.stderr
    assert _installed(home_copy) == [SHIPPED]


def test_removing_the_shipped_document_in_the_ui_switches_its_calculators_off(service, home_copy: Path) -> None:
    assert _installed(home_copy) == [SHIPPED] and _tool_docs(home_copy) == {SHIPPED}
    report = service.remove(SHIPPED, None)
    assert report.removed == [f"{SHIPPED}.pdf"]
    assert _installed(home_copy) == []
    # The shipped corpus still holds the document and its pack; neither is active.
    assert (shipped_corpus_dir() / f"{SHIPPED}.pack.toml").is_file()
    assert _tool_docs(home_copy) == set()
    assert service.documents() == []


def test_an_ingestion_keeps_the_packs_of_held_documents(home_copy: Path) -> None:
    settings = Settings(home=home_copy)
    ingest([REGULATION], settings)
    again = ingest([REGULATION], settings)
    assert again.unchanged == [REGULATION.name] and again.notes == []
    assert _installed(home_copy) == [SHIPPED, "sme-payment-2025"]


# -- a re-index re-reads what the index holds --------------------------------------------------------------
def test_held_files_are_the_recorded_sources(home_copy: Path, tmp_path: Path) -> None:
    settings = Settings(home=home_copy)
    assert held_files(settings) == [(shipped_corpus_dir() / f"{SHIPPED}.pdf").resolve()]
    ingest([REGULATION], settings)
    assert held_files(settings) == [(shipped_corpus_dir() / f"{SHIPPED}.pdf").resolve(), REGULATION.resolve()]
    remove_document(SHIPPED, settings)
    assert held_files(settings) == [REGULATION.resolve()]
    assert held_files(Settings(home=tmp_path / "never-ingested")) is None


@pytest.mark.parametrize("rebuild", [False, True])
def test_reindex_does_not_bring_back_a_removed_shipped_document(service, home_copy: Path, tmp_path: Path,
                                                                 rebuild: bool) -> None:
    saved, rejected, _ = _upload(service, tmp_path)
    assert (saved, rejected) == ([UPLOAD_NAME], [])
    upload_id = next(d.id for d in service.documents() if d.id != SHIPPED)
    service.remove(SHIPPED, None)
    report = service.reindex(None, rebuild=rebuild)
    assert [d.id for d in service.documents()] == [upload_id]
    assert {c.doc_id for c in service.clauses()} == {upload_id}
    assert (report.added, report.unchanged) == (([UPLOAD_NAME], []) if rebuild else ([], [UPLOAD_NAME]))
    assert _installed(home_copy) == []


def test_reindex_rereads_a_held_file_that_changed(service, tmp_path: Path) -> None:
    _upload(service, tmp_path)
    held = service.uploads_dir / UPLOAD_NAME
    held.write_text(UPLOAD_TEXT.replace("上午七时至九时", "上午六时至八时"), encoding="utf-8")
    report = service.reindex(None)
    assert (report.updated, report.unchanged, report.added) == ([UPLOAD_NAME], [f"{SHIPPED}.pdf"], [])
    assert any("上午六时至八时" in c.text for c in service.clauses())


def test_reindex_of_a_home_that_records_no_files_reads_the_shipped_corpus(home_copy: Path, tmp_path: Path) -> None:
    from ui.service import AdminGate, UiService

    home = tmp_path / "fresh"
    service = UiService(Assistant(Settings(home=home), auto_ingest=False), AdminGate("127.0.0.1", None))
    report = service.reindex(None)
    assert report.added == [f"{SHIPPED}.pdf"]
    assert [d.id for d in service.documents()] == [SHIPPED]


# -- an upload adds a document beside the shipped one ----------------------------------------------------------
def test_an_upload_keeps_the_shipped_document_answering(service, home_copy: Path, tmp_path: Path) -> None:
    saved, rejected, report = _upload(service, tmp_path)
    assert (saved, rejected, report.added) == ([UPLOAD_NAME], [], [UPLOAD_NAME])
    ids = [d.id for d in service.documents()]
    assert len(ids) == 2 and SHIPPED in ids
    upload_id = next(i for i in ids if i != SHIPPED)
    assert _installed(home_copy) == [SHIPPED]

    shipped = service.ask("兼并收购有什么补助？", [])
    assert not shipped.abstained
    assert shipped.citations and shipped.citations[0].id.startswith(SHIPPED + ":")
    assert "30%" in shipped.answer and "[1]" in shipped.answer

    uploaded = service.ask("村里的厨余垃圾每天什么时候收集？", [])
    assert not uploaded.abstained
    assert uploaded.citations[0].id.startswith(upload_id + ":")
    assert "上午七时至九时" in uploaded.citations[0].text
    assert "[1]" in uploaded.answer

    # Both stay through a re-index.
    service.reindex(None)
    assert sorted(d.id for d in service.documents()) == sorted(ids)
