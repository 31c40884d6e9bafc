"""Shapes of real laws: 1,000+ articles, 之一 articles, 编/分编 levels, unique ids, odd spaces."""

from __future__ import annotations

import pytest

from assistant.clauses.numerals import cn_to_int, int_to_cn
from assistant.errors import DuplicateClauseIdError
from assistant.corpus import parse_file
from assistant.models import DocumentMeta


@pytest.mark.parametrize("n, cn", [(999, "九百九十九"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
                                   (1260, "一千二百六十"), (5000, "五千"), (9999, "九千九百九十九")])
def test_numerals_to_nine_thousand(n, cn):
    assert int_to_cn(n) == cn
    assert cn_to_int(cn) == n


def test_a_1200_article_document_keeps_every_article(tmp_path):
    text = "# 大法\n\n" + "\n\n".join(f"第{int_to_cn(i)}条 第{i}条的内容。" for i in range(1, 1201))
    (tmp_path / "big.md").write_text(text, encoding="utf-8")
    arts = [c for c in parse_file(tmp_path / "big.md", DocumentMeta(id="big", title="大法")) if c.kind == "article"]
    assert len(arts) == 1200
    assert (arts[999].id, arts[999].label, arts[999].text) == ("big:art1000", "大法 第一千条", "第一千条 第1000条的内容。")
    assert arts[-1].id == "big:art1200"


LAW = """# 某法

第一编 总则

第一章 一般规定

第一条 总则第一条。

第二条\u2002总则第二条。

第二条之一 之一的内容。

第二编 分则

第一分编 通则

第一章 通则规定

第三条 分则第三条。
"""


def test_parts_sub_parts_and_zhi_yi_articles_get_their_own_clauses(tmp_path):
    (tmp_path / "law.md").write_text(LAW, encoding="utf-8")
    got = [(c.id, c.kind, c.label, c.parent_id) for c in parse_file(tmp_path / "law.md", DocumentMeta(id="p", title="某法"))]
    assert got == [
        ("p:pt1", "section", "某法 第一编 总则", None),
        ("p:pt1.ch1", "section", "某法 第一章 一般规定", "p:pt1"),
        ("p:art1", "article", "某法 第一条", "p:pt1.ch1"),
        ("p:art2", "article", "某法 第二条", "p:pt1.ch1"),
        ("p:art2_1", "article", "某法 第二条之一", "p:pt1.ch1"),
        ("p:pt2", "section", "某法 第二编 分则", None),
        ("p:pt2.sub1", "section", "某法 第二编 分则 第一分编 通则", "p:pt2"),
        ("p:pt2.sub1.ch1", "section", "某法 第一章 通则规定", "p:pt2.sub1"),
        ("p:art3", "article", "某法 第三条", "p:pt2.sub1.ch1"),
    ]


def test_odd_spaces_become_ordinary_ones(tmp_path):
    (tmp_path / "law.md").write_text(LAW, encoding="utf-8")
    art2 = {c.id: c for c in parse_file(tmp_path / "law.md", DocumentMeta(id="p", title="某法"))}["p:art2"]
    assert art2.text == "第二条 总则第二条。"


def test_a_repeated_article_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "dup.md").write_text("# 某法\n\n第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n", encoding="utf-8")
    with pytest.raises(DuplicateClauseIdError, match="第二条"):
        parse_file(tmp_path / "dup.md", DocumentMeta(id="d", title="某法"))
