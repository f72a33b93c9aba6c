"""Article extraction in worker processes, off the reactor thread.

Reading an article page (decoding the bytes, parsing the markup, the page object or the generic extractor)
costs a few milliseconds of pure Python per page. On the reactor thread that time is taken from fetching,
and in a thread it would still hold the GIL; in a worker process it runs on another core. The spiders hand
each article page to `ExtractPool.extract` (raw bytes, URL, Content-Type, fetch time) and get the Article,
or an `ExtractError`, back. The extraction is the same function, `extract_article`, wherever it runs, so the
item does not depend on where it was made.

NEWSCRAWL_EXTRACT_PROCESSES is the number of worker processes; 0 extracts in the crawl process. Unset, it is
1 on a machine with two cores or more (one worker keeps up with one crawl process), and 0 in a worker of a
distributed run (NEWSCRAWL_REDIS_URL), whose parallelism is the workers themselves.

- Workers are started with `spawn` at the first article page (never `fork`: the crawl process runs
  threads) and shut down when the spider closes; each exits by itself when the crawl process is gone.
- When the workers fall behind (BACKLOG_PER_PROCESS pages each waiting), the crawl process reads the next
  page itself: fetched pages do not pile up in memory, and both cores work.
- A worker that dies (a crash, the OOM killer) breaks the pool: the page is tried once more on a fresh
  pool, then recorded as a failed page. The crawl goes on either way.
- Without a running asyncio loop (a callback called directly, as unit tests do) pages are read in-process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
import weakref
from collections.abc import Coroutine
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newscrawl.items import Article
from newscrawl.pages import decode_page, extract_generic
from newscrawl.pages.yybnet import YybnetArticlePage

logger = logging.getLogger(__name__)

SETTING = "NEWSCRAWL_EXTRACT_PROCESSES"
YYBNET = "yybnet"  # the yybnet page object
GENERIC = "generic"  # the generic extractor
ATTEMPTS = 2  # a page that was in a worker that died, twice, is recorded as failed
MAX_TRIES = 4  # a page handed over this many times (others killing the workers) is recorded as failed too
PARENT_CHECK_SECONDS = 0.5  # how often a worker checks that the crawl process is still there
BACKLOG_PER_PROCESS = 32  # pages waiting per worker before the crawl process reads the next ones itself
MAX_BROKEN_POOLS = 3  # pools broken in a row, no page read in between: the crawl reads its pages itself from then on


@dataclass(frozen=True)
class ExtractError:
    """Extraction raised: the exception's type name and message (the reason recorded for the page)."""

    type_name: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.type_name}: {self.message}"


def extract_article(kind: str, url: str, body: bytes, content_type: str | None, crawled_at: datetime | None) -> Article | ExtractError:
    """Decode and read one article page; an exception comes back as an ExtractError, never raised."""
    try:
        markup = decode_page(body, content_type or None)
        if kind == YYBNET:
            return YybnetArticlePage(url, markup, crawled_at=crawled_at).to_item()
        return extract_generic(markup, url, crawled_at=crawled_at)
    except Exception as error:  # noqa: BLE001 - odd markup must cost one page, recorded, never the crawl
        return ExtractError(type(error).__name__, str(error))


def _watch_parent(parent: int) -> None:
    """Runs first in every worker: exit as soon as the crawl process is gone. A crawl that is killed never shuts
    its pool down, and a worker blocked on the task queue would otherwise wait forever (it holds the queue's
    write end too, so it never sees end-of-file)."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="newscrawl-parent-watch", daemon=True).start()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def configured_processes(value: Any, distributed: bool = False) -> int:
    """NEWSCRAWL_EXTRACT_PROCESSES as a number. Unset (None, "", "auto"): 1 with two cores or more, else 0; and 0
    for a worker of a distributed run, whose parallelism is the workers (start one per core instead)."""
    if value is None or str(value).strip().lower() in ("", "auto"):
        return 1 if usable_cores() >= 2 and not distributed else 0
    processes = int(value)
    if processes < 0:
        raise ValueError(f"{SETTING} must be 0 (in-process) or more, got {value!r}")
    return processes


def _is_distributed(settings: Any) -> bool:
    try:
        from newscrawl.distributed.connection import redis_url
    except ImportError:
        return bool(os.environ.get("NEWSCRAWL_REDIS_URL") or settings.get("NEWSCRAWL_REDIS_URL"))
    return bool(redis_url(settings=settings))


class ExtractPool:
    """Worker processes for `extract_article`, created at the first page and shut down with the spider."""

    def __init__(self, processes: int, stats: Any = None):
        self.processes = processes
        self.stats = stats
        self.function = extract_article  # what the workers run (a module-level function: it is pickled by name)
        self._executor: ProcessPoolExecutor | None = None
        self.pending = 0  # pages handed to the workers and not back yet
        self.max_pending = 0
        self.broken_in_a_row = 0
        self._inflight: dict[Future, ProcessPoolExecutor] = {}  # in submission order: workers take them in order
        self._suspects: weakref.WeakKeyDictionary[ProcessPoolExecutor, set[Future]] = weakref.WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPool:
        from scrapy import signals

        pool = cls(configured_processes(crawler.settings.get(SETTING), _is_distributed(crawler.settings)), crawler.stats)
        crawler.signals.connect(pool.shutdown, signal=signals.spider_closed)
        return pool

    @staticmethod
    def for_spider(spider: Any) -> ExtractPool:
        """The spider's pool, made on first use (in-process for a spider without a crawler)."""
        pool = spider.__dict__.get("_newscrawl_extract_pool")
        if pool is None:
            crawler = getattr(spider, "crawler", None)
            pool = ExtractPool.from_crawler(crawler) if crawler is not None else ExtractPool(0)
            spider._newscrawl_extract_pool = pool
        return pool

    def runs_here(self) -> bool:
        """True when this page is to be extracted in this process: no workers configured, no running asyncio
        loop, or the workers are behind (BACKLOG_PER_PROCESS pages each waiting): then the crawl process lends
        a hand rather than queueing more fetched pages in memory."""
        if self.processes == 0:
            return True
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return True
        if self.pending >= BACKLOG_PER_PROCESS * self.processes:
            self._inc("extract/in_process_backlog")
            return True
        return False

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            method = "spawn"  # never fork: the crawl process runs threads (store, DNS, WARC)
            self._executor = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context(method), initializer=_watch_parent, initargs=(os.getpid(),)
            )
            self._inc("extract/pools_started")
            logger.info("extracting article pages in %d worker process(es)", self.processes)
        return self._executor

    def _discard(self, executor: ProcessPoolExecutor | None) -> set[Future]:
        """Drop a broken pool (once, however many pages saw it break); give up on workers after a few in a row.

        Returns the pages that may have been in its workers when it broke, one of which killed it: workers take
        pages in the order they were handed over, so those are the oldest unfinished ones.
        """
        if executor is None:
            return set()
        if executor in self._suspects:
            return self._suspects[executor]
        unfinished = [f for f, owner in self._inflight.items() if owner is executor and not (f.done() and f.exception() is None)]
        inside = unfinished[: self.processes]  # each worker takes the oldest page waiting: these are the ones inside
        self._suspects[executor] = set(inside)
        self._inc("extract/pools_broken")
        if self._executor is executor:
            self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)
        self.broken_in_a_row += 1
        if self.broken_in_a_row >= MAX_BROKEN_POOLS and self.processes:
            self.processes = 0
            self._inc("extract/pool_given_up")
            logger.error("%d extraction pools in a row died before reading a page: reading pages in the crawl process", self.broken_in_a_row)
        return self._suspects[executor]

    def extract(
        self, kind: str, url: str, body: bytes, content_type: str | None, crawled_at: datetime | None
    ) -> Coroutine[Any, Any, Article | ExtractError]:
        """Hand a page to a worker now; await the returned coroutine for its Article (or ExtractError).

        The page counts as waiting from this call on, so that `runs_here` sees every page handed over
        even before Scrapy starts awaiting. A dead worker costs a retry on a fresh pool, then an ExtractError.
        """
        job = (kind, url, body, content_type, crawled_at)
        self.pending += 1
        if self.pending > self.max_pending:
            self.max_pending = self.pending
            if self.stats is not None:
                self.stats.max_value("extract/max_pending", self.pending)
        return self._result(job, self._submit(job))

    def _submit(self, job: tuple) -> tuple[ProcessPoolExecutor | None, Future | RuntimeError]:
        if self.processes == 0:  # given up on workers since this page was first handed over
            return None, RuntimeError("no extraction workers")
        executor = self._pool()
        try:
            future = executor.submit(self.function, *job)
        except BrokenProcessPool as error:
            return executor, error
        except OSError as error:  # a worker could not be started (no memory, too many processes)
            return executor, BrokenProcessPool(f"{type(error).__name__}: {error}")
        except RuntimeError as error:  # a pool shut down: the spider is closing
            return executor, error
        self._inflight[future] = executor
        return executor, future

    async def _result(self, job: tuple, submitted: tuple[ProcessPoolExecutor | None, Future | RuntimeError]) -> Article | ExtractError:
        """The page's Article. A pool that breaks with the page inside a worker counts one attempt against the
        page; with the page still waiting its turn (another page killed the worker) it is handed over again.
        A page that has seen a pool break is never read in this process: it may be the one that kills workers."""
        attempts = tries = 0
        error: BaseException | None = None
        try:
            while attempts < ATTEMPTS and tries < MAX_TRIES:
                executor, outcome = submitted if tries == 0 else self._submit(job)
                tries += 1
                if isinstance(outcome, Future):
                    try:
                        extracted = await asyncio.wrap_future(outcome)
                    except BrokenProcessPool as broken:
                        error = broken
                        suspect = outcome in self._discard(executor)  # before it leaves the in-flight list
                    else:
                        self.broken_in_a_row = 0
                        return extracted
                    finally:
                        self._inflight.pop(outcome, None)
                elif isinstance(outcome, BrokenProcessPool):  # broken before it took this page
                    error, suspect = outcome, False
                    self._discard(executor)
                elif error is None:  # submitted after the shutdown, or workers given up on: read the page here
                    logger.debug("extraction pool unavailable (%s): reading %s in-process", outcome, job[1])
                    return self.function(*job)
                else:
                    break
                if suspect:
                    attempts += 1
                    logger.warning("an extraction process died while reading %s (%s)", job[1], error)
            return ExtractError(type(error).__name__, f"the extraction process died reading this page ({error})")
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _inc(self, name: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(name)
