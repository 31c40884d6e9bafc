"""Question clean-up before anything else sees it."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from assistant.errors import AmountOutOfRangeError, EmptyQuestionError, QuestionTooLongError

# Control, zero-width and bidirectional characters, and lone surrogates (undecodable bytes of
# a command line, or "\ud800" escapes in JSON): they cannot even be encoded as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_FOLLOWUP_START = re.compile(r"^(那|那么|那如果|如果是|还有|另外|再问|要是|换成)")
# Retrieval reads at most this many characters of a question (the default question limit).
# The embedding model sees 512 tokens (about 800 Chinese characters) anyway, and embedding
# time grows faster than the text: a 100,000-character question, allowed by a raised
# POLICY_ASSISTANT_MAX_QUESTION_CHARS, took about 20 s to embed before this cap and ~1 s after.
RETRIEVAL_MAX_CHARS = 2000


# The largest amount of each kind a question may hold, in the unit find_quantities gives it.
# Far beyond any real case (1000万亿元 is several times a year of China's GDP; 10^13 平方米
# is China's land area), yet small enough for every calculation to stay exact: Decimal's
# default 28 digits overflowed on 99999999999999999999999999999亿元.
AMOUNT_LIMITS: dict[str, tuple[Decimal, str]] = {
    "money": (Decimal(10) ** 15, "1000万亿元"),
    "area": (Decimal(10) ** 13, "10万亿（按所写的面积单位计）"),
    "percent": (Decimal(10) ** 6, "100万%"),
    "years": (Decimal(10) ** 4, "1万年"),
    "days": (Decimal(10) ** 7, "1000万天"),
    "count": (Decimal(10) ** 9, "10亿个"),
}
# Kinds that cannot be negative in a question about policy (a sum of money, an area).
_NON_NEGATIVE = {"money": "金额", "area": "面积"}
_KIND_NAMES = {"money": "金额", "area": "面积", "percent": "百分比", "years": "年数", "days": "天数",
               "count": "数量"}
_EXAMPLE = "例如：兼并收购有什么补助？"


def normalize_question(question: str, max_chars: int, where: str = "问题", keep: frozenset[str] = frozenset()) -> str:
    """Strip control characters, unify full-width digits/letters, convert traditional to simplified.

    Args:
        question: the text as the user typed it.
        max_chars: the longest text accepted (POLICY_ASSISTANT_MAX_QUESTION_CHARS).
        where: how messages name the text ("问题", "第2条历史问题").
        keep: characters kept as written, though traditional: the ones the documents write
            themselves (a name such as 吕贇朝 is not made 吕赟朝, which no text holds).
    Raises:
        EmptyQuestionError: nothing left to ask.
        QuestionTooLongError: longer than ``max_chars`` (checked before any work is done).
        AmountOutOfRangeError: a negative amount or area, or an amount beyond any sane range.
    """
    if question is None:
        raise EmptyQuestionError(f"{where}是空的。请输入一个问题，{_EXAMPLE}")
    if len(question) > max_chars:
        raise QuestionTooLongError(
            f"{where}有{len(question)}个字，超过了上限{max_chars}个字（POLICY_ASSISTANT_MAX_QUESTION_CHARS）。"
            "请一次只问一件事，把问题写短些。"
        )
    text = _CONTROL.sub(" ", question)
    # NFKC turns full-width digits and letters (２０００) into ASCII; keep Chinese punctuation.
    text = "".join(unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff5a" else ch for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise EmptyQuestionError(f"{where}是空的。请输入一个问题，{_EXAMPLE}")
    import zhconv

    simple = zhconv.convert(text, "zh-cn")
    if len(simple) == len(text):
        simple = "".join(a if a != b and a in keep else b for a, b in zip(text, simple))
    text = simple
    check_amounts(text, where)
    return text


def converts(text: str | None) -> bool:
    """Does reading ``text`` as simplified Chinese change any of its characters?"""
    import zhconv

    return bool(text) and zhconv.convert(text, "zh-cn") != text


def check_amounts(text: str, where: str = "问题") -> None:
    """Refuse amounts no calculation should take: negative sums or areas, and anything
    beyond :data:`AMOUNT_LIMITS`, naming the value as written.

    Raises:
        AmountOutOfRangeError: the message names the value and says what to do.
    """
    from assistant.tools.quantities import find_quantities, normalize

    plain = normalize(text)
    for q in find_quantities(text):
        if q.value is None or q.kind not in AMOUNT_LIMITS:
            continue
        written = q.text
        if q.negative:
            written = plain[q.start - 1] + written
            if q.kind in _NON_NEGATIVE:
                raise AmountOutOfRangeError(
                    f"{where}中的{_NON_NEGATIVE[q.kind]}“{written}”是负数；{_NON_NEGATIVE[q.kind]}不能为负。"
                    "请写实际的数额（正数）后再问。"
                )
        limit, shown = AMOUNT_LIMITS[q.kind]
        if abs(q.value) > limit:
            raise AmountOutOfRangeError(
                f"{where}中的{_KIND_NAMES[q.kind]}“{_clip(written)}”超出了可计算的范围（不超过{shown}）。"
                "请检查数字是否多写了位数，改正后再问。"
            )


def _clip(written: str, limit: int = 60) -> str:
    """A value as written, shortened in the middle when it is very long (a run of 10,000 nines)."""
    if len(written) <= limit:
        return written
    return f"{written[:25]}…（共{len(written)}个字符）…{written[-10:]}"


def normalize_history(history: list[str] | None, max_chars: int, keep: frozenset[str] = frozenset()) -> list[str]:
    """Normalise the earlier questions of a conversation (oldest first); empty ones are dropped.

    Messages name the item ("第2条历史问题有2001个字…"), not the current question.

    Raises:
        QuestionTooLongError, AmountOutOfRangeError: for the first item at fault.
    """
    out = []
    for i, item in enumerate(history or [], start=1):
        try:
            out.append(normalize_question(item, max_chars, where=f"第{i}条历史问题", keep=keep))
        except EmptyQuestionError:
            continue  # an earlier turn with nothing in it adds no context
    return out


def is_followup(question: str) -> bool:
    """Does the question lean on the previous turn ("那股权收购呢？")?"""
    q = question.strip()
    return bool(_FOLLOWUP_START.match(q)) or (q.rstrip("？?。 ").endswith("呢") and len(q) <= 16)


def retrieval_query(question: str, history: list[str] | None) -> str:
    """The text to retrieve with: an elliptical follow-up borrows the previous question.

    At most :data:`RETRIEVAL_MAX_CHARS` characters (the start of a longer question).
    """
    if history and is_followup(question):
        room = RETRIEVAL_MAX_CHARS - len(question) - 1
        if room > 0:
            return f"{history[-1][-room:]} {question}"
    return question[:RETRIEVAL_MAX_CHARS]
