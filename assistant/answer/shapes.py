"""What a question asks for, and the shapes in which legal and policy texts state it.

The composer looks for the shape the question asks about in the best clause: a penalty
(处…以上…以下罚款), a time limit (…日内), the responsible authority (…负责 / 主管部门), a
definition (本条例所称…是指…), a number or a date. These are patterns of the genre, not of
one document.
"""

from __future__ import annotations

import re

from assistant.models import Clause
from assistant.understand.reading import HANDLED_CONDUCT

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_CN_NUM = "零〇一二两三四五六七八九十百千万"
# A number with its unit, in Arabic digits or Chinese numerals (三十日, 二千元, 5‰).
NUMBER = re.compile(rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)\s*(?:%|‰|万元|亿元|千元|元|亿|万平方米|平方米|亩|天|日|"
                    rf"个工作日|个月|个|家|年|月|倍)|[百千万]分之[{_CN_NUM}\d.]+")
# A figure a text states: with its unit, or bare after a bound (a ratio: …不低于N).
STATED_NUMBER = re.compile(rf"{NUMBER.pattern}|(?:不低于|不高于|不少于|不多于|不超过|不得低于|不得高于|不得超过|"
                           rf"低于|高于|超过|达到)\s*\d+(?:\.\d+)?")
DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:底前|前|底)?|\d{1,2}月底前")
ASKS_NUMBER = re.compile(r"多少|几|比例|百分|多大|多高|多长|上限|下限|最低|最高|额度|标准|how (much|many)", re.I)
ASKS_DATE = re.compile(r"什么时候|何时|哪天|哪年|几月|日期|截止|时间|when", re.I)
ASKS_WHO = re.compile(r"哪个部门|哪个单位|哪家单位|谁|哪些部门|负责|牵头|主管|哪个机关|"
                      r"(?:到|去|向|找)哪(?:里|儿)?(?:投诉|举报|反映|申请|申诉|办|报)|which (department|bureau)|who", re.I)
LISTS = re.compile(r"哪些|哪几|哪[两二三四五六七八九十]+(?:种|类|个|项|方面|条)|有什么|包括|分为|几种|几个方面|what are", re.I)
WANTS_AMOUNT = re.compile(r"补助|补贴|奖励|资助|多少|比例|几|标准|上限|罚|how (much|many)", re.I)

ASKS_PENALTY = re.compile(r"罚|处罚|法律责任|后果|会怎么?样|会咋样|追究|被.{0,4}查处|(?:怎么|如何|怎样)查处|penalt|fine|"
                          + HANDLED_CONDUCT, re.I)
# 期限/时限 asks only as what is asked (期限是多少, 有没有期限, 什么期限), not inside a noun
# phrase that names a period (保证期限届满后的保证金怎么处理).
ASKS_TIME_LIMIT = re.compile(r"多久|多长时间|多长(?!度)|几天|几日|多少天|多少日|(?:多少|几)个?(?:工作日|小时|星期|礼拜)|几周|(?:几|多少)个月|几年一次|"
                             r"(?:期限|时限)(?:是|为|有|多|要求|规定|怎么|如何|[？?]|$)|什么(?:期限|时限)|"
                             r"(?:有没有|有无)(?:明确|具体|规定)?的?(?:期限|时限|时间限制|时间要求|有效期)|(?:期限|时限)(?:了|吗|呢)|"
                             r"有效期(?:是|为|多|有|几|[？?]|$)|how long", re.I)
ASKS_DEFINITION = re.compile(r"什么是|是指|指的是|指什么|指啥|所称|定义|什么意思|啥意思|含义|含意|怎么界定|如何界定|算中小|what is", re.I)
ASKS_AUTHORITY = re.compile(r"哪个部门|哪个机关|哪个单位|谁负责|由谁|归谁|谁管|主管部门|谁来|找谁|向谁|哪里申请|"
                            r"which (department|authority)", re.I)

PENALTY = re.compile(rf"(?:处|并处|予以)[^。；]*?(?:罚款|罚金)|没收[^。；，]*|吊销[^。；，]*|责令[^。；，]*")
# A time limit, a minimum or maximum period, a frequency (五年至少进行一次, 每两年), or how long
# something is posted for comment (公示三十日, 公示期不少于十五日).
TIME_LIMIT = re.compile(rf"(?:\d+|[{_CN_NUM}]+)\s*(?:个工作日|个月|日|天|年)\s*(?:内|以内|前)|期限[^。；，]*不得超过[^。；，]*|"
                        rf"(?:不少于|不得少于|不超过|不得超过|最长|最短)\s*(?:\d+|[{_CN_NUM}]+)\s*(?:个工作日|个月|日|天|年)|"
                        rf"(?:\d+|[{_CN_NUM}]+)\s*(?:个月|年|周)\s*(?:至少|最少)?\s*(?:进行|开展|组织|召开)?\s*一次|"
                        rf"每(?:隔)?\s*(?:\d+|[{_CN_NUM}]+)?\s*(?:个月|年|季度|周)|"
                        rf"(?:公示|公告|张贴|征求意见|异议)期?[^。；，]{{0,8}}?(?:\d+|[{_CN_NUM}]+)\s*(?:个工作日|个月|日|天)|"
                        # 当场作出决定: no wait at all is a time limit too.
                        r"(?:当场|当即|即时|立即)\s*(?:作出|予以|办理|核发|发放|出具|受理|答复|决定)")
AUTHORITY = re.compile(r"[^，。；]{2,40}?(?:负责|主管|牵头|召集|审批|核准|受理|批准|实施)|"
                       r"向[^，。；]{2,24}?(?:提出|申请|报送|报告|备案|投诉)|"
                       # where an office sits (办公室设在区经信局): the unit that holds it.
                       r"(?:设在|设于)[^，。；]{2,20}")
DEFINITION = re.compile(r"所称[^。]*?(?:是指|指)|^.{0,30}是指")
# Legal liability in a wider sense than a fine: 依法追究责任, 给予处分 (a penalty article of a
# regulation that binds authorities names no fine).
LIABILITY = re.compile(rf"{PENALTY.pattern}|追究[^。；，]{{0,8}}责任|给予[^。；，]{{0,8}}处分|由[^。；，]{{1,20}}依法(?:处理|查处)")
# A record against the offender's credit (记入信用档案, 纳入…失信名单): a sanction beside a fine.
CREDIT_RECORD = re.compile(r"记入[^。；，]{0,8}信用(?:档案|记录)|纳入[^。；，]{0,16}(?:失信|信用)[^。；，]{0,8}(?:名单|平台|记录|档案)")
# Asking what happens to whoever breaks a rule, in words that name no penalty (会被怎么处理,
# 要担什么责任, 有什么后果).
ASKS_LIABILITY = re.compile(r"被[^，。？?]{0,4}(?:怎么|如何|怎样)(?:处理|处置|处罚|追究|问责|查处)|会(?:怎么|如何|怎样)处理|"
                            r"(?:担|承担)(?:什么|哪些|何种|啥)(?:法律)?责任|担责|追责|问责|有(?:什么|啥)(?:法律)?后果|"
                            r"受(?:到)?(?:什么|哪些|何种|啥)(?:样的)?(?:处理|处分|处罚|惩罚)|"
                            r"(?:违规|违法|违反)[^，。？?]{0,8}(?:会|要)(?:怎么|怎样|如何)|" + HANDLED_CONDUCT)

# Where money comes from (这笔钱从哪来, 资金来源, 费用谁出) and the sentences that say it: drawn
# from (提取…, 从…中安排), budgeted (列入…预算), borne by someone (由…承担).
ASKS_SOURCE = re.compile(r"从哪(?:里|儿)?来|哪(?:里|儿)来的?|来源|(?:钱|资金|经费|费用)[^，。？?]{0,4}(?:谁出|谁承担|哪里出|哪出)|"
                         r"谁(?:来)?出钱|谁(?:来)?(?:承担|负担)(?:费用|经费)")
SOURCE = re.compile(r"提取|来源于|来自|从[^。；，]{1,20}中(?:安排|列支|提取|支出)|(?:列入|纳入)[^。；，]{0,12}预算|"
                    r"由[^。；，]{1,20}(?:承担|负担|出资)|筹集|拨付")

# What to say when the question asks for a shape the best clause does not state.
UNSETTLED: dict[str, str] = {}
# (what the question asks, the shape that answers it), most specific first.
SHAPES: list[tuple[re.Pattern, re.Pattern]] = [
    (ASKS_PENALTY, PENALTY),
    (ASKS_TIME_LIMIT, TIME_LIMIT),
    (ASKS_DEFINITION, DEFINITION),
    (ASKS_AUTHORITY, AUTHORITY),
]
# Headings of the genre: （八）安排专项资金, 六、政策举措, 第三章 总则. A numbered line (1.…)
# is an item of a list, not a heading.
_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百]+[章节])"
                      r"\s*\S{0,24}$")


def sentences(text: str) -> list[str]:
    """Split clause text into sentences (kept verbatim, ending punctuation included)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


# A sentence that opens a list of items (有下列情形之一的：, 包括以下内容：).
_LIST_OPENED = re.compile(r"(?:下列|以下)[^。\n]{0,80}[：:]")


def is_heading(sentence: str, clause: Clause | None = None) -> bool:
    """Is ``sentence`` only a heading (（八）安排专项资金, 第三章 总则, the clause's title)?

    A line that states a date or a figure (（一）全面排查摸底（2024年4月底前）) says something,
    and so does the only sentence of a clause (1.区政府办负责…).
    """
    s = sentence.strip().rstrip("。；")
    if DATE.search(s) or NUMBER.search(s):
        return False
    if clause is not None and len(sentences(clause.text)) <= 1:
        return False
    if clause is not None and clause.title and s.replace(" ", "") in (
            clause.title, f"{clause.number or ''}{clause.title}".replace(" ", "")):
        return True
    if clause is not None and _LIST_OPENED.search(clause.text[:max(clause.text.find(s), 0)]):
        return False  # an item of a list (…有下列情形之一的：…（五）违法强制…接受中介服务。)
    return bool(_HEADING.match(s)) and not re.search(r"[，,：:]", s)


UNSETTLED.update({PENALTY.pattern: "具体的处罚", TIME_LIMIT.pattern: "具体期限",
                  DEFINITION.pattern: "明确的定义或认定标准", AUTHORITY.pattern: "具体的负责部门"})
