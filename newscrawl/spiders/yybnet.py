"""yybnet.net: walk each channel's list pages, fetch every article of the channel once.

    scrapy crawl yybnet                                   # every known channel, live site
    scrapy crawl yybnet -a channels=weifang/news,weifang/shouguang
    scrapy crawl yybnet -a cities=weifang -a since=2017-08-01 -a max_list_pages=5
    scrapy crawl yybnet -a base_url=http://127.0.0.1:8000   # a mirror with the same path grammar
    scrapy crawl yybnet -a full=1                           # a complete pass, not only what is new

Navigation only: articles are found by the URL grammar, pages are read by pages/yybnet.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl import arguments
from newscrawl.dates import BEIJING
from newscrawl.extract_pool import YYBNET, ExtractError, ExtractPool, extract_article
from newscrawl.items import Article, NotModified, PageFailure, Removed
from newscrawl.spiders.common import ChannelWatch, count_article_page, failed_request, fetch_failure, is_pagination_text
from newscrawl.yybnet import DEFAULT_BASE_URL, known_channels, parse_article_url


def joined(response: TextResponse, href: str | None) -> str | None:
    """The absolute URL of a link, or None for no href or one no URL can be made of (e.g. "http://[bad")."""
    if href is None:
        return None
    try:
        return response.urljoin(href)
    except ValueError:
        return None


class YybnetSpider(scrapy.Spider):
    name = "yybnet"
    # Every -a argument and its form, checked before any request (newscrawl.arguments); empty means unset.
    ARGUMENTS: ClassVar[dict[str, arguments.Parser]] = {
        "channels": arguments.channel_list, "cities": arguments.city_list, "base_url": arguments.web_url, "since": arguments.a_date,
        "max_list_pages": arguments.whole_number(0, 5), "full": arguments.flag,
    }  # fmt: skip

    def __init__(
        self,
        channels: str | None = None,
        cities: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        since: str | None = None,
        max_list_pages: str | int | None = None,
        full: str | bool = False,
        **kwargs: Any,
    ):
        given = {"channels": channels, "cities": cities, "base_url": base_url, "since": since, "max_list_pages": max_list_pages, "full": full}
        args = arguments.spider_arguments(self.name, self.ARGUMENTS, {**given, **kwargs})
        super().__init__(**kwargs)
        self.channels = args.get("channels") or known_channels(args.get("cities"))
        self.base_url = args.get("base_url", DEFAULT_BASE_URL).rstrip("/")  # an empty -a base_url= means the default
        self.since: date | None = args.get("since")
        self.max_list_pages = args.get("max_list_pages") or None
        self.full = args.get("full", False)  # read by the incremental middleware: true forces a complete pass
        self.seen_article_keys: set[str] = set()
        self.list_pages_walked: dict[tuple[str, str], int] = {}
        self.channel_watch = ChannelWatch()  # article links per channel: a blind channel means the site changed
        self.crawl_args = {
            "channels": [f"{c}/{ch}" for c, ch in self.channels], "base_url": self.base_url,
            "since": self.since.isoformat() if self.since else None, "max_list_pages": self.max_list_pages, "full": self.full,
        }  # fmt: skip

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for city, channel in self.channels:
            yield self._list_request(f"{self.base_url}/{city}/{channel}/", city, channel)

    def _list_request(self, url: str, city: str, channel: str) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_list, errback=self.failed, cb_kwargs={"city": city, "channel": channel},
            meta={"channel_list": f"{city}/{channel}"},
        )  # fmt: skip

    def parse_list(self, response: Response, city: str, channel: str) -> Any:
        if not isinstance(response, TextResponse):
            yield PageFailure(url=response.url, reason="list page is not text")
            return
        walked = self.list_pages_walked[(city, channel)] = self.list_pages_walked.get((city, channel), 0) + 1
        self.crawler.stats.inc_value("pages/list")
        channel_prefix = f"/{city}/{channel}/"
        name = f"{city}/{channel}"
        self.channel_watch.list_page(name, channel_prefix)
        all_too_old = True
        # One walk over the page's links (lxml elements: a list page links hundreds of things); texts only where needed.
        pages = []
        for link in response.selector.root.iter("a"):
            url = joined(response, link.get("href"))
            if url is None:
                continue
            ref = parse_article_url(url)
            if ref is None:
                path = urlsplit(url).path
                if path.startswith(channel_prefix) and is_pagination_text(" ".join(link.itertext()).strip()):
                    pages.append(url)
                elif path.startswith(channel_prefix):
                    self.channel_watch.other_link(name, channel_prefix, path)
                continue
            if (ref.city, ref.channel) != (city, channel):
                continue  # side lists link other channels' stories; those are walked in their own channel
            self.channel_watch.article_link(name, channel_prefix)
            if self.since and ref.month < self.since.strftime("%Y%m"):
                continue
            all_too_old = False
            if ref.key in self.seen_article_keys:
                continue  # the same article under another host, scheme, query or fragment
            self.seen_article_keys.add(ref.key)
            self.crawler.stats.inc_value("yybnet/articles_requested")
            # The dupefilter knows articles by key (newscrawl.fingerprint), so workers sharing a run fetch each once.
            yield scrapy.Request(ref.url(self.base_url), callback=self.parse_article, errback=self.failed, meta={"article_key": ref.key})
        if self.since and all_too_old:
            return  # lists run newest first: past `since`, later pages hold only older articles
        if self.max_list_pages and walked >= self.max_list_pages:
            return
        for url in pages:
            yield self._list_request(url, city, channel)

    def parse_article(self, response: Response) -> Any:
        """An article page: a list of items, or a coroutine for one when the page is read in an extraction process.

        Not a generator on purpose: Scrapy re-reads the source of a generator callback (checking it for
        `return value`) on nearly every response. The reading itself is `extract_pool.extract_article`, in a
        worker process (NEWSCRAWL_EXTRACT_PROCESSES) or here.
        """
        key = response.meta.get("article_key") or getattr(parse_article_url(response.url), "key", None)
        if response.status == 304 and key:
            return [NotModified(url=response.url, article_key=key)]
        if response.status in (404, 410) and key:
            return [Removed(url=response.url, article_key=key, http_status=response.status)]
        if parse_article_url(response.url) is None:  # redirected off the article, e.g. to the channel's index
            first_url = (response.meta.get("redirect_urls") or [response.url])[0]
            if response.meta.get("revisit") and key:
                return [Removed(url=first_url, article_key=key, http_status=response.status)]
            return [PageFailure(url=first_url, reason=f"redirected off the article to {response.url}", article_key=key)]
        if not isinstance(response, TextResponse):
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            return [PageFailure(url=response.url, reason=f"not a text page ({content_type})", article_key=key)]
        warc = response.meta.get("warc") or {}
        crawled_at = warc.get("date") or datetime.now(UTC)  # the WARC record's date, when archived
        page = (YYBNET, response.url, response.body, (response.headers.get("Content-Type") or b"").decode("latin-1"), crawled_at)
        pool = ExtractPool.for_spider(self)
        if pool.runs_here():
            return self._article_items(response, key, warc, extract_article(*page))
        return self._article_items_from(response, key, warc, pool.extract(*page))

    async def _article_items_from(self, response: Response, key: str | None, warc: dict, extracted: Any) -> list[Any]:
        return self._article_items(response, key, warc, await extracted)

    def _article_items(self, response: Response, key: str | None, warc: dict, extracted: Article | ExtractError) -> list[Any]:
        if isinstance(extracted, ExtractError):  # odd markup costs one page, recorded, never the crawl
            self.crawler.stats.inc_value(f"yybnet/extract_errors/{extracted.type_name}")
            return [PageFailure(url=response.url, reason=extracted.reason, article_key=key)]
        item = extracted
        for name in item.extra.get("fallback", []):  # landmarks not found: the site's layout may have changed
            self.crawler.stats.inc_value(f"yybnet/fallback/{name}")
        count_article_page(self, item)
        if self.since and item.published_at and item.published_at < datetime.combine(self.since, time(), BEIJING):
            self.crawler.stats.inc_value("yybnet/older_than_since")
            return []
        item.etag = (response.headers.get("ETag") or b"").decode("latin-1") or None
        item.last_modified = (response.headers.get("Last-Modified") or b"").decode("latin-1") or None
        item.warc_file, item.warc_offset = warc.get("file"), warc.get("offset")
        return [item]

    def failed(self, failure: Failure) -> Any:
        """A request that failed for good (after the retries): logged, counted and recorded, never silent."""
        ref = parse_article_url(failed_request(failure).url)
        yield fetch_failure(self, failure, ref.key if ref else None)
