"""Answers read from a document's structure, beyond the clauses retrieval ranked first.

- A penalty asked of a party the question names (这家事业单位, 某个部门, 中介机构) is answered
  from the article that sanctions that party, by the item about the conduct told.
- A list asked of a heading the question names (…改造提升模式有哪几种, 实施路径, one character
  slipped) is answered with the titles under that heading.
- A numbered line under a list's opener (有下列情形之一的：…（五）…) is an item, not a heading.

The composer gets real parsed clauses (the shipped plan and the regulations of evals/documents)
with retrieval scores shaped like fused (RRF) scores.
"""

from __future__ import annotations

import pytest

from assistant.answer.normalize import normalize_question
from assistant.answer.shapes import is_heading
from assistant.models import Answer
from assistant.retrieve.hybrid import Hit
from assistant.understand.reading import ask_kinds, read_question
from tests.conftest import compose_from

PAY25 = "sme-payment-2025:"
BIZ = "business-environment-2019:"
PLAN = "lzb-2024-22:"


def ask(laws_and_vocab, question: str, *scored: tuple[str, float]) -> Answer:
    return compose_from(laws_and_vocab, question, *scored, structure=True)


def lead(answer: Answer) -> str:
    return answer.answer.split("\n", 1)[0]


# --- the party a penalty is asked of ---------------------------------------------

def test_a_penalty_asked_of_a_named_party_comes_from_the_article_that_sanctions_it(laws_and_vocab):
    # Retrieval found the duties (30日内支付, 不得拖欠), not the sanction.
    a = ask(laws_and_vocab, "给一家事业单位供了货，过了付款期限还是不付，事业单位要担什么责任？",
            (PAY25 + "art9.k1", 0.0328), (PAY25 + "art7.k1", 0.0310))
    assert a.citations[0].id == PAY25 + "art31"
    assert lead(a).startswith("据《保障中小企业款项支付条例》（2025年版）第三十一条，机关、事业单位违反本条例，有下列情形之一的，")
    assert lead(a).endswith("……（一）未在规定的期限内支付中小企业货物、工程、服务款项[1]。")


def test_a_lead_that_sanctions_another_party_gives_way_to_the_named_one(laws_and_vocab):
    # The best hit sanctions 行业协会商会、中介服务机构; the question is about a government department.
    a = ask(laws_and_vocab, "某个局没有法律依据，硬要我们参加达标评比，还借机收费，这要被追究责任吗？",
            (BIZ + "art71", 0.0323), (BIZ + "art17.k2", 0.0315))
    assert a.citations[0].id == BIZ + "art69"
    assert "政府和有关部门及其工作人员有下列情形之一的，依法依规追究责任……(五)没有法律、法规依据，强制或者变相强制市场主体参加评比" \
        in lead(a)


def test_the_item_is_chosen_by_the_conduct_not_by_the_partys_own_words(laws_and_vocab):
    # 中介 names the party (行业协会商会、中介服务机构) and item (四) too; 强制…接受 is the conduct.
    a = ask(laws_and_vocab, "中介机构逼我们接受它的服务，这种行为按条例怎么处理？", (BIZ + "art43.k2", 0.0320), (BIZ + "art69", 0.0315))
    assert a.citations[0].id == BIZ + "art71"
    assert lead(a).endswith("由有关部门责令改正，依法追究法律责任……(五)违法强制或者变相强制市场主体接受中介服务[1]。")


def test_a_lead_that_sanctions_whom_it_names_stays(laws_and_vocab):
    a = ask(laws_and_vocab, "大型企业对投诉的中小企业打击报复，要担什么法律责任？", (PAY25 + "art35", 0.0330), (PAY25 + "art31", 0.0310))
    assert a.citations[0].id == PAY25 + "art35"


def test_how_the_conduct_told_is_dealt_with_asks_its_penalty():
    assert "penalty" in ask_kinds("中介硬塞给我们服务，这种做法按条例怎么处理")
    assert "penalty" in ask_kinds("这样的行为该如何处置")
    assert "penalty" not in ask_kinds("投诉材料递上去以后怎么处理")


# --- a heading the question names ----------------------------------------------

def test_a_list_asked_of_a_named_heading_gives_the_titles_under_it(laws_and_vocab):
    # Retrieval ranked the leading-group clause first; the question names 改造提升模式.
    a = ask(laws_and_vocab, "方案里的改造提升模式一共有哪几种？", (PLAN + "s8.1", 0.0315), (PLAN + "s1", 0.0306))
    assert lead(a) == ("四、改造提升模式包括：（一）政府收储改造；（二）市场参与改造；（三）村集体主导改造；"
                       "（四）企业联合改造；（五）企业自主改造；（六）其他改造模式[1]。")
    assert a.citations[0].id == PLAN + "s4"


def test_a_heading_named_with_one_character_slipped_is_still_named(laws_and_vocab):
    a = ask(laws_and_vocab, "实施路劲分哪几种改造？", (PLAN + "s5.1.1", 0.0311), (PLAN + "s5.2.1", 0.0309))
    assert lead(a) == "五、实施路径包括：（一）腾挪拆除式改造；（二）梳理提升式改造；（三）环境优化式改造[1]。"


def test_a_named_heading_with_only_points_under_it_is_asked_into_not_listed(laws_and_vocab):
    # 梳理提升式改造 has 一是/二是/三是 under it, no titles: the question asks what one of them says.
    a = ask(laws_and_vocab, "梳理提升式改造里，对低效和安全隐患突出的企业要通过哪些途径提质增效？",
            (PLAN + "s5.2.2", 0.0320), (PLAN + "s5.2", 0.0310))
    assert "包括：" not in lead(a)
    assert "设备更新改造、容积率提升、以商引商等途径" in lead(a)


# --- items under a list's opener -----------------------------------------------

def test_a_numbered_line_under_a_list_opener_is_an_item_not_a_heading(laws_and_vocab):
    clauses, _ = laws_and_vocab
    assert not is_heading("(五)违法强制或者变相强制市场主体接受中介服务。", clauses[BIZ + "art71"])
    assert not is_heading("（一）未在规定的期限内支付中小企业货物、工程、服务款项；", clauses[PAY25 + "art31"])
    # A plan's numbered subheading stays one.
    assert is_heading("（一）政府收储改造。", clauses[PLAN + "s4"])


# --- a sentence said in pieces; two things told apart ----------------------------

def test_a_later_part_answered_by_the_rest_of_the_sentence_gets_that_piece(laws_and_vocab):
    from assistant.answer.extractive import compose_parts

    clauses, vocab = laws_and_vocab
    q = normalize_question("项目清单哪天前要报领导小组办公室？批下来以后怎么实施？", 2000)
    reading = read_question(q, vocab)
    assert len(reading.parts) == 2
    hit = [Hit(clause=clauses[PLAN + "s7.2"], score=0.033)]
    a = compose_parts(q, reading, [hit, hit], vocab, clauses=clauses)
    lines = a.answer.split("\n")
    assert "2024年6月底前报领导小组办公室[1]" in lines[0]
    assert lines[1].startswith("（2）")
    assert lines[1].endswith("，经批准同意后分年度实施[1]。")


def test_two_things_told_apart_are_both_stated(laws_and_vocab):
    inv = "investment-project-approval-2016:"
    a = ask(laws_and_vocab, "核准管理跟备案管理有啥不同？", (inv + "art3.k1", 0.0330), (inv + "art9", 0.0300))
    lines = a.answer.split("\n\n依据：")[0].split("\n")
    assert lines[0].endswith("实行核准管理[1]。")
    assert lines[1] == ("据《企业投资项目核准和备案管理条例》第三条第二款，对前款规定以外的项目，实行备案管理。"
                        "除国务院另有规定的，实行备案管理的项目按照属地原则备案，备案机关及其权限由省、自治区、直辖市和"
                        "计划单列市人民政府规定[2]。")
    assert [c.id for c in a.citations][:2] == [inv + "art3.k1", inv + "art3.k2"]


# --- words the texts quote -------------------------------------------------------

def test_quoted_phrases_sharing_what_the_asker_quotes_are_the_answer(laws_and_vocab):
    a = ask(laws_and_vocab, "方案总体要求里提到的几个“一批”分别是哪些？", (PLAN + "s1", 0.0328), (PLAN + "s8.1", 0.0310))
    assert "通过“拆除改造一批”“梳理提升一批”“环境优化一批”等方式" in lead(a)
    assert a.citations[0].id == PLAN + "s1"


def test_a_phrase_of_the_length_asked_is_found_in_the_narrowest_clause(laws_and_vocab):
    # The section is what retrieval found; its second part quotes the eight characters.
    a = ask(laws_and_vocab, "主导产业定位那一条要实现的是哪八个字？", (PLAN + "s2", 0.0330), (PLAN + "s2.1", 0.0310))
    assert lead(a) == "据仑政办〔2024〕22号二、基本原则（二）明确主导产业定位，低效工业用地改造提升后要实现“空间整合、产业更新”[1]。"
    assert a.citations[0].id == PLAN + "s2.2"


def test_a_quotation_with_a_word_forgotten_is_matched_against_the_texts_quotations(laws_and_vocab):
    from assistant.understand.reading import quote_held

    a = ask(laws_and_vocab, "条例里说的那个“双什么一什么”的监管方式，原话怎么写的？", (BIZ + "art54.k1", 0.0328), (BIZ + "art51", 0.0300))
    assert lead(a).startswith("据《优化营商环境条例》第五十四条第一款，国家推行“双随机、一公开”监管，")
    assert quote_held("那个“双什么一什么”监管", "国家推行“双随机、一公开”监管")
    assert not quote_held("那个“双什么一什么”监管", "国家推行“双随机”监管")
    assert not quote_held("“双随机”是什么意思", "国家推行“双随机、一公开”监管")  # quoted whole: the words' to find


def test_an_instruction_is_no_part_of_its_own():
    from assistant.understand.reading import _parts

    assert [p.text for p in _parts(["哪几个“一批”？", "请按原文回答。"])] == ["哪几个“一批”"]


def test_what_the_text_names_by_a_quotation_is_answered_by_that_sentence(laws_and_vocab):
    a = ask(laws_and_vocab, "受理投诉的部门把投诉转出去要遵循什么原则？", (PAY25 + "art24.k1", 0.0330), (PAY25 + "art25.k1", 0.0320))
    assert a.citations[0].id == PAY25 + "art25.k1"
    assert "按照“属地管理、分级负责，谁主管谁负责、谁监管谁负责”的原则" in lead(a)


def test_an_instruction_is_not_read_for_retrieval():
    from assistant.understand.reading import without_instructions

    assert without_instructions("转交投诉按什么原则？请引用原文。") == "转交投诉按什么原则？"
    assert without_instructions("请引用原文。") == "请引用原文。"  # nothing else: left as asked


def test_two_parts_of_one_section_told_apart_are_both_stated(laws_and_vocab):
    a = ask(laws_and_vocab, "政府收储改造跟市场参与改造有什么不同？", (PLAN + "s4.1", 0.0330), (PLAN + "s5.1", 0.0300))
    lines = a.answer.split("\n\n依据：")[0].split("\n")
    assert lines[1].startswith("据仑政办〔2024〕22号四、改造提升模式（二）市场参与改造，引导国有企业、龙头企业、园区运营商参与老旧工业区改造")
    assert [c.id for c in a.citations][:2] == [PLAN + "s4.1", PLAN + "s4.2"]


def test_a_phrase_pointing_at_text_is_no_missing_subject(laws_and_vocab):
    a = ask(laws_and_vocab, "方案里讲工业控制线内预留新增空间的那句话，原文怎么写的？", (PLAN + "s6.1", 0.0330))
    assert not a.abstained
    assert "预留新增空间的10%左右用于小微企业承载平台建设" in a.answer


# --- the original wording asked -------------------------------------------------------

def test_the_original_wording_asked_quotes_the_short_article_whole(laws_and_vocab):
    # Retrieval found the article's first paragraph; 原文是什么 asks every paragraph of it.
    a = ask(laws_and_vocab, "中小企业促进法里对拖欠中小企业款项是怎么规定的？原文是什么？",
            ("sme-promotion-law-2017:art53.k1", 0.033))
    assert [c.id for c in a.citations] == ["sme-promotion-law-2017:art53"]
    assert "有权要求拖欠方支付拖欠款" in a.answer
    # Without 原文 the paragraph stays the narrower cite.
    b = ask(laws_and_vocab, "中小企业促进法里对拖欠中小企业款项是怎么规定的？",
            ("sme-promotion-law-2017:art53.k1", 0.033))
    assert [c.id for c in b.citations] == ["sme-promotion-law-2017:art53.k1"]
