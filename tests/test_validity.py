"""Validity, versions and the clock: states, notes, ranking, the CLI, and answers on a real index."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import load_manifest, meta_for_file
from assistant.documents.validity import (
    current_version_first,
    describe,
    document_notes,
    prefer_in_force,
    state,
    successor,
    today_from_env,
)
from assistant.errors import ConfigError
from assistant.models import Clause
from assistant.retrieve.hybrid import Hit
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "evals" / "documents"
PLAN = "《北仑区加快低效工业用地综合整治推动产业集聚提质提能攻坚行动方案（2024-2026年）》（仑政办〔2024〕22号）"


@pytest.fixture(scope="module")
def plan():
    return load_manifest()[0]


@pytest.fixture(scope="module")
def sme():
    return [meta_for_file(DOCS / "sme-payment-2020.md", []), meta_for_file(DOCS / "sme-payment-2025.md", [])]


@pytest.mark.parametrize(("today", "expected"), [
    (date(2023, 12, 31), "not_yet"), (date(2024, 1, 1), "in_force"), (date(2026, 12, 31), "in_force"),
    (date(2027, 1, 1), "expired"),
])
def test_plan_state_by_date(plan, today: date, expected: str) -> None:
    assert state(plan, today, [plan]) == expected


def test_a_revision_supersedes_once_it_takes_effect(sme) -> None:
    old, new = sme
    assert state(old, date(2025, 4, 1), sme) == "in_force"      # the revision starts 2025-06-01
    assert state(old, date(2025, 6, 1), sme) == "superseded"
    assert successor(old, sme, date(2025, 6, 1)) == new
    assert state(new, date(2025, 6, 1), sme) == "in_force"
    assert state(new, date(2025, 5, 31), sme) == "not_yet"
    assert state(old, date(2025, 6, 1), [old]) == "in_force"     # alone in the index


def test_notes(plan, sme) -> None:
    assert document_notes(plan, date(2025, 6, 1), [plan]) == []
    assert document_notes(plan, date(2027, 1, 1), [plan]) == [
        f"注：{PLAN}的有效期至2026年12月31日，按今天（2027年1月1日）已失效，以上内容仅供参考，请以现行政策为准。"]
    assert document_notes(plan, date(2025, 6, 1), [plan], "2023年收购厂房有补助吗？2024年呢？") == [
        f"注：问题所问的2023年不在{PLAN}的有效期（2024年1月1日至2026年12月31日）内。"]
    assert document_notes(sme[0], date(2026, 1, 1), sme) == [
        "注：《保障中小企业款项支付条例》（2020）已被2025年修订版取代，请以现行版本为准。"]
    assert document_notes(sme[1], date(2025, 5, 1), sme) == [
        "注：《保障中小企业款项支付条例》（2025）自2025年6月1日起施行，今天（2025年5月1日）尚未施行。"]


def test_describe(plan, sme) -> None:
    assert describe(plan, date(2027, 1, 1), [plan]) == (
        "lzb-2024-22\t仑政办〔2024〕22号\t北仑区加快低效工业用地综合整治推动产业集聚提质提能攻坚行动方案（2024-2026年）\n"
        "\t发文机关：宁波市北仑区人民政府办公室、宁波经济技术开发区党工委管委会办公室；成文：2024年8月27日；"
        "印发：2024年3月27日；有效期：2024年1月1日至2026年12月31日；状态（按2027年1月1日）：已失效")
    assert describe(sme[0], date(2026, 1, 1), sme) == (
        "sme-payment-2020\t无文号\t保障中小企业款项支付条例\n"
        "\t发文机关：未注明；日期：未注明；有效期：自2020年9月1日起施行；状态（按2026年1月1日）：已被新版本取代（新版本：sme-payment-2025）")


def _hit(doc: str, score: float) -> Hit:
    c = Clause(id=f"{doc}:art8", doc_id=doc, kind="article", label=doc, text="t", own_text="t", source="s", order=0)
    return Hit(clause=c, score=score)


def test_prefer_in_force_puts_the_current_version_first(sme) -> None:
    hits = [_hit("sme-payment-2020", 0.033), _hit("sme-payment-2025", 0.032), _hit("other", 0.02)]
    got = prefer_in_force(hits, sme, date(2026, 1, 1))
    assert [h.clause.doc_id for h in got] == ["sme-payment-2025", "other", "sme-payment-2020"]
    # Before the revision takes effect nothing moves.
    assert prefer_in_force(hits, sme, date(2025, 5, 1)) == hits


def test_a_question_naming_no_version_is_answered_from_the_version_in_force(sme) -> None:
    """The old version's clauses are left out when the current one was found too, and come
    last when it was not (a rule the revision dropped is still shown, marked superseded)."""
    hits = [_hit("sme-payment-2020", 0.04), _hit("sme-payment-2025", 0.03), _hit("other", 0.02)]
    got = current_version_first(hits, sme, date(2026, 1, 1))
    assert [h.clause.doc_id for h in got] == ["sme-payment-2025", "other"]
    only_old = [_hit("sme-payment-2020", 0.04), _hit("other", 0.02)]
    assert [h.clause.doc_id for h in current_version_first(only_old, sme, date(2026, 1, 1))] == \
        ["other", "sme-payment-2020"]
    # Before the revision takes effect the 2020 text is the one in force: nothing is left out.
    assert current_version_first(hits, sme, date(2025, 5, 1)) == hits


def test_clock_from_environment(tmp_path: Path) -> None:
    assert today_from_env({"POLICY_ASSISTANT_TODAY": "2027-01-01"}) == date(2027, 1, 1)
    assert today_from_env({}) == date.today()
    with pytest.raises(ConfigError, match=r"POLICY_ASSISTANT_TODAY='2027/1/1' 不是日期；请写成 年-月-日，例如 2025-06-01。"):
        today_from_env({"POLICY_ASSISTANT_TODAY": "2027/1/1"})
    settings = Settings.from_env({"POLICY_ASSISTANT_HOME": str(tmp_path), "POLICY_ASSISTANT_TODAY": "2027-01-01"})
    assert (settings.today, settings.clock()) == (date(2027, 1, 1), date(2027, 1, 1))
    assert Settings.from_env({"POLICY_ASSISTANT_HOME": str(tmp_path)}).clock() == date.today()


def test_cli_documents_shows_state(built_home: Path) -> None:
    out = run_cli("documents", home=built_home, env={"POLICY_ASSISTANT_TODAY": "2027-01-01"})
    assert out.returncode == 0, out.stderr
    assert "有效期：2024年1月1日至2026年12月31日；状态（按2027年1月1日）：已失效\n" in out.stdout
    listed = run_cli("documents", "--json", home=built_home, env={"POLICY_ASSISTANT_TODAY": "2025-06-01"})
    assert [(d["id"], d["state"]) for d in json.loads(listed.stdout)] == [("lzb-2024-22", "in_force")]
    assert "lzb-2024-22\t仑政办〔2024〕22号\t北仑区" in out.stdout
    bad = run_cli("documents", home=built_home, env={"POLICY_ASSISTANT_TODAY": "明天"})
    assert bad.returncode != 0 and "POLICY_ASSISTANT_TODAY='明天' 不是日期" in bad.stderr


@pytest.mark.slow
def test_two_versions_in_one_index(tmp_path: Path) -> None:
    """Both versions of one regulation indexed: labels carry their years, the answer rests on
    the version in force on the day asked, and an answer that rests on the old one says it
    was superseded."""
    from assistant.answer.finalise import finalise
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    home = tmp_path / "home"
    ingest([DOCS / "sme-payment-2025.md"], Settings.from_env(home=home))
    alone = Assistant(Settings.from_env(home=home), auto_ingest=False)
    assert alone.clause("sme-payment-2025:art9").label == "保障中小企业款项支付条例 第九条"
    # The older version arrives later: the revision already indexed is relabelled too.
    ingest([DOCS / "sme-payment-2020.md"], Settings.from_env(home=home))
    question = "机关、事业单位从中小企业采购货物，应当自交付之日起多少日内支付款项？"
    before = Assistant(Settings.from_env(home=home, today=date(2025, 1, 1)), auto_ingest=False)
    after = Assistant(Settings.from_env(home=home, today=date(2026, 1, 1)), auto_ingest=False)
    assert after.clause("sme-payment-2025:art9").label == "保障中小企业款项支付条例（2025） 第九条"
    assert after.clause("sme-payment-2020:art8").label == "保障中小企业款项支付条例（2020） 第八条"
    old, new = before.ask(question), after.ask(question)
    assert old.citations[0].id == "sme-payment-2020:art8.k1" and "30日内" in old.answer
    assert new.citations[0].id == "sme-payment-2025:art9.k1" and "30日内" in new.answer
    assert "取代" not in old.answer and "取代" not in new.answer
    assert (old.citations[0].label, new.citations[0].label) == (
        "保障中小企业款项支付条例（2020） 第八条第一款", "保障中小企业款项支付条例（2025） 第九条第一款")
    late = finalise(old, after.index.clauses(), after.documents(), after.settings.clock()).answer
    assert late.answer.endswith("\n\n注：《保障中小企业款项支付条例》（2020）已被2025年修订版取代，请以现行版本为准。")
    # Once superseded, the rule is set beside the same rule in force (第八条 of 2020 is 第九条 of 2025).
    assert late.citations[-1].id == "sme-payment-2025:art9.k1"
    assert "据现行《保障中小企业款项支付条例》（2025年版）第九条第一款" in late.answer
    assert late.answer.startswith(old.answer.split("\n\n依据：")[0])
    assert {d.id: d.cite_as for d in after.documents()} == {"sme-payment-2020": "保障中小企业款项支付条例（2020）",
                                                          "sme-payment-2025": "保障中小企业款项支付条例（2025）"}
    # The old version leaves: the revision is named by its title alone again.
    from assistant.index.ingest import remove_document

    remove_document("sme-payment-2020", Settings.from_env(home=home))
    again = Assistant(Settings.from_env(home=home), auto_ingest=False)
    assert again.clause("sme-payment-2025:art9").label == "保障中小企业款项支付条例 第九条"
    assert [d.cite_as for d in again.documents()] == [None]
