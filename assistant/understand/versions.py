"""Which version of a regulation a question is about, when the index holds several.

Two documents with the same title are versions of one regulation (the 2012 text and its
2021 revision). A question names a version by a year (2012版, 2012年那版, 老版（2012年）,
2021年修订的…), or by words (旧版/老版/原条例/修订前 for the older ones, 新版/现行/修订后 for
the latest), and may ask for both (…一样吗, 有什么变化, 区别). A question that names no version
is left alone: retrieval then prefers the version in force.

Everything is read from the index's own documents (their titles and version dates), so it
works for any regulation held in two or more versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from assistant.understand.vocabulary import HeldDocument, Vocabulary

_Y = r"((?:19|20)\d{2})"
# A year that names a version: 2012版, 2012年版, 2012年那版, 2012年的老条例, 2021年修订的,
# （2012年）after 版/条例/法.
_YEAR_CUES = (
    re.compile(_Y + r"\s*年?\s*(?:的)?\s*(?:最早|最初|最老|最新|原始|当初|第一)?\s*(?:的|那|这)?\s*[一个]?\s*(?:版|版本)"),
    re.compile(_Y + r"\s*年\s*(?:的)?\s*(?:老|旧|新|原|修订|修正|修改|颁布|公布|出台|发布|制定|条例|法规)"),
    re.compile(r"(?<=[版本例法定则])\s*[（(]\s*" + _Y + r"\s*年?\s*(?:修订|修正|版)?\s*[)）]"),
)
_DOC = r"(?:版本|版|条例|法规|法|办法|规定|细则|文件)"
_OLD = re.compile(r"(?:旧|老|原来的?|原|上一|之前的?|以前的?|过去的?)\s*的?\s*(?:那个|那)?\s*" + _DOC +
                  r"|修订前|修改前|修正前")
_NEW = re.compile(r"(?:(?<![创更重革刷全清])新|现行的?|现在的?|目前的?|最新的?|修订后的?|修改后的?|修正后的?)\s*的?\s*" + _DOC +
                  r"|现行|修订后|修改后|修正后|新修订|新修改|新修正|(?:跟|和|与|同)(?:现在|目前)的?(?=比|相比|对比)")
_COMPARE = re.compile(r"一样吗|一样不|一样么|相同吗|有什么(?:变化|不同|区别|差别|改动|调整|改变)|"
                      r"有(?:没有)?(?:区别|变化|不同|差别|改动|改变)|区别|不同|变化|改了|改动|相比|对比|比较|新旧|前后|"
                      # What a version added, dropped or reworded (新版增加了什么, 比旧的多点名了哪种,
                      # 这个说法改成了什么): said against the version before it.
                      r"(?:增加|新增|增设|增补)了?(?:什么|哪些|哪种|啥)|多(?:点名)?了(?:什么|哪些|哪种|哪|啥)|"
                      r"改成了?(?:什么|啥)|改为了?(?:什么|啥)|(?:删除|删掉|去掉|取消)了(?:什么|哪些|啥)?")


_CHOICE = re.compile(r"还是|哪一?版|哪个版本")
# Both versions at once: 新旧两版, 新老版本, 前后两个版本.
_BOTH = re.compile(r"新旧|新老|(?:前后|新旧)?两(?:个)?版本?|两版")


class VersionCue(BaseModel):
    """How a piece of question text names versions."""

    years: list[int] = Field(default_factory=list, description="years written as a version (2012版)")
    old: bool = False
    new: bool = False
    compare: bool = False
    spans: list[str] = Field(default_factory=list, description="the words that name a version, as written")

    @property
    def named(self) -> bool:
        """Does the text name a version at all?"""
        return bool(self.years or self.old or self.new)


def read_versions(text: str) -> VersionCue:
    """The version cues in ``text`` (a question, or one part of it)."""
    years: list[int] = []
    spans: list[str] = []
    for pattern in _YEAR_CUES:
        for m in pattern.finditer(text):
            if int(m.group(1)) not in years:
                years.append(int(m.group(1)))
            spans.append(m.group(0))
    old = [m.group(0) for m in _OLD.finditer(text)]
    new = [m.group(0) for m in _NEW.finditer(text)]
    both = [m.group(0) for m in _BOTH.finditer(text)]
    if both:  # 新旧两版: each of them
        old, new = old + both, new + both
    if len(years) >= 2 and _CHOICE.search(text) and not _COMPARE.search(text):
        # 该按2012年版还是2021年版: which one applies is the question, not what each says.
        return VersionCue()
    return VersionCue(years=years, old=bool(old), new=bool(new), compare=bool(_COMPARE.search(text)),
                      spans=spans + old + new)


def strip_cues(text: str, cue: VersionCue) -> str:
    """``text`` without the words that name a version (they say which text, not what about)."""
    for span in sorted(cue.spans, key=len, reverse=True):
        text = text.replace(span, " ")
    return re.sub(r"[（(]\s*[)）]", "", text)


def families(vocab: Vocabulary) -> list[list[HeldDocument]]:
    """Groups of held documents that are versions of one regulation (the same title), oldest first."""
    by_title: dict[str, list[HeldDocument]] = {}
    for d in vocab.documents:
        by_title.setdefault(re.sub(r"\s", "", d.title), []).append(d)
    return [sorted(g, key=lambda d: (d.version_year or 0, d.start_year or 0))
            for g in by_title.values() if len(g) >= 2]


def _family_of(doc_ids: Sequence[str], fams: list[list[HeldDocument]]) -> list[HeldDocument] | None:
    for doc_id in doc_ids:
        for fam in fams:
            if any(d.doc_id == doc_id for d in fam):
                return fam
    return None


def _with_year(fam: list[HeldDocument], year: int) -> list[HeldDocument]:
    """The versions a year names: the one of that version year, else one whose own dates hold it."""
    exact = [d for d in fam if d.version_year == year]
    return exact or [d for d in fam if year in d.date_years and d.version_year != year][:1]


def choose(cue: VersionCue, fam: list[HeldDocument]) -> list[str]:
    """The ids of the versions ``cue`` names in one family (oldest first); empty when none fits.

    A comparison that names one version (2021版的说法一样吗) also takes the one it is compared
    with: the latest for an older version, the one before it for the latest.
    """
    picked: list[HeldDocument] = []
    for y in cue.years:
        picked.extend(d for d in _with_year(fam, y) if d not in picked)
    if cue.old and not cue.years:
        picked.extend(d for d in fam[:-1] if d not in picked)
    if cue.new:
        picked.extend(d for d in fam[-1:] if d not in picked)
    if cue.old and cue.years and not picked:
        picked = list(fam[:-1])
    if cue.compare and len(picked) == 1:
        other = fam[-1] if picked[0] is not fam[-1] else fam[-2]
        picked.append(other)
    order = [d.doc_id for d in fam]
    return sorted((d.doc_id for d in picked), key=order.index)


def resolve(cue: VersionCue, vocab: Vocabulary, named: Sequence[str], history_named: Sequence[str],
            ranked: Callable[[], Sequence[str]]) -> tuple[list[str], list[HeldDocument]]:
    """The versions a question asks about, and the family they belong to.

    Args:
        cue: the question's version cues.
        vocab: the index vocabulary.
        named: ids of documents the question names (its title, 文号, place).
        history_named: ids of documents the earlier questions named.
        ranked: document ids of an unrestricted retrieval, best first (called only when the
            question and its history name no versioned document).
    Returns:
        (version ids, oldest first; the family), both empty when no held regulation has
        versions or the cue fits none.
    """
    if not cue.named:
        return [], []
    fams = families(vocab)
    if not fams:
        return [], []
    # A year that is the version year of one regulation only (按2012版条例…) names it; else
    # retrieval's best document (a versioned regulation at rank 4 is not what 现行 is about).
    by_year = [f for f in fams if any(d.version_year in cue.years for d in f)]
    fam = (_family_of(named, fams) or _family_of(history_named, fams) or (by_year[0] if len(by_year) == 1 else None)
           or _family_of(list(ranked())[:1], fams))
    if fam is None:
        return [], []
    return choose(cue, fam), fam


def version_name(doc: HeldDocument) -> str:
    """How an answer heads the part about one version: ``2012年版``."""
    return f"{doc.version_year}年版" if doc.version_year else f"《{doc.title}》"
