"""What a line is: the questions every finder asks about a line of the page, answered once.

Is it prose (and how much: `prose_score`), a link list, a meta line (`looks_meta`: labels and a time,
not a sentence), an image caption, a labelled time line, a 来源 line, a block end (相关新闻, 分享到),
a landmark opening other stories, inside a heading? These read only the line and the shared
vocabulary, never another finder's results. A line's times, meta look, prose score and heading
element are computed the first time they are asked and kept on the `Line` (a page's lines are asked
the same questions by every finder); the text questions keep their answers per text.
Credits (who a line names) are the next layer up, in `credits`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from newscrawl import dates
from newscrawl.extract.lines import Line, clean_text, count_chars, norm
from newscrawl.extract.vocabulary import (
    BLOCK_END,
    CAPTION_MAX_CHARS,
    CAPTION_START,
    CAPTION_START_MAX_CHARS,
    CAPTION_TAGS,
    CJK_PUNCTUATION,
    META_LABEL,
    META_LINE_MAX_CHARS,
    OTHER_STORIES,
    PEOPLE_LABEL,
    PROMO_HEADING_EXTRA_CHARS,
    PROMO_LANDMARK,
    PUNCTUATION,
    SENTENCE_END,
    SOURCE_LABEL_BARE,
    SOURCE_TRIM,
    UI_WORDS,
    URL,
    may_hold_source_label,
    source_label_in,
)

HEADING_WEIGHT = {"h1": 1.2, "h2": 0.8, "h3": 0.5}  # how much a heading element says "headline"
HEADLINE_TAGS = ("h1", "h2")  # a line in one of these is never prose

# Prose scoring knobs.
PROSE_MIN_CHARS = 10
LINK_LINE_RATIO = 0.5  # a line more link text than this is a link, not prose
PROSE_PUNCTUATION = re.compile(r"[，。！？；、：“”,!?;]")  # "." left out: it fills URLs and "..."
CLAUSE_MARK = re.compile(r"[，。,]")  # a short line without one is a label or a headline, not prose
TEASER_ENDINGS = ("...", "…", "。。。")  # a line ending so, whitespace aside, is a teaser cut short
# Copyright and reprint notices: prose-like, but never the article (they only lower a container's score).
LEGAL_NOTICE = re.compile(
    r"版权|版權|著作权|著作權|侵权|侵權|转载|轉載|免责|免責|法律顾问|授权|授權|举报|舉報|许可证|許可證|备案|ICP|"
    r"Copyright|©|allrightsreserved",
    re.I,
)
# Every character a LEGAL_NOTICE match can begin with (ignoring case: İ and ı are i's): a cheap test before it.
LEGAL_NOTICE_START = re.compile(r"[版著侵转轉免法授举舉许許备©AaCcIiİı]")

# Meta and 来源 lines.
META_HINT = re.compile(r"\d|来源|來源|作者|编辑|編輯|记者|記者")  # cheap test before looks_meta
LINKED_TIME_MAX_CHARS = 30  # a linked line this short that is mostly a time is the article's time line
LINKED_TIME_RESIDUE_CHARS = 6  # what it holds besides the time (来自北京)
META_RESIDUE_CHARS = 40  # what a meta line may hold besides times, labels and buttons (names, sources)
COPYRIGHT_HEADING = re.compile(r"版权声明|版權聲明|免责声明|免責聲明|转载声明|稿件声明")  # may stand before 来源：
# title marks a source value keeps in pairs: 人民网-《人民日报》
TITLE_MARKS = (("《", "》"), ("〈", "〉"), ("「", "」"), ("『", "』"), ("“", "”"))


def line_times(line: Line) -> list[dates.FoundTime]:
    """The times shown in a line (`dates.find_times` without a clock: for where they stand, not when)."""
    if line.times is None:
        line.times = dates.find_times(line.text)
    return line.times


def prose_score(line: Line) -> float:
    """How much a line looks like article prose: 0 for link lists and short labels, little for notices."""
    if line.prose is None:
        line.prose = _prose_score(line)
    return line.prose


def _prose_score(line: Line) -> float:
    if line.chars < PROSE_MIN_CHARS or line.link_ratio > LINK_LINE_RATIO:
        return 0.0
    if (line.chars < 20 and not CLAUSE_MARK.search(line.text)) or heading_tag(line) in HEADLINE_TAGS:
        return 0.0  # headlines and labels are not prose
    if line.chars <= META_LINE_MAX_CHARS and META_HINT.search(line.text) and looks_meta(line):
        return 0.0  # the meta line
    value = 1.0 + len(PROSE_PUNCTUATION.findall(line.text)) + min(line.chars / 50, 4.0)
    folded = norm(line.text)  # matched without spaces: 版 权 所 有
    if LEGAL_NOTICE_START.search(folded) and LEGAL_NOTICE.search(folded):
        value *= 0.1
    if line.text.rstrip().endswith(TEASER_ENDINGS):
        value *= 0.2  # a teaser cut short with "..." belongs to another story
    return value


def is_prose(line: Line) -> bool:
    return line.link_ratio <= LINK_LINE_RATIO and ((line.chars >= 15 and bool(PUNCTUATION.search(line.text))) or line.chars >= 40)


def is_link_line(line: Line) -> bool:
    return line.link_ratio > LINK_LINE_RATIO and not (line.chars >= 40 and PUNCTUATION.search(line.text) and line.link_ratio < 0.9)


def looks_meta(line: Line) -> bool:
    """A meta line: a 来源 label, or a time with little else but labels and buttons, or a short labelled line."""
    if line.meta is None:
        line.meta = _looks_meta(line)
    return line.meta


def _looks_meta(line: Line) -> bool:
    if line.chars > META_LINE_MAX_CHARS:
        return False
    labelled = source_label_in(line.text) is not None
    if line.link_ratio > 0.8 and not labelled and not _linked_time_alone(line):
        return False
    if labelled or (may_hold_source_label(line.text) and SOURCE_LABEL_BARE.search(line.text)):
        return True
    times = line_times(line)
    if times:
        # a meta line is mostly labels and the time, not a sentence (or a dateline) that mentions a date
        if SENTENCE_END.search(line.text) or line.text.count("，") >= 2:
            return False
        residue = line.text
        for found in reversed(times):
            residue = residue[: found.start] + residue[found.end :]
        residue = META_LABEL.sub("", UI_WORDS.sub("", URL.sub("", residue)))
        return count_chars(clean_text(residue)) <= META_RESIDUE_CHARS
    return bool(META_LABEL.search(line.text)) and line.chars <= 60 and not SENTENCE_END.search(line.text)


def _linked_time_alone(line: Line) -> bool:
    """A line that is a time and little else, set as a link (`2019年02月20日 02:26:00 来自北京`): a time line
    still, unlike a linked headline with its date in a list of other stories."""
    times = line_times(line)
    if not times or line.chars > LINKED_TIME_MAX_CHARS:
        return False
    residue = line.text
    for found in reversed(times):
        residue = residue[: found.start] + residue[found.end :]
    return count_chars(clean_text(residue)) <= LINKED_TIME_RESIDUE_CHARS


def is_caption(line: Line) -> bool:
    """An image caption: a line opening with 图①/图1/图为/图：, a <figcaption>, or a short line right after an
    image. A photographer credited only in a caption is no author (LABELS.md): see `credits.caption_photo_credit`."""
    if CAPTION_START.match(line.text) and line.chars <= CAPTION_START_MAX_CHARS:
        return True
    owner = line.owner
    if isinstance(getattr(owner, "tag", None), str) and owner.tag.lower() in CAPTION_TAGS:
        return True
    return line.after_image and line.chars <= CAPTION_MAX_CHARS


@lru_cache(maxsize=4096)
def is_time_line(text: str) -> bool:
    """A short line (not a sentence) with a publication label before a time: `发布日期：2019-03-06 责任编辑：龙慧`,
    `版权声明 来源：当代商报 时间：2019-09-23 14:34:05`; not `活动时间：3月6日` nor `更新时间：…`."""
    if count_chars(text) > META_LINE_MAX_CHARS // 2 or SENTENCE_END.search(text):
        return False
    return dates.labelled_time(text, bare=meta_company(text)) is not None


def meta_company(text: str) -> bool:
    """A line that also holds a 来源 or a people label: there a bare 时间：/日期： labels the article's time."""
    return bool(source_label_in(text) or PEOPLE_LABEL.search(text))


@lru_cache(maxsize=4096)
def is_source_line(text: str) -> bool:
    """A short line whose 来源 label comes first or after only labels, times or a heading word
    (`来源：当代商报`, `版权声明 来源：当代商报 时间：…`, `2019-03-06 来源：某某日报`); not a sentence."""
    match = source_label_in(text)
    if match is None or count_chars(text) > 80 or SENTENCE_END.search(text[: match.start()]):
        return False
    before = text[: match.start()]
    for found in reversed(dates.find_times(before)):
        before = before[: found.start] + before[found.end :]
    before = META_LABEL.sub("", UI_WORDS.sub("", COPYRIGHT_HEADING.sub("", before)))
    return count_chars(clean_text(before)) <= 2 and not CJK_PUNCTUATION.search(before)


def is_block_end(text: str) -> bool:
    """A line that opens a related-news / recommendation / comment / share block."""
    match = BLOCK_END.match(text)
    if not match:
        return False
    return len(text) <= match.end() + 40 or bool(re.match(r"[\s:：>》】\]）)]", text[match.end() : match.end() + 1]))


def opens_other_stories(line: Line) -> bool:
    """A landmark after which come other stories (相关新闻, 新闻推荐, 猜你喜欢, 热点新闻, ...): nothing after it
    may give the article people, a source or a time. Share bars and keyword lines are landmarks too, but
    staff and 来源 lines may follow them."""
    text = line.text
    if not is_block_end(text):
        return False
    match = OTHER_STORIES.match(text)
    if match is None:
        return False
    promo = PROMO_LANDMARK.match(text)
    return promo is None or line.chars <= count_chars(clean_text(promo.group(0))) + PROMO_HEADING_EXTRA_CHARS


def heading_element(line: Line) -> Any | None:
    """The h1-h3 element holding the line (its owner or up to two ancestors), else None."""
    if line.heading_element is None:
        line.heading_element = _heading_element(line)
    return line.heading_element if line.heading_element is not False else None


def _heading_element(line: Line) -> Any:
    if not line.heading:
        return False  # a line held by an h1-h3 had its text inside it (`Line.heading`): no climbing for the rest
    element = line.owner
    for _ in range(3):
        if element is None:
            return False
        if isinstance(element.tag, str) and element.tag.lower() in HEADING_WEIGHT:
            return element
        element = element.getparent()
    return False  # asked, and there is none


def heading_tag(line: Line) -> str | None:
    element = heading_element(line)
    return element.tag.lower() if element is not None else None


def heading_level(line: Line) -> int | None:
    """The level of the h1-h6 element holding the line (itself or up to two ancestors), else None."""
    element = line.owner
    for _ in range(3):
        if element is None:
            return None
        if isinstance(element.tag, str) and re.fullmatch(r"h[1-6]", element.tag.lower()):
            return int(element.tag[1])
        element = element.getparent()
    return None


def element_hint(element: Any, pattern: re.Pattern[str], levels: int = 2, seen: dict[Any, bool] | None = None) -> bool:
    """The element or one of its `levels - 1` nearest ancestors has a class or id `pattern` finds; `seen` keeps
    each element's answer for the next line that asks (lines share owners and parents)."""
    for _ in range(levels):
        if element is None:
            return False
        found = seen.get(element) if seen is not None else None
        if found is None:
            found = pattern.search((element.get("class") or "") + " " + (element.get("id") or "")) is not None
            if seen is not None:
                seen[element] = found
        if found:
            return True
        element = element.getparent()
    return False


def trim_source(value: str) -> str:
    """`value` without the separators and brackets around it (SOURCE_TRIM), but a title mark that a kept
    one pairs with stays: `人民网-《人民日报》` keeps its closing `》`, `《人民日报》` alone loses both."""
    core = value.strip(SOURCE_TRIM)
    if not core:
        return core
    start = value.find(core)
    end = start + len(core)
    for opening, closing in TITLE_MARKS:
        while core.count(opening) > core.count(closing) and value[end : end + 1] == closing:
            end += 1
            core = value[start:end]
        while core.count(closing) > core.count(opening) and start > 0 and value[start - 1] == opening:
            start -= 1
            core = value[start:end]
    return core


def unique(names: Iterable[str]) -> list[str]:
    """Names stripped, in order, each once."""
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name and name not in out:
            out.append(name)
    return out
