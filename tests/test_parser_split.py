"""Long runs of text become clauses of bounded length, cut at sentence ends, with stable ids."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import CORPUS_PDF, squash

from assistant.clauses.split import MAX_CLAUSE_CHARS, pack_paragraphs, split_text
from assistant.corpus import parse_file

WORDS = ["工业用地", "整治", "改造提升", "企业", "补助", "容积率", "亩均税收", "街道", "项目", "审批"]


def _sentences(n: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    return "".join("".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40))) + rng.choice("。；，")
                   for _ in range(n))


@pytest.mark.parametrize("text, max_chars, pieces", [
    ("短句。", 10, ["短句。"]),
    ("第一句话。第二句话。第三句话。", 10, ["第一句话。第二句话。", "第三句话。"]),
    ("甲乙丙丁，戊己庚辛，壬癸。", 6, ["甲乙丙丁，", "戊己庚辛，", "壬癸。"]),   # a sentence too long: at commas
    ("一二三四五六七八九十", 4, ["一二三四", "五六七八", "九十"]),             # no punctuation: anywhere
    ("一句；二句！三句？", 6, ["一句；二句！", "三句？"]),
])
def test_split_text_cuts_at_the_best_place(text: str, max_chars: int, pieces: list[str]) -> None:
    assert split_text(text, max_chars) == pieces


def test_split_text_gives_the_text_back_in_bounded_pieces() -> None:
    text = _sentences(3000) + "无标点" * 2000
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert max(len(p) for p in pieces) == MAX_CLAUSE_CHARS
    # Sentence ends wherever there is one; the run without punctuation is cut anywhere.
    assert all(p.endswith(("。", "；")) for p in pieces if "无标点" not in p)
    assert len([p for p in pieces if "无标点" in p]) == -(-len("无标点" * 2000) // MAX_CLAUSE_CHARS)


def test_pack_paragraphs_keeps_short_paragraphs_whole() -> None:
    assert pack_paragraphs(["甲" * 5, "乙" * 5, "丙" * 5], 11) == [["甲" * 5, "乙" * 5], ["丙" * 5]]
    # A paragraph longer than the limit is cut, and its pieces are parts of their own.
    assert pack_paragraphs(["甲" * 5, "乙。" * 6], 11) == [["甲" * 5], ["乙。" * 5], ["乙。"]]


def test_a_5mb_single_line_markdown_becomes_bounded_clauses(tmp_path: Path) -> None:
    text = _sentences(90_000)
    while len(text.encode("utf-8")) < 5 * 1024 * 1024:
        text += _sentences(5_000, seed=len(text))
    path = tmp_path / "one-line.md"
    path.write_text(text, encoding="utf-8")
    clauses = parse_file(path)
    parts = [c for c in clauses if c.id.startswith("one-line:preamble.part")]
    assert len(parts) == len(clauses) - 1 and len(parts) >= len(text) // MAX_CLAUSE_CHARS
    assert max(len(c.text) for c in parts) <= MAX_CLAUSE_CHARS
    assert [c.id for c in parts] == [f"one-line:preamble.part{i}" for i in range(1, len(parts) + 1)]
    assert parts[0].label == "one-line 前言（第1部分）" and parts[0].parent_id == "one-line:preamble"
    assert squash("".join(c.text for c in parts)) == squash(text)
    root = clauses[0]
    assert root.own_text == "" and root.children == [c.id for c in parts]
    again = parse_file(path)
    assert [(c.id, c.text) for c in again] == [(c.id, c.text) for c in clauses]  # stable ids


def test_a_long_article_keeps_its_number_and_splits_into_parts(tmp_path: Path) -> None:
    body = _sentences(400, seed=9)
    path = tmp_path / "banfa.md"
    path.write_text(f"# 测试办法\n\n第一条 {body}\n\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    clauses = {c.id: c for c in parse_file(path)}
    parts = [cid for cid in clauses if cid.startswith("banfa:art1.part")]
    assert [clauses[p].text for p in parts] == split_text("第一条 " + body)
    assert len(parts) >= 3
    assert clauses["banfa:art1"].children == parts
    assert clauses[parts[0]].text.startswith("第一条 ")
    assert squash(clauses["banfa:art1"].text) == squash("第一条 " + body)
    assert clauses["banfa:art2"].text == "第二条 本办法自发布之日起施行。"
    assert not any(".part" in cid for cid in clauses if not cid.startswith("banfa:art1"))


def test_the_shipped_document_has_no_parts() -> None:
    clauses = parse_file(CORPUS_PDF)
    assert len(clauses) == 124
    assert not [c.id for c in clauses if ".part" in c.id]


def test_parts_are_retrieved_and_cited_whole(home_copy: Path, tmp_path: Path) -> None:
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    filler = _sentences(40, seed=5)
    needle = "对于本测试特设的蓝鲸孵化园区，每亩给予八十八万元的专项奖励。"
    path = tmp_path / "long-notice.md"
    path.write_text(f"# 长文测试\n\n{filler}{needle}{_sentences(40, seed=6)}\n", encoding="utf-8")
    settings = Settings.from_env(home=home_copy)
    ingest([path], settings)
    hits = Assistant(settings, auto_ingest=False).retrieve("蓝鲸孵化园区每亩奖励多少？", k=3)
    top = hits[0].clause
    assert top.id.startswith("long-notice:preamble.part") and needle in top.text
    assert len(top.text) <= MAX_CLAUSE_CHARS
