"""Incremental crawling against the archive itself (a deltafetch-style spider middleware).

- An article already archived is not downloaded again, unless it is young (published less than
  NEWSCRAWL_REVISIT_DAYS ago): every young archived article of the crawled channels is revisited at
  the start with a conditional request (If-None-Match / If-Modified-Since), so an unchanged page costs
  a 304, an edited one becomes a new version and one taken down (404/410) is marked removed.
- A channel's list pages stop being walked after NEWSCRAWL_STOP_AFTER_OLD_PAGES pages in a row
  that linked nothing new.
- `-a full=1` turns both off for one complete pass (archived articles are still revisited conditionally).
- After a run that did not end cleanly (killed, failed, or with failed fetches) every list page is walked.

The check reads the `articles` table, not a side file that could drift from it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from sqlalchemy import select

from newscrawl import db
from newscrawl.yybnet import parse_article_url

logger = logging.getLogger(__name__)

REVISIT_STATUSES = [304, 404, 410]  # answers the spider handles itself on a revisit


@dataclass(frozen=True)
class Archived:
    url: str  # where it was fetched from, for the WARC revisit record
    canonical_url: str
    crawled_at: datetime | None
    published_at: datetime | None
    etag: str | None
    last_modified: str | None
    removed: bool


def is_truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_INCREMENTAL_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = db.database_url(settings=settings)
        self.revisit_age = timedelta(days=settings.getfloat("NEWSCRAWL_REVISIT_DAYS", 3))
        self.stop_after_old_pages = settings.getint("NEWSCRAWL_STOP_AFTER_OLD_PAGES", 2)
        now = settings.get("NEWSCRAWL_NOW")  # tests and replays pin "now"; ISO 8601 with offset
        self.now = datetime.fromisoformat(now) if now else None
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError(f"NEWSCRAWL_NOW={now!r} needs a UTC offset, e.g. 2021-06-02T08:00:00+08:00")
        self.archived: dict[str, Archived] = {}
        self.old_pages_in_a_row: dict[str, int] = {}
        self.revisited: set[str] = set()  # keys given a conditional revisit at the start
        self.full = False
        self.catching_up = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    async def spider_opened(self, spider: Any) -> None:
        # The store pipeline has migrated the database and opened this run's row by now.
        self.full = is_truthy(getattr(spider, "full", False))
        await asyncio.to_thread(self._load, spider)
        logger.info(
            "incremental: %d articles already archived%s", len(self.archived),
            " (full pass)" if self.full else " (previous run was not clean: walking every list page)" if self.catching_up else "",
        )  # fmt: skip

    def _load(self, spider: Any) -> None:
        engine = db.make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                query = select(
                    db.Article.article_key, db.Article.url, db.Article.canonical_url, db.Article.crawled_at,
                    db.Article.published_at, db.Article.etag, db.Article.last_modified, db.Article.removed_at.is_not(None),
                )  # fmt: skip
                for key, *facts in connection.execute(query):
                    self.archived[key] = Archived(*facts)
                last_run = connection.execute(
                    select(db.CrawlRun.status, db.CrawlRun.errors)
                    .where(db.CrawlRun.spider == spider.name, db.CrawlRun.id != getattr(spider, "crawl_run_id", None))
                    .order_by(db.CrawlRun.id.desc()).limit(1)
                ).first()  # fmt: skip
        finally:
            engine.dispose()
        # Stopping early is only safe after a clean run: one killed (left 'running'), failed or with failed
        # fetches may have left deeper list pages unread.
        self.catching_up = last_run is not None and (last_run.status not in ("finished", "drift") or last_run.errors > 0)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The spider's start requests, then a conditional revisit of every young archived article of its channels.

        Revisits come from the archive, not from list links: an article taken down vanishes from the lists too.
        """
        async for request in start:
            yield request
        spider = self.crawler.spider
        channels = set(getattr(spider, "channels", []))
        base_url = getattr(spider, "base_url", None)
        for key, known in self.archived.items():
            ref = parse_article_url(known.canonical_url)
            if ref is None or base_url is None or (ref.city, ref.channel) not in channels or known.removed and not self.full:
                continue
            if self.full or self._young(known):
                self.revisited.add(key)
                self.stats.inc_value("incremental/revisited")
                request = Request(ref.url(base_url), callback=spider.parse_article, errback=spider.failed, meta={"article_key": key})
                yield self._conditional(request, known)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        pagination: list[Request] = []
        linked_new = linked_any = False
        async for item in result:
            if not isinstance(item, Request) or item.meta.get("revisit") is not None:
                yield item
                continue
            key = item.meta.get("article_key")  # spiders tag their article requests with the article's key
            if key is None:
                if item.meta.get("channel_list"):
                    pagination.append(item)  # held back until we know whether this page linked anything new
                else:
                    yield item
                continue
            linked_any = True
            known = self.archived.get(key)
            if known is None:
                linked_new = True
                yield item
            elif self.full and key not in self.revisited:
                self.revisited.add(key)
                self.stats.inc_value("incremental/revisited")
                yield self._conditional(item, known)
            elif key not in self.revisited:  # archived, and not young: no need to fetch it again
                self.stats.inc_value("incremental/skipped")
        for request in self._pagination(response, pagination, linked_new, linked_any):
            yield request

    def _pagination(self, response: Response, pagination: list[Request], linked_new: bool, linked_any: bool) -> list[Request]:
        channel = response.meta.get("channel_list")
        if channel is None or linked_new or not linked_any or self.full or self.catching_up:
            if channel is not None:
                self.old_pages_in_a_row[channel] = 0
            return pagination
        self.old_pages_in_a_row[channel] = self.old_pages_in_a_row.get(channel, 0) + 1
        if self.old_pages_in_a_row[channel] >= self.stop_after_old_pages > 0:
            if pagination:
                self.stats.inc_value("incremental/channels_stopped_early")
                logger.info("incremental: %s: %d list pages with nothing new, not walking further", channel, self.old_pages_in_a_row[channel])
            return []
        return pagination

    def _young(self, known: Archived) -> bool:
        if known.published_at is None:
            return False
        return (self.now or datetime.now(timezone.utc)) - known.published_at < self.revisit_age

    @staticmethod
    def _conditional(request: Request, known: Archived) -> Request:
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        meta = {**request.meta, "revisit": True, "handle_httpstatus_list": REVISIT_STATUSES}
        if known.crawled_at is not None:  # lets a 304 be archived as a WARC revisit of that capture
            meta["warc_refers_to"] = {"uri": known.url, "date": known.crawled_at}
        # dont_filter: the dupefilter would otherwise drop a second request for a URL it has seen.
        return request.replace(headers={**request.headers.to_unicode_dict(), **headers}, meta=meta, dont_filter=True)
