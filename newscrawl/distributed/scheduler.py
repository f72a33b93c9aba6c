"""scrapy-redis's shared scheduler and dupefilter, keyed by run and safe to lose.

- The queue and the fingerprints live under the run's key (newscrawl.distributed.runs): a new night
  never sees what an earlier or killed run left in Redis.
- Popping a request marks the worker busy in the same Lua script, so the run cannot look done while a
  request is on its way to a worker.
- Fingerprints are the crawler's (newscrawl.fingerprint: one per article key), so the shared filter and
  a single process agree; redirect hops are never filtered.
- Closing a worker never flushes the shared queue (others may still work on it); the run is cleaned up
  when it is done.
- A Redis error never becomes a traceback or a hang: it is logged once, counted, and the worker closes
  with reason `redis_unavailable`, so the run is failed and the next one walks every list page.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import reactor

from newscrawl.distributed.connection import client, redis_url, shown
from newscrawl.distributed.runs import RunCoordinator
from newscrawl.fingerprint import is_redirect_hop

logger = logging.getLogger(__name__)

REDIS_ERRORS: tuple[type[BaseException], ...]
try:
    from redis.exceptions import RedisError

    REDIS_ERRORS = (RedisError, OSError)
except ImportError:  # pragma: no cover - this module is only loaded with the redis extra
    REDIS_ERRORS = (OSError,)


class RunQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop also marks the worker busy."""

    def __init__(self, server: Any, spider: Any, key: str, coordinator: RunCoordinator):
        super().__init__(server, spider, key, serializer=picklecompat)
        self.coordinator = coordinator

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.coordinator.pop(self.key)
        return self._decode_request(data) if data else None


class RunDupeFilter(RFPDupeFilter):
    """The shared set of fingerprints of one run, with the crawler's fingerprinter."""

    def __init__(self, server: Any, key: str, fingerprinter: Any, debug: bool = False):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    def request_seen(self, request: Request) -> bool:
        if is_redirect_hop(request):
            return False
        return super().request_seen(request)

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


class RunScheduler(Scheduler):
    """The scheduler of a distributed run (NEWSCRAWL_REDIS_URL set)."""

    def __init__(self, crawler: Crawler):
        url = redis_url(settings=crawler.settings)
        if not url:
            raise RuntimeError("RunScheduler needs NEWSCRAWL_REDIS_URL")
        server = client(url)
        super().__init__(server=server, persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        self.url = url
        settings = crawler.settings
        self.coordinator_args: dict[str, Any] = {
            "ttl": settings.getint("NEWSCRAWL_WORKER_TTL", 30), "run_key": settings.get("NEWSCRAWL_RUN_KEY") or None,
        }  # fmt: skip
        self.coordinator: RunCoordinator | None = None
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunScheduler:
        return cls(crawler)

    def open(self, spider: Any) -> None:
        self.spider = spider
        coordinator = RunCoordinator(self.server, spider.name, **self.coordinator_args)
        try:
            coordinator.start_or_join()
            coordinator.join()
        except REDIS_ERRORS as error:
            self._fail("joining the run", error)
            return
        self.coordinator = spider.newscrawl_run = coordinator
        self.queue = RunQueue(self.server, spider, coordinator.key("requests"), coordinator)
        self.df = RunDupeFilter(self.server, coordinator.key("dupefilter"), self.crawler.request_fingerprinter, debug=False)
        self.stats.set_value("distributed/run_key", coordinator.run_key)
        self.stats.set_value("distributed/seeder", coordinator.seeder)
        logger.info("distributed run %s on %s: worker %s", coordinator.run_key, shown(self.url), coordinator.worker)

    def close(self, reason: str) -> None:
        """Never flush the shared queue: other workers may still be working on it."""
        if self.coordinator is not None and not self.failed:
            try:
                self.coordinator.leave()
            except REDIS_ERRORS as error:
                logger.warning("could not tell Redis that worker %s left (%s)", self.coordinator.worker, error)

    def __len__(self) -> int:
        if self.coordinator is None or self.failed:
            return 0
        try:
            return len(self.queue)
        except REDIS_ERRORS as error:
            self._fail("reading the queue length", error)
            return 0

    def has_pending_requests(self) -> bool:
        return len(self) > 0

    def enqueue_request(self, request: Request) -> bool:
        if self.coordinator is None or self.failed:
            self.stats.inc_value("distributed/requests_lost")
            return False
        try:
            return super().enqueue_request(request)
        except REDIS_ERRORS as error:
            self.stats.inc_value("distributed/requests_lost")
            self._fail(f"queueing {request.url}", error)
            return False

    def next_request(self) -> Request | None:
        if self.coordinator is None or self.failed:
            return None
        try:
            return super().next_request()
        except REDIS_ERRORS as error:
            self._fail("taking the next request", error)
            return None

    def _fail(self, doing: str, error: BaseException) -> None:
        """Redis failed us: say so once and end this worker's run failed (the next run catches up)."""
        self.stats.inc_value("distributed/redis_errors")
        if self.failed:
            return
        self.failed = True
        logger.error(
            "Redis at %s failed while %s (%s: %s): this worker stops and its run is marked failed; "
            "the next run walks every list page", shown(self.url), doing, type(error).__name__, error,
        )  # fmt: skip
        close_soon(self.crawler, "redis_unavailable")


def close_soon(crawler: Crawler, reason: str) -> None:
    """Ask the engine to close the spider, from the reactor loop rather than from inside a scheduler call."""
    from scrapy.utils.defer import deferred_from_coro

    def close() -> None:
        engine = crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    reactor.callLater(0, close)  # type: ignore[arg-type]  # zope interface methods have no `self`: mypy needs mypy-zope to read them
