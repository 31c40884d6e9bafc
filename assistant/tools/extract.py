"""Fill a calculator's arguments from a Chinese question.

:func:`read_arguments` reads a pack entry's arguments from the quantities of a question
and the words in front of each one (the pack says which words label which argument);
the ``extract_*`` functions read the fixed inputs of the general land, growth and term
mechanisms. Each returns the arguments it could fill and a Chinese description of each
one it could not. Nothing is guessed: an amount whose role is unclear is left out and
asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assistant.packs.schema import PackArgument
from assistant.tools.quantities import Quantity, find_quantities, normalize, parse_number
from assistant.tools.units import fmt

_STOP = re.compile(r"[，。；;？?！!、\n]|,(?!\d)")


@dataclass
class Parsed:
    """A question with its quantities and the words around each."""

    text: str
    quantities: list[Quantity]

    @classmethod
    def of(cls, question: str) -> Parsed:
        text = normalize(question)
        return cls(text=text, quantities=find_quantities(text))

    def before(self, q: Quantity) -> str:
        """Words between the previous quantity (or punctuation) and ``q``."""
        i = self.quantities.index(q)
        start = self.quantities[i - 1].end if i else 0
        head = self.text[start:q.start]
        parts = _STOP.split(head)
        return parts[-1] if parts else ""

    def after(self, q: Quantity) -> str:
        """Words after ``q`` up to the next quantity or punctuation."""
        i = self.quantities.index(q)
        end = self.quantities[i + 1].start if i + 1 < len(self.quantities) else len(self.text)
        return _STOP.split(self.text[q.end:end])[0]

    def of_kind(self, *kinds: str) -> list[Quantity]:
        return [q for q in self.quantities if q.kind in kinds]

    def labelled(self, q: Quantity, pattern: str) -> bool:
        """Whether ``pattern`` occurs in the words before (or right after) ``q``."""
        return bool(re.search(pattern, self.before(q)) or re.search(pattern, self.after(q)[:6]))

    def has(self, pattern: str) -> bool:
        return bool(re.search(pattern, self.text))


@dataclass
class Filled:
    """Arguments found, and the missing ones: key -> Chinese description."""

    arguments: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def still_missing(self, arguments: dict[str, Any]) -> list[str]:
        """Descriptions of the missing keys that ``arguments`` does not cover.

        A key is an argument name or the stem of an area pair (``land_area`` is covered
        by ``land_area_mu`` or ``land_area_m2``).
        """
        return [d for k, d in self.missing.items() if not any(a == k or a.startswith(k + "_") for a in arguments)]


def as_text(d: Decimal) -> str:
    """A Decimal argument as the plain string the tools take (``1.2E+8`` -> ``120000000``)."""
    return fmt(d)


def _pick(p: Parsed, kinds: tuple[str, ...], pattern: str | None, lenient: bool) -> Quantity | None:
    """The quantity of ``kinds`` labelled by ``pattern``; in lenient mode the only one."""
    qs = p.of_kind(*kinds)
    if pattern:
        hits = [q for q in qs if p.labelled(q, pattern)]
        if hits:
            return hits[0]
    if (lenient or not pattern) and len(qs) == 1:
        return qs[0]
    return None


def _area_args(q: Quantity, stem: str) -> dict[str, str]:
    if q.unit == "亩":
        return {f"{stem}_mu": as_text(q.value)}
    if q.unit == "公顷":
        return {f"{stem}_mu": as_text(q.value * 15)}
    return {f"{stem}_m2": as_text(q.value)}


# -- land rules --------------------------------------------------------------------

_FLOOR = r"建筑面积|建面|楼面"
_LAND = r"用地|占地|土地|地块|宗地|厂区"


def extract_plot_ratio(p: Parsed, lenient: bool = False) -> Filled:
    f = Filled()
    areas = p.of_kind("area")
    existing = [q for q in areas if p.labelled(q, r"原有|现有|改造前|原来")]
    rest = [q for q in areas if q not in existing]
    floor = next((q for q in rest if p.labelled(q, _FLOOR)), None)
    land = next((q for q in rest if q is not floor and p.labelled(q, _LAND)), None)
    others = [q for q in rest if q is not floor and q is not land]
    if land is None:
        land = next((q for q in others if q.unit in ("亩", "公顷")), None)
    if floor is None:
        floor = next((q for q in others if q is not land and q.unit == "平方米"), None)
    if land is not None:
        f.arguments.update(_area_args(land, "land_area"))
    else:
        f.missing["land_area"] = "用地面积（亩或平方米）"
    if floor is not None and floor.unit in ("平方米", "公顷"):
        f.arguments["floor_area_m2"] = as_text(floor.value if floor.unit == "平方米" else floor.value * 10000)
    else:
        f.missing["floor_area_m2"] = "总建筑面积（平方米）"
    if existing and existing[0].unit == "平方米":
        f.arguments["existing_floor_area_m2"] = as_text(existing[0].value)
    return f


def extract_ancillary(p: Parsed, lenient: bool = False, part_words: str = r"(?!)") -> Filled:
    """The total land, the part of it (labelled by ``part_words``), floor areas and flags."""
    _ANCILLARY = part_words
    f = Filled()
    areas = p.of_kind("area")
    floors = [q for q in areas if p.labelled(q, _FLOOR)]
    lands = [q for q in areas if q not in floors]
    part = next((q for q in lands if p.labelled(q, _ANCILLARY)), None)
    total = next((q for q in lands if q is not part), None)
    if total is not None:
        f.arguments.update(_area_args(total, "land_area"))
    else:
        f.missing["land_area"] = "项目总用地面积（亩或平方米）"
    if part is not None:
        f.arguments.update(_area_args(part, "ancillary_land_area"))
    else:
        f.missing["ancillary_land_area"] = "配套设施用地面积（亩或平方米）"
    fpart = next((q for q in floors if p.labelled(q, _ANCILLARY)), None)
    ftotal = next((q for q in floors if q is not fpart), None)
    if fpart is not None and ftotal is not None and fpart.unit == ftotal.unit == "平方米":
        f.arguments["floor_area_m2"] = as_text(ftotal.value)
        f.arguments["ancillary_floor_area_m2"] = as_text(fpart.value)
    if p.has(r"经审批|已审批|审批通过|获批|批准") and not p.has(r"未经?审批|没有审批|未获批|未批准|没批"):
        f.arguments["approved"] = True
    if p.has(r"新增宿舍|增加宿舍|新建宿舍") and not p.has(r"不新增宿舍|没有新增宿舍|无新增宿舍|不增加宿舍|未新增宿舍"):
        f.arguments["new_dormitory"] = True
    return f


# -- tax ---------------------------------------------------------------------------

def _years(p: Parsed) -> list[int]:
    return [q.year for q in p.of_kind("year", "date") if q.year is not None]


def extract_tax_per_mu(p: Parsed, lenient: bool = False) -> Filled:
    f = Filled()
    tax = _pick(p, ("money",), r"税", True)
    area = next(iter(p.of_kind("area")), None)
    if tax is not None:
        f.arguments["tax_yuan"] = as_text(tax.value)
    else:
        f.missing["tax_yuan"] = "税收（元）"
    if area is not None:
        f.arguments.update(_area_args(area, "area"))
    else:
        f.missing["area"] = "用地面积（亩）"
    return f


def extract_tax_growth_path(p: Parsed, lenient: bool = False) -> Filled:
    f = Filled()
    money = p.of_kind("money")
    if money:
        f.arguments["start_tax_per_mu_yuan"] = as_text(money[0].value)
    else:
        f.missing["start_tax_per_mu_yuan"] = "起始年的亩均税收（元/亩）"
    rates = p.of_kind("percent")
    if rates:
        f.arguments["growth_rate_pct"] = as_text(rates[0].value)
    years = _years(p)
    if len(years) >= 2:
        f.arguments["start_year"], f.arguments["end_year"] = years[0], years[-1]
    else:
        if len(years) == 1 and p.has(r"(到|至)\s*" + str(years[0])):
            f.arguments["end_year"] = years[0]
            f.missing["start_year"] = "起始年份（该亩均税收是哪一年的）"
        elif len(years) == 1:
            f.arguments["start_year"] = years[0]
            f.missing["end_year"] = "推算到的目标年份"
        else:
            f.missing["start_year"] = "起始年份和目标年份"
    return f


def extract_tax_growth_rate(p: Parsed, lenient: bool = False) -> Filled:
    f = Filled()
    money = p.of_kind("money")
    f.arguments["start_tax_per_mu_yuan"] = as_text(money[0].value)
    f.arguments["end_tax_per_mu_yuan"] = as_text(money[1].value)
    years = _years(p)
    if len(years) >= 2:
        f.arguments["start_year"], f.arguments["end_year"] = years[0], years[1]
    else:
        f.missing["start_year"] = "两个数值各自对应的年份"
    return f


# -- dates -------------------------------------------------------------------------

def extract_joint(p: Parsed, lenient: bool = False) -> Filled:
    f = Filled()
    parcels = []
    for q in p.of_kind("date", "year"):
        if q.kind == "date" and q.day is not None:
            parcels.append({"expiry_date": q.day.isoformat()})
        elif q.kind == "year":
            parcels.append({"expiry_year": q.year})
    if len(parcels) >= 2:
        f.arguments["parcels"] = parcels
    else:
        f.missing["parcels"] = "各宗地的终止期（至少两宗，年份或日期）"
    return f


# -- conversions -------------------------------------------------------------------

def extract_convert(p: Parsed, kind: str) -> Filled:
    q = p.of_kind(kind)[0]
    if kind == "area":
        return Filled(arguments={"value": as_text(q.value), "unit": q.unit})
    return Filled(arguments={"value": as_text(q.value), "unit": "元"})


# -- a pack entry's arguments --------------------------------------------------------

_KINDS = {"money": ("money",), "area": ("area",), "percent": ("percent",), "number": ("number", "count"),
          "year": ("year", "date")}


def read_arguments(p: Parsed, args: list[PackArgument], lenient: bool = False) -> Filled:
    """Fill the arguments a pack entry lists from a question.

    A value is taken when the words before it match the argument's ``words`` (in lenient
    mode, or without ``words``, also the only value of its kind); ``pattern`` reads a value
    from a phrase; dates are taken in order (a 月日 without a year as ``--MM-DD``).

    Args:
        p: the parsed question.
        args: the pack entry's arguments.
        lenient: a follow-up giving only a number ("如果是3000万呢？").
    Returns:
        The arguments found and a Chinese description of each required one missing.
    """
    f = Filled()
    used: list[Quantity] = []
    full_days = [q.day.isoformat() for q in p.of_kind("date") if q.day is not None]
    days = full_days + [f"--{q.month:02d}-{int(q.value):02d}" for q in p.of_kind("month_day") if q.month]
    for arg in args:
        value: Any = None
        if arg.pattern:
            m = re.search(arg.pattern, p.text)
            if m and not (arg.unless and re.search(arg.unless, p.text)):
                value = as_text(parse_number(m.group(1)))
            if value is not None:
                f.arguments[arg.name] = value
            continue
        if arg.kind == "date":
            pool = full_days if arg.full_date else days
            if pool:
                day = pool.pop(0)
                f.arguments[arg.name] = day
                for other in (days, full_days):
                    if day in other:
                        other.remove(day)
            elif arg.required:
                year_missing = arg.full_date and p.of_kind("month_day")
                f.missing[arg.name] = (arg.wrong_label if year_missing and arg.wrong_label else None) \
                    or arg.missing or arg.label
            continue
        if arg.kind == "bool":
            if arg.words and p.has(arg.words):
                f.arguments[arg.name] = True
            continue
        kinds = _KINDS.get(arg.kind)
        if kinds is None:
            continue
        free = Parsed(p.text, [q for q in p.quantities if q not in used])
        q = _pick(free, kinds, arg.words, lenient and not arg.strict)
        if q is None and arg.kind == "area" and not arg.words:
            q = next(iter(free.of_kind("area")), None)
        if q is not None:
            used.append(q)
            if arg.kind == "area":
                f.arguments.update(_area_args(q, arg.name))
            elif arg.kind == "year":
                f.arguments[arg.name] = q.year
            else:
                f.arguments[arg.name] = as_text(q.value)
        elif arg.required:
            given = free.of_kind(*kinds)
            f.missing[arg.name] = (arg.wrong_label if given and arg.wrong_label else None) or arg.missing or arg.label
    return f
