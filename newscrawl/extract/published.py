"""The article's publication time, from the meta line, the structured evidence and the page's own hints.

The time shown in the meta line wins, unless it is labelled as an update, is only a date the
structured time (`pagemeta`) agrees with, or is another zone's local time (RFI shows Paris time);
then the structured time. With no time in the meta line and none structured: a time after a
publication label (`发布日期：`, `发表于`, `时间：` in a line with a 来源/people label) in the head of the
article (`head_text`), then in the article's own block (a 发布日期 or 版权声明 box after the text), then
any date near the headline. A year-less shown time (`10-08 12:00`) takes the URL's year, else the year
of a structured time with the same month-day (`_year_hint`), never silently 'now''s year when the page
dates itself. A page with no other time takes the date of an e-paper issue line above the headline
(`issue_date`: `第A05版：本地新闻 2018年07月20日`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from newscrawl import dates
from newscrawl.extract.clues import meta_company
from newscrawl.extract.lines import Line
from newscrawl.extract.results import Body, Headline, MetaLine, PageMeta
from newscrawl.extract.vocabulary import ISSUE_PAGE, META_LINE_MAX_CHARS, META_WINDOW

# labels that make a shown time the update time, not the publication time
UPDATE_LABELS = ("更新时间", "更新時間", "修改时间", "最后更新")
# a dated structured time (2019-03-06, 2019年3月6日): its year dates a shown year-less time
_STRUCTURED_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
ISSUE_LINE_MAX_CHARS = 60
RELATIVE_DAY = re.compile(r"\s*(?:今天|昨天|前天|今日|昨日|前日)")  # a shown day counted from the clock
TIMESTAMP = re.compile(r"[0-9]{10}|[0-9]{13}")  # Unix seconds or milliseconds
MIN_TIMESTAMP = 946_684_800  # 2000-01-01: a smaller number in a time key is an id or a counter, not a time


def head_text(lines: list[Line], title: Headline | None, body: Body | None) -> str:
    """The head of the article: the short lines from the headline (or a window above the body) to the
    body's second line, where a labelled or bare date near the headline is looked for."""
    if body is None:
        return ""
    head_start = title.index + 1 if title and title.index is not None else max(0, body.start - META_WINDOW)
    return " ".join(line.text for line in lines[head_start : body.start + 2] if line.chars <= META_LINE_MAX_CHARS)


def find_published(
    zone: MetaLine,
    meta: PageMeta,
    *,
    url: str | None = None,
    now: datetime | None = None,
    fallback_text: str = "",
    labelled_lines: Iterable[str] = (),
) -> tuple[dates.FoundTime | None, str]:
    """The article's time: the one shown in the meta line, unless it is labelled as an update, is only a
    date, or is another zone's local time; then the structured (<meta>/JSON-LD) time; then other hints.

    Of the hints, a time written after a publication label (发布日期：, 发表于, 时间： in a meta-like
    line) beats a date that merely stands near the headline (often the event's date in the lead): first
    one in `fallback_text` (the head of the article), then one in `labelled_lines` (short lines in the
    article's own block, such as a 发布日期/版权声明 box right after the text)."""
    hint = _year_hint(url, meta, zone.text, now)
    shown = dates.find_times(zone.text, now=now, year_hint=hint) if zone.text else []
    shown_time = shown[0] if shown else None
    is_update = shown_time is not None and any(label in zone.text[: shown_time.start] for label in UPDATE_LABELS)
    # the exact time the page's data gives: <meta>/JSON-LD first, else what its scripts carry
    structured = structured_time(meta, now) or embedded_time(meta, now)
    exact = dates.FoundTime(structured.value, structured.raw, True, 0, 0) if structured else None
    if shown_time is not None and not is_update:
        if structured is not None and exact is not None:
            if shown_time.has_time and _shown_in_foreign_zone(shown_time, structured):
                return exact, f"meta:{structured.key}"
            if not shown_time.has_time and structured.value.date() == shown_time.value.date():
                return exact, f"meta:{structured.key}"
            if _dates_the_shown_time(shown_time, structured):
                return exact, f"meta:{structured.key}"  # 昨天 21:05 or 03-15 08:30: the page's data says which day
        return shown_time, "meta-line"
    if exact is not None and structured is not None:
        return exact, f"meta:{structured.key}"
    if shown_time is not None:
        return shown_time, "meta-line-update"
    for key, value in meta.times:
        found = dates.find_times(value, now=now)
        if found:
            return found[0], f"meta-date:{key}"
    if fallback_text:
        found_label = dates.labelled_time(fallback_text, bare=False, now=now, year_hint=hint)
        if found_label is not None:
            return found_label, "labelled-near-headline"
    for text in labelled_lines:
        found_label = dates.labelled_time(text, bare=meta_company(text), now=now, year_hint=hint)
        if found_label is not None:
            return found_label, "labelled-in-article"
    if fallback_text:
        found = dates.find_times(fallback_text, now=now, year_hint=hint)
        if found:
            return found[0], "near-headline"
    return None, ""


def _year_hint(url: str | None, meta: PageMeta, shown_text: str = "", now: datetime | None = None) -> int | None:
    """The year for year-less times: the URL's; else that of a structured time (publication, then
    update) whose month-day is the month-day of a year-less time shown in `shown_text`; else the first
    structured time's year. Never 'now''s year when the page dates itself."""
    if url:
        found = dates.year_month_from_url(url)
        if found:
            return found[0]
    values = [value for _, value in meta.times + meta.update_times + meta.embedded_times if not TIMESTAMP.fullmatch(value)]
    stamped = [_timestamp(value, now) for _, value in meta.embedded_times if TIMESTAMP.fullmatch(value)]
    values += [moment.strftime("%Y-%m-%d") for moment in stamped if moment is not None]
    if shown_text:
        for shown in dates.find_times(shown_text, now=now):
            if not shown.yearless:
                continue
            for value in values:
                match = _STRUCTURED_DATE.search(value)
                if match and (int(match[2]), int(match[3])) == (shown.value.month, shown.value.day):
                    return int(match[1])
            break
    for value in values:
        match = re.search(r"(?:19|20)\d{2}", value)
        if match:
            return int(match.group())
    return None


@dataclass
class StructuredTime:
    value: datetime  # in Beijing time
    offset: timedelta | None  # the offset the page wrote, None when it wrote none
    raw: str
    key: str


def structured_time(meta: PageMeta, now: datetime | None = None) -> StructuredTime | None:
    """The first publication time with a time of day from <meta>/JSON-LD (META_TIME_KEYS order)."""
    for key, value in meta.times:
        text = value.strip()
        if re.match(r"\d{4}-\d\d-\d\d[ T]\d", text):
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
            except ValueError:
                parsed = None
            if parsed is not None:
                offset = parsed.utcoffset()
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=dates.BEIJING)
                return StructuredTime(parsed.astimezone(dates.BEIJING), offset, value, key)
        found = dates.find_times(text, now=now)
        if found and found[0].has_time:
            return StructuredTime(found[0].value, None, value, key)
    return None


def embedded_time(meta: PageMeta, now: datetime | None = None) -> StructuredTime | None:
    """The first publication time with a time of day that the page's scripts carry (`pagemeta`): a Unix
    timestamp (微信's `ct`, in seconds or milliseconds) or a written time."""
    for key, value in meta.embedded_times:
        if TIMESTAMP.fullmatch(value):
            moment = _timestamp(value, now)
            if moment is not None:
                return StructuredTime(moment, timedelta(0), value, f"script:{key}")
            continue
        found = structured_time(PageMeta(times=[(key, value)]), now)
        if found is not None:
            found.key = f"script:{key}"
            return found
    return None


def _timestamp(value: str, now: datetime | None = None) -> datetime | None:
    """A Unix timestamp in seconds or milliseconds (TIMESTAMP) as a Beijing time; None outside 2000 to tomorrow."""
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    if not MIN_TIMESTAMP <= seconds <= (now or datetime.now(dates.BEIJING)).timestamp() + 86400:
        return None
    return datetime.fromtimestamp(seconds, dates.BEIJING)


def _dates_the_shown_time(shown: dates.FoundTime, exact: StructuredTime) -> bool:
    """A year-less or relative shown time (`03-15 08:30`, `昨天 21:05`) that the exact time matches at
    the minute of the day: the exact one knows its date."""
    relative = RELATIVE_DAY.match(shown.raw) is not None
    if not (shown.yearless or relative) or not shown.has_time:
        return False
    if not relative and (shown.value.month, shown.value.day) != (exact.value.month, exact.value.day):
        return False  # 03-15 08:30 takes only its year from the page's data, never another day
    return (shown.value.hour, shown.value.minute) == (exact.value.hour, exact.value.minute)


def _shown_in_foreign_zone(shown: dates.FoundTime, structured: StructuredTime) -> bool:
    """A shown time that differs from an exact structured time by whole hours is the same moment in
    another zone's local time (RFI shows Paris time). Not so for exactly 8 hours against a `Z` time:
    Chinese sites often stamp Beijing time with `Z`."""
    if structured.offset is None:
        return False
    gap = abs((shown.value - structured.value.replace(second=0, microsecond=0)).total_seconds())
    if shown.value.second:
        gap = abs((shown.value - structured.value).total_seconds())
    if gap == 0 or gap > 14 * 3600 or gap % 3600:
        return False
    return not (gap == 8 * 3600 and structured.offset == timedelta(0))


def issue_date(lines: list[Line], before: int, *, now: datetime | None = None) -> dates.FoundTime | None:
    """The date of an e-paper issue line above the headline (`第A05版：本地新闻  2018年07月20日`): a short
    line, mostly not link text, naming a page (第…版) and a date with its year. The last resort for a page
    that shows no other time: the story was published in that issue."""
    for line in lines[:before]:
        if line.chars > ISSUE_LINE_MAX_CHARS or line.link_ratio > 0.5 or not ISSUE_PAGE.search(line.text):
            continue
        for found in dates.find_times(line.text, now=now):
            if not found.yearless:
                return found
    return None
