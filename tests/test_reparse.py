"""Reparse: articles rebuilt from WARC files alone, idempotent, updated after an extractor fix, never from an error page."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Spider
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from conftest import run_crawl
from newscrawl import db
from newscrawl.reparse import reparse
from newscrawl.warc import WarcWriterMiddleware, iter_responses, read_record
from test_soft404 import SoftMirror

COMPARED = ("city", "channel", "title", "subtitle", "source", "authors", "editors", "body")


def picked(truth: dict[str, dict]) -> list[dict]:
    """Three article pages of different templates and charsets (GBK pages declare it in <meta> only)."""
    wanted = [("desktop-a", "gbk"), ("mobile-new", "utf-8"), ("desktop-b", "utf-8")]
    rows = sorted(truth.values(), key=lambda row: row["article_key"])
    return [next(row for row in rows if (row["template"], row["encoding"]) == kind) for kind in wanted]


class Archiver:
    """Writes captures of mirror pages through the real middleware, as a crawl would."""

    def __init__(self, warc_dir: Path, mirror, mirror_site):
        self.middleware = WarcWriterMiddleware.from_crawler(get_crawler(Spider, {"NEWSCRAWL_WARC_DIR": str(warc_dir)}))
        self.mirror, self.site = mirror, mirror_site
        self.host = urlsplit(mirror.base_url).netloc

    def capture(self, path: str, served_path: str | None = None, gzipped: bool = False) -> dict:
        """Archive the page at `path` (or, to fake an earlier text, the page of `served_path` under it)."""
        answer = self.site.respond("GET", served_path or path, {"Host": self.host})
        headers, body = dict(answer.headers), answer.body
        if gzipped:
            headers["Content-Encoding"], body = "gzip", gzip.compress(body)
            headers["Content-Length"] = str(len(body))
        request = Request(self.mirror.base_url + path, headers={"Accept-Encoding": "gzip, deflate"})
        response = Response(request.url, status=answer.status, headers=headers, body=body, request=request, protocol="HTTP/1.1")
        self.middleware.process_response(request, response)
        return request.meta["warc"]

    def close(self) -> None:
        self.middleware.spider_closed()


@pytest.fixture
def archiver(tmp_path, mirror, mirror_site):
    made = Archiver(tmp_path / "warc", mirror, mirror_site)
    yield made
    made.close()


def path_of(row: dict) -> str:
    return urlsplit(row["url"]).path


def snapshot(url: str) -> dict[str, list]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
                for table in ("articles", "article_versions", "extraction_failures")
            }  # fmt: skip
    finally:
        engine.dispose()


def stored(url: str) -> tuple[dict[str, db.Article], list[db.CrawlRun]]:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            articles = {a.article_key: a for a in session.scalars(select(db.Article))}
            runs = list(session.scalars(select(db.CrawlRun).order_by(db.CrawlRun.id)))
            session.expunge_all()
            return articles, runs
    finally:
        engine.dispose()


def mismatches(article: db.Article, gold: dict) -> list[str]:
    problems = [f"{name}: {getattr(article, name)!r} != {gold[name]!r}" for name in COMPARED if getattr(article, name) != gold[name]]
    if article.published_at != datetime.fromisoformat(gold["published_at"]):
        problems.append(f"published_at: {article.published_at} != {gold['published_at']}")
    return problems


def soft_404_site(archiver: Archiver, *paths: str) -> None:
    """From now on the archiver's site answers these article paths with the CMS's error page (status 200)."""
    archiver.site = SoftMirror(archiver.site, gone=set(paths))


def test_reparse_builds_the_articles_from_the_archive_and_is_idempotent(database_url, archiver, truth, monkeypatch, tmp_path):
    pages = picked(truth)
    archiver.capture(path_of(pages[0]), served_path=path_of(pages[1]))  # an earlier capture with another text
    locations = [archiver.capture(path_of(row), gzipped=(n == 1)) for n, row in enumerate(pages)]
    archiver.capture("/weifang/news/")  # a list page: not an article
    archiver.capture("/weifang/news/201708/99999999.html")  # an article URL answered 404
    archiver.close()
    warc_dir = tmp_path / "warc"

    counts = reparse(database_url, warc_dir)

    assert counts["articles_new"] == 3 and counts["captures"] == 3
    assert (counts["superseded"], counts["not_article"], counts["not_ok"], counts["page_failures"]) == (1, 1, 1, 0)
    articles, runs = stored(database_url)
    assert set(articles) == {row["article_key"] for row in pages}
    for row, location in zip(pages, locations, strict=True):
        article = articles[row["article_key"]]
        assert mismatches(article, row) == [], row["article_key"]
        assert (article.warc_file, article.warc_offset) == (location["file"], location["offset"])  # the newest capture
        assert read_record(warc_dir, article.warc_file, article.warc_offset).url == article.url
        assert article.crawled_at == location["date"]
    assert [(r.spider, r.status, r.pages, r.articles_new) for r in runs] == [("reparse", "finished", 3, 3)]

    with Session(engine := db.make_engine(database_url)) as session, session.begin():  # the site dropped one since
        session.execute(update(db.ARTICLES).where(db.ARTICLES.c.article_key == pages[2]["article_key"]).values(removed_at=db.utcnow()))
    engine.dispose()
    before = snapshot(database_url)
    again = reparse(database_url, warc_dir)
    assert (again["articles_unchanged"], again["articles_new"], again["articles_updated"]) == (3, 0, 0)
    assert snapshot(database_url) == before  # not a row, not a field changed: fetch facts are left alone
    assert [(r.spider, r.status, r.articles_unchanged) for r in stored(database_url)[1]][1] == ("reparse", "finished", 3)

    # An extractor fix: one title comes out differently (same body), another article's body does.
    from newscrawl import reparse as module

    real_extract = module.extract_page

    def fixed_extract(markup, url, *, crawled_at=None):
        item = real_extract(markup, url, crawled_at=crawled_at)
        if item.article_key == pages[0]["article_key"]:
            item.title += "(修正)"
        if item.article_key == pages[1]["article_key"]:
            item.body += "\n补上的一段。"
        return item

    monkeypatch.setattr(module, "extract_page", fixed_extract)
    fixed = reparse(database_url, warc_dir)

    assert (fixed["articles_updated"], fixed["articles_unchanged"], fixed["articles_new"]) == (2, 1, 0)
    articles, runs = stored(database_url)
    assert articles[pages[0]["article_key"]].title == pages[0]["title"] + "(修正)"
    assert articles[pages[1]["article_key"]].body.endswith("补上的一段。")
    assert [articles[row["article_key"]].version for row in pages] == [2, 2, 1]
    assert articles[pages[2]["article_key"]].removed_at is not None
    versions = snapshot(database_url)["article_versions"]
    assert len(versions) == 5
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            first_id = articles[pages[0]["article_key"]].id
            titles = session.scalars(
                select(db.ArticleVersion.title).where(db.ArticleVersion.article_id == first_id).order_by(db.ArticleVersion.version)
            )
            assert list(titles) == [pages[0]["title"], pages[0]["title"] + "(修正)"]
    finally:
        engine.dispose()
    assert (runs[-1].status, runs[-1].articles_updated) == ("finished", 2)
    assert reparse(database_url, warc_dir)["articles_unchanged"] == 3  # and the fix holds on the next pass


def test_pages_without_title_or_body_are_recorded_as_failures(sqlite_url, archiver, tmp_path):
    request = Request(archiver.mirror.base_url + "/weifang/news/201708/1000001.html")
    for body in (b"<html><body><p>\xe6\xb2\xa1\xe6\x9c\x89\xe6\xa0\x87\xe9\xa2\x98</p></body></html>", b""):
        response = Response(request.url, status=200, headers={"Content-Type": "text/html; charset=utf-8"}, body=body, request=request)
        archiver.middleware.process_response(request, response)
        archiver.close()
        counts = reparse(sqlite_url, tmp_path / "warc")
        assert (counts["page_failures"], counts["articles_new"]) == (1, 0)
    failures = snapshot(sqlite_url)["extraction_failures"]
    assert [row[3] for row in failures] == ["weifang/news/1000001"] * 2  # article_key, one per reparse run
    assert stored(sqlite_url)[1][-1].rejected == 1


def test_since_leaves_out_older_captures(sqlite_url, archiver, truth, tmp_path):
    first, second = picked(truth)[:2]
    archiver.capture(path_of(first))
    later = archiver.capture(path_of(second))
    since = read_record(tmp_path / "warc", later["file"], later["offset"]).date

    counts = reparse(sqlite_url, tmp_path / "warc", since=since)

    assert counts["articles_new"] == 1 and set(stored(sqlite_url)[0]) == {second["article_key"]}
    assert stored(sqlite_url)[1][0].args["since"] == since.isoformat()
    with pytest.raises(ValueError, match="aware"):
        reparse(sqlite_url, tmp_path / "warc", since=since.replace(tzinfo=None))


def test_an_archived_capture_older_than_the_stored_text_does_not_replace_it(sqlite_url, archiver, truth, tmp_path, monkeypatch):
    row = picked(truth)[0]
    archiver.capture(path_of(row))
    reparse(sqlite_url, tmp_path / "warc")
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session, session.begin():  # as if a later crawl without a WARC had stored it
        session.execute(update(db.ARTICLES).values(crawled_at=datetime.now(UTC) + timedelta(days=1), warc_file=None, warc_offset=None))
    engine.dispose()
    from newscrawl import reparse as module

    real_extract = module.extract_page

    def other_body(markup, url, *, crawled_at=None):
        item = real_extract(markup, url, crawled_at=crawled_at)
        item.body = "另一段正文。"
        return item

    monkeypatch.setattr(module, "extract_page", other_body)

    counts = reparse(sqlite_url, tmp_path / "warc")

    assert counts["older_than_stored"] == 1 and counts["articles_updated"] == 0
    assert stored(sqlite_url)[0][row["article_key"]].body == row["body"]


def test_a_crawl_with_the_middleware_archives_what_reparse_turns_back_into_the_same_articles(mirror, truth, tmp_path):
    crawled, rebuilt, warc_dir = f"sqlite:///{tmp_path / 'crawl.db'}", f"sqlite:///{tmp_path / 'rebuilt.db'}", tmp_path / "warc"
    done = run_crawl(
        mirror.base_url, crawled, "-s", 'DOWNLOADER_MIDDLEWARES={"newscrawl.warc.WarcWriterMiddleware": 950}',
        "-s", f"NEWSCRAWL_WARC_DIR={warc_dir}",
    )  # fmt: skip
    assert "Deprecat" not in done.stderr
    assert "'warc/files': 1" in done.stderr
    responses = list(iter_responses(warc_dir))
    assert {r.url for r in responses if r.status == 200} >= {row["url"] for row in truth.values()}

    counts = reparse(rebuilt, warc_dir)

    assert counts["articles_new"] == len(truth)
    columns = ("article_key", "title", "subtitle", "source", "published_at", "authors", "editors", "body", "content_hash")
    crawl_rows, rebuilt_rows = (
        sorted(tuple(getattr(a, c) for c in columns) for a in stored(url)[0].values()) for url in (crawled, rebuilt)
    )  # fmt: skip
    assert rebuilt_rows == crawl_rows
    reprints = [sorted(a.article_key for a in stored(url)[0].values() if a.reprint_of_id is not None) for url in (crawled, rebuilt)]
    assert reprints[0] and reprints[1] == reprints[0]


def test_an_error_page_under_a_key_never_archived_is_a_soft_404_failure_not_an_article(database_url, archiver, truth, tmp_path):
    pages = picked(truth)
    gone = next(row for row in sorted(truth.values(), key=lambda row: row["article_key"]) if row not in pages)
    for row in pages[:2]:
        archiver.capture(path_of(row))
    soft_404_site(archiver, path_of(gone))
    archiver.capture(path_of(gone))
    archiver.close()

    counts = reparse(database_url, tmp_path / "warc")

    assert (counts["articles_new"], counts["soft_404"], counts["page_failures"], counts["captures"]) == (2, 1, 1, 3)
    articles, runs = stored(database_url)
    assert set(articles) == {row["article_key"] for row in pages[:2]}
    [failure] = snapshot(database_url)["extraction_failures"]
    assert failure[3] == gone["article_key"] and failure[4].startswith("soft 404: ")  # article_key, reason
    assert (runs[0].soft_404, runs[0].rejected, runs[0].articles_new) == (1, 1, 2)


def test_an_archived_article_whose_newest_capture_is_an_error_page_keeps_its_text(database_url, archiver, truth, tmp_path):
    row = picked(truth)[0]
    archiver.capture(path_of(row))
    archiver.close()
    reparse(database_url, tmp_path / "warc")
    before = snapshot(database_url)
    soft_404_site(archiver, path_of(row))
    passes = []
    for _ in range(2):  # the site took it down since: its newest capture is the error page, on two later fetches
        archiver.capture(path_of(row))
        archiver.close()
        passes.append(reparse(database_url, tmp_path / "warc"))
        # Text, version count, removed_at and every fetch fact as they were; the second fetch confirms nothing either.
        article = stored(database_url)[0][row["article_key"]]
        assert (article.body, article.title, article.version, article.removed_at) == (row["body"], row["title"], 1, None)
        assert snapshot(database_url) == before

    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(db.SuspectVersion)) == 0  # not even held as suspect
    finally:
        engine.dispose()
    for counts in passes:
        assert counts["soft_404"] == 1 and counts["captures"] == 1
        assert [counts[name] for name in ("articles_updated", "articles_unchanged", "suspect", "page_failures")] == [0, 0, 0, 0]
    assert [run.soft_404 for run in stored(database_url)[1]] == [0, 1, 1]
