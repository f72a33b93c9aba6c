"""The storage pipeline on SQLite and PostgreSQL: upserts, reprint links, failures, aware times, spills."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.items import Article, PageFailure
from newscrawl.pipelines.dedup import DedupPipeline, content_fingerprint
from newscrawl.pipelines.store import StorePipeline, is_transient
from newscrawl.spiders.yybnet import YybnetSpider

BEIJING = timezone(timedelta(hours=8))


def make_article(key_id: str, body: str, channel: str = "news", **fields) -> Article:
    url = f"https://www.yybnet.net/weifang/{channel}/201708/{key_id}.html"
    fields.setdefault("content_hash", content_fingerprint(body))
    return Article(
        url=url, canonical_url=url, article_key=f"weifang/{channel}/{key_id}", city="weifang", channel="潍坊新闻",
        title=fields.pop("title", f"标题{key_id}"), body=body, source="潍坊日报",
        published_at=datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING), published_at_raw="2017-08-13 09:19",
        authors=["张传亮"], editors=["王五"], crawled_at=datetime.now(UTC),
        **fields,
    )  # fmt: skip


@pytest.fixture
def open_store(monkeypatch):
    """Opens store pipelines as a crawl would; whatever a test leaves open is closed afterwards."""
    opened: list[StorePipeline] = []
    monkeypatch.delenv("NEWSCRAWL_DATABASE_URL", raising=False)

    def open_one(url: str, **settings) -> StorePipeline:
        crawler = get_crawler(YybnetSpider, {"NEWSCRAWL_DATABASE_URL": url, "NEWSCRAWL_STORE_RETRIES": 2, **settings})
        crawler.spider = crawler._create_spider(channels="weifang/news")
        store = StorePipeline.from_crawler(crawler)
        store._open()
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.engine.dispose()


def rows(url: str, query: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).all()
    finally:
        engine.dispose()


def test_rerun_adds_no_rows_and_counts_unchanged_and_updated(database_url, open_store):
    first = open_store(database_url)
    first._flush_with_retries([make_article("1000001", "第一段。"), make_article("1000002", "另一篇。")])
    first.spider_closed(first.crawler.spider, "finished")

    second = open_store(database_url)
    second._flush_with_retries([make_article("1000001", "第一段。"), make_article("1000002", "另一篇，改过了。")])
    second.spider_closed(second.crawler.spider, "finished")

    assert rows(database_url, "SELECT count(*) FROM articles")[0][0] == 2
    assert rows(database_url, "SELECT body FROM articles WHERE article_key = 'weifang/news/1000002'")[0][0] == "另一篇，改过了。"
    runs = rows(database_url, "SELECT status, articles_new, articles_unchanged, articles_updated FROM crawl_runs ORDER BY id")
    assert [tuple(r) for r in runs] == [("finished", 2, 0, 0), ("finished", 0, 1, 1)]


def test_times_come_back_aware_and_equal(database_url, open_store):
    store = open_store(database_url)
    store._flush_with_retries([make_article("1000003", "正文。")])
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        article = session.scalars(select(db.Article)).one()
        assert article.published_at == datetime(2017, 8, 13, 1, 19, tzinfo=UTC)
        assert article.published_at.utcoffset() == timedelta(0)
        assert article.authors == ["张传亮"] and article.editors == ["王五"]
    engine.dispose()


def test_reprint_under_another_channel_is_stored_and_linked(database_url, open_store):
    store = open_store(database_url)
    store._flush_with_retries([make_article("1000004", "同一个故事。"), make_article("1000005", "同一个故事。", channel="shouguang")])
    store._flush_with_retries([make_article("1000006", "同一个故事。", channel="qingzhou")])
    linked = rows(database_url, "SELECT a.article_key, b.article_key FROM articles a LEFT JOIN articles b ON a.reprint_of_id = b.id ORDER BY a.id")
    assert [tuple(r) for r in linked] == [
        ("weifang/news/1000004", None),
        ("weifang/shouguang/1000005", "weifang/news/1000004"),
        ("weifang/qingzhou/1000006", "weifang/news/1000004"),
    ]


def test_page_failures_are_recorded_with_their_reason(database_url, open_store):
    store = open_store(database_url)
    store._flush_with_retries(
        [PageFailure(url="https://www.yybnet.net/weifang/news/201708/1000007.html", reason="no title", article_key="weifang/news/1000007")]
    )
    store.spider_closed(store.crawler.spider, "finished")
    assert [tuple(r) for r in rows(database_url, "SELECT article_key, reason FROM extraction_failures")] == [("weifang/news/1000007", "no title")]
    assert rows(database_url, "SELECT rejected FROM crawl_runs")[0][0] == 1


def test_a_batch_that_cannot_be_written_is_spilled_not_lost(sqlite_url, open_store, monkeypatch, tmp_path):
    store = open_store(sqlite_url, NEWSCRAWL_SPILL_DIR=str(tmp_path / "spill"))
    attempts = []

    def database_gone(batch):
        attempts.append(1)
        raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(store, "_write", database_gone)
    monkeypatch.setattr("newscrawl.pipelines.store.wait_exponential", lambda **_: lambda state: 0)
    store._flush_with_retries([make_article("1000008", "留下来。")])
    store.spider_closed(store.crawler.spider, "finished")
    assert len(attempts) == 2  # NEWSCRAWL_STORE_RETRIES
    spilled = (tmp_path / "spill" / f"run-{store.run_id}.jsonl").read_text(encoding="utf-8")
    assert "留下来。" in spilled
    assert rows(sqlite_url, "SELECT status FROM crawl_runs")[0][0] == "failed"


def test_only_transient_errors_are_retried():
    from sqlalchemy.exc import IntegrityError

    assert is_transient(OperationalError("x", {}, Exception("database is locked")))
    assert not is_transient(IntegrityError("x", {}, Exception("duplicate key")))
    assert not is_transient(ValueError("naive datetime"))


def test_dedup_drops_a_key_met_twice_and_fingerprints_text(monkeypatch):
    from scrapy.exceptions import DropItem

    dedup = DedupPipeline.from_crawler(get_crawler(YybnetSpider))
    first = dedup.process_item(make_article("1000009", "故事。", content_hash=None))
    assert first.content_hash == content_fingerprint("故事。")
    with pytest.raises(DropItem):
        dedup.process_item(make_article("1000009", "故事。"))
    reprint = dedup.process_item(make_article("1000010", "故 事。", channel="shouguang", content_hash=None))
    assert reprint.content_hash == first.content_hash  # whitespace does not make another text


def test_a_changed_text_becomes_a_new_version_and_the_old_one_stays(database_url, open_store):
    from newscrawl.items import FetchFailure, NotModified, Removed

    store = open_store(database_url)
    store._flush_with_retries([make_article("2000001", "初版正文。", etag='"v1"')])
    store._flush_with_retries([make_article("2000001", "修改后的正文。", etag='"v2"')])
    store._flush_with_retries([NotModified(url="u", article_key="weifang/news/2000001")])
    store._flush_with_retries([make_article("2000002", "会被删除。"), FetchFailure(url="http://x/a", reason="HTTP 503", http_status=503)])
    store._flush_with_retries([Removed(url="u", article_key="weifang/news/2000002", http_status=404)])

    shown = "SELECT body, version, etag FROM articles JOIN article_checks ON article_id = id WHERE article_key = 'weifang/news/2000001'"
    assert [tuple(r) for r in rows(database_url, shown)] == [("修改后的正文。", 2, '"v2"')]
    versions = rows(
        database_url,
        "SELECT v.version, v.body FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE a.article_key = 'weifang/news/2000001' ORDER BY v.version",
    )
    assert [tuple(r) for r in versions] == [(1, "初版正文。"), (2, "修改后的正文。")]
    removed = rows(database_url, "SELECT removed_at IS NOT NULL, body FROM articles WHERE article_key = 'weifang/news/2000002'")
    assert [tuple(r) for r in removed] == [(True, "会被删除。")]  # marked, not deleted
    assert [tuple(r) for r in rows(database_url, "SELECT reason, http_status FROM fetch_failures")] == [("HTTP 503", 503)]
    assert store.stats.get_value("store/not_modified") == 1 and store.stats.get_value("store/removed") == 1


def test_an_edit_of_the_title_alone_is_a_new_version_too(database_url, open_store):
    store = open_store(database_url)
    store._flush_with_retries([make_article("2000003", "正文不变。", title="旧标题")])
    store._flush_with_retries([make_article("2000003", "正文不变。", title="新标题")])
    store._flush_with_retries([make_article("2000003", "正文不变。", title="新标题")])
    assert [tuple(r) for r in rows(database_url, "SELECT title, version FROM articles")] == [("新标题", 2)]
    assert store.stats.get_value("store/articles_updated") == 1 and store.stats.get_value("store/articles_unchanged") == 1


def test_a_long_key_from_another_site_is_stored_on_both_databases(database_url, open_store):
    url = "https://news.example.cn/" + "a" * 250 + "/2019/story.html?id=1"
    long_one = make_article("2000004", "别的网站的文章。")
    long_one.url = long_one.canonical_url = url
    long_one.article_key, long_one.source, long_one.etag = url.split("//")[1], "来源" * 80, '"' + "e" * 300 + '"'
    store = open_store(database_url)
    store._flush_with_retries([long_one])
    assert rows(database_url, "SELECT count(*) FROM articles")[0][0] == 1
