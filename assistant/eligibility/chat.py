"""Eligibility from a chat question: parse the enterprise's situation, match, answer with citations.

``profile_from_question`` reads the facts a Chinese question states about the asking
enterprise ("我们是D类企业，用地30亩，想自己拆了重建"); ``match_answer`` turns the match
into the answer contract, every line carrying ``[n]`` markers from a CitationList.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.answer.cite import CitationList
from assistant.eligibility.matcher import MatchItem, MatchResult, ToolRunner, match, policy_period
from assistant.eligibility.profile import EnterpriseProfile, field_title
from assistant.eligibility.rules import Rule, pack_rules
from assistant.errors import AssistantError
from assistant.models import Answer, Clause
from assistant.tools.quantities import find_quantities, normalize

# Yes/no facts: (field, pattern). A negation just before the match (不/没/未/非/无,
# in the same clause) makes the fact false.
_FLAGS: list[tuple[str, str]] = [
    ("white_list", r"白名单"),
    ("state_owned", r"(?:是|为|属于|作为)(?:一家|区属|市属)?(?:国企|国有企业|国有公司)|^(?:国企|国有企业)"),
    ("land_idle", r"闲置"),
    ("high_energy_use", r"高耗能|能耗(?:很|较|比较|特别)?高"),
    ("high_pollution", r"高污染|污染(?:问题)?(?:很|较|比较)?(?:突出|严重|大)"),
    ("safety_hazards", r"安全隐患"),
    ("mixed_use", r"业态混杂"),
    ("matches_industry_direction", r"符合产业(?:导向|方向|规划)"),
    ("refuses_renovation", r"拒不配合|不(?:愿意?|想)(?:配合|改造|搬)|拒绝(?:配合|改造|搬迁)"),
    ("self_use", r"自用|自己用"),
    ("adds_dormitory_area", r"(?:新增|增加|加建|多建)宿舍"),
    ("plan_self_renovation",
     (r"拆了重建|拆除重建|推倒重建|自己拆|重建|翻建|改扩建|扩建|加层|自主改造|原址改造|"
     r"提高容积率|容积率提[升高](?!项目)|提容|工业上楼")),
    ("plan_joint_renovation", r"联合改造|一起改造|合作改造|联合开发|联合体"),
    ("plan_acquire_equity", r"股权(?:收购|并购)|(?:收购|并购|买)[^，。,；？?]{0,8}(?:股权|股份)"),
    ("plan_acquire_land",
     r"(?:收购|并购|买下|买入|购买|购入|买)[^，。,；？?股]{0,8}(?:厂房|土地|用地|地块|宗地|厂区|工厂|厂子)"),
    ("plan_relocate_small_micro_park", r"小微(?:企业)?园|(?:搬|迁)(?:进|入|到)[^，。,；？?]{0,10}园"),
    ("plan_lease_out_plant", r"(?:厂房|土地|房子)[^，。,；？?]{0,4}(?:出租|租出去|租给)|出租[^，。,；？?]{0,4}厂房|租给"),
    ("plan_lease_in_plant", r"(?<!出)(?:承租|租用|租赁|租)(?:一个|一间|一块|块|个|间|别人的|人家的)?(?:厂房|土地|地块)"),
    ("plan_transfer_land", r"转让|(?:卖|出售)(?:掉|了)?[^，。,；？?]{0,4}(?:地|土地|厂房)"),
]
# Facts that describe the enterprise's situation; numbers or a street alone do not make a
# question an eligibility question (they go to the calculators or to retrieval).
SITUATION_FIELDS = frozenset(f for f, _ in _FLAGS) - {"self_use", "adds_dormitory_area"} | {
    "evaluation_class", "in_industrial_control_line"}
_NEGATIONS = "不没未非无"
_QUESTION_FORMS = ("有没有", "是不是", "能不能", "可不可以", "会不会", "算不算", "属不属于", "是否")
_CLAUSE_END = re.compile(r"[，。,；;？?！!\s]")
_CLASS_RE = re.compile(r"(?<![A-Za-z])([A-D](?:\s*[、，,和与及或/]\s*[A-D])*)\s*(?:类|档)")
_CONTROL_LINE_RE = re.compile(r"(不在|在|位于)?(?:工业)?控制线(内|外|里|以内|以外)?")


def _negated(text: str, start: int) -> bool:
    """Whether a negation stands before ``start`` in the same clause."""
    window = _CLAUSE_END.split(text[max(0, start - 6):start])[-1]
    for form in _QUESTION_FORMS:
        window = window.replace(form, "")
    return any(ch in window for ch in _NEGATIONS)


# Getting into a class or a list (怎么申请进白名单, 想评上…): a wish or a question, not a fact.
_ENTERING = re.compile(r"(?:进|进入|加入|列入|纳入|入选|评上|评为|评选|申请|争取|申报)[^，。,；;？?！!]{0,3}$|"
                       r"(?:了解|咨询|请问|问一下|问问|打听)[^，。,；;？?！!]{0,12}$")  # 想了解北仑对“…”有没有要求: asked about
# The class itself asked about (白名单企业是怎么评出来的, …是指什么): not said of the asker.
_ASKED_OF = re.compile(r"^[^，。,；;？?！!]{0,8}?(?:是怎么|是如何|怎么评|如何评|怎么认定|如何认定|是什么|是啥|指什么|指的是|有哪些)")
_SELF = re.compile(r"我们|我司|本公司|我公司|我厂|我家|咱们|俺们")


def _flag(text: str, pattern: str) -> bool | None:
    m = re.search(pattern, text)
    if not m:
        return None
    said = _CLAUSE_END.split(text[:m.start()])[-1]
    if _ENTERING.search(said) or (_ASKED_OF.search(text[m.end():]) and not _SELF.search(said)):
        return None
    return not _negated(text, m.start())


def _plain(value: Decimal) -> Decimal:
    """1.2亿 reads as 120000000.0; state it as 120000000."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _amounts(text: str, facts: dict[str, Any]) -> None:
    """Money and areas: 评估价 -> appraised value, 股权…价 -> equity price, 亩 -> land, 平方米 -> floor."""
    for q in find_quantities(text):
        if q.value is not None:
            q = q.model_copy(update={"value": _plain(q.value)})
        before = text[max(0, q.start - 12):q.start]
        before = _CLAUSE_END.split(before)[-1]
        if q.kind == "money" and q.value is not None:
            if "股权" in before or ("股权" in text[q.end:q.end + 8] and "收购" in text[q.end:q.end + 8]):
                facts.setdefault("equity_price_yuan", q.value)
            elif "评估" in before or ("收购" in before and "股权" not in text):
                facts.setdefault("acquisition_appraised_value_yuan", q.value)
        elif q.kind == "area" and q.value is not None:
            if q.unit == "亩" and "配套" not in before:
                facts.setdefault("land_area_mu", q.value)
            elif q.unit == "平方米" and ("配套" in before or "办公" in before):
                facts.setdefault("ancillary_land_area_m2" if "用地" in before else "ancillary_floor_area_m2",
                                 q.value)
            elif q.unit == "平方米" and "建筑" in before:
                facts.setdefault("floor_area_m2", q.value)


def profile_from_question(question: str, streets: tuple[str, ...] = ()) -> EnterpriseProfile | None:
    """Read the facts a question states about the asking enterprise.

    Args:
        question: e.g. "我们是D类企业，用地30亩，想自己拆了重建，有什么政策？"
        streets: the street names of the indexed tables (a name among them is the enterprise's street).
    Returns:
        The profile, or ``None`` when the question states no fact about an enterprise.
    """
    text = normalize(question).translate({0xFF21 + i: 0x41 + i for i in range(26)})
    facts: dict[str, Any] = {}
    classes = {c for group in _CLASS_RE.findall(text.upper()) for c in re.findall("[A-D]", group)}
    if len(classes) == 1:  # "C、D类企业" names a group, not the asker's class
        facts["evaluation_class"] = classes.pop()
    for field, pattern in _FLAGS:
        value = _flag(text, pattern)
        if value is not None:
            facts[field] = value
    if facts.get("plan_acquire_equity") and facts.get("plan_acquire_land") is None:
        facts.pop("plan_acquire_land", None)
    m = _CONTROL_LINE_RE.search(text)
    if m and (m.group(1) or m.group(2)):
        outside = m.group(1) == "不在" or (m.group(2) or "").endswith("外") or _negated(text, m.start())
        facts["in_industrial_control_line"] = not outside
    plot = re.search(r"容积率(?:只有|仅|是|为|才|约)?\s*([0-9]+(?:\.[0-9]+)?)", text)
    if plot:
        facts["plot_ratio"] = plot.group(1)
    street = next((name for name in sorted(streets, key=len, reverse=True) if name and name in text), None)
    if street:
        facts["street"] = street
    _amounts(text, facts)
    return EnterpriseProfile(**facts) if facts else None


def date_from_question(question: str) -> date | None:
    """The date a question is about (a full date, else the end of a named month or year).

    Args:
        question: the question text.
    Returns:
        The date, or ``None`` when it names none.
    """
    for q in find_quantities(question):
        if q.kind == "date" and q.day:
            return q.day
        if q.kind == "year" and q.year and 1990 < q.year < 2100:
            if q.month:
                return date(q.year, q.month, monthrange(q.year, q.month)[1])
            return date(q.year, 12, 31)
    return None


def is_eligibility_profile(profile: EnterpriseProfile | None) -> bool:
    """Whether a parsed profile describes an enterprise's situation (not only numbers/a street)."""
    return profile is not None and any(f in SITUATION_FIELDS for f in profile.known())


def _fmt_value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def describe_profile(profile: EnterpriseProfile) -> str:
    """The stated facts in one Chinese phrase, e.g. "“亩均论英雄”评价类别：D；用地面积（亩）：30"."""
    return "；".join(f"{field_title(f)}：{_fmt_value(v)}" for f, v in profile.known().items())


def _markers(item_or_ids: MatchItem | list[str], clauses: dict[str, Clause], cites: CitationList) -> str:
    ids = item_or_ids.clause_ids if isinstance(item_or_ids, MatchItem) else item_or_ids
    return "".join(cites.mark(clauses[cid]) for cid in ids if cid in clauses)


def _amount_note(item: MatchItem) -> str:
    call = item.tool_call
    if call and call.result:
        formula = call.result.get("formula")
        shown = formula or "，".join(f"{k}={v}" for k, v in call.result.items() if k != "clause_id")
        return f"（测算：{shown}）"
    if call and call.error:
        return f"（未能测算：{call.error}）"
    if item.missing_inputs:
        return f"（提供{'、'.join(field_title(f) for f in item.missing_inputs)}可测算）"
    return ""


def _item_line(n: int, item: MatchItem, clauses: dict[str, Clause], cites: CitationList) -> str:
    line = f"{n}. {item.title}：{item.text}{_markers(item, clauses, cites)}{_amount_note(item)}"
    if item.condition:
        line += f" 条件：{item.condition}"
    return line


def _excluded_line(n: int, item: MatchItem, clauses: dict[str, Clause], cites: CitationList) -> str:
    facts = "、".join(field_title(f) for f in item.excluded_by)
    return f"{n}. {item.title}{_markers(item, clauses, cites)}：您所述情况（{facts}）不符合其条件——{item.condition}"


def compose(result: MatchResult, clauses: dict[str, Clause]) -> tuple[str, CitationList]:
    """Write the Chinese answer for a match, with a marker on every line.

    Args:
        result: the match.
        clauses: clause id -> clause, for the citations.
    Returns:
        The answer text and the citations its markers point at.
    """
    cites = CitationList()
    lines = [f"根据您描述的情况（{describe_profile(result.profile)}），本方案中与您相关的内容如下。"]
    if result.outside_period:
        lines.append(f"提示：{result.outside_period}")
    sections = [("适用的政策", result.applies), ("可能适用（须满足所列条件）", result.may_apply),
                ("义务与倒逼措施", result.obligations)]
    for heading, items in sections:
        if items:
            lines.append(f"{heading}：")
            lines += [_item_line(n, item, clauses, cites) for n, item in enumerate(items, start=1)]
    if result.excluded:
        lines.append("不适用（所述情况不符合条件）：")
        lines += [_excluded_line(n, item, clauses, cites) for n, item in enumerate(result.excluded, start=1)]
    if result.external_documents:
        lines.append(f"注：具体标准见{'、'.join(result.external_documents)}，"
                     "这些文件不在本助手收录的文件中，无法给出其具体标准。")
    if result.period is not None:
        lines.append(f"实施期：{result.period.note()}{_markers(result.period.clause_ids, clauses, cites)}")
    return "\n".join(lines), cites


def known_streets(clauses: Mapping[str, Clause], dirs: Iterable[Path] | None = None) -> tuple[str, ...]:
    """The row names (streets) of the tables the active packs' table calculators read, less total rows."""
    from assistant.packs.loader import active_tools
    from assistant.tools.calculators.annex2 import load_rows, table_id, total_key

    names: dict[str, None] = {}
    for tool in active_tools(clauses, dirs):
        if not tool.spec.mechanism.startswith("table_"):
            continue
        try:
            rows = load_rows(clauses, table_id(tool))
        except AssistantError:
            continue
        names.update({r.row.key: None for r in rows if r.row.key != total_key(tool)})
    return tuple(names)


def match_answer(question: str, clauses: dict[str, Clause], history: list[str] | None = None,
                 rules: list[Rule] | None = None, run_tool: ToolRunner | None = None,
                 home: Path | None = None) -> Answer | None:
    """Answer an eligibility question, or return ``None`` when the question is not one.

    Facts stated in earlier questions (``history``) are kept unless the question restates them.

    Args:
        question: the user's question.
        clauses: clause id -> clause (``assistant.corpus.clause_map()``).
        history: earlier questions of the conversation, oldest first.
        rules: the rules; those of the indexed documents' packs when ``None``.
        run_tool: calculator runner; the registry over ``clauses`` when ``None``.
        home: the data folder whose ``packs/`` hold the packs of ingested files.
    Returns:
        The answer (with citations and calculator runs), or ``None`` (also when no indexed
        document has eligibility rules).
    """
    from assistant.packs.loader import pack_dirs
    from assistant.tools import registry

    dirs = pack_dirs(home)
    streets = known_streets(clauses, dirs)
    profile = profile_from_question(question, streets)
    if not is_eligibility_profile(profile):
        return None
    rules = rules if rules is not None else pack_rules(clauses, dirs)
    if not rules:
        return None
    for earlier in reversed(history or []):
        older = profile_from_question(earlier, streets)
        if is_eligibility_profile(older):
            profile = older.merged(profile)
    as_of = date_from_question(question)
    runner = run_tool or (lambda name, arguments: registry.run_tool(name, arguments, clauses, dirs))
    result = match(profile, rules=rules, as_of=as_of, run_tool=runner, period=policy_period(clauses, dirs))
    text, cites = compose(result, clauses)
    return Answer(question=question, answer=text, abstained=False,
                  citations=cites.citations, tool_calls=result.tool_calls)
