"""End to end: `scrapy crawl yybnet` against the mirror, into SQLite and PostgreSQL, checked against its truth."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import run_crawl
from newscrawl import db

LABEL_FIELDS = ("title", "subtitle", "source", "authors", "editors", "body")  # shared/eval/LABELS.md, with published_at
COMPARED = ("city", "channel", *LABEL_FIELDS)


def stored(database_url: str) -> tuple[list[db.Article], list[db.CrawlRun]]:
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            articles = list(session.scalars(select(db.Article)))
            runs = list(session.scalars(select(db.CrawlRun).order_by(db.CrawlRun.id)))
            session.expunge_all()
            return articles, runs
    finally:
        engine.dispose()


def mismatches(articles: list[db.Article], truth: dict[str, dict], fields: tuple[str, ...] = COMPARED) -> list[str]:
    problems = []
    for article in articles:
        gold = truth.get(article.article_key)
        if gold is None:
            problems.append(f"{article.article_key}: stored but not served")
            continue
        for name in fields:
            if getattr(article, name) != gold[name]:
                problems.append(f"{article.article_key} [{gold['template']}] {name}: {getattr(article, name)!r} != {gold[name]!r}")
        if article.published_at != datetime.fromisoformat(gold["published_at"]):
            problems.append(f"{article.article_key} published_at: {article.published_at} != {gold['published_at']}")
        if article.canonical_url != "https://www.yybnet.net" + urlsplit(gold["url"]).path:
            problems.append(f"{article.article_key} canonical_url: {article.canonical_url}")
    return problems


def test_crawl_stores_every_served_article_once_with_the_right_fields(mirror, truth, database_url):
    run_crawl(mirror.base_url, database_url)
    articles, runs = stored(database_url)

    keys = [a.article_key for a in articles]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(truth), f"missing: {sorted(set(truth) - set(keys))}, extra: {sorted(set(keys) - set(truth))}"
    assert mismatches(articles, truth) == []
    assert [r.status for r in runs] == ["finished"] and runs[0].articles_new == len(truth)

    # Every copy of a reprinted story after the first points at the first copy.
    by_id = {a.id: a for a in articles}
    copies = defaultdict(list)
    for a in articles:
        copies[truth[a.article_key]["story"]].append(a)
    reprinted = [group for group in copies.values() if len(group) > 1]
    assert reprinted, "the mirror serves reprints"
    for group in reprinted:
        first, *others = sorted(group, key=lambda a: a.id)
        assert first.reprint_of_id is None
        assert all(by_id[o.reprint_of_id].article_key == first.article_key for o in others)

    # A second run fetches no archived article again, adds nothing and says so.
    run_crawl(mirror.base_url, database_url)
    again, runs = stored(database_url)
    assert sorted(a.article_key for a in again) == sorted(keys)
    second = runs[1]
    assert (second.status, second.articles_new, second.articles_unchanged, second.articles_updated) == ("finished", 0, 0, 0)
    assert second.skipped > 0 and second.pages < runs[0].pages

    # A full pass revisits every archived article and still adds no row.
    run_crawl(mirror.base_url, database_url, "-a", "full=1")
    again, runs = stored(database_url)
    assert sorted(a.article_key for a in again) == sorted(keys)
    assert runs[2].articles_unchanged + runs[2].not_modified == len(truth) and runs[2].articles_new == 0


def test_channel_and_page_arguments_limit_the_crawl(mirror, truth, sqlite_url):
    wanted = "weifang/news"
    run_crawl(mirror.base_url, sqlite_url, "-a", f"channels={wanted}", "-a", "max_list_pages=1")
    articles, runs = stored(sqlite_url)
    served = [k for k in truth if k.startswith(wanted + "/")]
    assert articles and all(a.article_key.startswith(wanted + "/") for a in articles)
    assert len(articles) <= min(len(served), 10)  # one list page of at most page_size links
    assert runs[0].args["channels"] == [wanted]


def test_since_keeps_exactly_the_articles_published_from_that_day(mirror, truth, sqlite_url):
    since = "2016-06-01"
    run_crawl(mirror.base_url, sqlite_url, "-a", f"since={since}")
    articles, _ = stored(sqlite_url)
    wanted = {k for k, row in truth.items() if row["published_at"][:10] >= since}
    assert wanted and len(wanted) < len(truth)
    assert {a.article_key for a in articles} == wanted
