"""`newscrawl bench redis`: what a distributed run costs Redis, per million queued requests and fingerprints.

Fills a scratch Redis database with N article requests encoded exactly as the shared queue stores them
(scrapy-redis's pickled request dicts, with this project's callbacks and meta) and N fingerprints as the
shared dupefilter stores them, reads `used_memory` before and after each, and scales to a million.
The database is flushed before and after; give one nobody else uses.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from scrapy import Request

from newscrawl.distributed.connection import client, shown
from newscrawl.fingerprint import ArticleKeyFingerprinter

CITIES = ["weifang", "zibo", "jinan", "linyi", "yantai"]
CHANNELS = ["news", "shouguang", "qingzhou", "zhucheng", "gaomi", "anqiu"]


class _Spider:
    """Enough of a spider for Request.to_dict to name the callbacks, as the real queue does."""

    name = "yybnet"

    def parse_article(self, response):  # pragma: no cover - never called
        pass

    def failed(self, failure):  # pragma: no cover - never called
        pass


def _requests(count: int, seed: int = 0):
    rng = random.Random(seed)
    spider = _Spider()
    for n in range(count):
        city, channel = rng.choice(CITIES), rng.choice(CHANNELS)
        article_id = rng.randrange(10**7, 10**8)
        url = f"https://www.yybnet.net/{city}/{channel}/20{rng.randrange(10, 27)}{rng.randrange(1, 13):02d}/{article_id}.html"
        yield (
            Request(
                url, callback=spider.parse_article, errback=spider.failed, meta={"article_key": f"{city}/{channel}/{article_id}"}, priority=-(n % 3)
            ),
            spider,
        )


def bench_redis(url: str, count: int = 100_000) -> str:
    from scrapy_redis import picklecompat

    server = client(url)
    server.flushdb()
    fingerprints = ArticleKeyFingerprinter()
    try:
        before = server.info("memory")["used_memory"]
        started = time.perf_counter()
        pipe = server.pipeline(transaction=False)
        for n, (request, spider) in enumerate(_requests(count), 1):
            pipe.execute_command("ZADD", "bench:requests", -request.priority, picklecompat.dumps(request.to_dict(spider=spider)))
            if n % 5000 == 0:
                pipe.execute()
        pipe.execute()
        queued = server.info("memory")["used_memory"] - before
        queue_seconds = time.perf_counter() - started

        before = server.info("memory")["used_memory"]
        pipe = server.pipeline(transaction=False)
        for n, (request, _) in enumerate(_requests(count, seed=1), 1):
            pipe.sadd("bench:dupefilter", fingerprints.fingerprint(request).hex())
            if n % 5000 == 0:
                pipe.execute()
        pipe.execute()
        seen = server.info("memory")["used_memory"] - before
    finally:
        server.flushdb()
    queued_mb, seen_mb = (size * 1_000_000 / count / 2**20 for size in (queued, seen))  # MB per million
    return "\n".join([
        f"Redis at {shown(url)}: {count} article requests queued and {count} fingerprints, scaled to a million",
        f"queued requests: {queued / count:.0f} bytes each, {queued_mb:.0f} MB per million ({count / queue_seconds:.0f} pushes/s from one client)",
        f"fingerprints:    {seen / count:.0f} bytes each, {seen_mb:.0f} MB per million",
        f"redis: {queued_mb:.0f} MB per million queued requests, {seen_mb:.0f} MB per million fingerprints",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawl bench redis", description=__doc__)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="a scratch Redis database (flushed)")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(bench_redis(args.redis, args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
