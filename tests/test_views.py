"""The views of migration 0012 for plain SQL: articles_current, article_authors, article_editors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text, update

from conftest import query
from newscrawl import db, migrate
from newscrawl.archive import Archive
from newscrawl.items import Article, Removed
from newscrawl.pipelines.dedup import content_fingerprint

BEIJING = timezone(timedelta(hours=8))
VIEWS = {"articles_current", "article_authors", "article_editors"}
# 02:00 in Beijing is 18:00 UTC the day before: the Beijing day is the 14th, the UTC day the 13th.
PUBLISHED = datetime(2017, 8, 14, 2, 0, tzinfo=BEIJING)
CRAWLED = datetime(2017, 8, 14, 20, 30, tzinfo=UTC)  # 04:30 on the 15th in Beijing


def article(key: str, channel: str, body: str, **fields) -> Article:
    city, slug, number = key.split("/")
    url = f"https://www.yybnet.net/{city}/{slug}/201708/{number}.html"
    values = {"title": f"标题{number}", "body": body, "crawled_at": CRAWLED, **fields}
    return Article(url=url, canonical_url=url, article_key=key, city=city, channel=channel, content_hash=content_fingerprint(body), **values)


def write_archive(database_url: str) -> None:
    migrate.upgrade(database_url)
    engine = db.make_engine(database_url)
    try:
        writer = Archive(engine)
        writer.write(
            [
                article(
                    "weifang/news/1000001",
                    "潍坊新闻",
                    "潍坊市召开党建工作会议。",
                    source="潍坊日报",
                    published_at=PUBLISHED,
                    authors=["张三", "李四"],
                    editors=["王五"],
                    subtitle="副题",
                ),
                article("weifang/news/1000002", "潍坊新闻", "寿光菜博会开幕。"),
                article("zibo/news/1000003", "淄博新闻", "淄博新闻正文。", authors=["赵六"], published_at=PUBLISHED),
                article("zibo/news/1000004", "淄博新闻", "一篇没有名单的文章。"),
            ],
            None,
            CRAWLED,
        )
        writer.write([Removed(url="u", article_key="zibo/news/1000003", http_status=404)], None, CRAWLED + timedelta(days=1))
        with engine.begin() as connection:  # a list stored as JSON null, not as a list: no rows, no error
            connection.execute(update(db.ARTICLES).where(db.ARTICLES.c.article_key == "zibo/news/1000004").values(authors=None, editors=None))
    finally:
        engine.dispose()


def test_articles_current_leaves_out_removed_articles_and_shows_beijing_time(database_url):
    write_archive(database_url)
    rows = query(
        database_url,
        "SELECT article_key, published_at_beijing, published_date, crawled_at_beijing, channel, source, subtitle"
        " FROM articles_current ORDER BY article_key",
    )
    shown = [(key, str(at) if at else None, str(day) if day else None, str(crawled), *rest) for key, at, day, crawled, *rest in rows]
    assert shown == [
        ("weifang/news/1000001", "2017-08-14 02:00:00", "2017-08-14", "2017-08-15 04:30:00", "潍坊新闻", "潍坊日报", "副题"),
        ("weifang/news/1000002", None, None, "2017-08-15 04:30:00", "潍坊新闻", None, None),
        ("zibo/news/1000004", None, None, "2017-08-15 04:30:00", "淄博新闻", None, None),
    ]
    # The UTC columns stay as in articles.
    assert query(database_url, "SELECT count(*) FROM articles_current c JOIN articles a ON a.id = c.id AND a.published_at = c.published_at") == [(1,)]
    # A day in Beijing time is a plain filter.
    on_the_14th = "SELECT article_key FROM articles_current WHERE published_date = '2017-08-14'"
    assert query(database_url, on_the_14th) == [("weifang/news/1000001",)]


def test_people_views_have_one_row_per_person_in_list_order(database_url):
    write_archive(database_url)
    authors = query(database_url, "SELECT article_key, name, position FROM article_authors ORDER BY article_key, position")
    # Removed articles keep their people here; join articles_current to leave them out.
    assert authors == [("weifang/news/1000001", "张三", 1), ("weifang/news/1000001", "李四", 2), ("zibo/news/1000003", "赵六", 1)]
    editors = query(database_url, "SELECT article_key, name, position FROM article_editors ORDER BY article_key, position")
    assert editors == [("weifang/news/1000001", "王五", 1)]
    current = query(
        database_url,
        "SELECT p.name, count(*) FROM article_authors p JOIN articles_current c ON c.id = p.article_id GROUP BY p.name ORDER BY p.name",
    )
    assert sorted(current) == [("张三", 1), ("李四", 1)]
    ids = query(database_url, "SELECT DISTINCT p.article_id = a.id FROM article_authors p JOIN articles a ON a.article_key = p.article_key")
    assert ids == [(True,)] or ids == [(1,)]


def test_downgrade_drops_the_views_and_upgrade_makes_them_again(database_url):
    write_archive(database_url)
    engine = create_engine(database_url)
    try:
        assert set(inspect(engine).get_view_names()) >= VIEWS
        command.downgrade(migrate.alembic_config(database_url), "0011")
        engine.dispose()
        assert not VIEWS & set(inspect(engine).get_view_names())
        migrate.upgrade(database_url)
        engine.dispose()
        assert set(inspect(engine).get_view_names()) >= VIEWS
        migrate.check(database_url)  # views are not tables: the models still match
    finally:
        engine.dispose()
    assert len(query(database_url, "SELECT * FROM articles_current")) == 3


def test_published_date_is_the_beijing_day_around_midnight(sqlite_url):
    write_archive(sqlite_url)
    engine = db.make_engine(sqlite_url)
    try:
        with engine.begin() as connection:
            for hour, minute in ((15, 59), (16, 0)):  # UTC: 23:59 and 00:00 in Beijing
                at = datetime(2017, 8, 20, hour, minute, tzinfo=UTC)
                connection.execute(update(db.ARTICLES).where(db.ARTICLES.c.article_key == "weifang/news/1000002").values(published_at=at))
                day = connection.execute(text("SELECT published_date FROM articles_current WHERE article_key = 'weifang/news/1000002'")).scalar()
                assert date.fromisoformat(str(day)) == at.astimezone(BEIJING).date()
    finally:
        engine.dispose()


@pytest.mark.parametrize("sql", ["SELECT * FROM articles_current", "SELECT * FROM article_authors", "SELECT * FROM article_editors"])
def test_views_read_an_empty_archive(sqlite_url, sql):
    migrate.upgrade(sqlite_url)
    assert query(sqlite_url, sql) == []
