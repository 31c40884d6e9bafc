"""Chinese-aware tokens for BM25: jieba words (search mode) plus character bigrams.

Words give precision; bigrams keep recall when jieba splits a term differently from the
text or the question has a typo. Latin words and numbers are kept whole, lower-cased.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?")

# Question words and particles that say nothing about the topic.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 对 为 把 被 就 都 也 还 又 吗 呢 吧 啊 呀 么 嘛 我 我们 你 你们 他们 "
    "这 那 这个 那个 哪 哪个 哪些 什么 怎么 怎样 如何 多少 几 多 是否 有没有 有 没有 可以 能 能否 "
    "请问 一下 请 告诉 要 会 给 按 按照 根据 之 其 该 由 从 向 到 所 以 于 上 中 下 个 项 条 呢 吗".split()
)
# Interrogatives and generic words of questions: they say what is asked, not what about,
# so the abstention gate does not count them as topics the corpus lacks.
QUESTION_WORDS = frozenset(
    "哪天 哪年 哪来 哪里 哪儿 哪几 哪几个 哪几种 哪几位 几家 几位 几个 几种 几宗 几块 几层 几年 几天 "
    "怎么办 怎么样 多少钱 多久 日期 时间 时候 时间段 阶段 到底 一张 一个 一块 两块 两家 一样 别的 除了 等于 "
    "包括 做法 处理 影响 受到 经过 程序 手续 提到 起来 总数 今年 明年 具体 规定 内容 意思 情况 需要 "
    "短时间 长时间 咱们 俺们 我厂 厂子 啥 咋 能不能 会不会 不会 是不是 有没有 不要 要不要 啊 呀 么 吧 原话 原文 关于".split()
)


def jieba_cache_dir() -> Path:
    """Where jieba keeps its prepared dictionary: the per-user cache folder
    (``~/.cache/policy-assistant``, or under XDG_CACHE_HOME), not jieba's default
    /tmp/jieba.cache, which any local user can replace (jieba loads it with marshal) and
    which a reboot that clears /tmp removes. Not the data folder: a question must leave the
    index folder as it was."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("policy-assistant", appauthor=False))


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (loaded once, with its dictionary)."""
    import jieba.posseg as posseg

    return posseg.POSTokenizer(_jieba().dt).word_tag_tab


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    folder = jieba_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(folder)
    except OSError:
        pass  # a folder that cannot be written: jieba's default place
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """Content words of ``text`` (jieba search-mode segmentation, stopwords removed)."""
    jb = _jieba()
    out = []
    for run in _CJK_RUN.findall(text):
        out.extend(w for w in jb.cut_for_search(run) if w not in STOPWORDS)
    out.extend(m.group(0).lower() for m in _LATIN.finditer(text))
    return out


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each Chinese run (a lone character stays a unigram)."""
    out = []
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def tokens(text: str) -> list[str]:
    """Tokens indexed and queried by BM25: words, then bigrams marked with a prefix."""
    return words(text) + ["§" + b for b in bigrams(text)]
