"""Route a plain Chinese question to a calculator, without a language model.

``route`` decides whether a question asks for a calculation, picks the calculator by
the rule's words (股权, 评估价, 容积率, 专项经费, 附件2 streets and columns …) and fills
its arguments from the question's quantities (see :mod:`assistant.tools.extract`).
A question that names a rule but gives no number asks only for the rule ("有补助吗？")
and is left to retrieval. Follow-ups reuse the previous calculation: "那股权收购呢？"
takes the amount of the earlier question, and says so in ``from_history``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from assistant.tools import extract as ex
from assistant.tools.extract import Filled, Parsed

# Words that ask for a number to be produced (not for the rule's wording).
_ASKS_AMOUNT = r"多少|几[个家亩天年万]|算一下|算算|计算|能补|补多少|奖多少|金额|是否达标|达标|够不够|合规|超标|超过|完成率|进度|最迟|最晚|截止|哪天|哪一天|几号|换算|折合"
_CONVERT_TARGET = re.compile(r"(?:是|等于|合|折合|换算成?|换成|为|约)?\s*多少\s*(?:个)?(平方米|平米|亩|公顷|万平方米|万元|亿元|元)")
_RULE_WORDS = r"补助|补贴|奖励|容积率|预留|税|经费|配套|宿舍|终止期|审批|任务|目标|完成"

# Least specific first: _column_word tries them from the end.
ANNEX2_COLUMNS = (r"区块", r"老旧工业区块", r"增长率", r"亩均税", r"绿色工厂", r"散乱污", r"低效企业", r"挖潜",
                  r"建筑面积", r"容积率提升", r"(?:多少|几)亩", r"改造.{0,4}亩", r"涉企用地")
ANNEX2_COLUMN_WORDS = "|".join(ANNEX2_COLUMNS)


class Routed(BaseModel):
    """The calculator a question asks for, its arguments, and what is still missing."""

    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=list, description="Chinese description of each missing argument")
    from_history: list[str] = Field(default_factory=list, description="arguments taken from an earlier question")


def _streets() -> list[str]:
    """Street keys of 附件2 from the corpus ([] when the corpus cannot be read)."""
    try:
        from assistant.tools.calculators.annex2 import load_rows

        return [r.row.key for r in load_rows()]
    except Exception:  # noqa: BLE001 - routing falls back to the 街道 pattern below
        return []


_UNKNOWN_STREET_RE = re.compile(r"([\u4e00-\u9fff]{2})(?:街道|区块)")
_NOT_A_NAME = re.compile(r"^[各每该本此哪某个些的其全所]|[各每该本此哪某个些的其]$")


def find_street(p: Parsed) -> str | None:
    """The street of 附件2 a question names, or an unknown ``XX街道`` name, or None."""
    for key in sorted(_streets(), key=len, reverse=True):
        if key in p.text:
            return key
    if re.search(r"全区|全北仑|区级合计", p.text):
        return "全区"
    m = _UNKNOWN_STREET_RE.search(p.text)
    if m and not _NOT_A_NAME.search(m.group(1)):
        return m.group(1)
    return None


def _column_word(p: Parsed) -> str | None:
    # The most specific column word wins, wherever it stands: "老工业区块改造涉企用地"
    # asks for 涉企用地, not for the 区块 count.
    for alternative in ANNEX2_COLUMNS[::-1]:
        m = re.search(alternative, p.text)
        if m:
            word = m.group(0)
            return "涉企用地" if word.endswith("亩") else word
    return None


def _annex2(p: Parsed) -> Routed | None:
    if p.has(r"附件\s*2|分解表|各街道") and p.has(r"合计|总数|之和|加总|相加|对得上|一致|核对|加起来"):
        return Routed(tool="annex2_totals_check")
    street = find_street(p)
    if street is None:
        return None
    column = _column_word(p)
    numbers = [q for q in p.quantities if q.kind in ("number", "area", "count", "percent")]
    if p.has(r"已完成|完成了|已经完成|进度|完成率|完成情况|已改造|已创建|已帮扶|已整治") and numbers:
        q = numbers[0]
        args = {"street": street, "achieved": ex.as_text(q.value)}
        missing = []
        if column is None and q.unit == "亩":
            column = "涉企用地"
        if column is None and q.unit == "万平方米":
            column = "建筑面积"
        if column:
            args["column"] = column
        else:
            missing.append("任务列（如：老旧工业区块个数、涉企用地亩数、绿色工厂家数）")
        return Routed(tool="target_progress", arguments=args, missing=missing)
    if p.has(r"任务|目标|指标|要完成|要求|分解|多少|几") and (column or p.has(r"任务|指标")):
        if column is None:
            return Routed(tool="street_target", arguments={"street": street},
                          missing=["任务列（如：老旧工业区块个数、涉企用地亩数、绿色工厂家数）"])
        return Routed(tool="street_target", arguments={"street": street, "column": column})
    return None


def _convert(p: Parsed) -> Routed | None:
    m = _CONVERT_TARGET.search(p.text)
    if not m or p.has(_RULE_WORDS):
        return None
    target = m.group(1)
    kind = "money" if target.endswith("元") else "area"
    qs = [q for q in p.quantities if q.kind == kind and q.start < m.start() + 1]
    if len(qs) != 1:
        return None
    f = ex.extract_convert(Parsed(p.text, qs), kind)
    return Routed(tool="convert_area" if kind == "area" else "convert_money", arguments=f.arguments)


# (tool, words that name its rule, extractor), tried in order
Extractor = Callable[[Parsed, bool], Filled]
_TOPICS: list[tuple[str, str, Extractor]] = [
    ("equity_acquisition_subsidy", r"股权", ex.extract_equity),
    ("special_fund", r"专项经费|专项资金|腾笼换鸟|出让收入.*电费|电费.*出让收入", ex.extract_special_fund),
    ("land_acquisition_subsidy", r"(收购|并购|兼并|购买|买下|买入|交易).{0,12}(厂房|土地|地块|宗地)|(厂房|土地|地块|宗地).{0,6}(收购|并购)|评估价",
     ex.extract_land_acquisition),
    ("street_reward", r"奖励|奖金|奖多少", ex.extract_street_reward),
    ("small_micro_reserve", r"小微|控制线.{0,12}预留|预留.{0,12}(小微|调产)", ex.extract_small_micro),
    ("ancillary_facilities_check", r"行政办公|生活服务|配套设施|配套用地|宿舍", ex.extract_ancillary),
    ("plot_ratio_check", r"容积率", ex.extract_plot_ratio),
    ("joint_renovation_terms", r"联合改造|出让终止期|终止期|出让年限|补缴", ex.extract_joint),
    ("approval_deadline", r"审批|开工前|批准后", ex.extract_approval),
]


def _tax(p: Parsed) -> Routed | None:
    if not p.has(r"亩均税|税收"):
        return None
    money = p.of_kind("money")
    if len(money) >= 2 and p.has(r"增长|增速|达标|增幅"):
        f = ex.extract_tax_growth_rate(p)
        return _routed("tax_growth_rate", f)
    if p.has(r"增长|按.{0,4}%|推算|到\s*\d{4}年|复利"):
        if not money and not p.has(_ASKS_AMOUNT):
            return None
        f = ex.extract_tax_growth_path(p)
        return _routed("tax_growth_path", f)
    if money or p.of_kind("area"):
        f = ex.extract_tax_per_mu(p)
        return _routed("tax_per_mu", f)
    return None


def _is_calculation(p: Parsed, tool: str) -> bool:
    """A rule question becomes a calculation when it gives numbers or asks for one."""
    relevant = [q for q in p.quantities if q.kind not in ("number",)]
    if tool == "approval_deadline":
        return bool(p.of_kind("date", "month_day")) or p.has(r"最迟|最晚|截止日|哪天|哪一天|几号")
    if tool == "joint_renovation_terms":
        return len(p.of_kind("year", "date")) >= 1 or p.has(r"补缴.{0,6}(几|多少)年|终止期.{0,6}(是|到)?(哪|几|多少)")
    if relevant:
        return True
    return p.has(r"补助多少|补多少|能补|奖励多少|奖多少|经费多少|预留多少|多少钱|金额是?多少")


def route_one(question: str, follow_up: bool = False) -> Routed | None:
    """Route ``question`` on its own (no history). See :func:`route`.

    ``follow_up`` drops the requirement that a rule question give or ask for a number
    ("那股权收购呢？" continues an earlier calculation).
    """
    p = Parsed.of(question)
    for rule in (_annex2, _convert, _tax):
        routed = rule(p)
        if routed is not None:
            return routed
    for tool, pattern, extractor in _TOPICS:
        if p.has(pattern) and (follow_up or _is_calculation(p, tool)):
            return _routed(tool, extractor(p, False))
    return None


_FOLLOW_UP = r"呢|如果|要是|换成|改成|假如|假设"
_EXTRACTORS: dict[str, Extractor] = {tool: fn for tool, _, fn in _TOPICS}
# Follow-ups may take these amounts from an earlier question. An equity price may be
# any amount the earlier question gave for the deal; the land subsidy's base must be an
# amount the earlier question called an appraisal (评估价), never a transaction price.
_REUSABLE = {"equity_acquisition_subsidy": ("price_yuan", True),
             "land_acquisition_subsidy": ("appraised_value_yuan", False)}


def _routed(tool: str, f: Filled) -> Routed:
    return Routed(tool=tool, arguments=f.arguments, missing=f.still_missing(f.arguments))


def route(question: str, history: list[str] | None = None) -> Routed | None:
    """Pick the calculator a question asks for and fill its arguments.

    Args:
        question: the user's question.
        history: the user's earlier questions, oldest first. A follow-up that names a rule
            but no amount ("那股权收购呢？") reuses the amount of the latest earlier
            question that gives one; one that gives only a number ("如果是3000万呢？")
            reruns the earlier calculator with it. Reused arguments are listed in
            ``from_history``.
    Returns:
        The routing, or None when the question is not a calculation.
    """
    history = history or []
    p = Parsed.of(question)
    follow_up = bool(history) and p.has(_FOLLOW_UP)
    routed = route_one(question, follow_up=follow_up)
    if routed is not None:
        return _reuse_amount(routed, history) if routed.missing else routed
    if not follow_up or not p.quantities:
        return None
    prev = next((r for r in (route_one(h) for h in reversed(history)) if r is not None), None)
    if prev is None or prev.tool not in _EXTRACTORS:
        return None
    f = _EXTRACTORS[prev.tool](p, True)
    if not f.arguments:
        return None
    args = {**prev.arguments, **f.arguments}
    return Routed(tool=prev.tool, arguments=args, missing=f.still_missing(args),
                  from_history=[k for k in prev.arguments if k not in f.arguments])


def _reuse_amount(routed: Routed, history: list[str]) -> Routed:
    """Fill a follow-up's missing amount from the latest earlier question that gives one."""
    if routed.tool not in _REUSABLE:
        return routed
    arg, lenient = _REUSABLE[routed.tool]
    if arg in routed.arguments:
        return routed
    for h in reversed(history):
        hp = Parsed.of(h)
        if len(hp.of_kind("money")) != 1:
            continue
        f = _EXTRACTORS[routed.tool](hp, lenient)
        if arg in f.arguments:
            args = {**routed.arguments, arg: f.arguments[arg]}
            return Routed(tool=routed.tool, arguments=args, missing=[], from_history=[arg])
    return routed
