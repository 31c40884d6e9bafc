"""Answer quality across documents: calculators do not claim unrelated questions, document
facts are answered from the clause that states them, unstated figures are declined, and
"not settled" notes never quote question words. Real documents, exact asserts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answer.document_facts import asked_fact, document_fact_answer, find_fact
from assistant.answer.extractive import compose
from assistant.clauses import parse_paragraphs
from assistant.core import _retrieval_agrees
from assistant.corpus import clause_map, load_manifest, shipped_corpus_dir
from assistant.documents.meta import extract_meta, strip_comments, with_label_names
from assistant.models import Answer, Citation
from assistant.read.clean import clean
from assistant.read import read_document
from assistant.retrieve.hybrid import Hit
from assistant.tools.answer import chinese_error
from assistant.understand.reading import read_question
from assistant.understand.vocabulary import build_vocabulary

DOCS = Path(__file__).resolve().parent.parent / "evals" / "documents"
S = "lzb-2024-22:"


def _parsed(name: str):
    path = DOCS / name
    paragraphs = strip_comments(clean(read_document(path)))
    meta = extract_meta(paragraphs, path)
    return meta, parse_paragraphs(paragraphs, meta, source=path.name)


@pytest.fixture(scope="module")
def corpus():
    """The shipped document and five regulations, as an index would hold them."""
    metas, clauses = [], {}
    shipped = clause_map()
    metas.append(next(m for m in load_manifest(shipped_corpus_dir()) if m.id == "lzb-2024-22"))
    clauses.update(shipped)
    for name in ("sme-payment-2025.md", "sme-payment-2020.md", "business-environment-2019.md",
                 "shanghai-urban-rural-planning-2018.md", "investment-project-approval-2016.md"):
        meta, cl = _parsed(name)
        metas.append(meta)
        clauses.update({c.id: c for c in cl})
    metas = with_label_names(metas)  # as the index names them (two versions of one title)
    vocab = build_vocabulary(clauses.values(), metas)
    return metas, clauses, vocab


# -- 1. calculators ------------------------------------------------------------------

@pytest.mark.parametrize("message, labels, shown", [
    ("street_reward 的参数有误：rate_wan_yuan_per_mu：不能大于 5（收到：'6'）。运行 policy-assistant tools 查看参数说明。",
     {"rate_wan_yuan_per_mu": "每亩奖励标准（万元/亩）"}, "每亩奖励标准（万元/亩）：不能大于 5（收到：'6'）。"),
    ("street：表中没有“工业”这一行。可用的行：全区、新碶。", {}, "表中没有“工业”这一行。可用的行：全区、新碶。"),
])
def test_tool_errors_name_no_code_field(message, labels, shown):
    assert chinese_error(message, labels, "street_reward") == shown


def _answer_citing(clause) -> Answer:
    cit = Citation(id=clause.id, label=clause.label, text=clause.text, source=clause.source)
    return Answer(question="q", answer="这可以按…计算[1]", abstained=False, citations=[cit])


def test_a_calculator_that_cannot_run_needs_retrieval_to_agree(corpus):
    _, clauses, _ = corpus
    answer = _answer_citing(clauses[S + "s6.6"])
    # The rule's clause (or a part of it) among the question's own hits: kept.
    assert _retrieval_agrees(answer, [Hit(clauses[S + "s6.6"], 1.0)])
    parts = [cid for cid in clauses if cid.startswith(S + "s6.6.")]
    if parts:
        assert _retrieval_agrees(answer, [Hit(clauses[parts[0]], 1.0)])
    # Hits from another document about another topic: the calculator does not answer.
    other = [c for c in clauses.values() if c.doc_id == "sme-payment-2025"][:5]
    assert not _retrieval_agrees(answer, [Hit(c, 1.0) for c in other])


# -- 2. document facts -----------------------------------------------------------------

@pytest.mark.parametrize("question, fact", [
    ("这个条例哪天起施行？", "effective"),
    ("优化营上环境条例哪天开始实行？", "effective"),
    ("伦政办2024年22号文的通知落款日期是哪天？", "signed"),
    ("仑政办〔2024〕22号这个行动方案管的是哪几年？", "period"),
    ("仑政办〔2024〕22号是由哪个单位印发的？", "issuer"),
    ("全面排查摸底要在什么时候前完成？", None),
    ("行动方案经过了哪些会议审议通过？", "adopted_by"),
    ("优化营商环境条例是哪次会议通过的？", "adopted_by"),
    ("这笔款该按2020年版还是2025年版的条例？", "versions"),
    ("受理投诉部门收到投诉后多长时间内要转交？", None),
    ("这个文件是哪两家办公室联合印发的？", "issuer"),
    ("文号多少？", "number"),
    ("方案哪天印发的？", "printed"),
])
def test_the_asked_document_fact_is_read(corpus, question, fact):
    assert asked_fact(read_question(question, corpus[2])) == fact


@pytest.mark.parametrize("doc_id, fact, value, clause_id", [
    ("sme-payment-2025", "effective", "2025年6月1日", "sme-payment-2025:art37"),
    ("sme-payment-2020", "effective", "2020年9月1日", "sme-payment-2020:art29"),
    ("business-environment-2019", "effective", "2020年1月1日", "business-environment-2019:art72"),
    ("lzb-2024-22", "signed", "2024年8月27日", S + "notice"),
    ("lzb-2024-22", "period", "2024-2026年", S + "notice"),
    ("lzb-2024-22", "adopted_by", "区委常委会、开发区党工委会议，区政府常务会议、开发区管委会主任办公会议", S + "notice"),
    ("business-environment-2019", "adopted_by", "2019年10月8日国务院第66次常务会议", "business-environment-2019:preamble"),
])
def test_the_clause_stating_a_document_fact_is_found(corpus, doc_id, fact, value, clause_id):
    metas, clauses, _ = corpus
    meta = next(m for m in metas if m.id == doc_id)
    got = find_fact(fact, meta, [c for c in clauses.values() if c.doc_id == doc_id])
    assert (got.value, got.clause_id) == (value, clause_id)
    assert value.replace("-", "") in re.sub(r"\s|-", "", clauses[clause_id].text)


@pytest.mark.parametrize("question, facts", [
    ("这个方案的落款日期和印发日期各是哪天？", ["signed", "printed"]),
    ("这个条例什么时候公布的，又是哪天开始施行？", ["promulgated", "effective"]),
    # A date asked in everyday words takes the date facts named beside it, else the signing date.
    ("行动方案究竟是哪天发的？印发日期和落款日期怎么不一样？", ["printed", "signed"]),
    ("这个方案是什么时候下发的？", ["signed"]),
])
def test_every_document_fact_asked_is_read(corpus, question, facts):
    from assistant.answer.document_facts import asked_facts

    assert asked_facts(read_question(question, corpus[2])) == facts


def test_two_document_facts_are_answered_each_with_its_clause(corpus):
    metas, clauses, vocab = corpus
    q = "北仑这个行动方案的落款日期和印发日期分别是哪天？"
    a = document_fact_answer(q, read_question(q, vocab), [Hit(clauses[S + "notice"], 1.0)], clauses, metas)
    assert a.answer.splitlines()[:2] == ["仑政办〔2024〕22号的落款日期：2024年8月27日[1]。",
                                         "仑政办〔2024〕22号的印发日期：2024年3月27日[2]。"]
    assert [c.id for c in a.citations] == [S + "notice", S + "colophon"]


def test_a_named_version_answers_its_own_effective_date(corpus):
    metas, clauses, vocab = corpus
    q = "2020年那版保障中小企业款项支付条例是什么时候施行的？"
    hits = [Hit(clauses["sme-payment-2025:art1"], 1.0)]
    a = document_fact_answer(q, read_question(q, vocab), hits, clauses, metas)
    assert a is not None and not a.abstained
    assert [c.id for c in a.citations] == ["sme-payment-2020:art29"]
    assert a.answer.splitlines()[0] == "《保障中小企业款项支付条例》（2020）的施行日期：2020年9月1日[1]。"


def test_a_question_about_content_is_not_a_document_fact(corpus):
    metas, clauses, vocab = corpus
    q = "受理投诉部门收到投诉后多长时间内要转交处理投诉部门？"
    assert document_fact_answer(q, read_question(q, vocab), [], clauses, metas) is None


# -- 3 and 4. unstated figures, and notes that quote no question words ------------------

def test_a_figure_the_clause_leaves_open_is_declined(corpus):
    _, clauses, vocab = corpus
    q = "国企建设特色产业园区的补助标准是多少？"
    a = compose(q, [Hit(clauses[S + "s6.4"], 1.0)], reading=read_question(q, vocab), vocab=vocab)
    assert a.abstained and a.citations == []
    assert a.answer.startswith("现有文件没有给出所问的具体数额或标准：仑政办〔2024〕22号 六、政策举措（四）引导国企参与只写道“")
    assert "补助标准另行制定”，未规定具体数额或标准。" in a.answer


@pytest.mark.parametrize("question, clause_id, declined", [
    # A rate, but of something else (用地面积…的比例上限): no rate of 缴费 is given.
    ("公司50个员工，社保单位缴费比例是多少？", "lzb-2024-22:s6.5", True),
    # The rate of 利息 is in the clause (每日利率万分之五…逾期利息).
    ("逾期利息的利率是多少？", "sme-payment-2025:art17", False),
])
def test_a_rate_asked_must_be_a_rate_of_what_is_asked(corpus, question, clause_id, declined):
    _, clauses, vocab = corpus
    a = compose(question, [Hit(clauses[clause_id], 1.0)], reading=read_question(question, vocab), vocab=vocab)
    assert a.abstained is declined


def test_a_time_limit_stated_by_another_cited_clause_is_not_called_unsettled(corpus):
    _, clauses, vocab = corpus
    q = "受理投诉部门收到投诉后多长时间内要转交处理投诉部门？"
    a = compose(q, [Hit(clauses["sme-payment-2025:art25"], 1.0)], reading=read_question(q, vocab), vocab=vocab)
    assert not a.abstained
    assert "10个工作日内" in a.answer.splitlines()[0]
    assert "未规定" not in a.answer


@pytest.mark.parametrize("question", [
    "供电供水单位乱收费、强迫接受不合理服务条件，由谁来管，怎么处理？",
    "公用企业乱收费谁来管？",
])
def test_not_settled_notes_never_quote_question_words(corpus, question):
    _, clauses, vocab = corpus
    hits = [Hit(c, 1.0) for c in clauses.values() if c.id.startswith("business-environment-2019:art28")][:3]
    a = compose(question, hits, reading=read_question(question, vocab), vocab=vocab)
    quoted = re.findall(r"没有关于“([^”]+)”", a.answer)
    assert not any(re.search(r"谁|什么|怎么|哪|多少", w) for w in quoted)


# -- 5. the asked kind as a prior among the retrieved clauses ---------------------------

@pytest.mark.parametrize("question, ranked, cited", [
    # A chapter that holds the definition, ranked first, gives way to the item that states it.
    ("上海市城乡规划条例里的郊区是指哪里？",
     ["shanghai-urban-rural-planning-2018:ch7", "shanghai-urban-rural-planning-2018:art3.k3",
      "shanghai-urban-rural-planning-2018:art62.2"], "shanghai-urban-rural-planning-2018:art62.2"),
    # The purpose article shares more words; the 所称…是指 article answers.
    ("企业投资项目核准和备案管理条例里的“项目”指什么？",
     ["investment-project-approval-2016:art1", "investment-project-approval-2016:art2"],
     "investment-project-approval-2016:art2"),
])
def test_a_definition_question_leads_with_the_defining_clause(corpus, question, ranked, cited):
    _, clauses, vocab = corpus
    hits = [Hit(clauses[i], 1.0 / (n + 1)) for n, i in enumerate(ranked)]
    a = compose(question, hits, reading=read_question(question, vocab), vocab=vocab)
    assert a.citations[0].id == cited
    assert "是指" in a.answer.splitlines()[0]


def test_figures_that_are_no_input_of_the_calculator_leave_the_question_to_retrieval(corpus):
    from assistant.tools.answer import tool_answer

    _, clauses, _ = corpus
    shipped = {k: v for k, v in clauses.items() if k.startswith(S)}
    assert tool_answer("规上工业企业亩均税收年均增长目标是多少？三年累计新增工业投资要超过多少亿？", shipped) is None
    # No figure at all: the calculator still says what it needs.
    asked = tool_answer("股权收购能补多少？", shipped)
    assert asked is not None and "但问题中缺少：股权收购价格（元）" in asked.answer


# -- time limits in other shapes, 期限 inside a noun phrase, the colophon, which departments ----

@pytest.mark.parametrize("question, clause, fact", [
    ("总体规划的实施情况评估多久至少要搞一次？", "art47", "五年至少进行一次"),
    ("村委会受理建房申请后要在村里公示多少天？", "art36.k1", "公示三十日"),
])
def test_a_frequency_or_a_posting_period_answers_how_long(corpus, question, clause, fact):
    _, clauses, vocab = corpus
    cid = "shanghai-urban-rural-planning-2018:" + clause
    a = compose(question, [Hit(clauses[cid], 1.0)], reading=read_question(question, vocab), vocab=vocab)
    assert not a.abstained
    assert fact in a.answer and "未规定具体期限" not in a.answer
    assert [c.id for c in a.citations][0] == cid


def test_a_period_named_in_the_question_does_not_ask_for_a_time_limit(corpus):
    _, clauses, vocab = corpus
    q = "老版条例对保证期限届满后的保证金是怎么要求的？"
    a = compose(q, [Hit(clauses["sme-payment-2020:art12.k3"], 1.0)], reading=read_question(q, vocab), vocab=vocab)
    assert not a.abstained
    assert "核实和结算" in a.answer and "未规定具体期限" not in a.answer


def test_the_colophon_answers_who_a_document_was_copied_to(corpus):
    metas, clauses, vocab = corpus
    q = "这份文件抄送给了哪些单位？"
    assert asked_fact(read_question(q, vocab)) == "copied"
    # Retrieval preferred a regulation, which has no colophon: the one document that has one answers.
    hits = [Hit(clauses["sme-payment-2025:art1"], 1.0)]
    a = document_fact_answer(q, read_question(q, vocab), hits, clauses, metas)
    assert [c.id for c in a.citations] == [S + "colophon"]
    assert a.answer.splitlines()[0] == ("仑政办〔2024〕22号的抄送单位：监察委，法院、检察院，区委、开发区各部门，"
                                        "人大、政协办公室，人武部，各群团[1]。")


@pytest.mark.parametrize("question, figure", [
    ("老旧工业区块改造审批快速通道是哪几个部门牵头建的？", False),
    ("哪几个街道老旧工业区块改造任务超过1个？", True),
])
def test_which_departments_is_no_table_figure(question, figure):
    from assistant.corpus import shipped_clauses
    from assistant.tables.reading import read_table_question
    from assistant.tables.table import tables_of

    tables = tables_of({c.id: c for c in shipped_clauses()})
    assert (read_table_question(question, tables) is not None) is figure


def test_a_word_only_one_title_holds_picks_the_document(corpus):
    """行动方案经过了哪些会议审议通过？ while retrieval ranks a regulation first: the plan's title
    holds 行动方案, no other title does."""
    metas, clauses, vocab = corpus
    q = "行动方案经过了哪些会议审议通过？"
    hits = [Hit(clauses["shanghai-urban-rural-planning-2018:art13.k1"], 1.0), Hit(clauses[S + "preamble"], 0.9)]
    a = document_fact_answer(q, read_question(q, vocab), hits, clauses, metas)
    assert [c.id for c in a.citations] == [S + "notice"]
    assert a.answer.splitlines()[0] == ("仑政办〔2024〕22号经区委常委会、开发区党工委会议，区政府常务会议、"
                                        "开发区管委会主任办公会议审议通过[1]。")
