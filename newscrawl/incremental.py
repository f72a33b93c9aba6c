"""Incremental crawling against the archive itself (a deltafetch-style spider middleware).

- An article already archived is not downloaded again unless it is due: every archived article has a
  next check time (newscrawl.schedule: 1, 3, 7, 30, 90, 365 days after publication, then yearly, restarted
  by a change or a removal seen), and at the start the due articles of the crawled channels are revisited,
  most overdue first, at most NEWSCRAWL_REVISIT_BUDGET a night (the rest stay due for the next night);
  budget left over goes to the articles checked longest ago, so that edits to old articles are caught too;
  with a conditional request (If-None-Match / If-Modified-Since): an unchanged page costs a 304, an edited
  one becomes a new version, one taken down (404/410) is marked removed, a removed one that is back is
  stored again.
- A channel's list pages stop being walked after NEWSCRAWL_STOP_AFTER_OLD_PAGES pages in a row
  that linked nothing new.
- `-a full=1` turns both off for one complete pass (archived articles are still revisited conditionally).
- After a run that did not end cleanly (killed, failed, or with failed fetches) every list page is walked.

The check reads the archive's tables (`articles` joined with `article_checks`, where the next check time and
the validators are kept), not a side file that could drift from them, and never all of them: memory follows the
night's work, not the archive's size.
- The links of one list page are looked up together, NEWSCRAWL_INCREMENTAL_BATCH_SIZE keys per query
  (`WHERE article_key IN (...)`), on one engine opened with the spider and disposed with it.
- The revisits at the start read only the due rows of the crawled cities, at most the budget; a full pass
  streams every row by keyset (`id > last ORDER BY id LIMIT n`), one page at a time, and waits for the
  scheduler to run empty before it reads the next page.
- Per run only the keys revisited are kept (a full pass revisits everything: there they are the work).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from newscrawl import db
from newscrawl.schedule import parse_budget
from newscrawl.yybnet import ArticleRef, parse_article_url

logger = logging.getLogger(__name__)

DUE_AHEAD = timedelta(hours=12)  # nights run once a day: what falls due within half a day is checked tonight
REVISIT_STATUSES = [304, 404, 410]  # answers the spider handles itself on a revisit
BATCH_SIZE = 500  # keys per lookup query and rows per page of a full pass (NEWSCRAWL_INCREMENTAL_BATCH_SIZE)
QUERY_ATTEMPTS = 5  # a query that meets a transient database error (connection lost, database locked) is tried again
RETRY_WAIT_SECONDS = 0.5  # the first wait between attempts; it doubles, up to 10 s
SCHEDULER_CHECK_SECONDS = 5.0  # while a full pass waits for the scheduler to run empty: how often it checks the crawl still runs


@dataclass(frozen=True)
class Archived:
    url: str  # where it was fetched from, for the WARC revisit record
    canonical_url: str
    crawled_at: datetime | None
    published_at: datetime | None
    etag: str | None
    last_modified: str | None
    removed: bool


class SchedulerWatch:
    """Set when the scheduler next runs empty (Scrapy's scheduler_empty signal) from the moment it is made."""

    def __init__(self, crawler: Crawler, engine: Any):
        self.crawler, self.engine = crawler, engine
        self.event = asyncio.Event()
        crawler.signals.connect(self._empty, signal=signals.scheduler_empty)

    def _empty(self) -> None:
        self.event.set()

    async def emptied(self) -> None:
        while not self.event.is_set() and self.engine.running:  # a stopped crawl ends the wait
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.event.wait(), timeout=SCHEDULER_CHECK_SECONDS)

    def close(self) -> None:
        self.crawler.signals.disconnect(self._empty, signal=signals.scheduler_empty)


def is_transient(error: BaseException) -> bool:
    """Connection lost, server gone, database locked: worth another try (as the store pipeline judges it)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OperationalError, InterfaceError))


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
        self.budget = settings.get("NEWSCRAWL_REVISIT_BUDGET", "5%")  # revisits a night: pages, or a share of the archive
        self.budget_min = settings.getint("NEWSCRAWL_REVISIT_BUDGET_MIN", 100)
        self.fill = settings.getbool("NEWSCRAWL_REVISIT_FILL", True)
        parse_budget(self.budget, 100)  # a bad value is a clear error at the start, not in the middle of the night
        self.stop_after_old_pages = settings.getint("NEWSCRAWL_STOP_AFTER_OLD_PAGES", 2)
        self.batch_size = settings.getint("NEWSCRAWL_INCREMENTAL_BATCH_SIZE", BATCH_SIZE)
        if self.batch_size < 1:
            raise ValueError(f"NEWSCRAWL_INCREMENTAL_BATCH_SIZE must be >= 1 (got {self.batch_size})")
        now = settings.get("NEWSCRAWL_NOW")  # tests and replays pin "now"; ISO 8601 with offset
        self.now = datetime.fromisoformat(now) if now else None
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError(f"NEWSCRAWL_NOW={now!r} needs a UTC offset, e.g. 2021-06-02T08:00:00+08:00")
        self.engine: Engine | None = None  # opened with the spider, disposed when it closes
        self.old_pages_in_a_row: dict[str, int] = {}
        # Keys given (or, for the due ones found at the start, about to be given) a conditional revisit.
        self.revisited: set[str] = set()
        self.young: list[tuple[str, Archived]] = []  # the start's revisits (the due articles), until process_start yields them
        self.full = False
        self.catching_up = False
        self.channels: set[tuple[str, str]] = set()  # the spider's (city, channel) pairs
        self._stats_lock = threading.Lock()  # rows are read in worker threads, several at once
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    async def spider_opened(self, spider: Any) -> None:
        # The store pipeline has migrated the database and opened this run's row by now.
        self.full = is_truthy(getattr(spider, "full", False))
        self.channels = set(getattr(spider, "channels", None) or ())
        self.engine = self._make_engine()
        archived = await asyncio.to_thread(self._open, spider)
        logger.info(
            "incremental: %d articles already archived, %d due ones to revisit%s", archived, len(self.young),
            " (full pass)" if self.full else " (previous run was not clean: walking every list page)" if self.catching_up else "",
        )  # fmt: skip

    def spider_closed(self, spider: Any) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def _open(self, spider: Any) -> int:
        """How the last run ended, how many articles are archived, and (unless full) the due ones to revisit."""
        archived, last_run = self._retrying()(self._archive_facts, spider)
        # Stopping early is only safe after a clean run: one killed (left 'running'), failed or with failed
        # fetches may have left deeper list pages unread.
        self.catching_up = last_run is not None and (last_run.status not in ("finished", "drift") or last_run.errors > 0)
        query = self._revisit_query(spider)
        if not self.full and query is not None:  # a full pass streams every row in process_start instead
            now = self.now or datetime.now(UTC)
            budget = parse_budget(self.budget, archived)
            due_budget = max(budget, self.budget_min)  # due checks are never starved on a small archive
            # A check that falls due before the next night is done tonight rather than a day late.
            is_due = or_(db.Article.next_check_at <= now + DUE_AHEAD, db.Article.next_check_at.is_(None))
            due = self._retrying()(self._count, query.where(is_due))
            # Most overdue first; articles archived before the schedule (no next check yet) after them, stalest first.
            order = (db.Article.next_check_at.is_(None), db.Article.next_check_at, db.Article.last_seen_at, db.Article.id)
            rows = self._rows(query.where(is_due).order_by(*order).limit(due_budget))
            if self.fill and len(rows) < budget:  # budget left: the articles checked longest ago, so edits to old ones are caught
                stalest = query.where(~is_due).order_by(db.Article.last_seen_at, db.Article.id).limit(budget - len(rows))
                rows += self._rows(stalest)
            for _id, key, known in rows:
                if self._revisitable(known, removed_too=True) is not None and key not in self.revisited:
                    self.revisited.add(key)
                    self.young.append((key, known))
            self.stats.set_value("incremental/revisits_due", due)
            self.stats.set_value("incremental/revisit_budget", max(budget, min(due, due_budget)))
            if due > due_budget:  # they stay due: the most overdue come first tomorrow
                self.stats.set_value("incremental/revisits_carried_over", due - due_budget)
        return archived

    def _count(self, query: Select) -> int:
        with self._connect() as connection:
            return connection.scalar(select(func.count()).select_from(query.subquery())) or 0

    def _archive_facts(self, spider: Any) -> tuple[int, Any]:
        """How many articles are archived, and the last earlier run of this spider: all its workers' rows as one."""
        own_key = self.stats.get_value("newscrawl/run_key")  # this run's workers share it (the store pipeline set it)
        with self._connect() as connection:
            archived = connection.scalar(select(func.count()).select_from(db.ARTICLES)) or 0
            earlier = select(db.CrawlRun.id, db.CrawlRun.run_key).where(
                db.CrawlRun.spider == spider.name, db.CrawlRun.id != getattr(spider, "crawl_run_id", None),
                or_(db.CrawlRun.run_key.is_(None), db.CrawlRun.run_key != own_key) if own_key else true(),
            )  # fmt: skip
            latest = connection.execute(earlier.order_by(db.CrawlRun.id.desc()).limit(1)).first()
            if latest is None:
                return archived, None
            same_run = db.CrawlRun.run_key == latest.run_key if latest.run_key else db.CrawlRun.id == latest.id
            rows = connection.execute(select(db.CrawlRun.status, db.CrawlRun.errors).where(same_run)).all()
        # A run of many workers was clean only if every worker's part was.
        unclean = [row for row in rows if row.status not in ("finished", "drift") or row.errors > 0]
        return archived, (unclean or rows)[0]

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The spider's start requests, then a conditional revisit of the due archived articles of its channels.

        Revisits come from the archive, not from list links: an article taken down vanishes from the lists too.
        A full pass revisits every archived article of the channels, read page by page.
        """
        async for request in start:
            yield request
        spider = self.crawler.spider
        young, self.young = self.young, []
        for key, known in young:  # marked revisited when found, so that list links to them are not counted skipped
            self.stats.inc_value("incremental/revisited")
            yield self._revisit(spider, key, known)
        if not self.full:
            return
        query, last_id = self._revisit_query(spider), 0
        while query is not None:  # keyset pages: memory holds one page, whatever the archive's size
            page = await asyncio.to_thread(self._rows, query.where(db.Article.id > last_id).order_by(db.Article.id).limit(self.batch_size))
            requests = []
            for row_id, key, known in page:
                last_id = row_id
                if key in self.revisited or self._revisitable(known) is None:  # revisited from a list link already
                    continue
                self.revisited.add(key)
                self.stats.inc_value("incremental/revisited")
                requests.append(self._revisit(spider, key, known))
            more = len(page) == self.batch_size
            watch = None
            try:
                for number, request in enumerate(requests, 1):
                    if more and number == len(requests):
                        # Watched from just before the page's last request is scheduled: the next time the
                        # scheduler runs empty, this page has left it (a page that yielded nothing: no wait).
                        watch = self._watch_scheduler()
                    yield request
                if watch is not None:
                    await watch.emptied()
            finally:
                if watch is not None:
                    watch.close()
            if not more:
                break

    def _revisit_query(self, spider: Any) -> Select | None:
        """Rows that may be revisited at the start: those of the spider's cities (channels are checked on the URL).

        Rows without a city (a yybnet page stored by the generic spider) are kept too. The city test goes
        through coalesce() on purpose: a plain `city IN (...)` lets SQLite pick the city index and read
        every row of those cities, where the published_at index (young rows) or the primary key (a full
        pass's keyset pages) reads only what is needed.
        """
        if not self.channels or getattr(spider, "base_url", None) is None:
            return None
        cities = sorted({city for city, _ in self.channels})
        return self._facts().where(func.coalesce(db.Article.city, "").in_([*cities, ""]))

    def _revisitable(self, known: Archived, removed_too: bool = False) -> ArticleRef | None:
        """The article of an archived row, when the start revisits it: one of the spider's channels; removed ones when due."""
        ref = parse_article_url(known.canonical_url)
        if ref is None or (ref.city, ref.channel) not in self.channels or (known.removed and not (self.full or removed_too)):
            return None
        return ref

    def _revisit(self, spider: Any, key: str, known: Archived) -> Request:
        ref = self._revisitable(known, removed_too=True)
        assert ref is not None  # callers checked
        request = Request(ref.url(spider.base_url), callback=spider.parse_article, errback=spider.failed, meta={"article_key": key})
        return self._conditional(request, known)

    def _watch_scheduler(self) -> SchedulerWatch | None:
        """A watch for the scheduler running empty, or None outside a running crawl (the middleware driven by hand)."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # Scrapy 2.19+: not set before the crawl starts
            return None
        return None if engine is None else SchedulerWatch(self.crawler, engine)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Article requests of one response are held, looked up together, then let through or dropped."""
        pagination: list[Request] = []
        articles: list[Request] = []
        try:
            async for item in result:
                if not isinstance(item, Request) or item.meta.get("revisit") is not None:
                    yield item
                elif item.meta.get("article_key") is not None:  # spiders tag their article requests with the key
                    articles.append(item)
                elif item.meta.get("channel_list"):
                    pagination.append(item)  # held back until we know whether this page linked anything new
                else:
                    yield item
        except Exception:
            # The callback failed part-way: what it made before failing goes on, as it would without this middleware.
            async for request in self._decide(response, articles, pagination):
                yield request
            raise
        async for request in self._decide(response, articles, pagination):
            yield request

    async def _decide(self, response: Response, articles: list[Request], pagination: list[Request]) -> AsyncIterator[Request]:
        try:
            keys = [r.meta["article_key"] for r in articles]
            archived, waiting = await asyncio.to_thread(self._lookup_links, keys) if articles else ({}, set())
        except SQLAlchemyError as error:  # still failing after the retries: fetch them all rather than lose them
            logger.error(
                "incremental: cannot look up the %d links of %s (%s: %s): all are fetched", len(articles), response.url, type(error).__name__, error
            )
            self.stats.inc_value("incremental/lookups_failed")
            archived, waiting = {}, set()
        linked_new = False
        for request in articles:
            key = request.meta["article_key"]
            known = archived.get(key)
            if key in self.revisited:  # archived, and revisited already (or about to be, from the start)
                continue
            if known is None and key in waiting:  # answered 404/410 before it was ever archived: tried again later
                self.stats.inc_value("incremental/dead_link_waiting")
            elif known is None:
                linked_new = True
                yield request
            elif self.full:
                self.revisited.add(key)
                self.stats.inc_value("incremental/revisited")
                yield self._conditional(request, known)
            else:  # archived, and not due: no need to fetch it again
                self.stats.inc_value("incremental/skipped")
        for request in self._pagination(response, pagination, linked_new, bool(articles)):
            yield request

    def _lookup_links(self, keys: Iterable[str]) -> tuple[dict[str, Archived], set[str]]:
        """The archived links among these keys, and those not archived that wait out a dead-link backoff."""
        wanted = list(dict.fromkeys(keys))
        archived = self._lookup(wanted)
        return archived, self._dead_links_waiting([key for key in wanted if key not in archived])

    def _dead_links_waiting(self, keys: list[str]) -> set[str]:
        now = self.now or datetime.now(UTC)
        waiting: set[str] = set()
        for start in range(0, len(keys), self.batch_size):
            query = select(db.DeadLink.article_key).where(
                db.DeadLink.article_key.in_(keys[start : start + self.batch_size]), db.DeadLink.retry_after > now
            )  # fmt: skip
            waiting.update(self._retrying()(self._scalars, query))
        return waiting

    def _scalars(self, query: Select) -> list[Any]:
        with self._connect() as connection:
            return list(connection.scalars(query))

    def _lookup(self, keys: Iterable[str]) -> dict[str, Archived]:
        """What the archive knows of these keys (keys it does not hold are absent), batch_size keys per query."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Archived] = {}
        for start in range(0, len(wanted), self.batch_size):
            chunk = wanted[start : start + self.batch_size]
            found.update((key, known) for _id, key, known in self._rows(self._facts().where(db.Article.article_key.in_(chunk))))
        return found

    @staticmethod
    def _facts() -> Select:
        return select(
            db.Article.id, db.Article.article_key, db.Article.url, db.Article.canonical_url, db.Article.crawled_at,
            db.Article.published_at, db.Article.etag, db.Article.last_modified, db.Article.removed_at.is_not(None),
        )  # fmt: skip

    def _rows(self, query: Select) -> list[tuple[int, str, Archived]]:
        """(id, key, facts) of the rows a query selects; every row the middleware reads passes here."""
        rows = self._retrying()(self._read, query)
        with self._stats_lock:
            self.stats.inc_value("incremental/queries")
            self.stats.inc_value("incremental/rows_read", len(rows))
        return rows

    def _read(self, query: Select) -> list[tuple[int, str, Archived]]:
        with self._connect() as connection:
            return [(row_id, key, Archived(*facts)) for row_id, key, *facts in connection.execute(query)]

    def _retrying(self) -> Retrying:
        def count_retry(_state: Any) -> None:
            with self._stats_lock:
                self.stats.inc_value("incremental/retries")

        return Retrying(
            retry=retry_if_exception(is_transient), stop=stop_after_attempt(QUERY_ATTEMPTS),
            wait=wait_exponential(multiplier=RETRY_WAIT_SECONDS, max=10), before_sleep=count_retry, reraise=True,
        )  # fmt: skip

    def _connect(self) -> Any:
        if self.engine is None:  # used outside spider_opened/spider_closed (e.g. by hand): open on demand
            self.engine = self._make_engine()
        return self.engine.connect()

    def _make_engine(self) -> Engine:
        # One connection, shared by the lookups in turn (each takes milliseconds): every SQLite connection
        # keeps its own page cache, which on a large archive fills up, so one per worker thread would cost
        # a few MB each.
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return db.make_engine(self.database_url)  # an in-memory database has its own single-connection pool
        return db.make_engine(self.database_url, pool_size=1, max_overflow=0)

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

    @staticmethod
    def _conditional(request: Request, known: Archived) -> Request:
        headers: dict[str | bytes, str] = {}  # the key type of Headers.to_unicode_dict()
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        meta = {**request.meta, "revisit": True, "handle_httpstatus_list": REVISIT_STATUSES}
        if known.crawled_at is not None:  # lets a 304 be archived as a WARC revisit of that capture
            meta["warc_refers_to"] = {"uri": known.url, "date": known.crawled_at}
        # Through the dupefilter, by article key: workers of a distributed full pass revisit each article once.
        return request.replace(headers={**request.headers.to_unicode_dict(), **headers}, meta=meta)
