"""Names as people type them: the index's own names found in a question, tolerantly.

The names are the index's: table row keys, the departments of member lines and of numbered
duty items, and the titles of leader lines (组长, 副组长). A question may write a name

- exactly;
- shorter or longer than the text does: without its leading administrative prefix or a
  parenthetical (水务公司 for 区水务公司, 税务局 for 青山县（开发区）税务局), without a trailing
  办事处, or with a prefix the text leaves out (区规划分局 contains 规划分局);
- with one character slipped (same length, one character different: 付组长 for 副组长, 东三
  for 东山), when exactly one name is that near, the written form occurs nowhere in the corpus
  (a real word is no typo) and, for a two-character name, the context shows a name is meant
  (an administrative suffix follows, or it stands in an enumeration with 、).

Nothing here knows a document: the names come from whatever was ingested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

_CJK = re.compile(r"[\u4e00-\u9fff]")
# An administrative prefix a person leaves out (区水务公司 -> 水务公司, 青山县税务局 -> 税务局).
_PREFIX = re.compile(r"^[\u4e00-\u9fff]{0,4}?[区市县]")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_OFFICE = re.compile(r"办事处$")
# Words after a two-character name that show a place or unit is meant (东三街道).
_NAME_SUFFIX = re.compile(r"(?:街道|区块|功能区|开发区|园区|片区|社区|镇|乡|村|县|区|市|局|办|中心|公司)")
# Separators of an enumeration of names (东山、东三、西湖).
_ENUM = "、，,和与及跟同比"
# The shortest short form kept: shorter ones (府办) name nothing on their own.
MIN_SHORT = 3


class NameMatch(BaseModel):
    """One name of the index found in a text."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    written: str  # as the text writes it
    form: str  # the form of the name it stands for, as the index writes it (or a short form of it)
    name: str  # the index's full name
    how: Literal["exact", "short", "slip"]


def name_forms(name: str) -> list[str]:
    """The forms a question may write ``name`` in: itself, without a parenthetical, without a
    leading administrative prefix (three characters or more left), without a trailing 办事处."""
    forms = [name]
    plain = _PAREN.sub("", name)
    for f in (plain, _OFFICE.sub("", plain)):
        if f not in forms and len(f) >= 2:
            forms.append(f)
    for f in [f for f in forms if not _PAREN.search(f)]:
        short = _PREFIX.sub("", f, count=1)
        if short != f and len(short) >= MIN_SHORT and short not in forms:
            forms.append(short)
    return forms


# Function characters and modal verbs: one of them beside a short form (和水务公司, 政府能不能) is
# no slip of a name (区政府办).
_FUNCTION = frozenset("的了是在和与及或跟同比为从向由给把被对将那这能会要可应该需得")


def _one_off(a: str, b: str) -> bool:
    """Same length, exactly one position different, the differing character of ``a`` Chinese
    and no function character."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 and bool(_CJK.match(a[diff[0]])) and a[diff[0]] not in _FUNCTION


def _named_context(text: str, start: int, end: int) -> bool:
    """Does the context show a name stands at ``text[start:end]``: a suffix follows, it is a
    member of an enumeration (、 or 和 next to it), or it opens a sentence before 的?"""
    after = text[end:end + 1]
    before = text[start - 1:start] if start > 0 else ""
    if _NAME_SUFFIX.match(text, end) or (after != "" and after in _ENUM) or (before != "" and before in _ENUM):
        return True
    # A sentence that opens with the name: 东三的学校…
    return (before == "" or before in "，,。；;？?！!：:") and after == "的"


def _token_bounds(text: str) -> tuple[set[int], set[int]]:
    """Where the words of ``text`` start and end (jieba): a slip stands for a whole word."""
    from assistant.index.tokenize import _jieba

    starts, ends, pos = set(), set(), 0
    for tok in _jieba().lcut(text):
        starts.add(pos)
        pos += len(tok)
        ends.add(pos)
    return starts, ends


def _is_word(text: str) -> bool:
    """Is ``text`` a word of general Chinese (jieba's dictionary: 最长, 保证, 全国)? A real word
    is what the asker meant, never a slipped name."""
    from assistant.index.tokenize import _jieba

    return _jieba().dt.FREQ.get(text, 0) > 0


# A place's own name is often a word too (南湖镇 for 南岭镇): the guard below is for other names.
_PLACE_NAME = re.compile(r"(?:镇|乡|街道|村|区|县|市)$")


def _written_word(written: str, meant: str) -> bool:
    """Does the changed character stand in a common word as written (供水 of 供水公司 for
    供电公司)? Then the asker wrote what they meant."""
    from assistant.understand.spelling import _diff, _pairs, common_word

    return any(common_word(p) for p in _pairs(written, _diff(written, meant)))


def _wildcard(form: str, at: int) -> str:
    return form[:at] + "\0" + form[at + 1:]


class NameIndex:
    """The written forms of a set of names, indexed so that a window of a question finds the
    forms one character away from it without comparing it with every form."""

    def __init__(self, forms: dict[str, set[str]]) -> None:
        self.forms = forms
        self.sizes = sorted({len(f) for f in forms})
        self.neighbours: dict[str, list[str]] = {}
        for f in forms:
            for j in range(len(f)):
                self.neighbours.setdefault(_wildcard(f, j), []).append(f)

    @classmethod
    def build(cls, names: Iterable[str]) -> NameIndex:
        """The index of ``names`` and their short forms (:func:`name_forms`)."""
        forms: dict[str, set[str]] = {}
        for n in names:
            if len(n) < 2:
                continue
            for f in name_forms(n):
                forms.setdefault(f, set()).add(n)
        return cls(forms)


def find_names(text: str, names: Iterable[str] | NameIndex, corpus: str = "") -> list[NameMatch]:
    """The names ``text`` writes, exactly, in a short form or with one character slipped.

    Args:
        text: the question (whitespace already removed or kept: positions refer to ``text``).
        names: the index's names (row keys, departments, leader titles), or their
            :class:`NameIndex` (built once per vocabulary).
        corpus: the whole corpus text; a written form found in it is a real word, never a slip.
            Empty: slips are not guarded by the corpus (only by their context).
    Returns:
        Non-overlapping matches in text order; a longer match wins over a shorter one, an exact
        one over a slip of the same length.
    """
    index = names if isinstance(names, NameIndex) else NameIndex.build(names)
    forms = index.forms
    found: list[NameMatch] = []
    for f, owners in forms.items():
        if f not in text:
            continue
        name = min(owners, key=len)
        how = "exact" if f in owners else "short"
        for m in re.finditer(re.escape(f), text):
            found.append(NameMatch(start=m.start(), end=m.end(), written=f, form=f, name=name, how=how))
    starts, ends = _token_bounds(text)
    for size in index.sizes:
        for i in range(len(text) - size + 1):
            window = text[i:i + size]
            if window in forms or not all(_CJK.match(ch) for ch in window):
                continue
            near = sorted({f for j in range(size) for f in index.neighbours.get(_wildcard(window, j), ())
                           if _one_off(window, f)})
            if (len(near) != 1 or (corpus and window in corpus) or i not in starts or i + size not in ends
                    or _is_word(window)):
                continue  # ambiguous, a real word, or across a word's edge (领导小组|组长 is no 副组长)
            if size == 2 and not _named_context(text, i, i + size):
                continue
            f = near[0]
            if not _PLACE_NAME.search(f) and _written_word(window, f):
                continue  # 供水公司 is no slip of 供电公司: 供水 is a word the asker meant
            found.append(NameMatch(start=i, end=i + size, written=window, form=f, name=min(forms[f], key=len),
                                   how="slip"))
    rank = {"exact": 0, "short": 1, "slip": 2}
    chosen: list[NameMatch] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), rank[m.how], m.start)):
        if not any(m.start < c.end and c.start < m.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def correct(text: str, matches: Iterable[NameMatch], full: bool = False) -> str:
    """``text`` with every slipped name written as the index writes it; with ``full``, every
    short form too is written as the index's full name (水务公司 -> 区水务公司). Exact names stay."""
    out = text
    for m in sorted((m for m in matches if m.how == "slip" or (full and m.how == "short")), key=lambda m: -m.start):
        out = out[:m.start] + (m.name if full else m.form) + out[m.end:]
    return out


def correction_note(matches: Iterable[NameMatch | tuple[str, str]]) -> str:
    """A line telling the asker how a slipped name was read (empty when none was):
    （问题中的“东三”按“东山”理解。） ``matches``: name matches, or (as written, as read) pairs."""
    pairs = list(dict.fromkeys(m if isinstance(m, tuple) else (m.written, m.form)
                               for m in matches if isinstance(m, tuple) or m.how == "slip"))
    if not pairs:
        return ""
    return "（问题中的" + "，".join(f"“{w}”按“{f}”理解" for w, f in pairs) + "。）"


# A person said to hold a post (…兼任办公室主任, 担任副组长): the post, three to eight characters.
HOLDS_ROLE = re.compile(r"(?:兼任|担任)([\u4e00-\u9fff]{1,6}(?:主任|组长|局长|主席|负责人|召集人))")


def index_names(clauses: Iterable) -> dict[str, list[str]]:
    """The names of an index and the clauses each names: row keys (row clauses), departments of
    member lines and duty items, titles of leader lines.

    Args:
        clauses: the indexed clauses (:class:`assistant.models.Clause`).
    Returns:
        name -> ids of the clauses it names, in document order.
    """
    out: dict[str, list[str]] = {}
    for c in clauses:
        for m in HOLDS_ROLE.finditer(c.text if not c.children else ""):
            # 陈某兼任办公室主任: the post is a name of the clause that says who holds it.
            out.setdefault(m.group(1), []).append(c.id)
        if c.kind == "row" and c.table is not None:
            name = c.table.key.strip()
        elif c.kind in ("member", "duty", "leader") and c.title:
            name = c.title.strip()
        else:
            continue
        if len(name) >= 2:
            out.setdefault(name, []).append(c.id)
    return out


# What a question about a named department asks: the person it sends (成员 lines, leader
# lines), or what it does (duty items). Ordinary Chinese, no document's words.
# Asking who sits for a unit (派谁, 是哪位) or what a unit is to do (要干啥, 负责什么), in
# everyday words too; the composer reads them as well.
ASKS_PERSON = re.compile(r"(?<![归找向由])谁(?!来?管|负责|主管|审批|批准|处理)|哪位|哪几位|哪些人|叫什么|什么人|姓名|名字|人选|成员")
ASKS_DUTY = re.compile(r"负责|职责|干什么|干啥|干嘛|做什么|做啥|做哪些|干哪些|管什么|管啥|管哪|分工|要做|配合做|牵头|什么任务|哪些任务|"
                       r"(?:哪些|什么|啥)(?:事|工作|活)")
_ASKS_ROLE = re.compile(r"组长|主任")
_KINDS = {"person": ("member", "leader", "office"), "duty": ("duty",)}
# A role (组长) asked beside something else (由谁任组长，办公室设在哪里) may ask what the plan's
# own text says of the group: its leader line comes first only in a one-clause question.
_CLAUSES = re.compile(r"[，,；;]")


def asks_person(text: str) -> bool:
    """Does ``text`` ask who (谁, 哪位, 成员)?"""
    return bool(ASKS_PERSON.search(text) or _ASKS_ROLE.search(text))


def asks_duty(text: str) -> bool:
    """Does ``text`` ask what someone does (负责什么, 要干啥, 职责)?"""
    return bool(ASKS_DUTY.search(text))


def named_first(question: str, ids: list[str], kinds: Mapping[str, str]) -> list[str]:
    """Of the clauses a question names (``ids``, see :meth:`Vocabulary.named_clauses`), those
    that answer what it asks of them, best first: a person question (谁, 派谁) the member and
    leader lines, a duty question (负责什么, 要干啥) the duty items, both for both; none when it
    asks neither (a place named in passing is no question about its member line).

    Args:
        question: the question (or one part of it), names corrected.
        ids: clause ids the question's names name.
        kinds: clause id -> kind of clause.
    """
    person, duty = asks_person(question), asks_duty(question)
    wanted = [k for ask, on in (("person", person), ("duty", duty)) if on for k in _KINDS[ask]]
    if _CLAUSES.search(question.strip("？?。！! ")):
        wanted = [k for k in wanted if k != "leader"]
    return [i for k in wanted for i in ids if kinds.get(i) == k]


def prefer_named(question: str, hits: list, named: list[str], clauses: Mapping) -> list:
    """``hits`` with the clauses of :func:`named_first` moved to the front, in that order (a
    named clause retrieval missed is added with the best score); the rest keep their order.

    Args:
        question: the question (or part), names corrected.
        hits: retrieved :class:`assistant.retrieve.hybrid.Hit` objects, best first.
        named: ids the question's names name (:meth:`Vocabulary.named_clauses`).
        clauses: the index's clauses by id.
    Returns:
        The reordered hits, as many as were given.
    """
    from assistant.retrieve.hybrid import Hit

    front = named_first(question, named, {i: clauses[i].kind for i in named if i in clauses})
    if not front or not hits:
        return hits
    by_id = {h.clause.id: h for h in hits}
    top = hits[0].score
    lead = [by_id.get(i) or Hit(clause=clauses[i], score=top) for i in front]
    rest = [h for h in hits if h.clause.id not in front]
    return (lead + rest)[:max(len(hits), len(lead))]
