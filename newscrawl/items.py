"""The Article item: what one news page yields. Field meanings follow shared/eval/LABELS.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Image:
    url: str
    caption: str | None = None


@dataclass
class Article:
    url: str  # the address the page was fetched from
    canonical_url: str | None = None  # one address per article: https://www.yybnet.net/{city}/{channel}/{YYYYMM}/{id}.html
    article_key: str | None = None  # "{city}/{channel}/{id}", the dedup key
    city: str | None = None  # city slug, e.g. "weifang"
    channel: str | None = None  # Chinese channel name, e.g. "寿光新闻"
    breadcrumbs: list[str] = field(default_factory=list)  # e.g. ["地方网", "山东", "潍坊市", "潍坊新闻"]
    title: str | None = None  # the headline, without site suffix, 引题 or 副题
    subtitle: str | None = None  # the 副题 line (yybnet: the line starting "——"), without the dash
    source: str | None = None  # the 来源 value, e.g. "潍坊日报"
    published_at: datetime | None = None  # aware, Beijing time (+08:00)
    published_at_raw: str | None = None  # the time text exactly as the page shows it
    byline: str | None = None  # the raw byline text(s) the authors came from
    authors: list[str] = field(default_factory=list)  # writers and photographers, page order
    editors: list[str] = field(default_factory=list)  # 编辑, 责任编辑, 责编, 校对, 美编
    body: str | None = None  # article paragraphs joined by "\n"
    images: list[Image] = field(default_factory=list)  # article images with their captions
    crawled_at: datetime | None = None  # when the page was fetched (aware, UTC)
    content_hash: str | None = None  # fingerprint of the normalised body, set by the dedup pipeline
    # Fetch facts, set by the spider: HTTP validators for later conditional revisits, and where the raw
    # response was archived (WARC file name under the WARC folder, record offset).
    etag: str | None = None
    last_modified: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # diagnostics: which rule produced which field

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO 8601 with offset."""
        data = asdict(self)
        for name in ("published_at", "crawled_at"):
            if data[name] is not None:
                data[name] = data[name].isoformat()
        return data


@dataclass
class PageFailure:
    """A fetched page that yielded no article: recorded with its reason, never silently dropped."""

    url: str
    reason: str
    article_key: str | None = None


@dataclass
class NotModified:
    """A conditional revisit answered 304: the archived text is still current."""

    url: str
    article_key: str


@dataclass
class Removed:
    """A revisit answered 404/410: the article is marked removed, never deleted."""

    url: str
    article_key: str
    http_status: int


@dataclass
class Gone(Removed):
    """A page that answered 200 but says the article is gone (a soft 404: an error template, an apology line,
    the same short text under many URLs). Never an article or a version: storage makes it a removal when the
    key is archived, else an extraction failure with reason "soft 404: <why>" (newscrawl.gone decides).

    `earlier`: keys met before in this run with the same text, taken as articles then (the same-text signal
    fires on the third page); storage takes back what it stored for them in this run.
    """

    http_status: int = 200
    reason: str = "soft 404"
    content_hash: str | None = None
    earlier: list[str] = field(default_factory=list)


@dataclass
class FetchFailure:
    """A request that failed for good (after retries), with its reason; a later run fetches it again."""

    url: str
    reason: str
    article_key: str | None = None
    http_status: int | None = None
