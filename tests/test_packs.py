"""Packs: a document's rules as data beside it; active only while the document is indexed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.corpus import clause_map, parse_file, shipped_corpus_dir
from assistant.packs.loader import PackError, active_packs, active_tools, install_pack, read_pack
from assistant.tools.answer import tool_answer
from assistant.tools.registry import list_tools, run_tool

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "evals" / "documents"
SHIPPED = [shipped_corpus_dir()]
SME = "sme-payment-2025"


@pytest.fixture(scope="module")
def sme_clauses():
    return {c.id: c for c in parse_file(DOCS / f"{SME}.md")}


@pytest.fixture(scope="module")
def sme_dirs(tmp_path_factory):
    """A data folder holding only the payment regulation's pack, as ingestion leaves it."""
    home = tmp_path_factory.mktemp("sme-home")
    install_pack(DOCS / f"{SME}.md", SME, home)
    return [home / "packs"]


# -- loading and checking ------------------------------------------------------------

def test_shipped_pack_loads_every_tool_against_the_corpus():
    [loaded] = active_packs(clause_map(), SHIPPED)
    assert loaded.problems == []
    assert len(loaded.tools) == 15
    assert {t.clause_id for t in loaded.tools} >= {"lzb-2024-22:s6.6", "lzb-2024-22:s6.5", "lzb-2024-22:a2"}


def test_a_pack_is_active_only_while_its_document_is_indexed(sme_clauses):
    assert active_packs(sme_clauses, SHIPPED) == []
    assert [t.name for t in list_tools(sme_clauses, SHIPPED)] == ["convert_area", "convert_money"]


def test_a_changed_figure_disables_that_rule_only():
    clauses = clause_map()
    cid = "lzb-2024-22:s6.6"
    changed = clauses[cid].model_copy(update={"text": clauses[cid].text.replace("收购价格的10%", "收购价格的15%")})
    [loaded] = active_packs({**clauses, cid: changed}, SHIPPED)
    names = [t.name for t in loaded.tools]
    assert "equity_acquisition_subsidy" not in names
    assert "land_acquisition_subsidy" in names  # same clause, its own figure unchanged
    [problem] = loaded.problems
    assert "equity_acquisition_subsidy" in problem and cid in problem and "（六）支持兼并收购" in problem
    assert "按不超过股权收购价格的10%给予补助" in problem


def test_a_missing_clause_disables_its_tools():
    clauses = {k: v for k, v in clause_map().items() if not k.startswith("lzb-2024-22:s8.3")}
    [loaded] = active_packs(clauses, SHIPPED)
    assert "approval_deadline" not in [t.name for t in loaded.tools]
    assert any("lzb-2024-22:s8.3 不在索引中" in p for p in loaded.problems)


def test_a_malformed_pack_names_file_and_field(tmp_path):
    bad = tmp_path / "x.pack.toml"
    bad.write_text('doc_id = "x"\n[[tools]]\nname = "a"\nmechanism = "share_of_base"\n', encoding="utf-8")
    with pytest.raises(PackError) as err:
        read_pack(bad)
    assert str(bad) in str(err.value) and "tools.0.clause" in str(err.value)
    bad.write_text("doc_id = ", encoding="utf-8")
    with pytest.raises(PackError, match="不是有效的 TOML"):
        read_pack(bad)


def test_install_pack_copies_it_under_the_indexed_id(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(DOCS / f"{SME}.md", src / "law.md")
    shutil.copy(DOCS / f"{SME}.pack.toml", src / "law.pack.toml")
    target = install_pack(src / "law.md", "law-2", tmp_path / "home")
    assert target == tmp_path / "home" / "packs" / "law-2.pack.toml"
    assert read_pack(target).doc_id == "law-2"
    assert install_pack(DOCS / "sme-payment-2020.md", "sme-payment-2020", tmp_path / "home") is None


# -- a second document with its own pack -----------------------------------------------

def test_payment_deadline_from_the_second_documents_pack(sme_clauses, sme_dirs):
    a = tool_answer("我们3月5日交付的货，机关最晚哪天要付款？", sme_clauses, home=sme_dirs[0].parent)
    assert a is not None and not a.abstained
    first = a.answer.splitlines()[0]
    assert first == ("3月5日交付的，机关、事业单位最迟应在4月4日前支付款项（自交付之日起30日内）；"
                     "合同另有约定的，付款期限最长不得超过60日，即最晚5月4日[1]。")
    assert [c.id for c in a.citations] == [f"{SME}:art9.k1"]
    [call] = a.tool_calls
    assert (call.name, call.arguments) == ("sme_payment_deadline_public", {"delivery_date": "--03-05"})
    assert (call.result["deadline"], call.result["max_deadline"]) == ("--04-04", "--05-04")


def test_payment_deadline_with_a_full_date_and_a_large_buyer(sme_clauses, sme_dirs):
    a = tool_answer("大型企业2025年12月20日验收交付的工程，最晚哪天要付款？", sme_clauses, home=sme_dirs[0].parent)
    [call] = a.tool_calls
    assert call.name == "sme_payment_deadline_large"
    assert call.result["deadline"] == "2026-02-18"
    assert [c.id for c in a.citations] == [f"{SME}:art9.k2"]


def test_a_day_without_year_across_february_asks_for_the_year(sme_clauses, sme_dirs):
    with pytest.raises(Exception, match="闰年"):
        run_tool("sme_payment_deadline_public", {"delivery_date": "--02-10"}, sme_clauses, sme_dirs)


@pytest.mark.parametrize("question", ["股权收购1亿能补多少", "评估价2000万能补多少", "租用3000平方米能拿多少奖励？"])
def test_shipped_calculations_do_not_answer_over_another_document(question, sme_clauses, sme_dirs):
    assert tool_answer(question, sme_clauses, home=sme_dirs[0].parent) is None


def test_the_shipped_calculators_do_not_answer_the_payment_question():
    assert tool_answer("我们3月5日交付的货，机关最晚哪天要付款？", clause_map()) is None


def test_tools_come_from_the_packs_of_every_indexed_document(sme_clauses, sme_dirs):
    both = {**clause_map(), **sme_clauses}
    names = [t.name for t in active_tools(both, sme_dirs + SHIPPED)]
    assert names[-2:] == ["sme_payment_deadline_public", "sme_payment_deadline_large"]
    assert "equity_acquisition_subsidy" in names


# -- end to end: ingestion installs the pack; the assistant answers from it ------------

@pytest.mark.slow
def test_ingested_document_brings_its_pack(tmp_path):
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    settings = Settings.from_env(home=tmp_path / "home")
    ingest([DOCS / f"{SME}.md"], settings)
    assert (tmp_path / "home" / "packs" / f"{SME}.pack.toml").is_file()
    bot = Assistant(settings, auto_ingest=False)
    a = bot.ask("我们3月5日交付的货，机关最晚哪天要付款？")
    assert "4月4日" in a.answer and f"{SME}:art9.k1" in [c.id for c in a.citations]
    assert [t.name for t in a.tool_calls] == ["sme_payment_deadline_public"]
    for question in ("股权收购1亿能补多少", "评估价2000万能补多少", "租用3000平方米能拿多少奖励"):
        other = bot.ask(question)
        assert other.tool_calls == []
        assert "1000万" not in other.answer and "600万" not in other.answer


def test_a_disabled_calculator_leaves_its_eligibility_rule_without_an_amount():
    from assistant.eligibility.rules import pack_rules

    clauses = clause_map()
    cid = "lzb-2024-22:s6.6"
    changed = clauses[cid].model_copy(update={"text": clauses[cid].text.replace("收购价格的10%", "收购价格的15%")})
    rules = {r.id: r for r in pack_rules({**clauses, cid: changed}, SHIPPED)}
    normal = {r.id: r for r in pack_rules(clauses, SHIPPED)}
    assert len(rules) == len(normal) == 26
    changed_rules = [i for i in normal if normal[i].calculator == "equity_acquisition_subsidy"]
    assert changed_rules and all(rules[i].calculator is None for i in changed_rules)


def test_a_pack_argument_with_fixed_values_becomes_a_dropdown(tmp_path):
    from ui.forms import schema_fields

    (tmp_path / f"{SME}.pack.toml").write_text('''doc_id = "sme-payment-2025"
[[tools]]
name = "pay_by"
mechanism = "date_plus_days"
clause = "art9.k1"
title = "付款期限"
description = "付款期限。"
params = { days = "30" }
quotes = ["30日内"]
sentence = "最迟{deadline}。"
[[tools.arguments]]
name = "delivery_date"
kind = "date"
label = "交付日期"
[[tools.arguments]]
name = "buyer"
kind = "text"
label = "付款方"
required = false
choices = ["机关", "事业单位"]
''', encoding="utf-8")
    clauses = {c.id: c for c in parse_file(DOCS / f"{SME}.md")}
    [spec] = [t for t in list_tools(clauses, [tmp_path]) if t.name == "pay_by"]
    fields = {f.name: f for f in schema_fields(spec.parameters)}
    assert (fields["buyer"].kind, fields["buyer"].choices) == ("enum", ("机关", "事业单位"))
    assert run_tool("pay_by", {"delivery_date": "2025-03-05", "buyer": "机关"}, clauses, [tmp_path])["deadline"] == "2025-04-04"
    with pytest.raises(Exception, match="buyer"):
        run_tool("pay_by", {"delivery_date": "2025-03-05", "buyer": "个人"}, clauses, [tmp_path])


def test_eligibility_reads_rules_from_the_active_packs_only(sme_clauses, sme_dirs):
    from assistant.eligibility.chat import match_answer
    from assistant.eligibility.rules import pack_rules

    question = "我们是白名单企业，想收购隔壁的厂房，有补助吗？"
    assert pack_rules(sme_clauses, sme_dirs + SHIPPED) == []
    assert match_answer(question, sme_clauses, home=sme_dirs[0].parent) is None
    shipped = match_answer(question, clause_map())
    assert shipped is not None and "lzb-2024-22:s6.6" in [c.id for c in shipped.citations]
