"""One typed reading of a question: what is asked, about what, with which numbers, rows,
places, years and documents, and which part is background about the asker.

The reading is built from the question and the index's own :class:`Vocabulary` (document
titles and 文号, places the texts name, table row keys and headers, defined terms), so it
works on any ingested document. Retrieval runs on the asking part; background such as
"我们是白名单企业，现在才1.2" stays as context for calculators and the matcher.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, Field

from assistant.index.tokenize import QUESTION_WORDS, STOPWORDS, _jieba, word_tags
from assistant.tools.quantities import Quantity, find_quantities
from assistant.understand.lexicon import near_miss
from assistant.understand.versions import read_versions, strip_cues
from assistant.understand.vocabulary import PLACE_RE, HeldDocument, Vocabulary, generic_places

AskKind = Literal["wording", "who", "when", "time_limit", "amount", "list", "compare", "superlative",
                  "filter", "sum", "share", "penalty", "definition", "calculation", "eligibility", "yesno", "open", "condition"]

# How the conduct told before is dealt with (行业协会硬拉我们参加评比…，这种情况怎么处理): its penalty.
HANDLED_CONDUCT = r"(?:这种|这样的?|此类|这类)(?:情况|做法|行为)[^。？?]{0,12}(?:怎么|如何|怎样|咋)(?:处理|处置)"

# How Chinese (and a little English) asks for each kind of thing. Order matters only for
# ``primary``: the more specific kinds come first.
ASK_PATTERNS: dict[str, re.Pattern] = {
    "penalty": re.compile(r"罚|处罚|处分|法律责任|追究|违反.{0,12}(怎么|会|后果)|后果|会怎么?样|会咋样|吊销|担责|追责|问责|"
                         r"(担|承担)(什么|哪些|何种|啥)(法律)?责任|被.{0,4}查处|(怎么|如何|怎样)查处|违规.{0,8}(会|要)(怎么|怎样|如何)|"
                         r"受(到)?(什么|哪些|何种|啥)(样的)?(处理|处分|处罚|惩罚)|"
                         + HANDLED_CONDUCT + r"|penalt|fine", re.I),
    "definition": re.compile(r"什么是|是指什么|指的是|指啥|所称|定义|什么意思|啥意思|含义|含意|怎么认定|如何认定|认定标准|算不算|属不属于|"
                            r"(?:算|属于|归于|归为)哪一?(?:种|类)|what is", re.I),
    "time_limit": re.compile(r"多久|多长时间|最[短长]的?(?:时间|期限)|几天|几日|多少天|多少日|多少个工作日|几个工作日|几个月|期限|时限|限期|有效期|how long", re.I),
    "when": re.compile(r"什么时候|何时|哪天|哪一天|哪年|几月|日期|截止|最晚|最迟|哪个时间|when", re.I),
    # In which case a rule applies (什么情况下实行核准管理): two such questions are two parts.
    "condition": re.compile(r"(?:什么|哪些|哪种|何种)(?:情况|情形|条件)(?:下|之下)?|在什么情况"),
    "who": re.compile(r"哪个部门|哪个单位|哪家单位|哪个机关|哪些部门|哪个局|谁|负责|牵头|主管|召集|归.{0,3}管|"
                      r"(?:到|去|向|找)哪(?:里|儿|个部门|个单位)?(?:投诉|举报|反映|申请|申诉|办|报)|"
                      r"which (department|bureau|authority)|who", re.I),
    "sum": re.compile(r"加起来|一共|合计|总共|共计|总和|加在一起|加一块|加一起|加到一起|in total", re.I),
    "share": re.compile(r"占.{0,8}(百分之几|比例|多少|几成)|占比|百分之几|share of", re.I),
    "superlative": re.compile(r"最多|最少|最高|最低|最大|最小|第一多|排第一|most|least|highest|lowest", re.I),
    "compare": re.compile(r"比较一下|做个比较|哪个更|相比|对比|哪个多|哪个大|哪个高|差多少|区别|不同|一样吗|差别|compare", re.I),
    "filter": re.compile(r"(超过|高于|低于|少于|不少于|不低于|大于|小于|多于|以上|以下|以内)\s*[\d一二三四五六七八九十百千万]"),
    "list": re.compile(r"哪些|哪几|有什么|有啥|有哪|包括|分为|几种|几类|列一下|列出|都有|(?:用|花)(?:在|到|于)哪|用途|"
                      r"what are|which", re.I),
    "wording": re.compile(r"原文|原话|怎么写|怎么说的|怎么规定|如何规定|规定了什么|条文|wording", re.I),
    "calculation": re.compile(r"能补多少|补多少|能拿多少|拿多少|能奖多少|奖多少|算一下|计算|是多少钱|多少钱|还差|达标|够不够|达没达到"),
    "eligibility": re.compile(r"(我们|我司|我厂|我公司|本公司|本企业|我单位).{0,30}(能不能|能否|可以|可不可以|符合|享受|申请|适用|算)"),
    "amount": re.compile(r"多少|几|比例|百分|多大|多高|多长|上限|下限|额度|标准|how (much|many)", re.I),
    "yesno": re.compile(r"吗|(?<!什)[么嘛][？?]?$|是否|能不能|可不可以|有没有|是不是|要不要|需不需要|会不会|能否|可否|行不行|\b(is|are|can|does|do)\b", re.I),
}
# A segment asks something when it holds one of these (or ends with a question mark).
_ASKING = re.compile(r"[？?]$|吗|呢|么|多少|几|哪|谁|什么|啥|怎么|怎样|如何|是否|能否|可否|有没有|能不能|可不可以|"
                     r"是不是|要不要|会不会|列一下|列出|说明|介绍|原文|加起来|加一块|加一起|一共|合计|告诉|请问|\b(what|how|which|who|when|is|are|can)\b", re.I)
_SEGMENT = re.compile(r"[^，,。；;！!？?\n]+[，,。；;！!？?]?")
_SELF = re.compile(r"我们|我司|我厂|我公司|本公司|本企业|我单位|咱|俺|我家|我方|\b(we|our|us)\b", re.I)
_DOC_TITLE = re.compile(r"《([^》]{2,60})》")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
# A local regulation named by its place: …省/市/自治区 + a title ending as regulations do.
_LOCAL_TITLE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:省|市|自治区)[\u4e00-\u9fff]{2,14}?(?:条例|办法|实施细则|细则)")
# A district's or county's own measures written bare (某某区工业用地…管理办法): a document the
# index does not hold unless its text writes that very name. A measure the texts cite but the
# index lacks is declined as 《…》 is: what it says is not held.
_DISTRICT_TITLE = re.compile(r"[\u4e00-\u9fff]{2,3}(?:区|县)(?![块域间])[\u4e00-\u9fff]{4,18}?(?:管理办法|实施办法|暂行办法|办法|实施细则|细则|规定)")
# A document named bare with its edition (政府核准的投资项目目录（2016年本）, …办法（试行）): a
# document, held only when a held title is it.
_EDITION_TITLE = re.compile(r"([\u4e00-\u9fff]{4,30}?(?:目录|清单|名录|办法|规定|细则|标准|规划|方案|意见|通知))"
                            r"[（(]\s*(?:(?:19|20)\d{2}\s*年?\s*(?:本|版|修订|修正)|试行|暂行)\s*[)）]")
# A law or regulation cited by an article (城乡规划法第六十四条, 某某条例第十条) without 《》: a
# document, held only when a held title holds every character of its name in order.
_CITED_TITLE = re.compile(r"([\u4e00-\u9fff]{3,18}?(?:法|条例|办法|规定|细则))第[一二三四五六七八九十百零〇\d]+条")
# What may stand before such a name in a question (根据…, 这个…, 修订后的…): not part of it.
_TITLE_LEAD = re.compile(r"^(?:(?:根据|按照|依照|依据|对照|参照|违反|适用|按|照|依|在|是|那|这|请问|关于|问下|问一下)"
                         r"|(?:这个|那个|该|本|新|旧|老|现行|修订后的?|新版|旧版|最新的?|的))+")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
# Words of asking itself: they say what kind of answer is wanted, not what about.
_ASK_WORDS = frozenset("多少 多大 多高 多长 多久 哪些 哪个 哪几 哪几个 哪家 几个 几家 什么 怎么 怎样 如何 是否 能否 可否 "
                       "有没有 能不能 可不可以 是不是 要不要 会不会 加起来 一共 合计 总共 共计 分别 各是 原文 请问 "
                       "规定 具体 情况 问题 怎么办 怎么样 有啥 啥样 最多 最少 最高 最低".split())


class Part(BaseModel):
    """One asking part of a (possibly multi-part) question."""

    text: str
    asks: list[AskKind] = Field(default_factory=list)
    subject: list[str] = Field(default_factory=list, description="content words, most specific first")
    query: str = Field(description="what retrieval reads for this part (borrows the previous part's "
                                   "subject when this one names none, as in 主任是谁)")
    closed: bool = Field(default=False, description="ends with a question mark")
    cue: str = Field(default="", description="what the part asks in the words such a thing is asked "
                                             "in, when its own words do not say (不改的话怎么处理: a penalty)")


class Reading(BaseModel):
    """A typed reading of one question."""

    question: str
    asking: str = Field(description="the asking part: retrieval runs on it")
    background: list[str] = Field(default_factory=list, description="statements about the asker, kept as context")
    parts: list[Part] = Field(default_factory=list)
    asks: list[AskKind] = Field(default_factory=list)
    subject: list[str] = Field(default_factory=list, description="content words of the asking part")
    numbers: list[Quantity] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    named_titles: list[str] = Field(default_factory=list, description="《…》 titles written in the question")
    named_numbers: list[str] = Field(default_factory=list, description="文号 written in the question")
    unknown_documents: list[str] = Field(default_factory=list, description="named documents the index lacks")
    doc_ids: list[str] = Field(default_factory=list, description="held documents the question names")
    places: list[str] = Field(default_factory=list)
    unknown_places: list[str] = Field(default_factory=list)
    rows: list[str] = Field(default_factory=list, description="table row keys named")
    columns: list[str] = Field(default_factory=list, description="table column headers named")
    terms: list[str] = Field(default_factory=list, description="defined terms named")
    about_self: bool = False
    version_years: list[int] = Field(default_factory=list, description="years written as a version (2012版)")
    versions: list[str] = Field(default_factory=list, description="ids of the versions of one regulation asked "
                                                                  "about, oldest first (set once resolved)")

    @property
    def multi_part(self) -> bool:
        """Does the question ask two or more things that need separate answers?"""
        return len(self.parts) >= 2

    def asks_for(self, *kinds: str) -> bool:
        """Does any part ask for one of ``kinds``?"""
        return any(k in self.asks for k in kinds)


def ask_kinds(text: str) -> list[AskKind]:
    """The kinds of answer a piece of question text asks for, most specific first."""
    return [k for k, p in ASK_PATTERNS.items() if p.search(text)]  # type: ignore[misc]


def content_words(text: str) -> list[str]:
    """Topic words of ``text``: Chinese words of two or more characters that are neither
    particles, question words nor words of asking; most specific first, no repeats."""
    from assistant.retrieve.gate import specificity

    seen: list[str] = []
    for w in _jieba().lcut(text):
        if (_CJK_WORD.fullmatch(w) and w not in STOPWORDS and w not in QUESTION_WORDS
                and w not in _ASK_WORDS and w not in seen):
            seen.append(w)
    return sorted(seen, key=lambda w: -specificity(w))


def _segments(question: str) -> list[str]:
    out = []
    for seg in (s.strip() for s in _SEGMENT.findall(question) if s.strip(" ，,。；;！!？?")):
        pieces = seg.split("、")
        # 多少天内转交、多少天内出处理结果: two questions joined by 、, each with its own asking word.
        if len(pieces) > 1 and all(_QUANTITY_ASK.search(p) for p in pieces):
            out.extend(f"{p}，" if i < len(pieces) - 1 else p for i, p in enumerate(pieces))
        else:
            out.append(seg)
    return out


# Asking for a quantity or a party (多少天, 几个, 谁, 哪个部门): a piece of its own.
_QUANTITY_ASK = re.compile(r"多少|几|谁|哪个|哪些|哪里")


# A question asked of two or more things at once: A和B(，)分别…？ / A、B、C各是多少？
_EACH = re.compile(r"(?P<items>[^，,。？?；;！!]{2,60}?)(?:[，,]\s*(?P<common>[^，,。？?；;！!]{0,20}?))?(?:分别|各自|各)"
                   r"(?=是|为|有|在|通过|要|由|从|按|对|规定|怎么|如何|什么|哪|多少|几|罚|处|补|奖|拿|给|交|收|负责|适用|属于|需)"
                   r"(?P<rest>[^。？?；;！!]*[。？?；;！!]?)")
# What joins the things asked of (not 与 or 及: 参与, 涉及).
_JOIN = re.compile(r"和|、|以及|跟")


def short_title(title: str) -> str:
    """A held title as a question writes it bare: without a bracketed note or 中华人民共和国
    (中小企业促进法)."""
    return re.sub(r"^(?:中华人民共和国|中国)", "", re.sub(r"[（(].*?[)）]", "", title))


# How two things are asked to be compared, after them (…在取得土地的方式上有什么不同, …的区别是什么).
_COMPARE_TAIL = (r"(?P<mid>(?:在|的)[^，,。？?；;！!]{1,20}?)?(?:上|方面)?"
                 r"(?:有(?:什么|啥|何|哪些)(?:不同|区别|差别|差异|不一样)|的?(?:不同|区别|差别|差异)(?:是什么|在哪|在哪里|有哪些|是啥)"
                 r"|(?:一样|相同)(?:吗|不))[。？?！!]?")


def _compared(text: str, vocab: Vocabulary) -> str:
    """Two parts of a text compared by their titles (政府收储改造和市场参与改造在取得土地的方式上有什么
    不同？) as one question per part (政府收储改造在取得土地的方式是怎么规定的？…), so that each is
    answered from its own clause. Only titles of clauses: rows of a table are compared by the table,
    versions of a regulation by their counterparts."""
    rows = set(vocab.row_keys)
    named = [t for t in vocab.clause_titles if len(t) >= 4 and t in text and t not in rows]
    for a in named:
        for b in named:
            if a == b:
                continue
            m = re.search(re.escape(a) + r"(?:和|与|跟|同)" + re.escape(b) + _COMPARE_TAIL, text)
            if m is not None:
                mid = (m.group("mid") or "").removeprefix("的")
                asked = "".join(f"{x}{mid}是怎么规定的？" for x in (a, b))
                return text[:m.start()] + asked + text[m.end():]
    return text


def _each_asked(text: str, vocab: Vocabulary) -> str:
    """A question asked of several things at once (优化营商环境条例和中小企业促进法分别是哪天施行的？)
    as one question per thing (…条例是哪天施行的？…促进法是哪天施行的？), so that each is answered
    from its own clauses. Rows of a table (东城和西城分别是多少) are left whole: the table
    answers them together."""
    m = _EACH.search(text)
    if m is None:
        return text
    # A held title that holds a joining word (…核准和备案管理条例) is one thing.
    titles = sorted({short_title(d.title) for d in vocab.documents}, key=len, reverse=True)
    whole = m.group("items")
    kept = [t for t in titles if len(t) >= 4 and _JOIN.search(t) and t in whole]
    for i, t in enumerate(kept):
        whole = whole.replace(t, f"\x00{i}\x00")
    items = [re.sub(r"\x00(\d+)\x00", lambda k: kept[int(k.group(1))], x).strip() for x in _JOIN.split(whole)]
    if not 2 <= len(items) <= 4 or any(len(x) < 2 or _ASKING.search(x) for x in items) \
            or any(x in vocab.row_keys or x in vocab.columns for x in items):
        return text
    # 核准和备案两种管理方式: the count after the last thing names them all, not the last one.
    items[-1] = re.sub(r"(?:这|那)?[两二三四五六几]\s*(?:种|个|类|项|家|部|条)[\u4e00-\u9fff]{0,8}$", "", items[-1]) or items[-1]
    # 设计单位和施工单位造成违法建设的: what follows the last thing's head (its 单位, as the first
    # thing ends) is said of every thing.
    at = items[-1].find(items[0][-2:])
    if at >= 0 and at + 2 < len(items[-1]):
        tail = items[-1][at + 2:]
        items = [x + tail for x in [*items[:-1], items[-1][:at + 2]]]
    rest = m.group("rest")
    body = (m.group("common") or "") + rest.rstrip("。？?；;！!")
    asked = "".join(f"{x}{body}？" for x in items)
    return text[:m.start()] + asked + text[m.end():]


def _is_asking(segment: str) -> bool:
    # Only words of asking count: a condition ("按最高标准的话", "如果每年涨5%") names a
    # superlative or a number but sets the scene without asking; a sum the asker states (一共三家
    # 企业) or 几 as "several" opening a statement (几家企业联合改造，…) asks nothing.
    told = _STATED_SUM.sub("", segment)
    if not told.rstrip().endswith(("？", "?")):
        told = _SEVERAL.sub("", told)
    if told.rstrip().endswith(("。", "！", "!")):
        told = _SEVERAL_INSIDE.sub("", told)  # 打算收购几栋老厂房改造成产业园。 — a sentence that tells
    return bool(_ASKING.search(told))


_STATED_SUM = re.compile(r"(?:一共|合计|总共|共计|加起来)(?:有|是)?[0-9零一二两三四五六七八九十百千万]+")
_SEVERAL = re.compile(r"^(?:有)?几[家个位名项块宗笔间户](?=[\u4e00-\u9fff]{2})")
_SEVERAL_INSIDE = re.compile(r"几[家个位名项块宗笔间户栋幢座套台辆层处](?=[\u4e00-\u9fff]{2})")


# A condition that opens a segment (如果情况复杂延长，最长到哪天？): between two questions it
# belongs to the question after it, not to the asker's background.
CONDITION = re.compile(r"^(?:如果|要是|假如|假设|若|倘若|万一|一旦|如遇|遇到)")


def _attach_conditions(segs: list[str]) -> list[str]:
    """Join a condition segment that follows a question to the question it sets up."""
    return _join_next(segs, lambda seg, nxt, before: bool(
        CONDITION.match(seg) and not _is_asking(seg) and any(_is_asking(x) for x in before) and _is_asking(nxt)))


def _join_next(segs: list[str], joins: Callable[[str, str, list[str]], bool]) -> list[str]:
    """Each segment for which ``joins(segment, the next one, the segments before)`` holds,
    joined to the segment after it."""
    out: list[str] = []
    i = 0
    while i < len(segs):
        if i + 1 < len(segs) and joins(segs[i], segs[i + 1], out):
            out.append(segs[i] + segs[i + 1])
            i += 2
            continue
        out.append(segs[i])
        i += 1
    return out


# A second situation told beside the first (…货款不给，另外城管还乱罚我们款，…能怎么办).
_ANOTHER = re.compile(r"^(?:另外|此外|还有|再有|再者|同时|另一方面)")


def _each_situation(parts: list[Part], background: list[str]) -> tuple[list[Part], list[str]]:
    """One question asked of two situations told apart (A…，另外B…，我们能怎么办？) is asked of
    each: a part per situation, its story before the question. Otherwise unchanged."""
    if len(parts) != 1 or len(background) < 2 or not any(_ANOTHER.match(b) for b in background[1:]):
        return parts, background
    groups: list[list[str]] = [[]]
    for b in background:
        if groups[-1] and _ANOTHER.match(b):
            groups.append([])
        groups[-1].append(b)
    if len(groups) > MAX_PARTS:
        return parts, background
    ask = parts[0]
    out = []
    for g in groups:
        told = "，".join(g)
        own = content_words(told)
        out.append(Part(text=f"{told}，{ask.text}", asks=list(ask.asks),
                        subject=own + [w for w in ask.subject if w not in own],
                        query=f"{told}，{ask.query}", closed=ask.closed))
    return out, []


# A statement about the asker (我们是…, 本公司…), not a case the question sets.
_ABOUT_ASKER = re.compile(r"^(?:我|咱|俺|本公司|本单位|本企业|公司|单位)")


def _each_case(segs: list[str], vocab: Vocabulary) -> list[str]:
    """Several cases, each with its own question that names nothing else (放样后没通知复验就开工，
    罚多少？竣工资料逾期不补报的，罚多少？): each question is asked of the case told just before it,
    not of both cases merged into one background. A statement about the asker stays background."""
    if sum(_is_asking(x) for x in segs) < 2:
        return segs
    from assistant.retrieve.gate import specificity

    def bare(ask: str) -> bool:
        return not any(specificity(w) >= MEDIUM for w in content_words(ask))

    def case_of(seg: str, nxt: str) -> bool:
        return not _is_asking(seg) and not _ABOUT_ASKER.match(seg.strip()) and _is_asking(nxt) and bare(nxt) \
            and _names_subject(seg, vocab)

    if sum(case_of(a, b) for a, b in zip(segs, segs[1:])) < 2:
        return segs  # one case told, however many questions of it: the case is their background
    return _join_next(segs, lambda seg, nxt, before: case_of(seg, nxt))


def _version_first(segs: list[str], vocab: Vocabulary) -> list[str]:
    """Join a segment that names only a version, said before the question (按2020年的旧条例呢，
    投诉多少天内要处理完？), to the question it qualifies: it is no question of its own."""
    return _join_next(segs, lambda seg, nxt, before: bool(
        not seg.rstrip().endswith(("？", "?")) and _is_asking(nxt)
        and read_versions(seg).named and not _names_subject(seg, vocab)))


def _names_subject(text: str, vocab: Vocabulary, whole: str = "") -> bool:
    """Does ``text``, version words aside, name something the corpus holds that is specific
    enough to retrieve by (那市场监管局呢 does; 那2020年版呢, 按旧条例呢 do not)?"""
    from assistant.retrieve.gate import specificity

    own = content_words(strip_cues(text, read_versions(whole or text)))
    held = [w for w in own if w in vocab.text and not re.search(r"条例|版|规定|办法", w)]
    return any(specificity(w) >= MEDIUM for w in held)


def _is_background(segment: str) -> bool:
    """A statement (not a question) about the asker or their situation."""
    return not _is_asking(segment)


_SUFFIX = re.compile(r"(省|市|区|县|镇|乡|街道)$")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, frozenset[str]]:
    """Province and city names written without 省/市, and words that place relative to the
    asker (隔壁, 外地), read from ``gazetteer.toml`` beside this module."""
    text = (resources.files("assistant.understand") / "gazetteer.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {"names": frozenset(data.get("provinces", [])) | frozenset(data.get("cities", [])) | divisions(),
            "relational": frozenset(data.get("relational", []))}


# The suffix that says what level of division a name is (慈溪市, 浦东新区, 长兴县).
_DIVISION_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|新区|林区|矿区|"
                              r"省|市|区|县|盟|旗)$")
# jieba tags of a bare stem that is a place or a proper name (慈溪 nrt, 余姚 nr, 镇海 ns); a stem
# that is an everyday word (合作, 资源, 港口) counts only with its suffix.
_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", None})


@lru_cache(maxsize=1)
def divisions() -> frozenset[str]:
    """China's county- and city-level divisions, from the ``cpca`` package's table of
    administrative codes: each full name (慈溪市), and its stem (慈溪) when that is no everyday
    word. Empty when the package is not installed."""
    return frozenset(_division_table())


def division_parents(name: str) -> list[str]:
    """The stems of the city and province a division lies in (上海 for 嘉定), most local first."""
    return _division_table().get(name, [])


@lru_cache(maxsize=1)
def _division_table() -> dict[str, list[str]]:
    """Each division's name and stem, with the stems of the divisions above it."""
    import csv
    from importlib import metadata

    from assistant.index.tokenize import word_tags

    try:
        path = metadata.distribution("cpca").locate_file("cpca/resources/adcodes.csv")
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (metadata.PackageNotFoundError, OSError):
        return {}
    by_code = {(row.get("adcode") or "").strip(): (row.get("name") or "").strip() for row in rows}
    tags = word_tags()
    out: dict[str, list[str]] = {}
    for code, name in by_code.items():
        if len(name) < 2 or len(code) < 6:
            continue
        above = [by_code.get(code[:4] + "0" * (len(code) - 4)), by_code.get(code[:2] + "0" * (len(code) - 2))]
        # 市辖区 and 县 stand in the table for a municipality's own districts: no place's name.
        parents = [_DIVISION_SUFFIX.sub("", a) for a in dict.fromkeys(above)
                   if a and a != name and not a.startswith(("市辖", "省直辖")) and a != "县"]
        out.setdefault(name, parents)
        stem = _DIVISION_SUFFIX.sub("", name)
        if len(stem) >= 2 and stem != name and tags.get(stem) in _NAME_TAGS:
            out.setdefault(stem, parents)
    return out


def is_relational(name: str) -> bool:
    """Does a place word say where relative to the asker (隔壁区, 外地市), not which place?"""
    stem = _SUFFIX.sub("", name)
    return any(stem.startswith(r) for r in gazetteer()["relational"])


# A phrase the asker quotes (“一批”, “双什么一什么”), and the words that stand for what they forgot.
_QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{1,16})[”\"」』’]")
_PLACEHOLDER = re.compile(r"什么|啥|某某|某|xx|XX|×+")


def quoted_pattern(question: str) -> re.Pattern | None:
    """What the asker quotes, as a pattern over the texts' own quotations: a word they forgot
    (“双什么一什么”) matches one to three characters, a pause (、) may stand between the pieces;
    None when nothing is quoted."""
    m = _QUOTED.search(question)
    if m is None:
        return None
    pieces = _PLACEHOLDER.split(m.group(1))
    if len(pieces) == 1:
        return re.compile(re.escape(pieces[0]))
    return re.compile("[\u4e00-\u9fff]{1,3}、?".join(re.escape(p) for p in pieces))


def quotations(text: str) -> list[str]:
    """The phrases a text puts in quotation marks."""
    return [m.group(1) for m in _QUOTED.finditer(text)]


def quote_held(question: str, text: str) -> bool:
    """Does ``text`` quote what the question quotes with a word forgotten (“双什么一什么” →
    “双随机、一公开”)? A phrase quoted whole is for the words to find, not this."""
    m = _QUOTED.search(question)
    pattern = quoted_pattern(question)
    if m is None or pattern is None or not _PLACEHOLDER.search(m.group(1)):
        return False
    return any(pattern.fullmatch(q) for q in quotations(text))


def _joins(word: str) -> bool:
    """Is ``word`` a conjunction, adverb or preposition by jieba's dictionary tag (还是, 或者, 就)?"""
    return (word_tags().get(word) or "x")[0] in "cdp"


def place_names(text: str) -> list[str]:
    """Place names in ``text`` as jieba segments them (镇海区, or 庄市 + 街道, or a province or
    city written bare: 深圳), generic and relative ones aside."""
    toks = _jieba().lcut(text)
    names = gazetteer()["names"]
    out = []
    for i, w in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if PLACE_RE.fullmatch(w):
            name = w
        elif _CJK_WORD.fullmatch(w) and len(w) <= 4 and nxt in ("省", "市", "区", "县", "镇", "乡", "街道"):
            name = w + nxt
        elif w in names:
            name = w
        else:
            continue
        if is_relational(name):
            continue
        # 哪个街道, 三个街道, 我们街道 are no places; nor is 还是街道 (…区里牵头还是街道负责).
        stem = _SUFFIX.sub("", name)
        if re.search(r"[哪几个我你他这那各每本该其此某两三四五六七八九十\d]", stem) or _joins(stem):
            continue
        if re.search(r"[到去在往回进向]$", stem):
            continue  # 调到街道, 回到镇上: a move towards one, no name
        generic = generic_places()
        if name not in generic and not any(name.endswith(g) for g in generic if len(g) >= 3):
            out.append(name)
    return list(dict.fromkeys(out))


def _places(question: str, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """(places the texts name, places they never mention); a place is held when the texts
    name it or its stem (北仑 for 北仑区)."""
    found, unknown = [], []
    for p in place_names(question):
        # A one-character slip in a held place of four or more characters (a 街道 miswritten) is that place.
        held = p in vocab.text or _SUFFIX.sub("", p) in vocab.text or (len(p) >= 4 and near_miss(p, vocab.text))
        # A district of a city or province a held document is the law of (嘉定 under 上海市…条例).
        held = held or any(len(up) >= 2 and up in d.title for up in division_parents(p) for d in vocab.documents)
        (found if held else unknown).append(p)
    return found, unknown


def _documents(question: str, vocab: Vocabulary) -> tuple[list[str], list[str], list[str], list[str]]:
    """(titles written, 文号 written, held doc ids named, named documents not held)."""
    titles = _DOC_TITLE.findall(question)
    numbers = [re.sub(r"\s", "", n) for n in _DOC_NUMBER.findall(question)]
    ids: list[str] = []
    unknown: list[str] = []
    for t in titles:
        got = vocab.match_title(t)
        ids.extend(got)
        if not got:
            unknown.append(f"《{t}》")
    for n in numbers:
        got = vocab.match_number(n)
        ids.extend(got)
        if not got:
            unknown.append(n)
    flat = question.replace(" ", "")
    for d in vocab.documents:
        # A held title (or its place) written without 《》: 中小企业促进法, 上海的规划条例.
        short = short_title(d.title)
        if len(short) >= 4 and short in flat:
            ids.append(d.doc_id)
    held_titles = "\n".join(d.title for d in vocab.documents)
    for m in _LOCAL_TITLE.finditer(flat):
        # 某市城乡规划条例 written without 《》: a local regulation the index does not hold
        # (a one-character slip in a held title is that title).
        name = m.group(0)
        if not any(name in t for t in titles) and not vocab.match_title(name) and not near_miss(name, held_titles):
            unknown.append(name)
    for m in _EDITION_TITLE.finditer(flat):
        name = m.group(0)
        if (not any(m.group(1) in t for t in titles) and not vocab.match_title(m.group(1))
                and not any(m.group(1) in u or u in name for u in unknown)):
            unknown.append(name)
    for m in _DISTRICT_TITLE.finditer(flat):
        name = m.group(0)
        if (not any(name in t for t in titles) and not any(name in u or u in name for u in unknown)
                and not vocab.match_title(name) and not near_miss(name, held_titles)
                and name not in vocab.text and not near_miss(name, vocab.text)):
            unknown.append(name)
    for m in _CITED_TITLE.finditer(flat):
        name = _TITLE_LEAD.sub("", m.group(1))
        if len(name) < 4 or any(name in t for t in titles) or any(name in u or u in name for u in unknown):
            continue
        # A held title with one character slipped is that title (城乡规化条例), one of another kind
        # is not (城乡规划法 is the national law, not 上海市城乡规划条例).
        kind = re.search(r"(?:法|条例|办法|规定|细则)$", name).group(0)
        same_kind = "\n".join(t for t in held_titles.split("\n") if re.sub(r"[（(][^）)]*[)）]|\s", "", t).endswith(kind))
        if not vocab.match_title(name) and not near_miss(name, same_kind) \
                and not any(_in_order(name, re.sub(r"\s", "", d.title)) for d in vocab.documents):
            unknown.append(name)
    for place in (p for p in gazetteer()["names"] if p in flat):
        # 上海优秀历史建筑保护条例: a place written bare, then a regulation's name. It is held when
        # a held title holds the place and every character of the name in order (上海规划条例).
        for m in re.finditer(re.escape(place) + r"([\u4e00-\u9fff]{2,14}?(?:条例|办法|实施细则))", flat):
            name, body = m.group(0), m.group(1)
            if "的" in body or body[0] in "省市" or any(name in t for t in titles) or any(name in u for u in unknown):
                continue  # 上海市…条例 is read above, slips in held titles included
            if not any(place in d.title and _in_order(body, d.title) for d in vocab.documents) \
                    and not near_miss(name, held_titles):
                unknown.append(name)
    return titles, numbers, list(dict.fromkeys(ids)), unknown


def _in_order(chars: str, text: str) -> bool:
    """Does ``text`` hold every character of ``chars`` in this order?"""
    it = iter(text)
    return all(ch in it for ch in chars)


def _place_docs(places: list[str], vocab: Vocabulary) -> list[str]:
    """Held documents whose title is about a place the question names (上海市… for 上海)."""
    out = []
    for p in places:
        stem = _SUFFIX.sub("", p)
        own = [d.doc_id for d in vocab.documents if len(stem) >= 2 and stem in d.title]
        # 浦东 under 上海市城乡规划条例: a district of the city whose law is held.
        out.extend(own or [d.doc_id for up in division_parents(p)[:1] for d in vocab.documents
                           if len(up) >= 2 and up in d.title])
    return out


# How much of a question is read, and how many parts are answered one by one.
READ_CHARS = 2000
MAX_PARTS = 6


def read_question(question: str, vocab: Vocabulary) -> Reading:
    """Read a normalised question against the index vocabulary.

    Args:
        question: the question after :func:`assistant.answer.normalize.normalize_question`.
        vocab: the vocabulary of the index the question is asked of.
    Returns:
        The typed reading.
    """
    # A question is read from its first READ_CHARS characters (retrieval reads no more either):
    # a pasted 100,000-character text must not become thousands of parts.
    segs = _version_first(_attach_conditions(_segments(_each_asked(_compared(question[:READ_CHARS], vocab), vocab))),
                          vocab)
    segs = _each_case(segs, vocab)
    segs = [s for s in segs if not _instruction(s)] or segs  # 请按原文回答 asks nothing
    asking_segs = [s for s in segs if not _is_background(s)] or segs
    background = [s.rstrip("，,。；;！!？? ") for s in segs if s not in asking_segs]
    asking = "".join(asking_segs)
    parts = _parts(asking_segs)
    parts, background = _each_situation(parts, background)
    asks: list[str] = []
    for p in parts:
        asks.extend(k for k in p.asks if k not in asks)
    titles, numbers, doc_ids, unknown_docs = _documents(question, vocab)
    places, unknown_places = _places(question, vocab)
    flat = question.replace(" ", "")
    rows = [k for k in vocab.row_keys if k in flat or (len(k) > 2 and re.sub(r"(街道|镇|乡|区)$", "", k) in flat
                                                     and len(re.sub(r"(街道|镇|乡|区)$", "", k)) >= 2)]
    columns = [c for c in vocab.columns if re.sub(r"[（(].*?[)）]", "", c) in flat]
    for p_doc in _place_docs(places, vocab):
        if p_doc not in doc_ids:
            doc_ids.append(p_doc)
    version_years = read_versions(question).years
    unknown_docs += [v for v in _versions_not_held(flat, version_years, doc_ids, vocab) if v not in unknown_docs]
    unknown_docs += [v for v in _revisions_after(flat, doc_ids, vocab) if v not in unknown_docs]
    # The subject of the whole question: the asking part's words, else (a bare "能补多少？")
    # the background's.
    subject = content_words(asking) or content_words(question)
    return Reading(
        question=question, asking=asking, background=background, parts=parts, asks=asks, subject=subject,
        numbers=find_quantities(question), years=[int(y) for y in _YEAR.findall(question)],
        named_titles=titles, named_numbers=numbers, unknown_documents=unknown_docs, doc_ids=doc_ids,
        places=places, unknown_places=unknown_places, rows=rows, columns=columns,
        terms=[t for t in vocab.defined_terms if t in flat], about_self=bool(_SELF.search(question)),
        version_years=version_years)


# Asking whether a text was changed after a year (2018年以后还有没有再修改, 2020年之后改过没有).
_CHANGED_AFTER = re.compile(r"((?:19|20)\d{2})\s*年?(?:以后|之后|后)[^。？?！!；;]{0,10}?(?:修改|修订|修正|改过|改了|更新|新版)")


def _revisions_after(flat: str, doc_ids: list[str], vocab: Vocabulary) -> list[str]:
    """A revision asked about that would come after the newest held text of a document the
    question names (上海市城乡规划条例2018年以后还有没有再修改): the index cannot say whether
    there is one, nor what it says."""
    out: list[str] = []
    for m in _CHANGED_AFTER.finditer(flat):
        year = int(m.group(1))
        for doc in (d for d in (vocab.document(i) for i in dict.fromkeys(doc_ids)) if d is not None):
            title = re.sub(r"\s", "", doc.title)
            newest = max((d.version_year or 0 for d in vocab.documents if re.sub(r"\s", "", d.title) == title), default=0)
            name = f"{year}年以后修订的《{doc.title}》"
            if newest and year >= newest and name not in out:
                out.append(name)
    return out


def _versions_not_held(flat: str, years: list[int], doc_ids: list[str], vocab: Vocabulary) -> list[str]:
    """Versions a question names by a year (2002年那版中小企业促进法) of a document it names, when
    the index holds no text of that year: the held text is another revision, and what the named
    one said is not in it.

    A year is held when it is the version year of a held text of that title, or one of that
    text's own dates from its version on (施行 the next year).
    """
    out: list[str] = []
    docs = [d for d in (vocab.document(i) for i in dict.fromkeys(doc_ids)) if d is not None]

    def distance(doc: HeldDocument, y: int) -> int:
        """From the year to the title it names: the title written after a year that opens the
        name (1998年版的…条例), before one in brackets after it (…法（2017年修订）)."""
        short = short_title(doc.title)
        at, far = flat.find(str(y)), len(flat) + 1
        found = list(re.finditer(re.escape(short), flat))
        if at > 0 and flat[at - 1] in "（(":
            return min((at - m.end() for m in found if m.end() <= at), default=far)
        return min((m.start() - at for m in found if m.start() >= at), default=far)

    for doc in docs:
        if doc.version_year is None:
            continue
        title = re.sub(r"\s", "", doc.title)
        kin = [d for d in vocab.documents if re.sub(r"\s", "", d.title) == title]
        # 优化营商环境条例和中小企业促进法（2017年修订）: a year names the version of the title
        # written nearest to it.
        for y in (y for y in years if distance(doc, y) <= min(distance(d, y) for d in docs)):
            held = any(d.version_year == y or (d.version_year is not None and y > d.version_year and y in d.date_years)
                       for d in kin)
            name = f"{y}年版《{doc.title}》"
            if not held and name not in out:
                out.append(name)
    return out


# A word that asks (从哪来, 是什么, 行吗).
_QUESTION_WORD = re.compile(r"[哪啥谁吗么几呢]|什么|多少|怎")
# A segment that only says how to answer (请按原文回答, 简单说一下, 谢谢).
_INSTRUCTION = re.compile(r"(?:请|麻烦)?(?:你)?(?:按|用|以|引用)?(?:原文|原话|条文原文)(?:回答|作答|说明|引用|给出)?|"
                          r"(?:请|麻烦)?(?:简要|简单|详细)?(?:回答|说明|说一下|列出来?)(?:一下)?|谢谢|多谢|感谢")


def _instruction(segment: str) -> bool:
    """Does the segment only say how to answer (请按原文回答。)?"""
    return _INSTRUCTION.fullmatch(segment.strip().rstrip("，,。；;！!？? ")) is not None


def without_instructions(question: str) -> str:
    """The question less its segments that only say how to answer (…？请引用原文。)."""
    kept = [s for s in _segments(question) if not _instruction(s)]
    return "".join(kept) if kept and len(kept) < len(_segments(question)) else question


# A segment that only says where the next one asks (…标准里，/在…方面，/…这块，): its topic.
_TOPIC = re.compile(r"(?:里|里面|中|方面|这块|这一块)$")


def _parts(asking_segs: list[str]) -> list[Part]:
    """Split the asking segments into parts; a segment without a subject of its own leans on
    the one before (组长是谁？办公室主任是谁 — both about the same group)."""
    parts: list[Part] = []
    topic = ""
    for at, seg in enumerate(asking_segs):
        text = seg.rstrip("，,。；;！!？? ")
        if at + 1 < len(asking_segs) and not seg.rstrip().endswith(("？", "?")) and (
                _TOPIC.search(text) or (not parts and not ask_kinds(text) and not _QUESTION_WORD.search(text)
                                        and _POINTS_BACK.match(asking_segs[at + 1].strip()))):
            # 中小企业划分标准里，…多少人以下算小型企业？ / …一直没告诉备案机关。这种情况会怎么处理？
            # — a segment that asks nothing, before a first question that points back at it, is
            # what that question is about.
            topic = f"{topic}，{text}" if topic else text
            continue
        if any(text == p.text for p in parts) or _instruction(text):
            continue  # the same question twice is one part; 请按原文回答 asks no question
        kinds = ask_kinds(text)
        text, topic = (f"{topic}，{text}" if topic else text), ""
        subject = content_words(text)
        cue = ""
        if not kinds and parts and _OPEN.search(text) and seg.rstrip().endswith(("？", "?")) \
                and parts[-1].closed:
            kinds = ["open"]  # a second question of its own (…？这种情况会怎么处理？)
        if parts and "penalty" not in kinds and _HANDLED.search(text) and ASKS_LAWFUL.search(parts[-1].text):
            # …这合规吗？不改的话怎么处理？ — how conduct asked to be unlawful is dealt with: its penalty.
            kinds = ["penalty", *(k for k in kinds if k != "open")]
            cue = "（会受到什么处罚）"
        if not kinds and parts and parts[-1].asks and _ELLIPTICAL.fullmatch(text) and _specific(subject):
            # …适用这个条例吗？用财政资金的团体组织呢？ — the question before, asked about something else.
            parts.append(Part(text=text, asks=list(parts[-1].asks), subject=subject,
                              query=f"{text.removesuffix('呢')}，{parts[-1].text}",
                              closed=seg.rstrip().endswith(("？", "?"))))
            continue
        if parts and (not kinds or (not subject and "sum" not in kinds and "share" not in kinds
                                    and not kinds_differ(parts[-1].asks, kinds))):
            # No new question here: it belongs to the part before (…，按成交价算吗 stays with 补多少).
            prev = parts[-1]
            merged = f"{prev.text}，{text}"
            parts[-1] = Part(text=merged, asks=list(dict.fromkeys([*prev.asks, *kinds])),
                             subject=prev.subject + [w for w in subject if w not in prev.subject],
                             query=f"{prev.query}，{text}", closed=seg.rstrip().endswith(("？", "?")))
            continue
        # 主任是谁 after 办公室放在哪个局: a subject this general leans on the part before.
        from assistant.retrieve.gate import specificity

        own = any(specificity(w) >= MEDIUM for w in subject)
        query = f"{text}{cue}" if own or not parts else f"{parts[-1].query}，{text}{cue}"
        if len(parts) == MAX_PARTS:
            break  # more parts than a person asks at once: the rest is not answered part by part
        parts.append(Part(text=text, asks=kinds, subject=subject, query=query,
                          closed=seg.rstrip().endswith(("？", "?")), cue=cue))
    return parts


# A verb with its negation: 解决不了, 付不起, 拿不到.
_CANNOT = re.compile(r"不[了起到成]")


def negated(word: str) -> bool:
    """Is ``word`` a negated verb (不改, 没付, 解决不了) — conduct or a state, not a subject? A
    common dictionary word that opens with 不/没/未 is a word of its own (不动产)."""
    from assistant.understand.spelling import common_word

    if _CANNOT.search(word):
        return True
    return word[:1] in ("不", "没", "未") and not common_word(word)


# The question before asked about something else: 用财政资金的团体组织呢, 那负责人呢.
# …有啥后果？要是没有法律依据硬要按审计结果结算呢？ — another case, told at more length.
_ELLIPTICAL = re.compile(r"(?:那|那么)?[^，。？?]{2,16}呢|(?:那|那么)?(?:要是|如果|假如|万一|若是)[^，。？?]{2,24}呢")


def _specific(subject: list[str]) -> bool:
    from assistant.retrieve.gate import specificity

    return any(specificity(w) >= MEDIUM for w in subject)


# Asking how conduct is dealt with (怎么处理; 会怎样 already asks a penalty) …
_HANDLED = re.compile(r"(?:怎么|如何|怎样|咋)(?:处理|处置|管)")
# … after asking whether the conduct is lawful (这合规吗, 能拒绝吗).
ASKS_LAWFUL = re.compile(r"合规|合法|违法|违规|可以吗|可不可以|允许|行不行|(?:这样|这么|那样)(?:做)?(?:能)?行吗|站得住|能.{0,8}吗")
# An open question word: with its own question mark after another question, a part of its own.
_OPEN = re.compile(r"怎么|如何|怎样|什么|啥|哪")


def kinds_differ(before: list[str], now: list[str]) -> bool:
    """Does a segment ask a different kind of thing than the part before it?"""
    return bool(set(now) - set(before) - {"yesno", "amount"})


# A word this specific (-log probability in general Chinese) that the corpus holds makes the
# asking part a question of its own; two of medium specificity do too.
SPECIFIC = 12.0
_POINTS_BACK = re.compile(r"这|那|此|该|上述|其|它|them|this|that", re.I)
MEDIUM = 9.0


def retrieval_text(reading: Reading, vocab: Vocabulary) -> str:
    """What retrieval should read: the asking part when it names a subject the corpus holds
    (容积率最低要求是多少？ without 我们现在才1.2), else the whole question (能补多少？ needs
    the background that says what for).
    """
    if not reading.background:
        return without_instructions(reading.question)
    # Only the asker's own figures are set aside ("我们现在才1.2"); a background that says what
    # the question is about (想通过买股权…，这种方式…补多少) stays, and so does any asking part
    # that points back at it.
    # A year that names a version (按2012版条例) is no figure of the asker's.
    own = [strip_cues(b, read_versions(b)) for b in reading.background]
    if not any(re.search(r"\d", b) for b in own) or _POINTS_BACK.search(reading.asking):
        return without_instructions(reading.question)
    from assistant.retrieve.gate import specificity

    held = [w for w in content_words(reading.asking) if w in vocab.text]
    if any(specificity(w) >= SPECIFIC for w in held) or sum(specificity(w) >= MEDIUM for w in held) >= 2:
        return reading.asking
    return without_instructions(reading.question)


# A follow-up that points back at the earlier question (旧版那条写的是…, 老版本里这个理由…).
_POINTS_AT_EARLIER = re.compile(r"(?:这|那|该|此|上述|同样的?)\s*(?:一)?\s*(?:条|款|项|个|种|规定|要求|理由|说法|内容|情况|问题|期限|做法)"
                                r"|^(?:那|那么|还有|另外)")


def leans_on_history(reading: Reading, vocab: Vocabulary) -> bool:
    """Does a question with earlier turns need their subject to be understood: it points back
    (这条/那个理由/那…), or, version words aside, it names nothing the corpus holds that is specific
    enough to retrieve by (那2012年的老条例是怎么规定的？)."""
    from assistant.retrieve.gate import specificity

    if _POINTS_AT_EARLIER.search(reading.question):
        return True
    return not names_own_subject(reading, vocab)


def names_subject(text: str, vocab: Vocabulary) -> bool:
    """Does ``text`` (a story and its question together), version words aside, name something
    the corpus holds that is specific enough to retrieve by?"""
    return _names_subject(text, vocab)


def names_own_subject(reading: Reading, vocab: Vocabulary) -> bool:
    """Does the question, version words aside, name something the corpus holds that is
    specific enough to retrieve by (那市场监管局呢 does; 那2020年版呢, 下一步呢 do not)?"""
    return _names_subject(reading.asking or reading.question, vocab, reading.question)
