"""The incremental middleware reads the archive by the night's work, never all of it (batch size 5 here).

In-process tests drive the middleware by hand and watch every SQL statement it sends; the crawl tests run
the real spider against an archive of many other articles and check, from the WARC files the crawl wrote,
what it skipped, what it fetched and that it fetched nothing twice.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from parsel import Selector
from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from conftest import run_crawl
from newscrawl import db
from newscrawl.bench_memory import fill_archive
from newscrawl.incremental import IncrementalMiddleware, SchedulerWatch
from newscrawl.migrate import upgrade
from newscrawl.mirror.server import MirrorServer
from newscrawl.mirror.site import LIST_PAGE_PATH, MirrorSite
from newscrawl.pages import decode_page
from newscrawl.spiders.yybnet import YybnetSpider
from newscrawl.warc import iter_responses
from newscrawl.yybnet import known_channels, parse_article_url

BATCH = 5
NOW = datetime(2022, 1, 7, 8, 0, tzinfo=timezone(timedelta(hours=8)))
OLD = datetime(2015, 3, 1, tzinfo=UTC)
YOUNG = NOW - timedelta(days=1)
CHANNELS = "weifang/news,weifang/qingzhou"  # the spider's; weifang/zhucheng and jinan/news are archived too
BASE_URL = "http://mirror.test"


# --- an archive built by hand -------------------------------------------------------------------------
def add_articles(database_url: str, rows: list[tuple[str, str, int, datetime, bool]]) -> None:
    """(city, channel, id, published_at, removed) rows with etag and Last-Modified, as a crawl stores them."""
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as connection:
            db.insert_articles(connection, [
                {
                    "article_key": f"{city}/{channel}/{number}", "url": f"https://www.yybnet.net/{city}/{channel}/{published:%Y%m}/{number}.html",
                    "canonical_url": f"https://www.yybnet.net/{city}/{channel}/{published:%Y%m}/{number}.html", "city": city,
                    "channel": "新闻", "breadcrumbs": [], "title": f"稿件{number}", "body": "正文。", "authors": [], "editors": [],
                    "images": [], "content_hash": f"{number:064x}", "published_at": published, "crawled_at": published,
                    "first_seen_at": published, "last_seen_at": published, "etag": f'"e{number}"',
                    "last_modified": "Sun, 01 Mar 2015 00:00:00 GMT", "removed_at": published if removed else None,
                    # As the schedule leaves them: the young, not removed ones due tonight, the others later.
                    "next_check_at": NOW - timedelta(hours=1) if published >= YOUNG and not removed else NOW + timedelta(days=30),
                }
                for city, channel, number, published, removed in rows
            ])  # fmt: skip
    finally:
        engine.dispose()


def hand_archive(database_url: str) -> dict[str, list[str]]:
    """161 articles: old and young ones in the spider's channels, young ones in a channel and a city it does not crawl."""
    upgrade(database_url)
    groups = {
        "old": [("weifang", "news", 10_000_000 + n, OLD, False) for n in range(45)],
        "young": [("weifang", "news", 11_000_000 + n, YOUNG, False) for n in range(5)]
        + [("weifang", "qingzhou", 12_000_000 + n, YOUNG, False) for n in range(3)],
        "young_removed": [("weifang", "news", 13_000_000, YOUNG, True)],
        "old_removed": [("weifang", "qingzhou", 13_000_001, OLD, True)],
        "other_channel_young": [("weifang", "zhucheng", 14_000_000 + n, YOUNG, False) for n in range(3)],
        "other_city_young": [("jinan", "news", 15_000_000 + n, YOUNG, False) for n in range(4)],
        "other_city_old": [("jinan", "news", 16_000_000 + n, OLD, False) for n in range(100)],
    }
    add_articles(database_url, [row for rows in groups.values() for row in rows])
    return {name: [f"{c}/{ch}/{n}" for c, ch, n, _, _ in rows] for name, rows in groups.items()}


class Driven:
    """The middleware of a yybnet spider, driven by hand, with every SQL statement it sends recorded."""

    def __init__(self, database_url: str, monkeypatch, extra_settings: dict | None = None, **spider_args: str):
        extra_settings = extra_settings or {}
        monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
        settings = {
            "NEWSCRAWL_DATABASE_URL": database_url, "NEWSCRAWL_INCREMENTAL_BATCH_SIZE": BATCH, "NEWSCRAWL_NOW": NOW.isoformat(),
            "NEWSCRAWL_REVISIT_FILL": False, **extra_settings,  # the due articles only, unless a test asks for the fill
        }  # fmt: skip
        self.crawler = get_crawler(YybnetSpider, settings)
        self.spider = YybnetSpider.from_crawler(self.crawler, base_url=BASE_URL, channels=CHANNELS, **spider_args)
        self.crawler.spider = self.spider
        self.middleware = IncrementalMiddleware.from_crawler(self.crawler)
        self.statements: list[tuple[str, int]] = []  # (SQL, number of bound values)

    def stat(self, name: str) -> int:
        return self.crawler.stats.get_value(name, 0)

    async def open(self) -> None:
        real_make_engine = db.make_engine

        def recording_engine(url, **options):
            engine = real_make_engine(url, **options)
            event.listen(engine, "before_cursor_execute", self._record)
            return engine

        db.make_engine = recording_engine
        try:
            await self.middleware.spider_opened(self.spider)
        finally:
            db.make_engine = real_make_engine

    def _record(self, _connection, _cursor, statement, parameters, _context, _executemany) -> None:
        self.statements.append((statement, len(parameters) if isinstance(parameters, (list, tuple, dict)) else 0))

    async def start(self) -> list[Request]:
        return [request async for request in self.middleware.process_start(self.spider.start())]

    async def list_page(self, city: str, channel: str, keys: list[str], more: bool = True) -> list[Request]:
        """What the middleware lets through of one list page linking `keys` (and a next page)."""
        url = f"{BASE_URL}/{city}/{channel}/"
        response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta={"channel_list": f"{city}/{channel}"}))

        async def output():
            for key in keys:
                c, ch, number = key.split("/")
                yield Request(f"{BASE_URL}/{c}/{ch}/202201/{number}.html", meta={"article_key": key}, dont_filter=True)
            if more:
                yield Request(f"{url}index_2.html", meta={"channel_list": f"{city}/{channel}"})

        return [r async for r in self.middleware.process_spider_output(response, output())]

    def article_selects(self) -> list[tuple[str, int]]:
        """The statements that read article rows (not the count of them)."""
        return [(sql, n) for sql, n in self.statements if re.search(r"FROM articles\b", sql) and "articles.article_key" in sql]


def keys_of(requests: list[Request]) -> list[str]:
    return [r.meta["article_key"] for r in requests if r.meta.get("article_key")]


def test_a_list_page_is_looked_up_in_batches_and_only_young_rows_are_read_at_the_start(sqlite_url, monkeypatch):
    archive = hand_archive(sqlite_url)
    driven = Driven(sqlite_url, monkeypatch)

    async def night():
        await driven.open()
        started = await driven.start()
        new = [f"weifang/news/{17_000_000 + n}" for n in range(2)]
        first = await driven.list_page("weifang", "news", new + archive["old"][:8] + archive["young"][:2] + archive["young_removed"])
        second = await driven.list_page("weifang", "news", archive["old"][8:20])
        third = await driven.list_page("weifang", "news", archive["old"][20:30])
        return started, new, first, second, third

    started, new, first, second, third = asyncio.run(night())
    driven.middleware.spider_closed(driven.spider)

    revisits = [r for r in started if r.meta.get("revisit")]
    assert sorted(keys_of(revisits)) == sorted(archive["young"])  # not removed, not another channel or city
    assert all(r.headers.get("If-None-Match") and r.meta["warc_refers_to"]["uri"] for r in revisits)
    assert keys_of(first) == new  # archived links are not fetched; young ones are revisited from the start
    assert [r.url for r in first if not r.meta.get("article_key")] == [f"{BASE_URL}/weifang/news/index_2.html"]
    assert keys_of(second) == [] and len(second) == 1  # one page with nothing new: the next is still walked
    assert third == []  # two in a row: stopped
    assert driven.stat("incremental/skipped") == 9 + 12 + 10  # the removed one too, as before
    assert driven.stat("incremental/revisited") == 8
    assert driven.stat("incremental/channels_stopped_early") == 1

    selects = driven.article_selects()
    assert selects and all(re.search(r"\bWHERE\b", sql) for sql, _ in selects)  # never the whole table
    lookups = [n for sql, n in selects if "article_key IN" in sql]
    assert lookups and max(lookups) <= BATCH
    assert len(lookups) == sum(math.ceil(n / BATCH) for n in (13, 12, 10))
    young_rows = len(archive["young"]) + len(archive["other_channel_young"])  # same city: read, then left out
    assert driven.stat("incremental/rows_read") == young_rows + (11 + 12 + 10)
    assert driven.stat("incremental/rows_read") < sum(map(len, archive.values())) / 3


def test_a_full_pass_pages_through_every_row_once_by_keyset(database_url, monkeypatch):
    archive = hand_archive(database_url)
    driven = Driven(database_url, monkeypatch, full="1")

    driven.crawler.engine = SimpleNamespace(running=True)  # lets the stream wait for the scheduler to run empty
    started: list[Request] = []
    yielded_at_watch: list[int] = []  # requests handed on when a page's wait for the scheduler began
    real_watch = driven.middleware._watch_scheduler

    def watch_scheduler():
        yielded_at_watch.append(len(started) + 1)  # made just before the page's last request is handed on
        return real_watch()

    driven.middleware._watch_scheduler = watch_scheduler

    async def scheduler_runs_empty():
        while True:
            await asyncio.sleep(0.002)
            driven.crawler.signals.send_catch_log(signals.scheduler_empty)

    async def night():
        await driven.open()
        linked = archive["old"][:3] + archive["old_removed"] + [f"weifang/news/{17_000_000}"]
        from_list = await driven.list_page("weifang", "qingzhou", linked)  # a list page answered before the stream ends
        pump = asyncio.ensure_future(scheduler_runs_empty())
        async for request in driven.middleware.process_start(driven.spider.start()):
            started.append(request)
        pump.cancel()
        return from_list

    from_list = asyncio.run(night())
    driven.middleware.spider_closed(driven.spider)

    revisited = keys_of([r for r in from_list + started if r.meta.get("revisit")])
    crawled = archive["old"] + archive["young"] + archive["young_removed"] + archive["old_removed"]
    assert sorted(revisited) == sorted(crawled)  # every archived article of the channels, removed ones too
    assert not [key for key, n in Counter(revisited).items() if n > 1]  # none twice
    assert keys_of([r for r in from_list if not r.meta.get("revisit")]) == ["weifang/news/17000000"]
    assert driven.stat("incremental/revisited") == len(crawled) and driven.stat("incremental/skipped") == 0

    pages = [(sql, n) for sql, n in driven.article_selects() if "articles.id >" in sql]
    weifang_rows = len(crawled) + len(archive["other_channel_young"])  # the stream reads the spider's cities only
    assert len(pages) == weifang_rows // BATCH + 1 and all("LIMIT" in sql for sql, _ in pages)
    # After each full page the stream waits for the scheduler to run empty: never more than a page at a time.
    assert len(yielded_at_watch) == weifang_rows // BATCH
    assert max(b - a for a, b in zip([0, *yielded_at_watch], [*yielded_at_watch, len(started)], strict=True)) <= BATCH + len(driven.spider.channels)
    assert driven.stat("incremental/rows_read") == weifang_rows + 4  # the pages, and the list page's lookup


def test_the_full_pass_waits_until_the_scheduler_has_run_empty():
    crawler = get_crawler(YybnetSpider)
    engine = SimpleNamespace(running=True)

    async def watch_it():
        watch = SchedulerWatch(crawler, engine)
        try:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(watch.emptied(), timeout=0.05)  # nothing said the scheduler is empty
            asyncio.get_running_loop().call_later(0.01, crawler.signals.send_catch_log, signals.scheduler_empty)
            await asyncio.wait_for(watch.emptied(), timeout=5)
        finally:
            watch.close()
        assert not crawler.signals.send_catch_log(signals.scheduler_empty)  # disconnected: nobody listens

    asyncio.run(watch_it())


def test_what_a_failing_callback_made_before_it_failed_still_goes_through(sqlite_url, monkeypatch):
    archive = hand_archive(sqlite_url)
    driven = Driven(sqlite_url, monkeypatch)
    url = f"{BASE_URL}/weifang/news/"
    response = HtmlResponse(url, body=b"", request=Request(url, meta={"channel_list": "weifang/news"}))

    async def output():
        yield Request(f"{BASE_URL}/weifang/news/202201/17000000.html", meta={"article_key": "weifang/news/17000000"})
        yield Request(f"{BASE_URL}/weifang/news/201503/10000000.html", meta={"article_key": archive["old"][0]})
        raise ValueError("odd markup")

    async def night():
        await driven.open()
        passed = []
        with pytest.raises(ValueError, match="odd markup"):
            async for request in driven.middleware.process_spider_output(response, output()):
                passed.append(request)
        return passed

    assert keys_of(asyncio.run(night())) == ["weifang/news/17000000"]
    driven.middleware.spider_closed(driven.spider)
    assert driven.stat("incremental/skipped") == 1


def test_a_database_that_cannot_answer_a_lookup_costs_fetches_not_links(sqlite_url, monkeypatch, tmp_path):
    from newscrawl import incremental

    monkeypatch.setattr(incremental, "RETRY_WAIT_SECONDS", 0)
    archive = hand_archive(sqlite_url)
    driven = Driven(sqlite_url, monkeypatch)
    linked = archive["old"][:6] + archive["young"][:1] + ["weifang/news/17000000"]

    async def night():
        await driven.open()
        driven.middleware.engine.dispose()
        driven.middleware.engine = db.make_engine(f"sqlite:///{tmp_path / 'gone' / 'x.db'}")  # cannot be opened
        (tmp_path / "gone").rmdir()
        return await driven.list_page("weifang", "news", linked)

    passed = asyncio.run(night())
    driven.middleware.spider_closed(driven.spider)
    young = archive["young"][0]  # already being revisited: not fetched twice
    assert keys_of(passed) == [key for key in linked if key != young] and len(passed) == len(linked)  # and the next page
    assert driven.stat("incremental/lookups_failed") == 1
    assert driven.stat("incremental/retries") == incremental.QUERY_ATTEMPTS - 1
    assert driven.stat("incremental/skipped") == 0


# --- real crawls against an archive of many other articles -------------------------------------------
ARTICLES, SEED, OTHERS = 60, 11, 150


def stats_of(stderr: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r"'([\w/]+)': (\d+)", stderr)}


def fetches_per_key(warc_dir: Path) -> Counter:
    """Requests the crawl sent for each article key, from the WARC request records."""
    fetched: Counter = Counter()
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request" and (ref := parse_article_url(record.rec_headers.get_header("WARC-Target-URI"))):
                    fetched[ref.key] += 1
    return fetched


def linked_from_walked_lists(warc_dir: Path) -> set[str]:
    """Article keys linked from the list pages the crawl walked (links into the page's own channel)."""
    linked = set()
    for response in iter_responses(warc_dir):
        path = re.sub(r"^https?://[^/]+", "", response.url)
        if response.status != 200 or not (match := LIST_PAGE_PATH.match(path.split("?")[0])):
            continue
        markup = decode_page(response.body, response.header("Content-Type"))
        for href in Selector(text=markup).css("a[href]::attr(href)").getall():
            ref = parse_article_url(urljoin(response.url, href))
            if ref is not None and (ref.city, ref.channel) == (match["city"], match["channel"]):
                linked.add(ref.key)
    return linked


def archive_rows(database_url: str) -> dict[str, db.Article]:
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            return {row.article_key: row for row in session.scalars(select(db.Article))}
    finally:
        engine.dispose()


def crawl_night(database_url: str, day: int, tmp_path: Path, *args: str) -> tuple[dict[str, int], Path]:
    site = MirrorSite(articles=ARTICLES, seed=SEED, day=day)
    warc_dir = tmp_path / f"warc-{day}-{len(args)}"
    with MirrorServer(site) as server:
        done = run_crawl(
            server.base_url, database_url, "-s", f"NEWSCRAWL_NOW={site.today.isoformat()}",
            "-s", f"NEWSCRAWL_INCREMENTAL_BATCH_SIZE={BATCH}", "-s", "NEWSCRAWL_REVISIT_FILL=False", *args, warc_dir=warc_dir,
        )  # fmt: skip
    return stats_of(done.stderr), warc_dir


def test_nightly_crawls_against_a_larger_archive_read_fetch_and_count_right(database_url, tmp_path):
    upgrade(database_url)
    days = [MirrorSite(articles=ARTICLES, seed=SEED, day=day) for day in (0, 1, 2)]
    mirror_keys = {a.ref.key for site in days for a in site.articles} | {k for site in days for k in site.removed_keys()}
    fill_archive(database_url, OTHERS, mirror_keys)  # old articles of the very channels the spider walks
    crawl_night(database_url, 0, tmp_path)
    crawl_night(database_url, 1, tmp_path)

    before = archive_rows(database_url)
    now = days[2].today
    young = {k for k, row in before.items() if row.removed_at is None and row.published_at and now - row.published_at < timedelta(days=3)}
    assert young and len(before) > 3 * len(young) and len(before) >= OTHERS + ARTICLES
    stats, warc_dir = crawl_night(database_url, 2, tmp_path)

    fetched = fetches_per_key(warc_dir)
    assert fetched and max(fetched.values()) == 1  # no article fetched twice
    linked = linked_from_walked_lists(warc_dir)
    assert stats["incremental/revisited"] == len(young) and young <= set(fetched)
    assert stats["incremental/skipped"] == len(linked & set(before) - young)
    assert set(fetched) == young | (linked - set(before))  # the young revisited, the new fetched, nothing else
    # The rows read: the young ones (all crawled cities), then one lookup per linked key; not the archive.
    assert stats["incremental/rows_read"] == len(young) + len(linked & set(before))
    assert stats["incremental/rows_read"] < len(before) / 2

    archived = archive_rows(database_url)
    assert {k for k, row in archived.items() if (ref := parse_article_url(row.canonical_url)) and (ref.city, ref.channel) in known_channels()} == set(
        archived
    )
    stats, warc_dir = crawl_night(database_url, 2, tmp_path, "-a", "full=1")
    fetched = fetches_per_key(warc_dir)
    assert max(fetched.values()) == 1 and set(fetched) == set(archived)  # every archived article, once
    assert stats["incremental/revisited"] == len(archived) and stats.get("incremental/skipped", 0) == 0
    others = [row for key, row in archive_rows(database_url).items() if key not in mirror_keys]
    assert len(others) == OTHERS and all(row.removed_at is not None for row in others)  # the mirror does not have them: 404


def test_a_link_that_answered_404_before_it_was_archived_waits_out_its_backoff(sqlite_url, monkeypatch):
    archive = hand_archive(sqlite_url)
    waiting, due = "weifang/news/18000001", "weifang/news/18000002"
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        for key, retry_after in ((waiting, NOW + timedelta(days=2)), (due, NOW - timedelta(hours=1))):
            session.add(db.DeadLink(
                article_key=key, url=f"{BASE_URL}/{key}.html", http_status=404, failures=2, first_failed_at=OLD,
                last_failed_at=NOW - timedelta(days=2), retry_after=retry_after,
            ))  # fmt: skip
    engine.dispose()
    driven = Driven(sqlite_url, monkeypatch)

    async def night():
        await driven.open()
        await driven.start()
        return await driven.list_page("weifang", "news", [waiting, due, "weifang/news/18000003", archive["old"][0]])

    let_through = asyncio.run(night())
    driven.middleware.spider_closed(driven.spider)
    assert keys_of(let_through) == [due, "weifang/news/18000003"]  # the one still waiting is not fetched this night
    assert driven.stat("incremental/dead_link_waiting") == 1 and driven.stat("incremental/skipped") == 1


@pytest.mark.parametrize(
    ("earlier", "catching_up"),
    [
        ([("a", "finished", 0), ("a", "finished", 0)], False),
        ([("a", "running", 0), ("a", "finished", 0)], True),  # a worker of the last run was killed (its row never closed)
        ([("a", "finished", 0), ("a", "finished", 3)], True),  # one worker had failed fetches
        ([("a", "interrupted", 0), ("b", "finished", 0), ("b", "drift", 0)], False),  # only the last run counts
        ([(None, "finished", 0), (None, "failed", 0)], True),  # rows of single runs from before run keys
    ],
)
def test_the_last_run_is_judged_over_all_its_workers(sqlite_url, monkeypatch, earlier, catching_up):
    upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        for run_key, status, errors in earlier:
            session.add(db.CrawlRun(spider="yybnet", args={}, started_at=OLD, status=status, errors=errors, run_key=run_key))
        session.add(db.CrawlRun(spider="yybnet", args={}, started_at=NOW, status="running", run_key="now"))  # this run's other worker
    engine.dispose()
    driven = Driven(sqlite_url, monkeypatch)
    driven.crawler.stats.set_value("newscrawl/run_key", "now")
    asyncio.run(driven.open())
    driven.middleware.spider_closed(driven.spider)
    assert driven.middleware.catching_up is catching_up
