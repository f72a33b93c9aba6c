"""The crawl benchmark, the pre-rendered mirror it serves, and extraction in worker processes."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.bench_crawl import bench_crawl
from newscrawl.extract_pool import YYBNET, ExtractError, ExtractPool, configured_processes, extract_article
from newscrawl.items import Article, PageFailure
from newscrawl.mirror.server import FastMirrorServer, MirrorServer
from newscrawl.mirror.site import MirrorSite, list_page_url
from newscrawl.spiders.yybnet import YybnetSpider
from newscrawl.yybnet import known_channels

CRASH_MARK = "/crash/"
NOW = datetime(2021, 6, 2, tzinfo=UTC)


def crash_on_marked_pages(kind, url, body, content_type, crawled_at):
    """Runs in the worker process: a page whose URL carries CRASH_MARK kills it, as a segfault would."""
    if CRASH_MARK in url:
        os._exit(3)
    return extract_article(kind, url, body, content_type, crawled_at)


def fetch(base_url: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, {k: v for k, v in answer.getheaders() if k not in ("Server", "Date", "Connection")}, answer.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site() -> MirrorSite:
    return MirrorSite(articles=30, seed=4)


def article_pages(site: MirrorSite, base_url: str = "http://127.0.0.1:8000") -> list[tuple]:
    pages = []
    for article in site.articles:
        answer = site.respond("GET", article.path, {"Host": base_url.removeprefix("http://")})
        pages.append((YYBNET, base_url + article.path, answer.body, answer.headers["Content-Type"], NOW))
    return pages


# --- the pre-rendered mirror -------------------------------------------------------------------------------
def test_the_fast_mirror_answers_what_the_mirror_answers(site):
    with FastMirrorServer(site) as fast, MirrorServer(site) as slow:
        port = fast.base_url.rsplit(":", 1)[1]
        paths = ["/robots.txt", site.articles[0].path, site.articles[-1].path, list_page_url("weifang", "news", 1), "/nope.html"]
        for path in paths:
            # The slow server is asked with the fast one's Host, so that list pages link the same variants.
            assert fetch(fast.base_url, path) == fetch(slow.base_url, path, Host=f"127.0.0.1:{port}"), path
        assert fast.live_requests == 1  # only the unknown path was not pre-rendered
        status, headers, _ = fetch(fast.base_url, site.articles[0].path)
        status, _, body = fetch(fast.base_url, site.articles[0].path, **{"If-None-Match": headers["ETag"]})
        assert (status, body) == (304, b"")  # conditional requests are answered live
        assert len(fast.pages) == len(site.articles) + sum(site.page_count(c, ch) for c, ch in known_channels()) + 2


def test_the_fast_mirror_keeps_a_connection_open_for_many_requests(site):
    with FastMirrorServer(site) as fast:
        host, port = fast.base_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        for article in site.articles:
            connection.request("GET", article.path)
            answer = connection.getresponse()
            assert answer.status == 200 and len(answer.read()) == int(answer.headers["Content-Length"])
        connection.close()
        assert fast.live_requests == 0


# --- extraction in worker processes ------------------------------------------------------------------------
def test_workers_extract_what_the_crawl_process_extracts(site):
    pages = article_pages(site)
    pool = ExtractPool(1)

    async def in_workers() -> list:
        return await asyncio.gather(*(pool.extract(*page) for page in pages))

    try:
        from_workers = asyncio.run(in_workers())
    finally:
        pool.shutdown()
    here = [extract_article(*page) for page in pages]
    assert all(isinstance(item, Article) and item.title and item.body for item in here)
    assert [item.to_json() for item in from_workers] == [item.to_json() for item in here]


def test_a_worker_that_dies_costs_one_recorded_page_and_the_next_pages_are_read(site):
    crawler = get_crawler(YybnetSpider, settings_dict={"NEWSCRAWL_EXTRACT_PROCESSES": 1})
    spider = crawler._create_spider(channels="weifang/news", base_url="http://127.0.0.1:8000")
    crawler.stats.open_spider()
    pool = ExtractPool.for_spider(spider)
    pool.function = crash_on_marked_pages
    good = site.articles[0]
    body = site.respond("GET", good.path, {"Host": "127.0.0.1:8000"}).body

    def response(url: str) -> HtmlResponse:
        request = Request(url, meta={"article_key": good.ref.key, "warc": {"date": NOW}})
        return HtmlResponse(url=url, body=body, request=request, headers={"Content-Type": "text/html"})

    async def crawl() -> tuple[list, list]:
        # The crash mark goes in the query: the URL stays an article URL of the spider's grammar.
        crashed = await spider.parse_article(response(f"http://127.0.0.1:8000{good.path}?x={CRASH_MARK}"))
        fine = await spider.parse_article(response(f"http://127.0.0.1:8000{good.path}"))
        return crashed, fine

    try:
        crashed, fine = asyncio.run(crawl())
    finally:
        pool.shutdown()
    (failure,) = crashed
    assert isinstance(failure, PageFailure) and failure.reason.startswith("BrokenProcessPool"), failure
    assert failure.article_key == good.ref.key
    (item,) = fine
    assert isinstance(item, Article) and item.title == extract_article(YYBNET, item.url, body, "text/html", NOW).title
    stats = crawler.stats.get_stats()
    assert stats["extract/pools_broken"] == 2  # the page was tried on a fresh pool once more
    assert stats["yybnet/extract_errors/BrokenProcessPool"] == 1
    assert stats["extract/pools_started"] == 3


def test_pages_waiting_behind_the_one_that_kills_a_worker_are_read(site):
    pages = article_pages(site)[:8]
    poisoned = (pages[1][0], pages[1][1] + "?x=" + CRASH_MARK, *pages[1][2:])
    pool = ExtractPool(1)
    pool.function = crash_on_marked_pages

    async def in_workers() -> list:
        return await asyncio.gather(*(pool.extract(*page) for page in [pages[0], poisoned, *pages[2:]]))

    try:
        results = asyncio.run(in_workers())
    finally:
        pool.shutdown()
    assert isinstance(results[1], ExtractError) and results[1].type_name == "BrokenProcessPool"
    others = [results[0], *results[2:]]
    assert [item.to_json() for item in others] == [extract_article(*page).to_json() for page in [pages[0], *pages[2:]]]
    assert pool.pending == 0 and not pool._inflight


def test_extraction_runs_in_the_crawl_process_without_a_loop_or_when_told(site):
    page = article_pages(site)[0]
    assert ExtractPool(1).runs_here()  # no running asyncio loop: a callback called directly, as in unit tests
    assert ExtractPool(0).runs_here()
    assert configured_processes("0") == 0 and configured_processes(2) == 2
    assert configured_processes(None) == (1 if len(os.sched_getaffinity(0)) >= 2 else 0)
    assert configured_processes(None, distributed=True) == 0 and configured_processes(1, distributed=True) == 1
    with pytest.raises(ValueError):
        configured_processes(-1)
    assert isinstance(extract_article(page[0], page[1], b"", "text/html", NOW), ExtractError)  # no elements: recorded


# --- the benchmark -----------------------------------------------------------------------------------------
def test_bench_crawl_compares_the_crawl_with_bare_scrapy(monkeypatch, tmp_path):
    for name in ("NEWSCRAWL_BENCH_POSTGRES_URL", "NEWSCRAWL_TEST_POSTGRES_URL", "NEWSCRAWL_BENCH_REDIS_URL", "NEWSCRAWL_TEST_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    table = bench_crawl(articles=24, workers=1, keep=tmp_path / "bench")
    rows = {line[:22].strip(): line[22:].split() for line in table.splitlines()[3:] if line[:22].strip()}
    bare, sqlite = rows["bare scrapy"], rows["sqlite"]
    assert "n/a:" not in bare + sqlite, table  # a crawl that failed says why here (logs in tmp_path / "bench")
    pages = int(bare[0])
    assert pages == int(sqlite[0]) > 24  # the same URLs: every article, every list page, robots.txt
    for row in (bare, sqlite):
        seconds, wall, rate = float(row[1]), float(row[2]), float(row[3])
        assert 0 < seconds <= wall < 120
        assert pages / (seconds + 0.006) <= rate <= pages / max(seconds - 0.006, 0.001)  # seconds are rounded to 0.01
        assert 20 < float(row[5].split("+")[0]) < 1000  # peak RSS in MB
        assert 0 < float(row[6]) < 1000 and 0 < float(row[7]) <= float(row[6])  # CPU ms per page: all, main
    assert bare[4] == "1.00" and float(sqlite[4]) == pytest.approx(float(sqlite[3]) / float(bare[3]), abs=0.01)
    assert rows["postgresql"][:1] == ["n/a:"] and rows["1 workers (redis+pg)"][:1] == ["n/a:"]
    last = table.splitlines()[-1]
    assert re.fullmatch(r"crawl: bare scrapy [\d.]+ p/s; sqlite [\d.]+ p/s \([\d.]+x\); postgresql n/a; 1 workers n/a", last), last
    # What bare Scrapy fetched is what the crawl fetched, and the crawl stored every article.
    assert (tmp_path / "bench" / "urls.txt").read_text().count("\n") == pages - 1  # robots.txt is its own
