"""Unit tables for the scale-out parts: request identity, dead-link backoff, spill files, judging a run of many workers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from scrapy import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.archive import Archive, dead_link_backoff
from newscrawl.distributed.connection import redis_url, shown
from newscrawl.fingerprint import ArticleDupeFilter, ArticleKeyFingerprinter
from newscrawl.items import Article, FetchFailure, Image, NotModified, PageFailure, Removed
from newscrawl.migrate import upgrade
from newscrawl.operate import EXIT_DEGRADED, EXIT_FAILED, EXIT_OK, judge_run, run_status, runs_table
from newscrawl.pipelines.dedup import content_fingerprint
from newscrawl.pipelines.store import failed_share
from newscrawl.spill import SpillError, import_spills, item_from_json

BEIJING = timezone(timedelta(hours=8))
FINGERPRINTS = ArticleKeyFingerprinter()


def article_request(url: str, key: str | None = "weifang/news/1", **meta) -> Request:
    return Request(url, meta={"article_key": key, **meta} if key else meta)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (
            article_request("https://www.yybnet.net/weifang/news/201708/1.html"),
            article_request("http://m.yybnet.net/weifang/news/201708/1.html?from=app#top"),
            True,
        ),
        (
            article_request("https://www.yybnet.net/weifang/news/201708/1.html"),
            article_request("https://www.yybnet.net/weifang/news/201708/2.html", "weifang/news/2"),
            False,
        ),
        (Request("https://www.yybnet.net/weifang/news/"), Request("https://www.yybnet.net/weifang/news/"), True),
        (Request("https://www.yybnet.net/weifang/news/"), Request("https://www.yybnet.net/weifang/news/index_2.html"), False),
        (article_request("https://www.yybnet.net/weifang/news/201708/1.html"), Request("https://www.yybnet.net/weifang/news/201708/1.html"), False),
    ],
)
def test_article_requests_are_one_request_per_key(first, second, same):
    assert (FINGERPRINTS.fingerprint(first) == FINGERPRINTS.fingerprint(second)) is same


def test_redirect_hops_pass_the_dupefilter_so_loops_fail_visibly():
    dupefilter = ArticleDupeFilter(fingerprinter=FINGERPRINTS)
    url = "https://www.yybnet.net/weifang/news/201708/1.html"
    assert not dupefilter.request_seen(article_request(url))
    assert dupefilter.request_seen(article_request(url.replace("www.", "m.")))
    hop = article_request(url, redirect_times=2, redirect_urls=[url, url + "?a"])
    assert not dupefilter.request_seen(hop) and not dupefilter.request_seen(hop)


@pytest.mark.parametrize(("failures", "days"), [(1, 1), (2, 2), (3, 4), (5, 16), (7, 64), (8, 90), (30, 90)])
def test_dead_link_backoff_doubles_up_to_ninety_days(failures, days):
    assert dead_link_backoff(failures) == timedelta(days=days)


@pytest.mark.parametrize(("failed", "read", "share"), [(0, 0, 0.0), (0, 10, 0.0), (1, 9, 0.1), (18, 82, 0.18), (5, 0, 1.0)])
def test_failed_share(failed, read, share):
    assert failed_share(failed, read) == pytest.approx(share)


def make_article(number: int, body: str = "正文。" * 30) -> Article:
    url = f"https://www.yybnet.net/weifang/news/201708/{number}.html"
    return Article(
        url=url, canonical_url=url, article_key=f"weifang/news/{number}", city="weifang", channel="潍坊新闻", title=f"标题{number}",
        body=body, content_hash=content_fingerprint(body), published_at=datetime(2017, 8, 13, 9, 19, tzinfo=BEIJING),
        authors=["张三"], images=[Image("https://www.yybnet.net/a.jpg", "图")], crawled_at=datetime(2026, 1, 2, tzinfo=UTC),
    )  # fmt: skip


def dead_links(url: str) -> list[db.DeadLink]:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            rows = list(session.scalars(select(db.DeadLink)))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


def test_a_link_that_was_never_archived_and_answers_404_waits_longer_each_time(database_url):
    upgrade(database_url)
    engine = db.make_engine(database_url)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    gone = FetchFailure(url="https://www.yybnet.net/weifang/news/201708/9.html", reason="HTTP 404", article_key="weifang/news/9", http_status=404)
    try:
        assert Archive(engine).write([gone], None, now=now)["dead_links"] == 1
        [row] = dead_links(database_url)
        assert (row.failures, row.retry_after) == (1, now + timedelta(days=1))
        Archive(engine).write([gone], None, now=now + timedelta(days=1))
        [row] = dead_links(database_url)
        assert (row.failures, row.retry_after) == (2, now + timedelta(days=3))
        # A 503 is no sign of a dead link, and an archived article answering 404 is a removal, not a dead link.
        Archive(engine).write(
            [make_article(8), FetchFailure(url="u", reason="HTTP 503", article_key="weifang/news/7", http_status=503)], None, now=now
        )
        Archive(engine).write([FetchFailure(url="u", reason="HTTP 404", article_key="weifang/news/8", http_status=404)], None, now=now)
        assert [row.article_key for row in dead_links(database_url)] == ["weifang/news/9"]
        Archive(engine).write([make_article(9)], None, now=now + timedelta(days=3))  # it came back: stored, no longer dead
        assert dead_links(database_url) == []
    finally:
        engine.dispose()


def test_spill_files_round_trip_into_the_archive(database_url, tmp_path):
    upgrade(database_url)
    items = [
        make_article(1), make_article(2, "另一篇。" * 30), PageFailure(url="https://x/1", reason="no title"),
        FetchFailure(url="https://x/2", reason="HTTP 503", http_status=503), NotModified(url="https://x/3", article_key="weifang/news/1"),
        Removed(url="https://x/4", article_key="weifang/news/2", http_status=410),
    ]  # fmt: skip
    spill = tmp_path / "run-999.jsonl"
    spill.write_text(
        "".join(json.dumps(i.to_json() if isinstance(i, Article) else {type(i).__name__: vars(i)}, ensure_ascii=False) + "\n" for i in items),
        encoding="utf-8",
    )  # the store pipeline's format
    assert [type(item_from_json(json.loads(line))) for line in spill.read_text(encoding="utf-8").splitlines()] == [type(i) for i in items]
    counts = import_spills(database_url, tmp_path)
    assert (counts["files"], counts["items"], counts["articles_new"], counts["page_failures"], counts["fetch_failures"]) == (1, 6, 2, 1, 1)
    assert not spill.exists() and (tmp_path / "run-999.jsonl.imported").exists()
    assert import_spills(database_url, tmp_path) == {}  # imported once only

    engine = db.make_engine(database_url)
    with Session(engine) as session:
        first = session.scalars(select(db.Article).where(db.Article.article_key == "weifang/news/1")).one()
        assert first.published_at == datetime(2017, 8, 13, 1, 19, tzinfo=UTC) and first.authors == ["张三"]
        assert first.images == [{"url": "https://www.yybnet.net/a.jpg", "caption": "图"}]
        assert first.first_run_id is None  # run 999 is not in this archive
        removed = session.scalars(select(db.Article).where(db.Article.article_key == "weifang/news/2")).one()
        assert removed.removed_at is not None
    engine.dispose()


@pytest.mark.parametrize("line", ['{"Nonsense": {}}', '{"title": "no url"}', '{"url": "u", "colour": "red"}'])
def test_a_damaged_spill_line_is_a_clear_error_and_the_file_is_kept(tmp_path, sqlite_url, line):
    upgrade(sqlite_url)
    (tmp_path / "run-1.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(SpillError, match=r"run-1\.jsonl:1"):
        import_spills(sqlite_url, tmp_path)
    assert (tmp_path / "run-1.jsonl").exists()


def add_runs(url: str, rows: list[dict]) -> None:
    upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        for row in rows:
            session.add(db.CrawlRun(spider="yybnet", args={}, started_at=db.utcnow(), finished_at=db.utcnow(), **row))
    engine.dispose()


def test_a_run_of_many_workers_is_judged_as_one(sqlite_url):
    add_runs(sqlite_url, [
        {"run_key": "a", "worker": "h:1", "status": "finished", "pages": 50, "articles_new": 20},
        {"run_key": "a", "worker": "h:2", "status": "finished", "pages": 40, "articles_new": 15},
        {"run_key": "b", "worker": "h:3", "status": "finished", "pages": 50, "errors": 2},
        {"run_key": "b", "worker": "h:4", "status": "degraded", "pages": 40, "errors": 9},
        {"run_key": "c", "worker": "h:5", "status": "finished"},
        {"run_key": "c", "worker": "h:6", "status": "interrupted", "finish_reason": "process ended without closing the run"},
    ])  # fmt: skip
    status, summary = judge_run(sqlite_url, run_key="a")
    assert status == EXIT_OK and summary.startswith("run 1 (2 workers) finished: 90 pages, 35 new")
    status, summary = judge_run(sqlite_url, 4)  # any row of the run names it
    assert status == EXIT_DEGRADED and "11 failed" in summary
    status, summary = judge_run(sqlite_url, run_key="c")
    assert status == EXIT_FAILED and "interrupted (process ended without closing the run)" in summary

    table = runs_table(sqlite_url).splitlines()
    assert len(table) == 4  # header + three runs
    header = table[0].split()
    by_first_id = {line.split()[0]: line.split() for line in table[1:]}
    assert by_first_id["1"][header.index("workers")] == "2" and by_first_id["1"][header.index("status")] == "finished"
    assert by_first_id["3"][header.index("status")] == "degraded"
    assert by_first_id["5"][header.index("status")] == "interrupted"


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [
        (["finished", "finished"], "finished"),
        (["finished", "degraded"], "degraded"),
        (["drift", "failed"], "failed"),
        (["running", "finished"], "running"),
    ],
)
def test_a_run_is_as_bad_as_its_worst_worker(statuses, worst):
    assert run_status([db.CrawlRun(status=status) for status in statuses]) == worst


def test_the_redis_url_follows_the_database_url_rule(monkeypatch):
    from scrapy.settings import Settings

    monkeypatch.delenv("NEWSCRAWL_REDIS_URL", raising=False)
    assert redis_url(settings=Settings({"NEWSCRAWL_REDIS_URL": None})) is None
    monkeypatch.setenv("NEWSCRAWL_REDIS_URL", "redis://env/1")
    assert redis_url(settings=Settings({"NEWSCRAWL_REDIS_URL": "redis://project/2"})) == "redis://env/1"
    settings = Settings()
    settings.set("NEWSCRAWL_REDIS_URL", "redis://cmdline/3", priority="cmdline")
    assert redis_url(settings=settings) == "redis://cmdline/3"
    assert redis_url("redis://explicit/4", settings) == "redis://explicit/4"
    assert "secret" not in shown("redis://:secret@host:6379/0") and "host:6379/0" in shown("redis://:secret@host:6379/0")
