"""Metadata read from the text (no manifest): every regulation of evals/documents and the
shipped document, PDF and text; labels; document ids; front-matter comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.corpus import load_manifest, meta_for_file, parse_file
from assistant.documents.meta import (
    clean_title,
    document_id,
    extract_meta,
    label_names,
    strip_comments,
    with_label_names,
)
from assistant.models import DocumentMeta
from assistant.read.base import Paragraph

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "evals" / "documents"
CORPUS = ROOT / "corpus"
PLAN = "北仑区加快低效工业用地综合整治推动产业集聚提质提能攻坚行动方案（2024-2026年）"

EXPECTED = {
    "business-environment-2019.md": dict(
        id="business-environment-2019", doc_number="国务院令第722号", title="优化营商环境条例", issuers=["国务院"],
        adopted=date(2019, 10, 8), promulgated=date(2019, 10, 22), valid_from=date(2020, 1, 1)),
    "investment-project-approval-2016.md": dict(
        id="investment-project-approval-2016", doc_number="国务院令第673号", title="企业投资项目核准和备案管理条例",
        issuers=["国务院"], adopted=date(2016, 10, 8), promulgated=date(2016, 11, 30), valid_from=date(2017, 2, 1)),
    "shanghai-urban-rural-planning-2018.md": dict(
        id="shanghai-urban-rural-planning-2018", title="上海市城乡规划条例", issuers=["上海市人民代表大会常务委员会"],
        adopted=date(2010, 11, 11), revised=date(2018, 12, 20), valid_from=date(2011, 1, 1)),
    "sme-payment-2020.md": dict(id="sme-payment-2020", title="保障中小企业款项支付条例", valid_from=date(2020, 9, 1)),
    "sme-payment-2025.md": dict(
        id="sme-payment-2025", doc_number="国务院令第802号", title="保障中小企业款项支付条例", issuers=["国务院"],
        promulgated=date(2020, 7, 5), revised=date(2025, 3, 17), valid_from=date(2025, 6, 1)),
    "sme-promotion-law-2017.md": dict(
        id="sme-promotion-law-2017", title="中华人民共和国中小企业促进法", issuers=["全国人民代表大会常务委员会"],
        adopted=date(2002, 6, 29), revised=date(2017, 9, 1), valid_from=date(2018, 1, 1)),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_regulation_metadata_from_text(name: str) -> None:
    meta = meta_for_file(DOCS / name, [])
    assert meta.model_dump(exclude_defaults=True) == {**EXPECTED[name], "files": [name]}


def test_every_regulation_is_covered() -> None:
    assert sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md") == sorted(EXPECTED)


@pytest.mark.parametrize("name", ["lzb-2024-22.txt", "lzb-2024-22.pdf"])
def test_shipped_document_without_its_manifest(name: str) -> None:
    """Read from the text alone, the shipped plan gets what its manifest says (bar the notes)."""
    meta = meta_for_file(CORPUS / name, [])
    manifest = load_manifest()[0]
    assert meta.model_dump(exclude={"files", "notes"}) == manifest.model_dump(exclude={"files", "notes"})
    assert (meta.title, meta.doc_number, meta.valid_to, meta.files) == (PLAN, "仑政办〔2024〕22号", date(2026, 12, 31), [name])


def test_shipped_labels_without_manifest_match_those_with_it() -> None:
    bare = parse_file(CORPUS / "lzb-2024-22.txt", meta_for_file(CORPUS / "lzb-2024-22.txt", []))
    listed = parse_file(CORPUS / "lzb-2024-22.txt")
    assert [(c.id, c.label, c.text) for c in bare] == [(c.id, c.label, c.text) for c in listed]
    assert bare[0].label == "仑政办〔2024〕22号 印发通知"


def test_labels_read_like_citations() -> None:
    clauses = {c.id: c for c in parse_file(DOCS / "business-environment-2019.md")}
    art19 = next(c for c in clauses.values() if c.kind == "article" and c.number == "十九")
    assert art19.label == "优化营商环境条例 第十九条"
    assert next(c.label for c in clauses.values() if c.kind == "section") == "优化营商环境条例 第一章 总则"


def test_two_versions_of_one_title_are_told_apart_by_year() -> None:
    metas = [meta_for_file(DOCS / name, []) for name in sorted(EXPECTED)]
    names = label_names(metas)
    assert names == {
        "business-environment-2019": "优化营商环境条例",
        "investment-project-approval-2016": "企业投资项目核准和备案管理条例",
        "shanghai-urban-rural-planning-2018": "上海市城乡规划条例",
        "sme-payment-2020": "保障中小企业款项支付条例（2020）",
        "sme-payment-2025": "保障中小企业款项支付条例（2025）",
        "sme-promotion-law-2017": "中华人民共和国中小企业促进法",
    }
    named = {m.id: m for m in with_label_names(metas)}
    assert named["sme-payment-2025"].cite_as == "保障中小企业款项支付条例（2025）"
    assert named["business-environment-2019"].cite_as is None
    art9 = next(c for c in parse_file(DOCS / "sme-payment-2025.md", named["sme-payment-2025"])
                if c.kind == "article" and c.number == "九")
    assert art9.label == "保障中小企业款项支付条例（2025） 第九条"
    old9 = next(c for c in parse_file(DOCS / "sme-payment-2020.md", named["sme-payment-2020"])
                if c.kind == "article" and c.number == "九")
    assert old9.label == "保障中小企业款项支付条例（2020） 第九条"
    # Alone in the index, a version is named by its title only.
    assert label_names([metas[4]]) == {"sme-payment-2025": "保障中小企业款项支付条例"}


def test_same_title_and_year_falls_back_to_the_id() -> None:
    a = DocumentMeta(id="a", title="某条例", promulgated=date(2020, 1, 1))
    b = DocumentMeta(id="b", title="某条例", promulgated=date(2020, 5, 1))
    assert label_names([a, b]) == {"a": "某条例（2020，a）", "b": "某条例（2020，b）"}


@pytest.mark.parametrize(("stem", "meta", "expected"), [
    ("sme-payment-2025", DocumentMeta(id="x", title="保障中小企业款项支付条例"), "sme-payment-2025"),
    ("My_File 2024", DocumentMeta(id="x", title="t"), "my-file-2024"),
    ("北仑区政策", DocumentMeta(id="x", title="北仑区政策", doc_number="仑政办〔2024〕22号"), "2024-22-ded191bf"),
    ("北仑区政策", DocumentMeta(id="x", title="北仑区政策"), "doc-ded191bf"),
    ("条例", DocumentMeta(id="x", title="优化营商环境条例", doc_number="国务院令第722号"), "722-05048901"),
])
def test_document_id(stem: str, meta: DocumentMeta, expected: str) -> None:
    assert document_id(meta, Path(f"/some/where/{stem}.md")) == expected


def test_document_id_is_deterministic_and_ascii(tmp_path: Path) -> None:
    path = tmp_path / "营商环境.md"
    path.write_text((DOCS / "business-environment-2019.md").read_text(encoding="utf-8"), encoding="utf-8")
    first, second = meta_for_file(path, []), meta_for_file(path, [])
    assert first.id == second.id == document_id(first, path)
    assert first.id.isascii() and first.id.startswith("722-")
    assert parse_file(path)[0].id.startswith(first.id + ":")


def test_comment_lines_do_not_enter_the_preamble() -> None:
    for name in EXPECTED:
        for c in parse_file(DOCS / name):
            assert "<!--" not in c.text and "-->" not in c.text, (name, c.id)
    pre = next(c for c in parse_file(DOCS / "business-environment-2019.md") if c.kind == "preamble")
    assert pre.text.endswith("施行")
    assert [p.text for p in strip_comments([Paragraph("a<!-- x -->b", 1), Paragraph("<!-- INFO END -->", 1)])] == ["ab"]


def test_validity_words_in_text_and_title(tmp_path: Path) -> None:
    def meta(text: str) -> DocumentMeta:
        return extract_meta([Paragraph(t, 1) for t in text.split("\n")], tmp_path / "x.txt")

    m = meta("某市工业用地管理办法（试行）\n第一条 为了规范管理，制定本办法。\n第九条 本办法自2023年3月1日起施行，有效期至2025年2月28日。")
    assert (m.title, m.trial, m.valid_from, m.valid_to) == ("某市工业用地管理办法（试行）", True, date(2023, 3, 1), date(2025, 2, 28))
    m = meta("某区扶持办法\n第一条 为了扶持企业，制定本办法。\n第九条 本办法自2024年1月1日起施行，有效期3年。")
    assert (m.trial, m.valid_from, m.valid_to) == (False, date(2024, 1, 1), date(2026, 12, 31))
    m = meta("某区行动方案(2023-2025年)\n一、总体要求\n做好工作。")
    assert (m.title, m.valid_from, m.valid_to) == ("某区行动方案（2023-2025年）", date(2023, 1, 1), date(2025, 12, 31))


def test_clean_title() -> None:
    assert clean_title("# 北仑区加快整治 推动提能方案 (2024-2026年)") == "北仑区加快整治推动提能方案（2024-2026年）"
    assert clean_title("Beilun Plan 方案") == "Beilun Plan方案"


def test_relabel_matches_a_fresh_parse() -> None:
    from assistant.documents.meta import relabel

    metas = [meta_for_file(DOCS / name, []) for name in ("sme-payment-2020.md", "sme-payment-2025.md")]
    named = with_label_names(metas)
    plain = parse_file(DOCS / "sme-payment-2025.md", metas[1])
    fresh = parse_file(DOCS / "sme-payment-2025.md", named[1])
    assert relabel(plain, metas[1].short_name, named[1].short_name) == fresh
    assert fresh[0].label == "保障中小企业款项支付条例（2025） 前言"
    art1 = next(c for c in fresh if c.kind == "article" and c.number == "一")
    assert art1.path == ["保障中小企业款项支付条例（2025） 第一章 总 则"]


def test_strip_comments_leaves_other_paragraphs_alone() -> None:
    row = Paragraph("\t改造提升老旧工业区块（个）\t完成老工业区块改造涉企用地（亩）", 5, tabular=True)
    assert strip_comments([row]) == [row]


def test_renamed_when_a_second_version_arrives_and_leaves() -> None:
    from assistant.documents.meta import renamed

    old, new = (meta_for_file(DOCS / name, []) for name in ("sme-payment-2020.md", "sme-payment-2025.md"))
    plan = load_manifest()[0]
    changes = renamed([plan, old, new])
    assert [(a.short_name, b.short_name) for a, b in changes] == [
        ("保障中小企业款项支付条例", "保障中小企业款项支付条例（2020）"),
        ("保障中小企业款项支付条例", "保障中小企业款项支付条例（2025）")]
    named = [b for _, b in changes]
    assert renamed([plan, *named]) == []
    back = renamed([plan, named[1]])  # the 2020 version left the index
    assert [(a.short_name, b.short_name, b.cite_as) for a, b in back] == [
        ("保障中小企业款项支付条例（2025）", "保障中小企业款项支付条例", None)]


def test_index_records_written_before_the_new_fields_still_load() -> None:
    record = {"id": "lzb-2024-22", "doc_number": "仑政办〔2024〕22号", "title": PLAN, "issuers": [],
              "signed": "2024-08-27", "printed": None, "valid_from": "2024-01-01", "valid_to": "2026-12-31",
              "files": ["lzb-2024-22.pdf"], "notes": None}
    meta = DocumentMeta(**record)
    assert (meta.short_name, meta.cite_as, meta.revised, meta.trial) == ("仑政办〔2024〕22号", None, None, False)
