"""The UI's HTML, forms and admin rules, without a browser: escaping, links, spans, names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import re
import tomllib
from pathlib import Path

import pytest

from assistant.corpus import clause_map, shipped_clauses
from assistant.errors import ConfigError, UnsupportedFormatError
from assistant.models import Answer, Citation, DocumentMeta, ToolCall
from ui import render
from ui.labels import compose, tool_title
from ui.forms import form_arguments, model_fields, profile_data, schema_fields
from ui.render_results import documents_list, ingest_report, validity
from ui.service import AdminGate, AdminPasswordError, is_loopback, safe_filename

ROOT = Path(__file__).resolve().parents[1]
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'
S66 = "lzb-2024-22:s6.6"


def _cite(cid: str) -> Citation:
    c = clause_map()[cid]
    return Citation(id=c.id, label=c.label, text=c.text, source=c.source, page=c.page)


# -- escaping ------------------------------------------------------------------------------
@pytest.mark.parametrize("html", [
    render.turn_html(XSS, error=XSS),
    render.turn_html(XSS, Answer(question=XSS, answer=XSS, abstained=True)),
    render.conversation_html([{"question": XSS, "answer": Answer(question=XSS, answer=XSS + "[1]", abstained=False,
                                                                   citations=[_cite(S66)]).model_dump()}]),
    render.clause_view(clause_map()[S66].model_copy(update={"text": XSS, "label": XSS})),
    render.search_results(XSS, [clause_map()[S66].model_copy(update={"text": XSS})]),
    render.kv_table({XSS: XSS}),
    ingest_report([XSS], [(XSS, XSS)], None),
])
def test_user_and_document_text_is_escaped(html):
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_clause_link_escapes_id_and_text():
    html = render.clause_link('a"b:c', "<b>x</b>")
    assert html == ('<a class="clause-link" data-clause="a&quot;b:c" href="?clause=a%22b:c" '
                    'title="a&quot;b:c">&lt;b&gt;x&lt;/b&gt;</a>')


# -- answers and citations -------------------------------------------------------------------------
def test_markers_point_at_their_citation_and_dangling_markers_stay_text():
    answer = Answer(question="q", answer="三十[1]，另见[2]。", abstained=False, citations=[_cite(S66)])
    html = render.answer_html(answer, turn=3)
    # data-cite keeps the click on the chat page (the panel shows card 1 of answer 3); the
    # href is the permalink for a new tab. No data-clause: a marker does not leave the chat.
    assert html == ('三十<a class="cite-marker" data-cite="1" data-turn="3" href="?clause=lzb-2024-22:s6.6" '
                    'title="仑政办〔2024〕22号 六、政策举措（六）支持兼并收购">[1]</a>，另见[2]。')


def test_bubble_cuts_a_full_clause_quotation_to_its_support():
    text = clause_map()[S66].text
    claim = "对以股权收购方式并购的，经备案认可且提交区政府常务会议审定后，按不超过股权收购价格的10%给予补助[1]。"
    answer = Answer(question="q", answer=f"{claim}\n\n依据：\n[1] 仑政办〔2024〕22号 六、政策举措（六）支持兼并收购：“{text}”",
                    abstained=False, citations=[_cite(S66)])
    lines = render.bubble_text(answer).split("\n")
    assert lines[:3] == [claim, "", "依据："]
    assert lines[3] == ("[1] 仑政办〔2024〕22号 六、政策举措（六）支持兼并收购：“…对以股权收购方式并购的，经备案认可且提交区政府常务会议审定后，"
                        "按不超过股权收购价格的10%给予补助。”")
    assert text not in render.turn_html("q", answer)  # the full clause is in the panel, not the bubble
    assert text in re.sub(r"<[^>]+>", "", render.citations_panel(answer))


def test_support_span_is_the_quoted_sentence_not_the_whole_clause():
    text = clause_map()[S66].text
    answer = ("对以股权收购方式并购的，经备案认可且提交区政府常务会议审定后，按不超过股权收购价格的10%给予补助[1]。\n\n依据：\n"
              f"[1] 仑政办〔2024〕22号 六、政策举措（六）支持兼并收购：“{text}”")
    spans = render.support_spans(text, answer, 1)
    assert [text[a:b] for a, b in spans] == [
        "对以股权收购方式并购的，经备案认可且提交区政府常务会议审定后，按不超过股权收购价格的10%给予补助。"]


def test_support_span_of_a_full_quotation_is_the_whole_clause():
    text = clause_map()[S66].text
    assert render.support_spans(text, f"[1] 标签：“{text}”", 1) == [(0, len(text))]
    assert render.support_spans(text, "无关[1]", 1) == []


def test_citation_panel_lists_label_page_and_highlight():
    answer = Answer(question="q", answer="按照国有土地征收实际评估价给予30%的补助[1]。", abstained=False,
                    citations=[_cite(S66)])
    html = render.citations_panel(answer)
    assert "引用条款（1）" in html
    assert "lzb-2024-22.pdf · 第4页" in html
    assert '<mark class="support">按照国有土地征收实际评估价给予30%的补助。</mark>' in html
    start = clause_map()[S66].text.index("按照国有土地征收实际评估价给予30%的补助。")
    assert (f'<a class="open-in-browser" data-clause="{S66}" data-spans="{start}-{start + 22}" '
            f'href="?clause=lzb-2024-22:s6.6">在条文浏览中打开</a>') in html


def test_panel_keeps_a_set_per_answer_and_shows_the_latest():
    first = Answer(question="甲", answer="给予30%的补助[1]。", abstained=False, citations=[_cite(S66)])
    turns = [{"question": "甲", "answer": first.model_dump(mode="json")},
             {"question": "乙", "error": "问题是空的。"},
             {"question": "丙", "answer": Answer(question="丙", answer="不涉及。", abstained=True).model_dump()}]
    html = render.citations_panel(turns)
    assert html.count('class="cite-set"') == 2 and html.count('class="cite-set active"') == 1
    assert '<div class="cite-set" hidden data-turn="0"><h3>引用条款（1）</h3><p class="cite-question">问：甲</p>' in html
    assert '<div class="cite-set active" data-turn="2"><div class="panel-empty">本次回答没有引用条款。</div></div>' in html
    assert 'id="cite-0-1"' in html and 'data-cite="1" data-turn="0"' in html


def test_abstention_looks_different_and_lists_no_citations():
    answer = Answer(question="今天天气", answer="现有文件不涉及这个问题。", abstained=True)
    assert '<div class="msg bot abstained"><div class="badge">未找到依据</div>' in render.turn_html("今天天气", answer)
    assert render.citations_panel(answer) == (
        '<div class="cite-set active"><div class="panel-empty">本次回答没有引用条款。</div></div>')


def test_tool_call_is_titled_and_labelled_in_chinese():
    from assistant.tools.registry import list_tools

    name = list_tools()[0].name
    call = ToolCall(name=name, arguments={}, result={"tool": name, "clause_id": S66, "formula": "补助 = 1元 × 30% = 0.3元",
                                                     "inputs": {}, "max_subsidy_yuan": "0.3", "rate_pct": "30",
                                                     "meets_minimum": True, "tax_per_mu_yuan": "5"})
    html = render.tool_call_html(call)
    title = tool_title(name)
    assert name not in html.split("<summary>")[1].split("</summary>")[0] and html.startswith(
        f'<details class="calc" data-tool="{name}"><summary>计算过程：{title}</summary>')
    assert '<div class="formula">补助 = 1元 × 30% = 0.3元</div>' in html
    assert "<tr><th>最高补助（元）</th><td>0.3</td></tr>" in html
    assert "<tr><th>比例（%）</th><td>30</td></tr>" in html
    assert "<tr><th>是否达到最低</th><td>是</td></tr>" in html
    assert "<tr><th>亩均税收（元）</th><td>5</td></tr>" in html
    assert 'data-clause="lzb-2024-22:s6.6"' in html


def test_a_table_operation_is_titled_and_its_records_labelled_in_chinese():
    call = ToolCall(name="table_cell", arguments={"rows": ["新碶"]},
                    result={"cells": [{"row": "新碶", "column": "完成老工业区块改造涉企用地（亩）", "value": "300", "unit": "亩"}],
                            "clause_id": "lzb-2024-22:a2.r2", "row_clause_ids": ["lzb-2024-22:a2.r2"], "stated": []})
    html = render.tool_call_html(call)
    assert "<summary>计算过程：查表取值</summary>" in html
    assert ("<tr><th>单元格</th><td>行：新碶；项目：完成老工业区块改造涉企用地（亩）；数值：300；单位：亩</td></tr>"
            "<tr><th>原文所述</th><td>—</td></tr></table>") in html
    assert "row_clause_ids" not in html


@pytest.mark.parametrize("description,title", [
    ("兼并收购补助（六（六））：白名单企业……", "兼并收购补助"),
    ("面积换算：亩、平方米", "面积换算"),
    ("亩均税收（三、实施目标）：税收÷用地面积", "亩均税收"),
    ("", "计算工具"),
])
def test_tool_title_is_the_head_of_the_description(monkeypatch, description, title):
    import ui.labels

    class Spec:
        pass

    spec = Spec()
    spec.description = description
    monkeypatch.setattr(ui.labels, "_spec", lambda tool: spec)
    assert tool_title("anything") == title


@pytest.mark.parametrize("field,label", [
    ("subsidy_yuan", "补助（元）"), ("max_reward_yuan", "最高奖励（元）"), ("land_share_cap_pct", "用地占比上限（%）"),
    ("within_land_cap", "是否在用地上限以内"), ("area_wan_m2", "面积（万平方米）"), ("amount_yi_yuan", "金额（亿元）"),
    ("all_match", "是否全部一致"), ("frobnicate_yuan", None), ("pct", "比例（%）"),
])
def test_result_field_names_compose_from_the_glossary(field, label):
    assert compose(field) == label


def test_empty_chat_offers_examples_for_each_kind_of_user():
    from assistant.corpus import load_manifest, shipped_corpus_dir
    from ui.examples import example_groups

    groups = example_groups(load_manifest(), shipped_clauses(), [shipped_corpus_dir()])
    data = tomllib.loads((shipped_corpus_dir() / "lzb-2024-22.examples.toml").read_text(encoding="utf-8"))
    assert groups == {g["who"]: g["questions"] for g in data["group"]}
    html = render.empty_chat(groups)
    assert html.count('class="example-group"') == len(data["group"]) == 2
    for g in data["group"]:
        assert f"<h4>{g['who']}可以这样问</h4>" in html
        assert all(f'data-question="{q}"' in html for q in g["questions"])


def test_a_document_without_examples_gets_questions_from_its_titles(tmp_path):
    from assistant.corpus import meta_for_file, parse_file
    from ui.examples import FALLBACK_WHO, example_groups

    law = ROOT / "evals" / "documents" / "sme-payment-2025.md"
    meta = meta_for_file(law, [])
    groups = example_groups([meta], parse_file(law, meta), [tmp_path])
    # Chapters 总 则, 款项支付规定, 监督管理, 法律责任, 附 则: the first three that say what they are about.
    assert groups == {FALLBACK_WHO: ["关于“款项支付规定”有哪些规定？", "关于“监督管理”有哪些规定？",
                                     "关于“法律责任”有哪些规定？"]}


# -- clause browser ------------------------------------------------------------------------------
@pytest.mark.parametrize("cid,name", [
    ("lzb-2024-22:s6", "六、政策举措"),
    (S66, "（六）支持兼并收购"),
    ("lzb-2024-22:s5.1.2", "二是"),
    ("lzb-2024-22:a2.r2", "新碶"),
    ("lzb-2024-22:a1.d3", "工作分工第3项（区财政局）"),
])
def test_tree_names_drop_the_parent_label(cid, name):
    by_id = clause_map()
    assert render.short_name(by_id[cid], by_id, {"lzb-2024-22": "仑政办〔2024〕22号"}) == name


def test_tree_opens_the_branch_of_the_current_clause_only():
    html = render.clause_tree(shipped_clauses(), {"lzb-2024-22": "仑政办〔2024〕22号"}, current=S66)
    assert html.count("<details open>") == 1
    assert html.count('class="tree-link current"') == 1
    assert html.count("data-clause=") == len(shipped_clauses())


def test_search_highlights_the_literal_match_once_not_in_the_parent_too():
    html = render.search_results("不低于2.0", shipped_clauses())
    # 六、政策举措 contains （五） in its text; only （五） is listed, with the snippet.
    assert html.startswith('<div class="search-results"><p>找到 1 条包含“不低于2.0”的条款</p>')
    assert html.count('<mark class="support">不低于2.0</mark>') == 1
    assert 'data-clause="lzb-2024-22:s6.5"' in html and 'data-clause="lzb-2024-22:s6"' not in html


def test_search_ignores_whitespace_inside_names():
    clauses = shipped_clauses()
    leader = next(c for c in clauses if "王 程" in c.own_text)
    html = render.search_results("王程", clauses)
    assert f'data-clause="{leader.id}"' in html
    assert '<mark class="support">王 程</mark>' in html
    assert render.find_span("组 长：王 程", " 王程 ") == (4, 7)
    assert render.find_span("ABC", "") is None


def test_table_clauses_render_as_tables():
    by_id = clause_map()
    html = render.clause_view(by_id["lzb-2024-22:a2"], lookup=by_id.get)
    assert html.count('<th scope="row">') == 13
    assert '<thead><tr><th></th><th scope="col">改造提升老旧工业区块（个）</th>' in html
    assert '<tr data-clause-row="lzb-2024-22:a2.r2"><th scope="row">新碶</th><td>2</td><td>300</td>' in html
    assert '<pre class="clause-text table-title">附件2\n各街道（区块）工作任务分解表</pre>' in html
    row = render.clause_view(by_id["lzb-2024-22:a2.r2"], lookup=by_id.get)
    assert row.count("<tr") == 2 and '<th scope="row">新碶</th>' in row
    assert by_id["lzb-2024-22:a2.r2"].text in row  # the copy button copies the text as written


def test_a_row_cited_in_the_panel_is_a_table_with_the_quoted_cell_marked():
    by_id = clause_map()
    r2 = by_id["lzb-2024-22:a2.r2"]
    answer = Answer(question="q", answer="新碶：完成老工业区块改造涉企用地（亩）300[1]。", abstained=False,
                    citations=[_cite(r2.id)])
    html = render.citations_panel(answer, by_id.get)
    assert '<table class="clause-table">' in html and '<td class="marked">300</td>' in html
    assert html.count('class="marked"') == 1
    # The column named without its unit, as answers write it; 30 in 300 is not a quote of 30.
    answer = answer.model_copy(update={"answer": "新碶“完成老工业区块改造涉企用地”为300亩[1]。"})
    html = render.citations_panel(answer, by_id.get)
    assert html.count('class="marked"') == 1 and '<td class="marked">300</td>' in html


def test_clause_view_has_copy_button_and_permalink():
    html = render.clause_view(clause_map()[S66])
    assert '<button type="button" class="copy-btn" data-copy="clause">复制原文</button>' in html
    assert '<a class="permalink" href="?clause=lzb-2024-22:s6.6">永久链接</a>' in html
    assert render.clause_view(None, "没有编号为“x”的条款。") == (
        '<div class="clause-card missing" role="alert">没有编号为“x”的条款。</div>')


# -- documents ----------------------------------------------------------------------------------
META = DocumentMeta(id="d", title="T", valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31))


@pytest.mark.parametrize("today,text,status", [
    (date(2025, 6, 1), "2024-01-01 至 2026-12-31（有效期内）", "valid"),
    (date(2027, 1, 1), "2024-01-01 至 2026-12-31（已过期）", "expired"),
    (date(2023, 12, 31), "2024-01-01 至 2026-12-31（尚未生效）", "pending"),
])
def test_validity_period(today, text, status):
    assert validity(META, today) == (text, status)


def test_documents_list_shows_metadata_and_count():
    html = documents_list([META], {"d": 3}, {"d": "d:s1"}, date(2025, 1, 1))
    assert "<tr><th>有效期</th><td>2024-01-01 至 2026-12-31（有效期内）</td></tr>" in html
    assert "<tr><th>条款数</th><td>3</td></tr>" in html
    assert 'data-clause="d:s1"' in html


# -- forms ------------------------------------------------------------------------------------------
def test_calculator_schema_becomes_fields():
    from assistant.tools.registry import get_tool

    specs = {s.name: s for s in schema_fields(get_tool("street_reward").parameters)}
    assert list(specs) == ["area_mu", "area_m2", "rate_wan_yuan_per_mu"]
    assert specs["area_mu"].kind == "text" and not specs["area_mu"].required
    units = {s.name: s for s in schema_fields(get_tool("convert_area").parameters)}["unit"]
    assert units.kind == "enum" and units.choices[:4] == ("亩", "平方米", "公顷", "万平方米")
    parcels = schema_fields(get_tool("joint_renovation_terms").parameters)[0]
    assert (parcels.kind, parcels.columns) == ("table", ("name", "expiry_date", "expiry_year"))


def test_form_values_become_arguments():
    from assistant.tools.registry import get_tool

    specs = schema_fields(get_tool("joint_renovation_terms").parameters)
    rows = [["甲", "", "2050"], ["", "", ""], ["乙", "2056-06-30", None]]
    assert form_arguments(specs, [rows]) == {"parcels": [{"name": "甲", "expiry_year": "2050"},
                                                        {"name": "乙", "expiry_date": "2056-06-30"}]}
    specs = schema_fields(get_tool("street_reward").parameters)
    assert form_arguments(specs, [" 30 ", "", None]) == {"area_mu": "30"}


def test_profile_form_reads_tristate_and_chinese_amounts():
    from assistant.eligibility import EnterpriseProfile

    specs = [s for s in model_fields(EnterpriseProfile)
             if s.name in ("white_list", "evaluation_class", "acquisition_appraised_value_yuan", "state_owned")]
    values = {"white_list": "是", "state_owned": "不清楚", "evaluation_class": "D",
              "acquisition_appraised_value_yuan": "2000万"}
    data = profile_data(specs, [values[s.name] for s in specs])
    assert data == {"evaluation_class": "D", "white_list": True,
                    "acquisition_appraised_value_yuan": Decimal("20000000")}
    bad = [s for s in specs if s.name == "acquisition_appraised_value_yuan"]
    with pytest.raises(ValueError, match="拟收购宗地的国有土地征收实际评估价（元）"):
        profile_data(bad, ["很多"])


# -- upload names and the admin gate ------------------------------------------------------------
@pytest.mark.parametrize("given,saved", [
    ("政策.txt", "政策.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\x\\通知.DOCX", "通知.docx"),
    ("a..b...md", "a.b.md"),
    ("..政策.pdf", "政策.pdf"),
    ("re<po>rt|1.txt", "re_po_rt_1.txt"),
])
def test_safe_filename(given, saved):
    assert safe_filename(given) == saved


@pytest.mark.parametrize("given", ["run.sh", "..", "../", "noext", ".txt", "/tmp/x.exe"])
def test_safe_filename_refuses(given):
    with pytest.raises(UnsupportedFormatError):
        safe_filename(given)


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_admin_gate():
    with pytest.raises(ConfigError, match="POLICY_ASSISTANT_ADMIN_PASSWORD"):
        AdminGate("0.0.0.0", None)
    AdminGate("127.0.0.1", None).check(None)
    gate = AdminGate("0.0.0.0", "s3cret")
    assert gate.required
    gate.check("s3cret")
    for wrong in (None, "", "s3cre"):
        with pytest.raises(AdminPasswordError):
            gate.check(wrong)


class _Settings:
    def __init__(self, home):
        self.home, self.max_file_mb, self.max_file_bytes = home, 1, 1024 * 1024


class _NoIngest:
    """Stands in for the assistant where nothing reaches ingestion."""

    def __init__(self, home):
        self.settings = _Settings(home)

    def reload(self):
        raise AssertionError("nothing should have been ingested")


def test_upload_explains_rejected_files_without_ingesting(tmp_path):
    from ui.service import UiService

    (tmp_path / "run.sh").write_text("echo", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_bytes(b"x" * (1024 * 1024 + 1))
    service = UiService(_NoIngest(tmp_path / "home"), AdminGate("127.0.0.1", None))
    saved, rejected, report = service.upload([str(tmp_path / n) for n in ("run.sh", "empty.txt", "big.txt")], None)
    assert (saved, report) == ([], None)
    assert rejected == [
        ("run.sh", "“run.sh”不是支持的文件类型（.sh）；请上传 PDF、TXT、MD 或 DOCX 文件。"),
        ("empty.txt", "文件是空的。"),
        ("big.txt", "文件大小 1.0 MB，超过上限 1 MB（POLICY_ASSISTANT_MAX_FILE_MB）。"),
    ]
    assert list((tmp_path / "home" / "uploads").iterdir()) == []


def test_upload_needs_the_password_beyond_loopback(tmp_path):
    from ui.service import UiService

    service = UiService(_NoIngest(tmp_path), AdminGate("0.0.0.0", "pw"))
    with pytest.raises(AdminPasswordError):
        service.upload([], "wrong")
    with pytest.raises(AdminPasswordError):
        service.reindex(None)
