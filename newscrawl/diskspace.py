"""Free disk space: a crawl does not start, and a running crawl stops cleanly, below NEWSCRAWL_MIN_FREE_MB.

The folders watched are where a crawl writes: the WARC folder (when WARC is on), the SQLite database's
folder (when the database is SQLite) and the spill folder. `check_free_space` gives the one line that
says which folder is short, how much is free and which setting asks for more; `newscrawl crawl` prints
it and exits non-zero before starting, and `DiskSpaceGuard` (a Scrapy extension) refuses to open the
spider, or closes a running one, with reason "low_disk_space" (the run is then marked failed).

The threshold keeps room for what a closing crawl still writes; a disk that fills all the same (another
process, a burst of large pages) is met by the WARC writer and the store, which close the crawl with
reason "disk_full" (see `is_disk_full`).
"""

from __future__ import annotations

import errno
import logging
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

SETTING = "NEWSCRAWL_MIN_FREE_MB"
DEFAULT_MIN_FREE_MB = 200.0
INTERVAL_SETTING = "NEWSCRAWL_DISK_CHECK_SECONDS"
DEFAULT_CHECK_SECONDS = 10.0
MB = 1024 * 1024

# Close reasons (any reason but "finished" makes the run failed).
LOW_DISK_SPACE = "low_disk_space"  # below the threshold: refused to start, or stopped in time
DISK_FULL = "disk_full"  # a write failed for lack of space
WARC_WRITE_FAILED = "warc_write_failed"  # a WARC write failed for another reason (folder gone, I/O error)

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
# SQLite's SQLITE_FULL, PostgreSQL's disk_full (SQLSTATE 53100) and its wording, the OS's own messages.
DISK_FULL_MESSAGES = ("database or disk is full", "no space left on device", "disk quota exceeded", "could not extend file")
DISK_FULL_SQLSTATE = "53100"

FreeSpace = Callable[[Path], float]


def free_mb(path: str | Path) -> float:
    """Free space (MB, for an unprivileged user) on the filesystem that holds `path`, or would hold it
    once created: the nearest existing folder above it is measured."""
    folder = Path(path).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free / MB


def _mb(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def check_free_space(folders: Mapping[str, str | Path] | Iterable[str | Path], min_free_mb: float, free: FreeSpace = free_mb) -> str | None:
    """None when every folder has at least `min_free_mb` free; otherwise one line naming the first that has not.

    `folders` maps a label ("the WARC folder (NEWSCRAWL_WARC_DIR)") to a path, or is plain paths.
    A threshold of 0 or less checks nothing. A folder whose free space cannot be told is skipped, with a warning.
    """
    if min_free_mb <= 0:
        return None
    labelled = folders.items() if isinstance(folders, Mapping) else ((None, folder) for folder in folders)
    seen: set[Path] = set()
    for label, folder in labelled:
        path = Path(folder).absolute()
        if path in seen:
            continue
        seen.add(path)
        try:
            available = free(path)
        except OSError as error:
            logger.warning("could not tell the free space on %s (%s)", path, describe_os_error(error))
            continue
        if available < min_free_mb:
            where = f"{path} ({label})" if label else str(path)
            return (
                f"only {_mb(available)} MB free on {where}; {SETTING} is {_mb(min_free_mb)} "
                f"(free some space, or lower {SETTING}; 0 turns the check off)"
            )
    return None


def crawl_folders(settings: Any) -> dict[str, Path]:
    """The folders a crawl with these Scrapy settings writes to, by label."""
    from sqlalchemy.engine import make_url

    from newscrawl.db import database_url

    folders: dict[str, Path] = {}
    if settings.getbool("NEWSCRAWL_WARC_ENABLED", True):
        folders["the WARC folder, NEWSCRAWL_WARC_DIR"] = Path(settings.get("NEWSCRAWL_WARC_DIR") or "data/warc")
    url = make_url(database_url(settings=settings))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        folders["the SQLite database's folder"] = Path(url.database).absolute().parent
    folders["the spill folder, NEWSCRAWL_SPILL_DIR"] = Path(settings.get("NEWSCRAWL_SPILL_DIR") or "data/spill")
    return folders


def start_refusal(settings: Any) -> str | None:
    """The line that refuses a crawl with these Scrapy settings for want of space, or None: what
    `newscrawl crawl` asks before it starts anything."""
    return check_free_space(crawl_folders(settings), settings.getfloat(SETTING, DEFAULT_MIN_FREE_MB))


def describe_os_error(error: BaseException) -> str:
    """`[Errno 28] No space left on device`, without the file name an OSError may carry."""
    if isinstance(error, OSError) and error.errno is not None and error.strerror:
        return f"[Errno {error.errno}] {error.strerror}"
    return f"{type(error).__name__}: {error}"


def is_disk_full(error: BaseException) -> bool:
    """A write that failed for lack of space: ENOSPC/EDQUOT, SQLite's "database or disk is full", PostgreSQL's
    disk_full. Such an error does not go away by retrying; the crawl should stop. Looks through SQLAlchemy's
    wrapper (`.orig`) and the exception's causes."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        driver_error = getattr(current, "orig", None)
        if isinstance(driver_error, BaseException):  # SQLAlchemy's message also holds the statement and its parameters
            current = driver_error
            continue
        if isinstance(current, OSError) and current.errno in DISK_FULL_ERRNOS:
            return True
        if getattr(current, "sqlite_errorname", None) == "SQLITE_FULL" or getattr(current, "sqlstate", None) == DISK_FULL_SQLSTATE:
            return True
        if any(message in str(current).lower() for message in DISK_FULL_MESSAGES):
            return True
        current = current.__cause__ or current.__context__
    return False


_closing: set[Deferred[Any]] = set()  # close requests in flight, kept referenced until done


def close_crawl(crawler: Crawler, reason: str) -> bool:
    """Ask the engine to close the spider with `reason` (call it on the event loop's thread); False when no
    spider is open. The spider's outstanding requests are finished and what was scraped is stored."""
    try:
        engine = crawler.engine
    except RuntimeError:  # the crawl has not started
        return False
    if engine is None or engine.spider is None:
        return False
    closing: Deferred[Any] = deferred_from_coro(engine.close_spider_async(reason=reason))
    _closing.add(closing)

    def done(result: Any) -> None:
        _closing.discard(closing)
        if hasattr(result, "getErrorMessage"):
            logger.error("could not close the crawl (%s): %s", reason, result.getErrorMessage())

    closing.addBoth(done)
    return True


class DiskSpaceGuard:
    """Scrapy extension: no crawl below NEWSCRAWL_MIN_FREE_MB free on a folder it writes to.

    At spider_opened it refuses the crawl (CloseSpider "low_disk_space", before any request); then it
    checks every NEWSCRAWL_DISK_CHECK_SECONDS and closes the spider with the same reason when space runs low.
    """

    def __init__(self, crawler: Crawler, folders: Mapping[str, Path], min_free_mb: float, interval: float):
        self.crawler = crawler
        self.folders = dict(folders)
        self.min_free_mb = min_free_mb
        self.interval = interval
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskSpaceGuard:
        settings = crawler.settings
        min_free_mb = settings.getfloat(SETTING, DEFAULT_MIN_FREE_MB)
        if min_free_mb <= 0:
            raise NotConfigured(f"{SETTING} is 0")
        guard = cls(crawler, crawl_folders(settings), min_free_mb, settings.getfloat(INTERVAL_SETTING, DEFAULT_CHECK_SECONDS))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def free(self, path: Path) -> float:
        """Free MB on path's filesystem (a method, so that a test can pretend the disk fills)."""
        return free_mb(path)

    def check(self) -> str | None:
        return check_free_space(self.folders, self.min_free_mb, free=self.free)

    def spider_opened(self) -> None:
        line = self.check()
        if line is not None:
            self.crawler.stats.set_value("diskspace/low", line)
            logger.error("not starting the crawl: %s", line)
            raise CloseSpider(LOW_DISK_SPACE)
        if self.interval > 0:
            self.task = create_looping_call(self._check_while_crawling)
            self.task.start(self.interval, now=False)

    def _check_while_crawling(self) -> None:
        line = self.check()
        if line is None:
            return
        self._stop()
        self.crawler.stats.set_value("diskspace/low", line)
        logger.error("stopping the crawl: %s", line)
        close_crawl(self.crawler, LOW_DISK_SPACE)

    def spider_closed(self) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.task = None
