"""The parts of a distributed run that live in Scrapy's components.

- `DistributedAddon` switches a crawl to the shared scheduler when NEWSCRAWL_REDIS_URL is set
  (setting or environment); without it nothing changes.
- `RunLifecycle` (extension) keeps the worker's busy mark alive, keeps the spider open while other
  workers may still add requests, lets it close once the run is done everywhere, and ends the worker
  failed when Redis loses the run.
- `SharedDelay` (newscrawl.distributed.politeness) keeps DOWNLOAD_DELAY per site across all workers.
- `SeedOnce` (spider middleware, outermost) lets only the run's seeder yield the start requests (list
  pages and the archive's revisits); the other workers take their work from the shared queue.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from newscrawl.distributed.connection import redis_url
from newscrawl.distributed.runs import RunStateLost

logger = logging.getLogger(__name__)

IDLE_POLL = 0.1  # seconds between two looks at the shared queue while this worker is idle and the run is not done (one Redis call)


class DistributedAddon:
    """Scrapy add-on: the shared Redis scheduler when a Redis URL is given."""

    def update_settings(self, settings: Any) -> None:
        if not redis_url(settings=settings):
            return
        settings.set("SCHEDULER", "newscrawl.distributed.scheduler.RunScheduler", priority="addon")
        settings["EXTENSIONS"].update({"newscrawl.distributed.extension.RunLifecycle": 10})
        settings["SPIDER_MIDDLEWARES"].update({"newscrawl.distributed.extension.SeedOnce": 10})
        # Last before the download (the WARC writer at 950 only handles responses): nothing after it holds a
        # request back once it has taken the site's turn (the robots.txt middleware at 100 does, at the start).
        settings["DOWNLOADER_MIDDLEWARES"].update({"newscrawl.distributed.politeness.SharedDelay": 940})
        # The delay becomes the site's, kept in Redis for all workers; a local delay (or AutoThrottle, which
        # paces one process only) would hold requests back after they took the site's turn.
        if settings.get("NEWSCRAWL_SITE_DELAY") is None:
            settings.set("NEWSCRAWL_SITE_DELAY", settings.getfloat("DOWNLOAD_DELAY"), priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")


def coordinator_of(crawler: Crawler) -> Any:
    spider = crawler.spider
    return getattr(spider, "newscrawl_run", None) if spider is not None else None


class RunLifecycle:
    def __init__(self, crawler: Crawler):
        if not redis_url(settings=crawler.settings):
            raise NotConfigured
        self.crawler = crawler
        self.interval = max(crawler.settings.getint("NEWSCRAWL_WORKER_TTL", 30) / 3, 1)
        self.beat: task.LoopingCall | None = None
        self.closing = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLifecycle:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        self.beat = task.LoopingCall(self.heartbeat)
        self.beat.start(self.interval, now=False)

    def heartbeat(self) -> None:
        coordinator = coordinator_of(self.crawler)
        if coordinator is None or self.closing:
            return
        try:
            coordinator.heartbeat()
        except Exception as error:  # noqa: BLE001 - Redis gone or the run lost: the run must end failed, not hang
            self._lost(error)

    def spider_idle(self, spider: Any) -> None:
        coordinator = coordinator_of(self.crawler)
        scheduler = self.crawler.engine._slot.scheduler if self.crawler.engine and self.crawler.engine._slot else None
        if coordinator is None or self.closing or getattr(scheduler, "failed", False):
            return  # not joined (Redis failed at the start) or closing already: let it close
        try:
            done = coordinator.idle(coordinator.key("requests"))
        except Exception as error:  # noqa: BLE001 - as in heartbeat
            self._lost(error)
            return
        if not done:
            self.crawler.stats.inc_value("distributed/idle_waits")
            self._look_again_soon()
            raise DontCloseSpider("other workers may still add requests")

    def _look_again_soon(self) -> None:
        """Ask the engine for the next request in IDLE_POLL s, not at its 5 s heartbeat: a worker that joins an
        empty queue starts as soon as the seeder queues work, and all leave soon after the last page."""
        slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy's engine has no public hook for this
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule(IDLE_POLL)

    def _lost(self, error: BaseException) -> None:
        from newscrawl.distributed.scheduler import close_soon

        self.closing = True
        self.crawler.stats.inc_value("distributed/redis_errors")
        reason = "redis_state_lost" if isinstance(error, RunStateLost) else "redis_unavailable"
        logger.error(
            "distributed run: %s (%s); this worker stops and its run is marked failed, so that the next run "
            "walks every list page", error, type(error).__name__,
        )  # fmt: skip
        close_soon(self.crawler, reason)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.beat is not None and self.beat.running:
            self.beat.stop()


class SeedOnce:
    """Only the seeder of a distributed run yields the start requests."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedOnce:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        coordinator = coordinator_of(self.crawler)
        if coordinator is not None and not coordinator.seeder:
            logger.info("run %s is seeded by another worker: taking work from the shared queue", coordinator.run_key)
            return
        async for item in start:
            yield item
