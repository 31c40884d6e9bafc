"""Is what the question asks for stated in the best clauses, or only named there?

A clause can name a thing without giving its contents: a catalogue it refers to (…由国务院
投资主管部门会同有关部门提出，报国务院批准后实施), criteria set elsewhere (划分标准由…制定),
a market figure it uses as a yardstick (不得低于…的市场利率), rules left to another body
(…管理办法由国务院规定), another instrument's title that holds the subject (《…保护条例》).
A question can also point at a list as the source of its answer (按…目录，…由哪一级核准), or
ask whether its own figures put it in a class (120个员工…算不算小型企业) that the clauses
name without a figure to judge by. Retrieval finds such a
clause for a question about the contents, and an extractive answer would quote the passing
mention as if it answered. This check reads what the question asks for (the contents of a
list, the criteria of a classification, the value of a quantity), finds the phrase it is
asked *of*, and looks in the best clauses for a sentence that states it with content; when
the clauses only name it, the answer is an abstention that says what the text does say.

All of it is read from the question and the clause texts: no words of one document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieve.hybrid import Hit
from assistant.understand.lexicon import default_lexicon

# The best clauses read (as for coverage).
READ_HITS = 3
# A phrase the question asks about is matched to the clauses by its longest part of at least
# this many characters that they hold.
MIN_CORE = 3

# A list referred to by name: …目录里/…清单中 (its contents live elsewhere).
_CONTAINER = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{1,16}?(?:目录|清单|名录|名单))(?:里面|里|中|内|上)"
                        r"|(?:属于|列入|纳入|列在|进入)([\u4e00-\u9fffA-Za-z0-9]{1,16}?(?:目录|清单|名录|名单))")
# The asker's item said to be outside a list (收的费不在目录清单上): what holds outside it is
# asked, not what the list holds.
_NOT_IN = re.compile(r"(?:不|没有?|未|并未)(?:在|属于|列入|纳入|列在|进入)[\u4e00-\u9fffA-Za-z0-9]{0,16}?"
                     r"(?:目录|清单|名录|名单)")
# A list the question points at as where the answer is (按政府核准的投资项目目录，…由哪一级核准).
_BY_LIST = re.compile(r"(?:按照?|依照|依据|根据)([\u4e00-\u9fffA-Za-z0-9]{1,16}?(?:目录|清单|名录|名单))")
# Asking whether the asker's own case falls in a class (…120个员工，算不算小型企业).
_CLASS_ASK = re.compile(r"(?:算不算|属不属于|够不够|是否属于|是否算)(?:是)?([\u4e00-\u9fffA-Za-z]{2,12})"
                        r"|(?:算|属于|是)([\u4e00-\u9fff]{2,8}?)还是[\u4e00-\u9fff]{2,8}"
                        r"|(?:算|属于)(?:是)?([\u4e00-\u9fff]{2,8}?)(?:吗|么|嘛)")
# Asking for what a text lays down about something (…管理办法具体怎么规定的), not who lays it down.
_CONTENT_ASK = re.compile(r"(?:是)?(?:怎么|怎样|如何)规定|有(?:什么|哪些)(?:具体)?规定|规定了(?:什么|哪些)|"
                          r"(?:具体|什么|哪些)内容")
# A sentence that leaves the contents to another body or text (…办法由国务院规定).
_LEFT_TO = re.compile(r"由[^。；，]{1,30}?(?:规定|另行规定)|另行(?:制定|规定)")
# The title of another instrument, named inside a clause (《…保护条例》).
_TITLE = re.compile(r"《([^《》]{4,60}?(?:法|条例|办法|规定|细则|措施|决定|方案|意见|通知|规划))》")
# The shortest run of the question that can name a subject by itself.
MIN_TITLE_PART = 4
# Asking for the members of a list.
_LIST_ASK = re.compile(r"哪些|哪几|有什么|有啥|包括|列出|列一下|是否在|在不在|要不要|需不需要|是不是|归哪|哪一级|哪级")
# Sentences that hand the substance to another text or body, or only refer to it.
_DELEGATES = re.compile(r"由[^。；]{1,40}?(?:制定|提出|确定|公布|发布|调整|拟订|编制)|另行(?:制定|规定|公布)|"
                        r"按照?[^。；]{0,30}?(?:规定|办法)执行|(?:依照|按照|依据|根据)[^。；]{0,40}?执行|"
                        r"报[^。；]{1,20}?批准|适时调整|以外|之外|实行[^。；]{0,20}?制度")
# Asking for the criteria of a classification or a status.
_CRITERIA_ASK = re.compile(r"(?:按|依|根据|凭)(?:什么|哪些|啥)[\u4e00-\u9fff]{0,2}?(?:标准|指标|条件|依据)|"
                           r"(?:有|包括)(?:哪些|什么|啥)(?:评价)?(?:指标|权重)|"
                           r"(?:按|依|根据|凭)(?:什么|啥)来?(?:分|划分|区分|评|定)|"
                           r"(?:划分|认定|评定|界定|评价)的?(?:标准|条件|指标|依据)|"
                           r"怎么(?:划分|认定|评定|界定|评上|评的)|如何(?:划分|认定|评定|界定)|"
                           r"(?:怎么|怎样|如何)(?:才能)?(?:评出来|评选出来|选出来|评上|选上|入选)|"
                           r"(?:认定|评定|申报|评上)[^。？?]{0,6}?(?:需要|要|得)(?:满足)?(?:哪些|什么|啥)(?:条件|资格|标准)")
# What it takes to enter a list or a status (要进某名单…，得满足什么条件; 满足哪些条件才能入选), read in the
# whole question (the list may be named in the situation told first). The conditions of a benefit
# (申请…补助需要满足哪些条件) are the clauses' to state.
_ENTRY_ASK = re.compile(r"(?:入选|进入?|列入|纳入|成为|评为)[^。？?]{0,20}?(?:满足|符合|具备|达到)(?:哪些|什么|啥)(?:条件|要求|标准)|"
                        r"(?:满足|符合|具备|达到)(?:哪些|什么|啥)(?:条件|要求|标准)才(?:能|可以)(?:入选|进|列入|纳入|成为|评上)")
# What a sentence that states criteria says.
_CRITERIA_TEXT = re.compile(r"条件|标准|指标|符合|具备|下列|以下|以上|不低于|不高于|不超过|不少于|达到|低于|高于|"
                            r"是指|包括|满足|[：:]")
# Asking for a value; a time limit is left to the composer (it says when none is set).
_AMOUNT_ASK = re.compile(r"多少(?!天|日|个工作日|个月|年|周|小时|时间)|百分之几|几成|多高|多大")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|‰|％)?|[一二三四五六七八九十百千万两]+(?:日|天|个月|年|倍|成|元|亩)|"
                     r"百分之|千分之|万分之")
# Words around an asked phrase that are not part of it.
_EDGE = re.compile(r"^(?:现在|目前|请问|那么|那|一般|大概|大约|具体|要|需要|都|的|在|是|按|对)+|"
                   r"(?:是|为|要|交|的|有|大概|大约|一般|具体|能|可以|需要|都|到底|究竟)+$")
_BREAK = re.compile(r"[与和及、]")
_PIECE = re.compile(r"[，,；;。：:\n]")


def _texts(hits: Sequence[Hit], n: int = READ_HITS) -> list[tuple[Hit, str]]:
    return [(h, re.sub(r"\s+", "", h.clause.text)) for h in hits[:n]]


def _wordlike(text: str) -> bool:
    """Is ``text`` made of whole words (用地面积, 贷款市场报价利率), not a word's tail with a lone
    character before it (园企业)?"""
    from assistant.index.tokenize import _jieba

    return all(len(t) >= 2 for t in _jieba().lcut(text) if re.match(r"[\u4e00-\u9fff]", t))


def _core(phrase: str, text: str) -> str:
    """The longest part of ``phrase`` (at least :data:`MIN_CORE` characters) that ``text`` holds."""
    for size in range(len(phrase), MIN_CORE - 1, -1):
        # Of parts of one size, the one nearest the ask (…用地面积最多能占 -> 用地面积).
        for start in range(len(phrase) - size, -1, -1):
            part = phrase[start:start + size]
            if part in text:
                return part
    return ""


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;])", text) if s.strip()]


def _short(sentence: str, limit: int = 60) -> str:
    s = re.sub(r"^第[一二三四五六七八九十百千零〇]+条", "", sentence.strip()).rstrip("。；;")
    return s if len(s) <= limit else s[:limit] + "…"


def _label(hit: Hit) -> str:
    return hit.clause.label


def _container(asking: str, hits: Sequence[Hit], corpus: str) -> str | None:
    """A list the question asks into (…目录里哪些…) that the clauses only refer to."""
    outside = [n.span() for n in _NOT_IN.finditer(asking)]
    for m in _CONTAINER.finditer(asking):
        if any(a <= m.end() and m.start() <= b for a, b in outside):
            continue
        phrase = _EDGE.sub("", m.group(1) or m.group(2))
        core = _core(phrase, corpus)
        if not core:
            return f"现有文件没有“{phrase}”的内容"
        # Every sentence of the documents that names the list, not only the retrieved ones:
        # a list held anywhere is not "only named".
        mentions = [s for s in _sentences(corpus) if core in s]
        if mentions and all(_DELEGATES.search(s) for s in mentions):
            return f"现有文件只提到“{core}”：“{_short(mentions[0])}”，没有列出其具体内容"
    return None


def _pointed_list(question: str, corpus: str) -> str | None:
    """A list the question points at as the source of its answer (按…目录，…) that the
    documents only refer to."""
    for m in _BY_LIST.finditer(question):
        phrase = _EDGE.sub("", m.group(1))
        core = _core(phrase, corpus)
        mentions = [s for s in _sentences(corpus) if core in s] if len(core) >= MIN_TITLE_PART else []
        if mentions and all(_DELEGATES.search(s) for s in mentions):
            return f"现有文件只提到“{core}”：“{_short(mentions[0])}”，没有列出其具体内容"
    return None


def _classified(asking: str, hits: Sequence[Hit], corpus: str, question: str) -> str | None:
    """Whether the asker's own figures put them in a class (…120个员工，算不算小型企业), when the
    clauses naming the class give no figure to judge by."""
    m = _CLASS_ASK.search(asking)
    if not m or not _OWN_FIGURES.search(question):
        return None
    name = _EDGE.sub("", re.split(r"[吗呢啊]", m.group(1) or m.group(2) or m.group(3))[0])
    if len(name) < 2:
        return None
    # The class may be named only further down (the article that names the classes is not
    # the one about the asker's trade): every clause found is read.
    texts = _texts(hits, len(hits))
    mentions = [(h, p) for h, text in texts for p in _PIECE.split(text) if name in p]
    if not mentions or any(_FIGURE.search(p) for _, p in mentions):
        return None
    # The sentence that hands the criteria on (…划分标准由…制定), in the clauses found or
    # anywhere in the documents, says best why there is no answer.
    handed = next((x for _, text in texts for x in _sentences(text) if name in x and _DELEGATES.search(x)),
                  None) or next((x for x in _sentences(corpus) if name in x and _CRITERIA_TEXT.search(x)
                                 and _DELEGATES.search(x)), None)
    if handed:
        return f"现有文件只写道“{_short(handed)}”，没有给出判断是否属于“{name}”的具体标准"
    h, p = mentions[0]
    return f"{_label(h)}只写道“{_short(p)}”，没有给出判断是否属于“{name}”的具体标准"


def _left_elsewhere(asking: str, corpus: str) -> str | None:
    """What a text lays down (…管理办法具体怎么规定的), when every sentence of the documents
    that names it leaves it to another body (…办法由国务院规定). A question of who lays it
    down (谁规定, 由哪个部门制定) is answered by those very sentences, and is not asked here."""
    m = _CONTENT_ASK.search(asking)
    if not m:
        return None
    core = _core(_asked_of(asking, m), corpus)
    if len(core) < 2 * MIN_CORE:
        return None  # a short part (管理办法) names too many things to judge by
    mentions = [s for s in _sentences(corpus) if core in s]
    if mentions and all(_LEFT_TO.search(s) or _DELEGATES.search(s) for s in mentions):
        return f"现有文件只写道“{_short(mentions[0])}”，没有其具体规定"
    return None


def _title_only(asking: str, corpus: str) -> str | None:
    """A subject the documents mention only inside the title of another instrument
    (上海优秀历史建筑修缮 -> 《上海市历史文化风貌区和优秀历史建筑保护条例》): named, not held."""
    if "《" in asking:
        return None  # a named document is the reading's to judge
    spans = [(t.start(), t.end(), t.group(1)) for t in _TITLE.finditer(corpus)]
    if not spans:
        return None
    start = 0
    while start < len(asking):
        end = start
        while end < len(asking) and asking[start:end + 1] in corpus:
            end += 1
        part = asking[start:end]
        if len(part) >= MIN_TITLE_PART and re.fullmatch(r"[\u4e00-\u9fff]+", part):
            at = [i.start() for i in re.finditer(re.escape(part), corpus)]
            # Strictly inside a title: its head (上海市…) or its tail (…促进法) names the
            # instrument itself, which may well be held.
            inside = [next((t for a, b, t in spans if a + 1 < i and i + len(part) < b - 1 - len(_tail(t))), None)
                      for i in at]
            # Elsewhere only as an exception (…但文物保护单位和优秀历史建筑除外): set aside, not ruled on.
            titles = [t for t in inside if t]
            if titles and all(t or _excepted(corpus, i) for t, i in zip(inside, at)):
                aside = "和除外情形" if len(titles) < len(at) else ""
                return f"现有文件只在《{titles[0]}》的名称{aside}中提到“{part}”，没有其具体规定"
        start = max(end, start + 1)
    return None


def _excepted(corpus: str, at: int) -> bool:
    """Is the text at ``at`` in a piece of a sentence that sets it aside (…除外, 不适用, 不包括)?"""
    before = _PIECE.split(corpus[max(0, at - 60):at])[-1]
    after = _PIECE.split(corpus[at:at + 60])[0]
    return bool(re.search(r"除外$|不适用|不包括", before + after))


def _tail(title: str) -> str:
    """The instrument word a title ends with (条例, 办法, 法)."""
    m = re.search(r"(?:法|条例|办法|规定|细则|措施|决定|方案|意见|通知|规划)$", title)
    return m.group(0) if m else ""


def _asked_of(asking: str, match: re.Match) -> str:
    """The phrase right before an ask (…甲类、乙类企业是按什么指标划分 -> 甲类、乙类企业)."""
    before = re.split(r"[，,。；;？?！!]|里|中", asking[:match.start()])[-1]
    return _EDGE.sub("", before)


def _criteria(asking: str, hits: Sequence[Hit], corpus: str, question: str = "") -> str | None:
    """Criteria asked for (按什么标准划分) that the clauses naming the thing do not give."""
    m = _CRITERIA_ASK.search(asking)
    if not m and question:
        m = _ENTRY_ASK.search(question)
        asking = question if m else asking
    if not m:
        return None
    phrase = _asked_of(asking, m)
    entered = re.match(r"(?:入选|进入?|列入|纳入|成为|评为)([^，,。？?]{2,16})", m.group(0))
    if entered and len(phrase) < 2:
        phrase = entered.group(1)  # 要进“某名单”享受…，得满足什么条件: the list entered is what is asked of
    keys = [k for k in re.split(r"[、和及与或]", phrase) if len(k) >= 2]
    if not keys:
        return None
    bare = re.sub(r"[“”\"「」]", "", phrase)
    head = _head(bare)
    if head and head not in corpus and not default_lexicon().supported(head, corpus) and not _pair_held(bare, corpus):
        # Named in the asker's words: the head when they wrote it so, else the whole phrase
        # (亩均论英雄综合评价, not a glued 亩均英雄).
        return f"现有文件没有关于“{head if head in bare else bare}”的规定"
    # The pieces (between commas) that name the thing: one that states criteria answers.
    mentions = [(h, p) for h, text in _texts(hits) for p in _PIECE.split(text)
                if any(k in p or _core(k, p) or k[:2] in p for k in keys)]
    if not mentions:
        return None
    if any(_CRITERIA_TEXT.search(p) and not _DELEGATES.search(p) for _, p in mentions):
        return None
    h, p = mentions[0]
    return f"{_label(h)}只写道“{_short(p)}”，没有规定其具体标准"


def _criteria_told(asking: str, hits: Sequence[Hit], corpus: str, question: str) -> str | None:
    """Criteria asked with the thing told before (…申请高新技术企业认定，需要什么条件？)."""
    if question == asking or not _CRITERIA_ASK.search(re.sub(r"[，,]", "", question)):
        return None
    told = _TOLD_STATUS.search(question)
    return _criteria(f"{told.group(1)}{told.group(2)}需要什么条件", hits, corpus) if told else None


# The status the asker tells they seek before asking its criteria (想申请高新技术企业认定，…).
_TOLD_STATUS = re.compile(r"(?:申请|申报|办理|参加|参评|争取|想|要)+([\u4e00-\u9fff]{2,12}?)(认定|评定|评审|资格)")


def _pair_held(phrase: str, corpus: str) -> bool:
    """Do the documents hold two neighbouring words of the phrase together (申请兼并收购补助:
    兼并收购)? Then it is no subject they lack, whatever its first words."""
    toks = _long_words(phrase)
    return any(a + b in corpus for a, b in zip(toks, toks[1:]))


def _head(phrase: str) -> str:
    """The head of an asked phrase: its first two words (高新技术企业认定 -> 高新技术企业)."""
    toks = _long_words(phrase)
    return "".join(toks[:2]) if len(toks) >= 2 else ""


def _long_words(phrase: str) -> list[str]:
    """The words of two or more Chinese characters of ``phrase``, in order."""
    from assistant.index.tokenize import _jieba

    return [t for t in _jieba().lcut(phrase) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", t)]


def _states_value(piece: str, core: str) -> bool:
    """Does a piece of a sentence give a figure for ``core``: after it, or just before it with
    nothing joining another thing in between (…价格的一成给予补助, not …收入的一成与征收的某项费用)."""
    at = piece.find(core)
    after = piece[at + len(core):]
    if _FIGURE.search(after):
        return True
    before = _PIECE.split(piece[:at])[-1]
    for f in _FIGURE.finditer(before):
        gap = before[f.end():]
        if _TERM_OF.match(before[f.start():] + core):
            continue  # 1年期贷款市场报价利率: the term names which rate, it is no value of it
        if len(gap) <= 4 and not _BREAK.search(gap):
            return True
    return False


# A figure that names a term (1年期, 5年期以上, 三个月期): part of the thing's name.
_TERM_OF = re.compile(r"\s*(?:[一二三四五六七八九十\d]+\s*)?(?:年|个月|月)?期")


def _value(asking: str, hits: Sequence[Hit], corpus: str, question: str) -> str | None:
    """A value asked of something (X是多少, 多少X) that the clauses naming X do not give."""
    m = _AMOUNT_ASK.search(asking)
    if not m:
        return None
    threshold = re.match(r"\s*(?:以下|以上|以内|之内)", asking[m.end():])
    if not m or _PENALTY.search(asking) or _SUM.search(asking) or (_OWN_FIGURES.search(question) and not threshold):
        return None  # a fine is the composer's; the asker's own figures make it a calculation
    noun = _noun_after(asking[m.end():])
    if noun and noun not in corpus and not default_lexicon().supported(noun, corpus):
        return f"现有文件没有关于“{noun}”的规定"
    phrase = _asked_of(asking, m)
    core = _core(phrase, "".join(t for _, t in _texts(hits)))
    if not core or not _wordlike(core):
        return None  # 园企业 of 新进园企业 / 新进入园企业 is no thing named: the composer says what is given
    found = [(h, s) for h, text in _texts(hits) for s in _sentences(text) if core in s]
    # Any clause found that gives the value answers, not only the first few (a ratio …不低于N
    # ranked below two clauses that only name 容积率).
    if not found or any(_states_value(s, core) for _, text in _texts(hits, len(hits))
                        for s in _sentences(text) if core in s):
        return None
    if any(_new_basis(s, question) for _, s in found):
        return None  # the standard is a basis (根据…综合产出给予补助) the asker does not know yet
    h, sentence = found[0]
    named = re.search(r"[一二三四五六七八九十\d]+\s*" + re.escape(core), sentence) if _TERM_OF.match(core) else None
    shown = named.group(0) if named else core  # 1年期贷款市场报价利率, as the text names it
    return f"{_label(h)}只提到“{shown}”：“{_short(sentence)}”，没有给出其具体数值"


# What an amount is reckoned by, when a clause gives a basis instead of a figure.
_BASIS = re.compile(r"(?:根据|按照?|依据|依照)([^，,。；;]{2,24}?)(?:给予|予以|确定|核定|计算)")


def _new_basis(sentence: str, question: str) -> bool:
    """Does ``sentence`` say what the amount is reckoned by, in words the question does not
    already use? Then it answers 补助标准是多少 as far as the text goes; a question that names
    the basis itself (按…综合产出给补助，具体标准是多少) asks for the figure behind it."""
    for m in _BASIS.finditer(sentence):
        basis = _EDGE.sub("", m.group(1))
        if len(basis) >= MIN_CORE and not _core(basis, question):
            return True
    return False


_PENALTY = re.compile(r"罚")
_SUM = re.compile(r"一共|合计|总共|共计|加起来|总和")
_OWN_FIGURES = re.compile(r"\d\s*(?:万|亿|元|亩|平方米|%|％|家|个|人|年(?!期))")
_MEASURE = re.compile(r"^(?:个|家|亩|名|人|项|次|元|万元|亿元|万|平方米|倍|条|块|钱|户|座|处|笔)")


def _noun_after(text: str) -> str:
    """The thing a 多少 asks the amount of when it comes after (多少手续费 -> 手续费); empty when
    a measure word or no dictionary noun follows (多少个项目 leaves the subject before the ask)."""
    from assistant.index.tokenize import _jieba
    from assistant.retrieve.gate import _freq

    if _MEASURE.match(text):
        return ""
    toks = _jieba().lcut(text)
    word = toks[0] if toks else ""
    return word if len(word) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", word) and _freq()[0].get(word) else ""


# Asking the entries of a list the texts name (某名单企业有哪些, 名录里都有哪些单位).
_MEMBERS_ASK = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:名单|名录|清单|目录))[”\"」]?(?:上|里|中|内)?(?:现在|目前)?的?"
                          r"(?:企业|单位|项目|公司|产品)?(?:都|具体)?"
                          r"(?:有哪些|是哪些|包括哪些|有哪几家|是哪几家|有哪几个|有谁)")
# The places or bodies a named thing takes in (工业控制线具体包括哪些区域和地块, 规划划了哪些区块):
# asked of a thing the texts only name, no text lists them.
_TAKES_IN_ASK = re.compile(r"([\u4e00-\u9fff“”\"]{2,16}?)(?:具体|到底|都)?(?:包括|包含|涵盖|划了|划定了|划入了|覆盖)"
                           r"(?:哪些|哪几个|哪几块|哪几家|什么)(区域|地块|区块|片区|范围|企业|单位|行业|园区)")
# A sentence that gives a list's entries: names joined by 、 after 包括/为/a colon.
_ENTRIES = re.compile(r"(?:包括|为|有|：|:)[^。；]{0,40}?、[^。；]{0,40}?、")
# Asking how something is done (申请流程是怎样的, 怎么申请, 需要哪些材料).
_PROCEDURE_ASK = re.compile(r"(?:申请|办理|报批|审批|认定)?(?:流程|程序|手续|步骤)(?:是|有)?(?:怎样|怎么样|如何|什么|哪些)|"
                            r"(?:怎么|如何|怎样)(?:申请|办理|报批)|需要(?:哪些|什么|啥)(?:材料|手续)")
# What a sentence that says how something is done says.
_PROCEDURE_TEXT = re.compile(r"申请|提交|提出|受理|材料|报送|备案|审核|审查|登记|办理|程序|流程|之日起")


def _members(asking: str, corpus: str) -> str | None:
    """The entries of a list asked for (某名单上的企业有哪些), or what a named thing takes in (某控制线
    包括哪些区域和地块), that no document gives: every sentence that names it uses it without
    listing who or what is in it."""
    m = _MEMBERS_ASK.search(asking) or _TAKES_IN_ASK.search(asking)
    if not m:
        return None
    name = _EDGE.sub("", m.group(1).replace("”", "").replace("\"", "").lstrip("“\"「"))
    core = _core(name, corpus)
    if len(core) < MIN_CORE:
        return None
    mentions = [x for x in _sentences(corpus) if core in x]
    if any(_ENTRIES.search(x[x.find(core):]) for x in mentions):
        return None
    listed = "具体名单" if m.re is _MEMBERS_ASK else f"其包括的{m.group(2)}"
    return f"现有文件只提到“{core}”：“{_short(mentions[0])}”，没有列出{listed}"


def _procedure(asking: str, corpus: str) -> str | None:
    """How something is done (企业破产重整的申请流程) when the documents hold only part of its
    name (企业破产, not 重整) and every sentence that holds that part only mentions it."""
    from assistant.index.tokenize import _jieba

    m = _PROCEDURE_ASK.search(asking)
    if not m:
        return None
    phrase = _asked_of(asking, m)
    core = _core(phrase, corpus)
    if len(core) < MIN_CORE + 1:
        return None  # a short part (申请) names too many things to judge by
    rest = [w for w in _jieba().lcut(phrase.replace(core, "", 1)) if len(w) >= 2 and w not in corpus]
    if not rest:
        return None  # the documents hold the whole name (改造项目的审批流程): the composer answers
    mentions = [x for x in _sentences(corpus) if core in x]
    if not mentions or any(_PROCEDURE_TEXT.search(x) for x in mentions):
        return None
    return f"现有文件只写道“{_short(mentions[0])}”，没有规定其办理程序"


# Asking contact details: a web address, a phone number, an e-mail, an office address.
_CONTACT_ASK = re.compile(r"网址|网站|链接|电话|手机号|热线|邮箱|联系方式|二维码|办公地址|地址在哪|在哪条路|哪条街|具体位置|门牌")
# How texts write them.
_CONTACT_TEXT = re.compile(r"https?://|www\.|\d{3,4}-?\d{7,8}|\d{5,}|@[A-Za-z0-9]|电话|网址|地址：|邮箱|"
                           r"[\u4e00-\u9fff]{2,6}[路街]\d+号")


def _contact(asking: str, corpus: str) -> str | None:
    """Contact details asked for (平台的网址是啥) that no document writes."""
    m = _CONTACT_ASK.search(asking)
    if not m or _CONTACT_TEXT.search(corpus):
        return None
    return f"现有文件没有载明{m.group(0)}等联系信息"


# Asking where a plot lies (四至范围, 具体是哪块地), and text that would say it.
_PLOT_ASK = re.compile(r"四至|哪[一两二三四五六七八九十几]?块地|地块范围|红线范围|具体范围在哪|坐标|坐落在哪")
_PLOT_TEXT = re.compile(r"四至|东至|西至|南至|北至|坐落于|坐落在|红线范围")


def _plot(asking: str, corpus: str) -> str | None:
    """Where a plot lies (那个区块具体是哪块地，四至范围在哪里) when no document says."""
    m = _PLOT_ASK.search(asking)
    if not m or _PLOT_TEXT.search(corpus):
        return None
    return "现有文件没有载明具体地块的位置和四至范围"


def unheld_contents(asking: str, corpus: str) -> str | None:
    """Why the documents cannot answer a question about the contents of something they only
    name — the entries of a list, how a procedure goes, where to reach a body, where a plot lies — or None. Asked before a listing of
    what applies to the asker is offered, which would otherwise answer 某名单上的企业有哪些."""
    return _members(asking, corpus) or _procedure(asking, corpus) or _contact(asking, corpus) or _plot(asking, corpus)


# Asking for a provision's own words (原文是什么, 原话怎么写).
_ORIGINAL_ASKED = re.compile(r"原文|原话|原句|条文(?:是)?怎么写|原本怎么写")


def named_only(asking: str, hits: Sequence[Hit], corpus: str, question: str = "") -> str | None:
    """Why the best clauses only name what the question asks for, or None when they state it.

    Args:
        asking: the asking part of the question (background aside).
        hits: the retrieved clauses, best first.
        corpus: every clause text without whitespace.
        question: the whole question (figures of the asker's own make it a calculation).
    Returns:
        A reason in plain Chinese that says what the text does say, or None.
    """
    if not hits or _ORIGINAL_ASKED.search(asking):
        return None  # …原文怎么规定的: the clause's own words are what is asked, whatever they leave open
    question = question or asking
    # A list named in the background ("…目录里，哪些项目要核准？") is still what is asked into.
    listed = _container(question, hits, corpus) if _LIST_ASK.search(asking) else None
    return (listed or _pointed_list(question, corpus) or _classified(asking, hits, corpus, question)
            or _criteria(asking, hits, corpus, question) or _criteria_told(asking, hits, corpus, question)
            or _left_elsewhere(asking, corpus) or _title_only(asking, corpus)
            or _value(asking, hits, corpus, question))
