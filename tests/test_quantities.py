"""Chinese quantity parser: numbers, units, dates, full-width digits and separators."""

from datetime import date
from decimal import Decimal

import pytest

from assistant.tools.quantities import find_quantities, normalize, parse_number


@pytest.mark.parametrize("text, expected", [
    ("2000", "2000"),
    ("2000万", "20000000"),
    ("1.2亿", "120000000"),
    ("三千五百万", "35000000"),
    ("三千五", "3500"),
    ("两千", "2000"),
    ("一万二", "12000"),
    ("一亿二", "120000000"),
    ("1亿2000万", "120000000"),
    ("十", "10"),
    ("十二", "12"),
    ("二十", "20"),
    ("一百零五", "105"),
    ("一千零五十", "1050"),
    ("3千5百", "3500"),
    ("５．１万", "51000"),
    ("２０００万", "20000000"),
    ("1,200万", "12000000"),
    ("1，200万", "12000000"),
    ("六点五", "6.5"),
    ("零点五", "0.5"),
    ("二〇二四", "2024"),
    ("0.5", "0.5"),
])
def test_parse_number(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "万", "亿元", "abc", "十百", "五点"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text, kind, value, unit", [
    ("评估价2000万元", "money", "20000000", "元"),
    ("股权收购价格是1.2亿元", "money", "120000000", "元"),
    ("三千五百万", "money", "35000000", "元"),
    ("评估价2000万", "money", "20000000", "元"),
    ("用地45亩", "area", "45", "亩"),
    ("建筑面积51000平方米", "area", "51000", "平方米"),
    ("建筑面积5.1万平方米", "area", "51000", "平方米"),
    ("建筑面积51000㎡", "area", "51000", "平方米"),
    ("3公顷", "area", "3", "公顷"),
    ("增长6%以上", "percent", "6", "%"),
    ("增长６％", "percent", "6", "%"),
    ("百分之六", "percent", "6", "%"),
    ("百分之六点五", "percent", "6.5", "%"),
    ("50天以内", "days", "50", "天"),
    ("两宗地", "count", "2", "宗"),
    ("两千", "number", "2000", None),
    ("一万二", "number", "12000", None),
    ("２０００万", "money", "20000000", "元"),
    ("1,200万元", "money", "12000000", "元"),
    ("三年", "years", "3", "年"),
    ("总投资2个亿", "money", "200000000", "元"),
    ("收入1.5个亿元", "money", "150000000", "元"),
])
def test_single_quantity(text, kind, value, unit):
    (q,) = find_quantities(text)
    assert (q.kind, q.value, q.unit) == (kind, Decimal(value), unit)


@pytest.mark.parametrize("text, kind, year, month, day", [
    ("2052年到期", "year", 2052, None, None),
    ("2024年3月1日批准", "date", 2024, 3, date(2024, 3, 1)),
    ("二〇二四年三月一日", "date", 2024, 3, date(2024, 3, 1)),
    ("2024-03-01", "date", 2024, 3, date(2024, 3, 1)),
    ("3月1日批准", "month_day", None, 3, None),
    ("2023年2月29日", "date", 2023, 2, None),  # no such day: kept, with no date
])
def test_dates(text, kind, year, month, day):
    (q,) = find_quantities(text)
    assert (q.kind, q.year, q.month, q.day) == (kind, year, month, day)


def test_month_day_keeps_the_day():
    (q,) = find_quantities("3月1日")
    assert q.value == Decimal(1)


def test_mixed_sentence_in_order():
    qs = find_quantities("用地45亩，建筑面积5.1万平方米，亩均税收增长百分之六，2026年前完成")
    assert [(q.kind, q.value, q.unit) for q in qs] == [
        ("area", Decimal(45), "亩"), ("area", Decimal(51000), "平方米"),
        ("percent", Decimal(6), "%"), ("year", Decimal(2026), "年")]


def test_positions_point_into_normalized_text():
    text = "收入1,200万元和２０００万元"
    s = normalize(text)
    assert [s[q.start:q.end] for q in find_quantities(text)] == ["1200万元", "2000万元"]


def test_bare_wan_is_money_with_implied_unit():
    (q,) = find_quantities("评估价2000万能补多少")
    assert q.implied_unit is True
    (q,) = find_quantities("评估价2000万元")
    assert q.implied_unit is False


def test_words_without_numbers_give_nothing():
    assert find_quantities("补助多少万元？") == []
