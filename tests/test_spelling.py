"""One-character slips read as the corpus writes them (real corpus text, no index needed)."""

import re

import pytest

from assistant.answer.normalize import normalize_question
from assistant.understand.spelling import correct_slips, find_slips


@pytest.fixture(scope="module")
def corpus(parsed_laws_and_plan) -> str:
    clauses, _ = parsed_laws_and_plan
    return re.sub(r"\s+", "", "".join(c.text for c in clauses.values()))


@pytest.mark.parametrize("question, slips", [
    ("容级率最低要多少？", [("容级率", "容积率")]),
    ("签了出让合同后去申请建设用地规化许可证，要等多久？", [("规化许可证", "规划许可证")]),
    ("固定资产能不能加速拆旧？", [("加速拆旧", "加速折旧")]),
    ("应收账款电子凭征也有限制吗？", [("账款电子凭征", "账款电子凭证")]),
    ("宿舍型保障性租凭住房谁来建？", [("型保障性租凭", "型保障性租赁")]),  # 租凭: a rare word, a slip here
    # One unknown token mended into a run every law writes (自…起施行), no other run one character away.
    ("修订后的中小企业促进法是哪天起施形的？", [("起施形", "起施行")]),
])
def test_a_slipped_character_is_read_as_the_corpus_writes_it(corpus, question, slips):
    assert find_slips(normalize_question(question, 2000), corpus) == slips


@pytest.mark.parametrize("question", [
    "企业会被罚多少？",                 # 企业会: words the asker meant
    "新领导上任后说之前的政策不算了",     # 领导上任: a phrase the corpus lacks, not a slip
    "预留给小微企业的比例是多少？",       # 小微: the corpus's own short form
    "北仑区人才购房补贴是多少？",         # out of scope: nothing to mend
    "镇海区的低效用地政策是什么？",       # a place the corpus lacks stays as written
    "公积金怎么交？",                     # a real word the corpus lacks
    "我们是中小企业分包，总包拖着不付款",  # 分包: a rare dictionary word beside another word, meant
    "竣工资科要在多长时间内报送？",       # 资源要 is a chance run of the corpus, not a phrase it writes
    "D类企业每度电加价多少？",             # 每 picks out a unit: no slip of 企业年度
])
def test_words_written_on_purpose_are_left_alone(corpus, question):
    assert find_slips(normalize_question(question, 2000), corpus) == []


def test_the_question_is_mended_once_per_slip(corpus):
    q, slips = correct_slips("容级率最低要多少？容级率能放宽吗？", corpus)
    assert slips == [("容级率", "容积率"), ("容级率", "容积率")]
    assert q == "容积率最低要多少？容积率能放宽吗？"


@pytest.fixture(scope="module")
def titles(parsed_laws_and_plan) -> list[str]:
    return [m.title for m in parsed_laws_and_plan[1]]


@pytest.mark.parametrize("question, slips", [
    ("中小企业促近法是从哪天开始施行的？", [("中小企业促近法", "中小企业促进法")]),
    ("供电公司乱收费，营商环境条列怎么管？", [("营商环境条列", "营商环境条例")]),
    ("事业单位的项目适不适用企业投资项目核准和备按管理条例？", [("企业投资项目核准和备按管理条例", "企业投资项目核准和备案管理条例")]),
    ("上海市城乡规化条例对违法建设怎么罚？", [("上海市城乡规化条例", "上海市城乡规划条例")]),
])
def test_a_held_title_written_with_one_character_slipped_is_read_as_held(titles, question, slips):
    from assistant.understand.spelling import correct_titles

    fixed, found = correct_titles(question, titles)
    assert found == slips
    assert slips[0][1] in fixed and slips[0][0] not in fixed


@pytest.mark.parametrize("question", [
    "中小企业促进法第二条怎么规定的？",          # written as held
    "北京市城乡规划条例怎么规定的？",            # another place's regulation: two characters differ
    "中小企业发展法有什么规定？",                # a title not held, two characters from the held one
])
def test_titles_written_as_held_or_not_held_are_left_alone(titles, question):
    from assistant.understand.spelling import correct_titles

    assert correct_titles(question, titles) == (question, [])


def test_title_forms_on_a_title_no_code_has_seen():
    from assistant.understand.spelling import correct_titles, title_forms

    forms = title_forms(("某市公共停车场管理条例（2026年修订）",))
    assert "某市公共停车场管理条例" in forms and "停车场管理条例" in forms and "理条例" not in forms
    assert correct_titles("停车场管里条例怎么罚？", ["某市公共停车场管理条例"]) == \
        ("停车场管理条例怎么罚？", [("停车场管里条例", "停车场管理条例")])
