"""Politeness per site across every worker of a distributed run.

DOWNLOAD_DELAY and AutoThrottle work per process: K workers on one site would ask it K times as often.
In a distributed run the delay is the site's instead (NEWSCRAWL_SITE_DELAY, by default the DOWNLOAD_DELAY
the crawl was given): before a request leaves, the worker takes the site's turn in Redis (`SET key NX PX
delay`) or waits until the turn is free, so all workers together start at most one request per delay on
a site, whatever their number. The add-on sets the local DOWNLOAD_DELAY to 0 and turns AutoThrottle off
(it paces one process only, and a local delay would hold a request back after it took the site's turn).
CONCURRENT_REQUESTS_PER_DOMAIN stays per worker: divide it by the number of workers.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.distributed.connection import client, redis_url

logger = logging.getLogger(__name__)

MIN_WAIT = 0.01  # seconds: never spin on Redis


class SharedDelay:
    def __init__(self, crawler: Crawler):
        url = redis_url(settings=crawler.settings)
        if not url:
            raise NotConfigured
        self.crawler = crawler
        self.server = client(url)
        self.delay = crawler.settings.getfloat("NEWSCRAWL_SITE_DELAY", 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedDelay:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        delay = self.delay
        if delay <= 0:
            return None
        key = f"newscrawl:turn:{urlparse_cached(request).hostname}"
        waited = 0.0
        try:
            while not self.server.set(key, "1", nx=True, px=max(int(delay * 1000), 1)):
                wait = max((self.server.pttl(key) or 0) / 1000, MIN_WAIT)
                waited += wait
                await asyncio.sleep(wait)
        except OSError as error:  # Redis unreachable: the scheduler fails the run; this request keeps the local delay
            logger.warning("shared delay: Redis unreachable (%s); using this worker's own delay", error)
            return None
        except Exception as error:  # noqa: BLE001 - redis-py's errors are not OSErrors
            logger.warning("shared delay: Redis failed (%s: %s); using this worker's own delay", type(error).__name__, error)
            return None
        if waited:
            self.crawler.stats.inc_value("distributed/shared_delay_waits")
        return None
