"""Validity, versions and the clock: is a document in force today, and is it the latest version?

A document is *expired* when its period of validity ended before today, *not yet in force*
before it starts, and *superseded* when the index holds a later version of it (the same
title, a later version date). Answers say so in a short note, and retrieval ranks the
clauses of a document in force above those of one that is not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal, TypeVar

from assistant.documents.meta import date_years, version_date
from assistant.errors import ConfigError
from assistant.models import Answer, DocumentMeta

State = Literal["in_force", "expired", "not_yet", "superseded"]
STATE_NAMES: dict[str, str] = {"in_force": "有效", "expired": "已失效", "not_yet": "尚未施行",
                               "superseded": "已被新版本取代"}
TODAY_VAR = "POLICY_ASSISTANT_TODAY"
# How much a clause of a document not in force counts against one in force when ranking:
# enough to put the current version's clause first when both match about as well.
OUT_OF_FORCE_WEIGHT = 0.5
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")

H = TypeVar("H")


def today_from_env(env: Mapping[str, str] | None = None) -> date:
    """The date validity is judged at: ``POLICY_ASSISTANT_TODAY`` (YYYY-MM-DD) when set, else today.

    Raises:
        ConfigError: a value that is not a date, naming the variable.
    """
    env = os.environ if env is None else env
    raw = (env.get(TODAY_VAR) or "").strip()
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{TODAY_VAR}={raw!r} 不是日期；请写成 年-月-日，例如 2025-06-01。") from None


def cn_date(d: date) -> str:
    """``2026年12月31日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def successor(meta: DocumentMeta, documents: Sequence[DocumentMeta],
              today: date | None = None) -> DocumentMeta | None:
    """The latest other document with the same title and a later version date, if any (one
    that takes effect after ``today`` does not count yet: the old version is still in force)."""
    mine = version_date(meta)
    later = [d for d in documents if d.id != meta.id and d.title == meta.title
             and (vd := version_date(d)) is not None and (mine is None or vd > mine)
             and not (today is not None and d.valid_from is not None and d.valid_from > today)]
    return max(later, key=lambda d: version_date(d)) if later else None


def state(meta: DocumentMeta, today: date, documents: Sequence[DocumentMeta] = ()) -> State:
    """Whether ``meta`` is in force on ``today`` given the other indexed documents."""
    if meta.valid_to is not None and meta.valid_to < today:
        return "expired"
    if successor(meta, documents, today) is not None:
        return "superseded"
    if meta.valid_from is not None and meta.valid_from > today:
        return "not_yet"
    return "in_force"


def period_text(meta: DocumentMeta) -> str:
    """The period of validity in words (``2024年1月1日至2026年12月31日``, ``自2020年1月1日起施行``)."""
    if meta.valid_from and meta.valid_to:
        return f"{cn_date(meta.valid_from)}至{cn_date(meta.valid_to)}"
    if meta.valid_to:
        return f"至{cn_date(meta.valid_to)}"
    if meta.valid_from:
        return f"自{cn_date(meta.valid_from)}起施行"
    return "未注明"


def _name(meta: DocumentMeta) -> str:
    year = version_date(meta)
    named = f"《{meta.title}》"
    if meta.doc_number and "〔" in meta.doc_number:
        return f"{named}（{meta.doc_number}）"
    return f"{named}（{year.year}）" if year else named


def document_notes(meta: DocumentMeta, today: date, documents: Sequence[DocumentMeta],
                   question: str = "") -> list[str]:
    """Notes on one document: expired, superseded, not yet in force, or a year asked about
    that lies outside its period."""
    notes = []
    st = state(meta, today, documents)
    if st == "expired":
        notes.append(f"注：{_name(meta)}的有效期至{cn_date(meta.valid_to)}，"
                     f"按今天（{cn_date(today)}）已失效，以上内容仅供参考，请以现行政策为准。")
    elif st == "superseded":
        new = successor(meta, documents, today)
        vd = version_date(new)
        how = "修订版" if new.revised else "新版本"
        notes.append(f"注：{_name(meta)}已被{vd.year}年{how}取代，请以现行版本为准。")
    elif st == "not_yet":
        notes.append(f"注：{_name(meta)}自{cn_date(meta.valid_from)}起施行，今天（{cn_date(today)}）尚未施行。")
    if meta.valid_from or meta.valid_to:
        start = meta.valid_from.year if meta.valid_from else None
        end = meta.valid_to.year if meta.valid_to else None
        # A year that names a version of any text (中小企业促进法（2017年修订）, 2012年版) says
        # which text, not which period is asked about.
        named = _naming_years(meta, documents) | {int(y) for y in _VERSION_YEAR.findall(question)}
        outside = sorted({y for y in map(int, _YEAR.findall(question)) if y not in named
                          and ((start is not None and y < start) or (end is not None and y > end))})
        if outside:
            years = "、".join(f"{y}年" for y in outside)
            notes.append(f"注：问题所问的{years}不在{_name(meta)}的有效期（{period_text(meta)}）内。")
    return notes


_VERSION_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:的|那)?\s*(?:修订|修正|修改|版)")


def _naming_years(meta: DocumentMeta, documents: Sequence[DocumentMeta]) -> set[int]:
    """Years that name the document or a version of it rather than a period asked about: its own
    dates (the year of 某某法（2012年修订）) and the version years of documents with the same
    title (the 2012 of 2012年版 when its 2021 revision is cited beside it)."""
    kin = {vd.year for d in documents if d.title == meta.title and (vd := version_date(d)) is not None}
    return date_years(meta) | kin


def validity_notes(answer: Answer, documents: Sequence[DocumentMeta], today: date) -> list[str]:
    """The notes an answer needs about the documents its citations come from (each once)."""
    by_id = {d.id: d for d in documents}
    notes: list[str] = []
    seen = []
    for c in answer.citations:
        doc = c.id.split(":", 1)[0]
        if doc in by_id and doc not in seen:
            seen.append(doc)
            # The years of a calculation are its inputs, not a period asked about.
            asked = "" if answer.tool_calls else answer.question
            for n in document_notes(by_id[doc], today, documents, asked):
                if n not in notes:
                    notes.append(n)
    return notes


def weights(documents: Sequence[DocumentMeta], today: date) -> dict[str, float]:
    """A ranking weight per document id: 1 in force, :data:`OUT_OF_FORCE_WEIGHT` otherwise."""
    return {d.id: 1.0 if state(d, today, documents) in ("in_force", "not_yet") else OUT_OF_FORCE_WEIGHT
            for d in documents}


def prefer_in_force(hits: Sequence[H], documents: Sequence[DocumentMeta], today: date) -> list[H]:
    """Hits re-ranked so that clauses of documents in force come before equally good ones of
    expired or superseded documents. Each hit needs ``.clause.doc_id`` and ``.score``; the
    order is kept when every document is in force."""
    w = weights(documents, today)
    if all(v == 1.0 for v in w.values()):
        return list(hits)
    ranked = sorted(enumerate(hits), key=lambda ih: (-(ih[1].score or 0.0) * w.get(ih[1].clause.doc_id, 1.0), ih[0]))
    return [h for _, h in ranked]


def current_version_first(hits: Sequence[H], documents: Sequence[DocumentMeta], today: date) -> list[H]:
    """Hits for a question that names no version: the clauses of a superseded version are left
    out when clauses of the version in force were found too (the question is about the law as
    it stands; the old wording would add a second, outdated citation), and come last when they
    were not. Each hit needs ``.clause`` and ``.score``."""
    by_id = {d.id: d for d in documents}
    old = {d.id for d in documents if successor(d, documents, today) is not None and d.title
           and any(o.title == d.title and o.id != d.id for o in documents)}
    if not any(h.clause.doc_id in old for h in hits):
        return list(prefer_in_force(hits, documents, today))
    current = [h for h in hits if h.clause.doc_id not in old]
    titles = {by_id[h.clause.doc_id].title for h in current if h.clause.doc_id in by_id}
    # An older version speaks only where its successor was not found at all.
    kept = [h for h in hits if h.clause.doc_id in old and by_id[h.clause.doc_id].title not in titles]
    return list(prefer_in_force(current, documents, today)) + kept


def describe(meta: DocumentMeta, today: date, documents: Sequence[DocumentMeta] = ()) -> str:
    """Two lines for ``policy-assistant documents``: id, 文号 and title; issuers, dates and
    the validity state on ``today``."""
    dates = [(label, d) for label, d in (("通过", meta.adopted), ("公布", meta.promulgated), ("成文", meta.signed),
                                         ("印发", meta.printed), ("修订", meta.revised)) if d is not None]
    when = "；".join(f"{label}：{cn_date(d)}" for label, d in dates) or "日期：未注明"
    st = state(meta, today, documents)
    status = STATE_NAMES[st]
    if st == "superseded":
        status += f"（新版本：{successor(meta, documents, today).id}）"
    trial = "（试行）" if meta.trial else ""
    return (f"{meta.id}\t{meta.doc_number or '无文号'}\t{meta.title}{trial}\n"
            f"\t发文机关：{'、'.join(meta.issuers) or '未注明'}；{when}；"
            f"有效期：{period_text(meta)}；状态（按{cn_date(today)}）：{status}")
