"""Citation markers: every ``[n]`` written into an answer maps to ``citations[n-1]``.

Composers never write a marker by hand; they ask :class:`CitationList` for one, so a
marker cannot point nowhere and a clause is cited once however often it is used.
"""

from __future__ import annotations

import re

from assistant.models import Citation, Clause

MARKER_RE = re.compile(r"\[(\d+)\]")


class CitationList:
    """Collects the clauses an answer cites and hands out their markers."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._by_id: dict[str, int] = {}

    def mark(self, clause: Clause, score: float | None = None) -> str:
        """Return the marker (``"[n]"``) for ``clause``, adding it on first use.

        Args:
            clause: the clause being cited.
            score: retrieval score to report with the citation, if any.
        Returns:
            The marker text to put in the answer.
        """
        if clause.id not in self._by_id:
            self.citations.append(
                Citation(id=clause.id, label=clause.label, text=clause.text,
                         source=clause.source, page=clause.page, score=score)
            )
            self._by_id[clause.id] = len(self.citations)
        return f"[{self._by_id[clause.id]}]"

    def adopt(self, citation: Citation) -> str:
        """Return the marker for a citation another composer made (a part answered by a
        calculator), adding it on first use."""
        if citation.id not in self._by_id:
            self.citations.append(citation)
            self._by_id[citation.id] = len(self.citations)
        return f"[{self._by_id[citation.id]}]"

    def __len__(self) -> int:
        return len(self.citations)


def dangling_markers(answer: str, n_citations: int) -> list[int]:
    """Return marker numbers in ``answer`` that point at no citation."""
    return [int(m) for m in MARKER_RE.findall(answer) if not 1 <= int(m) <= n_citations]


def prune_unused(answer: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Drop citations the answer never marks and renumber markers densely.

    Markers that point at no citation are removed from the text.
    """
    used = []
    for m in MARKER_RE.findall(answer):
        i = int(m)
        if 1 <= i <= len(citations) and i not in used:
            used.append(i)
    renumber = {old: new for new, old in enumerate(used, start=1)}

    def sub(match: re.Match) -> str:
        i = int(match.group(1))
        return f"[{renumber[i]}]" if i in renumber else ""

    return MARKER_RE.sub(sub, answer), [citations[i - 1] for i in used]
