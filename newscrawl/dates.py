"""Find and normalise the date/time expressions of Chinese news pages.

Pure functions; "now" is always injectable. `find_times` is pattern-only (fast); `parse_time` falls
back to dateparser (about 2 ms a call) only when no pattern matches. `labelled_time` finds the time a
publication label (发布日期：, 发表于, and optionally a bare 时间：/日期：) stands right before.

A year-less month-day glued to its clock (`09-3022:46`) is read when the digits split one way only: two
digit month 01-12, two digit day 01-31, then HH:MM with nothing numeric around it (phone tails and ids
have digits or a dash before). `FoundTime.yearless` tells that the year was inferred (from `year_hint`
or "now"), so a caller can take it from a structured time on the page instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit

BEIJING = timezone(timedelta(hours=8))
MIN_YEAR, MAX_YEAR = 1990, 2100
# a year-less date may lie this far after "now" (clock skew, time zones) before it counts as last year's
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class FoundTime:
    value: datetime  # aware, in BEIJING
    raw: str  # the matched text as it appears
    has_time: bool  # False for a date-only match
    start: int = 0  # span in the searched text
    end: int = 0
    yearless: bool = False  # the text gave no year (month-day or a relative day): the year was inferred


_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
_ZONE_WORD = r"(?:北京时间|格林尼治标准时间|格林威治时间|GMT|UTC)(?![A-Za-z])"

# Date heads; the time part, if any, is matched after them by _TIME_TAIL.
_HEAD_RE = re.compile(
    r"""
    (?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])
  | (?<!\d)(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]
  | (?<![\d年])(?P<ym>\d{1,2})\s*月\s*(?P<yd>\d{1,2})\s*[日号]
  | (?<![\d\-/.])(?<!\d:)(?P<gm>0[1-9]|1[0-2])-(?P<gd>0[1-9]|[12]\d|3[01])(?=(?:[01]\d|2[0-3]):[0-5]\d(?![\d.]))
  | (?<![\d\-/.])(?<!\d:)(?P<dm>\d{1,2})[-/](?P<dd>\d{1,2})(?![\d\-/.])
  | (?P<day>今天|昨天|前天|今日|昨日|前日)
  | (?<![\d.])(?P<n>\d{1,3}|半|一|两)\s*(?P<unit>秒钟?|分钟|个?小时|天|个?星期|周)前
  | (?P<now>刚刚)
    """,
    re.X,
)

# Where a date head can begin: the first digit of a run (every head's digit has no digit before it), 今/昨/前,
# 刚, or 半/一/两 before a unit and 前. A head is tried only there, not at every character of the text.
_HEAD_START = re.compile(r"\d+|[今昨前刚半一两]")  # a digit run is one place: its first digit

_TIME_TAIL = re.compile(
    rf"""
    (?:T|[ \t,，]*(?:{_WEEKDAY}[ \t,，]*)?(?:(?P<zpre>{_ZONE_WORD})[ \t]*)?(?P<ampm>凌晨|早上|上午|中午|下午|傍晚|晚上)?[ \t]*)
    (?:(?P<H>\d{{1,2}})\s*:\s*(?P<M>\d{{2}})(?:\s*:\s*(?P<S>\d{{2}})(?:\.\d+)?)?
      |(?P<H2>\d{{1,2}})\s*[时点]\s*(?P<M2>\d{{1,2}})\s*分(?:\s*(?P<S2>\d{{1,2}})\s*秒)?)
    (?!\d)
    (?P<zone>[ \t]*(?:Z(?![A-Za-z])|[+-]\d{{2}}:?\d{{2}}(?!\d)
      |[(（]?[ \t]*(?P<zw>{_ZONE_WORD})(?:[ \t]*(?P<zoff>[+-]\d{{1,2}}(?::?\d{{2}})?))?[ \t]*[)）]?))?
    """,
    re.X,
)

_NUMERAL = {"半": 0.5, "一": 1, "两": 2}
_UNIT = {"秒": 1, "分": 60, "小": 3600, "天": 86400, "星": 604800, "周": 604800}
_DAY_OFFSET = {"今": 0, "昨": 1, "前": 2}


class _OneCharNfkc(dict):
    """A `str.translate` table: each character's NFKC form where that is one character, else itself.
    Filled in as characters are met, so each is normalised once per process."""

    def __missing__(self, code: int) -> str:
        norm = unicodedata.normalize("NFKC", chr(code))
        self[code] = value = norm if len(norm) == 1 else chr(code)
        return value


_ONE_CHAR_NFKC = _OneCharNfkc()


def nfkc_same_length(text: str) -> str:
    """NFKC per character where that keeps one character, so spans stay valid for the original."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text  # no character of a normalised text has an NFKC form of its own (checked for every code point)
    return text.translate(_ONE_CHAR_NFKC)


def _as_beijing(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(BEIJING)
    if now.tzinfo is None:
        return now.replace(tzinfo=BEIJING)
    return now.astimezone(BEIJING)


def _make_date(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _offset(text: str) -> timedelta | None:
    """`+08:00`, `+0800`, `-5` -> a timedelta; None for no real offset (`+99`, `+2500`, `+0875`)."""
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def _zone_offset(tail: re.Match[str]) -> timedelta | None:
    """The UTC offset a time tail names, or None for Beijing time (also where the offset is impossible: `GMT+99`
    is no zone anyone reads, and the time stays as written)."""
    word = tail.group("zw") or tail.group("zpre")
    if word and word != "北京时间":
        return _offset(tail.group("zoff")) if tail.group("zoff") else timedelta(0)
    zone = (tail.group("zone") or "").strip()
    if zone == "Z":
        return timedelta(0)
    if zone[:1] in ("+", "-"):
        return _offset(zone)
    return None


def _tail_time(tail: re.Match[str]) -> time | None:
    hour = int(tail.group("H") or tail.group("H2"))
    minute = int(tail.group("M") or tail.group("M2"))
    second = int(tail.group("S") or tail.group("S2") or 0)
    ampm = tail.group("ampm")
    if (ampm in ("下午", "傍晚", "晚上") and hour < 12) or (ampm == "中午" and hour < 6):
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _yearless(month: int, day: int, clock: time, now: datetime, year_hint: int | None) -> datetime | None:
    if year_hint is not None:
        found = _make_date(year_hint, month, day)
        return datetime.combine(found, clock, BEIJING) if found else None
    for year in range(now.year + 1, now.year - 8, -1):
        found = _make_date(year, month, day)
        if found is None:
            continue
        value = datetime.combine(found, clock, BEIJING)
        if value <= now + FUTURE_TOLERANCE:
            return value
    return None


def find_times(text: str, *, now: datetime | None = None, year_hint: int | None = None) -> list[FoundTime]:
    """Every date/time expression in `text`, in order, as aware Beijing times."""
    now = _as_beijing(now)
    norm = nfkc_same_length(text)
    found: list[FoundTime] = []
    pos = 0
    for start in _HEAD_START.finditer(norm):
        if start.start() < pos:
            continue  # inside the time found last
        head = _HEAD_RE.match(norm, start.start())  # what search() from `pos` would find: no head starts elsewhere
        if head is None:
            continue
        pos = head.end()
        groups = head.groupdict()
        tail = None if groups["n"] or groups["now"] else _TIME_TAIL.match(norm, head.end())
        clock = _tail_time(tail) if tail else None
        if clock is None:
            tail = None
        value: datetime | None = None
        if groups["now"]:
            value, clock = now, now.time()
        elif groups["n"]:
            amount = _NUMERAL.get(groups["n"]) or int(groups["n"])
            value = now - timedelta(seconds=amount * _UNIT[groups["unit"].lstrip("个")[0]])
            clock = value.time()
            if groups["unit"].endswith(("天", "期", "周")):
                value, clock = datetime.combine(value.date(), time(), BEIJING), None
        elif groups["day"]:
            if clock is None:
                continue  # a bare 今天/昨天 is prose, not a timestamp
            day = now.date() - timedelta(days=_DAY_OFFSET[groups["day"][0]])
            value = datetime.combine(day, clock, BEIJING)
        elif groups["dm"] or groups["gm"]:
            if clock is None:
                continue  # a bare 08-13 is too ambiguous (scores, ranges)
            month, day_of_month = (groups["dm"], groups["dd"]) if groups["dm"] else (groups["gm"], groups["gd"])
            value = _yearless(int(month), int(day_of_month), clock, now, year_hint)
        elif groups["ym"]:
            value = _yearless(int(groups["ym"]), int(groups["yd"]), clock or time(), now, year_hint)
        else:
            ymd = ("y", "m", "d") if groups["y"] else ("cy", "cm", "cd")
            made = _make_date(*(int(groups[key]) for key in ymd))
            value = datetime.combine(made, clock or time(), BEIJING) if made else None
        if value is None:
            continue
        end = head.end()
        if tail is not None:
            end = pos = tail.end()
            offset = _zone_offset(tail)
            if offset is not None:
                value = value.replace(tzinfo=timezone(offset)).astimezone(BEIJING)
        end = head.start() + len(text[head.start() : end].rstrip())
        yearless = bool(groups["dm"] or groups["gm"] or groups["ym"])
        found.append(FoundTime(value, text[head.start() : end], clock is not None, head.start(), end, yearless))
    return found


# Labels that name a time as the publication time (发布时间, 发布日期, 发表于, 发稿时间, ...): never an update.
_PUBLISH_LABEL_RE = re.compile(r"(?:发布|發布|发表|發表|发稿|發稿|刊发|刊發|出版|上传|上傳)\s*(?:时间|時間|日期|于|於)|(?:发|發)\s*(?:于|於)")
# A bare 时间/日期 label (not 更新时间, 活动时间: no Han character before it) - a weaker claim.
_BARE_TIME_LABEL_RE = re.compile(r"(?<![\u3400-\u9fff])(?:时间|時間|日期)")
_LABEL_GAP_RE = re.compile(r"\s*[：:]?\s*")


def labelled_time(
    text: str,
    *,
    bare: bool = True,
    now: datetime | None = None,
    year_hint: int | None = None,
) -> FoundTime | None:
    """The first time in `text` written right after a publication label: `发布日期：2019-03-06`,
    `发表于 2019-09-23 14:34`, and with `bare` also `时间：2019-09-23 14:34:05` (a bare 时间/日期 label).
    A time after 更新时间 or 活动时间, or a time no label stands right before, is not one."""
    times = find_times(text, now=now, year_hint=year_hint)
    if not times:
        return None
    patterns = [_PUBLISH_LABEL_RE, _BARE_TIME_LABEL_RE] if bare else [_PUBLISH_LABEL_RE]
    starts: dict[int, int] = {}  # where a labelled time would start -> where its label starts
    for pattern in patterns:
        for label in pattern.finditer(text):
            gap = _LABEL_GAP_RE.match(text, label.end())
            starts.setdefault(gap.end() if gap else label.end(), label.start())
    for found in times:
        if found.start in starts:
            return found
    return None


def parse_time(text: str, *, now: datetime | None = None, year_hint: int | None = None) -> FoundTime | None:
    """The first time in `text`; dateparser only as a last resort for text with digits."""
    if not text:
        return None
    times = find_times(text, now=now, year_hint=year_hint)
    if times:
        return times[0]
    if not re.search(r"\d", text):
        return None
    return _dateparser_fallback(text, _as_beijing(now))


def _dateparser_fallback(text: str, now: datetime) -> FoundTime | None:
    import dateparser  # imported lazily: slow to import and to call

    settings = {
        "TIMEZONE": "Asia/Shanghai",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.replace(tzinfo=None),
    }
    stripped = text.strip()
    parsed = dateparser.parse(stripped, settings=settings)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    offset = len(text) - len(text.lstrip())
    has_time = re.search(r"\d\s*[:：时点]\s*\d", stripped) is not None
    return FoundTime(parsed.astimezone(BEIJING), stripped, has_time, offset, offset + len(stripped))


_URL_YM_RE = re.compile(
    r"""
    (?:/|/t|_)(?P<a_y>(?:19|20)\d{2})(?P<a_m>\d{2})(?:\d{2})?(?=[/_])
  | /(?P<b_y>(?:19|20)\d{2})-(?P<b_m>\d{1,2})(?:-\d{1,2})?/
  | /(?P<c_y>(?:19|20)\d{2})/(?P<c_m>\d{1,2})(?:\d{2}|/\d{1,2})?/
    """,
    re.X,
)


def year_month_from_url(url: str) -> tuple[int, int] | None:
    """(year, month) from a dated URL path: /201708/, /2017-08/13/, /20170813/, /2017/0813/, t20170813_."""
    path = urlsplit(url).path
    for match in _URL_YM_RE.finditer(path):
        parts = [g for g in match.groups() if g is not None]
        year, month = int(parts[0]), int(parts[1])
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return year, month
    return None


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive value is taken as Beijing time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(UTC)


def iso(value: datetime | FoundTime) -> str:
    """ISO 8601 in Beijing time with offset; `YYYY-MM-DD` for a date-only FoundTime."""
    if isinstance(value, FoundTime):
        return value.value.date().isoformat() if not value.has_time else iso(value.value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(BEIJING).isoformat()
