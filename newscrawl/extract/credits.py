"""Who a line credits: the names of a byline, a staff line, a bracketed credit, a lead or a meta line.

The shared questions about credits, asked by the meta line, the body and the people finders alike.
The names themselves are read by `newscrawl.extract.bylines` (role words and runs of names); this
layer decides which stretch of a line to hand it: a standalone credit line (`people_line`), bracketed
segments (`bracket_people`), a credit opening a paragraph (`lead_credit`), the stretch after a people
label (`labelled_people`), the slots of an unlabelled meta line (`unlabelled_slots`), or the one name
beside the time in the writer's slot (`writer_slot`: a person there is an author, an organisation, paper
or account the source). A photo credit closing an image caption credits the photo, not the story
(`caption_photo_credit`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TypeVar

from newscrawl import dates
from newscrawl.extract import bylines
from newscrawl.extract.clues import is_caption, line_times
from newscrawl.extract.lines import Line, clean_text, norm
from newscrawl.extract.vocabulary import (
    ACCOUNT_MAX_CHARS,
    BADGE_WORDS,
    CJK,
    CJK_PUNCTUATION,
    META_LABEL,
    NON_PEOPLE_LABEL,
    ORG_SUFFIX,
    PEOPLE_LABEL,
    SOURCE_LABEL,
    SOURCE_TRIM,
    STAFF_WORD,
    UI_WORDS,
    URL,
    names_no_person,
)

SUFFIX_PEOPLE_LABEL = re.compile(r"文\s*[/／]\s*[图圖]|[图圖]\s*[/／]\s*文|摄影|攝影")
NAMES_BEFORE_LABEL = re.compile(r"(?:^|(?<=[\s|｜]))(?P<names>[\u4e00-\u9fff·]{2,4}(?:[\s、][\u4e00-\u9fff·]{2,4}){0,2})\s*$")
AUTHOR_LABEL = re.compile(r"记者|記者|通讯员|通訊員|作者|撰文|摄影|攝影|编译|編譯")
# Cheap test before asking the bylines module: words every byline or staff line carries.
BYLINE_CUE = re.compile(
    r"记者|記者|通讯员|通訊員|作者|编辑|編輯|责编|責編|校对|校對|美编|美編|[摄攝]|文\s*[/／]|[/／]\s*文|图\s*[/／]|[/／]\s*图"
    r"|报道|報導|供图|制图|製圖|撰文|撰稿|实习生|口述|整理|□"
)
# A photo credit (摄, 摄影, 供图) that does not also credit the text (文/图, 图文): what a caption credits.
PHOTO_CREDIT = re.compile(r"[摄攝]|供[图圖]")
TEXT_CREDIT = re.compile(r"文\s*[/／·]?\s*[图圖]|[图圖]\s*[/／·]?\s*文|[/／]\s*文|文\s*[/／]")
BRACKETED = re.compile(r"[【\[（(〔]([^】\]）)〕]{2,40})[】\]）)〕]")
OPENING_BRACKET = re.compile(r"[【\[（(〔]")  # what every BRACKETED segment opens with: a cheap test before it
LEAD_BRACKET = re.compile(r"^\s*[〔【\[（(]([^〕】\]）)]{2,30})[〕】\]）)]")
logger = logging.getLogger(__name__)
SOURCE_MAX_CHARS = 30  # a 来源 value is no longer than this
T = TypeVar("T")


def byline_call(function: Callable[[str], T], text: str) -> T | None:
    """Call a `bylines` reader; a bug there costs the names of one line, not the page."""
    try:
        return function(text)
    except (IndexError, ValueError, KeyError) as error:
        logger.warning("bylines.%s failed on %r: %r", getattr(function, "__name__", function), text, error)
        return None


def parse_people(text: str) -> bylines.Byline:
    return byline_call(bylines.parse_byline, text) or bylines.Byline([], [], "")


def people_line(text: str) -> bylines.Byline | None:
    """A standalone staff or byline line, as the bylines module reads it."""
    if not BYLINE_CUE.search(text):
        return None
    staff = byline_call(bylines.staff_line, text)
    if staff is not None and (staff.editors or staff.authors):
        return staff
    credit = byline_call(bylines.byline_line, text)
    if credit is not None and (credit.authors or credit.editors):
        return credit
    return None


def bracket_people(text: str, *, alone: bool = True) -> bylines.Byline | None:
    """Names in a bracketed staff or credit segment of a line (`【编辑:刘欢】 返回搜狐` -> 刘欢).

    `alone`: the brackets must be (nearly) all the line's own text; False for a line whose other text
    is links."""
    if not OPENING_BRACKET.search(text):
        return None  # no bracket, no bracketed credit
    authors: list[str] = []
    editors: list[str] = []
    outside = BRACKETED.sub("", text)
    if alone and (len(norm(outside)) > 12 or CJK_PUNCTUATION.search(outside)):
        return None  # a sentence that contains a bracket, not a credit line
    for match in BRACKETED.finditer(text):
        inner = match.group(1)
        if PEOPLE_LABEL.search(inner):
            people = parse_people(inner)
            authors += people.authors
            editors += people.editors
    if not authors and not editors:
        return None
    return bylines.Byline(authors, editors, text)


def lead_credit(paragraph: str) -> bylines.Byline | None:
    """A credit opening a paragraph: the bylines module's leads, or a bracketed `〔記者…／台北報導〕`."""
    lead = byline_call(bylines.lead_byline, paragraph)
    if lead is not None and lead.authors:
        return lead
    match = LEAD_BRACKET.match(paragraph)
    if match and AUTHOR_LABEL.search(match.group(1)):
        people = parse_people(match.group(1))
        if people.authors:
            return bylines.Byline(people.authors, [], match.group(0))
    return None


def labelled_people(text: str) -> bylines.Byline:
    """Authors and editors named after people labels (作者/记者/编辑/责任编辑 ...) in a meta or source line.

    Only the stretch from the first people label to the next time or 来源 label is read, so the 来源
    value, the time and words like 发表时间 never become names.
    """
    first = PEOPLE_LABEL.search(text)
    if first is None:
        return bylines.Byline([], [], "")
    start = first.start()
    if SUFFIX_PEOPLE_LABEL.match(text, start):
        # 文/图 and 摄影 follow the names they credit: `2018-03-02 10:15 顾庆宏 文/图` (names only, no 来源 value)
        before = NAMES_BEFORE_LABEL.search(text, 0, start)
        names = byline_call(bylines.surname_names, before.group("names")) if before is not None else None
        if before is not None and names:
            start = before.start("names")
    segment = text[start:]
    stops = [m.start() for m in NON_PEOPLE_LABEL.finditer(segment) if m.start() > 0]
    stops += [t.start for t in dates.find_times(segment) if t.start > 0]
    if stops:
        segment = segment[: min(stops)]
    return parse_people(segment)


def unlabelled_slots(text: str) -> tuple[str | None, list[str]]:
    """In a meta line with no labels at all whose words all stand before its time (`原创 申屠明 临江日报
    2021-06-02 08:00`, a 微信公众号 line): the word right before the time is the source slot (the
    publishing account) and the person-looking names before it (a known surname and 1-2 characters,
    compound surnames too) are its authors. Badges (原创, 转载, 独家) are skipped. (None, []) unless there
    are at least two such words, the slot word is no person's name and every word before it is one."""
    times = dates.find_times(text)
    if not times or META_LABEL.search(text) or SOURCE_LABEL.search(text) or NON_PEOPLE_LABEL.search(text):
        return None, []
    if clean_text(UI_WORDS.sub(" ", text[times[-1].end :])).strip(SOURCE_TRIM + " "):
        return None, []  # words after the time: not this layout
    words = [w.strip(SOURCE_TRIM) for w in UI_WORDS.sub(" ", text[: times[0].start]).split()]
    words = [w for w in words if w and not BADGE_WORDS.match(w)]
    if len(words) < 2 or not all(CJK.search(w) or re.search(r"[A-Za-z]{2}", w) for w in words):
        return None, []
    slot, names = words[-1], words[:-1]
    if not 2 <= len(slot) <= ACCOUNT_MAX_CHARS or (bylines.person_like(slot) and not ORG_SUFFIX.search(slot)):
        return None, []
    if len(names) > 3 or not all(bylines.person_like(name) for name in names):
        return None, []
    return slot, names


# A Latin user handle (maomaobear, li_wei88): no capitals, the form accounts of people take, not outlets (BBC, Reuters).
LATIN_HANDLE = re.compile(r"[a-z][a-z0-9_.\-]{2,29}")
SOURCE_WITH_VALUE = re.compile(SOURCE_LABEL.pattern + r"\S*")  # a 来源 label and the word it labels
PEN_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}")  # a 公众号 author field: a pen name of Han characters (闲云野鹤)
LATIN_ACRONYM = re.compile(r"[A-Z]{2,6}")  # BBC, CGTN, YMG: an organisation
IP_LOCATION = re.compile(r"(?:IP\s*属地|发表于|发布于)\s*[：:]?\s*\S*", re.I)  # where the writer was, no name
# a counter written number first: 0人参与评论, 12次阅读, 3跟帖
NUMBER_COUNTER = re.compile(r"\d+\s*(?:人|次)?\s*(?:参与|參與|跟帖|跟贴|评论|評論|阅读|閱讀|浏览|瀏覽|点击|點擊)+")


def _words_beside_times(text: str) -> list[str]:
    """The words of a meta line once its times, IP location, counters, addresses, buttons and badges are out."""
    for found in dates.find_times(text)[::-1]:
        text = text[: found.start] + " " + text[found.end :]
    text = UI_WORDS.sub(" ", URL.sub(" ", NUMBER_COUNTER.sub(" ", IP_LOCATION.sub(" ", text))))
    words = [w.strip(SOURCE_TRIM) for w in text.split()]
    return [w for w in words if w and not BADGE_WORDS.match(w)]


def writer_slot(text: str) -> tuple[str, str] | None:
    """The one name written beside the time in a meta line, and how it reads: `("source", name)` for an
    organisation, a paper, an account or an acronym (`淄博晚报 2014-05-06 17:22`, `BBC`); `("author", name)`
    for a person's name (`2020-03-05 10:20 王小明`, a lower-case handle `maomaobear 2015-06-19`). Beside a
    来源 label only the author reading is given, beside a people label only the source one. None when there
    is no such single name, or it looks like a name without surely being one."""
    times = dates.find_times(text)
    if not times:
        return None
    labelled = SOURCE_LABEL.search(text) is not None
    people_labelled = PEOPLE_LABEL.search(text) is not None  # its people are read by their labels
    rest = SOURCE_WITH_VALUE.sub(" ", text)  # 王小明 2020-03-05 来源：新华网: the label's value is no slot
    words = [w for w in _words_beside_times(rest) if not META_LABEL.search(w) and (CJK.search(w) or re.search(r"[A-Za-z]{2}", w))]
    if len(words) != 1 or not 2 <= len(words[0]) <= SOURCE_MAX_CHARS:
        return None
    word = words[0]
    if ORG_SUFFIX.search(word) or byline_call(bylines.split_names, word) != [word] or LATIN_ACRONYM.fullmatch(word):
        return None if labelled else ("source", word)  # beside a 来源 label the label names the source
    if names_no_person(word):
        return None  # 2023-05-01 10:20 江西: an IP location, a channel or a placeholder
    if not people_labelled and (bylines.person_like(word) or LATIN_HANDLE.fullmatch(word)):
        return "author", word
    return None


def beside_account(text: str, account: str) -> str | None:
    """The author's name in a self-media meta line that shows the publishing account (the 微信公众号
    layout `原创 2018-04-07 闲云野鹤 闲云野鹤古刹`): the one word left besides the account, badges and the
    time, when it is a name and not an organisation; else None."""
    if not account or account not in text or SOURCE_LABEL.search(text) or META_LABEL.search(text):
        return None
    words = _words_beside_times(text.replace(account, " "))
    if len(words) != 1 or not 2 <= len(words[0]) <= ACCOUNT_MAX_CHARS:
        return None
    word = words[0]
    if ORG_SUFFIX.search(word) or CJK_PUNCTUATION.search(word) or names_no_person(word):
        return None
    if not (bylines.person_like(word) or LATIN_HANDLE.fullmatch(word) or PEN_NAME.fullmatch(word)):
        return None
    return word


def caption_photo_credit(line: Line, credit: bylines.Byline) -> bool:
    """`credit`, read at the end of `line`, only credits the photo the line captions: (通讯员陶兴 摄).
    A credit of the text (本报记者 廖刚颖 文/图) or of bare names ends the story, not the caption."""
    raw = credit.raw or ""
    return is_caption(line) and bool(PHOTO_CREDIT.search(raw)) and not TEXT_CREDIT.search(raw)


def is_caption_credit(text: str) -> bool:
    """A line that credits only a photo (`▲本报记者黎旭阳、李妍摄`, `记者 张三 摄`): a photo credit word, no
    credit of the text (文/图) and no staff label. Standing as an image's caption it names no author."""
    if not PHOTO_CREDIT.search(text) or TEXT_CREDIT.search(text) or STAFF_WORD.search(text):
        return False
    credit = people_line(text)
    return credit is not None and bool(credit.authors) and not credit.editors


def captioned_photo_credit(line: Line) -> bool:
    """An image caption that describes the picture and closes with its photo credit (`工人正在调试灯组 本报记者
    司马川 摄`): body text, never a meta line, and its photographer is no author. A bare credit line of its
    own (`记者 张三 摄`), a text credit (文/图), a time or a 来源 label keep a line out of this."""
    text = line.text
    if not is_caption(line) or not PHOTO_CREDIT.search(text) or TEXT_CREDIT.search(text):
        return False
    if SOURCE_LABEL.search(text) or line_times(line) or STAFF_WORD.search(text):
        return False
    return people_line(text) is None
