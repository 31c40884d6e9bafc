"""Parse cleaned paragraphs into a clause tree.

Handles the two shapes of Chinese policy documents:

* 方案/通知 style: 通知 -> title -> 前言 -> 一、 -> （一） -> 一是 / 1., then 附件 with leading-group
  lists (组长/副组长/成员), numbered duties and tables;
* 办法/条例 style: 第一章 -> (第一节) -> 第一条 -> 款 (paragraphs) -> （一） 项.

Ids are paths of numbers (``s4.3``, ``a1.d3``, ``a3.r2``, ``ch2``, ``art5.k2.1``) under the
document id, so they stay the same when the same text is ingested again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.clauses import patterns as P
from assistant.clauses.numerals import cn_to_int
from assistant.clauses.split import MAX_CLAUSE_CHARS, pack_paragraphs
from assistant.errors import DuplicateClauseIdError
from assistant.models import Clause, DocumentMeta, TableRow
from assistant.read.base import Paragraph

# Bump when a change to reading or parsing changes clause ids or texts.
PARSER_VERSION = "4"


@dataclass
class _Node:
    path: str
    kind: str
    label: str
    page: int | None
    number: str | None = None
    title: str | None = None
    paras: list[str] = field(default_factory=list)
    children: list["_Node"] = field(default_factory=list)
    table: TableRow | None = None
    inline: bool = False  # text is a span of the parent's paragraph (一是…)
    after_para: int = 0   # for an article's items: how many of its paragraphs precede them

    def add(self, child: "_Node") -> "_Node":
        self.children.append(child)
        return child

    def text(self) -> str:
        parts = list(self.paras) + [c.text() for c in self.children if not c.inline]
        return "\n".join(p for p in parts if p)


def _title(rest: str, limit: int = 40) -> str | None:
    """A heading's title: the text up to the first full stop, if short, else none."""
    head = re.split(r"[。；]", rest, maxsplit=1)[0]
    return head if 0 < len(head) <= limit else None


class _Parser:
    def __init__(self, meta: DocumentMeta, source: str) -> None:
        self.meta = meta
        self.source = source
        self.short = meta.short_name
        self.roots: list[_Node] = []
        self.section: _Node | None = None   # 一、 or 第一章 (or 第一节 under it)
        self.article: _Node | None = None   # 第一条
        self.item: _Node | None = None      # （一）
        self.annex: _Node | None = None
        self.attachments: _Node | None = None
        self.colophon: _Node | None = None
        self.pending_header: list[str] = []
        self.annex_state = ""
        self.volume: _Node | None = None    # 第一编
        self.part: _Node | None = None      # the innermost of 第一编 / 第一分编 under it
        self.chapter: _Node | None = None   # 第一章

    # -- front matter ---------------------------------------------------------------
    def front(self, paras: list[Paragraph]) -> int:
        """Handle the 通知, title and 前言; return the index of the first body paragraph."""
        first = next(
            (i for i, p in enumerate(paras)
             if not p.tabular and (P.SECTION.match(p.text) or P.PART.match(p.text) or P.CHAPTER.match(p.text)
                                     or P.ARTICLE.match(p.text))),
            len(paras),
        )
        front = paras[:first]
        dates = [i for i, p in enumerate(front) if P.DATE_LINE.match(p.text)]
        rest = front
        if dates:
            cut = dates[-1] + 1
            notice = _Node("notice", "notice", f"{self.short} 印发通知", front[0].page,
                           title="通知", paras=[p.text for p in front[:cut]])
            self.roots.append(notice)
            rest = front[cut:]
        titles = []
        # A dated line (an adoption history: …通过 …公布 …施行) is text, not part of the title.
        while rest and not P.TERMINAL_END.search(rest[0].text) and len(rest[0].text) <= 80 \
                and not re.search(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", rest[0].text):
            titles.append(rest[0].text)
            rest = rest[1:]
        if rest:
            self.roots.append(_Node("preamble", "preamble", f"{self.short} 前言", rest[0].page,
                                    title="".join(titles) or None, paras=[p.text for p in rest]))
        return first

    # -- body -----------------------------------------------------------------------
    def feed(self, p: Paragraph, queue: list[Paragraph]) -> None:
        t = p.text
        if self.colophon is not None:
            self.colophon.paras.append(t)
            return
        if not p.tabular and P.COLOPHON.match(t):
            self.colophon = _Node("colophon", "colophon", f"{self.short} 抄送及印发", p.page, paras=[t])
            self.roots.append(self.colophon)
            return
        if not p.tabular and (m := P.ANNEX.match(t)) and (not m.group(2) or len(m.group(2)) <= 40):
            n = cn_to_int(m.group(1))
            self.annex = _Node(f"a{n}", "annex", f"{self.short} 附件{n}", p.page, number=str(n),
                               title=m.group(2) or None, paras=[t])
            self.roots.append(self.annex)
            self.attachments = None
            self.pending_header = []
            self.annex_state = "title" if not m.group(2) else "intro"
            return
        if self.annex is not None:
            self.annex_para(p, queue)
            return
        if m := P.ATTACHMENTS.match(t):
            self.attachments = _Node("attachments", "attachments", f"{self.short} 附件目录", p.page, paras=[t])
            self.roots.append(self.attachments)
            return
        if self.attachments is not None and P.NUMBERED.match(t):
            self.attachments.paras.append(t)
            return
        self.attachments = None
        self.body_para(p)

    def body_para(self, p: Paragraph) -> None:
        t = p.text
        if m := P.PART.match(t):
            # 第一编 is a root; 第一分编 hangs on the 编 before it. Chapters hang on the innermost.
            sub = m.group(2) == "分编"
            parent = self.volume if sub else None
            head = f"第{m.group(1)}{m.group(2)}"
            path = f"{parent.path}.sub{cn_to_int(m.group(1))}" if parent else f"pt{cn_to_int(m.group(1))}"
            label = f"{parent.label if parent else self.short} {head}"
            node = _Node(path, "section", f"{label} {m.group(3)}".rstrip(), p.page, number=m.group(1),
                         title=m.group(3) or None, paras=[t])
            (parent.add(node) if parent else self.roots.append(node))
            if not sub:
                self.volume = node
            self.part, self.section, self.chapter, self.article, self.item = node, node, None, None, None
            return
        if m := P.CHAPTER.match(t):
            n = cn_to_int(m.group(1))
            path = f"{self.part.path}.ch{n}" if self.part is not None else f"ch{n}"
            self.section = _Node(path, "section", f"{self.short} {t}", p.page, number=m.group(1),
                                 title=m.group(2) or None, paras=[t])
            (self.part.add(self.section) if self.part is not None else self.roots.append(self.section))
            self.chapter = self.section
            self.article = self.item = None
            return
        if (m := P.SUBCHAPTER.match(t)) and self.chapter is not None:
            chapter = self.chapter
            n = cn_to_int(m.group(1))
            node = _Node(f"{chapter.path}.sec{n}", "section", f"{chapter.label} {t}", p.page,
                         number=m.group(1), title=m.group(2) or None, paras=[t])
            chapter.add(node)
            self.section, self.article, self.item = node, None, None
            return
        if m := P.ARTICLE.match(t):
            n = cn_to_int(m.group(1))
            path, label, number = f"art{n}", f"{self.short} 第{m.group(1)}条", m.group(1)
            if m.group(2):
                path += f"_{cn_to_int(m.group(2))}"
                label += f"之{m.group(2)}"
                number += f"之{m.group(2)}"
            self.article = _Node(path, "article", label, p.page, number=number, paras=[t])
            (self.section.add(self.article) if self.section else self.roots.append(self.article))
            self.item = None
            return
        if (m := P.SECTION.match(t)) and self.article is None:
            n = cn_to_int(m.group(1))
            title = _title(m.group(2)) or m.group(2)[:20]
            self.section = _Node(f"s{n}", "section", f"{self.short} {m.group(1)}、{title}", p.page,
                                 number=m.group(1), title=title, paras=[t])
            self.roots.append(self.section)
            self.item = None
            return
        if m := P.ITEM.match(t):
            parent = self.article if self.article is not None else self.section
            if parent is not None:
                n = cn_to_int(m.group(1))
                title = _title(m.group(2))
                if self.article is not None:
                    label = f"{parent.label}第（{m.group(1)}）项"
                else:
                    label = f"{parent.label}（{m.group(1)}）{title or ''}"
                self.item = parent.add(_Node(f"{parent.path}.{n}", "item", label, p.page,
                                             number=m.group(1), title=title, paras=[t],
                                             after_para=len(parent.paras)))
                return
        if (m := P.NUMBERED.match(t)) and self.item is not None:
            n = int(m.group(1))
            self.item.add(_Node(f"{self.item.path}.{n}", "point", f"{self.item.label} {n}.", p.page,
                                number=str(n), paras=[t]))
            return
        if self.article is not None and self.item is not None and self.item in self.article.children:
            # A plain paragraph after an article's items is its next 款, not part of the last item.
            self.item = None
        target = self.item or self.article or self.section
        if target is None:
            self.roots.append(_Node(f"p{len(self.roots) + 1}", "text", f"{self.short} 第{len(self.roots) + 1}段",
                                    p.page, paras=[t]))
        else:
            target.paras.append(t)

    # -- annexes --------------------------------------------------------------------
    def annex_para(self, p: Paragraph, queue: list[Paragraph]) -> None:
        annex, t = self.annex, p.text
        if p.tabular:
            self.table_row(p)
            return
        if self.annex_state == "title" and not P.NUMBERED.match(t):
            annex.title = t
            annex.label = f"{annex.label} {t}"
            annex.paras.append(t)
            self.annex_state = "intro"
            return
        if self.annex_state in ("intro", "header") and len(t) <= 14 and not P.TERMINAL_END.search(t) \
                and not (P.LEADER.match(t) or P.DEPUTY.match(t) or P.MEMBERS.match(t) or P.MEMBER_START.match(t)):
            # Fragments of a table header split over lines (PDF); kept until rows confirm them.
            self.pending_header.append(t)
            self.annex_state = "header"
            return
        if self.pending_header:
            annex.paras.extend(self.pending_header)
            self.pending_header = []
        if m := P.LEADER.match(t):
            annex.add(_Node(f"{annex.path}.leader", "leader", f"{self._annex_short()} 组长", p.page,
                            title="组长", paras=[t]))
            self.annex_state = "members"
            return
        if m := P.DEPUTY.match(t):
            node = annex.add(_Node(f"{annex.path}.deputy", "leader", f"{self._annex_short()} 副组长", p.page,
                                   title="副组长", paras=[t]))
            while queue and P.NAME_ONLY.match(queue[0].text):
                node.paras[-1] += " " + queue.pop(0).text
            self.annex_state = "members"
            return
        if m := P.MEMBERS.match(t):
            self.members(m.group(1), p, queue)
            return
        if m := P.NUMBERED.match(t):
            n = int(m.group(1))
            dept = re.split(r"负责|会同|牵头", m.group(2), maxsplit=1)[0]
            label = f"{self._annex_short()} 工作分工第{n}项" + (f"（{dept}）" if 0 < len(dept) <= 20 else "")
            annex.add(_Node(f"{annex.path}.d{n}", "duty", label, p.page, number=str(n),
                            title=dept if len(dept) <= 20 else None, paras=[t]))
            self.annex_state = "duties"
            return
        if self.annex_state == "intro" and not annex.children:
            annex.paras.append(t)
            return
        if self.annex_state == "members":
            node = _Node(f"{annex.path}.office", "office", f"{self._annex_short()} 领导小组办公室及分工", p.page,
                         paras=[t])
        elif self.annex_state == "duties":
            node = _Node(f"{annex.path}.closing", "text", f"{self._annex_short()} 最后一段", p.page, paras=[t])
        else:
            k = sum(1 for c in annex.children if c.kind == "text") + 1
            node = _Node(f"{annex.path}.p{k}", "text", f"{self._annex_short()} 第{k}段", p.page, paras=[t])
        if any(c.path == node.path for c in annex.children):
            next(c for c in annex.children if c.path == node.path).paras.append(t)
        else:
            annex.add(node)
        self.annex_state = {"members": "office", "duties": "closing"}.get(self.annex_state, self.annex_state)

    def _annex_short(self) -> str:
        return f"{self.short} 附件{self.annex.number}"

    def members(self, first: str, p: Paragraph, queue: list[Paragraph]) -> None:
        """成员： lines: one clause per member; text after the last member goes back to the queue."""
        annex = self.annex
        run = first
        while queue and not queue[0].tabular and P.MEMBER_START.match(queue[0].text):
            run += " " + queue.pop(0).text
        pos, n = 0, sum(1 for c in annex.children if c.kind == "member")
        while m := P.MEMBER.match(run, pos):
            n += 1
            name, org = m.group("name"), m.group("org")
            annex.add(_Node(f"{annex.path}.m{n}", "member",
                            f"{self._annex_short()} 成员 {name.replace(' ', '')}（{org}）", p.page,
                            title=org, paras=[f"成员：{name} {org}"]))
            pos = m.end()
        tail = run[pos:].strip()
        if tail:
            queue.insert(0, Paragraph(text=tail, page=p.page))
        self.annex_state = "members"

    def table_row(self, p: Paragraph) -> None:
        annex = self.annex
        cells = p.text.split("\t")
        numeric = [bool(re.fullmatch(r"-?\d+(\.\d+)?%?", c)) for c in cells[1:]]
        if not any(numeric):
            annex.paras.append("\t".join(cells))
            self._columns = cells[1:]
            self.pending_header = []
            self.annex_state = "rows"
            return
        columns = getattr(self, "_columns", None)
        if self.pending_header:
            joined = "".join(self.pending_header)
            split = re.findall(r".+?[（(][^）)]*[）)]", joined)
            columns = split if len(split) == len(cells) - 1 else None
            annex.paras.append("\t".join([""] + (columns or [joined])))
            self.pending_header = []
        if not columns or len(columns) != len(cells) - 1:
            columns = [f"第{i}列" for i in range(2, len(cells) + 1)]
        self._columns = columns
        self.annex_state = "rows"
        n = sum(1 for c in annex.children if c.kind == "row") + 1
        row = TableRow(key=cells[0], columns=columns, values=cells[1:])
        body = "；".join(f"{c}{v}" for c, v in zip(columns, cells[1:]))
        annex.add(_Node(f"{annex.path}.r{n}", "row", f"{annex.label} {cells[0]}", p.page,
                        title=cells[0], paras=[f"{cells[0]}：{body}"], table=row))

    # -- finishing ------------------------------------------------------------------
    def split_points(self, node: _Node) -> None:
        """Turn 一是…二是… inside an item into point clauses (inline spans of the item)."""
        for child in node.children:
            self.split_points(child)
        if node.kind != "item" or node.children or len(node.paras) != 1:
            return
        text = node.paras[0]
        hits = [m for m in P.POINT.finditer(text)]
        seq = []
        for m in hits:
            if cn_to_int(m.group(1)) == len(seq) + 1:
                seq.append(m)
        if len(seq) < 2:
            return
        for i, m in enumerate(seq):
            end = seq[i + 1].start() if i + 1 < len(seq) else len(text)
            node.add(_Node(f"{node.path}.{i + 1}", "point", f"{node.label} {m.group(1)}是", node.page,
                           number=m.group(1), paras=[text[m.start():end]], inline=True))

    def split_article_paragraphs(self, node: _Node) -> None:
        """An article with several paragraphs gets one 款 clause per paragraph."""
        for child in list(node.children):
            self.split_article_paragraphs(child)
        if node.kind != "article" or len(node.paras) < 2:
            return
        items = node.children
        node.children = []
        for k, para in enumerate(node.paras, start=1):
            node.add(_Node(f"{node.path}.k{k}", "paragraph", f"{node.label}第{_cn(k)}款", node.page,
                           number=str(k), paras=[para]))
        # Items belong to the paragraph that introduces them: the last one before them.
        if items:
            for it in items:
                intro = node.children[max(it.after_para, 1) - 1]
                old = it.path
                it.path = intro.path + old[len(node.path):]
                it.label = it.label.replace(node.label, intro.label, 1)
                intro.children.append(it)
        node.paras = []

    def split_long(self, node: _Node) -> None:
        """Text of a clause's own longer than :data:`MAX_CLAUSE_CHARS` moves into numbered
        parts (``<id>.part1`` …) cut at sentence ends; a short first paragraph (a heading)
        stays with the clause. The ids follow from the text alone, so they are stable."""
        for child in node.children:
            self.split_long(child)
        if sum(len(p) + 1 for p in node.paras) - 1 <= MAX_CLAUSE_CHARS:
            return
        keep = node.paras[:1] if len(node.paras) > 1 and len(node.paras[0]) <= 100 else []
        parts = [_Node(f"{node.path}.part{i}", "text", f"{node.label}（第{i}部分）", node.page, paras=group)
                 for i, group in enumerate(pack_paragraphs(node.paras[len(keep):]), start=1)]
        node.paras = keep
        node.children = parts + node.children


def child_titles(clause: Clause, whole_items: bool = False) -> list[str]:
    """The headings of a clause's sub-clauses as they stand in its text (（一）政府收储改造 …).

    With ``whole_items``, a sub-clause that is one item on its own line (（二）黄浦江和苏州河两岸
    （中心城内区段）…内的建设项目；) counts whole, however long: a list of them is not cut short."""
    out = []
    for line in clause.text.split("\n")[1:]:
        m = re.match(r"^([（(][一二三四五六七八九十]+[）)][^。；]{1,30})[。；]", line)
        if m is None and whole_items:
            m = re.fullmatch(r"([（(][一二三四五六七八九十]+[）)][^。；\n]{1,200})[。；]?", line.strip())
        if m:
            out.append(m.group(1))
    return out


def _cn(n: int) -> str:
    from assistant.clauses.numerals import int_to_cn

    return int_to_cn(n)


def parse_paragraphs(paragraphs: list[Paragraph], meta: DocumentMeta, source: str) -> list[Clause]:
    """Parse a document's cleaned paragraphs into clauses, in document order.

    Args:
        paragraphs: output of :func:`assistant.read.clean.clean`.
        meta: the document's manifest entry (its id and 文号 name the clauses).
        source: the file name recorded on each clause.
    Returns:
        Every clause of the tree, parents before children, with ``order`` set.
    """
    parser = _Parser(meta, source)
    start = parser.front(paragraphs)
    queue = list(paragraphs[start:])
    while queue:
        parser.feed(queue.pop(0), queue)
    for root in parser.roots:
        parser.split_points(root)
        parser.split_article_paragraphs(root)
        parser.split_long(root)
    clauses: list[Clause] = []

    def emit(node: _Node, parent: Clause | None, path: list[str]) -> None:
        own = "\n".join(node.paras)
        text = node.text()
        if node.kind == "item" and node.children and node.children[0].inline:
            first = node.children[0].paras[0]
            own = text[: text.index(first)] if first in text else own
        clause = Clause(
            id=f"{meta.id}:{node.path}", doc_id=meta.id, kind=node.kind, number=node.number,
            title=node.title, label=node.label, text=text, own_text=own.strip(),
            parent_id=parent.id if parent else None, path=path, source=source, page=node.page,
            order=len(clauses), table=node.table, children=[f"{meta.id}:{c.path}" for c in node.children],
        )
        clauses.append(clause)
        for child in node.children:
            emit(child, clause, path + [clause.label])

    for root in parser.roots:
        emit(root, None, [])
    seen: dict[str, Clause] = {}
    for clause in clauses:
        if clause.id in seen:
            raise DuplicateClauseIdError(
                f"{source}: clause {clause.label!r} would get id {clause.id!r}, already used by "
                f"{seen[clause.id].label!r} in document {meta.id}; its numbering repeats or is not understood.")
        seen[clause.id] = clause
    return clauses
