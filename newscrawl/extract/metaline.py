"""The meta line and its 来源: where the article's time and labels stand, and the source named there.

`find_meta_line` takes the short lines right after the headline (or before the body) that hold a time
or a 来源/作者/编辑 label, never an image caption closing with its photo credit; an e-paper's date
just above the headline and a bare `来源：` whose value is on the next line join it. The time
(`published`) and the people (`people`) are read from this zone, never from side lists, related
items or comments.

`find_source`: the value of a 来源 label (its other forms too: 来源于, 稿源, 文章来源, 出处; never 图片来源
or 数据来源) in the meta line, then in a 来源 line in or after the body; the `<meta name=source>` value
only for a shown label left empty; the publishing account of a self-media page (a bare name under its
avatar, above the time line); else the one name beside the time that is not a person's (a portal's
channel such as 新浪娱乐 is a source). A value stops before a counter (`新京报参与 2381` -> 新京报) and
keeps the title marks it pairs (`人民网-《人民日报》`).
"""

from __future__ import annotations

import re

from newscrawl import dates
from newscrawl.extract.clues import is_caption, is_prose, line_times, looks_meta, trim_source
from newscrawl.extract.credits import SOURCE_MAX_CHARS, captioned_photo_credit, unlabelled_slots, writer_slot
from newscrawl.extract.lines import Line
from newscrawl.extract.results import Body, CleanBody, Headline, MetaLine, PageMeta
from newscrawl.extract.vocabulary import (
    ACCOUNT_MAX_CHARS,
    CAPTION_START,
    CAPTION_TAGS,
    CJK,
    META_LABEL,
    META_WINDOW,
    OTHER_META_LABELS,
    PEOPLE_LABELS,
    PUNCTUATION,
    SOURCE_LABEL,
    SOURCE_LABEL_BARE,
    SOURCE_TRIM,
    TIME_LABELS,
    UI_WORDS,
)

# Counter words of a meta line, before their number: 参与 2381, 跟帖：12, 人气 90 (also glued to a source).
COUNTER_WORD = r"(?:参与|參與|跟帖|评论|評論|阅读|閱讀|浏览|瀏覽|点击|點擊|人气|人氣|热度|熱度)(?:量|数|數|人数|次数)?\s*[：:]?\s*(?=\d)"
# Where the value of a 来源 label ends.
SOURCE_STOP = re.compile(
    r"\s{2,}|[|｜【】\[\]\s]*(?:"
    + "|".join(re.escape(x) for x in PEOPLE_LABELS + TIME_LABELS + OTHER_META_LABELS)
    + r")|[|｜【】\[\]\s]*"
    + COUNTER_WORD
    + r"|[|｜]|\s+(?=\d)|\s+(?:https?://|www\.)|https?://"
)
SOURCE_TRAILING_BRACKET = re.compile(r"\s*[（(][^（()）]{1,12}[)）]?\s*$")


def find_meta_line(lines: list[Line], title: Headline | None, body: Body | None) -> MetaLine:
    """The short lines right after the headline (or just before it) holding its time and labels."""
    zone = MetaLine()
    if title is not None and title.index is not None:
        start = title.index + 1
    elif body is not None:
        start = max(0, body.start - META_WINDOW)
    else:
        start = 0
    stop = min(len(lines), start + META_WINDOW)
    for line in lines[start:stop]:
        if not zone.indexes and line.after_image and is_caption(line) and not looks_meta(line):
            continue  # the caption of a lead picture set between the headline and the meta line
        if is_prose(line) and not looks_meta(line) and zone.indexes:
            break
        if is_prose(line) and not looks_meta(line) and body is not None and line.index >= body.start:
            break
        if looks_meta(line) and not captioned_photo_credit(line):
            zone.indexes.append(line.index)
    has_time = any(line_times(lines[i]) for i in zone.indexes)
    if not has_time and title is not None and title.index is not None:
        # some pages (e-paper editions) show the date just above the headline
        for line in lines[max(0, title.index - 3) : title.index]:
            if line.chars <= 60 and line.link_ratio <= 0.7 and line_times(line):
                zone.indexes.append(line.index)
    # a bare "来源：" label whose value sits on the next line
    for index in list(zone.indexes):
        if SOURCE_LABEL_BARE.search(lines[index].text) and index + 1 < len(lines) and index + 1 not in zone.indexes:
            following = lines[index + 1]
            if following.chars <= SOURCE_MAX_CHARS:
                zone.indexes.append(index + 1)
    zone.indexes.sort()
    zone.text = "  ".join(lines[i].text for i in zone.indexes)
    return zone


def find_source(
    zone: MetaLine,
    cleaned: CleanBody,
    meta: PageMeta,
    account: str | None = None,
) -> tuple[str | None, str]:
    """The 来源 value: meta-line label, then a 来源 line in or after the body, then the publishing
    account of a self-media page (`publishing_account`), then the name beside the time in a label-less
    meta line. `<meta name=source>` is read only when the page shows a 来源 label
    whose value is empty (filled in by script): a source the page does not show is no 来源."""
    value = source_after_label(zone.text)
    if value:
        return value, "meta-line-label"
    for text in cleaned.source_lines:
        value = source_after_label(text)
        if value:
            return value, "body-label"
    shown_empty = SOURCE_LABEL.search(zone.text) or any(SOURCE_LABEL.search(text) for text in cleaned.source_lines)
    if shown_empty and meta.source and len(meta.source) <= SOURCE_MAX_CHARS:
        return meta.source, "meta-tag-for-empty-label"
    if account:
        return account, "publishing-account"
    if meta.account and meta.account in zone.text:
        return meta.account, "embedded-account"  # the 公众号 the page's data names, shown in its meta line
    for part in zone.text.split("  "):
        value = source_beside_time(part)
        if value:
            return value, "beside-time"
    return None, ""


def source_after_label(text: str) -> str | None:
    """The value of the first 来源 label in `text`, up to the next label, time, gap or second name."""
    for match in SOURCE_LABEL.finditer(text):
        rest = text[match.end() :].lstrip(" [【「(（")
        stop = SOURCE_STOP.search(rest)
        value = rest[: stop.start()] if stop else rest
        times = dates.find_times(value)
        if times:
            value = value[: times[0].start]
        value = _first_name_token(value.strip(" :："))
        value = trim_source(SOURCE_TRAILING_BRACKET.sub("", value))
        if value and len(value) <= SOURCE_MAX_CHARS and not value.lower().startswith(("http", "www.")):
            return value
    return None


def _first_name_token(value: str) -> str:
    """The first whitespace-separated word of a value; Latin words stay joined (`The Paper`)."""
    words = value.split()
    if not words:
        return ""
    taken = [words[0]]
    for word in words[1:]:
        if re.search(r"[A-Za-z0-9]$", taken[-1]) and re.match(r"[A-Za-z]", word):
            taken.append(word)
        else:
            break
    return " ".join(taken)


def source_beside_time(text: str) -> str | None:
    """In a meta line without a 来源 label (`淄博晚报 2014-05-06 17:22 大字`, `2020-10-04 15:05聯合報 記者…`),
    the one name written beside the time, if it is not a person's (`credits.writer_slot`); or the source
    slot of an unlabelled line of names before the time (`unlabelled_slots`). A badge (原创) is never the source."""
    if not dates.find_times(text) or SOURCE_LABEL.search(text):
        return None
    slot, _ = unlabelled_slots(text)
    if slot:
        return slot
    reading = writer_slot(text)
    return reading[1] if reading is not None and reading[0] == "source" else None


PROMO_LINES_MAX = 2  # short promo lines allowed between the account's name and the time line
PROMO_MAX_CHARS = 8


def _promo_between(line: Line) -> bool:
    """A short line of no sentence and no time or label between an account's name and its time line."""
    text = line.text
    return (
        line.chars <= PROMO_MAX_CHARS
        and not PUNCTUATION.search(text)
        and not line_times(line)
        and not META_LABEL.search(text)
        and not UI_WORDS.search(text)
    )


def publishing_account(lines: list[Line], title: Headline | None, zone: MetaLine) -> str | None:
    """The publishing account of a self-media page (百家号, 头条号, 企鹅号, 公众号): a bare name line right
    after an image (the account's avatar), standing between the headline and the meta zone's time line,
    right above that line. A name line without an avatar, a caption, a labelled line (作者, 来源, 优质原创作者)
    or a sentence is no account."""
    if title is None or title.index is None:
        return None
    time_lines = [i for i in zone.indexes if i > title.index and line_times(lines[i])]
    if not time_lines or time_lines[0] - 1 <= title.index:
        return None
    above = time_lines[0] - 1
    # an app promo under the account's name (下载客户端, 独家抢先看) may stand between it and the time line
    while above - 1 > title.index and time_lines[0] - above <= PROMO_LINES_MAX and _promo_between(lines[above]):
        above -= 1
    line = lines[above]
    name = line.text.strip().strip(SOURCE_TRIM)
    if not line.after_image or not 2 <= len(name) <= ACCOUNT_MAX_CHARS or CAPTION_START.match(line.text):
        return None
    if isinstance(getattr(line.owner, "tag", None), str) and line.owner.tag.lower() in CAPTION_TAGS:
        return None
    if re.search(r"[\s，,。；;：:！？!?、]", name) or not (CJK.search(name) or re.search(r"[A-Za-z]{2}", name)):
        return None
    if META_LABEL.search(name) or SOURCE_LABEL_BARE.search(name) or UI_WORDS.search(name) or dates.find_times(name):
        return None
    return name
