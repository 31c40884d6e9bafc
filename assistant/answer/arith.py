"""Answer a calculation the retrieved clauses state themselves: a rate of a base, interest per
day, a deadline counted from a date — for any document, with no pack.

Steps:
1. read the question's quantities (money, area, days, dates) and what it asks (an amount or a day);
2. read the rules of the best retrieved clauses (:mod:`assistant.answer.arith_rules`); an
   article is read paragraph by paragraph, so the paragraph that states the rule is cited;
3. keep the rules the question can feed: a share rule needs a quantity of its base's kind
   and a question that shares words with the base noun; a per-day rule an amount and a
   number of days; a deadline a date. The rule whose sentence shares most words with the
   question wins (the better-ranked clause on a tie);
4. compute with :class:`~decimal.Decimal` (a range gives both ends; a period starts the day
   after its start day) and answer with the result first, the clause quoted, the working
   shown and the run recorded as a :class:`~assistant.models.ToolCall`.

When no retrieved clause states such a rule, or the question gives no number it could use,
:func:`arith_answer` returns None and the extractive answer serves the question. When the
best-ranked clause states a rule the question clearly asks about but a number it needs is
missing, the answer says which.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel, ConfigDict

from assistant.answer.arith_rules import MONEY_UNIT, WIDTH, Rule, StartRule, read_rules, read_start_rules
from assistant.answer.cite import CitationList
from assistant.clauses.numerals import int_to_cn
from assistant.models import Answer, Clause, ToolCall
from assistant.tools.quantities import Quantity, find_quantities, normalize, parse_number
from assistant.tools.units import MONEY_PLACES, MU_PLACES, fmt, fmt_yuan, round_to

TOOL_NAME = "clause_arithmetic"
MAX_HITS = 5
MIN_SHARED = 2          # bigrams a rule's sentence must share with the question
MIN_SHARED_MISSING = 3  # … to say that a number is missing rather than stay silent

_ASK_DATE = re.compile(r"哪天|哪一天|哪日|几号|几月几[日号]|什么时候|何时|最晚|最迟|截止|到期|什么日期|日期")
_ASK_AMOUNT = re.compile(r"多少|几|怎么算|如何算|如何计算|怎样计算|计算|算一下|算算|范围|幅度|上限|下限|区间|多大|多高")
_ASK_DURATION = re.compile(r"多少天|几天|多少日|几日|多少个工作日|几个工作日|多久|多长时间|多少个月|几个月")
_ASK_CAP = re.compile(r"最多|最高|上限|封顶|顶格")
# The rate itself asked (罚款比例是多少, 按百分之几): the rule answers it without the asker's figures.
_ASKS_RATE = re.compile(r"比例|百分之几|千分之几|几个点|费率|利率(?:具体|现在|目前)?(?:是|为)?多少|按多少比例")
# The least asked too (最少和最多分别…): both ends of a range.
_ASK_FLOOR = re.compile(r"最少|最低|至少|下限")
# Asking what applied before a change (原来的上限, 调整前, 以前), and how the answer says it.
FORMER_LINE = "调整前的比例为"
ASKS_FORMER = re.compile(r"原来|原先|原本|以前|之前|过去|调整前|提高前|修改前|老标准|旧标准")
_LONGEST = re.compile(r"最长|最多|最大限度|允许的最")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class _Candidate(BaseModel):
    """A rule of a retrieved clause with how well the question matches it."""

    model_config = ConfigDict(frozen=True)

    rule: Rule
    clause: Clause
    rank: int
    shared: int


def bigrams(text: str) -> set[str]:
    """The CJK character bigrams of ``text`` (the unit of word overlap for Chinese)."""
    chars = "".join(ch if _CJK.match(ch) else " " for ch in text)
    return {w[i:i + 2] for w in chars.split() for i in range(len(w) - 1)}


def _units(clause: Clause, clauses: Mapping[str, Clause], depth: int = 2) -> list[tuple[Clause, str]]:
    """The parts of a clause that state rules, each with the clause to cite: a clause's own
    text, then its sub-clauses (an article's paragraphs), so the paragraph is cited."""
    if not clause.children or depth == 0:
        return [(clause, clause.text)]
    out = [(clause, clause.own_text)] if clause.own_text.strip() else []
    for cid in clause.children:
        child = clauses.get(cid)
        if child is not None:
            out += _units(child, clauses, depth - 1)
    return out


# -- the question's quantities ------------------------------------------------------

def _money(qs: list[Quantity]) -> list[Quantity]:
    return [q for q in qs if q.kind == "money" and q.value is not None and q.value > 0]


def _areas(qs: list[Quantity]) -> list[Quantity]:
    return [q for q in qs if q.kind == "area" and q.value is not None and q.value > 0]


def _days(qs: list[Quantity], text: str) -> list[Quantity]:
    """Numbers of days: ``20天``, ``20日`` (a bare number before 日, not a date)."""
    out = []
    for q in qs:
        if q.value is None or q.value <= 0:
            continue
        if q.kind == "days" and q.unit == "天":
            out.append(q)
        elif q.kind == "number" and text[q.end:q.end + 1] == "日" and text[q.end:q.end + 3] != "日内":
            out.append(q)
    return out


def _dates(qs: list[Quantity]) -> list[Quantity]:
    return [q for q in qs if (q.kind == "date" and q.day is not None) or (q.kind == "month_day" and q.month)]


def _span_days(qs: list[Quantity]) -> tuple[Quantity, Quantity, int] | None:
    """The days from the first to the last of two dates (到期日 to 付款日), or None when the
    question does not give two full dates."""
    full = [q for q in qs if q.kind == "date" and q.day is not None]
    if len(full) != 2 or full[1].day <= full[0].day:
        return None
    return full[0], full[1], (full[1].day - full[0].day).days


def _label(q: Quantity, text: str) -> str:
    """The words that name a quantity: the Chinese run just before it (``总投资`` of ``总投资2亿元``)
    and just after its unit (``货款`` of ``100万货款``)."""
    before = re.search(r"[\u4e00-\u9fff]{1,10}$", text[:q.start])
    after = re.match(r"(?:元|亿元|万元)?([\u4e00-\u9fff]{1,4})", text[q.end:])
    return (before.group(0) if before else "") + " " + (after.group(1) if after else "")


def _named(pool: list[Quantity], text: str, noun: str) -> list[Quantity]:
    """The quantities whose own words share a bigram with ``noun``, best first."""
    target = bigrams(noun)
    scored = [(len(bigrams(_label(q, text)) & target), q) for q in pool]
    return [q for n, q in sorted(scored, key=lambda x: -x[0]) if n > 0]


def _nearest(qs: list[Quantity], text: str, words: str) -> Quantity:
    """The quantity whose surrounding words share most bigrams with ``words`` (first on a tie)."""
    target = bigrams(words)

    def score(q: Quantity) -> int:
        return len(bigrams(text[max(0, q.start - 12):q.end + 12]) & target)

    return max(qs, key=lambda q: (score(q), -q.start))


# -- candidates ---------------------------------------------------------------------

def _candidates(hits: Sequence[Clause], clauses: Mapping[str, Clause], q_bigrams: set[str],
                qs: Sequence[Quantity] = ()) -> list[_Candidate]:
    out, seen = [], set()
    for rank, hit in enumerate(hits[:MAX_HITS]):
        for clause, text in _units(hit, clauses):
            for rule in read_rules(text):
                if rule.nested:
                    continue  # a part of the share before it: computed with that share
                key = (clause.id, rule.start, rule.kind)
                if key in seen:
                    continue
                seen.add(key)
                out.append(_Candidate(rule=rule, clause=clause, rank=rank,
                                      shared=len(bigrams(rule.segment) & q_bigrams) + _unit_evidence(rule, qs)))
    return out


def _units_of(rule: Rule, qs: Sequence[Quantity]) -> list[Quantity]:
    """The question's quantities in the unit a per-unit rule counts (150亩 for 每亩…)."""
    return [q for q in qs if rule.kind == "per_unit" and q.unit == rule.base and q.value is not None and q.value > 0]


def _unit_evidence(rule: Rule, qs: Sequence[Quantity]) -> int:
    """A per-unit rule the question gives the quantity of is matched by that quantity: the
    question need not repeat the rule's words (150亩能奖多少 for 按每亩…给予奖励)."""
    return MIN_SHARED if _units_of(rule, qs) else 0


def _referenced(hits: Sequence[Clause], clauses: Mapping[str, Clause], q_bigrams: set[str]) -> list[_Candidate]:
    """Deadline rules of the period a retrieved start rule speaks of, wherever its document
    states them: ``付款期限应当自验收合格之日起算`` leads to the clause that sets the 付款期限."""
    for hit in hits[:MAX_HITS]:
        found = _start_rule(hits, clauses, hit.doc_id, q_bigrams)
        if found is None or not found[0].period:
            continue
        period = found[0].period
        out = []
        for clause in clauses.values():
            if clause.doc_id != hit.doc_id or clause.children:
                continue
            for rule in read_rules(clause.text):
                if rule.kind == "deadline" and period in rule.segment:
                    out.append(_Candidate(rule=rule, clause=clause, rank=MAX_HITS,
                                          shared=len(bigrams(rule.segment) & q_bigrams)))
        return out
    return []


def _needs(c: _Candidate, text: str, qs: list[Quantity], q_bigrams: set[str]) -> list[str] | None:
    """What the question lacks for this rule (empty: it can be computed), or None when the
    question does not ask for what the rule computes."""
    rule = c.rule
    if rule.kind == "deadline":
        if not _ASK_DATE.search(text) or rule.day_unit not in ("日", "月", "年"):
            return None  # a working-day period depends on the holiday calendar
        return [] if _dates(qs) else ["起算日期（年月日）"]
    if not _ASK_AMOUNT.search(text) or _ASK_DURATION.search(text):
        return None
    if rule.kind == "per_day":
        missing = [] if _money(qs) else ["金额（元）"]
        return missing + ([] if _days(qs, text) or _span_days(qs) else ["天数（或起止日期）"])
    if rule.kind == "per_unit":
        return [] if _units_of(rule, qs) else [f"数量（{rule.base}）"]
    if rule.base is None or not bigrams(rule.base) & q_bigrams:
        return None  # the question does not name the base this rate applies to
    shared = len((bigrams(rule.segment) - bigrams(rule.base)) & q_bigrams)
    # 罚多少钱 names the 罚款 the rule yields in everyday words.
    shared += bool(rule.result_name and rule.result_name[0] in text and rule.result_name[0] in "罚补奖")
    # 最多补多少 asks the cap a 不超过…的N% rule sets.
    shared += bool(rule.bound == "cap" and _ASK_CAP.search(text))
    if shared < MIN_SHARED:
        return None  # only the base is shared: the question is about another rule of that base
    if rule.base_kind not in ("money", "area"):
        return None
    pool = _money(qs) if rule.base_kind == "money" else _areas(qs)
    if pool and not _named(pool, text, rule.base):
        return None  # the question's amount is of something else (注册资本 beside a 合同金额 rule)
    return [] if pool else [f"{rule.base}（{'元' if rule.base_kind == 'money' else '亩或平方米'}）"]


def _start_rule(hits: Sequence[Clause], clauses: Mapping[str, Clause], doc_id: str,
                q_bigrams: set[str]) -> tuple[StartRule, Clause] | None:
    """A retrieved clause of the same document that says from which event the period starts,
    when the question names that event."""
    best = None
    for hit in hits[:MAX_HITS]:
        if hit.doc_id != doc_id:
            continue
        for clause, text in _units(hit, clauses):
            for s in read_start_rules(text):
                shared = len(bigrams(s.event) & q_bigrams)
                if shared >= MIN_SHARED and (best is None or shared > best[0]):
                    best = (shared, s, clause)
    return (best[1], best[2]) if best else None


# -- arithmetic -----------------------------------------------------------------------

def _cn_date(iso: str) -> str:
    if iso.startswith("--"):
        return f"{int(iso[2:4])}月{int(iso[5:7])}日"
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def plus_days(start: Quantity, days: int) -> str | None:
    """The last day of a period of ``days`` days starting the day after ``start``.

    A day without its year (``3月5日``) gives ``--MM-DD`` when a common and a leap year agree,
    None when they do not (the period crosses 2月29日).
    """
    if start.kind == "date" and start.day is not None:
        return (start.day + timedelta(days=days)).isoformat()
    ends = set()
    for year in (2023, 2024):
        try:
            d = date(year, int(start.month or 0), int(start.value or 0)) + timedelta(days=days)
        except ValueError:
            continue
        ends.add((d.month, d.day))
    if len(ends) != 1:
        return None
    m, d = ends.pop()
    return f"--{m:02d}-{d:02d}"


def _start_iso(q: Quantity) -> str:
    if q.kind == "date" and q.day is not None:
        return q.day.isoformat()
    return f"--{int(q.month or 0):02d}-{int(q.value or 0):02d}"


def _amount(value: Decimal, base: Quantity) -> tuple[str, str]:
    """(value as stored, value as shown) in the base's unit."""
    if base.kind == "money":
        v = round_to(value, MONEY_PLACES)
        return fmt(v), fmt_yuan(v)
    v = round_to(Fraction(value), MU_PLACES)
    return fmt(v), f"{fmt(v)}{base.unit}"


def _base_shown(base: Quantity) -> str:
    return f"{fmt(base.value)}元" if base.kind == "money" else f"{fmt(base.value)}{base.unit}"


# -- answers --------------------------------------------------------------------------

def _share(c: _Candidate, others: list[_Candidate], text: str, qs: list[Quantity],
           clauses: Mapping[str, Clause] | None = None) -> Answer:
    rule = c.rule
    pool = _money(qs) if rule.base_kind == "money" else _areas(qs)
    base = _named(pool, text, rule.base or "")[0]
    cites = CitationList()
    mark = cites.mark(c.clause)
    name = rule.result_name or ("金额" if base.kind == "money" else "面积")
    values = [_amount(base.value * r.value, base) for r in rule.rates]
    lead = {"range": f"{name}为{values[0][1]}至{values[-1][1]}",
            "cap": f"{name}最多为{values[0][1]}",
            "floor": f"{name}至少为{values[0][1]}",
            "exact": f"{name}为{values[0][1]}"}[rule.bound]
    lines = [f"按{c.clause.label}，{lead}{mark}。",
             f"依据：“{rule.quote}”{mark}。",
             "计算：" + "；".join(f"{rule.base} {_base_shown(base)} × {r.text} = {v[0]}{'元' if base.kind == 'money' else base.unit}"
                                for r, v in zip(rule.rates, values)) + f"{mark}。"]
    result: dict = {"clause_id": c.clause.id, "kind": "share", "bound": rule.bound, "base": rule.base,
                    "base_value": fmt(base.value), "base_unit": "元" if base.kind == "money" else base.unit,
                    "rates": [r.text for r in rule.rates], "results": [v[0] for v in values],
                    "formula": lines[2].removeprefix("计算：").removesuffix(f"{mark}。")}
    if rule.before and ASKS_FORMER.search(text):
        # 原来的上限是多少: the rate the change replaced (由A提高到B: A), on the same base.
        old = [_amount(base.value * r.value, base) for r in rule.before]
        lines.append(f"{FORMER_LINE}{rule.before[0].text}，按此为{old[0][1]}（{rule.base} {_base_shown(base)} × "
                     f"{rule.before[0].text} = {old[0][0]}{'元' if base.kind == 'money' else base.unit}）{mark}。")
        result["before"] = {"rates": [r.text for r in rule.before], "results": [v[0] for v in old]}
    calls = [ToolCall(name=TOOL_NAME, arguments={"base": fmt(base.value), "clause_id": c.clause.id}, result=result)]
    for o in others:
        ov = [_amount(base.value * r.value, base) for r in o.rule.rates]
        span = {"range": f"{ov[0][1]}至{ov[-1][1]}", "cap": f"最多{ov[0][1]}", "floor": f"至少{ov[0][1]}",
                "exact": ov[0][1]}[o.rule.bound]
        lines.append(f"另：“{o.rule.quote}”{mark}，按此为{span}。")
        calls.append(ToolCall(name=TOOL_NAME, arguments={"base": fmt(base.value), "clause_id": o.clause.id},
                              result={"clause_id": o.clause.id, "kind": "share", "bound": o.rule.bound,
                                      "base": o.rule.base, "rates": [r.text for r in o.rule.rates],
                                      "results": [v[0] for v in ov]}))
    for part in _nested(c):
        # 其中，预留给小型微型企业的比例不低于百分之六十: that share of the amount just computed.
        got = base.value * rule.rates[0].value * part.rates[0].value
        v = _amount(got, base)
        bound = {"floor": "至少为", "cap": "最多为"}.get(part.bound, "为")
        lines.append(f"其中：“{part.quote}”{mark}，按此{part.result_name or name}{bound}{v[1]}"
                     f"（{values[0][0]} × {part.rates[0].text} = {v[0]}{'元' if base.kind == 'money' else base.unit}）。")
        calls.append(ToolCall(name=TOOL_NAME, arguments={"base": values[0][0], "clause_id": c.clause.id},
                              result={"clause_id": c.clause.id, "kind": "share", "bound": part.bound,
                                      "base": name, "rates": [part.rates[0].text], "results": [v[0]]}))
    for fixed in _fixed_penalties(c, text):
        lines.append(f"另：“{fixed}”{mark}。")
    lines += _rule_enforced(c, cites, clauses)
    return Answer(question=text, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=calls)


def _rule_enforced(c: _Candidate, cites: CitationList, clauses: Mapping[str, Clause] | None) -> list[str]:
    """A penalty computed from a rule that names the duty it enforces (对违反本条例第四十一条第一款
    规定…的): that duty, quoted and cited, so the answer says what was breached."""
    if not clauses or not re.search(r"违反", c.rule.quote):
        return []
    from assistant.answer.bearing import named_articles

    out = []
    for art_id in sorted(named_articles(c.rule.quote, c.clause.doc_id, clauses)):
        art = clauses[art_id]
        m = re.search(r"第([一二三四五六七八九十]+)款", c.rule.quote)
        para = next((clauses[k] for k in art.children if k in clauses and clauses[k].kind == "paragraph"
                     and m and clauses[k].label.endswith(f"第{m.group(1)}款")), None)
        target = para or art
        first = re.split(r"(?<=[。；])", re.sub(r"^第[一二三四五六七八九十百零〇]+条\s*", "", target.text.strip()))[0]
        out.append(f"所违反的规定：{target.label}：“{first.rstrip('。；')}”{cites.mark(target)}。")
    return out


def _nested(c: _Candidate) -> list[Rule]:
    """The shares of ``c``'s result that the same sentence sets after it (其中，…的比例不低于…)."""
    text = c.clause.text.translate(WIDTH)
    at = text.find(c.rule.quote.translate(WIDTH))
    if at < 0:
        return []
    out = []
    for rule in read_rules(c.clause.text):
        if rule.nested and rule.start > at and len(rule.rates) == 1 and "。" not in text[at:rule.start]:
            out.append(rule)
    return out[:1]


# 对直接负责的主管人员…处2万元以上5万元以下的罚款: a fixed-amount penalty beside the computed one.
_FIXED_FINE = re.compile(r"处[^，。；]{0,6}\d+(?:\.\d+)?万?元[^，。；]{0,12}罚款")


def _fixed_penalties(c: _Candidate, text: str) -> list[str]:
    """Fixed-amount penalties the same clause sets for someone else the question asks about
    (企业会被罚多少？负责人呢？), quoted as written."""
    if not re.search(r"罚", c.rule.quote + text):
        return []
    asked = bigrams(text) - bigrams(c.rule.quote)
    out = []
    for piece in re.split(r"[；。]", c.clause.text):
        piece = piece.strip()
        if piece and piece not in c.rule.quote and _FIXED_FINE.search(piece) and bigrams(piece) & asked:
            out.append(piece)
    return out


def _per_day(c: _Candidate, text: str, qs: list[Quantity]) -> Answer:
    rule = c.rule
    base = _nearest(_money(qs), text, rule.segment)
    counted = _days(qs, text)
    span = None if counted else _span_days(qs)
    n_days = _nearest(counted, text, rule.segment).value if counted else Decimal(span[2])
    rate = rule.rates[0]
    value, shown = _amount(base.value * rate.value * n_days, base)
    cites = CitationList()
    mark = cites.mark(c.clause)
    name = rule.result_name or "金额"
    formula = f"{fmt(base.value)}元 × {rate.text} × {fmt(n_days)}日 = {value}元"
    lines = [f"按{c.clause.label}，{name}为{shown}{mark}。",
             f"依据：“{rule.quote}”{mark}。",
             f"计算：{formula}{mark}。"]
    result = {"clause_id": c.clause.id, "kind": "per_day", "amount_yuan": fmt(base.value), "rate": rate.text,
              "days": fmt(n_days), "result_yuan": value, "formula": formula}
    if span is not None:
        first, last = (q.day.isoformat() for q in span[:2])
        result.update(from_date=first, to_date=last)
        lines.insert(2, f"天数：{_cn_date(first)}至{_cn_date(last)}，共{span[2]}日{mark}。")
    call = ToolCall(name=TOOL_NAME, arguments={"amount_yuan": fmt(base.value), "days": fmt(n_days),
                                               "clause_id": c.clause.id}, result=result)
    return Answer(question=text, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=[call])


def _per_unit(c: _Candidate, text: str, qs: list[Quantity]) -> Answer:
    """A sum per unit times the question's quantity: each end of a range, the top end when the
    question asks the most (按最高标准), or the sum per unit the asker names when the rule's range
    holds it (按每亩3万元)."""
    rule = c.rule
    unit = rule.base or ""
    qty = _nearest(_units_of(rule, qs), text, rule.segment)
    rates = [(r.text, r.value) for r in rule.rates]
    note = ""
    own = re.search(rf"每\s*{re.escape(unit)}[^，。；\d]{{0,6}}?(\d+(?:\.\d+)?)\s*(亿元|万元|元)", text)
    if own:
        value = Decimal(own.group(1)) * MONEY_UNIT[own.group(2)]
        low, high = rule.rates[0].value, rule.rates[-1].value
        if low <= value <= high:
            rates = [(own.group(1) + own.group(2), value)]
            if rule.bound == "range":
                note = f"（在{rule.rates[0].text}至{rule.rates[-1].text}的标准之内）"
    elif rule.bound == "range" and _ASK_CAP.search(text) and not _ASK_FLOOR.search(text):
        rates = [(rule.rates[-1].text, rule.rates[-1].value)]
        note = "（按最高标准）"
    cites = CitationList()
    mark = cites.mark(c.clause)
    name = rule.result_name or "金额"
    values = [round_to(qty.value * v, MONEY_PLACES) for _, v in rates]
    lead = f"{name}为{fmt_yuan(values[0])}" if len(values) == 1 else f"{name}为{fmt_yuan(values[0])}至{fmt_yuan(values[-1])}"
    formula = "；".join(f"{fmt(qty.value)}{unit} × {t}/{unit} = {fmt(v)}元" for (t, _), v in zip(rates, values))
    lines = [f"按{c.clause.label}，{lead}{note}{mark}。",
             f"依据：“{rule.quote}”{mark}。",
             f"计算：{formula}{mark}。"]
    result = {"clause_id": c.clause.id, "kind": "per_unit", "bound": rule.bound, "quantity": fmt(qty.value),
              "unit": unit, "rates": [t for t, _ in rates], "results_yuan": [fmt(v) for v in values], "formula": formula}
    call = ToolCall(name=TOOL_NAME, arguments={"quantity": fmt(qty.value), "unit": unit, "clause_id": c.clause.id},
                    result=result)
    return Answer(question=text, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=[call])


def _deadline(c: _Candidate, text: str, qs: list[Quantity], hits: Sequence[Clause],
              clauses: Mapping[str, Clause], q_bigrams: set[str]) -> Answer | None:
    rule = c.rule
    start_rule = _start_rule(hits, clauses, c.clause.doc_id, q_bigrams)
    event = start_rule[0].event if start_rule else (rule.event or "")
    start = _nearest(_dates(qs), text, event)
    if rule.day_unit in ("月", "年"):
        return _calendar_deadline(c, start, text)
    longest = bool(rule.max_days and _LONGEST.search(text))
    days = rule.max_days if longest else rule.days
    assert days is not None
    end = plus_days(start, days)
    cites = CitationList()
    mark = cites.mark(c.clause)
    if end is None:
        return _missing(c, ["含年份的完整日期（期间跨越2月，结果取决于是否闰年）"], text)
    start_iso = _start_iso(start)
    action = rule.action or "完成"
    lines = [f"按{c.clause.label}，最晚应在{_cn_date(end)}{action}{mark}。",
             f"依据：“{rule.quote}”{mark}" + (f"；“{rule.max_quote}”{mark}" if longest else "") + "。"]
    result = {"clause_id": c.clause.id, "kind": "deadline", "start": start_iso, "days": days, "deadline": end,
              "counting": "开始的当日不计入，自次日起算，期间最后一日为截止日；最后一日遇法定节假日是否顺延未计入"}
    if start_rule:
        smark = cites.mark(start_rule[1])
        lines.append(f"起算：“{start_rule[0].quote}”{smark}，即自{_cn_date(start_iso)}起算。")
    lines.append(f"计算：{_cn_date(start_iso)} + {days}日 = {_cn_date(end)}（开始的当日不计入，从次日起算）{mark}。")
    if rule.max_days and not longest:
        max_end = plus_days(start, rule.max_days)
        if max_end is not None:
            result.update(max_days=rule.max_days, max_deadline=max_end)
            lines.append(f"另：“{rule.max_quote}”{mark}，按此最晚为{_cn_date(max_end)}。")
    result["formula"] = f"{start_iso} + {days}日 = {end}"
    call = ToolCall(name=TOOL_NAME, arguments={"start": start_iso, "days": days, "clause_id": c.clause.id},
                    result=result)
    return Answer(question=text, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=[call])


# 有效期不超过两年，可以申请延期一次，但延期不超过一年: a term and its one extension.
_NUM_WORD = r"(\d+|[一二两三四五六七八九十]+)"
_TERM = re.compile(rf"(?:有效期|期限)[^，。；]{{0,8}}?(?:不超过|不得超过|最长不超过|为)\s*{_NUM_WORD}\s*(年|个月|日|天)")
_EXTENSION = re.compile(rf"延(?:期|长)[^。；]{{0,16}}?(?:不超过|不得超过|最长不超过|最长为)\s*{_NUM_WORD}\s*(年|个月|日|天)")
_ASK_TOTAL = re.compile(r"一共|总共|合计|加上|加起来|连同|最长")
_ASK_HOW_LONG = re.compile(r"多久|多长时间|多长|几年|几个月|多少天|多少年|几天")


def _extended_term(text: str, hits: Sequence[Clause], clauses: Mapping[str, Clause]) -> Answer | None:
    """How long a term lasts with its extension, when the question asks the total (加上延期，
    最长一共能用多久) and a retrieved clause states both in one sentence."""
    if not (_ASK_TOTAL.search(text) and _ASK_HOW_LONG.search(text) and re.search(r"延期|延长|续期", text)):
        return None
    q_bigrams = bigrams(text)
    for hit in hits[:MAX_HITS]:
        for clause, body in _units(hit, clauses):
            for sentence in re.split(r"(?<=[。；])", body):
                term, ext = _TERM.search(sentence), _EXTENSION.search(sentence)
                if not (term and ext) or ext.start() < term.end() or len(bigrams(sentence) & q_bigrams) < MIN_SHARED:
                    continue
                unit, ext_unit = term.group(2).replace("天", "日"), ext.group(2).replace("天", "日")
                if unit != ext_unit:
                    continue
                base, more = int(parse_number(term.group(1))), int(parse_number(ext.group(1)))
                chinese = not term.group(1).isdigit()
                total = int_to_cn(base + more) if chinese else str(base + more)
                written = f"{total}{unit}"
                cites = CitationList()
                mark = cites.mark(clause)
                quote = sentence.strip().rstrip("。；")
                lines = [f"按{clause.label}，加上延期最长共{written}{mark}。",
                         f"依据：“{quote}”{mark}。",
                         f"计算：{term.group(1)}{unit} + {ext.group(1)}{unit} = {written}{mark}。"]
                call = ToolCall(name=TOOL_NAME, arguments={"term": base, "extension": more, "unit": unit,
                                                           "clause_id": clause.id},
                                result={"clause_id": clause.id, "kind": "term_with_extension", "total": base + more,
                                        "unit": unit, "formula": f"{base}{unit} + {more}{unit} = {base + more}{unit}"})
                return Answer(question=text, answer="\n".join(lines), abstained=False,
                              citations=cites.citations, tool_calls=[call])
    return None


def plus_months(start: date, months: int) -> date:
    """The last day of a period of ``months`` months from ``start``: the day of the same number
    in the last month, or that month's last day when it has none (期间按年、月计算的，到期月的
    对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日)."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def _calendar_deadline(c: _Candidate, start: Quantity, text: str) -> Answer | None:
    """A period of N年 or N个月 from a dated event: when it ends."""
    rule = c.rule
    if start.kind != "date" or start.day is None or rule.days is None:
        return _missing(c, ["起算日期（含年份的完整日期）"], text)
    months = rule.days * (12 if rule.day_unit == "年" else 1)
    end = plus_months(start.day, months).isoformat()
    unit = "年" if rule.day_unit == "年" else "个月"
    cites = CitationList()
    mark = cites.mark(c.clause)
    start_iso = start.day.isoformat()
    lines = [f"按{c.clause.label}，{rule.days}{unit}的期限至{_cn_date(end)}届满{mark}。",
             f"依据：“{rule.quote}”{mark}。",
             f"计算：{_cn_date(start_iso)} + {rule.days}{unit} = {_cn_date(end)}"
             f"（按年、月计算的期间，到期月的对应日为最后一日）{mark}。"]
    result = {"clause_id": c.clause.id, "kind": "deadline", "start": start_iso, "months": months, "deadline": end,
              "counting": "到期月的对应日为期间的最后一日，没有对应日的为月末日；最后一日遇法定节假日是否顺延未计入",
              "formula": f"{start_iso} + {rule.days}{unit} = {end}"}
    call = ToolCall(name=TOOL_NAME, arguments={"start": start_iso, "months": months, "clause_id": c.clause.id},
                    result=result)
    return Answer(question=text, answer="\n".join(lines), abstained=False, citations=cites.citations,
                  tool_calls=[call])


def _missing(c: _Candidate, missing: list[str], question: str) -> Answer:
    cites = CitationList()
    mark = cites.mark(c.clause)
    text = (f"这可以按{c.clause.label}计算：“{c.rule.quote}”{mark}。"
            f"但问题中缺少：{'、'.join(missing)}。请补充后再问。")
    return Answer(question=question, answer=text, abstained=False, citations=cites.citations)


_PER_UNIT_ASKED = re.compile(r"(多少钱?|几块钱?|几元)一(千瓦时|平方米|平米|立方米|公斤|千克|度|亩|吨|方|人|户)")


def arith_answer(question: str, hits: Sequence[Clause], clauses: Mapping[str, Clause]) -> Answer | None:
    """Compute what the best retrieved clauses state for the question's quantities.

    Args:
        question: the (normalised) question.
        hits: the retrieved clauses, best first (the first few are read).
        clauses: every indexed clause by id (to read an article's paragraphs).
    Returns:
        The answer with the result first, the clause quoted and a ``clause_arithmetic`` tool
        call; an answer naming the missing number; or None when no retrieved clause states a
        rule the question's numbers can feed.
    """
    text = normalize(question)
    extended = _extended_term(text, hits, clauses)
    if extended is not None:
        return extended.model_copy(update={"question": question})
    if _asks_rate_only(text):
        return None  # …建筑面积占比上限又是多少？ asks the rule's rate itself: quoted, not computed
    # 多少钱一亩 asks a price per 亩: its 一亩 is no quantity the asker has.
    qs = find_quantities(_PER_UNIT_ASKED.sub(r"\1每\2", text))
    if not qs:
        return None
    q_bigrams = bigrams(text)
    ready, short = [], []
    every = _candidates(hits, clauses, q_bigrams, qs)
    for c in every:
        if c.shared < MIN_SHARED:
            continue
        need = _needs(c, text, qs, q_bigrams)
        if need is None:
            continue
        (short if need else ready).append((c, need))
    if not ready and _ASK_DATE.search(text) and _dates(qs):
        # The hits say when the period starts but not how long it is: follow them to the rule.
        for c in _referenced(hits, clauses, q_bigrams):
            if c.shared >= MIN_SHARED and _needs(c, text, qs, q_bigrams) == []:
                ready.append((c, []))
    answer = _choose(ready, short, every, text, qs, hits, clauses, q_bigrams)
    return answer.model_copy(update={"question": question}) if answer is not None else None


# A share asked as such (占比上限是多少, 比例是多少), in the question's last sentence.
_RATE_ASKED = re.compile(r"(?:占比|比例|比率|百分比)(?:上限|下限|最高|最低)?(?:又|还|是|为|大概|一般|最多|最高)*(?:多少|几)(?![亩元钱万平方米天日个家年月])")


_ASKING = re.compile(r"多少|几|吗|什么|怎么|哪|啥")


def _asks_rate_only(text: str) -> bool:
    """Whether the question's last sentence asks only a rate (建筑面积占比上限又是多少), not a
    figure the rate gives with the asker's numbers (能占多少亩, 能拿多少钱)."""
    segs = [x for x in re.split(r"[，。；;,！!？?]", text) if x.strip()]
    if not segs or not _RATE_ASKED.search(segs[-1]):
        return False
    return not any(_ASKING.search(x) for x in segs[:-1])  # 最多能占多少亩？占比上限又是多少？ asks both


def _choose(ready: list, short: list, every: list[_Candidate], text: str, qs: list[Quantity], hits: Sequence[Clause],
            clauses: Mapping[str, Clause], q_bigrams: set[str]) -> Answer | None:
    """The answer of the best computable rule, or one naming what the best-ranked clause's
    rule still needs."""
    if ready:
        best = min(ready, key=lambda x: (-x[0].shared, x[0].rank, x[0].rule.start))[0]
        if best.rule.kind == "share":
            # The clause's other rates of the same base (another case of the same act) are shown too.
            others = [c for c in every if c is not best and c.clause.id == best.clause.id
                      and c.rule.kind == "share" and c.rule.base == best.rule.base]
            return _share(best, others, text, qs, clauses)
        if best.rule.kind == "per_day":
            return _per_day(best, text, qs)
        if best.rule.kind == "per_unit":
            return _per_unit(best, text, qs)
        return _deadline(best, text, qs, hits, clauses, q_bigrams)
    short = [(c, n) for c, n in short if c.rank == 0 and c.shared >= MIN_SHARED_MISSING]
    if short and _ASKS_RATE.search(text):
        return None  # 罚款比例是多少 asks the rule's rate itself: quoted, not computed
    if short:
        c, need = min(short, key=lambda x: (-x[0].shared, x[0].rule.start))
        return _missing(c, need, text)
    return None
