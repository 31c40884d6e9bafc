"""Arithmetic rules as a clause's own text states them, read without a pack.

Four shapes of rule are read from a clause's sentences:

- ``share``: a rate (or a range of rates) of a base the clause names — ``处合同金额2‰以上8‰以下的罚款``,
  ``按不超过收购价格的百分之七给予补助``, ``占总用地面积的比例上限由A提高到B``, ``违法所得一倍以上三倍以下``;
- ``per_day``: a daily rate of an amount — ``按照每日利率万分之三支付逾期利息``;
- ``per_unit``: a sum of money for each unit of a quantity — ``按每亩N—M万元给予奖励``, ``每平方米补助N元``
  (``rates`` then hold the sums in 元, ``base`` the unit);
- ``deadline``: a period counted from an event — ``自收到材料之日起20日内作出决定``, with the longest
  period a contract may agree when the same sentence states one (``最长不得超过N日``).

A clause that says ``…自验收合格之日起算`` states when a period starts (:class:`StartRule`).

Every rule keeps its place in the clause text, so the answer can quote the clause word for
word. Rates are exact :class:`~decimal.Decimal` fractions (``2‰`` is 0.002, ``百分之七`` 0.07).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.tools.quantities import parse_number

RuleKind = Literal["share", "per_day", "deadline", "per_unit"]
Bound = Literal["range", "exact", "cap", "floor"]
BaseKind = Literal["money", "area", "count"]

# Full-width digits and signs read as ASCII; one character for one, so positions stay those
# of the clause text and quotes are its own words.
WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CN = "[零〇一二两三四五六七八九十百千点]+"
_NUM = rf"(?:\d+(?:\.\d+)?|{_CN})"
_RATE = re.compile(
    rf"(?P<word>百分之|千分之|万分之)(?P<wn>{_NUM})"
    rf"|(?P<n>\d+(?:\.\d+)?)\s*(?P<sign>%|‰|‱)"
    rf"|(?P<bn>{_NUM})\s*倍")
# ``1—5%``: two numbers sharing one sign.
_SHARED = re.compile(r"(?P<a>\d+(?:\.\d+)?)\s*[—\-－~～至到]\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<sign>%|‰|‱)")
_DIVISOR = {"百分之": 100, "千分之": 1000, "万分之": 10000, "%": 100, "‰": 1000, "‱": 10000}
# What joins the two ends of a range, and a change of a rate (由A提高到B: B applies).
_RANGE_JOIN = re.compile(r"^\s*(?:(?:及|或)?以上)?\s*(?:至|到|—|－|-|~|～)?\s*$")
_CHANGE_JOIN = re.compile(r"(?:提高|提升|上调|调整|降低|下调|放宽|扩大)(?:到|至|为)|(?:降|提)至")
_CAP_BEFORE = re.compile(r"(?:不超过|不高于|不得超过|不得高于|最高|最多|上限|以内)[^，]{0,12}$")
_FLOOR_BEFORE = re.compile(r"(?:不低于|不少于|不得低于|不得少于|至少|最低|下限)[^，]{0,12}$")
_PER_DAY = re.compile(r"(?:每日|每天|日利率|按日)[^，。；]{0,6}$")
# The verbs and markers a base noun follows (处 X 的…罚款, 按照 X 给予…, 提取 X 的…).
_BASE_LEAD = re.compile(r"(?:处以|并处|处|按照|依照|参照|按|以|提取|收取|计提|加收|缴纳|对|给予|予以|占|将|或者|或|和|及)")
_QUALIFIER = re.compile(r"(?:不超过|不高于|不得超过|不得高于|不低于|不少于|不得低于|不得少于|最高|最多|至少|最低)$")
_AREA_BASE = re.compile(r"面积|用地|亩|平方米|公顷")
_MONEY_WORD = re.compile(r"[价费额金款税资]|收入|成本|收益|利润|所得")
_COUNT_BASE = re.compile(r"人数|数量|个数|户数|家数")
_RESULT_LEAD = re.compile(r"^(?:(?:及|或)?以下|(?:及|或)?以上|以内|左右|的|给予|予以|作为|计|支付|加收|缴纳|收取|处以|并处)+")
_RESULT_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?=$|[的与和及，、。；（(]|作为|用于|合并)")
_DEADLINE = re.compile(
    rf"(?:(?:自|从|于)(?P<event>[^，。；]{{1,40}}?)(?:之日起|之日后|起|后的|后)|"
    # 建设工程竣工验收后六个月内: an event without 自, closed by 后 (a clause's own words before it).
    rf"(?<![自从于\u4e00-\u9fff])(?P<bare>[\u4e00-\u9fff]{{2,20}}?)后)\s*(?P<n>{_NUM})\s*(?P<unit>个工作日|日|天|个月|年)内"
    r"(?P<action>[^，。；]{0,16})")
_MAX_DAYS = re.compile(rf"最长不得超过\s*(?P<n>{_NUM})\s*日|不得超过\s*(?P<m>{_NUM})\s*日")
_START = re.compile(r"自(?P<event>[^，。；]{2,40}?)之日起算")
# The period a start rule is about: the noun in front of (应当)自 (付款期限, 审查期间 …).
_PERIOD = re.compile(r"(?P<period>[\u4e00-\u9fff]{0,4}(?:期限|期间|时限))(?:应当|应|均)?$")
_SENTENCE_END = "。；;\n"
# 每亩1—5万元, 每平方米补助200元, 每家奖励10万元: a sum for each unit (a range shares its unit).
_PER_UNIT = re.compile(r"每\s*(?P<unit>亩|平方米|家|个|户|套|间|名|人)(?P<gap>[^，。；\d]{0,8}?)\s*"
                       r"(?P<a>\d+(?:\.\d+)?)\s*(?:[—\-－~～至到]\s*(?P<b>\d+(?:\.\d+)?)\s*)?(?P<money>亿元|万元|元)")
MONEY_UNIT = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


class RateSpan(BaseModel):
    """One rate as the clause writes it."""

    model_config = ConfigDict(frozen=True)

    text: str
    value: Decimal
    start: int
    end: int


class Rule(BaseModel):
    """A rule the clause text states, with where it stands in that text.

    ``rates``: one rate, or the two ends of a range (low first). ``base``: the noun the rate
    applies to (share rules). ``days``/``max_days``: the period and the longest one a
    contract may agree (deadline rules). ``segment`` is the sentence part that holds the
    rule and its condition (the words the question is compared with); ``quote`` the words
    an answer quotes; both are the clause's own text.
    """

    model_config = ConfigDict(frozen=True)

    kind: RuleKind
    bound: Bound = "exact"
    rates: list[RateSpan] = []
    before: list[RateSpan] = []  # the rate a change replaced (由A提高到B: A)
    base: str | None = None
    base_kind: BaseKind | None = None
    result_name: str | None = None
    days: int | None = None
    day_unit: str | None = None
    max_days: int | None = None
    max_quote: str | None = None
    event: str | None = None
    action: str | None = None
    segment: str
    quote: str
    start: int
    nested: bool = False  # a part of the share the rule before it sets (其中，…的比例不低于60%)


class StartRule(BaseModel):
    """A clause's statement of when a period starts (``…自检验合格之日起算``)."""

    model_config = ConfigDict(frozen=True)

    event: str
    period: str | None = None
    quote: str


def _rate_value(m: re.Match) -> Decimal | None:
    try:
        if m.group("word"):
            return parse_number(m.group("wn")) / _DIVISOR[m.group("word")]
        if m.group("sign"):
            return Decimal(m.group("n")) / _DIVISOR[m.group("sign")]
        return parse_number(m.group("bn"))
    except (ValueError, ArithmeticError):
        return None


def _rates(text: str) -> list[RateSpan]:
    """Every rate of ``text`` in order (``1—5%`` gives two)."""
    out: list[RateSpan] = []
    taken: list[tuple[int, int]] = []
    for m in _SHARED.finditer(text):
        div = _DIVISOR[m.group("sign")]
        out.append(RateSpan(text=m.group("a") + m.group("sign"), value=Decimal(m.group("a")) / div,
                            start=m.start("a"), end=m.end("a")))
        out.append(RateSpan(text=m.group("b") + m.group("sign"), value=Decimal(m.group("b")) / div,
                            start=m.start("b"), end=m.end()))
        taken.append((m.start(), m.end()))
    for m in _RATE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        value = _rate_value(m)
        if value is not None and value > 0:
            out.append(RateSpan(text=m.group(0), value=value, start=m.start(), end=m.end()))
    return sorted(out, key=lambda r: r.start)


def _chunks(text: str, ends: str) -> list[tuple[int, int]]:
    """Spans of ``text`` between the characters of ``ends`` (each span without its end)."""
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in ends:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _base_noun(pre: str) -> tuple[str | None, bool]:
    """The noun a rate applies to, from the words in front of it in its comma part.

    Returns:
        (noun or None, whether it was written ``占 X 的比例``, so the result is a part of X).
    """
    share = re.search(r"占(?P<base>[^，占]{2,24}?)的?(?:比例|比重)", pre)
    if share:
        return share.group("base"), True
    give = re.search(r"(?:按照|依照|按|以)(?P<base>[^，]{2,24}?)(?:给予|予以|计算|计提|提取|收取)", pre)
    if give:
        noun = give.group("base")
    else:
        noun = pre.rstrip(" ").removesuffix("的").rstrip(" ")
        noun = _QUALIFIER.sub("", noun).rstrip(" ").removesuffix("的")
        leads = list(_BASE_LEAD.finditer(noun))
        if leads:
            noun = noun[leads[-1].end():]
    noun = _QUALIFIER.sub("", noun.strip()).removesuffix("的").strip()
    noun = re.sub(r"^(?:不超过|不高于|不低于|不少于)", "", noun)
    if not 2 <= len(noun) <= 24 or not re.fullmatch(r"[\u4e00-\u9fff“”\"]+", noun) \
            or re.search(r"(?:到|至|为|是|增长|增幅|下降|提高|降低|比例|比重|占比|比率)$", noun):
        return None, False
    return noun, False


def _base_kind(noun: str) -> BaseKind:
    if _COUNT_BASE.search(noun):
        return "count"
    if _AREA_BASE.search(noun) and not _MONEY_WORD.search(noun):
        return "area"
    return "money"


def _result_name(after: str, before_share: str | None) -> str | None:
    """What the rule yields (罚款, 补助, 逾期利息 …), from the words after the rate."""
    rest = _RESULT_LEAD.sub("", after.lstrip(" "))
    m = _RESULT_WORD.match(rest)
    if m and m.group(0)[0] not in "与和及并用":
        return m.group(0)
    if before_share:
        return before_share
    return None


def _quote(text: str, seg: tuple[int, int], rule_start: int, limit: int = 90) -> str:
    """The words an answer quotes: the sentence part, or its last comma parts when long."""
    a, b = seg
    quote = text[a:b].strip()
    if len(quote) <= limit:
        return quote
    parts = [(x + a, y + a) for x, y in _chunks(text[a:b], "，,")]
    keep = [p for p in parts if p[1] > rule_start - a + a and p[0] <= rule_start]
    first = keep[0] if keep else parts[-1]
    idx = parts.index(first)
    start = parts[max(idx - 1, 0)][0]
    return text[start:b].strip()


# 其中，预留给小型微型企业的比例不低于…: what part of the amount before it (name, then the rate).
_NESTED = re.compile(r"\s*其中\s*[，,]?\s*(?P<name>[^，,]{2,30}?)(?:的)?(?:比例|比重)")
_NESTED_RATE = re.compile(r"(?:的)?(?:比例|比重)\s*(?:不低于|不少于|不超过|不高于|不得低于|不得超过|为|达到)?\s*$")


def _share_rules(text: str, seg: tuple[int, int]) -> list[Rule]:
    a, b = seg
    part = text[a:b]
    rates = _rates(part)
    out: list[Rule] = []
    i = 0
    while i < len(rates):
        r = rates[i]
        nxt = rates[i + 1] if i + 1 < len(rates) else None
        between = part[r.end:nxt.start] if nxt else ""
        bound: Bound = "exact"
        before: list[RateSpan] = []
        if nxt and between.strip() and _RANGE_JOIN.match(between):
            group, bound, i = [r, nxt], "range", i + 2
        elif nxt and len(between) <= 8 and _CHANGE_JOIN.search(between):
            group, before, i = [nxt], [r], i + 2
        else:
            group, i = [r], i + 1
        first, last = group[0], group[-1]
        comma = max(part.rfind(c, 0, first.start) for c in "，,：:") + 1
        pre = part[comma:first.start]
        # A rate written after 由 (由A提高到B) reads its noun in front of 由.
        pre = re.sub(r"由\s*$", "", pre)
        after = part[last.end:]
        if bound != "range":
            if re.match(r"^\s*(?:及|或)?(?:以下|以内)", after) or _CAP_BEFORE.search(pre):
                bound = "cap"
            elif re.match(r"^\s*(?:及|或)?以上", after) or _FLOOR_BEFORE.search(pre):
                bound = "floor"
        if _PER_DAY.search(pre):
            out.append(Rule(kind="per_day", bound="exact", rates=[first], segment=part,
                            result_name=_result_name(after, None), start=a + first.start,
                            quote=_quote(text, seg, a + first.start)))
            continue
        # 由A提高到B: the noun stands in front of 由; 由某部门处以X的…: 由 names who acts.
        changed = re.search(r"由[^，]*(?:提高|提升|上调|调整|降低|下调|放宽|扩大|降至|提至)[^，]*$", pre)
        noun, is_share = _base_noun(pre[:changed.start()] if changed else pre)
        inner = _NESTED.match(part) if noun is None else None
        if inner and _NESTED_RATE.search(pre):
            # 其中，预留给小型微型企业的比例不低于百分之六十: a share of the share before it.
            out.append(Rule(kind="share", bound=bound, rates=group, nested=True, segment=part,
                            result_name=_NESTED_RATE.sub("", inner.group("name")).removesuffix("的") or None,
                            start=a + first.start, quote=_quote(text, seg, a + first.start)))
            continue
        if noun is None:
            continue
        whole = _part_name(pre) if is_share or re.search(r"占[^，占]*$", pre) else None
        out.append(Rule(kind="share", bound=bound, rates=group, before=before, base=noun, base_kind=_base_kind(noun),
                        result_name=_result_name(after, whole), segment=part, start=a + first.start,
                        quote=_quote(text, seg, a + first.start)))
    return out


def _part_name(pre: str) -> str | None:
    """The noun in front of 占 (``采购份额占预算总额的…``): what the computed share is."""
    m = re.search(r"(?P<part>[^，将把]{2,16}?)占", pre)
    if not m:
        return None
    name = re.sub(r"(?:应当|应|须|必须|不得)$", "", m.group("part")).removeprefix("的")
    return name if len(name) >= 2 else None


def _sentence_end(text: str, start: int) -> int:
    """Where the sentence that starts at ``start`` ends (after its 。), within its paragraph."""
    ends = [i + 1 for i in (text.find("。", start), text.find("\n", start)) if i >= 0]
    return min(ends) if ends else len(text)


def _deadline_rules(text: str, sentence: tuple[int, int]) -> list[Rule]:
    a, b = sentence
    part = text[a:b]
    out = []
    for m in _DEADLINE.finditer(part):
        try:
            days = int(parse_number(m.group("n")))
        except ValueError:
            continue
        mx = _MAX_DAYS.search(part, m.end())
        where = part
        if mx is None:
            # 30日内形成处理结果。情况复杂的，可适当延长，但最长不得超过90日。— the longest
            # period in the sentence right after, when that sentence extends this one.
            following = text[b + 1:_sentence_end(text, b + 1)]
            if "延长" in following:
                mx, where = _MAX_DAYS.search(following), following
        max_days = max_quote = None
        if mx:
            try:
                max_days = int(parse_number(mx.group("n") or mx.group("m")))
            except ValueError:
                max_days = None
            if max_days is not None:
                q_start = max(where.rfind(c, 0, mx.start()) for c in "；;") + 1
                max_quote = where[q_start:mx.end()].strip()
        seg_start = max(part.rfind(c, 0, m.start()) for c in "；;") + 1
        seg_end = min([i for i in (part.find(c, m.end()) for c in "；;") if i >= 0] or [len(part)])
        if seg_end - seg_start > 90:  # a long sentence part: quote from the comma part of the rule
            seg_start = max(seg_start, max(part.rfind(c, 0, m.start()) for c in "，,") + 1)
        unit = m.group("unit")
        out.append(Rule(kind="deadline", days=days,
                        day_unit={"个工作日": "工作日", "个月": "月", "年": "年"}.get(unit, "日"),
                        max_days=max_days, max_quote=max_quote, event=(m.group("event") or m.group("bare")).strip(),
                        action=m.group("action").strip() or None, segment=part, start=a + m.start(),
                        quote=part[seg_start:seg_end].strip()))
    return out


def _per_unit_rules(text: str, seg: tuple[int, int]) -> list[Rule]:
    a, b = seg
    part = text[a:b]
    out = []
    for m in _PER_UNIT.finditer(part):
        scale = MONEY_UNIT[m.group("money")]
        ends = [m.group("a")] + ([m.group("b")] if m.group("b") else [])
        spans = [RateSpan(text=f"{n}{m.group('money')}", value=Decimal(n) * scale,
                          start=m.start(key), end=m.end(key)) for n, key in zip(ends, ("a", "b"))]
        pre = part[:m.start()]
        bound: Bound = "range" if len(spans) == 2 else ("cap" if _CAP_BEFORE.search(pre + m.group("gap")) else "exact")
        unit = m.group("unit")
        out.append(Rule(kind="per_unit", bound=bound, rates=spans, base=unit,
                        base_kind="area" if unit in ("亩", "平方米") else "count",
                        result_name=_result_name(part[m.end():], None) or _result_name(m.group("gap"), None),
                        segment=part, start=a + m.start(), quote=_quote(text, seg, a + m.start())))
    return out


def read_rules(text: str) -> list[Rule]:
    """The arithmetic rules ``text`` states, in the order they appear.

    Args:
        text: a clause's text (a paragraph or an article).
    Returns:
        Share, per-day, per-unit and deadline rules; empty when the text states none.
    """
    text = text.translate(WIDTH)
    rules: list[Rule] = []
    for seg in _chunks(text, _SENTENCE_END):
        rules += _share_rules(text, seg)
        rules += _per_unit_rules(text, seg)
    for sentence in _chunks(text, "。\n"):
        rules += _deadline_rules(text, sentence)
    return sorted(rules, key=lambda r: r.start)


def read_start_rules(text: str) -> list[StartRule]:
    """The statements of when a period starts in ``text`` (``…自X之日起算``)."""
    text = text.translate(WIDTH)
    out = []
    for a, b in _chunks(text, _SENTENCE_END):
        part = text[a:b]
        for m in _START.finditer(part):
            period = _PERIOD.search(part[:m.start()])
            out.append(StartRule(event=m.group("event"), quote=part.strip(),
                                 period=period.group("period") if period else None))
    return out
