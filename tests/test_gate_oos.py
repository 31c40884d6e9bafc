"""Out of scope though retrieval finds a clause: the clause only names what is asked for (a
catalogue it refers to, criteria set elsewhere, a market figure it measures against), or the
question is about a place no document covers. Checked on the real texts of the shipped plan
and the regulations of evals/documents (parsed, no index)."""

import re

import pytest

from assistant.retrieve.hybrid import Hit
from assistant.retrieve.stated import named_only
from assistant.understand.reading import _places, is_relational, place_names
from assistant.understand.vocabulary import build_vocabulary


@pytest.fixture(scope="module")
def laws(parsed_laws_and_plan):
    clauses, metas = parsed_laws_and_plan
    corpus = re.sub(r"\s+", "", "\n".join(c.text for c in clauses.values()))
    return clauses, corpus, build_vocabulary(clauses.values(), metas)


def ask(laws, question, *ids, asking=None):
    clauses, corpus, _ = laws
    hits = [Hit(clause=clauses[i], score=1.0) for i in ids]
    return named_only(asking or question, hits, corpus, question)


def test_a_market_figure_the_text_only_measures_against(laws):
    why = ask(laws, "现在1年期贷款市场报价利率是多少？", "sme-payment-2025:art17")
    assert why == ("保障中小企业款项支付条例 第十七条只提到“1年期贷款市场报价利率”："
                   "“双方对逾期利息的利率有约定的，约定利率不得低于合同订立时1年期贷款市场报价利率”，没有给出其具体数值")


def test_a_figure_the_clause_does_state_is_answered(laws):
    # 万分之五 is the daily rate of overdue interest: stated, not only named.
    assert ask(laws, "逾期利息按每日利率多少支付？", "sme-payment-2025:art17") is None
    assert ask(laws, "股权收购补助多少？", "lzb-2024-22:s6.6") is None


def test_a_figure_of_another_thing_in_the_sentence_does_not_count(laws):
    # 0.5% is the share of land revenue, joined to the electricity charge by 与.
    why = ask(laws, "差别化电费每度电加收多少钱？", "lzb-2024-22:s6.8")
    assert why is not None and why.endswith("只提到“差别化电费”：“提取土地出让收入的0.5%与征收的差别化电费合并作为“腾笼换鸟”"
                                            "专项经费，用于盘活工业用地、企业整治提升、产业园区配套设…”，没有给出其具体数值")


def test_a_threshold_set_elsewhere_is_declined_despite_the_askers_figures(laws):
    q = "我们年营收3000万左右，营业收入多少以下算小型企业？"
    why = ask(laws, q, "sme-promotion-law-2017:art2", asking="营业收入多少以下算小型企业")
    assert why is not None and "只提到“营业收入”" in why and why.endswith("没有给出其具体数值")
    # Without a threshold, the asker's own figures make it a calculation: not judged here.
    assert ask(laws, "我们营业收入3000万，补助多少？", "sme-promotion-law-2017:art2", asking="补助多少") is None


def test_a_catalogue_the_text_only_refers_to(laws):
    q = "政府核准的投资项目目录里，哪些项目需要核准？"
    why = ask(laws, q, "investment-project-approval-2016:art10", asking="哪些项目需要核准")
    assert why == ("现有文件只提到“政府核准的投资项目目录”：“具体项目范围以及核准机关、核准权限依照政府核准的投资项目目录执行”，"
                   "没有列出其具体内容")
    # Who draws the catalogue up is stated: no list is asked into.
    assert ask(laws, "政府核准的投资项目目录由谁提出？", "investment-project-approval-2016:art3") is None


def test_a_list_no_document_holds(laws):
    why = ask(laws, "外商投资准入负面清单里禁止外资进入哪些行业？", "business-environment-2019:art20")
    assert why == "现有文件只提到“准入负面清单”：“国家持续放宽市场准入，并实行全国统一的市场准入负面清单制度”，没有列出其具体内容"


def test_criteria_named_but_not_given(laws):
    why = ask(laws, "“亩均论英雄”评价里C类、D类企业是按什么指标划分的？", "lzb-2024-22:s6.3")
    assert why == "仑政办〔2024〕22号 六、政策举措（三）加快腾笼置换只写道“倒逼C、D类低效企业（用地）进行改造提升或关停淘汰”，没有规定其具体标准"
    assert ask(laws, "高新技术企业认定需要满足哪些条件？", "sme-promotion-law-2017:art37") == "现有文件没有关于“高新技术企业”的规定"


def test_criteria_the_clause_states_are_answered(laws):
    # 所称中小企业，是指… states what makes one.
    assert ask(laws, "中小企业按什么标准认定？", "sme-payment-2025:art3") is None


def test_a_fee_no_document_mentions(laws):
    assert ask(laws, "在上海申请建设工程规划许可证要交多少手续费？", "shanghai-urban-rural-planning-2018:art35") == \
        "现有文件没有关于“手续费”的规定"
    # 多少个/多少家: a measure word, the subject is before the ask.
    assert ask(laws, "全区三年要推进多少个工业企业容积率提升项目？", "lzb-2024-22:s3") is None


@pytest.mark.parametrize("question, places", [
    ("深圳对拖欠中小企业账款有什么地方性规定？", ["深圳"]),
    ("在上海申请建设工程规划许可证", ["上海"]),
    ("杭州市的城乡规划许可怎么办", ["杭州市"]),
    ("因为拆迁把住所迁到了隔壁区，许可证要不要重新办？", []),
    ("外地市的企业能申请吗", []),
])
def test_places_from_patterns_and_the_gazetteer(question, places):
    assert place_names(question) == places


def test_a_place_is_held_when_the_texts_name_it_or_it_is_a_slip_of_one(laws):
    vocab = laws[2]
    assert _places("深圳对拖欠中小企业账款有什么地方性规定？", vocab) == ([], ["深圳"])
    assert _places("上海工业用地出让金怎么计算", vocab) == (["上海"], [])
    assert _places("柴乔街道新增竣工建筑面积任务是多少？", vocab) == (["柴乔街道"], [])
    assert is_relational("隔壁区") and not is_relational("镇海区")


def test_a_local_regulation_named_without_brackets_that_is_not_held(laws):
    from assistant.understand.reading import read_question

    vocab = laws[2]
    assert read_question("宁波市城乡规化条例里建设工程规划许可证多久失效？", vocab).unknown_documents == ["宁波市城乡规化条例"]
    # The held one, and a one-character slip in its title, are no unknown documents.
    for q in ("上海市城乡规划条例对违法建设怎么处罚？", "上海市城乡规化条例里建设工程规划许可证多久失效？"):
        r = read_question(q, vocab)
        assert r.unknown_documents == []


def test_criteria_asked_with_a_word_before_the_standard(laws):
    # 按什么考核标准 / 按什么打分标准: the standard asked is still the criteria.
    why = ask(laws, "C类和D类企业到底是按什么考核标准评出来的？", "lzb-2024-22:s6.3")
    assert why is not None and why.endswith("没有规定其具体标准")


def test_a_class_named_only_below_the_first_clauses_is_still_read(laws):
    """Whether the asker's figures put them in a class: the article that names the classes
    (and hands their criteria on) is found fourth, below articles about other things."""
    q = "我们是做设计的，公司15个人、年收入800万，算微型企业还是小型企业？"
    why = ask(laws, q, "sme-promotion-law-2017:art11", "sme-promotion-law-2017:art12", "sme-promotion-law-2017:art28",
              "sme-promotion-law-2017:art2", asking="算微型企业还是小型企业？")
    assert why is not None and "划分标准由国务院负责中小企业促进工作综合管理的部门" in why
    assert why.endswith("没有给出判断是否属于“微型企业”的具体标准")


def test_the_entries_of_a_list_no_document_gives(laws):
    from assistant.retrieve.stated import unheld_contents

    _, corpus, _ = laws
    why = unheld_contents("北仑列入白名单的企业有哪些？", corpus)
    assert why is not None and why.startswith("现有文件只提到“白名单”") and why.endswith("没有列出具体名单")


def test_a_procedure_of_something_the_documents_only_partly_name(laws):
    from assistant.retrieve.stated import unheld_contents

    _, corpus, _ = laws
    why = unheld_contents("企业破产清算的申请程序是什么？", corpus)
    assert why is not None and why.endswith("没有规定其办理程序")
    # A procedure whose whole name the documents hold is the composer's to answer.
    assert unheld_contents("企业投资项目核准的申请流程是怎样的？", corpus) is None
    assert unheld_contents("低效工业用地改造项目的审批流程是怎样的？", corpus) is None


def test_contact_details_no_document_writes(laws):
    from assistant.retrieve.stated import unheld_contents

    _, corpus, _ = laws
    assert unheld_contents("在线平台的网址是多少？", corpus) == "现有文件没有载明网址等联系信息"
    assert unheld_contents("在线平台由谁建立？", corpus) is None
    assert unheld_contents("投诉电话是多少？", corpus + "投诉电话：0574-86888888") is None


def test_what_it_takes_to_enter_a_list_and_the_conditions_of_a_benefit(laws):
    clauses, corpus, _ = laws
    plan = "lzb-2024-22:s6.6"
    # Entering a list the plan only names: declined, also when the list is named in the situation told.
    assert ask(laws, "白名单企业要满足哪些条件才能入选？", plan) is not None
    why = ask(laws, "要进“白名单”享受兼并收购补助，企业得满足什么条件？", plan, asking="企业得满足什么条件？")
    assert why is not None
    # The conditions of a benefit are the clause's to state.
    assert ask(laws, "申请兼并收购补助需要满足哪些条件？", plan) is None


def test_indicators_asked_of_an_evaluation_the_texts_only_name(laws):
    why = ask(laws, "“亩均论英雄”综合评价有哪些指标？", "lzb-2024-22:s6.3")
    assert why is not None and "亩均英雄" not in why  # never a glued fragment of the asker's words


def test_where_a_plot_lies_is_declined_when_no_text_says(laws):
    from assistant.retrieve.stated import unheld_contents

    _, corpus, _ = laws
    assert unheld_contents("霞浦要改的那个区块具体是哪块地，四至在哪？", corpus) == "现有文件没有载明具体地块的位置和四至范围"
    assert unheld_contents("那块地的四至在哪？", corpus + "该地块东至规划路，西至河道。") is None
