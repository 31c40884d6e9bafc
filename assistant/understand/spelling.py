"""One-character slips in a question's words, read as the corpus writes them.

People type 容级率 for 容积率, 规化许可证 for 规划许可证, 申情书 for 申请书, 加速拆旧 for 加速折旧.
Retrieval and sentence choice match words, so a slip loses the clause that answers. A piece of
the question (a word as jieba cuts it, or two or three neighbouring pieces joined, three to six
characters) is read as a slip when:

- the corpus does not hold it, and no dictionary knows it (公积金 is a real word the corpus lacks);
- it names no place (镇海区 asked about is no slip of a held place: the gate must see it);
- the character that differs stands in a token neither the corpus nor a dictionary knows, or
  only as a rare word (容级率, 规化, 拆旧, 连合, 条列; 小微 is the corpus's own short form); a
  known word (企业会, 领导上任) is what the asker meant, and a piece that opens or closes with a
  function character (的中介写) is a phrase;
- the corpus holds exactly one string that differs from it in one Chinese character, and that
  string is a dictionary word or a run of four or more characters the corpus writes twice.

Everything is read from the indexed texts and the general dictionary, never from a list of
known typos, so it works on any document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.understand.vocabulary import PLACE_RE

MIN_CHARS, MAX_CHARS = 3, 6
# A string the corpus writes this often counts as its own word even when no dictionary has it.
MIN_CORPUS_COUNT = 2
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _dictionary() -> dict[str, int]:
    from assistant.index.tokenize import _jieba

    return _jieba().dt.FREQ


def _candidates(piece: str, corpus: str) -> set[str]:
    """Strings of the corpus that are ``piece`` with one Chinese character changed."""
    out: set[str] = set()
    for j in range(len(piece)):
        pattern = re.escape(piece[:j]) + "[\u4e00-\u9fff]" + re.escape(piece[j + 1:])
        out.update(m.group(0) for m in re.finditer(pattern, corpus) if m.group(0) != piece)
    return out


def _diff(a: str, b: str) -> int:
    """Where two strings of one length differ (the first position)."""
    return next(i for i in range(len(a)) if a[i] != b[i])


def _pairs(text: str, at: int) -> list[str]:
    """The two-character strings of ``text`` that hold its character at ``at``."""
    return [text[j:j + 2] for j in (at - 1, at) if 0 <= j and j + 2 <= len(text)]


# A dictionary word rarer than this (连合, 条列, 部份, 租凭) is as likely a slip as a word.
RARE = 100


def common_word(word: str) -> bool:
    """A dictionary word at least :data:`RARE` common (连合, 部份 are not)."""
    return (_dictionary().get(word) or 0) >= RARE


def _mends(written: str, meant: str) -> bool:
    """Does the change make a word where there was none: around the changed character the
    written text has no dictionary word (收够, 规化, 拆旧) and the meant one has (收购, 规划,
    折旧), or is a dictionary word itself (容积率)? 小微 -> 小型 changes a word into another."""
    at = _diff(written, meant)
    if any(common_word(p) for p in _pairs(written, at)):
        return False
    return (len(meant) >= 3 and common_word(meant)) or any(common_word(p) for p in _pairs(meant, at))


# A three-character run that is no word (起施行 of 自…起施行) counts as the corpus's own phrase when
# it is written this often: a rarer run (资源要) is a chance neighbour.
RUN_MIN_COUNT = 5


def _a_word(text: str, corpus: str, shortest: int = 4) -> bool:
    """A dictionary word, or a run of ``shortest`` or more characters the corpus writes at least
    twice (a three-character run: at least :data:`RUN_MIN_COUNT` times)."""
    if _dictionary().get(text):
        return True
    return len(text) >= shortest and corpus.count(text) >= (MIN_CORPUS_COUNT if len(text) >= 4 else RUN_MIN_COUNT)


# A character that asks (谁定的, 啥意思) or picks out (每度电, 各街道, 该企业): the asker wrote it on purpose.
_ASKING_CHARS = frozenset("谁啥哪几怎咋吗呢么每各该本此")
# A quoted term's neighbour the corpus writes at least this often is the term meant.
QUOTED_MIN_COUNT = 3
# A term the asker quotes: three to eight characters.
_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fff]{2,8})[”\"」』]")

# A piece that opens or closes with one of these is a phrase, not a word with a slip in it.
_LOCATIVE = frozenset("里中上内")  # 清单里, 方案中, 条例上
_FUNCTION_EDGE = frozenset("的了着过吗呢吧啊和与及或等在是也都就内")  # 内: …日内, 多长时间内要


def find_slips(question: str, corpus: str, terms: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The slips in ``question`` as (written, as the corpus writes it), in question order.

    Args:
        question: the normalised question.
        corpus: every clause text without whitespace.
        terms: the index's own names (defined terms, clause titles, row keys): of several words a
            slip may stand for, the one that is a name is meant (“新成” → 新城, not 完成).
    """
    from assistant.index.tokenize import _jieba

    tokens = _jieba().lcut(question)
    found: list[tuple[str, str]] = []
    taken: set[int] = set()
    for m in _QUOTED.finditer(question):
        # A term the asker quotes (“新事镇”指的是什么) names something of the texts: one the corpus
        # lacks, that one changed character makes a term the corpus writes, is that term, even
        # when the slip makes an everyday word (新事).
        term = m.group(1)
        if term in corpus or any(ch in _ASKING_CHARS for ch in term):
            continue
        # The term the corpus writes far more often than any other one-character neighbour
        # (中心城 beside 中心要, 中心负 of 中心负责).
        counts = sorted(((corpus.count(c), c) for c in _candidates(term, corpus)), reverse=True)
        named = [(n, c) for n, c in counts if c in terms]
        if len(term) >= 3 and counts and counts[0][0] >= QUOTED_MIN_COUNT \
                and (len(counts) == 1 or counts[0][0] >= 3 * counts[1][0]):
            found.append((term, counts[0][1]))
            taken |= set(range(m.start(1), m.end(1)))
        elif named and (len(named) == 1 or named[0][0] >= 3 * named[1][0]):
            # Else a name of the index is meant, the one the texts write far most often (“新成” → 新城).
            found.append((term, named[0][1]))
            taken |= set(range(m.start(1), m.end(1)))
    starts = []
    pos = 0
    for t in tokens:
        starts.append(pos)
        pos += len(t)
    for i in range(len(tokens)):
        for n in (1, 2, 3):
            if i + n > len(tokens):
                break
            piece = "".join(tokens[i:i + n])
            start = starts[i]
            if piece[-1] in _LOCATIVE and len(tokens[i + n - 1]) >= 3:
                piece = piece[:-1]  # 负面清丹里: a locative the segmenter glued to the slipped word
            span = set(range(start, start + len(piece)))
            if not MIN_CHARS <= len(piece) <= MAX_CHARS or not _CJK.fullmatch(piece) or span & taken:
                continue
            if piece in corpus or (n == 1 and _dictionary().get(piece)) or PLACE_RE.fullmatch(piece):
                continue
            if piece[0] in _FUNCTION_EDGE or piece[-1] in _FUNCTION_EDGE:
                continue
            if n > 1 and all(len(t) >= 2 and _dictionary().get(t) for t in tokens[i:i + n]):
                continue  # words side by side (领导上任, 中小企业分包): a phrase the corpus lacks, not a slip
            # The slipped character stands in a token no dictionary knows (容级率, 规化, 拆旧,
            # 凭征): a known word (企业会, 的中介) is what the asker wrote on purpose.
            unknown = [(starts[k] - start, starts[k] - start + len(tokens[k])) for k in range(i, i + n)
                       if len(tokens[k]) >= 2 and not common_word(tokens[k]) and tokens[k] not in corpus]
            # A piece the segmenter keeps whole as one unknown token (起施形) may stand for a shorter run
            # of the corpus (起施行 of 自…起施行); a phrase of several tokens only for a word.
            # That is read only when the corpus holds no other string one character away (伦政办 is
            # 仑政办 as much as 行政办).
            around = _candidates(piece, corpus)
            shortest = MIN_CHARS if n == 1 and len(around) == 1 else 4
            near = {c for c in around if _a_word(c, corpus, shortest) and _mends(piece, c)
                    and any(a <= _diff(piece, c) < b for a, b in unknown) and piece[_diff(piece, c)] not in _ASKING_CHARS}
            named = near & terms
            if len(near) == 1 or len(named) == 1:
                found.append((piece, (near if len(near) == 1 else named).pop()))
                taken |= span
    return found


def correct_slips(question: str, corpus: str, terms: frozenset[str] = frozenset()) -> tuple[str, list[tuple[str, str]]]:
    """``question`` with its slips written as the corpus writes them, and the slips (``terms``: see
    :func:`find_slips`)."""
    slips = find_slips(question, corpus, terms)
    for written, meant in slips:
        question = question.replace(written, meant, 1)
    return question, slips


# A held title's tail that a question may write on its own (营商环境条例 for 优化营商环境条例):
# this many characters at least, ending as a title's kind does.
TITLE_MIN_CHARS = 5
_TITLE_KIND = re.compile(r"(?:条例|法|办法|规定|细则|决定|意见|方案|通知)$")


def titles_written(question: str, vocab) -> list[str]:
    """The held titles ``question`` writes, whole or as people shorten them (中小企业促进法, 营商环境条例)."""
    if vocab is None or not getattr(vocab, "documents", None):
        return []
    return [f for f in title_forms(tuple(d.title for d in vocab.documents if d.title)) if f in question]


@lru_cache(maxsize=8)
def title_forms(titles: tuple[str, ...]) -> frozenset[str]:
    """The ways a question may write held titles: whole, without 中华人民共和国 or a bracketed
    note, and each tail of at least ``TITLE_MIN_CHARS`` characters that starts where a word
    does and ends with the kind (城乡规划条例, not 海市城乡规划条例)."""
    from assistant.index.tokenize import _jieba

    out: set[str] = set()
    for t in titles:
        bare = re.sub(r"[（(][^）)]*[)）]|[《》\s]", "", t)
        for form in (bare, re.sub(r"^(?:中华人民共和国|中国)", "", bare)):
            if not _TITLE_KIND.search(form):
                continue
            starts, at = [], 0
            for w in _jieba().lcut(form):
                starts.append(at)
                at += len(w)
            out |= {form[i:] for i in starts if len(form) - i >= TITLE_MIN_CHARS}
    return frozenset(out)


_PLACE_HEAD = re.compile(r"[\u4e00-\u9fff]{1,3}?(?:省|市|自治区|区|县)")


def correct_titles(question: str, titles: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """``question`` with a held title written with one character slipped (中小企业促近法,
    营商环境条列, 核准和备按管理条例) written as held, and the (as written, as read) pairs.

    Only a window the title forms do not hold, one Chinese character away from exactly one
    form of that length, and not itself a dictionary word, is read as a slip; the longest
    first, so a whole title wins over its tail."""
    forms = title_forms(tuple(titles))
    slips: list[tuple[str, str]] = []
    for size in sorted({len(f) for f in forms}, reverse=True):
        sized = {f for f in forms if len(f) == size}
        i = 0
        while i + size <= len(question):
            window = question[i:i + size]
            if window in forms or not _CJK.fullmatch(window) or any(window in w for w, _ in slips):
                i += 1
                continue
            near = {f for f in sized if sum(a != b for a, b in zip(f, window)) == 1}
            place = _PLACE_HEAD.match(window)
            if len(near) == 1 and place and _diff(window, next(iter(near))) < place.end():
                near = set()  # 北海市… is another place's title, not a slip of 上海市…
            if len(near) == 1 and not _dictionary().get(window):
                meant = near.pop()
                slips.append((window, meant))
                question = question[:i] + meant + question[i + size:]
                i += size
                continue
            i += 1
    return question, slips
