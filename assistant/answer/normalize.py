"""Question clean-up before anything else sees it."""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import EmptyQuestionError, QuestionTooLongError

# Control, zero-width and bidirectional characters, and lone surrogates (undecodable bytes of
# a command line, or "\ud800" escapes in JSON): they cannot even be encoded as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_FOLLOWUP_START = re.compile(r"^(那|那么|那如果|如果是|还有|另外|再问|要是|换成)")
# Retrieval reads at most this many characters of a question (the default question limit).
# The embedding model sees 512 tokens (about 800 Chinese characters) anyway, and embedding
# time grows faster than the text: a 100,000-character question, allowed by a raised
# POLICY_ASSISTANT_MAX_QUESTION_CHARS, took about 20 s to embed before this cap and ~1 s after.
RETRIEVAL_MAX_CHARS = 2000


def normalize_question(question: str, max_chars: int) -> str:
    """Strip control characters, unify full-width digits/letters, convert traditional to simplified.

    Raises:
        EmptyQuestionError: nothing left to ask.
        QuestionTooLongError: longer than ``max_chars`` (checked before any work is done).
    """
    if question is None:
        raise EmptyQuestionError("the question is empty. Type a question, e.g. 兼并收购有什么补助？")
    if len(question) > max_chars:
        raise QuestionTooLongError(
            f"the question is {len(question)} characters long; the limit is {max_chars} "
            "(POLICY_ASSISTANT_MAX_QUESTION_CHARS). Ask about one thing at a time."
        )
    text = _CONTROL.sub(" ", question)
    # NFKC turns full-width digits and letters (２０００) into ASCII; keep Chinese punctuation.
    text = "".join(unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff5a" else ch for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise EmptyQuestionError("the question is empty. Type a question, e.g. 兼并收购有什么补助？")
    import zhconv

    return zhconv.convert(text, "zh-cn")


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
