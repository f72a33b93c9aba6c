"""Any news site by configuration: list pages in, article pages out through the generic extractor.

    scrapy crawl news -a start_urls=https://example.com/local/ -a article_pattern='/\\d{4}-\\d{2}/\\d{2}/c_\\d+\\.htm$'

or, for a site crawled every night, a subclass that is only its navigation:

    class ExampleLocalSpider(NewsSiteSpider):
        name = "example_local"
        start_urls = ["https://example.com/local/"]
        article_pattern = r"/\\d{4}-\\d{2}/\\d{2}/c_\\d+\\.htm$"

Articles are the links matching `article_pattern`; pagination is the links whose text is a page
number or 下一页 and that stay under the list page's folder. Articles are keyed by host-less URL
(newscrawl.urls.article_key_for), so m./www./http/https variants are one article.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl import arguments
from newscrawl.extract_pool import GENERIC, ExtractError, ExtractPool, extract_article
from newscrawl.items import Article, PageFailure
from newscrawl.spiders.common import ChannelWatch, count_article_page, failed_request, fetch_failure, is_pagination_text
from newscrawl.urls import article_key_for, site_host


class NewsSiteSpider(scrapy.Spider):
    name = "news"
    start_urls: list[str] = []  # noqa: RUF012 - a subclass for one site sets these two (Scrapy's Spider attribute)
    article_pattern: str = ""
    # Every -a argument and its form, checked before any request (newscrawl.arguments); empty means unset.
    ARGUMENTS: ClassVar[dict[str, arguments.Parser]] = {
        "start_urls": arguments.url_list,
        "article_pattern": arguments.regex,
        "max_list_pages": arguments.whole_number(0, 5),
    }

    def __init__(self, start_urls: str | None = None, article_pattern: str | None = None, max_list_pages: str | int | None = None, **kwargs: Any):
        given = {"start_urls": start_urls, "article_pattern": article_pattern, "max_list_pages": max_list_pages}
        args = arguments.spider_arguments(self.name, self.ARGUMENTS, {**given, **kwargs})
        self.check_required(given)
        super().__init__(**kwargs)
        if "start_urls" in args:
            self.start_urls = args["start_urls"]
        if "article_pattern" in args:
            self.article_pattern = article_pattern  # type: ignore[assignment]
        self.article_re = re.compile(self.article_pattern)
        self.max_list_pages = args.get("max_list_pages") or None
        self.list_pages_walked = 0
        self.seen_article_keys: set[str] = set()
        self.channel_watch = ChannelWatch()  # article links per list folder: a blind one means the site changed
        self.crawl_args = {"start_urls": self.start_urls, "article_pattern": self.article_pattern, "max_list_pages": self.max_list_pages}

    @classmethod
    def check_required(cls, given: dict[str, Any]) -> None:
        """The site's list pages and article URL pattern: from the command line or from a subclass."""
        if not given.get("start_urls") and not cls.start_urls:
            raise arguments.ArgumentError("start_urls", "list page URLs like https://example.com/local/, separated by commas")
        if not given.get("article_pattern") and not cls.article_pattern:
            raise arguments.ArgumentError("article_pattern", r"a regular expression for article URLs, like '/\d{4}-\d{2}/\d{2}/c_\d+\.htm$'")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.failed, cb_kwargs={"folder": _folder(url)})

    def parse_list(self, response: Response, folder: str) -> Any:
        if not isinstance(response, TextResponse):
            yield PageFailure(url=response.url, reason="list page is not text")
            return
        self.list_pages_walked += 1
        self.crawler.stats.inc_value("pages/list")
        name = site_host(urlsplit(response.url).netloc) + folder  # a channel is a start URL's folder
        self.channel_watch.list_page(name, folder)
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            path = urlsplit(url).path
            if not self.article_re.search(path):
                if path.startswith(folder) and not is_pagination_text(" ".join(link.css("::text").getall()).strip()):
                    self.channel_watch.other_link(name, folder, path)
                continue
            self.channel_watch.article_link(name, folder)
            key = article_key_for(url)
            if key not in self.seen_article_keys:
                self.seen_article_keys.add(key)
                yield scrapy.Request(url, callback=self.parse_article, errback=self.failed, meta={"article_key": key})
        if self.max_list_pages and self.list_pages_walked >= self.max_list_pages:
            return
        for link in response.css("a[href]"):
            text = " ".join(link.css("::text").getall()).strip()
            url = response.urljoin(link.attrib["href"])
            if is_pagination_text(text) and urlsplit(url).path.startswith(folder) and not self.article_re.search(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_list, errback=self.failed, cb_kwargs={"folder": folder})

    def parse_article(self, response: Response) -> Any:
        """An article page: a list of items, or a coroutine for one when the page is read in an extraction process
        (NEWSCRAWL_EXTRACT_PROCESSES). Not a generator: Scrapy re-reads a generator callback's source per response."""
        if not isinstance(response, TextResponse):
            return [PageFailure(url=response.url, reason="not a text page")]
        warc = response.meta.get("warc") or {}
        crawled_at = warc.get("date") or datetime.now(UTC)
        page = (GENERIC, response.url, response.body, (response.headers.get("Content-Type") or b"").decode("latin-1"), crawled_at)
        pool = ExtractPool.for_spider(self)
        if pool.runs_here():
            return self._article_items(response, warc, extract_article(*page))
        return self._article_items_from(response, warc, pool.extract(*page))

    async def _article_items_from(self, response: Response, warc: dict, extracted: Any) -> list[Any]:
        return self._article_items(response, warc, await extracted)

    def _article_items(self, response: Response, warc: dict, extracted: Article | ExtractError) -> list[Any]:
        if isinstance(extracted, ExtractError):  # odd markup costs one page, recorded, never the crawl
            return [PageFailure(url=response.url, reason=extracted.reason, article_key=article_key_for(response.url))]
        item = extracted
        count_article_page(self, item)
        item.warc_file, item.warc_offset = warc.get("file"), warc.get("offset")
        return [item]

    def failed(self, failure: Failure) -> Any:
        yield fetch_failure(self, failure, article_key_for(failed_request(failure).url))


def _folder(url: str) -> str:
    path = urlsplit(url).path
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
