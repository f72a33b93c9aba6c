"""The schema is the migrations': upgrade from empty works, and the models agree with them."""

from alembic import command
from sqlalchemy import create_engine, inspect

from newscrawl import migrate

TABLES = {"articles", "article_versions", "crawl_runs", "extraction_failures", "fetch_failures", "alembic_version"}


def test_upgrade_from_empty_matches_models_and_downgrades(database_url):
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)
    migrate.check(database_url)  # raises if models and migrations disagree

    engine = create_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        columns = {c["name"] for c in inspect(engine).get_columns("articles")}
        assert {"article_key", "published_at", "authors", "editors", "content_hash", "first_seen_at", "last_seen_at"} <= columns
    finally:
        engine.dispose()

    command.downgrade(migrate.alembic_config(database_url), "base")
    assert migrate.current_revision(database_url) is None
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)


def test_articles_archived_before_0002_get_their_text_as_version_one(database_url):
    from sqlalchemy import text

    migrate.upgrade(database_url, "0001")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO articles (article_key, url, canonical_url, breadcrumbs, title, body, authors, editors, images,"
                " content_hash, crawled_at, first_seen_at, last_seen_at)"
                " VALUES ('weifang/news/1234567', 'u', 'u', '[]', '标题', '正文', '[\"张三\"]', '[]', '[]', 'h',"
                " '2017-08-13 01:19:00', '2017-08-13 01:19:00', '2017-08-13 01:19:00')"
            ))  # fmt: skip
        migrate.upgrade(database_url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT a.article_key, v.version, v.body, a.version FROM article_versions v JOIN articles a ON a.id = v.article_id")
            ).all()
        assert [tuple(r) for r in rows] == [("weifang/news/1234567", 1, "正文", 1)]
    finally:
        engine.dispose()
