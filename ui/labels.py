"""Chinese names of calculators and of their result fields, for the chat and the forms.

A tool's title comes from its spec (``title``, else the head of its Chinese description).
A result field is named, in order, by the description of the result model's field, by a
label the tool's spec provides, by the tool's input labels, and last by composing the
field's words from a glossary of the field vocabulary (``max_subsidy_yuan`` -> 最高补助（元）).
The glossary holds the words of the trade (amounts, areas, rates), not any document's facts.
"""

from __future__ import annotations

import re
import typing
from typing import Any

# Unit suffixes of field names (units are explicit in names: ``price_yuan``, ``area_mu``).
UNITS: tuple[tuple[str, str], ...] = (
    ("wan_yuan", "万元"), ("yi_yuan", "亿元"), ("yuan", "元"), ("wan_m2", "万平方米"), ("m2", "平方米"),
    ("mu", "亩"), ("ha", "公顷"), ("pct", "%"), ("days", "天"),
)
WORDS: dict[str, str] = {
    "subsidy": "补助", "reward": "奖励", "amount": "金额", "price": "价格", "fund": "经费", "income": "收入",
    "max": "最高", "maximum": "最高", "min": "最低", "minimum": "最低", "cap": "上限", "rate": "比例",
    "share": "占比", "area": "面积", "land": "用地", "floor": "建筑", "plot": "容积", "ratio": "率",
    "needed": "所需", "required": "所需", "shortfall": "缺口", "added": "新增", "raised": "提高后",
    "applies": "适用", "ancillary": "配套设施", "reserve": "预留", "tax": "税收", "per": "每", "path": "逐年数值",
    "end": "期末", "growth": "增长率", "annual": "年均", "target": "目标", "new": "新", "expiry": "终止期",
    "latest": "最迟", "parcel": "宗地", "parcels": "各宗地", "deadline": "最迟日期", "date": "日期",
    "window": "时限", "day": "计日", "basis": "方式", "working": "工作日", "used": "已用", "street": "街道",
    "streets": "各街道", "column": "项目", "columns": "各项目", "unit": "单位", "achieved": "已完成",
    "completion": "完成率", "remaining": "剩余", "total": "合计", "count": "数量", "value": "数值",
    "row": "行", "rows": "各行", "cells": "单元格", "cell": "单元格", "stated": "原文所述", "share": "占比",
    "sum": "合计", "table": "表格", "direction": "方向", "comparator": "比较", "threshold": "界限",
    "difference": "差额", "first": "第一项", "second": "第二项", "name": "名称", "key": "名称",
}
# Field words that turn the rest into a yes/no question.
QUESTIONS: dict[str, tuple[str, str]] = {
    "meets": ("是否达到", ""), "within": ("是否在", "以内"), "met": ("是否完成", ""), "all": ("是否全部", ""),
}
YES_NO_TAIL = {"match": "一致"}
# Operations on an indexed table (tools named ``table_<operation>``): generic, like a
# spreadsheet's, so they are named here rather than in any document's pack.
TABLE_OPERATIONS: dict[str, str] = {
    "cell": "查表取值", "row": "查表取整行", "column": "查表取整列", "extreme": "表中最大或最小值",
    "filter": "按条件筛选表格行", "sum": "表格合计", "compare": "表中两行比较", "progress": "任务完成进度",
    "totals": "表格合计核对",
}


def _spec(tool: str) -> Any:
    try:
        from assistant.tools.registry import get_tool

        return get_tool(tool)
    except Exception:  # an unknown tool: the caller falls back to generic words
        return None


def tool_title(tool: str) -> str:
    """The Chinese title of calculator ``tool`` (never its code name).

    Args:
        tool: the calculator's name.
    Returns:
        The spec's ``title``, else its description up to the first colon without a
        trailing parenthetical (the clause it cites), else “计算工具”.
    """
    if tool.startswith("table_") and tool[len("table_"):] in TABLE_OPERATIONS:
        return TABLE_OPERATIONS[tool[len("table_"):]]
    spec = _spec(tool)
    title = getattr(spec, "title", None) if spec is not None else None
    if title:
        return str(title)
    desc = str(getattr(spec, "description", "") or "")
    head = re.split(r"[：:。]", desc, maxsplit=1)[0].strip()
    while head.endswith("）") and "（" in head:
        depth, i = 0, len(head) - 1
        for i in range(len(head) - 1, -1, -1):
            depth += {"）": 1, "（": -1}.get(head[i], 0)
            if depth == 0:
                break
        if i <= 0:
            break
        head = head[:i].strip()
    return head or "计算工具"


def input_labels(tool: str) -> dict[str, str]:
    """Chinese labels of a calculator's arguments, from its schema descriptions."""
    spec = _spec(tool)
    try:
        props = spec.parameters.get("properties", {}) if spec is not None else {}
    except Exception:  # a spec without a schema: no labels
        return {}
    return {k: re.split(r"[，,；;]", v.get("description") or "")[0] or k for k, v in props.items()
            if isinstance(v, dict) and v.get("description")}


def _result_descriptions(tool: str) -> dict[str, str]:
    spec = _spec(tool)
    if spec is None:
        return {}
    labels = dict(getattr(spec, "result_labels", None) or {})
    try:
        model = typing.get_type_hints(spec.fn).get("return")
        for name, field in getattr(model, "model_fields", {}).items():
            if field.description and re.search(r"[\u4e00-\u9fff]", field.description):
                labels.setdefault(name, re.split(r"[，,；;]", field.description)[0])
    except Exception:  # a function without a typed result: the glossary names its fields
        pass
    return labels


def compose(name: str) -> str | None:
    """A field name in Chinese from the glossary (``max_subsidy_yuan`` -> 最高补助（元））,
    or None when a word is not in it."""
    unit = ""
    for suffix, zh in UNITS:
        if name == suffix or name.endswith("_" + suffix):
            unit = zh
            name = name[: -len(suffix)].rstrip("_")
            break
    words = [w for w in name.split("_") if w]
    pre, post = "", ""
    if words and words[0] in QUESTIONS:
        pre, post = QUESTIONS[words.pop(0)]
    if words and words[-1] in YES_NO_TAIL:
        post = YES_NO_TAIL[words.pop()] + post
    if "per_mu" in "_".join(words):  # tax_per_mu -> 亩均税收: Chinese puts the 亩均 first
        words = ["亩均", *[w for w in "_".join(words).replace("per_mu", "").split("_") if w]]
    if any(w not in WORDS and w != "亩均" for w in words):
        return None
    body = "".join(WORDS.get(w, w) for w in words)
    if not body and not pre:
        body = {"%": "比例", "元": "金额", "亩": "面积", "平方米": "面积", "天": "天数"}.get(unit, "")
    if not body and not pre and not post:
        return None
    return f"{pre}{body}{post}" + (f"（{unit}）" if unit else "")


def result_labels(tool: str, keys: typing.Iterable[str]) -> dict[str, str]:
    """Chinese labels for the result fields ``keys`` of calculator ``tool``.

    Args:
        tool: the calculator's name.
        keys: the result's field names.
    Returns:
        Field name -> label; a field no source can name keeps its name.
    """
    known = {**input_labels(tool), **_result_descriptions(tool)}
    return {k: known.get(k) or compose(k) or k for k in keys}
