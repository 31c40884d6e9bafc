"""Chinese quantities in plain text: 2000万元, 1.2亿, 三千五百万, 45亩, 5.1万平方米, 百分之六, 3月1日.

``parse_number`` reads one number written with Arabic digits, Chinese numerals or a mix
(``1亿2000万``, ``一万二``, ``２０００``, ``1,200``). ``find_quantities`` finds every
quantity in a sentence with its kind, unit and position, so the router can tell which
amount is which from the words in front of it. Values are :class:`~decimal.Decimal`;
nothing passes through a float.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext
from typing import Literal

from pydantic import BaseModel, ConfigDict

QuantityKind = Literal["money", "area", "percent", "year", "years", "date", "month_day", "days",
                       "count", "number"]

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
# U+2212 (the minus sign of typeset text) reads as a hyphen-minus, keeping the length.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－\u2212", "0123456789.%--")
_NUM_CHARS = "0-9.零〇○一二两三四五六七八九十百千万亿点"
NUMBER_RE = re.compile(f"[{_NUM_CHARS}]+")
# A thousands separator sits between a digit and exactly three digits.
_THOUSANDS_RE = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")

# Units after a number, longest first; value: (kind, canonical unit, factor to that unit).
_UNITS: list[tuple[str, tuple[str, str, Decimal]]] = [
    ("平方公里", ("area", "公顷", Decimal(100))),
    ("平方米", ("area", "平方米", Decimal(1))),
    ("平米", ("area", "平方米", Decimal(1))),
    ("㎡", ("area", "平方米", Decimal(1))),
    ("m²", ("area", "平方米", Decimal(1))),
    ("m2", ("area", "平方米", Decimal(1))),
    ("公顷", ("area", "公顷", Decimal(1))),
    ("亩", ("area", "亩", Decimal(1))),
    ("块钱", ("money", "元", Decimal(1))),
    ("元", ("money", "元", Decimal(1))),
    # 8个亿 is the everyday way to say 8亿; 个万 is not said.
    ("个亿元", ("money", "元", Decimal(10) ** 8)),
    ("个亿", ("money", "元", Decimal(10) ** 8)),
    ("个百分点", ("percent", "%", Decimal(1))),
    ("%", ("percent", "%", Decimal(1))),
    ("天", ("days", "天", Decimal(1))),
    ("日内", ("days", "天", Decimal(1))),
    ("个工作日", ("days", "工作日", Decimal(1))),
    ("个", ("count", "个", Decimal(1))),
    ("家", ("count", "家", Decimal(1))),
    ("宗", ("count", "宗", Decimal(1))),
    ("块", ("count", "块", Decimal(1))),
]


class Quantity(BaseModel):
    """One quantity found in a text.

    ``value`` is in ``unit``: money in 元 (2000万元 -> 20000000), areas in the unit
    written (亩, 平方米 or 公顷; 5.1万平方米 -> 51000 平方米), percents as the number
    before % (8% -> 8). Dates carry ``day``; a 月日 without a year is ``month_day``
    with ``year`` None.
    """

    model_config = ConfigDict(frozen=True)

    kind: QuantityKind
    value: Decimal | None = None
    unit: str | None = None
    text: str
    start: int
    end: int
    implied_unit: bool = False
    # Written with a sign in front (-5元, 负5万元); ``value`` is then negative.
    negative: bool = False
    year: int | None = None
    month: int | None = None
    day: date | None = None


def normalize(text: str) -> str:
    """Return ``text`` with full-width digits made ASCII and thousands separators removed.

    Args:
        text: any text.
    Returns:
        The text, same length or shorter.
    """
    return _THOUSANDS_RE.sub("", text.translate(_FULL_WIDTH))


def _digit_run(s: str) -> Decimal:
    """An Arabic run (``12``, ``1.5``) or a run of bare Chinese digits (``二〇二四``)."""
    if all(ch in DIGITS for ch in s):
        return Decimal("".join(str(DIGITS[ch]) for ch in s))
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"不是数字：{s!r}") from None


def _section(s: str) -> Decimal:
    """A number below 万 (十, 三千五, 3千5百, 105, 一百零五, 1.2); ``''`` is 0."""
    if not s:
        return Decimal(0)
    if not any(ch in SMALL_UNITS for ch in s):
        return _digit_run(s.lstrip("零〇○") or "0")
    total, current, last_unit = Decimal(0), None, None
    buf = ""
    for ch in s + "\0":
        if ch.isdigit() or ch == ".":
            buf += ch
            continue
        if buf:
            current, buf = Decimal(buf), ""
        if ch == "\0":
            break
        if ch in ("零", "〇", "○"):
            last_unit = None  # 一百零五: the 五 is units, not tens
            continue
        if ch in DIGITS:
            current = Decimal(DIGITS[ch])
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                raise ValueError(f"数位顺序不对：{s!r}")
            total += (current if current is not None else Decimal(1)) * unit
            current, last_unit = None, unit
        else:
            raise ValueError(f"不是数字：{s!r}")
    if current is not None:
        # 三千五 = 3500: a bare digit after a unit takes the next lower place.
        total += current * (last_unit // 10 if last_unit and last_unit >= 10 else 1)
    return total


def parse_number(text: str) -> Decimal:
    """Parse one number written in digits, Chinese numerals or both.

    Args:
        text: e.g. ``"1.2亿"``, ``"三千五百万"``, ``"一万二"``, ``"２０００"``, ``"1,200万"``,
            ``"六点五"``.
    Returns:
        The exact value.
    Raises:
        ValueError: ``text`` is not a number.
    """
    s = normalize(text.strip()).replace(" ", "")
    if not s or not NUMBER_RE.fullmatch(s):
        raise ValueError(f"不是数字：{text!r}")
    if "点" in s:
        whole, _, frac = s.partition("点")
        if not frac or any(ch not in DIGITS and not ch.isdigit() for ch in frac):
            raise ValueError(f"不是数字：{text!r}")
        frac_digits = "".join(str(DIGITS[ch]) if ch in DIGITS else ch for ch in frac)
        return parse_number(whole or "0") + Decimal("0." + frac_digits)
    if s.count("亿") > 1 or s.count("万") > 2:
        raise ValueError(f"不是数字：{text!r}")
    with localcontext() as ctx:
        ctx.prec = 60
        total, rest = Decimal(0), s
        if "亿" in rest:
            head, _, rest = rest.partition("亿")
            if not head:
                raise ValueError(f"不是数字：{text!r}")
            total += _below_yi(head) * Decimal(10) ** 8
            # 一亿二: a lone digit after 亿 is the next lower place.
            if len(rest) == 1 and rest in DIGITS:
                return total + DIGITS[rest] * Decimal(10) ** 7
        if "万" in rest:
            head, _, rest = rest.partition("万")
            if not head or "万" in rest:
                raise ValueError(f"不是数字：{text!r}")
            total += _section(head) * 10000
            if len(rest) == 1 and rest in DIGITS:  # 一万二 = 12000
                return total + DIGITS[rest] * 1000
        return total + _section(rest)


def _below_yi(s: str) -> Decimal:
    """The part of a number in front of 亿, which may itself hold 万 (一万亿)."""
    if "万" in s:
        head, _, tail = s.partition("万")
        return _section(head) * 10000 + _section(tail)
    return _section(s)


_PERCENT_WORD_RE = re.compile(f"百分之([{_NUM_CHARS}]+)")
_FULL_DATE_RE = re.compile(r"(\d{4}|[零〇○一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                           r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]")
_ISO_DATE_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MONTH_DAY_RE = re.compile(r"(?<![\d年])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]")
_YEAR_RE = re.compile(r"(?<![\d.])(\d{4}|[零〇○一二三四五六七八九]{4})\s*年")


def _small_int(s: str) -> int:
    return int(parse_number(s))


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_quantities(text: str) -> list[Quantity]:
    """Find the quantities in ``text``, left to right.

    Args:
        text: a question or statement in Chinese (full-width digits and commas allowed).
    Returns:
        Quantities with positions in the normalized text (see :func:`normalize`).
        A bare 万/亿 amount with no unit (``2000万``) is taken as money with
        ``implied_unit=True``.
    """
    s = normalize(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(q: Quantity) -> None:
        found.append(q)
        taken.append((q.start, q.end))

    for m in list(_FULL_DATE_RE.finditer(s)) + list(_ISO_DATE_RE.finditer(s)):
        y, mo, d = (_small_int(g) for g in m.groups())
        day = _make_date(y, mo, d)
        if free(m.start(), m.end()):
            add(Quantity(kind="date", text=m.group(0), start=m.start(), end=m.end(),
                         year=y, month=mo, day=day))
    for m in _MONTH_DAY_RE.finditer(s):
        if free(m.start(), m.end()):
            add(Quantity(kind="month_day", text=m.group(0), start=m.start(), end=m.end(),
                         month=_small_int(m.group(1)), value=Decimal(_small_int(m.group(2)))))
    for m in _YEAR_RE.finditer(s):
        if free(m.start(), m.end()):
            y = _small_int(m.group(1))
            add(Quantity(kind="year", value=Decimal(y), unit="年", text=m.group(0),
                         start=m.start(), end=m.end(), year=y))
    for m in _PERCENT_WORD_RE.finditer(s):
        q = _number_at(s, m.start(1), m.end(1))
        if q is not None and free(m.start(), m.start(1) + len(q[0])):
            add(Quantity(kind="percent", value=q[1], unit="%", text=m.group(0)[: 3 + len(q[0])],
                         start=m.start(), end=m.start(1) + len(q[0])))
    for m in NUMBER_RE.finditer(s):
        if not free(m.start(), m.end()):
            continue
        q = _number_at(s, m.start(), m.end())
        if q is None:
            continue
        raw, value, start = q
        end = start + len(raw)
        found_q = _with_unit(s, raw, value, start, end)
        if _signed(s, start) and found_q.value is not None:
            found_q = found_q.model_copy(update={"value": -found_q.value, "negative": True})
        add(found_q)
    found.sort(key=lambda q: q.start)
    return found


_NUMERAL_SET = frozenset("0123456789.零〇○一二两三四五六七八九十百千万亿点")


def _signed(s: str, start: int) -> bool:
    """Is the number at ``start`` written negative (``-5元``, ``负5万元``)? A hyphen after a
    digit or a Latin letter is a range or a code (2024-2026年, B-2地块), and 正负 is ±."""
    if start == 0:
        return False
    before = s[start - 1]
    if before == "负":
        return s[max(0, start - 2):start] != "正负"
    if before != "-":
        return False
    prev = s[start - 2] if start >= 2 else ""
    return not (prev in _NUMERAL_SET or (prev.isascii() and prev.isalnum()))


def _number_at(s: str, start: int, end: int) -> tuple[str, Decimal, int] | None:
    """Trim a numeral run to a parsable number; returns (text, value, start) or None."""
    raw = s[start:end]
    lead = len(raw) - len(raw.lstrip("点.万亿"))
    raw, start = raw[lead:], start + lead
    raw = raw.rstrip("点.")
    while raw:
        try:
            return raw, parse_number(raw), start
        except ValueError:
            raw = raw[:-1]
    return None


def _with_unit(s: str, raw: str, value: Decimal, start: int, end: int) -> Quantity:
    """Attach the unit that follows a number (skipping spaces)."""
    j = end
    while j < len(s) and s[j] == " ":
        j += 1
    after = s[j:]
    for word, (kind, unit, factor) in _UNITS:
        if after.startswith(word):
            v = value if kind == "percent" else value * factor
            return Quantity(kind=kind, value=v, unit=unit, text=s[start:j + len(word)],
                            start=start, end=j + len(word), implied_unit=word == "个亿")
    if after.startswith("年"):
        return Quantity(kind="years", value=value, unit="年", text=s[start:j + 1],
                        start=start, end=j + 1)
    if raw[-1] in "万亿":
        return Quantity(kind="money", value=value, unit="元", text=raw, start=start, end=end,
                        implied_unit=True)
    return Quantity(kind="number", value=value, text=raw, start=start, end=end)


def quantities_of(text: str, kind: QuantityKind) -> list[Quantity]:
    """Return the quantities of one kind in ``text`` (see :func:`find_quantities`)."""
    return [q for q in find_quantities(text) if q.kind == kind]
