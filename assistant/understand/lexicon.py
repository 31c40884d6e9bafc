"""The bridge from everyday words to policy language, kept as data (``lexicon.toml``).

Retrieval adds a question's policy terms to the query, and the abstention gate counts an
everyday word as supported when one of its policy terms occurs in the corpus, so a
question is never refused only because a person says 出让金 where the text says 土地价款.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


# What may follow a compound that ends in a kind's head (…契税呢, …清单里): a particle, a
# locative or the asking; 纳税人, 税率, 名单企业 go on as other words.
_AFTER_HEAD = r"[的里中上内吗呢啊吧和与及或等是有要能会对该怎咋如多什哪啥几谁按在交缴还也都]"


@dataclass(frozen=True)
class Lexicon:
    """Everyday word -> policy terms, longest everyday words first."""

    bridge: dict[str, tuple[str, ...]]
    heads: tuple[str, ...] = ()

    @classmethod
    def from_toml(cls, text: str) -> "Lexicon":
        """Parse a lexicon file (a ``[bridge]`` table of word = [terms]; ``[kinds] heads``, the
        heads whose compounds each name a thing of its own)."""
        raw = tomllib.loads(text)
        data = raw.get("bridge", {})
        items = sorted(data.items(), key=lambda kv: -len(kv[0]))
        heads = tuple(sorted(raw.get("kinds", {}).get("heads", []), key=len, reverse=True))
        return cls({k: tuple(v) for k, v in items}, heads)

    def named_kinds(self, question: str) -> list[str]:
        """The compounds of ``question`` that end in a kind's head (土地增值税, 契税, 工伤保险):
        the head with the Chinese characters written before it up to a function word or a
        stop, longest first. Each names one thing; a text that holds only its head (增值税)
        does not speak of it."""
        out: list[str] = []
        for head in self.heads:
            for m in re.finditer(rf"([\u4e00-\u9fff]{{0,8}}?)({re.escape(head)})(?=$|[^\u4e00-\u9fff]|{_AFTER_HEAD})", question):
                stem = re.split(r"[的和与及或、对按是在了]|多少|什么|哪些|哪种|啥|几|要|交|缴|免|减|征|收|没有|不", m.group(1))[-1]
                word = stem + head
                if len(word) >= 2 and word not in out and not any(word in o for o in out):
                    out.append(word)
        return out

    def terms_for(self, word: str) -> tuple[str, ...]:
        """Policy terms for one everyday word (empty when it has none)."""
        return self.bridge.get(word, ())

    def expand(self, question: str, skip: Callable[[str], bool] | None = None) -> list[str]:
        """Policy terms for the everyday words in ``question`` (longest match wins), in order;
        ``skip``: which everyday words not to expand."""
        out: list[str] = []
        covered: list[tuple[int, int]] = []
        for word, terms in self.bridge.items():
            start = question.find(word)
            while start >= 0:
                end = start + len(word)
                if not any(s < end and start < e for s, e in covered):
                    covered.append((start, end))
                    if skip is None or not skip(word):
                        out.extend(t for t in terms if t not in out and t not in question)
                start = question.find(word, end)
        return out

    def supported(self, word: str, corpus: str) -> bool:
        """Is ``word`` bridged to a term the corpus holds (whole word or a part of it)?"""
        for key, terms in self.bridge.items():
            if key in word and any(t in corpus for t in terms):
                return True
        return False


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon (``lexicon.toml`` beside this module)."""
    text = (resources.files("assistant.understand") / "lexicon.toml").read_text(encoding="utf-8")
    return Lexicon.from_toml(text)


def near_miss(word: str, corpus: str) -> bool:
    """Does the corpus hold ``word`` with one character different (a typo: 容级率 / 容积率)?

    One regular-expression scan per position of the word: no n-gram tables to build or keep,
    so the cost stays small on a corpus of thousands of clauses.

    Args:
        word: a question word of three or more characters that the corpus lacks.
        corpus: the corpus text without whitespace.
    """
    if len(word) < 3:
        return False
    return any(re.search(re.escape(word[:j]) + "." + re.escape(word[j + 1:]), corpus)
               for j in range(len(word)))
