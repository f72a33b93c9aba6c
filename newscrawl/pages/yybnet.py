"""The yybnet.net article page (desktop and mobile), read by the text landmarks of shared/yybnet/LAYOUT.md.

Nothing here names a class or an id: the page is read as its visible lines (`extract.lines.read_lines`
with images kept in place and a data table's row as one line), and each
field is found by what the reader sees (breadcrumb ending in 正文, the 来源 meta line, the —— subtitle,
bylines, 新闻推荐 and the blocks after it).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from typing import Any

from newscrawl import dates
from newscrawl.extract import bylines, generic
from newscrawl.extract.clues import is_block_end
from newscrawl.extract.lines import LAYOUT_READING, Line, page_title, parse_html, read_lines
from newscrawl.extract.vocabulary import COPYRIGHT_LINE, EDITION_CODE, ORIGINAL_TITLE, SHARE_LINE
from newscrawl.items import Article, Image
from newscrawl.loaders import load_article
from newscrawl.urls import article_key_for, canonical_url
from newscrawl.yybnet import DEFAULT_BASE_URL, PORTAL_NAME, channel_name, parse_article_url

# --- landmarks -------------------------------------------------------------------------------
BREADCRUMB_END = "正文"
BREADCRUMB_SEPARATORS = re.compile(r"\s*(?:>|＞|»|›|→|/)\s*")
META_TIME = r"(?P<time>\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)"
# Desktop: 来源:潍坊日报 2017-08-13 09:19   https://www.yybnet.net/
DESKTOP_META = re.compile(r"来\s*源\s*[:：]\s*(?P<source>[^\d\s][^\s]*?)?\s*" + META_TIME)
# Mobile: 淄博晚报 2014-05-06 17:22 大字 (no label, no address)
MOBILE_META = re.compile(r"^(?P<source>[^\d\s][^\s]{0,30}?)?\s*" + META_TIME + r"(?:\s*大字)?$")
META_LOOKAHEAD = 5  # lines after the headline in which the meta line starts, and may run over (split up)
SUBTITLE_DASH = re.compile(r"^[—–\-－─]{2,}\s*")
MOBILE_SLOGAN = "看家乡事"
# The blocks after the article; the first of them ends the body.
TRAILING_MARKERS = (
    "新闻推荐", "相关新闻", "相关推荐", "猜你喜欢", "评论:", "评论：", "频道推荐", "热点阅读", "图文看点",
    "乡里乡亲", "热点排行", "分享到",
)  # fmt: skip
TAGLINE = re.compile(r"^\S{1,8}新闻\s*[,，]")  # 潍坊新闻,讲述家乡的故事。...
NOISE_LINES = re.compile(r"^(?:大字|中字|小字|【?打印】?\s*【?关闭】?|返回|https?://\S+|www\.\S+)$")
SHARE_BAR = re.compile(r"^分享(?:(?:到|至)\s*[:：]?|\s*[:：])[\sA-Za-z\u4e00-\u9fff]{0,24}$")  # 分享到:微信新浪微博QQ空间
# Font-size controls: 字体：大 中 小, 字号：A+ A-, 【大 中 小】
FONT_SIZE_CONTROL = re.compile(
    r"^[【\[]?\s*(?:(?:字体|字體|字号|字號)\s*[:：]?\s*)?(?:[大中小]\s*){2,3}[】\]]?$"
    r"|^[【\[]?\s*(?:字体|字體|字号|字號)\s*[:：]?[\sA-Za-z+＋\-－【】\[\]大中小]{0,16}$"
)
CAPTION = re.compile(r"^图\s*[①-⑳\d]*\s*[:：]")
BREADCRUMB_LEAD = 12  # 地方网 may follow a "you are here" label: 您现在的位置：地方网 > …
HEADLINE_MIN_CHARS, HEADLINE_MIN_SHARE = 6, 0.6  # a cut-short headline still shows most of it
TITLE_SUFFIX = re.compile(r"[_|｜\-–—]\s*(?:\S{0,8}新闻\s*[_|｜\-–—]\s*)?" + PORTAL_NAME + r".*$")


class YybnetArticlePage:
    """One fetched yybnet article page. `to_item()` gives the Article; each field has its own method."""

    def __init__(self, url: str, markup: str, crawled_at: datetime | None = None, now: datetime | None = None):
        self.url = url
        self.markup = markup
        self.crawled_at = crawled_at
        self.now = now or crawled_at
        self.ref = parse_article_url(url)

    # --- the page as lines, and where the landmarks stand ---------------------------------
    @cached_property
    def doc(self):
        root = parse_html(self.markup)
        if root is None:
            raise ValueError("empty page: no HTML elements")
        return root

    @cached_property
    def lines(self) -> list[Line]:
        return read_lines(self.doc, LAYOUT_READING)

    @cached_property
    def texts(self) -> list[str]:
        return [line.text if line.image is None else "" for line in self.lines]

    @cached_property
    def breadcrumb_span(self) -> tuple[int, int] | None:
        """Lines [start, end] of the breadcrumb 地方网 > 山东 > 潍坊市 > 潍坊新闻 > 正文 (may span lines)."""
        for end, text in enumerate(self.texts):
            if text.endswith(BREADCRUMB_END) and len(text) < 80:
                for start in range(end, max(-1, end - 12), -1):
                    if PORTAL_NAME in self.texts[start][:BREADCRUMB_LEAD]:  # 地方网 > …, or 当前位置：地方网 > …
                        return start, end
                    if len(self.texts[start]) > 40:
                        break
        return None

    @cached_property
    def headline_index(self) -> int | None:
        start = self.breadcrumb_span[1] + 1 if self.breadcrumb_span else 0
        wanted = self._title_from_head()
        if wanted:
            for i in range(start, len(self.texts)):
                if self.texts[i] and is_same_headline(self.texts[i], wanted):
                    return i
        meta = self._find_meta(start)
        if meta is not None:  # the headline is the last line of text before the meta line
            for i in range(meta[0] - 1, start - 1, -1):
                if self.texts[i] and not self.texts[i].startswith(MOBILE_SLOGAN):
                    return i
        headings = [i for i in range(start, len(self.lines)) if self.lines[i].heading and self.texts[i]]
        return headings[0] if headings else None

    @cached_property
    def meta(self) -> tuple[int, int, re.Match] | None:
        """(first line, last line, match) of the 来源/time meta line after the headline."""
        start = self.headline_index + 1 if self.headline_index is not None else 0
        return self._find_meta(start)

    def _find_meta(self, start: int) -> tuple[int, int, re.Match] | None:
        for first in range(start, min(start + META_LOOKAHEAD, len(self.texts))):
            if self.texts[first].startswith(TRAILING_MARKERS):
                break  # past the article: dates down here belong to other stories
            if not self.texts[first]:
                continue
            joined = ""
            for last in range(first, min(first + META_LOOKAHEAD, len(self.texts))):
                joined = f"{joined} {self.texts[last]}".strip()
                match = DESKTOP_META.search(joined) or MOBILE_META.match(joined)
                if match:
                    return first, last, match
                if len(joined) > 120:
                    break
        return None

    @cached_property
    def body_span(self) -> tuple[int, int]:
        """Lines [start, end) between the meta line (or the headline) and the first trailing block."""
        if self.meta is not None:
            start = self.meta[1] + 1
        elif self.headline_index is not None:
            start = self.headline_index + 1
        else:
            return 0, 0
        while start < len(self.lines) and self.texts[start] and is_page_furniture(self.texts[start]):
            start += 1  # a share bar or font-size buttons between the meta line and the text: not the end yet
        end = start
        while end < len(self.lines):
            text = self.texts[end]
            if text.startswith(TRAILING_MARKERS) or is_block_end(text) or (TAGLINE.match(text) and len(text) < 100 and end > start):
                break
            end += 1
        return start, end

    # --- fields ----------------------------------------------------------------------------
    def _title_from_head(self) -> str:
        return TITLE_SUFFIX.sub("", page_title(self.doc)).strip()

    def breadcrumb_text(self) -> str:
        span = self.breadcrumb_span
        assert span is not None  # asked only by breadcrumbs(), on a page that has the trail
        start, end = span
        text = " ".join(self.texts[start : end + 1])
        return text[text.index(PORTAL_NAME) :]

    def title(self) -> str | None:
        return self.texts[self.headline_index] if self.headline_index is not None else None

    def breadcrumbs(self) -> list[str]:
        if not self.breadcrumb_span:
            return []
        crumbs = BREADCRUMB_SEPARATORS.split(self.breadcrumb_text())
        return [c.strip() for c in crumbs if c.strip() and c.strip() != BREADCRUMB_END]

    def channel(self) -> str | None:
        crumbs = self.breadcrumbs()
        if crumbs and crumbs[-1].endswith("新闻"):
            return crumbs[-1]
        return channel_name(self.ref.city, self.ref.channel) if self.ref else None

    def source(self) -> str | None:
        if self.meta is None:
            return None
        source = (self.meta[2].group("source") or "").strip()
        return source or None

    def published(self) -> dates.FoundTime | None:
        if self.meta is None:
            return None
        year_hint = int(self.ref.month[:4]) if self.ref else None
        return dates.parse_time(self.meta[2].group("time"), now=self.now, year_hint=year_hint)

    def subtitle(self) -> str | None:
        start, _ = self.body_span
        for i in range(start, min(start + 2, len(self.texts))):
            if SUBTITLE_DASH.match(self.texts[i]):
                return SUBTITLE_DASH.sub("", self.texts[i]).strip() or None
        return None

    @cached_property
    def _body(self) -> tuple[list[str], list[Image], list[bylines.Byline]]:
        """Body paragraphs, images and the bylines found around them (in page order)."""
        start, end = self.body_span
        paragraphs: list[str] = []
        images: list[Image] = []
        credits: list[bylines.Byline] = []
        for i in range(start, end):
            line = self.lines[i]
            text = self.texts[i]
            if line.image is not None:
                images.append(Image(url=line.image, caption=line.text or None))
                continue
            if not text or is_page_furniture(text) or (i - start < 2 and SUBTITLE_DASH.match(text)):
                continue
            staff = bylines.staff_line(text)
            if staff:
                credits.append(staff)
                continue
            credit = bylines.byline_line(text)
            # A standalone credit stands before the first paragraph or after the last one.
            if credit and (not paragraphs or self._only_credits_after(i, end)):
                credits.append(credit)
                continue
            if not paragraphs:
                lead = bylines.lead_byline(text)
                if lead:
                    credits.append(lead)
            if CAPTION.match(text) and images and images[-1].caption is None:
                images[-1].caption = text
            paragraphs.append(text)
        return paragraphs, images, credits

    def _only_credits_after(self, index: int, end: int) -> bool:
        for j in range(index + 1, end):
            text = self.texts[j]
            if text and not is_page_furniture(text) and not bylines.staff_line(text) and not bylines.byline_line(text):
                return False
        return True

    def body(self) -> str | None:
        return "\n".join(self._body[0]) or None

    def images(self) -> list[Image]:
        return self._body[1]

    def byline(self) -> str | None:
        return " | ".join(credit.raw for credit in self._body[2]) or None

    def authors(self) -> list[str]:
        return _unique(name for credit in self._body[2] for name in credit.authors)

    def editors(self) -> list[str]:
        return _unique(name for credit in self._body[2] for name in credit.editors)

    @cached_property
    def generic(self) -> Article:
        """The generic extractor's reading of the page: the fallback when a landmark is not where LAYOUT.md says."""
        return generic.extract(self.markup, self.url, now=self.now)

    def to_item(self) -> Article:
        fields: dict[str, Any] = {
            "title": self.title(), "subtitle": self.subtitle(), "source": self.source(), "byline": self.byline(),
            "authors": self.authors(), "editors": self.editors(), "body": self._body[0], "images": self.images(),
        }  # fmt: skip
        published = self.published()
        fields["published_at"] = published.value if published else None
        fields["published_at_raw"] = published.raw if published else None
        fallbacks = []
        if not fields["title"]:
            fallbacks.append("title")
        body_fields = ["subtitle", "byline", "authors", "editors", "body", "images"]
        if self.meta is None:  # no 来源/time line under the headline: the landmarks are off, so is the body span
            fallbacks += ["source", "published_at", "published_at_raw", *body_fields]
        elif not fields["body"]:
            fallbacks += body_fields
        for name in fallbacks:
            value = getattr(self.generic, name)
            fields[name] = value.split("\n") if name == "body" and value else value
        item = load_article(
            self.url,
            # This page object reads yybnet pages by definition, wherever they are served from (a mirror too).
            canonical_url=self.ref.url(DEFAULT_BASE_URL) if self.ref else canonical_url(self.url),
            article_key=self.ref.key if self.ref else article_key_for(self.url),
            city=self.ref.city if self.ref else None,
            channel=self.channel(),
            breadcrumbs=self.breadcrumbs(),
            crawled_at=self.crawled_at,
            **fields,
        )
        if fallbacks:  # which fields the landmarks did not give: counted by the spider, a sign of layout drift
            item.extra["fallback"] = [f for f in fallbacks if not f.endswith("_raw")]
        return item


def is_same_headline(line: str, title: str) -> bool:
    """A page line shows the <title>'s headline: equal, or one cut short of the other (but not a mere word)."""
    if line == title:
        return True
    shorter, longer = sorted((line, title), key=len)
    return longer.startswith(shorter) and len(shorter) >= max(HEADLINE_MIN_CHARS, HEADLINE_MIN_SHARE * len(longer))


def is_page_furniture(text: str) -> bool:
    """Buttons, notices and codes that stand among the paragraphs but are not the article (generic's rules)."""
    return bool(
        NOISE_LINES.match(text) or FONT_SIZE_CONTROL.match(text) or SHARE_LINE.match(text) or SHARE_BAR.match(text) or ORIGINAL_TITLE.match(text)
        or EDITION_CODE.match(text) or (COPYRIGHT_LINE.search(text) and len(text) < 200)
    )  # fmt: skip


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))
