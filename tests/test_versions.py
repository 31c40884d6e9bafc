"""Questions about one version of a regulation held in two (保障中小企业款项支付条例, 2020 and its
2025 revision): the version named is the one retrieved, both are answered when both are asked
about, a follow-up carries the earlier question's subject, and a question that names no version
still prefers the one in force."""

from datetime import date

import pytest

from assistant.corpus import meta_for_file
from assistant.documents.validity import document_notes
from assistant.understand.versions import VersionCue, choose, families, read_versions, strip_cues
from assistant.understand.vocabulary import build_vocabulary
from tests.conftest import ROOT

DOCS = ROOT / "evals" / "documents"
OLD, NEW = "sme-payment-2020", "sme-payment-2025"


@pytest.mark.parametrize("text, years, old, new, compare", [
    ("按2020版条例，由谁责令改正？", [2020], False, False, False),
    ("2020年那版保障中小企业款项支付条例是什么时候施行的？", [2020], False, False, False),
    ("老版（2020年）条例对保证金是怎么要求的？", [2020], True, False, False),
    ("那2020年的老条例是怎么规定的？", [2020], True, False, False),
    ("旧版那条写的是等待竣工验收什么？", [], True, False, False),
    ("2020年版条例有没有规定多少天出结果？现行版呢？", [2020], False, True, False),
    ("逾期利息的算法，2020年版和2025年版有区别吗？", [2020, 2025], False, False, True),
    ("中小企业促进法（2017年修订）哪天起施行？", [2017], False, False, False),
    ("按2020年条例保证金是怎么处理的？", [2020], False, False, False),
    ("2020年那版有没有规定多少天内出结果？跟现在的比呢？", [2020], False, True, False),
    # What the new version added or reworded is said against the version before it.
    ("新版条例在非现金支付方式方面增加了什么内容？", [], False, True, True),
    ("听说条例修订了，新版里这个说法改成了什么？", [], False, True, True),
    ("累计新增工业投资要超过多少？", [], False, False, False),
    # Dates of the asker's own and words that only look alike name no version.
    ("2026年3月5日货交付了，最晚哪天付款？", [], False, False, False),
    ("原来园区拆迁，许可证要重新办吗", [], False, False, False),
    ("有哪些创新办法", [], False, False, False),
    # Which version applies is asked, not what each says: no version is chosen.
    ("2025年7月签的合同，该按2020年版还是2025年版条例？", [], False, False, False),
])
def test_version_cues(text, years, old, new, compare):
    cue = read_versions(text)
    assert (cue.years, cue.old, cue.new, cue.compare) == (years, old, new, compare)


def test_strip_cues_keeps_the_title():
    text = "中小企业促进法（2017年修订）哪天起施行？"
    assert strip_cues(text, read_versions(text)) == "中小企业促进法 哪天起施行？"


@pytest.fixture(scope="module")
def vocab(parsed_laws_and_plan):
    clauses, metas = parsed_laws_and_plan
    return build_vocabulary(clauses.values(), metas)


def test_families_are_documents_with_one_title(vocab):
    assert [[d.doc_id for d in f] for f in families(vocab)] == [[OLD, NEW]]


@pytest.mark.parametrize("cue, chosen", [
    (VersionCue(years=[2020]), [OLD]),
    (VersionCue(years=[2025]), [NEW]),
    (VersionCue(old=True), [OLD]),
    (VersionCue(new=True), [NEW]),
    (VersionCue(years=[2020], new=True), [OLD, NEW]),
    (VersionCue(years=[2025], compare=True), [OLD, NEW]),   # 2025版的说法一样吗
    (VersionCue(years=[2018]), []),                          # no such version
])
def test_choose(vocab, cue, chosen):
    assert choose(cue, families(vocab)[0]) == chosen


def test_a_version_year_is_no_period_asked_about():
    old, new = meta_for_file(DOCS / "sme-payment-2020.md", []), meta_for_file(DOCS / "sme-payment-2025.md", [])
    notes = document_notes(new, date(2026, 1, 1), [old, new], "2020年版和2025年版有区别吗？")
    assert notes == []
    law = meta_for_file(DOCS / "sme-promotion-law-2017.md", [])
    assert document_notes(law, date(2026, 1, 1), [law], "中小企业促进法（2017年修订）哪天起施行？") == []
    # A year that is no date of the document, nor a version of it, still is.
    assert document_notes(new, date(2026, 1, 1), [old, new], "2019年的合同怎么办？") == [
        "注：问题所问的2019年不在《保障中小企业款项支付条例》（2025）的有效期（自2025年6月1日起施行）内。"]


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """An Assistant over both versions and one unrelated regulation."""
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.index.ingest import ingest

    home = tmp_path_factory.mktemp("versions") / "home"
    settings = Settings.from_env(home=home)
    files = [DOCS / "sme-payment-2020.md", DOCS / "sme-payment-2025.md", DOCS / "investment-project-approval-2016.md"]
    assert len(ingest(files, settings).added) == 3
    return Assistant(settings, auto_ingest=False)


def docs_of(answer):
    return [c.id.split(":")[0] for c in answer.citations]


def old_with_rule_in_force(answer) -> bool:
    """The old version answers; the version in force is cited only in its own last line (据现行…)."""
    docs = docs_of(answer)
    body = answer.answer.split("\n\n依据：")[0].splitlines()
    n = len(docs)
    return docs[0] == OLD and set(docs[:-1]) == {OLD} and (
        docs[-1] == OLD or (docs[-1] == NEW and body[-1].startswith("据现行《") and f"[{n}]" in body[-1]
                            and not any(f"[{n}]" in x for x in body[:-1])))



@pytest.mark.slow
def test_a_named_version_is_the_one_answered(two_versions):
    a = two_versions.ask("按2020版条例，机关、事业单位对投诉人恐吓、打击报复的，由谁责令改正？", llm=False)
    assert not a.abstained
    assert old_with_rule_in_force(a)
    # The 2020 article that says who orders the correction (art25 …（八）对投诉人恐吓、打击报复).
    assert any(c.id.startswith(f"{OLD}:art25") for c in a.citations)
    assert "由其上级机关、主管部门责令改正" in a.answer
    assert not any("不在" in n for n in a.notes)


@pytest.mark.slow
def test_both_versions_are_answered_each_cited(two_versions):
    a = two_versions.ask("逾期利息的算法，2020年版和2025年版有区别吗？", llm=False)
    assert [c.id for c in a.citations] == [f"{OLD}:art15", f"{NEW}:art17"]
    assert "（1）2020年版：" in a.answer and "（2）2025年版：" in a.answer
    assert not any("有效期" in n for n in a.notes)


@pytest.mark.slow
def test_a_follow_up_carries_the_earlier_subject_into_the_old_version(two_versions):
    a = two_versions.ask("旧版那条写的是等待竣工验收什么？",
                         history=["现行的保障中小企业款项支付条例里，甲方不能以等待什么为由拒绝或者迟延付款？"], llm=False)
    assert old_with_rule_in_force(a)
    assert f"{OLD}:art13" in [c.id for c in a.citations]
    assert "竣工验收批复" in a.answer


@pytest.mark.slow
def test_no_version_named_prefers_the_one_in_force(two_versions):
    a = two_versions.ask("机关、事业单位和大型企业迟延支付中小企业款项的，逾期利息怎么算？", llm=False)
    assert a.citations[0].id.startswith(f"{NEW}:")


@pytest.mark.slow
def test_a_market_figure_the_text_only_names_is_declined(two_versions):
    a = two_versions.ask("现在1年期贷款市场报价利率是多少？", llm=False)
    assert a.abstained and a.citations == []
    assert "只提到“1年期贷款市场报价利率”" in a.answer and "没有给出其具体数值" in a.answer


@pytest.mark.parametrize("question, leans", [
    ("旧版那条写的是等待竣工验收什么？", True),       # points back
    ("那2020年的老条例是怎么规定的？", True),         # version words, no subject of its own
    ("老版本里这个理由是怎么写的？", True),
    ("2020版条例里对拒绝或者迟延支付中小企业款项的机关采取什么限制措施？", False),
])
def test_which_follow_ups_carry_the_earlier_question(vocab, question, leans):
    from assistant.understand.reading import leans_on_history, read_question

    assert leans_on_history(read_question(question, vocab), vocab) is leans


def test_a_version_year_is_no_figure_of_the_askers(vocab):
    from assistant.understand.reading import read_question, retrieval_text

    q = "按2020版条例，机关、事业单位对投诉人恐吓、打击报复的，由谁责令改正？"
    assert retrieval_text(read_question(q, vocab), vocab) == q


def test_each_part_of_a_question_is_settled_as_a_question_of_its_own(two_versions):
    """Two computed deadlines in one question (the second under the condition it states), and a
    part the texts only name declined alone while the other part is answered."""
    a = two_versions.ask("处理投诉部门2025年8月1日收到我们的投诉材料，正常最晚哪天要给处理结果？"
                         "如果情况复杂延长，最长到哪天？")
    lines = a.answer.splitlines()
    first = next(x for x in lines if x.startswith("（1）"))
    second = next(x for x in lines if x.startswith("（2）"))
    assert second.startswith("（2）如果情况复杂延长，最长到哪天：")
    assert "2025年8月31日" in first and "2025年10月30日" in second
    assert [c.name for c in a.tool_calls] == ["clause_arithmetic", "clause_arithmetic"]
    assert {c.id for c in a.citations} == {"sme-payment-2025:art25.k2"}

    b = two_versions.ask("没约定逾期利息的话怎么算利息？现在1年期贷款市场报价利率是多少？")
    assert not b.abstained
    lines = b.answer.splitlines()
    declined = next(x for x in lines if x.startswith("（2）"))
    assert declined.startswith("（2）现在1年期贷款市场报价利率是多少：现有文件未作规定（")
    assert "[" not in declined  # the declined part cites nothing
    assert lines[0].startswith("（1）没约定逾期利息的话怎么算利息：") and "[1]" in lines[0]
    # When the first part is what the texts only name, the parts after it build on it: declined.
    c = two_versions.ask("现在1年期贷款市场报价利率是多少？逾期利息约定不能低于它具体是几个点？")
    assert c.abstained and c.citations == []


def test_which_version_governs_is_answered_with_when_each_took_effect(two_versions):
    a = two_versions.ask("我们是2025年3月交的货，机关拖着不付，这笔款该按2020年版还是2025年版的条例？")
    assert not a.abstained
    lines = a.answer.splitlines()
    assert lines[0] == "《保障中小企业款项支付条例》（2020）自2020年9月1日起施行[1]。"
    assert lines[1] == "《保障中小企业款项支付条例》（2025）自2025年6月1日起施行[2]。"
    assert lines[2] == ("按施行日期，2025年3月时施行的是《保障中小企业款项支付条例》（2020）[1]，"
                        "《保障中小企业款项支付条例》（2025）2025年6月1日才施行[2]。")
    assert [c.id for c in a.citations] == ["sme-payment-2020:art29", "sme-payment-2025:art37"]
    # A date after both: the later version.
    b = two_versions.ask("2025年7月签的合同，按2020年版还是2025年版？")
    assert "按施行日期，2025年7月时施行的是《保障中小企业款项支付条例》（2025）[2]。" in b.answer.splitlines()


def test_which_version_holds_now_is_said_with_its_commencement(two_versions):
    a = two_versions.ask("2020年版和2025年版对大型企业从中小企业采购的付款期限规定有什么不同？现在按哪个？")
    body = a.answer.split("\n\n依据：")[0].splitlines()
    n = len(a.citations)
    assert body[-1] == f"现行的是2025年版：据《保障中小企业款项支付条例》（2025年版）第三十七条，本条例自2025年6月1日起施行[{n}]。"
    assert a.citations[-1].id == "sme-payment-2025:art37"
    # Not asked which holds now: nothing added.
    b = two_versions.ask("2020年版和2025年版对大型企业从中小企业采购的付款期限规定有什么不同？")
    assert "现行的是" not in b.answer


def test_a_follow_up_naming_only_a_version_is_answered_about_the_earlier_question(two_versions):
    """老版本里这个理由是怎么写的？ has no words of its own: the earlier question's choose the
    sentence (and the clause) in the version it names."""
    a = two_versions.ask("老版本里这个理由是怎么写的？",
                         history=["现在的条例里，合同没约定的情况下，拿“等待竣工验收备案”当理由拖着不付款行不行？"])
    assert a.citations[0].id == "sme-payment-2020:art13"
    assert "等待竣工验收批复" in a.answer.splitlines()[0]


def test_a_part_asking_which_version_governs_is_answered_beside_the_other_part(two_versions):
    a = two_versions.ask("我们跟一家大型企业2025年7月签的采购合同，没约定付款期限，该按2020年版还是2025年版条例？"
                         "多少天内付款？")
    lines = a.answer.splitlines()
    assert lines[0] == "（1）该按2020年版还是2025年版条例：《保障中小企业款项支付条例》（2020）自2020年9月1日起施行[1]。"
    assert "按施行日期，2025年7月时施行的是《保障中小企业款项支付条例》（2025）[2]。" in lines
    part2 = next(x for x in lines if x.startswith("（2）多少天内付款："))
    assert "[3]" in part2 and lines.count("依据：") == 1


def test_the_same_question_about_someone_else_after_a_computed_part(two_versions):
    """企业会被罚多少？负责人呢？ — the fine of the people in charge is fixed in the same clause."""
    a = two_versions.ask("公司一个总投资2亿元的项目，应该核准的没核准就开工了，企业会被罚多少？负责人呢？")
    lines = a.answer.splitlines()
    assert lines[0] == ("（1）企业会被罚多少：按企业投资项目核准和备案管理条例 第十八条第一款，"
                        "罚款为20万元（200000元）至100万元（1000000元）[1]。")
    assert next(x for x in lines if x.startswith("（2）")) == (
        "（2）负责人呢：同一条款规定：“对直接负责的主管人员和其他直接责任人员处2万元以上5万元以下的罚款，"
        "属于国家工作人员的，依法给予处分”[1]。")
    assert [c.id for c in a.citations] == ["investment-project-approval-2016:art18.k1"]


def test_both_versions_named_at_once():
    for q in ("新旧两版条例的说法有什么不一样？", "新老版本对这个有什么区别？"):
        cue = read_versions(q)
        assert cue.old and cue.new and cue.compare, q


def test_a_follow_up_naming_a_version_asks_the_same_fact_of_it(two_versions):
    a = two_versions.ask("那2020年版呢？", history=["新版保障中小企业款项支付条例从哪天开始施行？"])
    assert a.answer.splitlines()[0] == "《保障中小企业款项支付条例》（2020）的施行日期：2020年9月1日[1]。"
    assert [c.id for c in a.citations] == ["sme-payment-2020:art29"]


def test_a_computed_deadline_is_answered_though_its_words_are_rare(two_versions):
    a = two_versions.ask("公司想拿应收账款去银行融资，2025年8月15日向付款的大企业提出确权请求，对方最迟哪天要确认？")
    assert not a.abstained
    assert "2025年9月14日" in a.answer.splitlines()[0]
    assert [c.name for c in a.tool_calls] == ["clause_arithmetic"]


def test_whether_a_version_sets_a_period_is_answered_with_its_wording(two_versions):
    """2020年版有没有规定多少天？ — "no figure; it says 及时…" is the answer, not a refusal."""
    a = two_versions.ask("那2020年版呢？", history=["现行的保障中小企业款项支付条例规定受理投诉部门多长时间内要把投诉转出去？"])
    assert not a.abstained
    assert a.citations[0].id.startswith("sme-payment-2020:art17")
    assert "所引条文未规定具体期限[1]。" in a.answer.splitlines()


def test_when_each_version_took_effect_in_one_question(two_versions):
    a = two_versions.ask("保障中小企业款项支付条例老版本哪天开始施行的？新修订的又是哪天施行？")
    assert a.answer.splitlines()[:2] == ["《保障中小企业款项支付条例》（2020）自2020年9月1日起施行[1]。",
                                         "《保障中小企业款项支付条例》（2025）自2025年6月1日起施行[2]。"]


@pytest.mark.slow
def test_parts_that_each_name_a_version_are_each_answered_from_it(two_versions):
    # The first part names no version (the one in force); the second names the old one.
    a = two_versions.ask("投诉大企业拖款，处理投诉的部门最长多长时间必须给结果？2020年版有没有规定具体天数？", llm=False)
    assert [c.id for c in a.citations] == [f"{NEW}:art25.k2", f"{OLD}:art17.k2"]
    assert "（1）处理投诉的部门最长多长时间必须给结果：据《保障中小企业款项支付条例》（2025年版）" in a.answer
    assert "（2）2020年版有没有规定具体天数：据《保障中小企业款项支付条例》（2020年版）" in a.answer
    # …新条例…？老版本呢？ — the second part borrows the first's words, not its version.
    b = two_versions.ask("新条例对应收账款电子凭证有限制吗？老版本呢？", llm=False)
    parts = b.answer.split("（2）")
    assert "（2025年版）" in parts[0] and "（2020年版）" in parts[1] and "（2025年版）" not in parts[1]
    # A part that names only a version (2025版的说法一样吗) is asked what the part before asked.
    c = two_versions.ask("2020版里中小企业用什么提供保证，甲方必须接受？2025版的说法一样吗？", llm=False)
    assert "金融机构出具的保函等" in c.answer.split("（2）")[1]


@pytest.mark.slow
def test_a_question_of_several_parts_is_gated_on_its_first_part(two_versions):
    # Measured whole, five clauses cannot cover five questions' words (coverage is low); the
    # first part asked on its own is answerable, so the parts are answered.
    q = "大企业欠货款不给，条例怎么处理？我们能到哪里投诉？多久能有结果？可以申请仲裁吗？能去法院起诉吗？"
    assert two_versions.gate.abstain(two_versions.evidence(q).signals) is not None
    a = two_versions.ask(q, llm=False)
    assert not a.abstained and a.answer.startswith("（1）条例怎么处理：")
    assert "（2）我们能到哪里投诉：" in a.answer and "（3）多久能有结果：" in a.answer
    # A question whose first part is out of scope is still declined whole.
    assert two_versions.ask("上海的人才购房补贴标准是多少？我们能到哪里申请？", llm=False).abstained


def test_a_version_named_before_the_question_qualifies_it(two_versions, vocab):
    """按2020年的旧条例呢，投诉多少天内要处理完？ is one question about the old version, not a
    version part and a part answered from the one in force."""
    from assistant.understand.reading import read_question

    r = read_question("按2020年的旧条例呢，投诉多少天内要处理完？", vocab)
    assert [p.text for p in r.parts] == ["按2020年的旧条例呢，投诉多少天内要处理完"]
    # A question of its own stays one (…新条例…？老版本呢？ keeps two parts).
    assert len(read_question("新条例对应收账款电子凭证有限制吗？老版本呢？", vocab).parts) == 2
    a = two_versions.ask("按2020年的旧条例呢，投诉多少天内要处理完？", history=["投诉拖欠款以后，多久能拿到处理结果？"],
                         llm=False)
    assert not a.abstained and old_with_rule_in_force(a)
    assert "所引条文未规定具体期限[1]。" in a.answer.splitlines()


@pytest.mark.slow
def test_a_yes_no_part_about_the_told_situation_is_composed_with_it(two_versions):
    """合同里写了按审计结果结算，按2020年那版条例行不行？现在新版呢？ — each part answers from the
    rule about 审计结果 in its version, and no "行不行" is said to be missing."""
    a = two_versions.ask("合同里写了按审计结果结算，按2020年那版条例行不行？现在新版呢？", llm=False)
    first, second = a.answer.split("\n\n依据：")[0].split("（2）")
    assert f"{OLD}:art11" in [c.id for c in a.citations] and f"{NEW}:art12" in [c.id for c in a.citations]
    assert "但合同另有约定或者法律、行政法规另有规定的除外" in first
    assert "法律、行政法规另有规定的除外" in second and "（2025年版）" in second
    assert "行不行" not in a.answer.replace("按2020年那版条例行不行", "")


@pytest.mark.slow
def test_a_bare_version_follow_up_answers_with_the_counterpart_of_the_earlier_answer(two_versions):
    """那2020年版呢？ names nothing: the clause that answered the earlier question in the version in
    force (2025 第九条第二款, 行业规范、交易习惯) leads to its counterpart in 2020 (第八条第二款), not
    to the 2020 article another reading of the words finds first."""
    a = two_versions.ask("那2020年版呢？", history=["按现行的保障中小企业款项支付条例，大型企业从中小企业采购、"
                                                    "合同没约定付款期限的，要在多少天内付款？"], llm=False)
    assert a.citations[0].id == f"{OLD}:art8.k2"
    assert "行业规范、交易习惯" in a.answer.splitlines()[0]


@pytest.mark.slow
def test_a_time_limit_asked_of_both_versions_is_answered_by_the_clause_that_states_one(two_versions):
    # 2020 hands a complaint on 及时 (no days); 2025 within 10 working days. Each version answers
    # with a clause that states a time limit when it has one, not with the counterpart of the
    # other version's clause about the complaint channel.
    from assistant.retrieve.hybrid import Hit

    clauses = two_versions.index.clauses()
    hits = [[Hit(clause=clauses[f"{OLD}:art17.k1"], score=0.033)],
            [Hit(clause=clauses[f"{NEW}:art24.k1"], score=0.033), Hit(clause=clauses[f"{NEW}:art25.k1"], score=0.03)]]
    aligned = two_versions._aligned("条例对转交投诉有没有时限要求", hits)
    assert aligned[1][0].clause.id == f"{NEW}:art25.k1"
    # No time limit asked: the counterpart of the leading version's clause answers, as before.
    plain = two_versions._aligned("受理投诉的渠道怎么规定", hits)
    assert plain[1][0].clause.id.startswith(f"{NEW}:art24")


@pytest.mark.slow
def test_versions_compared_agree_on_the_provision_retrieval_ranks_first(two_versions):
    # 2020 art9 (验收合格之日起算) shares the most words with the question, but both versions'
    # retrieval rank the 大型企业 paragraphs first: the comparison is of those.
    a = two_versions.ask("保障中小企业款项支付条例2025年修订后，大型企业的付款期限跟2020年版比有什么变化？", llm=False)
    cited = [c.id for c in a.citations]
    assert f"{NEW}:art9.k2" in cited and any(c.startswith(f"{OLD}:art8") for c in cited)
    assert not any(c.startswith((f"{OLD}:art9", f"{NEW}:art10")) for c in cited)
    assert "60日内" in a.answer and "交易习惯" in a.answer


@pytest.mark.slow
def test_a_later_part_naming_only_a_version_is_answered_with_the_counterpart(two_versions):
    a = two_versions.ask("除了商业汇票，新条例对应收账款电子凭证也有限制吗？老版本呢？", llm=False)
    assert [c.id for c in a.citations] == [f"{NEW}:art11", f"{OLD}:art10"]
    b = two_versions.ask("按2020年版条例，投诉拖欠款项以后有没有规定多少天内处理完？现在的新版呢？", llm=False)
    cited = [c.id for c in b.citations]
    assert cited[0] == f"{OLD}:art17.k2" and f"{NEW}:art25.k2" in cited
    assert "30日内形成处理结果" in b.answer


@pytest.mark.slow
def test_whether_a_period_is_set_is_answered_when_no_cited_clause_sets_one(two_versions):
    a = two_versions.ask("按2020年版条例，投诉拖欠款项以后有没有规定多少天内处理完？", llm=False)
    assert not a.abstained
    assert a.citations[0].id == f"{OLD}:art17.k2"
    assert "所引条文未规定具体期限[1]。" in a.answer.splitlines()


@pytest.mark.slow
def test_a_part_naming_a_version_without_a_title_means_a_version_compared(two_versions):
    a = two_versions.ask("2025年修订后，条例规定机关、事业单位和大型企业不得以等待竣工验收什么为由拒绝付款？"
                         "旧版写的是竣工验收批付吗？", llm=False)
    cited = [c.id for c in a.citations]
    assert cited[:2] == [f"{NEW}:art14", f"{OLD}:art13"]
    assert "竣工验收批复" in a.answer
