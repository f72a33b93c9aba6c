"""Storage: articles into the SQL archive, batched, in one transaction per flush, off the reactor thread.

Rows are upserted on article_key, so a re-run adds no duplicates: an unchanged article only moves its
last_seen_at, a changed one is updated. Transient database errors are retried with tenacity; a batch that
still cannot be written is spilled to a JSONL file (never dropped) and the run is marked failed.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from newscrawl import db
from newscrawl.archive import Archive
from newscrawl.diskspace import DISK_FULL, close_crawl, describe_os_error, is_disk_full
from newscrawl.distributed.runs import new_run_key, worker_name
from newscrawl.items import Article, FetchFailure, NotModified, PageFailure, Removed
from newscrawl.migrate import upgrade
from newscrawl.schedule import parse_ages
from newscrawl.spiders.common import blind_reason

logger = logging.getLogger(__name__)


def failed_share(failed: int, read: int) -> float:
    """The share of a run's fetches that failed for good (after retries)."""
    return failed / (failed + read) if failed + read else 0.0


def is_transient(error: BaseException) -> bool:
    """Connection lost, server gone, database locked: worth another try. Constraint and SQL errors are not,
    nor is a full disk (SQLite's "database or disk is full" is an OperationalError too)."""
    if is_disk_full(error):
        return False
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OperationalError, InterfaceError))


class StorePipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.url = db.database_url(settings=settings)
        self.auto_migrate = settings.getbool("NEWSCRAWL_AUTO_MIGRATE", True)
        self.batch_size = settings.getint("NEWSCRAWL_STORE_BATCH_SIZE", 50)
        self.retries = settings.getint("NEWSCRAWL_STORE_RETRIES", 5)
        self.spill_dir = Path(settings.get("NEWSCRAWL_SPILL_DIR", "data/spill"))
        self.drift_min_pages = settings.getint("NEWSCRAWL_DRIFT_MIN_PAGES", 20)
        self.degraded_share = settings.getfloat("NEWSCRAWL_DEGRADED_SHARE", 0.10)
        self.revisit_ages = parse_ages(settings.get("NEWSCRAWL_REVISIT_AGES"))
        pinned = settings.get("NEWSCRAWL_NOW")  # replays and benchmarks pin "now": what was seen when, and what is due
        self.pinned_now = datetime.fromisoformat(pinned) if pinned else None
        self.run_key: str | None = None
        self.buffer: list[Any] = []
        self.flush_lock = asyncio.Lock()
        self.engine: Engine | None = None
        self.run_id: int | None = None
        self.failed_flushes = 0
        self.lost_batches = self.lost_items = 0  # neither stored nor spilled: the next run fetches them again
        self.disk_full: str | None = None  # why the database's disk is full, once a write met it
        self.close_requested = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    # --- lifecycle -------------------------------------------------------------------------
    async def open_spider(self) -> None:
        await asyncio.to_thread(self._open)

    def _open(self) -> None:
        if self.auto_migrate:
            upgrade(self.url)
        self.engine = db.make_engine(self.url)
        spider: Any = self.crawler.spider  # opened: set; crawl_run_id is ours
        coordinator = getattr(spider, "newscrawl_run", None)  # a distributed run's workers share its key
        self.run_key = coordinator.run_key if coordinator is not None else self.crawler.settings.get("NEWSCRAWL_RUN_KEY") or new_run_key()
        with Session(self.engine) as session, session.begin():
            run = db.CrawlRun(
                spider=spider.name, args=dict(getattr(spider, "crawl_args", {})), started_at=db.utcnow(),
                status="running", run_key=self.run_key, worker=coordinator.worker if coordinator is not None else worker_name(),
            )  # fmt: skip
            session.add(run)
            session.flush()
            self.run_id = run.id
        spider.crawl_run_id = self.run_id
        self.stats.set_value("newscrawl/run_id", self.run_id)
        self.stats.set_value("newscrawl/run_key", self.run_key)
        logger.info("storing into %s (crawl run %s)", make_url(self.url).render_as_string(), self.run_id)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, PageFailure, NotModified, Removed, FetchFailure)):
            return item
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            await self.flush()
        return item

    async def close_spider(self) -> None:
        await self.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Runs after close_spider: the finish reason is known only now."""
        if self.engine is None or self.run_id is None:
            return
        get = self.stats.get_value
        pages_read = get("pages/list", 0) + get("pages/article", 0) + get("store/not_modified", 0)
        nothing_fetched = get("fetch/failed", 0) > 0 and not pages_read
        failed = reason != "finished" or self.failed_flushes > 0 or nothing_fetched
        degraded = failed_share(get("fetch/failed", 0), pages_read) > self.degraded_share
        article_pages = get("pages/article", 0) - get("pages/gone", 0)  # an error page is no sign of the layout
        counts = {
            "finished_at": db.utcnow(), "status": "failed" if failed else "degraded" if degraded else "finished",
            "finish_reason": self._finish_reason(reason),
            "pages": get("response_received_count", 0), "articles_new": get("store/articles_new", 0),
            "articles_updated": get("store/articles_updated", 0), "articles_unchanged": get("store/articles_unchanged", 0),
            "reprints": get("store/reprints", 0), "rejected": get("store/page_failures", 0), "errors": get("fetch/failed", 0),
            "skipped": get("incremental/skipped", 0), "not_modified": get("store/not_modified", 0),
            "removed": get("store/removed", 0), "soft_404": get("store/soft_404", 0), "suspect": get("store/suspect", 0),
            # Too few pages say nothing about the layout: 1 odd page of 3 is not drift.
            "incomplete_share": get("pages/incomplete", 0) / article_pages if article_pages >= self.drift_min_pages else None,
            "channel_links": self._channel_links(spider),
        }  # fmt: skip
        try:
            self._retrying()(self._close_run, counts)
        except Exception as error:  # noqa: BLE001 - logged; the next newscrawl crawl marks the row interrupted
            logger.error("could not close crawl run %s (%s: %s)", self.run_id, type(error).__name__, error)
        finally:
            self.engine.dispose()

    @staticmethod
    def _channel_links(spider: Any) -> dict[str, Any] | None:
        """What each channel's list pages linked; a channel that linked no article is named in the log."""
        watch = getattr(spider, "channel_watch", None)
        if watch is None:
            return None
        for name, facts in watch.blind().items():
            logger.warning("channel without article links: %s", blind_reason(name, facts))
        return watch.channels or None

    def _finish_reason(self, reason: str) -> str:
        spilled = self.failed_flushes - self.lost_batches
        parts = [reason, *([f"{spilled} batch(es) spilled"] if spilled else [])]
        if self.lost_items:
            parts.append(f"{self.lost_items} items neither stored nor spilled (fetched again next run)")
        return "; ".join(parts)

    def _close_run(self, counts: dict[str, Any]) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get(db.CrawlRun, self.run_id)
            for name, value in counts.items():
                setattr(run, name, value)

    def _retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(self.retries),
            wait=wait_exponential(multiplier=0.5, max=30),
            before_sleep=lambda state: self.stats.inc_value("store/retries"),
            reraise=True,
        )

    # --- writing ---------------------------------------------------------------------------
    async def flush(self) -> None:
        async with self.flush_lock:  # one writer at a time: SQLite has one, and reprint links need order
            batch, self.buffer = self.buffer, []
            if batch:
                await asyncio.to_thread(self._flush_with_retries, batch)
            if self.disk_full is not None and not self.close_requested:  # on the loop's thread: ask the engine to stop
                self.close_requested = True
                logger.error("the database's disk is full (%s): closing the crawl", self.disk_full)
                close_crawl(self.crawler, DISK_FULL)

    def _flush_with_retries(self, batch: list[Any]) -> None:
        try:
            counts = self._retrying()(self._write, batch)
        except Exception as error:  # noqa: BLE001 - counted and logged; after the retries, or a permanent error: keep the items on disk
            self.failed_flushes += 1
            what = f"{type(error).__name__}: {error}".splitlines()[0]  # SQLAlchemy adds the statement and parameters
            if is_disk_full(error):
                self.disk_full = what
            try:
                path = self._spill(batch)
            except OSError as spill_error:  # the spill folder is full too: these items were never stored anywhere
                self.lost_batches += 1
                self.lost_items += len(batch)
                self.stats.inc_value("store/lost_items", len(batch))
                logger.error(
                    "could not store %d items (%s) nor spill them to %s (%s); they are not in the archive, "
                    "so the next run fetches them again", len(batch), what, self.spill_dir, describe_os_error(spill_error),
                )  # fmt: skip
                return
            self.stats.inc_value("store/spilled_items", len(batch))
            logger.error("could not store %d items (%s: %s); they are kept in %s", len(batch), type(error).__name__, error, path)
            return
        for name, value in counts.items():
            self.stats.inc_value(f"store/{name}", value)

    def _write(self, batch: list[Any]) -> dict[str, int]:
        assert self.engine is not None  # opened in open_spider
        return Archive(self.engine, revisit_ages=self.revisit_ages).write(batch, self.run_id, now=self.pinned_now)

    def _spill(self, batch: list[Any]) -> Path:
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        path = self.spill_dir / f"run-{self.run_id}.jsonl"
        rows = (item.to_json() if isinstance(item, Article) else {type(item).__name__: asdict(item)} for item in batch)
        data = memoryview("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8"))
        with path.open("ab", buffering=0) as out:  # unbuffered: a failed write can be cut back out
            start = out.seek(0, io.SEEK_END)
            try:
                while data:
                    data = data[out.write(data) :]
            except OSError:
                out.truncate(start)  # no half line for `newscrawl spill import` to trip on
                raise
        return path
